"""Harmony for Lo-Fi mode: the melody's key, chords that fit it, and smooth voicings.

Why this shape: a Lo-Fi backing is only pleasant when the chords agree with the melody
the model just produced, so chords are *chosen* per half bar, not looped. Each candidate
chord (the key's seven diatonic sevenths, plus applied dominants such as E7 -> Am in C major or
the harmonic-minor E7 -> Am in A minor, which explain a melody's chromatic notes) is scored
by how much of the melody in its slot (weighted by
duration and metric position: beats 1 and 3 most) are chord tones, and a Viterbi pass adds
a progression prior (falling fifths as in ii-V-I and vi-ii-V-I, stepwise descents as in
IV-iii-ii-I, a penalty for holding one chord too long, a preference for changing on
barlines; an applied dominant must resolve to its target and costs a little, so it appears
only where the melody asks for it). Voicings sit in a mellow mid register and move by the smallest total distance
from the previous chord, so common tones stay put.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np

from ..editing.scales import KEY_NAMES, best_shift_into
from ..music.melody import TICKS_PER_QUARTER, Melody, Note

# Krumhansl-Kessler key profiles (C major / C minor), index = pitch class above the tonic
KK_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
KK_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)  # natural minor: every chord stays diatonic
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
SHARPS = KEY_NAMES  # the piano roll's names: C C# D D# …
FLATS = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_SHARP_MAJORS, _FLAT_MAJORS = {7, 2, 9, 4, 11, 6}, {5, 10, 3, 8, 1}  # by their key signatures


@dataclass(frozen=True)
class Key:
    tonic: int  # pitch class 0-11
    mode: str  # "major" | "minor"

    @property
    def scale(self) -> tuple[int, ...]:
        return MAJOR_SCALE if self.mode == "major" else MINOR_SCALE

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.tonic + s) % 12 for s in self.scale)

    def spell(self, pc: int) -> str:
        """A pitch class named as this key writes it: C# in D major, Db in Ab major (C major/A minor:
        the usual mix, C# Eb F# Ab Bb)."""
        major = self.tonic if self.mode == "major" else (self.tonic + 3) % 12
        names = SHARPS if major in _SHARP_MAJORS else FLATS if major in _FLAT_MAJORS else NAMES
        return names[pc % 12]

    def __str__(self) -> str:
        return f"{self.spell(self.tonic)} {self.mode}"


def pitch_class_weights(notes) -> np.ndarray:
    w = np.zeros(12)
    for n in notes:
        w[n.pitch % 12] += n.end - n.start
    return w


def key_scores(weights: np.ndarray) -> list[tuple[float, Key]]:
    """Krumhansl-Schmuckler: correlation of the duration profile with each of the 24 rotated profiles."""
    out = []
    for mode, prof in (("major", KK_MAJOR), ("minor", KK_MINOR)):
        for tonic in range(12):
            rotated = np.roll(prof, tonic)
            r = 0.0 if weights.std() < 1e-9 else float(np.corrcoef(weights, rotated)[0, 1])
            out.append((r, Key(tonic, mode)))
    return out


def estimate_key(notes) -> Key:
    """The best-correlating key (C major for an empty melody)."""
    weights = pitch_class_weights(notes)
    if not weights.any():
        return Key(0, "major")
    return max(key_scores(weights), key=lambda s: s[0])[1]


def best_transposition(notes, key: Key, limit: int = 6) -> int:
    """The shift in -5..+6 semitones that puts most of the melody's sounding time into ``key``'s scale
    (ties: the smallest move). Lo-Fi mode moves each new phrase into the session's key this way."""
    return best_shift_into(notes, key.pitch_classes, limit)


# ---------------------------------------------------------------------------------------- chords
@dataclass(frozen=True)
class Chord:
    root: int  # pitch class
    intervals: tuple[int, ...]  # above the root: 3rd, 5th, 7th (and 9th when extended)
    degree: int  # 0-6 in the key: the scale degree of the root
    quality: str  # "maj7", "m7", "7", "m7b5" (+ "9" suffix when it has a 9th)
    target: int | None = None  # an applied dominant (V7 of that degree): the degree it resolves to
    spelling: str | None = field(default=None, compare=False)  # the root as a user typed it (Bb, not A#)
    bass: int | None = None  # a slash chord's bass note (C/E: 4), played under the chord instead of its root
    bass_spelling: str | None = field(default=None, compare=False)  # as typed (the E of C/E)

    @property
    def tones(self) -> frozenset[int]:
        """Chord tones proper: root, third, fifth, seventh (not the 9th)."""
        return frozenset((self.root + i) % 12 for i in (0, *self.intervals[:3]))

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in (0, *self.intervals))

    @property
    def name(self) -> str:
        return NAMES[self.root] + self.quality + ("" if self.bass is None else "/" + NAMES[self.bass])

    def spelled(self, key: Key) -> str:
        """The chord symbol with its root named as ``key`` writes it (C#m7b5 in D major, not Dbm7b5),
        or as the user typed it; a slash chord's bass likewise (D/F#)."""
        over = "" if self.bass is None else "/" + (self.bass_spelling or key.spell(self.bass))
        return (self.spelling or key.spell(self.root)) + self.quality + over


