"""The melody's tempo, meter and instrument, set in the transport: undo steps, saved in the file."""

import pytest

from mguv_app.music import Melody, Note, read_midi, write_midi


@pytest.fixture
def window(transport_window):
    return transport_window


def test_tempo_meter_and_instrument_are_undoable_and_saved(window, qtbot, tmp_path):
    src = tmp_path / "tune.mid"
    write_midi(Melody([Note(i * 480, i * 480 + 400, 60 + i) for i in range(12)], qpm=100.0), src)
    assert window.open_path(str(src))
    panel, stack = window.transport, window.undo_stack
    for bpm in (101, 102, 103, 90):  # the box's arrows, then a typed value: one undo step
        panel.bpm.setValue(bpm)
    assert window.doc.qpm == 90.0 and panel.player.qpm == 90.0 and stack.count() == 1
    assert stack.undoText() == "Tempo 90 BPM" and window.modified
    panel.meter.setCurrentText("3/4")
    assert window.doc.time_signature == (3, 4) and "3/4" in window.summary_label.text()
    assert window.roll.geo.length_ticks % 1440 == 0 and window.melody.num_bars == 4  # 12 beats: 4 bars of 3
    panel.instrument.setCurrentIndex(73)
    assert window.doc.program == 73 and stack.undoText() == "Instrument 73: Flute"
    assert stack.count() == 3

    assert window.save()
    saved = read_midi(src).melody
    assert (saved.qpm, saved.time_signature, saved.program) == (90.0, (3, 4), 73)

    stack.undo()
    stack.undo()
    stack.undo()
    assert (window.doc.qpm, window.doc.time_signature, window.doc.program) == (100.0, (4, 4), 0)
    qtbot.waitUntil(lambda: (panel.bpm.value(), panel.meter.currentText(), panel.instrument.currentIndex())
                    == (100.0, "4/4", 0), timeout=2000)  # the transport shows the melody's settings again
    assert stack.count() == 3 and window.modified  # redo is still there; the file holds the new settings


def test_an_opened_file_s_own_meter_is_offered(window, tmp_path):
    src = tmp_path / "nine.mid"
    write_midi(Melody([Note(0, 240, 60)], time_signature=(9, 8)), src)
    assert window.open_path(str(src))
    assert window.transport.meter.currentText() == "9/8" and window.undo_stack.count() == 0


def test_a_new_meter_keeps_the_chosen_chords_sounding(window, tmp_path):
    src = tmp_path / "tune.mid"
    write_midi(Melody([Note(i * 480, i * 480 + 400, 60) for i in range(12)], chords={960: "Dm", 1920: "G7"}), src)
    assert window.open_path(str(src))
    window.transport.meter.setCurrentText("3/4")
    assert window.doc.chords == {0: "Dm", 1440: "G7"} and window.undo_stack.count() == 1
    window.undo_stack.undo()  # meter and chords come back together
    assert window.doc.time_signature == (4, 4) and window.doc.chords == {960: "Dm", 1920: "G7"}
