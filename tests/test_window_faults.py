"""The window against faults (issue 23): an exception no handler caught ends as a status-bar message and a log
entry while the app goes on; a song Save cannot write back is saved as the melody in a new file; a save never
reopens with another melody."""

import sys
import threading

import mido
from PySide6.QtCore import QTimer

from mguv_app.crash_log import log_path
from mguv_app.music import read_midi

from . import smf
from .test_song_faults import PIANO, melody_track, voices


def test_an_uncaught_exception_is_shown_logged_and_the_window_goes_on(qtbot, monkeypatch, tmp_path, make_window):
    from ui.fault_guard import install

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window = make_window()
    reporter = install(window)

    def broken_slot():
        raise RuntimeError("a slot failed")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: "RuntimeError: a slot failed" in reporter.last_message, timeout=5000)
    assert str(log_path()) in window.statusBar().currentMessage()

    def broken_worker():
        raise ValueError("a worker failed")

    worker = threading.Thread(target=broken_worker, name="band-fit")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: "ValueError: a worker failed" in reporter.last_message, timeout=5000)
    log = log_path().read_text()
    assert log.count("Traceback (most recent call last)") == 2 and "thread band-fit" in log

    tune = tmp_path / "tune.mid"  # and the window still works
    tune.write_bytes(smf.simple_song())
    assert window.open_path(str(tune)) and len(window.doc.notes) == 4


def test_a_song_that_cannot_be_written_back_is_saved_as_the_melody_in_a_new_file(qtbot, tmp_path, make_window):
    """A sysex with data bytes over 127 in the tempo track: a new tempo means rewriting that track, which no MIDI
    writer can. Nothing is written to the song; Save asks for a new file for the melody instead."""
    conductor = smf.track([(0, smf.tempo(500000)), (0, b"\xf0\x03\x81\x82\xf7")])
    src = tmp_path / "song.mid"
    src.write_bytes(smf.smf([conductor, melody_track(), PIANO]))
    data = src.read_bytes()
    window = make_window()
    asked = []
    window.ask_save_path = lambda parent, title, suggested: asked.append(suggested) or suggested
    assert window.open_path(str(src)) and window.song is not None
    assert window.set_song_settings(qpm=90)
    assert window.save()
    assert src.read_bytes() == data and asked == [str(tmp_path / "song melody.mid")]
    saved = read_midi(tmp_path / "song melody.mid").melody
    assert saved.qpm == 90 and saved.notes == read_midi(src).melody.notes
    assert window.path == str(tmp_path / "song melody.mid") and not window.modified


def test_an_edited_voice_saved_into_its_song_reopens_as_the_same_voice(qtbot, tmp_path, make_window):
    """Voice 3 (chords, the most notes) saved as its line would lose to voice 4 at the next Open: the window
    remembers the track it saved, as Choose Melody Track… does."""
    src = voices(tmp_path / "voices.mid")
    window = make_window()
    assert window.open_path(str(src)) and window.song is not None
    first = min(window.doc.notes, key=lambda i: window.doc.notes[i].start)
    window.doc.select({first})
    assert window.roll.delete_selection()
    assert window.save()
    guess = read_midi(src)  # the importer alone would take voice 4 now
    assert guess.track == "Voice 4"
    assert window.open_path(str(src))
    assert window.song.score_index == 2 and len(window.doc.notes) == 9  # voice 3, without the deleted note
    assert [t.name for t in mido.MidiFile(src).tracks[1:]] == ["Voice 1", "Voice 2", "Voice 3", "Voice 4"]
