"""The session's map points: reference melodies, the user's melodies, everything generated.

Each point keeps its latent (the encoder's mean) and, when known, its melody, so a click can
play it without a model call. Positions come from the store's :class:`LatentPCA`; listeners
(plain callables, as in ``NoteDocument``) hear about every change so the map redraws.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..music.melody import Melody
from .pca import LatentPCA

# source -> the legend's wording; the map colours points by source
SOURCES = {
    "reference": "reference melody",
    "prior": "prior sample",
    "user": "your melody",
    "generated": "generated",
    "interpolation": "interpolation step",
    "pinned": "pinned (saved)",
}


@dataclass
class MapPoint:
    id: int
    source: str
    label: str
    z: np.ndarray
    melody: Melody | None = None
    xy: np.ndarray = field(default_factory=lambda: np.zeros(2, np.float32))

    @property
    def tooltip(self) -> str:
        text = f"{self.label}\n{SOURCES.get(self.source, self.source)}"
        if self.melody is not None:
            text += f" · {len(self.melody.notes)} notes"
        return text


class PointStore:
    """Points by id, pins ``"A"``/``"B"``, and the trail of the last interpolation (map coordinates)."""

    def __init__(self, pca: LatentPCA | None = None) -> None:
        self.pca = pca
        self.points: dict[int, MapPoint] = {}
        self.pins: dict[str, MapPoint] = {}
        self.trail: list[MapPoint] = []
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[str], None]] = []

    # --- notifications ----------------------------------------------------------------------
    def subscribe(self, callback: Callable[[str], None]) -> None:
        """``callback(kind)`` after each change: "points", "pins" or "trail"."""
        self._listeners.append(callback)

    def _notify(self, kind: str) -> None:
        for cb in list(self._listeners):
            cb(kind)

    # --- geometry ---------------------------------------------------------------------------
    def set_pca(self, pca: LatentPCA) -> None:
        self.pca = pca
        for p in itertools.chain(self.points.values(), self.pins.values(), self.trail):
            p.xy = self._xy(p.z)
        self._notify("points")
        self._notify("pins")
        self._notify("trail")

    def _xy(self, z: np.ndarray) -> np.ndarray:
        return np.zeros(2, np.float32) if self.pca is None else self.pca.transform(z).astype(np.float32)

    def _make(self, source: str, label: str, z, melody: Melody | None) -> MapPoint:
        z = np.asarray(z, dtype=np.float32).reshape(-1)
        return MapPoint(next(self._ids), source, label, z, melody, self._xy(z))

    # --- points -----------------------------------------------------------------------------
    def add(self, source: str, label: str, z, melody: Melody | None = None) -> MapPoint:
        p = self._make(source, label, z, melody)
        self.points[p.id] = p
        self._notify("points")
        return p

    def add_many(self, items) -> list[MapPoint]:
        """Add ``(source, label, z, melody)`` tuples with one notification."""
        out = [self._make(*item) for item in items]
        self.points.update((p.id, p) for p in out)
        self._notify("points")
        return out

    def get(self, pid: int) -> MapPoint | None:
        return self.points.get(pid) or next((p for p in self.pins.values() if p.id == pid), None)

    def of_source(self, source: str) -> list[MapPoint]:
        return [p for p in self.points.values() if p.source == source]

    def clear(self, source: str | None = None) -> None:
        self.points = {i: p for i, p in self.points.items() if source is not None and p.source != source}
        self._notify("points")

    def nearest(self, xy, max_dist: float | None = None) -> MapPoint | None:
        if not self.points:
            return None
        pts = list(self.points.values())
        d = np.linalg.norm(np.stack([p.xy for p in pts]) - np.asarray(xy, np.float32), axis=1)
        k = int(d.argmin())
        return pts[k] if max_dist is None or d[k] <= max_dist else None

    # --- pins and the trail -----------------------------------------------------------------
    def pin(self, name: str, point: MapPoint) -> MapPoint:
        """Pin a copy of ``point`` as ``name`` ("A" or "B"); pins outlive ``clear()``."""
        pinned = MapPoint(point.id, point.source, point.label, point.z.copy(), point.melody, point.xy.copy())
        self.pins[name] = pinned
        self._notify("pins")
        return pinned

    def pin_latent(self, name: str, label: str, z, source: str = "pinned") -> MapPoint:
        p = self._make(source, label, z, None)
        self.pins[name] = p
        self._notify("pins")
        return p

    def unpin(self, name: str) -> None:
        if self.pins.pop(name, None) is not None:
            self._notify("pins")

    def set_trail(self, latents, melodies: list[Melody] | None = None, label: str = "step") -> list[MapPoint]:
        melodies = melodies or [None] * len(latents)
        self.trail = [self._make("interpolation", f"{label} {i + 1}/{len(latents)}", z, m)
                      for i, (z, m) in enumerate(zip(latents, melodies, strict=True))]
        self._notify("trail")
        return self.trail
