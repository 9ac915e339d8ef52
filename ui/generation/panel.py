"""The Generate dock: Generate (bars, variations, temperature, seed), results, Continue, Interpolate, attributes.

The panel only gathers parameters and shows results; the work runs in ``mguv_app.generation``
on the session's worker thread. While a job runs, the action buttons are disabled, a busy
bar and Cancel show below the scrolling part of the dock; new results are scrolled into view.
"""

from __future__ import annotations

import random

from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mguv_app.editing import key_label
from mguv_app.generation import continue_melody, generate_variations, rewrite_bars, vary_melody
from mguv_app.generation.jobs import CHORD_CANDIDATES, bars_label
from mguv_app.generation.meter_plan import meter_plan
from mguv_app.models_registry import writes_meter
from mguv_app.music import Melody, Note

from ..widgets import WrapLabel, scroll_into_view
from .attributes_box import AttributesBox
from .interpolate_box import InterpolateBox
from .placing import in_sequence
from .results import ResultList
from .session import GenerationSession


def _button(text: str, tip: str, slot) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    b.clicked.connect(lambda _=False: slot())
    return b


def _labelled(text: str, field: QWidget | QHBoxLayout, buddy: QWidget | None = None) -> QVBoxLayout:
    """``text`` above ``field``: narrower than a label beside it."""
    col = QVBoxLayout()
    col.setSpacing(2)
    label = QLabel(text)
    label.setBuddy(buddy or field)
    col.addWidget(label)
    if isinstance(field, QWidget):
        col.addWidget(field)
    else:
        col.addLayout(field)
    return col