_QUALITY = {(4, 7, 11): "maj7", (3, 7, 10): "m7", (4, 7, 10): "7", (3, 6, 10): "m7b5"}
_TRIAD = {(4, 7): "", (3, 7): "m", (3, 6): "dim"}  # the diatonic triads (chord_suggestions)


def diatonic_seventh(key: Key, degree: int, ninth: bool = False) -> Chord:
    """The seventh chord stacked in thirds on ``degree`` of the key (optionally with its 9th)."""
    sc = key.scale
    root = sc[degree % 7]
    ints = tuple((sc[(degree + k) % 7] - root) % 12 for k in (2, 4, 6))
    quality = _QUALITY.get(ints, "7")
    if ninth:
        nine = (sc[(degree + 1) % 7] - root) % 12
        if nine == 2:  # only a major 9th sounds mellow; a b9 (iii, vii in major) is left out
            ints = (*ints, 14)
            quality = {"maj7": "maj9", "m7": "m9", "7": "9"}.get(quality, quality)
    return Chord((key.tonic + root) % 12, ints, degree % 7, quality)


# degrees an applied dominant may lead to: in major ii, iii, IV, V, vi; in minor i (the harmonic-minor V7),
# iv, v, VI (never a diminished chord)
APPLIED_TARGETS = {"major": (1, 2, 3, 4, 5), "minor": (0, 3, 4, 5)}


def applied_dominant(key: Key, target: int) -> Chord:
    """The dominant seventh a fifth above ``target``'s root (E7 for vi in C major): it brings the
    leading tone of the target, a note outside the key, so it explains a melody's chromatic notes."""
    sc = key.scale
    root_pc = (sc[target % 7] + 7) % 12
    degree = sc.index(root_pc) if root_pc in sc else (target + 4) % 7
    return Chord((key.tonic + root_pc) % 12, (4, 7, 10), degree, "7", target % 7)


def candidate_chords(key: Key, applied: bool = True) -> list[Chord]:
    """The Viterbi's states: the seven diatonic sevenths (index = degree), then (``applied``) the applied
    dominants that are not already diatonic (G7 -> C in major is just V7)."""
    chords = [diatonic_seventh(key, d) for d in range(7)]
    for t in APPLIED_TARGETS[key.mode] if applied else ():
        ch = applied_dominant(key, t)
        if all((c.root, c.intervals) != (ch.root, ch.intervals) for c in chords):
            chords.append(ch)
    return chords


def chord_transition(a: Chord, b: Chord) -> float:
    """Progression prior between two different chords: diatonic moves by ``transition_score``; an applied
    dominant is approached like its root's diatonic chord and must go to its target."""
    if a.target is not None:
        return 1.3 if b.target is None and b.degree == a.target else -1.5
    approach = transition_score(a.degree, b.degree)
    return approach if b.target is None else 0.5 * approach - 0.2


# Progression prior: bonus for moving from degree a to degree b (0 = I / i)
_FALLING_FIFTH = 3  # a -> a+3 scale steps (vi-ii, ii-V, V-I, iii-vi, I-IV)
_STEP_DOWN = 6  # a -> a-1 (IV-iii-ii-I)


def transition_score(a: int, b: int) -> float:
    move = (b - a) % 7
    if move == 0:
        return 0.0
    if move == _FALLING_FIFTH:
        return 1.0 if a != 6 else 0.2  # vii-iii is diatonic but rare
    if move == _STEP_DOWN:
        return 0.6
    if move == 1:  # step up (IV-V, ii-iii)
        return 0.3
    if move == 4:  # rising fifth (I-V, ii-vi)
        return 0.25
    return 0.0


@dataclass(frozen=True)
class ChordSlot:
    start: int  # ticks, phrase-local
    end: int
    chord: Chord


BEAT = TICKS_PER_QUARTER


COMPOUND = {(6, 8), (12, 8)}  # meters whose beat is a dotted quarter


