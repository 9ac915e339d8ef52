"""A melody's bars: a meter map (ticks -> time signature) with its pickup.

Why a map: real tunes change meter (a 3/4 folk tune with a 2/4 bar closing each phrase, a song going
from 4/4 to 3/4 to 6/8) and start with a pickup (an anacrusis: a first bar shorter than the others).
A MIDI file says so with time-signature events, and a bar grid computed from the first one alone puts
every later note a beat off its barline. The map keeps the file's events exactly (so a save writes them
back at the same ticks) and answers every bar question from them: where bar k starts, which bar holds a
tick, where the beats fall, what meter a bar has.

The rule, as MIDI readers and score editors use it: every time-signature event starts a bar, and its bars
follow each other until the next event, which cuts the last of them short if it comes early. Before the
first event (a file whose first time signature comes after tick 0): less than a bar of its meter is one
short bar in that meter (a pickup written that way); more is MIDI's default 4/4. A first bar shorter than
the one after it is the **pickup**: it is bar 0 (the first full bar is bar 1, as scores number them), its
beats are the last beats of a bar of the next bar's meter, and the metronome does not accent it. Without a
pickup the first bar is bar 1. Indices (``Bar.index``) count from 0 at the first bar either way;
:meth:`MeterMap.number` gives the number a user reads.

Everything here is integer ticks at 480 a quarter, pure and Qt-free; edits return a new map.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

TICKS_PER_QUARTER = 480  # = melody.TICKS_PER_QUARTER (melody imports this module)
WHOLE = 4 * TICKS_PER_QUARTER

Meter = tuple[int, int]
DEFAULT_METER: Meter = (4, 4)  # a melody, a file or a model that names no meter
MeterEvent = tuple[int, Meter]  # (tick, (numerator, denominator))


def valid_meter(num, den) -> bool:
    """1-32 beats of a whole note down to a 32nd: the meters a melody can have."""
    return 1 <= int(num) <= 32 and int(den) in (1, 2, 4, 8, 16, 32)


def bar_ticks(time_signature) -> int:
    """Ticks in a whole bar of ``time_signature``."""
    num, den = time_signature
    return WHOLE * int(num) // int(den)


def beat_ticks(time_signature) -> int:
    """Ticks in one of the meter's beats as the metronome clicks them (its denominator's note)."""
    return WHOLE // int(time_signature[1])


def meter_label(time_signature) -> str:
    return f"{int(time_signature[0])}/{int(time_signature[1])}"


def parse_meter(text: str) -> Meter:
    """``"6/8"`` -> ``(6, 8)``; ValueError with a message a user can act on for anything else."""
    try:
        num, den = (int(v) for v in str(text).strip().split("/"))
    except ValueError:
        raise ValueError(f"not a time signature: {text!r}; write it as N/D, e.g. 3/4") from None
    if not valid_meter(num, den):
        raise ValueError(f"not a time signature: {num}/{den}")
    return num, den


def chord_slot_ticks(length: int) -> int:
    """Where the Band may change chord inside a bar of ``length`` ticks: every half bar in four-beat bars
    (4/4, 2/2), else once a bar."""
    return length // 2 if length == 4 * TICKS_PER_QUARTER else length


# ---------------------------------------------------------------------- meters and a model's bars
STEP_TICKS = TICKS_PER_QUARTER // 4  # = melody.TICKS_PER_STEP: one 16th, a model's step


def bar_steps(time_signature) -> int:
    """16th steps in one bar of a meter (4/4: 16, 3/4: 12, 6/8: 12, 2/4: 8): ``Melody.steps_per_bar``, at least 1
    (a bar shorter than a 16th, 1/32, still divides nothing by zero)."""
    return max(1, bar_ticks(tuple(int(v) for v in time_signature)) // STEP_TICKS)


def is_compound(time_signature) -> bool:
    """6/8, 9/8, 12/8: beats of three eighths. A bar of 6/8 is as long as one of 3/4, but falls in two."""
    num, den = (int(v) for v in time_signature)
    return den >= 8 and num >= 6 and num % 3 == 0


def fits_meter(steps_per_bar: int, time_signature) -> bool:
    """A model serves a meter when its bar is a whole number of the meter's bars (a 16-step bar holds one 4/4
    bar or two 2/4 bars; a 12-step bar one 3/4 or 6/8 bar): then its barlines fall on the melody's."""
    return steps_per_bar % bar_steps(time_signature) == 0