class GeneratePanel(QWidget):
    def __init__(self, session: GenerationSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model_actions: list[QWidget] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.status = WrapLabel("Loading the model…" if session.loading else "The model loads when this panel shows")
        lay.addWidget(self.status)
        lay.addWidget(self._build_generate())
        lay.addWidget(self._build_results(), 1)
        lay.addWidget(self._build_continue())
        self.interpolate_box = InterpolateBox(session, self)
        lay.addWidget(self.interpolate_box)
        self.attributes_box = AttributesBox(session, self)
        lay.addWidget(self.attributes_box)
        # the busy bar and Cancel sit under the scrolling panel (see ``footer``), so they show
        # however far the panel is scrolled; the panel keeps them itself only when not docked
        self.footer = QWidget()
        busy_row = QHBoxLayout(self.footer)
        busy_row.setContentsMargins(6, 2, 6, 4)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.hide()
        self.cancel_button = _button("Cancel", "Stop the running job", session.cancel)
        self.cancel_button.setEnabled(False)
        busy_row.addWidget(self.busy_bar, 1)
        busy_row.addWidget(self.cancel_button)
        lay.addWidget(self.footer)
        self.model_actions += self.interpolate_box.actions + self.attributes_box.actions
        session.modelChanged.connect(self._model_changed)
        session.busyChanged.connect(self._busy_changed)
        session.message.connect(self.status.setText)
        session.resultsChanged.connect(self._show_results)
        self._model_changed(session.model)

    # --- building -------------------------------------------------------------------------------
    def _build_generate(self) -> QGroupBox:
        box = QGroupBox("Generate")
        self.bars = QSpinBox()
        self.bars.setRange(1, 64)
        self.bars.setValue(16)
        self.bars.setSuffix(" bars")
        self.count = QSpinBox()
        self.count.setRange(1, 16)
        self.count.setValue(4)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setToolTip("0 = the most likely notes; higher = more surprising")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed_lock = QCheckBox("lock")
        self.seed_lock.setToolTip("Locked: the same seed gives the same variations. Unlocked: a new seed each time.")
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_lock)
        # two columns, each label above its field: fits a narrow dock without cutting the right column
        grid = QGridLayout(box)
        grid.addLayout(_labelled("Length", self.bars), 0, 0)
        grid.addLayout(_labelled("Variations", self.count), 0, 1)
        grid.addLayout(_labelled("Temperature", self.temperature), 1, 0)
        grid.addLayout(_labelled("Seed", seed_row, self.seed), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.fit_key = QCheckBox()
        self.fit_key.setToolTip("Move each variation by at most a tritone so that it fits the key chosen in the "
                                "piano roll's toolbar (the model writes in every key)")
        settings = self.session.window.settings
        self.fit_key.setChecked(settings.get("generate/fit_key", True, bool))  # a choice kept across sessions
        self.fit_key.toggled.connect(lambda on: settings.set("generate/fit_key", bool(on)))
        grid.addWidget(self.fit_key, 2, 0, 1, 2)
        roll = self.session.window.roll
        roll.scaleChanged.connect(self._roll_scale_changed)
        self._roll_scale_changed(roll.key, roll.scale)
        self.fit_chords = QCheckBox()
        self.fit_chords.setToolTip(f"Draw {CHORD_CANDIDATES} melodies for each variation and keep the one that "
                                   "fits the chords you chose for the Band best (right-click a chord over the ruler)")
        self.fit_chords.setChecked(settings.get("generate/fit_chords", True, bool))
        self.fit_chords.toggled.connect(lambda on: settings.set("generate/fit_chords", bool(on)))
        grid.addWidget(self.fit_chords, 3, 0, 1, 2)
        self.session.chordsChanged.connect(self._doc_chords_changed)  # a Qt connection: it dies with the panel
        self._doc_chords_changed()
        self.generate_button = _button("Generate", "Sample new melodies from the model", self.generate)
        grid.addWidget(self.generate_button, 4, 0, 1, 2)
        self.model_actions.append(self.generate_button)
        return box

    def _build_results(self) -> QGroupBox:
        box = self.results_box = QGroupBox("Results")
        lay = QVBoxLayout(box)
        self.results = ResultList()
        self.results.itemClicked.connect(lambda item: self.audition(self.results.row(item)))
        self.results.itemDoubleClicked.connect(lambda item: self.place(self.results.row(item), "replace"))
        lay.addWidget(self.results, 1)
        row = QHBoxLayout()
        self.replace_button = _button("Replace", "Put the chosen result into the piano roll, replacing its notes",
                                      lambda: self.place(self.results.currentRow(), "replace"))
        self.insert_button = _button("Insert", "Insert the chosen result at the edit cursor",
                                     lambda: self.place(self.results.currentRow(), "insert"))
        self.sequence_button = _button("All in sequence", "Place every result one after another",
                                       self.place_all)
        for b in (self.replace_button, self.insert_button, self.sequence_button):
            row.addWidget(b)
        lay.addLayout(row)
        return box

    def _build_continue(self) -> QGroupBox:
        box = QGroupBox("From your melody")
        col = QVBoxLayout(box)
        row = QHBoxLayout()
        col.addLayout(row)
        self.continue_bars = QSpinBox()
        self.continue_bars.setRange(1, 32)
        self.continue_bars.setValue(4)
        self.continue_bars.setSuffix(" bars")
        self.continue_button = _button("Continue", "Add new bars after the selected notes (or the whole melody)",
                                       self.continue_)
        row.addWidget(QLabel("Add"))
        row.addWidget(self.continue_bars)
        row.addWidget(self.continue_button, 1)
        self.rewrite_button = _button(
            "Rewrite bars", "New notes for the bars of the selected notes (or the loop region, or the bar at the "
            "edit cursor) that fit the music around them; every other note stays. Variations versions, with your "
            "chords when 'Over your chords' is on", self.rewrite)
        col.addWidget(self.rewrite_button)
        self.session.spanChanged.connect(self._span_changed)
        self._span_changed()
        vary_row = QHBoxLayout()
        self.vary_amount = QDoubleSpinBox()
        self.vary_amount.setRange(0.05, 1.0)
        self.vary_amount.setSingleStep(0.05)
        self.vary_amount.setDecimals(2)
        self.vary_amount.setValue(self.session.window.settings.get("generate/vary_amount", 0.3, float))
        self.vary_amount.valueChanged.connect(lambda v: self.session.window.settings.set("generate/vary_amount", v))
        self.vary_amount.setToolTip("How far each variation moves from your melody: 0.05 a touch, 1 a new melody")
        self.vary_button = _button(
            "Vary", "Variations of the whole melody (or the selected notes), each moved the amount away from it "
            "in the model's latent space; Variations versions, over your chords each the best fit of 16",
            self.vary)
        vary_row.addWidget(QLabel("Vary by"))
        vary_row.addWidget(self.vary_amount)
        vary_row.addWidget(self.vary_button, 1)
        col.addLayout(vary_row)
        self.model_actions += [self.continue_button, self.rewrite_button, self.vary_button]
        return box

    # --- state ----------------------------------------------------------------------------------
    def _model_changed(self, model) -> None:
        if model is not None:
            self.bars.setValue(model.bars)
            # start where this model's samples were measured to sound most like real melodies
            best = float(getattr(model, "sample_temperature", 1.0))
            self.temperature.setValue(best)
            self.temperature.setToolTip(f"0 = the most likely notes; higher = more surprising. {best:.2f} is "
                                        "where this model's samples came out most like real melodies")
        self._busy_changed(self.session.busy)

    def _busy_changed(self, busy: bool) -> None:
        ready = self.session.model is not None
        for w in self.model_actions:
            w.setEnabled(ready and not busy)
        self.attributes_box.update_enabled(ready and not busy)
        self.busy_bar.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.footer.setVisible(busy)  # no idle Cancel taking a row of a short dock

    def _show_results(self) -> None:
        r = self.session.results
        self.results.set_melodies(r.melodies, r.labels)
        has = bool(r.melodies)
        for b in (self.replace_button, self.insert_button, self.sequence_button):
            b.setEnabled(has)
        if has:
            self.results.setCurrentRow(0)
            # in a short dock the list may be scrolled away: bring the new results into view
            scroll_into_view(self.results_box)

    # --- actions --------------------------------------------------------------------------------
    def _roll_scale_changed(self, key: int, scale: str) -> None:
        """The key box names the roll's key; with no key there (chromatic) there is nothing to fit."""
        has_key = scale != "Chromatic"
        self.fit_key.setEnabled(has_key)
        self.fit_key.setText(f"In the roll's key ({key_label(key, scale)})" if has_key
                             else "In the roll's key (set one in the toolbar)")

    def _doc_chords_changed(self) -> None:
        """The chords box counts the chords chosen for the Band; with none there is nothing to fit."""
        chosen = self.session.window.doc.chords
        bars = len({t // self.session.window.doc.ticks_per_bar for t in chosen})
        self.fit_chords.setEnabled(bool(chosen))
        self.fit_chords.setText(f"Over your chords ({bars} bar{'s' * (bars != 1)})" if chosen
                                else "Over your chords (choose some over the ruler)")

    def target_chords(self) -> dict[int, str] | None:
        """The chosen chords Generate fits its variations to, or None."""
        chosen = self.session.window.doc.chords
        return dict(chosen) if chosen and self.fit_chords.isChecked() else None

    def target_key(self) -> tuple[int, str] | None:
        """The key Generate moves its variations into, or None to keep the model's keys."""
        roll = self.session.window.roll
        return (roll.key, roll.scale) if self.fit_key.isEnabled() and self.fit_key.isChecked() else None

    def generate(self) -> bool:
        seed = self._next_seed()
        count, bars, temp = self.count.value(), self.bars.value(), self.temperature.value()
        m, key, chords = self.session.window.melody, self.target_key(), self.target_chords()
        done = f"{count} variations (seed {seed})" + (f" in {key_label(*key)}" if key else "") + (
            f", each the best fit to your chords of {CHORD_CANDIDATES}" if chords else "")
        model = self.session.model
        if model is not None and not writes_meter(model.steps_per_bar, model.time_signature, m.time_signature):
            ts = model.time_signature
            done += (f"; the model learnt {ts[0]}/{ts[1]} melodies, so its phrases run in {ts[0]}/{ts[1]} "
                     f"bars, not {m.time_signature[0]}/{m.time_signature[1]}")
        return self.session.run(
            f"Generating {count} variation{'s' * (count > 1)}" + (" over your chords" if chords else ""),
            lambda model, tok: generate_variations(model, count, bars, temp, seed, m.qpm, m.program, tok, key,
                                                   chords),
            lambda res: self._done(res, "generated", done))

    def continue_(self) -> bool:
        prompt = self.session.prompt()
        if not prompt.notes:
            self.status.setText("Draw or select some notes to continue first")
            return False
        bars, temp, seed = self.continue_bars.value(), self.temperature.value(), self.seed.value()
        chords = prompt.chords if self.target_chords() else None  # the prompt's chords, moved with it
        kept = self._meter_note(prompt)
        return self.session.run(
            f"Continuing by {bars} bars",
            lambda model, tok: continue_melody(model, prompt, bars, temp, seed, tok, chords),
            lambda res: self._done(res, "generated", "continuation ready: double-click to place it" + (
                f" (the best fit to your chords of {res.meta['candidates']})" if "candidates" in res.meta else "")
                + kept))

    def _span_changed(self) -> None:
        """The button names the bars it would rewrite; the status line says which bars the model keeps as they
        are when the melody's meter map (or the model) changes."""
        span = self.session.rewrite_span()
        self.rewrite_button.setText(f"Rewrite {self._bars_label(*span)}" if span else "Rewrite bars")
        doc, note = self.session.window.doc, ""
        if doc.meters:  # the bars alone decide it: a stand-in note to the melody's end, not the whole melody
            note = self._meter_note(Melody([Note(0, max(1, doc.end_tick), 60)], meters=doc.meter_map.events))
        if note != getattr(self, "_shown_meter_note", ""):
            self._shown_meter_note = note
            if note and not self.session.busy:
                self.status.setText("Continue, Rewrite and Vary: " + note[2:])

    def _meter_note(self, melody) -> str:
        """"; bars 8 and 16 are 2/4: kept as they are" where the model leaves bars of ``melody`` alone (bars of
        another meter, a pickup: ``generation.meter_plan``), else ""."""
        model = self.session.model
        if model is None or not melody.meters:
            return ""
        sentence = meter_plan(melody, model.steps_per_bar, model.time_signature).sentence()
        return f"; {sentence}" if sentence else ""

    def _bars_label(self, start: int, end: int) -> str:
        doc = self.session.window.doc
        return doc.meter_map.bars_label(start, end) if doc.meters else bars_label(start, end, doc.ticks_per_bar)

    def _next_seed(self) -> int:
        """The seed box's value, a fresh one first unless it is locked."""
        if not self.seed_lock.isChecked():
            self.seed.setValue(random.randrange(2**31 - 1))
        return self.seed.value()

    @staticmethod
    def _fit_note(res) -> str:
        """"; each the best fit to your chords of 16" when a job fitted chords, else ""."""
        return f"; each the best fit to your chords of {res.meta['candidates']}" if "candidates" in res.meta else ""

    def rewrite(self) -> bool:
        span = self.session.rewrite_span()
        if span is None:
            self.status.setText("Draw some notes first: Rewrite replaces bars of a melody")
            return False
        seed = self._next_seed()
        melody, (start, end) = self.session.window.melody, span
        count, temp = self.count.value(), self.temperature.value()
        chords = self.target_chords()
        bars, kept = self._bars_label(start, end), self._meter_note(melody)
        return self.session.run(
            f"Rewriting {bars}",
            lambda model, tok: rewrite_bars(model, melody, start, end, count, temp, seed, tok, chords),
            lambda res: self._done(res, "generated", f"{bars} rewritten, {count} version{'s' * (count > 1)} "
                                   f"(seed {seed}): double-click one to place it" + self._fit_note(res) + kept))

    def vary(self) -> bool:
        melody = self.session.prompt()
        if not melody.notes:
            self.status.setText("Draw or select some notes to vary first")
            return False
        seed = self._next_seed()
        count, temp, amount = self.count.value(), self.temperature.value(), self.vary_amount.value()
        chords = melody.chords if self.target_chords() else None  # the prompt's chords, moved with it
        kept = self._meter_note(melody)
        return self.session.run(
            f"Varying by {amount:.2f}",
            lambda model, tok: vary_melody(model, melody, count, amount, temp, seed, tok, chords or None),
            lambda res: self._done(res, "generated", f"{count} variation{'s' * (count > 1)} {amount:.2f} away "
                                   f"(seed {seed}): double-click one to place it" + self._fit_note(res) + kept))

    def _span_of_results(self) -> tuple[int, int] | None:
        meta = self.session.results.meta
        return (meta["start_tick"], meta["end_tick"]) if "start_tick" in meta else None

    def _done(self, res, source: str, text: str) -> None:
        self.session.set_results(res, source)
        self.session.message.emit(text)  # the panel's line and the window's status bar

    def audition(self, row: int) -> None:
        if 0 <= row < len(self.results.melodies):
            m, span = self.results.melodies[row], self._span_of_results()
            # a rewrite is heard from the bar before the new notes, so they are heard coming in
            self.session.audition(m, max(0, span[0] - m.ticks_per_bar) if span else 0)

    def place(self, row: int, mode: str) -> bool:
        if not 0 <= row < len(self.results.melodies):
            self.status.setText("Pick a result first")
            return False
        m = self.results.melodies[row]
        span = self._span_of_results()
        if mode == "insert":
            self.session.insert(m)
        elif span is not None:  # a rewrite: one undo step, and the new bars stay selected to rewrite again
            self.session.show(m, "Rewrite bars")
            doc = self.session.window.doc
            doc.select([i for i, n in doc.notes.items() if span[0] <= n.start < span[1]])
        else:
            self.session.show(m, "Generate")
        self.status.setText(f"Placed {m.name}")
        return True

    def place_all(self) -> bool:
        ms = self.results.melodies
        if not ms:
            return False
        bars = self.session.model.bars if self.session.model is not None else None
        self.session.show(in_sequence(ms, max(bars or 1, max(m.num_bars for m in ms))), "Place all")
        self.status.setText(f"Placed {len(ms)} results in sequence")
        return True
