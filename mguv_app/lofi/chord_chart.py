"""A chord chart of the Band's chords: plain text, four bars a line, to play along from on a guitar
or a piano (File → Export Chord Chart…, ``mguv backing --chart``).

Why text: it prints, it pastes into any notes app, and a chart is read bar by bar, which fixed-width
columns show best. Chords chosen rather than fitted (by the user, or read from the file) are marked with ``*``.
"""

from __future__ import annotations

import os

from ..fileio import atomic_write
from .backing import Backing

BARS_PER_LINE = 4


def bar_chords(backing: Backing, bars) -> list[list[str]]:
    """The chord names heard in each bar (a chord held from the bar before is named again). ``bars``: the
    ticks of a bar, or the melody's meter map (``Melody.meter_map``) when its bars are not all one length."""
    if isinstance(bars, int):
        index, count = (lambda tick: tick // bars), (lambda tick: -(-tick // bars))
    else:
        index, count = bars.bar_index, bars.bar_count
    out: list[list[str]] = [[] for _ in range(count(backing.slots[-1].end) if backing.slots else 0)]
    for start, end, name, chosen in backing.chord_spans():
        label = name + ("*" if chosen else "")
        for bar in range(index(start), count(end)):
            if not out[bar] or out[bar][-1] != label:
                out[bar].append(label)
    return out


def chord_chart(backing: Backing, title: str = "Melody", bars_per_line: int = BARS_PER_LINE) -> str:
    """The chart: a header (title, key, tempo, metre), then ``| Am9 | Dm9 Cmaj9 | …`` lines numbered by bar
    (a pickup is bar 0; where the meter changes, the bar names it: ``(2/4) D7``)."""
    melody = backing.tracks[0][0]
    num, den = melody.time_signature
    meter_map = melody.meter_map
    bars = bar_chords(backing, meter_map if melody.meters else melody.ticks_per_bar)
    starts = meter_map.meter_starts() if melody.meters else {}
    cells = []
    for k, chords in enumerate(bars):
        meter = starts.get(k) if k > min(starts, default=k) else None
        cells.append((f"({meter[0]}/{meter[1]}) " if meter else "") + " ".join(chords))
    width = max((len(c) for c in cells), default=1) + 2
    lines = [f"{title} · {backing.key} · {melody.qpm:g} BPM · {num}/{den}"]
    if backing.chosen:
        lines.append("(* chosen, not fitted: by you, or read from the file)")
    lines.append("")
    for first in range(0, len(bars), bars_per_line):
        row = [c.ljust(width) for c in cells[first:first + bars_per_line]]
        lines.append(f"{meter_map.number(first):>3} | " + "| ".join(row) + "|")
    return "\n".join(lines) + "\n"


def write_chord_chart(backing: Backing, path: str | os.PathLike, title: str = "Melody") -> None:
    """The chart as UTF-8 text, written atomically (a temporary file, then a rename)."""
    atomic_write(path, chord_chart(backing, title).encode("utf-8"))