def writes_meter(steps_per_bar: int, learnt, time_signature) -> bool:
    """A model writes in a meter when its bars fit the meter's and its beats are grouped alike: a 3/4 model
    fits 6/8 bars but writes three beats in them, not two."""
    return fits_meter(steps_per_bar, time_signature) and is_compound(learnt) == is_compound(time_signature)


@dataclass(frozen=True)
class Bar:
    """One bar: its index (0 = the first bar, the pickup when there is one), ticks ``[start, end)`` and meter.

    ``beat_origin`` is where its beats are counted from: its start, except in a pickup, whose beats are the
    last ones of a whole bar of ``beat_meter`` (the next bar's meter) ending where the pickup ends."""

    index: int
    start: int
    end: int
    time_signature: Meter
    pickup: bool = False
    beat_origin: int = 0
    beat_meter: Meter = (4, 4)

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def full(self) -> bool:
        """A whole bar of its meter (not a pickup, not cut short by the next time signature)."""
        return self.length == bar_ticks(self.time_signature)

    @property
    def chord_slot_ticks(self) -> int:
        return chord_slot_ticks(self.length)

    def beats(self) -> list[int]:
        """The ticks its beats fall on (the denominator's note; a pickup's counted from its virtual bar)."""
        step = beat_ticks(self.beat_meter)
        first = self.start + (self.beat_origin - self.start) % step
        return list(range(first, self.end, step))


@dataclass(frozen=True)
class MeterSpan:
    """A run of consecutive bars of one meter and one length (what ``Melody.meter_spans`` lists).

    ``first_bar`` is a bar index (0 = the first bar); ``number`` is what the ruler shows for it. A pickup,
    and a bar cut short by the next time signature, is a span of its own (``full`` False)."""

    first_bar: int
    bar_count: int
    time_signature: Meter
    start_tick: int
    end_tick: int
    number: int  # the first bar's number as the user reads it
    pickup: bool = False

    @property
    def bar_length(self) -> int:
        return (self.end_tick - self.start_tick) // self.bar_count

    @property
    def full(self) -> bool:
        return not self.pickup and self.bar_length == bar_ticks(self.time_signature)


class _Run(NamedTuple):
    index: int  # the run's first bar
    start: int  # tick of that bar
    length: int  # ticks per bar
    count: int | None  # bars in the run; None: to the end of time
    meter: Meter


def normalized_events(events: Iterable) -> tuple[MeterEvent, ...]:
    """Events sorted by tick, one per tick (the later one wins, as in a MIDI file), ticks >= 0, meters
    valid; ``((0, (4, 4)),)`` when none is left (MIDI's default)."""
    by_tick: dict[int, Meter] = {}
    for tick, meter in events:
        num, den = int(meter[0]), int(meter[1])
        if int(tick) >= 0 and valid_meter(num, den):
            by_tick[int(tick)] = (num, den)
    return tuple(sorted(by_tick.items())) or ((0, (4, 4)),)


def _runs(events: tuple[MeterEvent, ...]) -> tuple[_Run, ...]:
    runs: list[_Run] = []
    index = 0
    first_tick, first_meter = events[0]
    if 0 < first_tick < bar_ticks(first_meter):  # less than a bar before the first event: a pickup in its meter
        runs.append(_Run(0, 0, first_tick, 1, first_meter))
        index = 1
    elif first_tick > 0:  # bars before the first event: MIDI's 4/4, the last cut short where it comes
        whole, cut = divmod(first_tick, WHOLE)
        if whole:
            runs.append(_Run(0, 0, WHOLE, whole, (4, 4)))
            index = whole
        if cut:
            runs.append(_Run(index, whole * WHOLE, cut, 1, (4, 4)))
            index += 1
    for k, (tick, meter) in enumerate(events):
        length = bar_ticks(meter)
        if k + 1 == len(events):
            runs.append(_Run(index, tick, length, None, meter))
            break
        whole, cut = divmod(events[k + 1][0] - tick, length)
        if whole:
            runs.append(_Run(index, tick, length, whole, meter))
            index += whole
        if cut:  # the next event comes early: this bar is cut short there
            runs.append(_Run(index, tick + whole * length, cut, 1, meter))
            index += 1
    return tuple(runs)


