"""The transport bar: a thin Qt face on the Qt-free :class:`mguv_app.audio.Player`.

All timing lives in the player; this widget only forwards clicks and polls the
player's audio-derived position about 30 times a second, emitting
``positionChanged(tick)`` so the piano roll's playhead follows what is heard.

API used by the main window: ``set_melody``, ``set_loop(start, end | None)``,
``toggle_play``, ``seek``, ``audition(pitch, velocity, duration_ms)``, ``band_options`` (the Band's swing
and sound, for Export and Render) and the signals ``positionChanged(int)``, ``playingChanged(bool)``,
``statusMessage(str)`` and ``chordsChanged(list)`` (the Band's chord symbols, shown in the piano roll's
ruler, where the user may choose their own: they arrive in the melody, ``Melody.chords``). For a song
opened with its own accompaniment, ``set_song_parts`` shows the Song button, which plays those tracks
instead of the Band (``songChanged(bool)`` says when, so the roll draws them).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QToolButton,
    QWidget,
)

from mguv_app.audio import GM_PROGRAMS, Player, SoundFontError, find_soundfonts, program_name
from mguv_app.lofi.backing import DEFAULT_SOUND, SOUNDS
from mguv_app.music.melody import TICKS_PER_QUARTER, Melody

from .background import JobRunner

POLL_MS = 33
BAND_DELAY_MS = 250
SWING = 0.6  # the band's swung 8ths (Lo-Fi's default)
NO_DEVICE = "No audio device: playback is silent; rendering still works"
OTHER_FONT = "Other SoundFont…"
RECORD_RED = "#c8323c"
METERS = ("4/4", "3/4", "2/4", "2/2", "6/8", "12/8", "5/4", "7/8")


class TransportPanel(QWidget):
    positionChanged = Signal(int)
    playingChanged = Signal(bool)
    statusMessage = Signal(str)
    chordsChanged = Signal(list)  # [(start_tick, end_tick, name)] the Band plays; [] when it is off
    songChanged = Signal(bool)  # the opened song's own tracks play with the melody (the Song button)
    # the user set the melody's tempo, meter or instrument here (the window makes each an undo step)
    tempoEdited = Signal(float)
    meterEdited = Signal(int, int)
    programEdited = Signal(int)
    bandFitLanded = Signal()  # a Band fit came back from the runner (the newest is used, an older one dropped)

    def __init__(self, parent: QWidget | None = None, player: Player | None = None, settings=None) -> None:
        super().__init__(parent)
        if settings is None:
            from .settings import Settings

            settings = Settings()
        self.settings = settings
        self.player = player or self._make_player()
        self._melody = Melody()
        self._song_parts: list = []  # (part, is_drum): the opened song's other tracks, for the Song button
        self._loop_region: tuple[int, int] | None = None
        self._last_pos = -1
        self._was_playing = False
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self.status_text = "" if self.player.available else NO_DEVICE
        if self.status_text:  # after the window has connected our signals
            QTimer.singleShot(0, self, lambda: self.statusMessage.emit(self.status_text))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # --- construction -------------------------------------------------------------
    def _make_player(self) -> Player:
        """A player with the remembered SoundFont, falling back to the default one."""
        saved = self.settings.get("audio/soundfont", "")
        if saved:
            try:
                return Player(saved)
            except SoundFontError as err:
                msg = f"SoundFont unusable, using the default: {err}"
                QTimer.singleShot(0, self, lambda: self.statusMessage.emit(msg))
        return Player()

    _ICONS = {"⏮": "SP_MediaSkipBackward", "▶": "SP_MediaPlay", "⏸": "SP_MediaPause", "⏹": "SP_MediaStop"}

    def _set_glyph(self, b: QToolButton, text: str) -> None:
        """Symbol buttons get the style's media icon (many fonts lack the glyphs); the text stays as a name."""
        b.setText(text)
        if text in self._ICONS:
            from PySide6.QtWidgets import QStyle

            b.setIcon(self.style().standardIcon(getattr(QStyle.StandardPixmap, self._ICONS[text])))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _button(self, text: str, tip: str, slot, checkable: bool = False) -> QToolButton:
        b = QToolButton(self)
        self._set_glyph(b, text)
        b.setToolTip(tip)
        b.setCheckable(checkable)
        (b.toggled if checkable else b.clicked).connect(slot)
        return b

    def _build(self) -> None:
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        self.start_button = self._button("⏮", "Return to start", self.return_to_start)
        self.play_button = self._button("▶", "Play / pause (Space)", self.toggle_play)
        self.stop_button = self._button("⏹", "Stop and return to start", self.stop)
        self.record_button = self._button(
            "● Rec", "Record from a MIDI keyboard or the computer keyboard (R); the arrow: input, count-in, "
            "quantize", lambda _on: None, checkable=True)
        self.record_menu = QMenu(self.record_button)  # filled by ui/recording_link.py, which records
        self.record_button.setMenu(self.record_menu)
        self.record_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.loop_button = self._button("⟲ Loop", "Repeat the loop region (or the whole melody)",
                                        self._loop_toggled, checkable=True)
        self.metronome_button = self._button("Click", "Metronome", self.player.set_metronome, checkable=True)
        self.band_button = self._button(
            "Band", "Play along: chords fitted to the melody, bass and drums "
            "(what File → Export with Backing Band writes); the arrow: swing and sound", self._band_toggled,
            checkable=True)
        self.song_button = self._button(
            "Song", "Play the song's own other tracks (its accompaniment and drums) with the melody, "
            "as the file you opened has them", self._song_toggled, checkable=True)
        self.song_button.setVisible(False)  # only for a song: set_song_parts shows it
        self.song_menu = QMenu(self.song_button)  # one tick per part: hear the melody with some of them
        self.song_button.setMenu(self.song_menu)
        self.song_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        band_menu = QMenu(self.band_button)
        self.swing_action = band_menu.addAction("Swing the 8ths")
        self.swing_action.setCheckable(True)
        self.swing_action.setChecked(self.settings.get("audio/band_swing", False, bool))
        self.swing_action.toggled.connect(self._swing_toggled)
        band_menu.addSection("Sound")
        self.sound_actions = QActionGroup(self)
        saved = self.settings.get("audio/band_sound", DEFAULT_SOUND, str)
        for name in SOUNDS:
            act = band_menu.addAction(name)
            act.setCheckable(True)
            act.setChecked(name == (saved if saved in SOUNDS else DEFAULT_SOUND))
            self.sound_actions.addAction(act)
        self.sound_actions.triggered.connect(self._sound_chosen)
        self.band_button.setMenu(band_menu)
        self.band_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self._band_timer = QTimer(self)  # edits re-fit the band once they pause, not at every drag step
        self._band_timer.setSingleShot(True)
        self._band_timer.setInterval(BAND_DELAY_MS)
        self._band_timer.timeout.connect(self._update_band)
        self._band_problem = ""
        self._band_job = 0
        self.jobs = JobRunner(self, "band-fit")  # fits the Band off the GUI thread (ui/background.py)
        self.time_label = QLabel("1:1", self)
        self.time_label.setMinimumWidth(48)
        self.bpm = QDoubleSpinBox(self)
        self.bpm.setRange(20, 400)
        self.bpm.setDecimals(1)
        self.bpm.setSuffix(" BPM")
        self.bpm.setValue(self.player.qpm)
        self.bpm.setToolTip("The melody's tempo (saved with it; Ctrl+Z undoes a change)")
        self.bpm.valueChanged.connect(self._bpm_edited)
        self.meter = QComboBox(self)
        self.meter.addItems(METERS)
        self.meter.setToolTip("The melody's time signature: notes keep their place and regroup into bars")
        self.meter.currentTextChanged.connect(self._meter_edited)
        self.volume = QSlider(Qt.Orientation.Horizontal, self)
        self.volume.setRange(0, 100)
        self.volume.setMaximumWidth(110)
        self.volume.setToolTip("Master volume")
        self.volume.valueChanged.connect(self._volume_changed)
        self.volume.setValue(self.settings.get("audio/volume", 80, int))
        self.instrument = QComboBox(self)
        self.instrument.addItems([program_name(i) for i in range(len(GM_PROGRAMS))])
        self.instrument.setToolTip("The melody's General MIDI instrument (saved with it)")
        self.instrument.currentIndexChanged.connect(self._program_edited)
        self.soundfont = QComboBox(self)
        self.soundfont.setToolTip("SoundFont")
        self._fill_fonts()
        self.soundfont.activated.connect(self._font_chosen)
        for w in (self.start_button, self.play_button, self.stop_button, self.record_button, self.loop_button,
                  self.time_label,
                  self.bpm, self.meter, self.metronome_button, self.band_button, self.song_button, QLabel("Vol", self),
                  self.volume, self.instrument, self.soundfont):
            lay.addWidget(w)
        lay.addStretch(1)
        for b in self._toggles:
            b.toggled.connect(self._mark_checked)
        if not self.player.available:
            self.play_button.setToolTip("Play / pause (Space) — silent: " + self.player.reason)

    def _mark_checked(self, *_args) -> None:
        """Fusion draws a checked tool button barely darker than an unchecked one, and Loop, Click and
        Band must show at a glance whether they are on: a checked one takes the highlight colour of
        the current theme, an unchecked one the theme's own palette."""
        app = QApplication.instance()
        for b in self._toggles:
            if b.isChecked() and app is not None:
                pal = QPalette(app.palette())
                on = QColor(RECORD_RED) if b is self.record_button else pal.color(QPalette.ColorRole.Highlight)
                pal.setColor(QPalette.ColorRole.Button, on)
                text = QColor("white") if b is self.record_button else pal.color(QPalette.ColorRole.HighlightedText)
                pal.setColor(QPalette.ColorRole.ButtonText, text)
                b.setPalette(pal)
            else:
                b.setPalette(QPalette())  # nothing set: follows the window's palette, theme changes included

    @property
    def _toggles(self) -> tuple:
        return (self.record_button, self.loop_button, self.metronome_button, self.band_button, self.song_button)

    def changeEvent(self, event) -> None:
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._mark_checked()

    def _fill_fonts(self) -> None:
        self.soundfont.blockSignals(True)
        self.soundfont.clear()
        current = Path(self.player.synth.soundfont)
        fonts = find_soundfonts()
        if current not in fonts:
            fonts.insert(0, current)
        for f in fonts:
            self.soundfont.addItem(f.name, str(f))
        self.soundfont.addItem(OTHER_FONT, "")
        self.soundfont.setCurrentIndex(fonts.index(current))
        self.soundfont.blockSignals(False)

    # --- API ----------------------------------------------------------------------
    def set_melody(self, melody: Melody) -> None:
        """Play ``melody`` from now on (position kept while playing); takes its tempo and instrument."""
        self._melody = melody
        self.player.set_melody(melody)
        self.bpm.blockSignals(True)
        self.bpm.setValue(melody.qpm)
        self.bpm.blockSignals(False)
        self.instrument.blockSignals(True)
        self.instrument.setCurrentIndex(melody.program)
        self.instrument.blockSignals(False)
        meter = "{}/{}".format(*melody.time_signature)
        self.meter.blockSignals(True)
        if self.meter.findText(meter) < 0:  # an opened file's own meter, e.g. 9/8
            self.meter.addItem(meter)
        self.meter.setCurrentText(meter)
        self.meter.blockSignals(False)
        self.player.set_tempo(melody.qpm)
        self.player.set_program(melody.program)
        self._apply_loop()
        if self.band_button.isChecked():
            self._band_timer.start()

    def set_song_parts(self, parts: list | None) -> None:
        """The opened song's other tracks (``SongFile.parts()``), or None for a melody alone. A song starts
        with its own tracks playing (the Song button shows and is on) unless the Band is on."""
        self._song_parts = list(parts or [])
        self.song_button.setVisible(bool(self._song_parts))
        self.song_menu.clear()
        self.song_menu.addSection("Parts heard")
        for part, drums in self._song_parts:
            sound = "Drums" if drums else program_name(part.program).split(": ", 1)[-1]
            named = f"{part.name} · {sound}" if part.name and part.name.lower() != sound.lower() else sound
            act = self.song_menu.addAction(f"{named} ({len(part.notes)} notes)")
            act.setCheckable(True)
            act.setChecked(True)
            act.toggled.connect(self._song_parts_chosen)
        if self._song_parts:
            names = sorted({program_name(p.program) if not drum else "drums" for p, drum in self._song_parts})
            self.song_button.setToolTip(f"Play the song's own other tracks with the melody: {', '.join(names)} "
                                        "(the arrow: which of them)")
        on = bool(self._song_parts) and not self.band_button.isChecked()
        if self.song_button.isChecked() != on:
            self.song_button.setChecked(on)  # _song_toggled hands the parts to the player
        elif on:
            self.player.set_backing(self.song_parts_heard)  # another song, the button already on

    @property
    def song_parts_heard(self) -> list:
        """The song's parts ticked in the Song button's menu (all of them unless some were unticked)."""
        ticks = [a.isChecked() for a in self.song_menu.actions() if a.isCheckable()]
        return [p for p, on in zip(self._song_parts, ticks, strict=True) if on]

    def _song_parts_chosen(self, _on: bool) -> None:
        if self.song_on:
            self.player.set_backing(self.song_parts_heard)
            self.songChanged.emit(True)  # the roll draws what is heard

    @property
    def song_on(self) -> bool:
        """The song's own tracks play with the melody (Render renders them too)."""
        return self.song_button.isChecked() and bool(self._song_parts)

    def set_loop(self, start_tick: int, end_tick: int | None) -> None:
        """The loop region in ticks; ``None`` clears it. A region turns looping on."""
        self._loop_region = None if end_tick is None or end_tick <= start_tick else (int(start_tick), int(end_tick))
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(self._loop_region is not None)
        self.loop_button.blockSignals(False)
        self._apply_loop()

    def toggle_play(self) -> None:
        self.pause() if self.player.is_playing else self.play()

    def play(self, count_in_bars: int = 0, open_ended: bool = False) -> None:
        """Play from the cursor; recording asks for a count-in and to play on past the melody's end."""
        self.player.play(count_in_bars, open_ended)
        self._timer.start()
        self._poll()

    def pause(self) -> None:
        self.player.pause()
        self._poll()

    def stop(self) -> None:
        self.player.stop()
        self._poll()

    def return_to_start(self) -> None:
        self.seek(self._loop_region[0] if self._loop_region and self.loop_button.isChecked() else 0)

    def seek(self, tick: int) -> None:
        self.player.seek(tick)
        self._poll()

    def audition(self, pitch: int, velocity: int = 100, duration_ms: int = 300) -> None:
        """Sound one note now (a clicked key or a placed note)."""
        self.player.audition(pitch, velocity, duration_ms)

    def shutdown(self) -> None:
        """Stop polling and release the audio device (idempotent)."""
        self._timer.stop()
        self._band_timer.stop()
        self.jobs.shutdown()
        self.player.close()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    # --- internals ----------------------------------------------------------------
    def _apply_loop(self) -> None:
        if not self.loop_button.isChecked():
            self.player.set_loop(None)
        elif self._loop_region:
            self.player.set_loop(*self._loop_region)
        else:  # loop the whole melody, whole bars
            meter_map = self._melody.meter_map
            self.player.set_loop(0, meter_map.bar_start(max(1, self._melody.num_bars)))

    def _song_toggled(self, on: bool) -> None:
        """The song's tracks and the Band take turns: each plays instead of the other."""
        if on and self.band_button.isChecked():
            self.band_button.setChecked(False)
        if on:
            self.player.set_backing(self.song_parts_heard)
        elif not self.band_button.isChecked():
            self.player.set_backing(None)
        self.songChanged.emit(self.song_on)

    def _band_toggled(self, on: bool) -> None:
        if on and self.song_button.isChecked():
            self.song_button.setChecked(False)
        self._band_timer.stop()
        self._band_problem = ""
        self._band_job += 1  # a fit still running for the old state is dropped when it lands
        if on:
            self._update_band(announce=True)
        else:
            self.player.set_backing(None)
            self.chordsChanged.emit([])

    @property
    def band_swing(self) -> float:
        """Where the band's off-beat 8ths fall: 0.5 straight, 0.6 swung (as Lo-Fi plays)."""
        return SWING if self.swing_action.isChecked() else 0.5

    @property
    def band_sound(self) -> str:
        """Who plays the chords and bass (a name in ``lofi.backing.SOUNDS``)."""
        act = self.sound_actions.checkedAction()
        return act.text() if act is not None else DEFAULT_SOUND

    @property
    def band_options(self) -> dict:
        """``backing_for``'s keyword arguments for the band as it plays now (Export and Render use them too)."""
        return {"swing": self.band_swing, "sound": self.band_sound}

    def _swing_toggled(self, on: bool) -> None:
        self.settings.set("audio/band_swing", bool(on))
        if self.band_button.isChecked():
            self._update_band()

    def _sound_chosen(self, action) -> None:
        self.settings.set("audio/band_sound", action.text())
        if self.band_button.isChecked():
            self._update_band()

    def _update_band(self, announce: bool = False) -> None:
        """Fit the band to the melody as it is now, on the runner's thread (``lofi.backing``: 1-2 ms a bar,
        0.15-0.25 s for 128 bars by ``benchmarks/bench_backing.py``, a visible stall); the newest fit wins."""
        self._band_job += 1
        job, melody, options = self._band_job, self._melody, self.band_options

        def fit(_token):
            from mguv_app.lofi.backing import backing_for

            try:
                return backing_for(melody, **options)
            except ValueError as err:  # a melody the band cannot accompany: said, not raised
                return err

        self.jobs.submit(fit, lambda result: self._band_fitted(job, result, announce),
                         lambda msg: self._band_fitted(job, ValueError(msg), announce))

    def _band_fitted(self, job: int, result, announce: bool) -> None:
        """On the GUI thread: hand the newest fit to the player; a melody the band cannot accompany
        (empty, not 4/4) plays alone and says why once."""
        self.bandFitLanded.emit()
        if job != self._band_job or not self.band_button.isChecked():
            return
        if isinstance(result, Exception):
            self.player.set_backing(None)
            self.chordsChanged.emit([])
            if str(result) != self._band_problem:
                self._band_problem = str(result)
                self.statusMessage.emit(f"Band: {result}")
            return
        self._band_problem = ""
        self.player.set_backing(result.tracks[1:])
        self.chordsChanged.emit(result.chord_spans())
        if announce:
            self.statusMessage.emit(f"Band: {result.describe(6)}")

    def _bpm_edited(self, qpm: float) -> None:
        self.player.set_tempo(qpm)
        self.tempoEdited.emit(float(qpm))

    def _program_edited(self, program: int) -> None:
        self.player.set_program(program)
        self.programEdited.emit(int(program))

    def _meter_edited(self, text: str) -> None:
        num, den = map(int, text.split("/"))
        self.meterEdited.emit(num, den)

    def _loop_toggled(self, _on: bool) -> None:
        self._apply_loop()

    def _volume_changed(self, value: int) -> None:
        self.player.set_volume(value / 100)
        self.settings.set("audio/volume", value)

    def _font_chosen(self, index: int) -> None:
        path = self.soundfont.itemData(index)
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a SoundFont", "", "SoundFonts (*.sf2 *.sf3)")
        if path:
            self.choose_soundfont(path)
        else:
            self._fill_fonts()

    def choose_soundfont(self, path: str) -> bool:
        """Switch to ``path`` and remember it; a bad file keeps the old font and says why."""
        try:
            self.player.set_soundfont(path)
        except SoundFontError as err:
            self.statusMessage.emit(f"Cannot use SoundFont: {err}")
            self._fill_fonts()
            return False
        self.settings.set("audio/soundfont", str(path))
        self._fill_fonts()
        self.statusMessage.emit(f"SoundFont: {Path(path).name}")
        return True

    def _poll(self) -> None:
        pos = self.player.position_ticks()
        playing = self.player.is_playing
        if pos != self._last_pos:
            self._last_pos = pos
            beat = TICKS_PER_QUARTER * 4 // self._melody.time_signature[1]
            if pos < 0:  # a count-in before bar 1: the beats still to come
                self.time_label.setText(f"in {-(pos // beat)}")
            else:  # bar:beat along the meter map (a pickup is bar 0)
                self.time_label.setText("{}:{}".format(*self._melody.meter_map.position(pos)))
            self.positionChanged.emit(pos)
        if playing != self._was_playing:
            self._was_playing = playing
            self._set_glyph(self.play_button, "⏸" if playing else "▶")
            self.playingChanged.emit(playing)
        if not playing:
            self._timer.stop()
