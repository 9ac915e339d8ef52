"""What clicks and drags on the latent map do.

* Click a point: its melody plays (decoded first when only its latent is known), as a result
  thumbnail's does; it becomes the *current latent* and the handle jumps to it. The piano roll
  is not touched: a click never replaces the user's melody.
* Double-click a point: its melody goes into the piano roll, one undo step (Ctrl+Z brings the
  melody before it back), and plays.
* "Phrases" (``phrase_view.py``): the map shows the roll's melody as its phrases on the phrase model's map;
  the handle then rewrites the phrase clicked last.
* Drag the handle: each position becomes a latent, ``pca.inverse_around(p, z_anchor)`` with
  the latent from before the drag as anchor (directions the map does not show are kept), or,
  with "Snap to A–B", the slerp between the pins at the handle's projection on the line.
  Decoding runs on the map's own worker through :class:`LatestOnly`, so only the newest
  position is decoded; each result replaces the piano roll, merged into one undo step per drag.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from mguv_app.engine.interpolation import slerp
from mguv_app.generation import decode_latent, encode_melodies

from ..generation.worker import LatestOnly
from .phrase_view import PhraseView


class MapController(QObject):
    decoded = Signal(object, float)  # a melody the handle produced, already in the piano roll; its move's time

    def __init__(self, session, widget) -> None:
        super().__init__(widget)
        self.session, self.widget = session, widget
        self.latest = LatestOnly(session.map_runner)
        self.current_z: np.ndarray | None = None
        self.current_label = "map position"
        self.handle_z: np.ndarray | None = None
        self._anchor: np.ndarray | None = None
        self._drag = 0
        self._told_drag = 0  # the drag whose first replacement the status bar explained
        self._play_after = False
        self.last_request_at = 0.0  # perf_counter of the newest handle position (for the benchmark)
        self.phrases = PhraseView(session, widget)
        widget.set_store(session.store)
        widget.pointClicked.connect(self.click_point)
        widget.pointDoubleClicked.connect(self.place_point)
        widget.handleMoved.connect(self.move_handle)
        widget.handleReleased.connect(self.release_handle)
        widget.pinRequested.connect(self.pin)
        widget.addMelodyRequested.connect(self.add_current_melody)
        session.modelChanged.connect(self._model_changed)
        self._model_changed(session.model)

    def _model_changed(self, model) -> None:
        self.widget.set_store(self.session.store)  # a new model brings a new store
        self.current_z = self.handle_z = self._anchor = None
        ready = model is not None
        for w in (self.widget.pin_a, self.widget.pin_b, self.widget.add_button):
            w.setEnabled(ready)
        self.widget.message.setText("Click a point to hear it, double-click to place it; drag the handle to explore"
                                    if ready else "No model installed yet")

    # --- clicks ---------------------------------------------------------------------------------
    def click_point(self, pid: int) -> bool:
        """Hear the point's melody (the piano roll keeps the user's); the handle jumps to it."""
        return self._with_point(pid, self._hear, "{label}: double-click to put it into the piano roll")

    def place_point(self, pid: int) -> bool:
        """Put the point's melody into the piano roll (one undo step) and play it."""
        return self._with_point(pid, self._show_and_play, "{label} is in the piano roll (Ctrl+Z brings back "
                                "what was there)")

    def _with_point(self, pid: int, then, message: str) -> bool:
        """Make point ``pid`` the current latent, then ``then(melody, label)`` with its melody (decoded
        first on the map's worker when only its latent is known)."""
        p = self.session.store.get(pid)
        if p is None or self.session.model is None:
            return False
        self.current_z, self.handle_z, self.current_label = p.z.copy(), p.z.copy(), p.label
        self.widget.place_handle(*p.xy)
        self.widget.message.setText(message.format(label=p.label))
        if p.melody is not None:
            then(p.melody.copy(), p.label)
            return True
        model, like = self.session.model, self.session.window.melody
        self.latest.request(lambda tok: decode_latent(model, p.z, like, tok),
                            lambda m: then(m, p.label), self.widget.message.setText)
        return True

    def _hear(self, melody, label: str) -> None:
        melody.name = label
        self.session.audition(melody)

    def _show_and_play(self, melody, label: str) -> None:
        melody.name = label
        self.session.show(melody, "Latent map")
        self.session.audition(melody)

    # --- the handle -----------------------------------------------------------------------------
    def latent_at(self, x: float, y: float) -> np.ndarray | None:
        """The latent for map position (x, y) under the current mode (snap or free)."""
        store = self.session.store
        if store.pca is None:
            return None
        pins = store.pins
        if self.widget.snap.isChecked() and "A" in pins and "B" in pins:
            a, b = pins["A"].xy, pins["B"].xy
            ab = b - a
            t = float(np.clip(np.dot(np.array([x, y]) - a, ab) / max(float(np.dot(ab, ab)), 1e-9), 0.0, 1.0))
            self.widget.place_handle(*(a + t * ab))
            return slerp(pins["A"].z, pins["B"].z, t).astype(np.float32)
        if self._anchor is None:
            self._anchor = self.current_z if self.current_z is not None else store.pca.inverse(np.array([x, y]))
        return store.pca.inverse_around(np.array([x, y], np.float32), self._anchor)

    def move_handle(self, x: float, y: float) -> None:
        if self.phrases.active:  # the phrase view: the handle rewrites the chosen phrase
            self.phrases.move_handle(x, y)
            return
        model = self.session.model
        if model is None:
            return
        if self._anchor is None:
            self._drag += 1
        z = self.latent_at(x, y)
        if z is None:
            return
        self.handle_z = z
        self.last_request_at = asked = time.perf_counter()
        like = self.session.window.melody
        drag = self._drag
        self.latest.request(lambda tok: decode_latent(model, z, like, tok), lambda m: self._decoded(m, drag, asked),
                            self.widget.message.setText)

    def _decoded(self, melody, drag: int, asked: float) -> None:
        melody.name = "Latent map"
        if drag != self._told_drag:  # the first melody of a drag: say how to get the old one back
            self._told_drag = drag
            self.session.message.emit("Dragging the handle puts its melody into the piano roll: Ctrl+Z after the "
                                      "drag brings back what was there")
        self.session.show(melody, "Latent map drag", drag=drag)
        self.decoded.emit(melody, asked)
        if self._play_after and self.latest.idle:
            self._play_after = False
            self.session.audition(melody)

    def release_handle(self, _x: float, _y: float) -> None:
        if self.phrases.active:
            self.phrases.release_handle(_x, _y)
            return
        if self.handle_z is not None:
            self.current_z = self.handle_z
        self._anchor = None
        self._play_after = True
        if self.latest.idle:  # the last decode already arrived: play it now
            self._play_after = False
            self.session.audition(self.session.window.melody)

    # --- pins and the user's melody -----------------------------------------------------------------
    def pin(self, name: str) -> bool:
        z = self.handle_z if self.handle_z is not None else self.current_z
        if z is None:
            self.widget.message.setText("Click a point or drag the handle first, then pin it")
            return False
        self.session.pin(name, self.current_label, z)
        self.widget.message.setText(f"Pinned {self.current_label} as {name}")
        return True

    def add_current_melody(self) -> bool:
        melody = self.session.window.melody
        if not melody.notes:
            self.widget.message.setText("The piano roll is empty")
            return False
        label = melody.name or "your melody"
        return self.session.run("Placing your melody on the map",
                                lambda model, tok: encode_melodies(model, [melody], tok),
                                lambda z: self._user_point(label, z[0], melody))

    def _user_point(self, label, z, melody) -> None:
        p = self.session.store.add("user", label, z, melody)
        self.current_z, self.handle_z, self.current_label = p.z.copy(), p.z.copy(), label
        self.widget.place_handle(*p.xy)
