"""A backing band for any melody: chords fitted to it, bass and drums, as extra MIDI tracks.

Why here: the Endless mode's arranger (``harmony.choose_chords`` and ``band.arrange``) already
fits chords to a model phrase. The piano roll's melody gets the same treatment at its own tempo,
straight (or swung if asked), with any chords the user chose kept (``Melody.chords``: the piano
roll's chord strip, ``mguv backing --chord``), and is itself left exactly as written, so "File → Export with
Backing Band" hands a DAW four tracks to start from: Melody, Chords, Bass, Drums (channel 10).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..fileio import atomic_write
from ..music.melody import TICKS_PER_QUARTER, Melody, Note
from ..music.meter import MeterMap
from ..music.midi_write import melody_to_midi_bytes
from .band import METER_GROOVES, BandStyle, arrange
from .chord_symbols import ChordSymbolError, parse_chord
from .harmony import COMPOUND, Chord, ChordSlot, Key, choose_chords, estimate_key

TEMPO_RANGE = (20.0, 400.0)
# who plays: (chords, bass) as General MIDI programs (0-based), then the GM drum kit (bank 128);
# a SoundFont without that kit plays the standard one
SOUNDS: dict[str, tuple[int, int, int]] = {
    "Electric piano": (4, 33, 0),  # Electric Piano 1, Fingered Bass, Standard kit
    "Piano": (0, 32, 40),  # Acoustic Grand Piano, Acoustic Bass, Brush kit: a jazz trio
    "Guitar": (24, 32, 40),  # Nylon Guitar, Acoustic Bass, Brush kit
    "Organ": (16, 33, 32),  # Drawbar Organ, Fingered Bass, Jazz kit
    "Strings": (48, 32, 40),  # String Ensemble 1, Acoustic Bass, Brush kit
    "Synth": (89, 38, 24),  # Pad 2 (warm), Synth Bass 1, Electronic kit
}
DEFAULT_SOUND = "Electric piano"


@dataclass
class Backing:
    key: Key
    slots: list[ChordSlot]
    tracks: list[tuple[Melody, bool]]  # (part, is_drum): Melody, Chords, Bass, Drums
    chosen: frozenset[int] = frozenset()  # half-bar starts whose chord the user chose (``Melody.chords``)

    def chord_spans(self) -> list[tuple[int, int, str, bool]]:
        """``(start, end, name, chosen)`` in ticks, one per chord change (what the piano roll's ruler
        shows); ``chosen``: the user picked this chord rather than the harmoniser."""
        spans: list[tuple[int, int, str, bool]] = []
        for s in self.slots:
            name, chosen = s.chord.spelled(self.key), s.start in self.chosen
            if spans and spans[-1][2] == name and spans[-1][1] == s.start and spans[-1][3] == chosen:
                spans[-1] = (spans[-1][0], s.end, name, chosen)
            else:
                spans.append((s.start, s.end, name, chosen))
        return spans

    def chord_names(self) -> list[str]:
        """One name per chord change."""
        return [span[2] for span in self.chord_spans()]

    def describe(self, limit: int) -> str:
        """ "A minor, Am9 Dm7 …": the key and the first ``limit`` chord changes, for a status line."""
        chords = self.chord_names()
        return f"{self.key}, " + " ".join(chords[:limit]) + (" …" if len(chords) > limit else "")

    def midi_bytes(self) -> bytes:
        return melody_to_midi_bytes(self.tracks[0][0], extra_tracks=self.tracks[1:])


def user_chords(melody: Melody, key: Key) -> dict[int, Chord]:
    """``melody.chords`` that the Band can play: symbols it reads, on chord-slot starts (others are ignored,
    so a hand-edited marker in a file cannot stop the band)."""
    meter_map = melody.meter_map
    out = {}
    for tick, symbol in melody.chords.items():
        if tick >= 0 and meter_map.chord_slot(tick)[0] == tick:
            try:
                out[int(tick)] = parse_chord(symbol, key)
            except ChordSymbolError:
                continue
    return out


def chord_fit(melody: Melody, chords: dict[int, str]) -> float:
    """How well ``melody`` sits over ``chords`` (slot start -> symbol): the harmoniser's own fit measure
    (chord tones +1, 9ths +0.4, other scale notes -0.3, notes outside the key -0.6, weighted by length and
    beat) averaged over the chosen slots the melody reaches. Generate ranks its candidates by it."""
    from .harmony import fit_matrix

    song = melody.copy()
    song.chords = dict(chords)
    key = estimate_key(melody.notes) if melody.notes else Key(0, "major")
    fixed = {t: c for t, c in user_chords(song, key).items() if t < melody.end_tick}
    if not fixed:
        return 0.0
    meter_map = melody.meter_map
    scores = fit_matrix(melody, key, [meter_map.chord_slot(t) for t in fixed], list(fixed.values()))
    return float(np.mean(np.diag(scores)))


def backing_for(melody: Melody, seed: int = 0, swing: float = 0.5, sound: str = DEFAULT_SOUND) -> Backing:
    """Chords, bass and drums for ``melody`` (in a meter of ``band.METER_GROOVES``), over the whole bars it spans
    (or as its chosen chords reach); the chords the user chose (``melody.chords``) are kept.
    ``sound`` names who plays the chords and bass (:data:`SOUNDS`). A melody that changes meter gets its
    band bar by bar: each run of bars of one meter is fitted and arranged in that meter (a 2/4 bar in a
    waltz gets a march bar), and the band rests in a pickup and in bars of a meter it does not play."""
    if not melody.notes:
        raise ValueError("the melody has no notes to accompany")
    if tuple(melody.time_signature) not in METER_GROOVES:  # the grooves the band knows
        num, den = melody.time_signature
        meters = ", ".join(f"{a}/{b}" for a, b in sorted(METER_GROOVES, key=lambda m: (m[1], m[0])))
        raise ValueError(f"a backing band plays {meters}; this melody is in {num}/{den}")
    if sound not in SOUNDS:
        raise ValueError(f"unknown band sound {sound!r}; one of: {', '.join(SOUNDS)}")
    key = estimate_key(melody.notes)
    fixed = user_chords(melody, key)
    rng = np.random.default_rng(seed)
    lead = melody.copy()
    lead.name = "Melody"
    if melody.meters:
        slots, tracks = _band_by_span(melody, key, fixed, rng, swing, sound)
        return Backing(key, slots, [(lead, False), *tracks], frozenset(fixed))
    style = _style(melody, swing, sound)
    tpb = melody.ticks_per_bar
    end = max([n.end for n in melody.notes] + [t + melody.chord_slot_ticks for t in fixed])
    length = max(1, -(-end // tpb)) * tpb
    slots = choose_chords(melody, key, length, None, rng, fixed=fixed)
    parts = arrange(melody, slots, length, style, rng, next_root=key.tonic, fill=True)
    return Backing(key, slots, [(lead, False), (parts.chords, False), (parts.bass, False), (parts.drums, True)],
                   frozenset(fixed))


def _style(melody: Melody, swing: float, sound: str) -> BandStyle:
    """The band's knobs for a melody in one meter: its tempo, straight 8ths where they are the pulse."""
    if tuple(melody.time_signature) in COMPOUND or melody.ticks_per_bar % TICKS_PER_QUARTER:
        swing = 0.5  # 6/8, 12/8: the 8ths are the pulse itself; 7/8: every other bar starts off the beat
    chord_program, bass_program, kit = SOUNDS[sound]
    return BandStyle(bpm=float(np.clip(melody.qpm, *TEMPO_RANGE)), swing=swing, lead_program=melody.program,
                     chord_program=chord_program, bass_program=bass_program, drum_kit=kit, tempo_range=TEMPO_RANGE)