@dataclass(frozen=True)
class MeterMap:
    """Time-signature events and the bars they make (see the module docstring for the rule)."""

    events: tuple[MeterEvent, ...]
    _runs: tuple[_Run, ...] = field(init=False, repr=False, compare=False)
    _firsts: tuple[tuple[int, ...], tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        events = normalized_events(self.events)
        runs = _runs(events)
        object.__setattr__(self, "events", events)
        object.__setattr__(self, "_runs", runs)
        object.__setattr__(self, "_firsts", (tuple(r.index for r in runs), tuple(r.start for r in runs)))

    @classmethod
    def single(cls, time_signature) -> MeterMap:
        return cls(((0, (int(time_signature[0]), int(time_signature[1]))),))

    # --- what it is ----------------------------------------------------------------------------------
    @property
    def is_uniform(self) -> bool:
        """One meter from tick 0, no pickup: what ``Melody.time_signature`` alone says."""
        return len(self.events) == 1 and self.events[0][0] == 0

    @property
    def pickup(self) -> int:
        """The pickup's length in ticks (0 without one): a first bar shorter than the bar after it."""
        runs = self._runs
        if runs[0].count == 1 and runs[0].length < runs[1].length:
            return runs[0].length
        return 0

    @property
    def first_number(self) -> int:
        """The number of the first bar: 0 for a pickup, else 1."""
        return 0 if self.pickup else 1

    def number(self, index: int) -> int:
        """The number a user reads for bar ``index`` (bar 0 is the pickup's number, when there is one)."""
        return index + self.first_number

    def index(self, number: int) -> int:
        """The index of the bar numbered ``number`` (the inverse of :meth:`number`)."""
        return number - self.first_number

    @property
    def main(self) -> Meter:
        """The melody's meter: that of its first full bar (after the pickup)."""
        return self.bar(1 if self.pickup else 0).time_signature

    # --- bars ----------------------------------------------------------------------------------------
    def _run_of_index(self, index: int) -> _Run:
        return self._runs[bisect.bisect_right(self._firsts[0], index) - 1]

    def _run_of_tick(self, tick: int) -> _Run:
        return self._runs[bisect.bisect_right(self._firsts[1], tick) - 1]

    def bar(self, index: int) -> Bar:
        """Bar ``index`` (>= 0)."""
        if index < 0:
            raise ValueError(f"no bar {index}: bars are counted from 0")
        run = self._run_of_index(index)
        start = run.start + (index - run.index) * run.length
        if index == 0 and self.pickup:
            after = self._run_of_index(1)
            return Bar(0, start, start + run.length, run.meter, True, run.length - after.length, after.meter)
        return Bar(index, start, start + run.length, run.meter, False, start, run.meter)

    def bar_index(self, tick: int) -> int:
        """The index of the bar holding ``tick`` (>= 0)."""
        run = self._run_of_tick(max(0, int(tick)))
        return run.index + (max(0, int(tick)) - run.start) // run.length

    def bar_at(self, tick: int) -> Bar:
        return self.bar(self.bar_index(tick))

    def bar_start(self, index: int) -> int:
        return self.bar(index).start

    def bar_end(self, tick: int) -> int:
        """The barline at or after ``tick`` (a melody's end rounded up to whole bars)."""
        if tick <= 0:
            return 0
        bar = self.bar_at(tick)
        return tick if tick == bar.start else bar.end

    def bar_count(self, end_tick: int) -> int:
        """Bars needed to hold ``[0, end_tick)`` (0 for nothing)."""
        return 0 if end_tick <= 0 else self.bar_index(end_tick - 1) + 1

    def meter_at(self, tick: int) -> Meter:
        return self._run_of_tick(max(0, int(tick))).meter

    def bars(self, t0: float, t1: float) -> Iterator[Bar]:
        """The bars overlapping ticks ``[t0, t1)`` (from tick 0), in order: what a view of the roll shows."""
        if t1 <= 0 or t1 <= t0:
            return
        index = self.bar_index(max(0, int(t0)))
        while True:
            bar = self.bar(index)
            if bar.start >= t1:
                return
            yield bar
            index += 1

    def beats(self, t0: int, t1: int) -> list[tuple[int, bool]]:
        """``(tick, downbeat)`` for every beat in ``[t0, t1)``: what the metronome clicks, accented on each
        bar's first beat (not a pickup's: it is the end of a bar). Before tick 0 (a count-in) the first full
        bar's meter goes on backwards, its barlines a whole bar apart from where the pickup ends."""
        out: list[tuple[int, bool]] = []
        if t0 < 0:
            first = self.bar(1 if self.pickup else 0)
            length, step = bar_ticks(first.time_signature), beat_ticks(first.time_signature)
            origin = first.start - length * (-(-(first.start - t0) // length))  # a virtual barline at or before t0
            for tick in range(origin, min(t1, 0), step):
                if tick >= t0:
                    out.append((tick, (tick - first.start) % length == 0))
        for bar in self.bars(max(0, t0), t1):
            for tick in bar.beats():
                if max(0, t0) <= tick < t1:
                    out.append((tick, tick == bar.start and not bar.pickup))
        return out

    def position(self, tick: int) -> tuple[int, int]:
        """``(bar number, beat number)`` of ``tick`` as a user counts them (a pickup's beats are the last of
        its bar: a one-beat pickup in 3/4 is on beat 3)."""
        bar = self.bar_at(tick)
        step = beat_ticks(bar.beat_meter)
        return self.number(bar.index), (max(0, int(tick)) - bar.beat_origin) // step + 1

    def chord_slot(self, tick: int) -> tuple[int, int]:
        """The Band's chord slot holding ``tick``: ``(start, end)``, half a four-beat bar, else the bar."""
        bar = self.bar_at(tick)
        slot = bar.chord_slot_ticks
        start = bar.start + (max(0, int(tick)) - bar.start) // slot * slot
        return start, min(bar.end, start + slot)

    def chord_slots(self, t0: int, t1: int) -> list[tuple[int, int]]:
        """Every chord slot starting in ``[t0, t1)`` (at least the one holding ``t0``)."""
        out = [self.chord_slot(t0)]
        while out[-1][1] < t1:
            out.append(self.chord_slot(out[-1][1]))
        return out

    def spans(self, end_tick: int) -> list[MeterSpan]:
        """The bars holding ``[0, end_tick)`` as runs of one meter and bar length (at least the first bar)."""
        out: list[MeterSpan] = []
        for bar in self.bars(0, max(1, end_tick)):
            last = out[-1] if out else None
            if last is not None and not last.pickup and not bar.pickup and last.time_signature == bar.time_signature \
                    and last.bar_length == bar.length:
                out[-1] = MeterSpan(last.first_bar, last.bar_count + 1, last.time_signature, last.start_tick, bar.end,
                                    last.number)
            else:
                out.append(MeterSpan(bar.index, 1, bar.time_signature, bar.start, bar.end, self.number(bar.index),
                                     bar.pickup))
        return out

    def bars_label(self, start: int, end: int) -> str:
        """ "bar 5" for ticks ``[start, end)`` filling at most one bar from its barline, else "bars 5–6": the
        numbers the ruler shows."""
        bar = self.bar_at(start)
        first = self.number(bar.index)
        if start == bar.start and end <= bar.end:
            return f"bar {first}"
        return f"bars {first}–{self.number(self.bar_count(end) - 1)}"

    def meter_starts(self) -> dict[int, Meter]:
        """Bar index -> meter where the meter changes, the first full bar's included (not the pickup's, nor an
        event restating the meter): where the ruler labels a time signature."""
        first = 1 if self.pickup else 0
        out, before = {first: self.bar(first).time_signature}, self.bar(first).time_signature
        for tick, meter in self.events:
            index = self.bar_index(tick)
            if index > first and meter != before:
                out[index] = meter
            if index >= first:
                before = meter
        return out

    def changes(self) -> list[dict]:
        """The events with the bars they start, for ``mguv inspect`` and the ruler:
        ``[{"bar": number, "tick": t, "time_signature": "3/4"}]``."""
        return [{"bar": self.number(self.bar_index(t)), "tick": t, "time_signature": meter_label(m)}
                for t, m in self.events]

    # --- edits (each returns a new map; notes are the caller's) -----------------------------------------
    def _rebuilt(self, kept: list[MeterEvent], later: list[tuple[int, Meter]], edited: int) -> MeterMap:
        """``kept`` events, then ``later`` ``(bar index, meter)`` placed where those bars start in the map
        being built: later changes keep their bar numbers when the bars before them change length. From tick
        ``edited`` on, an event that says nothing new (the meter holding, on a barline of it) is left out."""
        events: list[MeterEvent] = []
        for index, meter in [(None, m) for m in kept] + later:
            tick, meter = (meter if index is None else (MeterMap(tuple(events)).bar_start(index) if events else 0,
                                                         meter))
            if events and tick >= edited and tick > 0:
                before = MeterMap(tuple(events)).bar_at(tick - 1)
                if before.time_signature == meter and before.full and before.end == tick and not before.pickup:
                    continue
            events.append((tick, meter))
        return MeterMap(tuple(events))

    def _prefix(self, start: int) -> list[MeterEvent]:
        """Events that keep the bars before ``start`` (a barline) as they are once an event is put at
        ``start``: the events before it, or, where the first event lies at or after it (a pickup written as a
        late first time signature, or MIDI's 4/4 before it), one at tick 0 that says the same."""
        kept = [(t, m) for t, m in self.events if t < start]
        return kept if kept or start == 0 else [(0, self._runs[0].meter)]

    def with_meter(self, index: int, time_signature) -> MeterMap:
        """Bar ``index`` and the bars after it in ``time_signature``, up to the next change, which keeps its
        bar number (notes keep their ticks: the bars regroup them). A no-op where that bar has that meter."""
        meter = (int(time_signature[0]), int(time_signature[1]))
        if not valid_meter(*meter):
            raise ValueError(f"not a time signature: {meter_label(meter)}")
        bar = self.bar(index)
        if bar.time_signature == meter and bar.full:
            return self
        later = [(self.bar_index(t), m) for t, m in self.events if t > bar.start]
        return self._rebuilt(self._prefix(bar.start) + [(bar.start, meter)], later, bar.start)

    def with_main(self, time_signature) -> MeterMap:
        """The melody's meter (its first full bar's, up to the next change) set to ``time_signature``."""
        return self.with_meter(1 if self.pickup else 0, time_signature)

    def change_at(self, index: int) -> Meter | None:
        """The meter of the time-signature event that starts bar ``index`` (None: no event there)."""
        start = self.bar_start(index)
        return next((m for t, m in self.events if t == start), None)

    def without_change(self, index: int) -> MeterMap:
        """The time-signature change at bar ``index`` taken away: the meter before it goes on, later changes
        keep their bar numbers. ValueError where no change starts that bar, or for the first meter."""
        start = self.bar_start(index)
        if self.change_at(index) is None:
            raise ValueError(f"no meter change at bar {self.number(index)}")
        if start == self.events[0][0]:
            raise ValueError(f"bar {self.number(index)} has the melody's first meter: change it instead")
        later = [(self.bar_index(t), m) for t, m in self.events if t > start]
        return self._rebuilt(self._prefix(start), later, start)

    def with_bars_inserted(self, index: int, count: int) -> tuple[MeterMap, int, int]:
        """``count`` whole bars of bar ``index``'s meter put before it: ``(map, at tick, ticks inserted)``.
        Later events move on by the inserted length, so every bar after keeps its meter and length."""
        bar = self.bar(index)
        if bar.pickup:
            raise ValueError("new bars go after the pickup, not before it")
        if count < 1:
            raise ValueError(f"cannot insert {count} bars")
        length = bar_ticks(bar.time_signature) * int(count)
        return MeterMap(tuple((t + length if t > bar.start else t, m) for t, m in self.events)), bar.start, length

    def with_bars_deleted(self, index: int, count: int) -> tuple[MeterMap, int, int]:
        """Bars ``index`` to ``index + count - 1`` taken out: ``(map, from tick, ticks removed)``. Changes
        inside them go; the meter that held after them goes on from where they were."""
        if count < 1:
            raise ValueError(f"cannot delete {count} bars")
        a, b = self.bar_start(index), self.bar_start(index + count)
        holding = [t for t, _ in self.events if t <= b]
        events = [(t, m) for t, m in self.events if t < a]
        if holding and a <= holding[-1] < b:  # the meter after the cut came from a change inside it
            events.append((a, self.meter_at(b)))
        events += [(t - (b - a), m) for t, m in self.events if t >= b]
        out = MeterMap(tuple(events))
        if a > 0 and (meter := out.change_at(out.bar_index(a))) is not None and out.bar_start(out.bar_index(a)) == a:
            before = out.bar_at(a - 1)
            if before.full and before.end == a and before.time_signature == meter and len(out.events) > 1 \
                    and out.events[0][0] < a:
                out = MeterMap(tuple(e for e in out.events if e[0] != a))  # it says nothing new
        return out, a, b - a

    def window(self, start: int, end: int | None = None) -> MeterMap:
        """The map of ticks ``[start, end)`` moved to tick 0 (a part cut from a melody keeps its bars)."""
        if start <= 0:
            return self
        bar = self.bar_at(start)
        events: list[MeterEvent] = [(0, bar.time_signature)]
        if bar.start != start or not bar.full:  # cut mid-bar, or a short bar: it ends where it ended
            events.append((bar.end - start, self.meter_at(bar.end)))
        events += [(t - start, m) for t, m in self.events if t > start and (end is None or t < end)]
        return MeterMap(tuple(events))

    def shifted(self, ticks: int) -> MeterMap:
        """The map moved by ``ticks`` (earlier: :meth:`window`; later: the first meter laid back before it)."""
        if ticks <= 0:
            return self.window(-ticks)
        return MeterMap(tuple((t + ticks, m) for t, m in self.events))
