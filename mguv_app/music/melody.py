"""The melody data model shared by every layer (core, model, player, editor).

Times are integer MIDI ticks at a fixed resolution of ``TICKS_PER_QUARTER``
(480, divisible by 3 and by 32) so the editor can place triplets and 32nds
exactly, while the model works on the 16th-note grid (``TICKS_PER_STEP``).
Integers keep round-trips exact: no float drift between import, edit and export.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .meter import MeterMap, MeterSpan, normalized_events, valid_meter

TICKS_PER_QUARTER = 480
STEPS_PER_QUARTER = 4
TICKS_PER_STEP = TICKS_PER_QUARTER // STEPS_PER_QUARTER  # 120 ticks = one 16th note
CHORD_MARKER = "Chord: "  # a MIDI marker's text prefix for a chord the user chose (``Melody.chords``)


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """One note. ``start``/``end`` are ticks (end exclusive); ordering is by start."""

    start: int
    end: int
    pitch: int
    velocity: int = 100

    def __post_init__(self) -> None:
        if not 0 <= self.pitch <= 127:
            raise ValueError(f"pitch {self.pitch} outside MIDI range 0-127")
        if not 1 <= self.velocity <= 127:
            raise ValueError(f"velocity {self.velocity} outside 1-127")
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"note needs 0 <= start < end, got {self.start}..{self.end}")

    @property
    def duration(self) -> int:
        return self.end - self.start

    def moved(self, dt: int = 0, dp: int = 0) -> Note:
        return replace(self, start=self.start + dt, end=self.end + dt, pitch=self.pitch + dp)


def checked_time_signature(num, den) -> tuple[int, int]:
    """``(num, den)`` as ints when a melody can have that meter (1-32 beats of a whole to a 32nd); else
    ValueError. The transport's box, ``mguv set`` and ``--meter`` of ``mguv generate`` and ``mguv train`` share
    this rule."""
    num, den = int(num), int(den)
    if not valid_meter(num, den):
        raise ValueError(f"not a time signature: {num}/{den}")
    return num, den


@dataclass(slots=True)
class Melody:
    """A monophonic line plus the metadata a MIDI file needs to play it back faithfully.

    The class does not force monophony (the editor may hold overlapping notes while a
    user works); :meth:`monophonic` returns the cut-overlaps version the model uses.

    Bars: ``time_signature`` is the melody's meter (that of its first full bar). ``meters``, empty for a
    melody in one meter from tick 0, holds the time-signature events of one that changes meter or starts
    with a pickup, exactly as its file has them (``(tick, (num, den))``); :attr:`meter_map` answers every
    bar question from both (``music.meter``). Given at construction, ``meters`` sets ``time_signature``;
    ``time_signature`` set afterwards sets the meter of the first full bar, later changes kept at their bars.
    ``ticks_per_bar``, ``steps_per_bar`` and ``chord_slot_ticks`` are the first full bar's.
    """

    notes: list[Note] = field(default_factory=list)
    qpm: float = 120.0
    time_signature: tuple[int, int] = (4, 4)
    program: int = 0
    name: str = "Melody"
    # chords the user chose for the Band: half-bar start tick -> symbol ("Dm7"); saved as MIDI markers
    chords: dict[int, str] = field(default_factory=dict)
    meters: tuple[tuple[int, tuple[int, int]], ...] = ()  # time-signature events when more than one meter

    def __post_init__(self) -> None:
        self.notes = sorted(self.notes)
        if self.meters:
            meter_map = MeterMap(normalized_events(self.meters))
            self.time_signature = meter_map.main
            self.meters = () if meter_map.is_uniform else meter_map.events

    @property
    def meter_map(self) -> MeterMap:
        """Its bars: the meter map of ``meters`` (``time_signature`` from tick 0 without them)."""
        if not self.meters:
            return MeterMap.single(self.time_signature)
        meter_map = MeterMap(self.meters)
        ts = (int(self.time_signature[0]), int(self.time_signature[1]))
        return meter_map if meter_map.main == ts else meter_map.with_main(ts)

    def with_meter_map(self, meter_map: MeterMap) -> Melody:
        """A copy in the bars of ``meter_map`` (notes keep their ticks)."""
        out = self.copy()
        out.set_meter_map(meter_map)
        return out

    def set_meter_map(self, meter_map: MeterMap) -> None:
        self.time_signature = meter_map.main
        self.meters = () if meter_map.is_uniform else meter_map.events

    def meter_spans(self) -> list[MeterSpan]:
        """The bars the melody spans as runs of one meter: ``MeterSpan(first_bar, bar_count, time_signature,
        start_tick, end_tick, number, pickup)``, ``first_bar`` a 0-based index. One span for a melody in one
        meter; a pickup, and a bar cut short, a span of its own. Where a model's windows and phrases are cut:
        none of them spans a meter change (``generation.meter_plan`` says which spans a model writes)."""
        return self.meter_map.spans(self.end_tick)

    def bar_start(self, index: int) -> int:
        """Tick where bar ``index`` (0-based, the pickup included) starts."""
        return self.meter_map.bar_start(index)

    # --- geometry -------------------------------------------------------------------
    @property
    def ticks_per_bar(self) -> int:
        num, den = self.time_signature
        return TICKS_PER_QUARTER * 4 * num // den

    @property
    def chord_slot_ticks(self) -> int:
        """Where the Band may change chord: every half bar in four-beat bars (4/4, 2/2), else every bar."""
        tpb = self.ticks_per_bar
        return tpb // 2 if tpb == 4 * TICKS_PER_QUARTER else tpb

    @property
    def steps_per_bar(self) -> int:
        return self.ticks_per_bar // TICKS_PER_STEP

    @property
    def end_tick(self) -> int:
        return max((n.end for n in self.notes), default=0)

    @property
    def num_bars(self) -> int:
        """Whole bars needed to hold every note (0 for an empty melody; a pickup counts as a bar)."""
        if not self.meters:
            return -(-self.end_tick // self.ticks_per_bar)
        return self.meter_map.bar_count(self.end_tick)

    @property
    def bars_end_tick(self) -> int:
        """The barline after the last note (where Continue's bars start, where a loop of it ends)."""
        if not self.meters:
            return self.num_bars * self.ticks_per_bar
        return self.meter_map.bar_end(self.end_tick)

    @property
    def pitch_range(self) -> tuple[int, int] | None:
        if not self.notes:
            return None
        pitches = [n.pitch for n in self.notes]
        return min(pitches), max(pitches)

    # --- transformations (each returns a new Melody) -------------------------------
    def copy(self, notes: list[Note] | None = None) -> Melody:
        meters = self.meter_map.events if self.meters else ()
        return Melody(list(self.notes if notes is None else notes), self.qpm,
                      self.time_signature, self.program, self.name, dict(self.chords), meters)

    def monophonic(self) -> Melody:
        """Keep the highest note at each onset and cut every note at the next onset."""
        by_start: dict[int, Note] = {}
        for n in self.notes:
            kept = by_start.get(n.start)
            if kept is None or n.pitch > kept.pitch:
                by_start[n.start] = n
        ordered = [by_start[s] for s in sorted(by_start)]
        out = []
        for i, n in enumerate(ordered):
            end = n.end if i + 1 == len(ordered) else min(n.end, ordered[i + 1].start)
            out.append(replace(n, end=end))
        return self.copy(out)

    def quantized(self, grid: int = TICKS_PER_STEP) -> Melody:
        """Snap starts and ends to ``grid`` ticks (notes keep at least one grid cell)."""
        out = []
        for n in self.notes:
            start = round(n.start / grid) * grid
            end = max(start + grid, round(n.end / grid) * grid)
            out.append(replace(n, start=start, end=end))
        return self.copy(out)

    def transposed(self, semitones: int) -> Melody:
        return self.copy([n.moved(dp=semitones) for n in self.notes])

    def shifted(self, ticks: int) -> Melody:
        """Moved by ``ticks``, its chosen chords and meter changes too (those moved before tick 0 are dropped)."""
        out = self.copy([n.moved(dt=ticks) for n in self.notes])
        out.chords = {t + ticks: c for t, c in self.chords.items() if t + ticks >= 0}
        if self.meters:
            out.set_meter_map(self.meter_map.shifted(ticks))
        return out

    def window(self, start: int, end: int) -> Melody:
        """Notes starting in ``[start, end)`` ticks, clipped at ``end`` and moved to tick 0 (chords too)."""
        out = [replace(n, start=n.start - start, end=min(n.end, end) - start)
               for n in self.notes if start <= n.start < end]
        part = self.copy(out)
        part.chords = {t - start: c for t, c in self.chords.items() if start <= t < end}
        if self.meters:  # the part keeps its bars
            part.set_meter_map(self.meter_map.window(start, end))
        return part

    def bars(self, first: int, count: int) -> Melody:
        """Bars ``first`` to ``first + count - 1`` (0-based) as a melody from tick 0."""
        if not self.meters:
            return self.window(first * self.ticks_per_bar, (first + count) * self.ticks_per_bar)
        meter_map = self.meter_map
        return self.window(meter_map.bar_start(first), meter_map.bar_start(first + count))

    def concatenated(self, other: Melody, at: int | None = None) -> Melody:
        """This melody followed by ``other`` starting at tick ``at`` (default: next barline), in this one's bars."""
        if at is None:
            at = self.bars_end_tick
        return self.copy(self.notes + [n.moved(dt=at) for n in other.notes])

    def summary(self) -> dict:
        """A JSON-friendly description used by ``mguv inspect`` and the status bar."""
        rng = self.pitch_range
        return {
            "name": self.name,
            "notes": len(self.notes),
            "bars": self.num_bars,
            "pitch_min": rng[0] if rng else None,
            "pitch_max": rng[1] if rng else None,
            "qpm": round(self.qpm, 3),
            "time_signature": f"{self.time_signature[0]}/{self.time_signature[1]}",
            "program": self.program,
        } | self.meter_summary()

    def meter_summary(self) -> dict:
        """``meter_changes`` (every time-signature event with the bar number it starts) and ``pickup_ticks``,
        for a melody whose bars are more than one meter from tick 0; else nothing."""
        if not self.meters:
            return {}
        meter_map = self.meter_map
        return {"meter_changes": meter_map.changes(), "pickup_ticks": meter_map.pickup}
