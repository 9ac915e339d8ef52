"""The transport panel (offscreen): plays through a null sink, moves the playhead, remembers fonts."""

import pytest

from mguv_app.audio import Player
from mguv_app.audio.soundfonts import bundled_soundfont
from mguv_app.music.melody import Melody, Note


@pytest.fixture
def settings(tmp_path):
    from ui.settings import Settings

    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def panel(qtbot, settings):
    from ui.transport import TransportPanel

    p = TransportPanel(player=Player(output="null"), settings=settings)
    qtbot.addWidget(p)
    yield p
    p.shutdown()


def tune() -> Melody:
    return Melody([Note(i * 240, i * 240 + 200, 60 + i) for i in range(16)], qpm=150.0, program=40)


def test_play_moves_the_playhead_and_stop_returns_to_start(qtbot, panel):
    panel.set_melody(tune())
    assert panel.bpm.value() == 150.0 and panel.instrument.currentIndex() == 40
    seen = []
    panel.positionChanged.connect(seen.append)
    with qtbot.waitSignal(panel.playingChanged, timeout=2000) as started:
        panel.toggle_play()
    assert started.args == [True] and panel.play_button.text() == "⏸"
    qtbot.waitUntil(lambda: seen and seen[-1] >= 480, timeout=5000)  # a beat has been heard
    assert seen == sorted(seen)  # the playhead only moves forward
    with qtbot.waitSignal(panel.playingChanged, timeout=2000) as stopped:
        panel.stop()
    assert stopped.args == [False]
    assert seen[-1] == 0 and panel.player.position_ticks() == 0 and panel.time_label.text() == "1:1"


def test_controls_drive_the_player(panel):
    panel.set_melody(tune())
    panel.bpm.setValue(90)
    assert panel.player.qpm == 90
    panel.instrument.setCurrentIndex(73)
    assert panel.player.program == 73
    panel.volume.setValue(50)
    assert panel.player.volume == 0.5
    panel.metronome_button.setChecked(True)
    assert panel.player.metronome
    panel.set_loop(480, 1440)
    assert panel.loop_button.isChecked() and panel.player.loop == (480, 1440)
    panel.loop_button.setChecked(False)
    assert panel.player.loop is None
    panel.set_loop(0, None)
    panel.loop_button.setChecked(True)  # no region: loop the whole melody in bars
    assert panel.player.loop == (0, 2 * 1920)
    panel.audition(64, 90, 100)  # must not raise, sounds on its own channel
    panel.seek(960)
    assert panel.player.position_ticks() == 960


def test_soundfont_choice_is_remembered_and_bad_ones_refused(qtbot, panel, settings, tmp_path):
    from ui.transport import TransportPanel

    tim = bundled_soundfont()
    assert panel.choose_soundfont(str(tim))
    bad = tmp_path / "bad.sf2"
    bad.write_text("not a soundfont")
    with qtbot.waitSignal(panel.statusMessage) as msg:
        assert not panel.choose_soundfont(str(bad))
    assert "RIFF" in msg.args[0] and panel.player.synth.soundfont == tim
    again = TransportPanel(player=None, settings=settings)
    qtbot.addWidget(again)
    try:
        assert again.player.synth.soundfont == tim
        assert again.soundfont.currentData() == str(tim)
    finally:
        again.shutdown()


def test_no_device_is_reported_once(qtbot, settings, monkeypatch):
    from ui.transport import NO_DEVICE, TransportPanel

    monkeypatch.setenv("MGUV_AUDIO", "none")
    p = TransportPanel(settings=settings)
    qtbot.addWidget(p)
    try:
        with qtbot.waitSignal(p.statusMessage, timeout=2000) as msg:
            pass
        assert msg.args == [NO_DEVICE] and not p.player.available
    finally:
        p.shutdown()


def test_unusable_remembered_soundfont_falls_back_and_says_so(qtbot, settings, tmp_path):
    from ui.transport import TransportPanel

    settings.set("audio/soundfont", str(tmp_path / "gone.sf2"))
    p = TransportPanel(player=None, settings=settings)
    qtbot.addWidget(p)
    try:
        with qtbot.waitSignal(p.statusMessage, timeout=2000,
                              check_params_cb=lambda m: "SoundFont unusable" in m):
            pass
        assert p.player.synth.soundfont is not None
    finally:
        p.shutdown()


