"""The "Endless" dock: Lo-Fi mode's controls over the Qt-free :mod:`mguv_app.lofi` core.

Start plays an endless Lo-Fi stream (model melody + fitted chords, bass, swung drums) through
its own :class:`~mguv_app.lofi.live.BandPlayer`; a 10 Hz timer moves finished phrases from the
generator's background thread into the player, so the window never waits on the model.
Knobs apply to phrases generated from then on (tempo at once). While it plays, the dock shows
what is playing (``lofi_now_playing``: the phrase as a mini piano roll, the chord, its form label).
"Freeze this phrase" hands the phrase under the playhead to the piano roll (the window fits it into
the document's tempo and meter, or asks: ``place_frozen``); "Save session…" writes what was heard so
far as multitrack MIDI, or WAV when the name ends in .wav.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mguv_app.lofi.stream import LOOP_FORM_LABELS, LOOP_FORMS

from .lofi_now_playing import NowPlaying
from .widgets import WrapLabel

PUMP_MS = 100
MODES = (("Latent walk", "walk"), ("Continue", "continue"))


def _slider(lo: int, hi: int, value: int, tip: str) -> QSlider:
    s = QSlider(Qt.Orientation.Horizontal)
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    return s


def default_player(style):
    from mguv_app.lofi.live import BandPlayer

    return BandPlayer(style=style)


class LofiPanel(QWidget):
    phraseFrozen = Signal(object)  # a Melody for the piano roll
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget | None = None, model_loader: Callable[[], object] | None = None,
                 player_factory: Callable[[object], object] = default_player) -> None:
        super().__init__(parent)
        self.model = None
        self.model_loader = model_loader
        self.player_factory = player_factory
        self.player = None
        self.session = None
        self.anchor_provider: Callable[[], object] | None = None  # the window's melody, for "stay near"
        # the save question; tests replace it with a plain function
        self.ask_save_path: Callable[[QWidget, str, str], str | None] = self._ask_save_path
        # the window puts a frozen phrase into its document (ui/lofi_link.py): (melody, the tempo it played at)
        # -> what to add to "Phrase N is in the piano roll", or None when the user said no; unset: phraseFrozen
        self.place_frozen: Callable[[object, float], str | None] | None = None
        self._seed = 0
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(PUMP_MS)
        self.timer.timeout.connect(self.pump)
        self._update_enabled()

    # --- building --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.start_button = QPushButton("Start endless")
        self.start_button.setCheckable(True)
        self.start_button.toggled.connect(self._start_toggled)
        self.mode_box = QComboBox()
        for label, mode in MODES:
            self.mode_box.addItem(label, mode)
        self.mode_box.setToolTip("Latent walk: drift slowly through the model's space. Continue: each phrase "
                                 "carries on from the last one.")
        self.mode_box.currentIndexChanged.connect(self._apply_knobs)
        self.form_box = QComboBox()
        for form in LOOP_FORMS:
            self.form_box.addItem(LOOP_FORM_LABELS.get(form, form), form)
        self.form_box.setToolTip("The tune's form: its phrases come back varied in this order (A A B A: a phrase, "
                                 "again, a contrast, the first again closing on the tonic), round and round; Free: "
                                 "every phrase new. Read when you press Start.")
        self.speed = _slider(0, 100, 35, "How far the latent walk moves per phrase")
        self.anchor = _slider(0, 100, 0, "How strongly phrases are pulled toward your melody")
        self.anchor_check = QCheckBox("Stay near my melody")
        self.anchor_check.setToolTip("Take the key and latent of the melody in the piano roll as the anchor "
                                     "(read when you press Start)")
        self.swing = _slider(50, 75, 60, "Swing: where the off-beat 8th falls (50 straight, 67 triplet feel)")
        self.bpm = QSpinBox()
        self.bpm.setRange(70, 90)
        self.bpm.setValue(80)
        self.bpm.setSuffix(" BPM")
        for w in (self.speed, self.anchor):
            w.valueChanged.connect(self._apply_knobs)
        self.swing.valueChanged.connect(self._apply_style)
        self.bpm.valueChanged.connect(self._apply_style)
        self.freeze_button = QPushButton("Freeze this phrase")
        self.freeze_button.setToolTip("Put the phrase you are hearing into the piano roll (undoable)")
        self.freeze_button.clicked.connect(self.freeze)
        self.save_button = QPushButton("Save session…")
        self.save_button.setToolTip("Write everything heard so far as multitrack MIDI (or WAV)")
        self.save_button.clicked.connect(self.save_session)
        self.status = WrapLabel("Press Start: melody, chords, bass and drums, never the same twice.")
        self.now_playing = NowPlaying()

        form = QFormLayout()
        form.addRow("Mode", self.mode_box)
        form.addRow("Form", self.form_box)
        form.addRow("Walk speed", self.speed)
        form.addRow(self.anchor_check)
        form.addRow("Anchor strength", self.anchor)
        form.addRow("Swing", self.swing)
        form.addRow("Tempo", self.bpm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.freeze_button)
        buttons.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.start_button)
        lay.addWidget(self.now_playing)  # what plays, right under Start
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        lay.addLayout(form)
        lay.addStretch(1)

    # --- model -----------------------------------------------------------------------------------
    def set_model(self, model) -> None:
        """Use ``model`` from now on (None: no model; Start then says why)."""
        if self.running and model is not self.model:
            self.stop()
        self.model = model
        self._update_enabled()

    def _ensure_model(self) -> bool:
        if self.model is None and self.model_loader is not None:
            try:
                self.model = self.model_loader()
            except Exception as exc:  # a missing or broken model is a message, not a crash
                self._say(f"Endless mode needs a model: {exc}. Train one in the Training tab, or choose one there "
                          "with “Use this model”")
                return False
        if self.model is None:
            self._say("Endless mode needs a model: none is loaded yet")
            return False
        return True

    # --- transport -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.session is not None and self.session.stream.running

    def style(self):
        from mguv_app.lofi import BandStyle

        return BandStyle(bpm=float(self.bpm.value()), swing=self.swing.value() / 100)

    def _start_toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    def start(self) -> bool:
        """Start a new endless session (a fresh seed each time); False with a message if it cannot."""
        from mguv_app.lofi import LofiStream
        from mguv_app.lofi.live import EndlessSession

        if self.running:
            return True
        if not self._ensure_model():
            self._set_button(False)
            return False
        style = self.style()
        anchor = None
        if self.anchor_check.isChecked() and self.anchor_provider is not None:
            anchor = self.anchor_provider()
            if anchor is not None and not anchor.notes:
                anchor = None
        if self.player is None:
            try:
                self.player = self.player_factory(style)
            except Exception as exc:
                self._say(f"Playback unavailable: {exc}")
                self._set_button(False)
                return False
        else:
            self.player.reset()
            self.player.set_style(style)
        self._seed += 1
        stream = LofiStream(self.model, seed=self._seed, mode=self.mode_box.currentData(),
                            speed=self.speed.value() / 100, anchor_melody=anchor,
                            anchor_strength=self.anchor.value() / 100 if anchor is not None else 0.0,
                            style=style, form=self.form_box.currentData())
        self.session = EndlessSession(stream, self.player)
        stream.start()
        self.timer.start()
        self._set_button(True)
        self._say("Generating the first phrase…")
        self._update_enabled()
        return True

    def stop(self) -> None:
        self.timer.stop()
        if self.session is not None:
            self.session.stop(wait=False)  # never freeze the window on a phrase still being generated
        self._set_button(False)
        self._update_enabled()
        if self.now_playing.phrase is not None:
            self.now_playing.clear("Stopped: Start begins a new session")
        if self.session is not None and self.session.played():
            self._say(f"Stopped after {len(self.session.played())} phrases. Save the session to keep it.")

    def pump(self) -> None:
        """Timer tick: start playing once the first phrase is there, keep the player fed, show where we are."""
        s = self.session
        if s is None:
            return
        try:
            if not s.started:
                if not s.start(first_timeout=0):
                    if s.stream.error is not None:
                        raise RuntimeError(str(s.stream.error))
                    return
                self._update_enabled()
            s.pump()
        except RuntimeError as exc:
            self.stop()
            self._say(f"Endless mode stopped: {exc}")
            return
        cur = s.current()
        if cur is not None:
            from .lofi_now_playing import chord_name, form_label

            phrase, local = cur
            self.now_playing.show_phrase(phrase, local)
            lead = s.min_lead_seconds
            form = form_label(phrase)
            self.status.setText(f"Phrase {phrase.index + 1}" + (f" ({form})" if form else "") +
                                f" · {phrase.key} · {chord_name(phrase, local)}"
                                + (f" · generated {lead:.0f} s ahead (min)" if lead is not None else ""))

    # --- freeze / save ---------------------------------------------------------------------------
    def freeze(self):
        """Send the phrase under the playhead to the piano roll; returns it (None if nothing plays, or the
        user said no to changing the document's meter)."""
        phrase = self.session.current_phrase() if self.session is not None else None
        if phrase is None:
            self._say("Nothing to freeze yet: press Start, then Freeze while the phrase you like plays")
            return None
        melody = self.session.stream.freeze(phrase.index)
        if self.place_frozen is None:
            self.phraseFrozen.emit(melody)
            said = ""
        else:
            said = self.place_frozen(melody, float(self.bpm.value()))
            if said is None:
                self._say(f"Phrase {phrase.index + 1} was not frozen: your melody is as it was")
                return None
        self._say(f"Phrase {phrase.index + 1} is in the piano roll" + (f", {said}" if said else "")
                  + " (Ctrl+Z takes it back)")
        return melody

    def save_session(self, path: str | None = None) -> bool:
        """Write what was heard so far: MIDI (4 tracks), or WAV for a ``.wav`` name."""
        phrases = self.session.played() if self.session is not None else []
        if not phrases:
            self._say("Nothing to save yet: start endless mode first")
            return False
        path = path or self.ask_save_path(self, "Save Lo-Fi session", "lofi_session.mid")
        if not path:
            return False
        from mguv_app.lofi.export import session_midi_bytes, write_session_midi

        target = Path(path)
        if target.suffix.lower() not in (".mid", ".midi", ".wav"):
            target = target.with_suffix(".mid")
        try:
            if target.suffix.lower() == ".wav":
                from mguv_app.audio import render_to_wav

                render_to_wav(session_midi_bytes(phrases), target)  # every track, from memory
            else:
                write_session_midi(phrases, target)
        except Exception as exc:  # a full disk or a bad SoundFont: say so, keep playing
            self._say(f"Could not save {target.name}: {exc}. Choose another folder, or free some space, and save "
                      "again: the session is kept while the dock is open")
            return False
        self._say(f"Saved {len(phrases)} phrases to {target}")
        return True

    @staticmethod
    def _ask_save_path(parent, title: str, suggested: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "MIDI (*.mid);;WAV audio (*.wav)")
        return path or None

    # --- knobs -----------------------------------------------------------------------------------
    def _apply_knobs(self, *_args) -> None:
        if self.session is None:
            return
        st = self.session.stream
        st.mode = self.mode_box.currentData()
        st.speed = self.speed.value() / 100
        if st.z_anchor is not None:
            st.anchor_strength = self.anchor.value() / 100

    def _apply_style(self, *_args) -> None:
        style = self.style()
        if self.session is not None:
            self.session.stream.style = style
        if self.player is not None:
            self.player.set_style(style)

    # --- helpers ---------------------------------------------------------------------------------
    def _set_button(self, on: bool) -> None:
        self.start_button.blockSignals(True)
        self.start_button.setChecked(on)
        self.start_button.setText("Stop" if on else "Start endless")
        self.start_button.blockSignals(False)

    def _update_enabled(self) -> None:
        has = self.session is not None and bool(self.session.placed)
        self.freeze_button.setEnabled(has)
        self.save_button.setEnabled(has)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.statusMessage.emit(text)

    def shutdown(self) -> None:
        """Stop generating and release the audio device (the window calls this on close)."""
        self.timer.stop()
        if self.session is not None:
            self.session.stop()
        if self.player is not None:
            self.player.close()
            self.player = None

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
