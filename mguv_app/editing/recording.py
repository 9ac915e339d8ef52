"""Recording a take: notes played on a MIDI or computer keyboard while the player runs, as notes.

Qt-free and clock-free: the caller stamps every key press and release with the player's position
(``Player.position_ticks``, the tick leaving the speaker, i.e. what the player was hearing when they
pressed), so a take lines up with the music as heard, not with a timer. The window's recorder
(``ui/recording_link.py``) and the tests drive the same :class:`Take`.

Input quantize: with a grid, each note's start snaps to the nearest grid line and its length to whole
grid steps (at least one), as DAWs' "record quantize" does; without one, notes keep the ticks played.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..music.melody import Note
from .grid import snap_nearest

MIN_TICKS = 30  # an unquantized note is at least a 64th (a key tapped and let go at once still counts)

# musical typing: the computer keyboard as a piano, two rows as in DAWs (A is C, W is C#, … K is the
# next C); Z and X move the octave down and up, C and V the velocity
TYPING_KEYS = {"a": 0, "w": 1, "s": 2, "e": 3, "d": 4, "f": 5, "t": 6, "g": 7, "y": 8, "h": 9, "u": 10,
               "j": 11, "k": 12, "o": 13, "l": 14, "p": 15, ";": 16, "'": 17}
OCTAVE_DOWN, OCTAVE_UP, SOFTER, LOUDER = "z", "x", "c", "v"


@dataclass
class MusicalTyping:
    """The computer keyboard's piano: which MIDI pitch a typed key plays, and its octave and velocity."""

    octave: int = 5  # A plays C5 (MIDI 60, middle C)
    velocity: int = 100

    def pitch(self, key: str) -> int | None:
        offset = TYPING_KEYS.get(key.lower())
        if offset is None:
            return None
        pitch = 12 * self.octave + offset
        return pitch if 0 <= pitch <= 127 else None

    def command(self, key: str) -> str | None:
        """Z/X/C/V change the octave or velocity: the change in words, or None for another key."""
        key = key.lower()
        if key in (OCTAVE_DOWN, OCTAVE_UP):
            self.octave = min(9, max(1, self.octave + (1 if key == OCTAVE_UP else -1)))
            return f"Keyboard octave: A plays C{self.octave - 1}"
        if key in (SOFTER, LOUDER):
            self.velocity = min(127, max(1, self.velocity + (20 if key == LOUDER else -20)))
            return f"Keyboard velocity: {self.velocity}"
        return None


@dataclass
class Take:
    """One recording pass. ``start``: where it began (earlier presses snap to it if they are within half
    a grid step, else are dropped as count-in noise); ``grid``: input-quantize step in ticks, or None;
    ``loop``: the ``(start, end)`` ticks the player repeats, so a note held across the wrap ends at the
    loop's end instead of before it began."""

    start: int
    grid: int | None = None
    loop: tuple[int, int] | None = None
    _held: dict[int, tuple[int, int]] = field(default_factory=dict)  # pitch -> (tick, velocity)
    _notes: list[Note] = field(default_factory=list)
    _pedal: bool = False
    _sustained: set[int] = field(default_factory=set)  # released keys the sustain pedal still holds

    def note_on(self, tick: int, pitch: int, velocity: int = 100) -> None:
        if pitch in self._held:  # a retrigger without a release between, or a key the pedal holds
            self._release(tick, pitch)
        self._held[pitch] = (int(tick), min(127, max(1, int(velocity))))

    def note_off(self, tick: int, pitch: int) -> None:
        if self._pedal and pitch in self._held:
            self._sustained.add(pitch)
        else:
            self._release(tick, pitch)

    def key(self, tick: int, kind: str, pitch: int, velocity: int) -> None:
        """One key event as a keyboard's port delivers it (``audio.midi_input.KeyEvent``): "on", "off" or
        "pedal" (velocity above 0: down)."""
        if kind == "on":
            self.note_on(tick, pitch, velocity)
        elif kind == "off":
            self.note_off(tick, pitch)
        else:
            self.pedal(tick, velocity > 0)

    def pedal(self, tick: int, down: bool) -> None:
        """The sustain pedal: while it is down, released keys sound on until it comes up."""
        self._pedal = bool(down)
        if not down:
            for pitch in sorted(self._sustained):
                self._release(tick, pitch)

    def _release(self, tick: int, pitch: int) -> None:
        self._sustained.discard(pitch)
        held = self._held.pop(pitch, None)
        if held is None:
            return
        note = self._note(held[0], int(tick), pitch, held[1])
        if note is not None:
            self._notes.append(note)

    def finish(self, tick: int) -> list[Note]:
        """End the take at ``tick``: keys still down are released there. The take's notes, by start."""
        self._pedal = False
        for pitch in list(self._held):
            self._release(tick, pitch)
        return self.notes

    @property
    def notes(self) -> list[Note]:
        return sorted(self._notes, key=lambda n: (n.start, n.pitch))

    def preview(self, tick: int) -> list[Note]:
        """The take so far, keys still down drawn up to ``tick`` (for the roll while recording)."""
        held = [self._note(on, max(int(tick), on + 1), pitch, vel) for pitch, (on, vel) in self._held.items()]
        return self.notes + [n for n in held if n is not None]

    @property
    def held(self) -> set[int]:
        return set(self._held)

    def _note(self, on: int, off: int, pitch: int, velocity: int) -> Note | None:
        if self.loop and off < on:  # held across the loop's wrap
            off = self.loop[1]
        grid = self.grid
        if on < self.start:
            if self.start - on > (grid or MIN_TICKS) / 2:
                return None  # played during the count-in
            off += self.start - on
            on = self.start
        if grid:
            start = snap_nearest(on, grid)
            length = max(grid, snap_nearest(off - on, grid))
        else:
            start, length = on, max(MIN_TICKS, off - on)
        if start < 0:
            return None
        return Note(start, start + length, pitch, velocity)


def merge_take(existing: list[Note], take: list[Note],
               replace_span: tuple[int, int] | None = None) -> tuple[list[Note], list[Note]]:
    """What placing a take changes: ``(notes to remove, notes to add)``. Overdub (the default) adds the take
    to what is there, leaving out exact copies of notes already there; ``replace_span`` (the ticks the
    take was recorded over) also removes the notes that start inside it, as a DAW's replace mode does."""
    remove: list[Note] = []
    if replace_span is not None:
        lo, hi = replace_span
        remove = [n for n in existing if lo <= n.start < hi]
    kept = {(n.start, n.end, n.pitch) for n in existing if n not in remove}
    add = [n for n in take if (n.start, n.end, n.pitch) not in kept]
    return remove, add
