"""Tick/pitch <-> pixel mapping shared by the grid, keyboard, ruler and velocity lane.

Kept as one small plain object so the four widgets always agree on where a note is,
and so zoom-around-the-mouse is a pure calculation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_PPT, MAX_PPT = 0.0005, 2.0  # pixels per tick (a quarter note: 0.24 px .. 960 px)
MIN_ROW, MAX_ROW = 4.0, 40.0    # pixels per semitone row
NUM_PITCHES = 128


@dataclass
class Geometry:
    ppt: float = 0.1    # pixels per tick: a quarter is 48 px, a 16th 12 px
    row: float = 14.0   # pixels per semitone
    sx: float = 0.0     # horizontal scroll in pixels
    sy: float = 0.0     # vertical scroll in pixels
    view_w: int = 800
    view_h: int = 400
    length_ticks: int = 1920 * 32  # scrollable length

    # --- mapping -----------------------------------------------------------------------
    def tick_to_x(self, tick: float) -> float:
        return tick * self.ppt - self.sx

    def x_to_tick(self, x: float) -> float:
        return (x + self.sx) / self.ppt

    def pitch_to_y(self, pitch: int) -> float:
        """Top edge of ``pitch``'s row."""
        return (NUM_PITCHES - 1 - pitch) * self.row - self.sy

    def y_to_pitch(self, y: float) -> int:
        return max(0, min(127, NUM_PITCHES - 1 - math.floor((y + self.sy) / self.row)))

    # --- visible range ----------------------------------------------------------------------
    def visible_ticks(self, x0: float = 0.0, x1: float | None = None) -> tuple[float, float]:
        return self.x_to_tick(x0), self.x_to_tick(self.view_w if x1 is None else x1)

    def visible_pitches(self, y0: float = 0.0, y1: float | None = None) -> tuple[int, int]:
        """(lowest, highest) pitch with any row inside ``[y0, y1]``."""
        return self.y_to_pitch(self.view_h if y1 is None else y1), self.y_to_pitch(y0)

    # --- scrolling and zoom -------------------------------------------------------------------
    @property
    def content_w(self) -> float:
        return self.length_ticks * self.ppt

    @property
    def content_h(self) -> float:
        return NUM_PITCHES * self.row

    def clamp(self) -> None:
        self.sx = max(0.0, min(self.sx, max(0.0, self.content_w - self.view_w)))
        self.sy = max(0.0, min(self.sy, max(0.0, self.content_h - self.view_h)))

    def zoom_x(self, factor: float, anchor_x: float | None = None) -> None:
        """Scale time by ``factor`` keeping the tick under ``anchor_x`` (default: centre) in place."""
        ax = self.view_w / 2 if anchor_x is None else anchor_x
        tick = self.x_to_tick(ax)
        self.ppt = max(MIN_PPT, min(MAX_PPT, self.ppt * factor))
        self.sx = tick * self.ppt - ax
        self.clamp()

    def zoom_y(self, factor: float, anchor_y: float | None = None) -> None:
        ay = self.view_h / 2 if anchor_y is None else anchor_y
        rows = (ay + self.sy) / self.row
        self.row = max(MIN_ROW, min(MAX_ROW, self.row * factor))
        self.sy = rows * self.row - ay
        self.clamp()

    def fit(self, t0: int, t1: int, p0: int, p1: int) -> None:
        """Zoom and scroll so ticks ``[t0, t1)`` and pitches ``[p0, p1]`` fill the view."""
        span = max(1, t1 - t0)
        self.ppt = max(MIN_PPT, min(MAX_PPT, self.view_w / span))
        rows = p1 - p0 + 1
        self.row = max(MIN_ROW, min(MAX_ROW, self.view_h / rows))
        self.sx = t0 * self.ppt
        mid = (NUM_PITCHES - 1 - (p0 + p1) / 2 + 0.5) * self.row
        self.sy = mid - self.view_h / 2
        self.clamp()
