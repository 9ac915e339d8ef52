"""The Endless dock in the main window (offscreen): start, play on, freeze into the roll, save, knobs, no model."""

import mido
import pytest

from mguv_app.audio import NullOutput
from mguv_app.music import Melody, Note

SR = 22050


def pumped(style):
    from mguv_app.lofi.live import BandPlayer

    return BandPlayer(sample_rate=SR, output=NullOutput(SR, 1024, realtime=False), style=style)


@pytest.fixture
def window(make_window):
    return make_window(with_transport=True)


def test_endless_dock_plays_freezes_and_saves(window, qtbot, tiny_engine, tmp_path):
    from ui.lofi_link import attach_lofi

    panel = attach_lofi(window, model_loader=lambda: tiny_engine, player_factory=pumped)
    assert "Endless" in window.docks and window.lofi_panel is panel
    window.replace_melody(Melody([Note(0, 480, 60), Note(480, 960, 64), Note(960, 1920, 67)]))
    panel.anchor_check.setChecked(True)
    panel.anchor.setValue(40)
    try:
        panel.start_button.click()
        assert panel.running and panel.start_button.text() == "Stop"
        qtbot.waitUntil(lambda: panel.session.started, timeout=30000)
        stream = panel.session.stream
        assert stream.z_anchor is not None and stream.anchor_strength == pytest.approx(0.4)
        panel.player.output.pump(SR * 2)  # two seconds of music
        panel.pump()
        assert "Phrase 1" in panel.status.text()
        # what is playing: the phrase in the mini roll, the chord sounding now, the playhead inside the phrase
        now, (playing, local) = panel.now_playing, panel.session.current()
        assert now.phrase is playing is stream.taken[0] and 0 < now.roll.tick == local < playing.length_ticks
        from ui.lofi_now_playing import chord_name

        assert now.chord_label.text() == chord_name(playing, local) != ""
        assert not now.isHidden() and "Phrase 1" in now.where_label.text()
        from ui.lofi_now_playing import form_text

        assert now.form_label.text() == form_text(playing) and now.form_label.isHidden() != bool(form_text(playing))
        playing.form_label, playing.form_position = "B", (3, 4)  # the phrase's place in the form shows
        panel.pump()
        assert now.form_label.text() == "Form B · 3 of 4" and not now.form_label.isHidden()
        assert "(B)" in panel.status.text()
        panel.speed.setValue(10)
        panel.mode_box.setCurrentIndex(1)
        panel.bpm.setValue(72)
        assert stream.speed == pytest.approx(0.1) and stream.mode == "continue"
        assert stream.style.bpm == 72 and panel.player.qpm == 72
        assert panel.freeze_button.isEnabled()
        frozen = panel.freeze()
        assert window.melody.notes == frozen.notes == stream.taken[0].melody.notes
        assert "in the piano roll" in panel.status.text() and "Ctrl+Z" in panel.status.text()
        assert window.melody.qpm == 120.0  # the document's tempo (Endless played it at 72)
        phrase = stream.taken[0]  # the chords the band played under it come along, for the roll's Band
        assert window.doc.chords == frozen.chords and frozen.chords[0] == phrase.slots[0].chord.spelled(phrase.key)
        assert set(frozen.chords) == set(range(0, phrase.slots[-1].end, 960))
        window.undo_stack.undo()
        assert len(window.melody.notes) == 3 and window.doc.chords == {}  # freezing is one undoable step
        mid = tmp_path / "session.mid"
        assert panel.save_session(str(mid))
        assert len([t for t in mido.MidiFile(mid).tracks if any(m.type == "note_on" for m in t)]) == 4
        panel.ask_save_path = lambda parent, title, suggested: str(tmp_path / "session.wav")
        assert panel.save_session(), panel.status.text()  # rendered from memory: no temporary MIDI file
        assert sorted(p.name for p in tmp_path.iterdir()) == ["session.mid", "session.wav"]
        assert (tmp_path / "session.wav").stat().st_size > 44100
        panel.start_button.click()
        assert not panel.running and panel.start_button.text() == "Start endless"
        assert panel.start() and panel.session.stream.seed == 2  # a new session, a new seed
    finally:
        panel.shutdown()
    assert panel.player is None and not panel.running


def test_without_a_model_start_explains_and_stays_off(window, qtbot):
    from ui.lofi_link import attach_lofi

    def missing():
        raise FileNotFoundError("no model installed yet at resources/models/melody_16bar")

    panel = attach_lofi(window, model_loader=missing, player_factory=pumped)
    panel.start_button.click()
    assert not panel.running and not panel.start_button.isChecked()
    assert "needs a model" in panel.status.text() and "melody_16bar" in panel.status.text()
    assert panel.freeze() is None and not panel.save_session("/nonexistent/x.mid")
    assert not panel.freeze_button.isEnabled()
    panel.shutdown()


def test_endless_plays_the_form_chosen_in_the_dock(window, qtbot, tiny_engine):
    from ui.lofi_link import attach_lofi

    panel = attach_lofi(window, model_loader=lambda: tiny_engine, player_factory=pumped)
    assert [panel.form_box.itemData(i) for i in range(panel.form_box.count())][:2] == ["AABA", "ABAB"]
    panel.form_box.setCurrentIndex(panel.form_box.findData("ABAB"))
    try:
        panel.start_button.click()
        qtbot.waitUntil(lambda: panel.session.started, timeout=30000)
        stream = panel.session.stream
        assert stream.form.text == "ABAB" and stream.taken[0].form_label == "A"
        panel.stop()
        panel.form_box.setCurrentIndex(panel.form_box.findData("free"))
        panel.start_button.click()
        qtbot.waitUntil(lambda: panel.session.started, timeout=30000)
        assert panel.session.stream.form is None and panel.session.stream.taken[0].form_label == ""
    finally:
        panel.shutdown()


def test_the_chord_playing_now_is_never_drawn_cut(qtbot):
    """A long chord name ("F#maj9") after a short one is shown whole, and the line beside it stays put."""
    from PySide6.QtGui import QFontMetrics

    from ui.lofi_now_playing import NowPlaying

    now = NowPlaying()
    qtbot.addWidget(now)
    now.resize(380, 120)
    now.show()
    qtbot.waitExposed(now)
    now.chord_label.setText("C")
    x_short = now.where_label.x()
    now.chord_label.setText("F#maj9")  # as show_phrase sets it, with no layout pass in between
    assert now.chord_label.width() >= QFontMetrics(now.chord_label.font()).horizontalAdvance("F#maj9")
    assert now.where_label.x() == x_short