def test_band_plays_along_and_follows_edits(qtbot, panel):
    signals = []
    panel.statusMessage.connect(signals.append)
    song = Melody([Note(i * 480, i * 480 + 400, p) for i, p in enumerate([62, 66, 69, 66] * 4)], qpm=100.0)
    panel.set_melody(song)
    assert not panel.player.has_backing
    panel.band_button.setChecked(True)  # fitted on a worker thread, handed over on this one
    from mguv_app.lofi.backing import backing_for
    from ui.transport import BAND_DELAY_MS

    qtbot.waitUntil(lambda: panel.player.has_backing, timeout=3000)
    assert signals[-1].startswith(f"Band: {backing_for(song).key}, ")
    bar = song.ticks_per_bar
    assert 3.8 * bar < panel.player.end_tick <= 4 * bar  # the band plays the song's four bars (humanised ends)
    longer = song.copy(song.notes + [Note(4 * bar, 4 * bar + 480, 62)])
    panel.set_melody(longer)  # an edit: the band is fitted again once edits pause
    qtbot.waitUntil(lambda: 4.8 * bar < panel.player.end_tick <= 5 * bar, timeout=3000)
    panel.set_melody(Melody(longer.notes, qpm=100.0, time_signature=(9, 8)))
    qtbot.waitUntil(lambda: not panel.player.has_backing, timeout=3000)  # plays alone, and says why once
    assert signals[-1] == "Band: a backing band plays 2/2, 2/4, 3/4, 4/4, 5/4, 6/8, 7/8, 12/8; this melody is in 9/8"
    with qtbot.waitSignal(panel.bandFitLanded, timeout=BAND_DELAY_MS + 3000):  # fitted again once edits pause
        panel.set_melody(Melody(longer.notes[:-1], qpm=100.0, time_signature=(9, 8)))
    assert signals.count(signals[-1]) == 1  # the same problem is not said twice
    with qtbot.waitSignal(panel.bandFitLanded, timeout=BAND_DELAY_MS + 3000):  # a fit of this melody...
        panel.set_melody(song)
        qtbot.waitSignal(panel._band_timer.timeout, timeout=BAND_DELAY_MS + 3000).wait()  # ...starts
        panel.band_button.setChecked(False)  # off at once, while that fit is in flight
        assert not panel.player.has_backing and panel.player.end_tick == song.end_tick
    assert not panel.player.has_backing and not panel._band_timer.isActive()  # the fit landed and was dropped


def _mean_rgb(widget):
    import numpy as np
    from PySide6.QtGui import QImage

    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), -1)[:, : img.width() * 4]
    return arr.reshape(img.height(), img.width(), 4)[..., :3].reshape(-1, 3).mean(axis=0)


def test_on_buttons_look_on_in_both_themes(qtbot, panel):
    """Loop, Click and Band must show at a glance whether they are on (Fusion alone barely shades them)."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from ui.themes import DARK, LIGHT, palette

    app = QApplication.instance()
    old = app.palette()
    panel.show()
    qtbot.waitExposed(panel)
    try:
        for theme in (DARK, LIGHT):
            app.setPalette(palette(theme))
            qtbot.wait(50)
            off = _mean_rgb(panel.metronome_button)
            panel.metronome_button.setChecked(True)
            on = _mean_rgb(panel.metronome_button)
            panel.metronome_button.setChecked(False)
            assert np.abs(on - off).max() > 40, (theme.name, on, off)
            # the rest of the bar follows the theme: a label's text is the palette's
            assert panel.time_label.palette().windowText().color().name() == theme.text.lower()
    finally:
        app.setPalette(old)


def test_band_swing_is_a_remembered_choice_the_band_plays(qtbot, panel, settings):
    from mguv_app.audio.synth import DRUM_CHANNEL
    from mguv_app.lofi.band import CLOSED_HAT

    song = Melody([Note(i * 240, i * 240 + 200, 62 + (i % 3) * 2) for i in range(32)], qpm=100.0)

    def late_offbeat_hats():  # hi-hats where a swung 8th falls (0.6 of the beat), not a straight one (0.5)
        return sum(1 for t, e in panel.player._backing_events
                   if e.channel == DRUM_CHANNEL and e.pitch == CLOSED_HAT and e.kind == 1 and 270 <= t % 480 <= 306)

    panel.set_melody(song)
    panel.band_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.player.has_backing, timeout=3000)
    assert not panel.swing_action.isChecked() and panel.band_swing == 0.5 and late_offbeat_hats() == 0
    panel.swing_action.setChecked(True)
    qtbot.waitUntil(lambda: late_offbeat_hats() > 4, timeout=3000)
    assert settings.get("audio/band_swing", False, bool) is True
    assert panel.band_button.menu().actions()[0] is panel.swing_action


def test_band_sound_is_a_remembered_choice_the_band_plays(qtbot, panel, settings):
    from mguv_app.audio.synth import DRUM_CHANNEL
    from mguv_app.lofi.backing import SOUNDS
    from ui.transport import TransportPanel

    song = Melody([Note(i * 480, i * 480 + 400, p) for i, p in enumerate([62, 66, 69, 66] * 4)], qpm=100.0)
    panel.set_melody(song)
    panel.band_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.player.has_backing, timeout=3000)
    names = [a.text() for a in panel.sound_actions.actions()]
    assert names == list(SOUNDS) and panel.band_sound == "Electric piano"
    programs = panel.player._backing_programs
    assert programs[DRUM_CHANNEL] == 0 and sorted(programs.values()) == [0, 4, 33]  # standard kit, EP, fingered bass
    organ = next(a for a in panel.sound_actions.actions() if a.text() == "Organ")
    organ.trigger()
    qtbot.waitUntil(lambda: sorted(panel.player._backing_programs.values()) == [16, 32, 33], timeout=3000)
    assert panel.player._backing_programs[DRUM_CHANNEL] == 32  # the organ trio's jazz kit
    assert [a.text() for a in panel.sound_actions.actions() if a.isChecked()] == ["Organ"]  # one at a time
    assert panel.band_options == {"swing": 0.5, "sound": "Organ"}
    again = TransportPanel(player=Player(output="null"), settings=settings)  # the next start keeps it
    qtbot.addWidget(again)
    try:
        assert again.band_sound == "Organ"
    finally:
        again.shutdown()
    settings.set("audio/band_sound", "Kazoo")  # a name from another version: the default
    third = TransportPanel(player=Player(output="null"), settings=settings)
    qtbot.addWidget(third)
    try:
        assert third.band_sound == "Electric piano"
    finally:
        third.shutdown()
