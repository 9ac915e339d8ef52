"""What the Generate dock and the latent map share: the model, the worker, the map points, the window.

One ``GenerationSession`` per window. It loads the model off the GUI thread, owns the two
worker runners (one for generation jobs, one for the map's live decoding, so dragging stays
responsive while a long continuation runs), the :class:`PointStore` of the map, the current
results, and the few window operations generation needs (audition, replace, insert, prompt).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from mguv_app import models_registry as registry
from mguv_app.generation import JobResult
from mguv_app.latent import LatentPCA, PointStore, load_pins, reference_points, save_pins
from mguv_app.music import Melody

from . import placing
from .worker import JobRunner

NO_MODEL = "No model installed yet"
NO_MODEL_HINT = "Train one in the Training tab, or choose one there with “Use this model”"


class GenerationSession(QObject):
    modelChanged = Signal(object)  # the TrainedModel, or None while there is none
    message = Signal(str)
    resultsChanged = Signal()
    busyChanged = Signal(bool)
    placed = Signal(object)  # a melody just put into the piano roll
    chordsChanged = Signal()  # the Band's chosen chords changed (Generate can fit them)
    spanChanged = Signal()  # the bars Rewrite would replace may have changed (selection, loop, cursor)
    notesChanged = Signal()  # the roll's notes or meter changed (the map's phrase view follows them)

    def __init__(self, window, parent: QObject | None = None,
                 bundled_loader: Callable[..., object] | None = None) -> None:
        """``bundled_loader(time_signature)`` loads the bundled model for a meter: ``follow_meter`` switches
        models with it (``generation_link.default_loader``); None, the session keeps the model it has."""
        super().__init__(parent or window)
        self.window = window
        self.bundled_loader = bundled_loader
        self.model = None
        self.model_error: str | None = None
        self.loading = False
        self.runner = JobRunner(self, "mguv-generate")
        self.map_runner = JobRunner(self, "mguv-map")
        self.runner.busyChanged.connect(self.busyChanged)
        self.store = PointStore()
        self.results = JobResult([], [], np.zeros((0, 0), np.float32))
        self._token = None
        self._project = window.path
        window.doc.subscribe(self._doc_changed)
        window.savedAs.connect(self._saved_as)
        window.roll.loopChanged.connect(self.spanChanged)
        window.roll.cursorChanged.connect(self.spanChanged)

    # --- the model ------------------------------------------------------------------------------
    def load_model(self, loader: Callable[..., object]) -> None:
        """Call ``loader()`` on the worker; afterwards the panels enable themselves (or say why not).
        A loader with a parameter is given the melody's meter (the bundled default picks its model by it)."""
        self.loading = True
        self.message.emit("Loading the model…")
        meter = tuple(self.window.doc.time_signature)
        takes_meter = bool(inspect.signature(loader).parameters)
        self.runner.submit(lambda _tok: loader(meter) if takes_meter else loader(), self.set_model,
                           self._model_failed, lambda: None)

    def _model_failed(self, msg: str) -> None:
        self.loading = False
        self.model_error = msg
        self.model = None
        self.message.emit(self.no_model_text())
        self.modelChanged.emit(None)

    def set_model(self, model) -> None:
        self.loading = False
        self.model, self.model_error = model, None
        self.store = PointStore()
        self.modelChanged.emit(model)
        ts = tuple(model.time_signature)
        self.message.emit(f"Model '{model.name}' ready ({model.bars} bars" +
                          ("" if ts == (4, 4) else f" of {ts[0]}/{ts[1]}") + ")")
        self.runner.submit(lambda tok: reference_points(model, check=tok.check), self._references_ready,
                           lambda msg: self.message.emit(f"Latent map: {msg}"))
        QTimer.singleShot(0, self.follow_meter)  # the melody's meter may have changed while it loaded

    def follow_meter(self) -> bool:
        """Generate writes in the melody's meter. While the bundled models are in use (none chosen in the
        Training tab), a meter the loaded model does not write in loads the bundled model for it: 3/4 the 3/4
        model, 6/8 the 6/8 one, back in 4/4 the 4/4 one. True when a switch started; a model the user chose
        stays, and Generate says when its bars and the melody's differ."""
        model, ts = self.model, tuple(self.window.doc.time_signature)
        if self.bundled_loader is None or model is None or self.loading:
            return False
        if registry.writes_meter(model.steps_per_bar, model.time_signature, ts):
            return False
        folder = getattr(model, "folder", None)
        if registry.active_model() is not None or not registry.is_bundled(folder):
            return False
        target = registry.bundled_model_dir(ts)
        if target == Path(folder) or not (target / "config.json").is_file():
            return False
        self.load_model(self.bundled_loader)  # load_model hands it the melody's meter
        return True

    def _references_ready(self, items: list[tuple]) -> None:
        self.store.set_pca(LatentPCA.fit(np.stack([it[2] for it in items])))
        self.store.add_many(items)
        self.restore_pins()

    @property
    def model_key(self) -> str:
        """Pins are kept per model *version*: a retrained model of the same name decodes a latent differently,
        so its steps count is part of the key (an updated bundled model starts with no stale pins)."""
        if self.model is None:
            return ""
        steps = getattr(self.model, "config", {}).get("steps")
        return f"{self.model.name}:{self.model.cfg.latent_dim}" + (f":{steps}" if steps is not None else "")

    def no_model_text(self) -> str:
        """Why there is no model, and what to do about it."""
        why = f": {self.model_error}" if self.model_error else (" (it is still loading)" if self.loading else "")
        return f"{NO_MODEL}{why}." + ("" if self.loading else f" {NO_MODEL_HINT}.")

    # --- jobs -----------------------------------------------------------------------------------
    def run(self, what: str, fn, on_done, on_failed=None) -> bool:
        """Run ``fn(model, token)`` on the worker; messages for failure and cancel. False without a model.
        ``on_failed(text)`` also hears a failure (and a missing model), so the panel can show it at the action."""
        model = self.model
        if model is None:
            text = self.no_model_text()
            self.message.emit(text)
            if on_failed is not None:
                on_failed(text)
            return False
        self.message.emit(f"{what}…")

        def failed(msg):
            text = f"{what} failed: {msg}"
            self.message.emit(text)
            if on_failed is not None:
                on_failed(text)

        def cancelled():
            self.message.emit(f"{what} cancelled")

        self._token = self.runner.submit(lambda tok: fn(model, tok), on_done, failed, cancelled)
        return True

    def cancel(self) -> None:
        self.runner.cancel_all()
        self.map_runner.cancel_all()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    def set_results(self, result: JobResult, source: str = "generated") -> None:
        self.results = result
        if source == "interpolation":
            self.store.set_trail(list(result.latents), result.melodies, "step")
        elif len(result.melodies):
            self.store.add_many([(source, lab, z, m) for lab, z, m in
                                 zip(result.labels, result.latents, result.melodies, strict=True)])
        self.resultsChanged.emit()

    # --- the window -----------------------------------------------------------------------------
    def audition(self, melody: Melody, from_tick: int = 0) -> bool:
        """Play ``melody`` from ``from_tick`` through the window's transport (if there is one)."""
        transport = getattr(self.window, "transport", None)
        if transport is None:
            self.message.emit("Playback unavailable (no transport)")
            return False
        transport.stop()
        transport.set_melody(melody)
        if from_tick:
            transport.seek(from_tick)
        transport.play()
        return True

    def show(self, melody: Melody, label: str = "Generate", drag: int | None = None) -> None:
        placing.replace(self.window, melody, label, drag)
        self._key_from_placed()
        self.placed.emit(melody)

    def insert(self, melody: Melody, label: str = "Insert generated") -> None:
        placing.insert_at_cursor(self.window, melody, label)
        self._key_from_placed()
        self.placed.emit(melody)

    def _key_from_placed(self) -> None:
        """A roll with no key yet takes the placed melody's likely key: it is highlighted, and the next
        Generate fits its variations to it."""
        self.window.take_likely_key()

    def rewrite_span(self) -> tuple[int, int] | None:
        """The whole bars Rewrite replaces, in ticks: those of the selected notes, else the loop region's,
        else the bar at the edit cursor; None for an empty roll."""
        w, doc = self.window, self.window.doc
        if not doc.notes:
            return None
        meter_map = doc.meter_map
        if doc.selection:
            notes = [doc.notes[i] for i in doc.selection]
            start, end = min(n.start for n in notes), max(n.start for n in notes) + 1
        elif w.roll.loop is not None:
            start, end = w.roll.loop
        else:
            start = end = int(w.roll.edit_cursor)
            end += 1
        first = meter_map.bar_at(start)
        return first.start, max(first.end, meter_map.bar_end(end))

    def prompt(self) -> Melody:
        """The selected notes (or the whole melody), moved so their first bar starts at tick 0."""
        doc = self.window.doc
        m = doc.to_melody(doc.selection) if doc.selection else doc.to_melody()
        if m.notes:
            m = m.shifted(-m.meter_map.bar_at(m.notes[0].start).start)
        return m

    # --- pins -----------------------------------------------------------------------------------
    def pin(self, name: str, label: str, z, source: str = "pinned") -> None:
        self.store.pin_latent(name, label, z, source)
        if self.model is not None:
            try:
                save_pins(self.window.path, self.model_key, self.store.pins)
            except OSError as err:
                self.message.emit(f"Could not save the pins: {err}")

    def _saved_as(self, path: str) -> None:
        """Save As takes the pins along: the melody is the same, only its name changed (the old file keeps its own)."""
        self._project = path
        if self.model is not None and self.store.pins:
            try:
                save_pins(path, self.model_key, self.store.pins)
            except OSError as err:
                self.message.emit(f"Could not save the pins: {err}")

    def _doc_changed(self, kind: str) -> None:
        if kind == "meta":  # a file was opened (the window sets its path right after), or the meter changed
            QTimer.singleShot(0, self._project_maybe_changed)
            QTimer.singleShot(0, self.follow_meter)
        elif kind == "chords":
            self.chordsChanged.emit()
        if kind in ("selection", "notes", "meta"):
            self.spanChanged.emit()
        if kind in ("notes", "meta"):
            self.notesChanged.emit()

    def _project_maybe_changed(self) -> None:
        if self.window.path != self._project:
            self._project = self.window.path
            for name in list(self.store.pins):
                self.store.unpin(name)
            self.restore_pins()

    def restore_pins(self) -> None:
        if self.model is None:
            return
        for name, (label, source, z) in load_pins(self.window.path, self.model_key,
                                                  self.model.cfg.latent_dim).items():
            self.store.pin_latent(name, label, z, source)

    def shutdown(self) -> None:
        self.runner.shutdown()
        self.map_runner.shutdown()
