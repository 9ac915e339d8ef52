"""An editable melody: notes with stable ids, a selection, a clipboard and undoable changes.

Why ids: the editor moves, resizes and deletes *particular* notes, and undo must bring
back exactly those notes; ``Note`` is an immutable value, so the document maps an integer
id to the note's current value. Every edit is a :class:`Change` (the values of some ids
before and after, ``None`` meaning "absent"), so undo is applying ``before`` and redo is
applying ``after``. ``plan_*`` methods compute a change without applying it; the Qt undo
commands (``ui/commands.py``) apply them. Listeners are plain callables, so the document
is testable without Qt and the piano roll, velocity lane and player all stay in sync.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ..music.melody import Melody, Note, checked_time_signature
from ..music.meter import MeterMap, meter_label

NOTES, SELECTION, META, CHORDS = "notes", "selection", "meta", "chords"


@dataclass
class Change:
    """What an edit does: the values of some note ids before and after (None = no such note)."""

    before: dict[int, Note | None] = field(default_factory=dict)
    after: dict[int, Note | None] = field(default_factory=dict)
    label: str = "Edit"
    select_after: set[int] | None = None  # selection once applied (None: keep what still exists)

    @property
    def empty(self) -> bool:
        return self.before == self.after

    def merged(self, later: Change) -> Change:
        """This change followed by ``later`` as one step (for one-undo-step drags and wheels)."""
        before = dict(later.before)
        before.update(self.before)
        after = dict(self.after)
        after.update(later.after)
        return Change(before, after, self.label, later.select_after)


HUMANIZE_TICKS = 24  # at amount 1: up to a 20th of a beat early or late (25 ms at 120 BPM)
HUMANIZE_VELOCITY = 20
# the whole melody's settings, saved in its file; ``meters``: its time-signature events (``Melody.meters``)
SONG_PROPERTIES = ("qpm", "time_signature", "program", "meters")


@dataclass
class PropertyChange:
    """The melody's tempo, meter or instrument before and after (only the ones that change)."""

    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    label: str = "Song settings"

    @property
    def empty(self) -> bool:
        return self.before == self.after

    def merged(self, later: PropertyChange) -> PropertyChange:
        """This change and then ``later`` as one step (a BPM box stepped up several times)."""
        return PropertyChange({**later.before, **self.before}, {**self.after, **later.after}, self.label)


@dataclass
class BarsChange:
    """Bars put in or taken out: the notes, chosen chords and meter map that move with them, one undo step."""

    notes: Change
    chords: ChordChange
    meter: PropertyChange
    label: str

    @property
    def empty(self) -> bool:
        return self.notes.empty and self.chords.empty and self.meter.empty


@dataclass
class ChordChange:
    """The chords a user chose for some half bars, before and after (None = the Band's own chord)."""

    before: dict[int, str | None] = field(default_factory=dict)
    after: dict[int, str | None] = field(default_factory=dict)
    label: str = "Set chord"

    @property
    def empty(self) -> bool:
        return self.before == self.after


def _clamp_velocity(v: int) -> int:
    return max(1, min(127, int(v)))


