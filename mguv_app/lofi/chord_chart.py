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


def bar_chords(backing: Backing, ticks_per_bar: int) -> list[list[str]]:
    """The chord names heard in each bar (a chord held from the bar before is named again)."""
    bars = -(-backing.slots[-1].end // ticks_per_bar) if backing.slots else 0
    out: list[list[str]] = [[] for _ in range(bars)]
    for start, end, name, chosen in backing.chord_spans():
        label = name + ("*" if chosen else "")
        for bar in range(start // ticks_per_bar, -(-end // ticks_per_bar)):
            if not out[bar] or out[bar][-1] != label:
                out[bar].append(label)
    return out


def chord_chart(backing: Backing, title: str = "Melody", bars_per_line: int = BARS_PER_LINE) -> str:
    """The chart: a header (title, key, tempo, metre), then ``| Am9 | Dm9 Cmaj9 | …`` lines numbered by bar."""
    melody = backing.tracks[0][0]
    num, den = melody.time_signature
    bars = bar_chords(backing, melody.ticks_per_bar)
    width = max((len(" ".join(b)) for b in bars), default=1) + 2
    lines = [f"{title} · {backing.key} · {melody.qpm:g} BPM · {num}/{den}"]
    if backing.chosen:
        lines.append("(* chosen, not fitted: by you, or read from the file)")
    lines.append("")
    for first in range(0, len(bars), bars_per_line):
        cells = [" ".join(b).ljust(width) for b in bars[first:first + bars_per_line]]
        lines.append(f"{first + 1:>3} | " + "| ".join(cells) + "|")
    return "\n".join(lines) + "\n"


def write_chord_chart(backing: Backing, path: str | os.PathLike, title: str = "Melody") -> None:
    """The chart as UTF-8 text, written atomically (a temporary file, then a rename)."""
    atomic_write(path, chord_chart(backing, title).encode("utf-8"))
