"""Which bars of a melody a model writes, and which it keeps as they are.

A model learns the bars of one meter (``music.meter.writes_meter``: its bar holds a whole number of the
meter's bars, its beats grouped alike). A real tune may change meter (a 3/4 folk tune with a 2/4 bar closing
each phrase) or open with a pickup. So a melody is cut along its meter map (``Melody.meter_spans``: runs of
bars of one meter) and no model window spans a meter change: each run the model writes in is encoded,
continued, rewritten or varied on its own; a run it does not write in is kept exactly as it is: bars of
another meter, a pickup, a bar cut short, a run shorter than one of the model's bars (one 2/4 bar is half
a 4/4 model's bar). :func:`meter_plan` says which is which; :meth:`MeterPlan.sentence` says it to the user
("bars 8 and 16 are 2/4: kept as they are"), as the Generate dock does.

How the engine uses it: for each span of ``plan.written``, ``melody.window(span.start_tick, span.end_tick)`` is
that span's notes from tick 0 in its own meter (one time signature, ``span.bar_count`` bars), to encode in
model windows; what the model writes there goes back moved by ``span.start_tick``; the notes of the spans of
``plan.kept`` stay exactly as they are. Continue's new bars start at ``melody.bars_end_tick`` (the barline after
the last note) in the meter of the melody's last bar (``melody.meter_map.meter_at(melody.end_tick - 1)``);
the document keeps its own meter map whatever notes are placed in it.

Pure and torch-free: the engine (``engine.trained_model``, ``generation.jobs``) and the window both call it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..music.melody import Melody
from ..music.meter import MeterSpan, bar_steps, meter_label, writes_meter


@dataclass(frozen=True)
class MeterPlan:
    """A melody's meter spans, split into those a model writes and those it keeps as they are."""

    written: tuple[MeterSpan, ...]
    kept: tuple[MeterSpan, ...]

    @property
    def spans(self) -> tuple[MeterSpan, ...]:
        """Every span in bar order."""
        return tuple(sorted(self.written + self.kept, key=lambda s: s.first_bar))

    def sentence(self) -> str | None:
        """What the model leaves alone, in words, or None when it writes every bar: "bars 8 and 16 are 2/4:
        kept as they are"; "bar 0 is a pickup; bars 9–10 are 5/8: kept as they are"; "bar 0 is a pickup: kept as
        it is"."""
        if not self.kept:
            return None
        parts: list[str] = []
        if any(s.pickup for s in self.kept):
            parts.append("bar 0 is a pickup")
        cut = [n for s in self.kept if not s.pickup and not s.full for n in _numbers(s)]
        by_meter: dict[tuple[int, int], list[int]] = {}
        for s in self.kept:
            if s.full:
                by_meter.setdefault(s.time_signature, []).extend(_numbers(s))
        for meter, numbers in by_meter.items():
            parts.append(f"{_bars(numbers)} {'is' if len(numbers) == 1 else 'are'} {meter_label(meter)}")
        if cut:
            parts.append(f"{_bars(cut)} {'is' if len(cut) == 1 else 'are'} cut short")
        one = sum(s.bar_count for s in self.kept) == 1
        return "; ".join(parts) + (": kept as it is" if one else ": kept as they are")


def _numbers(span: MeterSpan) -> list[int]:
    return list(range(span.number, span.number + span.bar_count))


def _bars(numbers: list[int]) -> str:
    """[8, 16] -> "bars 8 and 16"; [8, 9, 10] -> "bars 8–10"; [5] -> "bar 5"."""
    numbers = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    names = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return ("bar " if len(numbers) == 1 else "bars ") + text


def span_is_written(span: MeterSpan, steps_per_bar: int, learnt) -> bool:
    """Whether a model of ``steps_per_bar`` steps a bar that learnt ``learnt`` writes ``span``: whole bars of a
    meter it writes in, filling whole bars of its own (a pickup, a bar cut short, a lone 2/4 bar in 4/4: no)."""
    if not span.full or not writes_meter(steps_per_bar, learnt, span.time_signature):
        return False
    return span.bar_count * bar_steps(span.time_signature) % steps_per_bar == 0


def meter_plan(melody: Melody, steps_per_bar: int, learnt) -> MeterPlan:
    """The spans of ``melody`` (``Melody.meter_spans``) a model of ``steps_per_bar`` steps a bar, trained on
    ``learnt`` (its ``time_signature``), writes, and those it keeps as they are."""
    written, kept = [], []
    for span in melody.meter_spans():
        (written if span_is_written(span, steps_per_bar, learnt) else kept).append(span)
    return MeterPlan(tuple(written), tuple(kept))