def _band_by_span(melody: Melody, key: Key, fixed: dict[int, Chord], rng: np.random.Generator, swing: float,
                  sound: str) -> tuple[list[ChordSlot], list[tuple[Melody, bool]]]:
    """The band of a melody of several meters: each run of bars of one meter (``Melody.meter_spans``) fitted and
    arranged on its own, in its meter, the voicings led on from run to run; the last run ends with the fill."""
    meter_map = melody.meter_map
    end = max([n.end for n in melody.notes] + [meter_map.chord_slot(t)[1] for t in fixed])
    spans = [s for s in meter_map.spans(meter_map.bar_end(end)) if s.full and s.time_signature in METER_GROOVES]
    slots: list[ChordSlot] = []
    notes: dict[str, list[Note]] = {"chords": [], "bass": [], "drums": []}
    voicing = None
    style = _style(melody, swing, sound)
    for k, span in enumerate(spans):
        a, b = span.start_tick, span.end_tick
        part = melody.window(a, b)
        part.set_meter_map(MeterMap.single(span.time_signature))
        part.chords = {}
        here = {t - a: c for t, c in fixed.items() if a <= t < b}
        span_slots = choose_chords(part, key, b - a, None, rng, fixed=here)
        parts = arrange(part, span_slots, b - a, _style(part, swing, sound), rng, voicing, key.tonic,
                        fill=k + 1 == len(spans))
        voicing = parts.voicing_end
        slots += [ChordSlot(s.start + a, s.end + a, s.chord) for s in span_slots]
        for name, got in (("chords", parts.chords), ("bass", parts.bass), ("drums", parts.drums)):
            notes[name] += [n.moved(dt=a) for n in got.notes]

    def track(name: str, program: int) -> Melody:
        out = melody.copy(notes[name.lower()])
        out.program, out.name, out.chords = program, name, {}
        return out

    return slots, [(track("Chords", style.chord_program), False), (track("Bass", style.bass_program), False),
                   (track("Drums", style.drum_kit), True)]


def write_backing_midi(backing: Backing, path: str | os.PathLike) -> None:
    """The four tracks as one MIDI file, written atomically (a temporary file, then a rename)."""
    atomic_write(path, backing.midi_bytes())
