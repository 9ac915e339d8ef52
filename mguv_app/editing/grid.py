"""Snap grids in ticks: straight 1/1 … 1/32 and triplets, all exact at 480 ticks per quarter."""

from __future__ import annotations

from ..music.melody import TICKS_PER_QUARTER

WHOLE = TICKS_PER_QUARTER * 4

#: label -> grid size in ticks, in the order the grid chooser lists them
GRIDS: dict[str, int] = {
    "1/1": WHOLE,
    "1/2": WHOLE // 2,
    "1/4": WHOLE // 4,
    "1/8": WHOLE // 8,
    "1/16": WHOLE // 16,
    "1/32": WHOLE // 32,
    "1/2T": WHOLE // 3,
    "1/4T": WHOLE // 6,
    "1/8T": WHOLE // 12,
    "1/16T": WHOLE // 24,
    "1/32T": WHOLE // 48,
}
DEFAULT_GRID = "1/16"


def grid_ticks(label: str) -> int:
    """Ticks per grid cell for a chooser label; a clear error for an unknown one."""
    try:
        return GRIDS[label]
    except KeyError:
        raise ValueError(f"unknown grid {label!r}; choose one of {', '.join(GRIDS)}") from None


def snap_floor(tick: float, grid: int) -> int:
    """The grid line at or before ``tick`` (where a click in a cell starts a note)."""
    return int(tick // grid) * grid


def snap_nearest(tick: float, grid: int) -> int:
    """The grid line nearest ``tick`` (for moves and note ends)."""
    return int(round(tick / grid)) * grid