class NoteDocument:
    """The melody being edited. Read ``notes`` (id -> Note); change it only via :meth:`apply`."""

    def __init__(self, melody: Melody | None = None) -> None:
        self.notes: dict[int, Note] = {}
        self.selection: set[int] = set()
        self.clipboard: list[Note] = []  # copied notes, shifted so the earliest starts at tick 0
        self.chords: dict[int, str] = {}  # chords the user chose for the Band: half-bar start -> symbol
        self.qpm, self.time_signature, self.program, self.name = 120.0, (4, 4), 0, "Melody"
        self.meters: tuple = ()  # time-signature events when the bars are more than one meter (Melody.meters)
        self._meter_map: tuple | None = None  # (key, MeterMap) cached for painting
        self._ids = itertools.count(1)
        self._listeners: list[Callable[[str], None]] = []
        self.version = 0  # bumped on every notification: views cache what they drew per version
        self._index: tuple | None = None
        self.load(melody or Melody())

    # --- notifications -----------------------------------------------------------------
    def subscribe(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(kind)`` after every change; kind is "notes", "selection" or "meta"."""
        self._listeners.append(callback)

    def _notify(self, kind: str) -> None:
        self.version += 1
        for cb in list(self._listeners):
            cb(kind)

    # --- whole-melody I/O --------------------------------------------------------------
    def load(self, melody: Melody) -> None:
        """Replace everything by ``melody`` (a new file, a generated melody, a restore)."""
        self.notes = {next(self._ids): n for n in melody.notes}
        self.selection = set()
        self.qpm, self.time_signature = melody.qpm, tuple(melody.time_signature)
        self.meters = melody.meter_map.events if melody.meters else ()
        self.program, self.name = melody.program, melody.name
        self.chords = dict(melody.chords)
        self._index = None
        self._notify(META)
        self._notify(NOTES)
        self._notify(CHORDS)

    def to_melody(self, ids: Iterable[int] | None = None) -> Melody:
        """The document (or only ``ids``) as a :class:`Melody` with this document's metadata."""
        notes = self.notes.values() if ids is None else [self.notes[i] for i in ids if i in self.notes]
        return Melody(list(notes), self.qpm, tuple(self.time_signature), self.program, self.name, dict(self.chords),
                      self.meter_map.events if self.meters else ())

    @property
    def meter_map(self) -> MeterMap:
        """The bars (``music.meter.MeterMap``): ``meters``' events, or ``time_signature`` from tick 0."""
        key = (tuple(self.time_signature), self.meters)
        if self._meter_map is None or self._meter_map[0] != key:
            bars = Melody(time_signature=tuple(self.time_signature))
            bars.meters = self.meters  # set after construction: ``time_signature`` is the first full bar's
            self._meter_map = (key, bars.meter_map)
        return self._meter_map[1]

    @property
    def ticks_per_bar(self) -> int:
        """The length of the melody's first full bar (``meter_map`` has every bar's)."""
        return Melody(time_signature=self.time_signature).ticks_per_bar

    @property
    def chord_slot_ticks(self) -> int:
        """Where the Band may change chord in the first full bar (half bars of four beats, whole bars of three)."""
        return Melody(time_signature=self.time_signature).chord_slot_ticks

    @property
    def end_tick(self) -> int:
        return max((n.end for n in self.notes.values()), default=0)

    # --- applying changes ----------------------------------------------------------------
    def apply(self, values: dict[int, Note | None], select: set[int] | None = None) -> None:
        """Set each id to its value (None removes it); the one primitive every edit goes through."""
        for nid, note in values.items():
            if note is None:
                self.notes.pop(nid, None)
            else:
                self.notes[nid] = note
        self._index = None
        sel = (set(select) if select is not None else self.selection) & self.notes.keys()
        sel_changed = sel != self.selection
        self.selection = sel
        self._notify(NOTES)
        if sel_changed:
            self._notify(SELECTION)

    def apply_chords(self, values: dict[int, str | None]) -> None:
        """Set the chosen chord of each half bar (None: leave it to the Band's harmoniser)."""
        for tick, symbol in values.items():
            if symbol is None:
                self.chords.pop(tick, None)
            else:
                self.chords[tick] = symbol
        self._notify(CHORDS)

    def plan_properties(self, label: str | None = None, **values) -> PropertyChange:
        """Set ``qpm``, ``time_signature`` and/or ``program``; notes keep their ticks (a meter change regroups
        them into new bars, as a DAW does). Out-of-range values are clamped or refused here, not by the caller."""
        unknown = set(values) - set(SONG_PROPERTIES)
        if unknown:
            raise ValueError(f"not a song setting: {', '.join(sorted(unknown))}")
        if "qpm" in values:
            values["qpm"] = round(min(400.0, max(20.0, float(values["qpm"]))), 2)
        if "program" in values:
            values["program"] = max(0, min(127, int(values["program"])))
        if "time_signature" in values:
            values["time_signature"] = checked_time_signature(*values["time_signature"])
            if self.meters and "meters" not in values:  # the first full bar's meter: later changes keep their bars
                new_map = self.meter_map.with_main(values["time_signature"])
                values["meters"] = () if new_map.is_uniform else new_map.events
        if "meters" in values:
            values["meters"] = tuple(values["meters"])
        before = {k: getattr(self, k) for k in values if getattr(self, k) != values[k]}
        return PropertyChange(before, {k: values[k] for k in before}, label or _property_label(values))

    def apply_properties(self, values: dict) -> None:
        for key, value in values.items():
            setattr(self, key, tuple(value) if key in ("time_signature", "meters") else value)
        self._notify(META)

    def _meter_change(self, new_map: MeterMap, label: str) -> PropertyChange:
        after = {"time_signature": new_map.main, "meters": () if new_map.is_uniform else new_map.events}
        before = {"time_signature": tuple(self.time_signature), "meters": self.meters}
        changed = {k for k in after if after[k] != before[k]}
        return PropertyChange({k: before[k] for k in changed}, {k: after[k] for k in changed}, label)

    def plan_meter(self, index: int, time_signature) -> PropertyChange:
        """Bar ``index`` (0-based) and those after it in ``time_signature``, up to the next meter change, which
        keeps its bar number; notes keep their ticks. Refused (ValueError) for a meter no melody can have."""
        meter = checked_time_signature(*time_signature)
        meter_map = self.meter_map
        return self._meter_change(meter_map.with_meter(index, meter),
                                  f"Meter {meter_label(meter)} from bar {meter_map.number(index)}")

    def plan_remove_meter(self, index: int) -> PropertyChange:
        """The meter change at bar ``index`` taken away (ValueError where there is none)."""
        meter_map = self.meter_map
        return self._meter_change(meter_map.without_change(index),
                                  f"Remove the meter change at bar {meter_map.number(index)}")

    def plan_insert_bars(self, index: int, count: int = 1) -> BarsChange:
        """``count`` empty bars of bar ``index``'s meter before it: later notes, chosen chords and meter changes
        move on by their length."""
        meter_map = self.meter_map
        new_map, at, length = meter_map.with_bars_inserted(index, count)
        moved = {i: n.moved(dt=length) for i, n in self.notes.items() if n.start >= at}
        label = f"Insert {count} bar{'s' * (count != 1)} before bar {meter_map.number(index)}"
        chords = {t: c for t, c in self.chords.items() if t >= at}
        return BarsChange(self.plan_update(moved, label), self._moved_chords(chords, length, label),
                          self._meter_change(new_map, label), label)

    def plan_delete_bars(self, index: int, count: int = 1) -> BarsChange:
        """Bars ``index`` to ``index + count - 1`` taken out with their notes and chosen chords (a note running
        into them ends where they began); what comes after moves back."""
        meter_map = self.meter_map
        new_map, a, removed = meter_map.with_bars_deleted(index, count)
        b = a + removed
        first, last = meter_map.number(index), meter_map.number(index + count - 1)
        label = f"Delete bar {first}" if count == 1 else f"Delete bars {first}–{last}"
        before, after = {}, {}
        for i, n in self.notes.items():
            if a <= n.start < b:
                before[i], after[i] = n, None
            elif n.start >= b:
                before[i], after[i] = n, n.moved(dt=-removed)
            elif n.end > a:
                before[i], after[i] = n, replace(n, end=a)
        notes = Change(before, after, label, self.selection - {i for i, n in after.items() if n is None})
        gone = {t: c for t, c in self.chords.items() if a <= t < b}
        chords = self._moved_chords({t: c for t, c in self.chords.items() if t >= b}, -removed, label)
        chords.before.update(gone)
        for t in gone:
            chords.after.setdefault(t, None)
        return BarsChange(notes, chords, self._meter_change(new_map, label), label)

    def _moved_chords(self, chords: dict[int, str], dt: int, label: str) -> ChordChange:
        """``chords`` (some of the chosen ones) moved by ``dt`` ticks, as a change of every slot involved."""
        after: dict[int, str | None] = dict.fromkeys(chords)
        after.update({t + dt: c for t, c in chords.items()})
        return ChordChange({t: self.chords.get(t) for t in after}, after, label)

    def apply_bars(self, change: BarsChange, undo: bool = False) -> None:
        """Apply a :class:`BarsChange` (``undo``: go back to before it)."""
        if undo:
            self.apply_chords(change.chords.before)
            self.apply_properties(change.meter.before)
            self.undo(change.notes)
        else:
            self.apply_properties(change.meter.after)
            self.apply_chords(change.chords.after)
            self.redo(change.notes)

    def plan_chord(self, start: int, end: int, symbol: str | None, label: str | None = None) -> ChordChange:
        """Choose ``symbol`` (None: the fitted chord) for every chord slot (half bar) starting in ``[start, end)``."""
        ticks = [a for a, _ in self.meter_map.chord_slots(start, end)]
        return ChordChange({t: self.chords.get(t) for t in ticks}, {t: symbol for t in ticks},
                           label or (f"Chord {symbol}" if symbol else "Fitted chord"))

    def plan_transposed_chords(self, semitones: int, transpose: Callable[[str, int], str]) -> ChordChange:
        """Every chosen chord moved by ``semitones`` (``transpose`` renames one symbol: the Band's own
        ``lofi.chord_symbols.transpose_symbol``; the document stays free of chord theory)."""
        return ChordChange(dict(self.chords), {t: transpose(c, semitones) for t, c in self.chords.items()},
                           "Transpose chords")

    def plan_chords_for_meter(self, time_signature: tuple[int, int]) -> ChordChange:
        """The chosen chords moved onto the chord slots of another meter (4/4 has half bars, 3/4 whole
        ones): each to the start of the slot it falls in, the earlier chord winning a shared slot, so
        no choice silently stops sounding."""
        return self.plan_chords_for_map(self.meter_map.with_main(checked_time_signature(*time_signature)))

    def plan_chords_for_map(self, meter_map: MeterMap) -> ChordChange:
        """The chosen chords moved onto the chord slots of the bars of ``meter_map`` (a meter changed at a bar)."""
        moved: dict[int, str] = {}
        for tick, symbol in sorted(self.chords.items()):
            moved.setdefault(meter_map.chord_slot(tick)[0], symbol)
        ticks = set(self.chords) | set(moved)
        return ChordChange({t: self.chords.get(t) for t in ticks}, {t: moved.get(t) for t in ticks},
                           "Chords on the new bars")

    def plan_clear_chords(self) -> ChordChange:
        return ChordChange(dict(self.chords), dict.fromkeys(self.chords), "Fitted chords everywhere")

    def redo(self, change: Change) -> None:
        self.apply(change.after, change.select_after)

    def undo(self, change: Change) -> None:
        self.apply(change.before, {i for i, n in change.before.items() if n is not None})

    # --- queries ---------------------------------------------------------------------------
    def _sorted(self) -> tuple[list[int], list[int], int, int, int]:
        """(starts, ids, longest duration, lowest, highest pitch) sorted by start: the range index."""
        if self._index is None:
            order = sorted(self.notes.items(), key=lambda kv: (kv[1].start, kv[1].pitch, kv[0]))
            longest = max((n.end - n.start for _, n in order), default=0)
            pitches = [n.pitch for _, n in order] or [0]
            self._index = ([n.start for _, n in order], [i for i, _ in order], longest, min(pitches),
                           max(pitches))
        return self._index

    def ids_in_range(self, t0: float, t1: float, p0: int = 0, p1: int = 127) -> list[int]:
        """Ids of notes overlapping ticks ``[t0, t1)`` with pitch in ``[p0, p1]``, in start order.

        Uses a bisect on the sorted starts, so drawing a screenful of a 5,000-note melody
        touches only the notes near the view.
        """
        starts, ids, longest, low, high = self._sorted()
        lo = bisect.bisect_left(starts, t0 - longest)
        hi = bisect.bisect_left(starts, t1)
        if hi == len(starts) and starts and t0 <= starts[0] and p0 <= low and p1 >= high:
            return list(ids)  # everything is in range (a zoomed-out view): skip the per-note test
        notes = self.notes
        out = []
        for k in range(lo, hi):
            n = notes[ids[k]]
            if n.end > t0 and p0 <= n.pitch <= p1:
                out.append(ids[k])
        return out

    def note_at(self, tick: float, pitch: int) -> int | None:
        """The id of the note covering ``tick`` at ``pitch`` (the latest-starting one), or None."""
        hits = self.ids_in_range(tick, tick + 1e-9, pitch, pitch)
        return hits[-1] if hits else None

    # --- selection ---------------------------------------------------------------------------
    def select(self, ids: Iterable[int], add: bool = False, toggle: bool = False) -> None:
        ids = set(ids) & self.notes.keys()
        if toggle:
            sel = self.selection ^ ids
        elif add:
            sel = self.selection | ids
        else:
            sel = ids
        if sel != self.selection:
            self.selection = sel
            self._notify(SELECTION)

    def select_all(self) -> None:
        self.select(self.notes.keys())

    def clear_selection(self) -> None:
        self.select(())

    def selected_notes(self) -> list[Note]:
        return sorted(self.notes[i] for i in self.selection)

    # --- planning edits (pure: they return a Change, the caller applies it) --------------------
    def plan_add(self, notes: Iterable[Note], label: str = "Add note") -> Change:
        after = {next(self._ids): n for n in notes}
        return Change({i: None for i in after}, after, label, set(after))

    def plan_delete(self, ids: Iterable[int], label: str = "Delete notes") -> Change:
        ids = [i for i in ids if i in self.notes]
        return Change({i: self.notes[i] for i in ids}, dict.fromkeys(ids), label, self.selection - set(ids))

    def plan_replace(self, ids: Iterable[int], notes: Iterable[Note], label: str) -> Change:
        """Delete ``ids`` and add ``notes`` as one edit (a recorded take over notes); the new notes selected."""
        gone, new = self.plan_delete(ids, label), self.plan_add(notes, label)
        return Change({**gone.before, **new.before}, {**gone.after, **new.after}, label, set(new.after))

    def plan_update(self, new: dict[int, Note], label: str) -> Change:
        before = {i: self.notes[i] for i in new if i in self.notes}
        return Change(before, {i: new[i] for i in before}, label, None)

    def plan_move(self, ids: Iterable[int], dt: int = 0, dp: int = 0, label: str = "Move notes") -> Change:
        """Move notes by ``dt`` ticks and ``dp`` semitones, limited so none leaves the roll."""
        notes = [self.notes[i] for i in ids if i in self.notes]
        if not notes:
            return Change(label=label)
        dt = max(dt, -min(n.start for n in notes))
        dp = max(min(dp, 127 - max(n.pitch for n in notes)), -min(n.pitch for n in notes))
        return self.plan_update({i: self.notes[i].moved(dt, dp) for i in ids if i in self.notes}, label)

    def plan_resize(self, ids: Iterable[int], dend: int, min_len: int = 1, label: str = "Resize notes") -> Change:
        """Move the notes' ends by ``dend`` ticks; each keeps at least ``min_len`` ticks."""
        new = {}
        for i in ids:
            if i in self.notes:
                n = self.notes[i]
                new[i] = replace(n, end=max(n.start + max(1, min(min_len, n.duration)), n.end + dend))
        return self.plan_update(new, label)

    def plan_velocity(self, ids: Iterable[int], delta: int = 0, value: int | None = None,
                      label: str = "Change velocity") -> Change:
        new = {}
        for i in ids:
            if i in self.notes:
                n = self.notes[i]
                new[i] = replace(n, velocity=_clamp_velocity(value if value is not None else n.velocity + delta))
        return self.plan_update(new, label)

    def plan_quantize(self, ids: Iterable[int], grid: int, label: str = "Quantize") -> Change:
        """Snap starts and ends to ``grid``; every note keeps at least one grid cell."""
        new = {}
        for i in ids:
            if i in self.notes:
                n = self.notes[i]
                start = int(round(n.start / grid)) * grid
                end = max(start + grid, int(round(n.end / grid)) * grid)
                new[i] = replace(n, start=start, end=end)
        return self.plan_update(new, label)

    def plan_snap_to_scale(self, ids: Iterable[int], key: int, scale: str, label: str = "Snap to scale") -> Change:
        """Move every note of ``ids`` outside ``key``'s ``scale`` to its nearest scale tone (a wrong key struck
        while recording); ties go towards the note before it. Notes in the scale stay."""
        from .scales import nearest_in_scale

        chosen = set(ids)
        new, before = {}, None
        for i, n in sorted(self.notes.items(), key=lambda item: (item[1].start, item[1].pitch)):
            if i in chosen:
                pitch = nearest_in_scale(n.pitch, key, scale, toward=before)
                if pitch != n.pitch:
                    new[i] = replace(n, pitch=pitch)
                before = pitch  # the line as it will be
            else:
                before = n.pitch
        return self.plan_update(new, label)

    def plan_humanize(self, ids: Iterable[int], amount: float = 0.5, seed: int = 0,
                      label: str = "Humanize") -> Change:
        """Loosen a grid-perfect line as a player would: each note of ``ids`` moves by up to ``amount`` x
        ``HUMANIZE_TICKS`` (keeping its length; never before 0) and its velocity by up to ``amount`` x
        ``HUMANIZE_VELOCITY``, from a seeded generator (the same seed, the same result)."""
        import random

        rng = random.Random(seed)
        amount = min(1.0, max(0.0, float(amount)))
        reach, swing = round(HUMANIZE_TICKS * amount), round(HUMANIZE_VELOCITY * amount)
        new = {}
        for i in sorted(i for i in ids if i in self.notes):
            n = self.notes[i]
            dt = max(-n.start, rng.randint(-reach, reach))
            velocity = min(127, max(1, n.velocity + rng.randint(-swing, swing)))
            new[i] = replace(n.moved(dt=dt), velocity=velocity)
        return self.plan_update(new, label)

    def copy(self, ids: Iterable[int] | None = None) -> int:
        """Put the notes (default: the selection) on the clipboard; returns how many."""
        notes = sorted(self.notes[i] for i in (self.selection if ids is None else ids) if i in self.notes)
        if notes:
            t0 = notes[0].start
            self.clipboard = [n.moved(dt=-t0) for n in notes]
        return len(notes)

    def plan_paste(self, at_tick: int, label: str = "Paste") -> Change:
        """Clipboard notes placed so the earliest starts at ``at_tick`` (the pasted notes get selected)."""
        return self.plan_add((n.moved(dt=max(0, at_tick)) for n in self.clipboard), label)

    def plan_duplicate(self, ids: Iterable[int] | None = None, grid: int = 1, label: str = "Duplicate") -> Change:
        """Copies of the notes right after them (at the next ``grid`` line after their end)."""
        notes = sorted(self.notes[i] for i in (self.selection if ids is None else ids) if i in self.notes)
        if not notes:
            return Change(label=label)
        span_start, span_end = notes[0].start, max(n.end for n in notes)
        offset = -(-(span_end - span_start) // grid) * grid
        return self.plan_add((n.moved(dt=offset) for n in notes), label)


def _property_label(values: dict) -> str:
    """The undo step's name: "Tempo 90 BPM", "Meter 3/4", "Instrument 73"."""
    parts = []
    if "qpm" in values:
        parts.append(f"Tempo {values['qpm']:g} BPM")
    if "time_signature" in values:
        parts.append("Meter {}/{}".format(*values["time_signature"]))
    elif "meters" in values:
        parts.append("Meter changes")
    if "program" in values:
        parts.append(f"Instrument {values['program']}")
    return ", ".join(parts) or "Song settings"