def strong_beats(time_signature, ticks_per_bar: int) -> tuple[int, ...]:
    """Where in a bar the strong beats fall: 1 and 3 of four beats, 1 and the half bar of 6/8 and 12/8,
    1 and 4 of 5/4 (3 + 2); beat 1 alone in 3/4, 2/4 and 7/8."""
    meter = tuple(time_signature)
    if ticks_per_bar == 4 * BEAT or meter in COMPOUND:
        return 0, ticks_per_bar // 2
    return (0, 3 * BEAT) if meter == (5, 4) else (0,)


def metric_weight(tick: int, ticks_per_bar: int, compound: bool = False) -> float:
    """How much a melody note starting at ``tick`` should count: beat 1 most, then 3, 2/4, off-beats
    (in 6/8 and 12/8, ``compound``: the half bar's dotted-quarter beat comes second)."""
    pos = tick % ticks_per_bar
    if pos == 0:
        return 2.0
    if (not compound and pos == 2 * BEAT and ticks_per_bar >= 4 * BEAT) or (compound and pos == ticks_per_bar // 2):
        return 1.6
    if pos % BEAT == 0:
        return 1.0
    return 0.6 if pos % (BEAT // 2) == 0 else 0.4


def fit_matrix(melody: Melody, key: Key, slots: list[tuple[int, int]], chords: list[Chord]) -> np.ndarray:
    """score[slot, chord]: weighted share of the slot's melody that the chord explains.

    Chord tones count +1, the chord's 9th +0.4, other scale notes -0.3 (passing tones are
    fine but should not decide), notes outside the key -0.6.
    """
    tpb = melody.ticks_per_bar
    compound = tuple(melody.time_signature) in COMPOUND
    out = np.zeros((len(slots), len(chords)))
    scale = key.pitch_classes
    for s, (a, b) in enumerate(slots):
        parts = []
        for n in melody.notes:
            lo, hi = max(a, n.start), min(b, n.end)
            if hi <= lo:
                continue
            onset_here = n.start >= a
            w = (hi - lo) / BEAT * (metric_weight(n.start, tpb, compound) if onset_here else 0.7)
            parts.append((n.pitch % 12, w))
        total = sum(w for _, w in parts) or 1.0
        for c, ch in enumerate(chords):
            tones, pcs = ch.tones, set(ch.pitch_classes)
            score = 0.0
            for pc, w in parts:
                if pc in tones:
                    score += w
                elif pc in pcs:
                    score += 0.4 * w
                elif pc in scale:
                    score -= 0.3 * w
                else:
                    score -= 0.6 * w
            out[s, c] = score / total
    return out


def choose_chords(melody: Melody, key: Key, length_ticks: int | None = None, prev_degree: int | None = None,
                  rng: np.random.Generator | None = None, fit_weight: float = 3.0,
                  applied: bool = True, fixed: dict[int, Chord] | None = None) -> list[ChordSlot]:
    """One chord per half bar (merged into whole bars where the same chord holds), fitted to ``melody``;
    one per bar in bars of three beats (3/4).

    Viterbi over half-bar slots; state = (degree, how many slots it has held, capped). A change
    in the middle of a bar costs a little, holding a chord past two bars costs more and more,
    the first slot prefers the tonic (or, after ``prev_degree``, a good move from it) and the
    last bar leans toward a dominant or tonic (a cadence into the next phrase). ``applied=False``
    keeps to the seven diatonic chords (the benchmark's baseline).

    ``fixed`` maps half-bar slot starts (ticks) to the chord a user chose there: those slots get
    exactly that chord (any chord, in the key or not), and the fitted ones around them are chosen to
    lead into and out of it.
    """
    rng = rng or np.random.default_rng(0)
    tpb = melody.ticks_per_bar
    length = length_ticks or max(tpb, melody.num_bars * tpb)
    bars = -(-length // tpb)
    half = melody.chord_slot_ticks  # half a bar of four beats, a whole bar of three (3/4)
    per_bar = tpb // half
    slots = [(b * tpb + h * half, b * tpb + (h + 1) * half) for b in range(bars) for h in range(per_bar)]
    states = candidate_chords(key, applied)
    n_fitted = len(states)
    fixed = {a: fixed[a] for a, _ in slots if fixed and a in fixed}
    for ch in fixed.values():  # a user's chords are extra states, allowed only in their own slots
        if ch not in states:
            states.append(ch)
    fit = fit_matrix(melody, key, slots, states)
    # the 9th (where diatonic-major) as a tie-breaker: fit again with 9ths included
    fit9 = fit_matrix(melody, key, slots, [diatonic_seventh(key, d, True) for d in range(7)])
    n_slots, n_states, max_run = len(slots), len(states), 8
    neg = -1e9
    tonic_deg = 0
    trans = np.array([[chord_transition(a, b) if i != j else neg for j, b in enumerate(states)]
                      for i, a in enumerate(states)])
    cost = np.array([0.4 if c.degree == 6 and c.target is None else (0.5 if c.target is not None else 0.0)
                     for c in states[:n_fitted]] + [0.0] * (len(states) - n_fitted))
    # (the half-diminished vii and applied dominants: colour, used sparingly)
    allowed = np.zeros((n_slots, n_states), dtype=bool)
    for s, (a, _) in enumerate(slots):
        if a in fixed:
            allowed[s, states.index(fixed[a])] = True
        else:
            allowed[s, :n_fitted] = True
    score = np.full((n_slots, n_states, max_run), neg)
    back = np.zeros((n_slots, n_states, max_run, 2), dtype=np.int64)
    for d, ch in enumerate(states):
        if prev_degree is None:  # open on the tonic (or, in major, its relative minor)
            start_bonus = 0.8 if d == tonic_deg else (0.4 if d == 5 and key.mode == "major" else 0.0)
        else:  # carry on from the previous phrase's last chord
            start_bonus = -0.5 if d == prev_degree else chord_transition(states[prev_degree % 7], ch)
        score[0, d, 0] = fit_weight * fit[0, d] + start_bonus - cost[d] if allowed[0, d] else neg
    stale = 2 * per_bar  # slots a chord may hold (two bars) before it gets stale
    for s in range(1, n_slots):
        mid_bar = slots[s][0] % tpb != 0
        cadence = s >= n_slots - per_bar
        best_prev = score[s - 1].max(-1)  # per state, over run lengths
        best_run = score[s - 1].argmax(-1)
        for d, ch in enumerate(states):
            if not allowed[s, d]:
                continue
            emit = fit_weight * fit[s, d] - cost[d]
            if cadence and ch.target is None and d in (0, 4):
                emit += 0.3
            if cadence and ch.target is not None:
                emit -= 1.0  # no phrase ends hanging on an applied dominant
            # change of chord
            vals = best_prev + trans[:, d] - (0.9 if mid_bar else 0.0)
            p = int(vals.argmax())
            score[s, d, 0] = vals[p] + emit
            back[s, d, 0] = (p, int(best_run[p]))
            # hold the same chord (an applied dominant at most a bar)
            for r in range(1, per_bar if ch.target is not None else max_run):
                prev = score[s - 1, d, r - 1]
                if prev <= neg / 2:
                    continue
                hold_pen = 0.0 if r < stale else 0.5 * (r - stale + 1)  # beyond two bars it gets stale
                score[s, d, r] = prev + emit - hold_pen + (0.15 if mid_bar else 0.0)
                back[s, d, r] = (d, r - 1)
            capped = score[s - 1, d, max_run - 1]
            if slots[s][0] in fixed and capped > neg / 2 and capped + emit > score[s, d, max_run - 1]:
                # a user's chord may be held longer than the fitted ones ever are: the run count stays capped
                score[s, d, max_run - 1] = capped + emit
                back[s, d, max_run - 1] = (d, max_run - 1)
    coins = rng.random(n_slots)  # one draw per slot (not per use), so a chosen chord leaves the others' 9ths be
    d, r = np.unravel_index(int(score[-1].argmax()), score[-1].shape)
    path = [0] * n_slots
    for s in range(n_slots - 1, -1, -1):
        path[s] = int(d)
        d, r = back[s, d, r]
    out: list[ChordSlot] = []
    for s, state in enumerate(path):
        a, b = slots[s]
        user = a in fixed
        chord = fixed[a] if user else states[state]  # the user's own object: it keeps the typed spelling
        if out and a % tpb != 0:
            prev, prev_user = out[-1].chord, (a - half) in fixed
            if (user and prev_user and prev == chord) if user or prev_user else \
                    (prev.root == chord.root and prev.target == chord.target):
                out[-1] = ChordSlot(out[-1].start, b, prev)  # merge a held half bar
                continue
        if not user and chord.target is None and (fit9[s, state] > fit[s, state] + 1e-9 or coins[s] < 0.35):
            chord = diatonic_seventh(key, state, True)
        out.append(ChordSlot(a, b, chord))
    return out


def chord_suggestions(melody: Melody, key: Key, start: int, end: int, limit: int = 8) -> list[Chord]:
    """Chords for the span ``[start, end)`` ranked by how well they fit the melody there (the
    harmoniser's own measure): the key's sevenths and 9ths, its triads and applied dominants, the
    best-fitting one on each root (different harmonies first; a 7th or 9th of it can be typed)."""
    pool = candidate_chords(key) + [diatonic_seventh(key, d, True) for d in range(7)]
    for d in range(7):  # the triads: each seventh without its 7th
        seventh = diatonic_seventh(key, d)
        third, fifth = seventh.intervals[:2]
        pool.append(Chord(seventh.root, (third, fifth), d, _TRIAD.get((third, fifth), "")))
    seen, unique = set(), []
    for ch in pool:
        if (ch.root, ch.intervals) not in seen:
            seen.add((ch.root, ch.intervals))
            unique.append(ch)
    scores = fit_matrix(melody, key, [(start, end)], unique)[0]
    order = sorted(range(len(unique)), key=lambda i: (-scores[i], len(unique[i].intervals), i))
    best_per_root: dict[int, Chord] = {}
    for i in order:
        best_per_root.setdefault(unique[i].root, unique[i])
    return list(best_per_root.values())[:limit]


def random_progression(key: Key, length_ticks: int, ticks_per_bar: int, rng: np.random.Generator) -> list[ChordSlot]:
    """The baseline: one uniformly random diatonic seventh chord per bar."""
    bars = -(-length_ticks // ticks_per_bar)
    return [ChordSlot(b * ticks_per_bar, (b + 1) * ticks_per_bar, diatonic_seventh(key, int(rng.integers(7))))
            for b in range(bars)]


def chord_at(slots: list[ChordSlot], tick: int) -> Chord | None:
    for s in slots:
        if s.start <= tick < s.end:
            return s.chord
    return None


def strong_beat_fit(melody: Melody, slots: list[ChordSlot]) -> tuple[int, int]:
    """(chord tones, melody notes) over the notes starting on beats 1 and 3 (beat 1 in 3/4): the fit measure."""
    tpb = melody.ticks_per_bar
    hit = total = 0
    for n in melody.notes:
        if n.start % tpb in strong_beats(melody.time_signature, tpb):  # beats 1 and 3, or the meter's own
            ch = chord_at(slots, n.start)
            if ch is None:
                continue
            total += 1
            hit += n.pitch % 12 in ch.tones
    return hit, total


# ---------------------------------------------------------------------------------------- voicings
VOICING_LOW, VOICING_HIGH = 50, 72  # D3..C5: warm electric-piano register


def voicing_candidates(chord: Chord, low: int = VOICING_LOW, high: int = VOICING_HIGH) -> list[tuple[int, ...]]:
    """Every placement of the chord's pitch classes (root left to the bass when there are 5)
    in ``[low, high]`` with no muddy seconds low down and a span of at most 14 semitones."""
    pcs = list(chord.pitch_classes)
    if len(pcs) > 4:
        pcs = pcs[1:]  # 3-5-7-9: the bass has the root, the voicing stays light
    options = [[p for p in range(low, high + 1) if p % 12 == pc] for pc in pcs]
    out = []
    for combo in product(*options):
        v = tuple(sorted(combo))
        if len(set(v)) < len(v) or v[-1] - v[0] > 14:
            continue
        if any(b - a < 3 and a < 57 for a, b in zip(v, v[1:], strict=False)):
            continue
        out.append(v)
    return out


def voice_lead(prev: tuple[int, ...] | None, chord: Chord) -> tuple[int, ...]:
    """The candidate voicing closest to ``prev`` (sum of sorted voice moves), near the register centre."""
    cands = voicing_candidates(chord)
    if not cands:
        return tuple(sorted(VOICING_LOW + (pc - VOICING_LOW) % 12 for pc in chord.pitch_classes[:4]))
    centre = (VOICING_LOW + VOICING_HIGH) / 2

    def cost(v):
        drift = abs(sum(v) / len(v) - centre) * 0.3
        if prev is None:
            return drift
        moves = sum(abs(a - b) for a, b in zip(v, prev, strict=False)) + 2 * abs(len(v) - len(prev))
        return moves + drift

    return min(cands, key=lambda v: (cost(v), v))


def voice_progression(slots: list[ChordSlot], prev: tuple[int, ...] | None = None) -> list[tuple[int, ...]]:
    out = []
    for s in slots:
        prev = voice_lead(prev, s.chord)
        out.append(prev)
    return out


def chord_notes(slots: list[ChordSlot], voicings, velocity: int = 58) -> list[Note]:
    """Held chords (released just before the next one so the piano re-strikes cleanly)."""
    notes = []
    for s, v in zip(slots, voicings, strict=True):
        for p in v:
            notes.append(Note(s.start, max(s.start + 1, s.end - 20), p, velocity))
    return notes
