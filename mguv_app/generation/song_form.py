"""Writing a melody into a form (``generation.form``): repeats copied, varied repeats moved a little in the
phrase model's latent space, phrase ends turned into cadences.

The material is the melody model's own sample, as long as the form: each new label takes the bars at the
place it first comes (so AABA's B is the sample's bars 9-12, where its line had gone by then). Then:

* an exact repeat copies the phrase it repeats, token for token (one that must end otherwise, the
  consequent of a period, is that phrase with a new cadence);
* a varied repeat (A') keeps the first half of its phrase and decodes the second half from a latent
  moved ``VARY_AMOUNT`` of the way towards a random point (the phrase model's, phrase by phrase; the
  decoder is held to the kept steps, so the line runs on from them);
* a cadence is chosen among candidates for the phrase's last bar (the same latent and nearby ones, the
  decoder held to the bars before): the one whose last note lands on the target (the tonic; the
  dominant for a half cadence; a chosen chord's tones over the user's chords) on a strong beat, long,
  and changing least. When none lands (most phrases: a 2-bar window's last bar usually runs on into
  the next), the phrase is *closed*: its last bar is kept up to a strong beat and the target pitch
  nearest the line's last note is held from there (``closings``), as a composer ends a tune. Measured
  on whole held-out songs, real endings start on a strong beat and last a quarter or more; the model's
  own last notes were mostly an 8th on the last off-beat (``model_training/form_stats.py``).

Every random draw comes from ``seed``, so a form and a seed always give the same melody.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..editing.scales import SCALES, guess_key
from ..engine.interpolation import slerp
from ..music.events import HOLD, NOTE_OFF, PITCH_OFFSET, events_to_notes, melody_to_events
from ..music.melody import TICKS_PER_STEP, Melody
from ..music.meter import is_compound
from .form import FULL, HALF, OPEN, Form

VARY_AMOUNT = 0.4  # how far a varied repeat's second half moves towards a random latent (0: none, 1: all)
VARY_CANDIDATES = 4  # versions of a varied half drawn; the most in-key one that changed something is kept
CADENCE_CANDIDATES = 12  # versions of a phrase's last bar tried for its cadence
_CADENCE_AMOUNTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
SEAM_LEAP = 5  # semitones: a leap across a phrase boundary wider than a fourth is smoothed where it may be
SEAM_CANDIDATES = 24  # versions of the bar beside such a seam tried
# how far each version's latent moves towards a random point: the phrase model keeps a bar nearly note for note
# at 0.1, so a seam's versions start further out than a cadence's
_SEAM_AMOUNTS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass
class FormReport:
    """What the composer did, for the result's meta and the tests."""

    form: str
    key: tuple[int, str]
    cadences: dict  # phrase index -> "landed" (a version of the model's) | "closed" (``closings``) | "open"
    phrase_steps: int
    seams: dict = field(default_factory=dict)  # phrase boundary (bar) -> (leap before, leap after) in semitones

    def to_dict(self) -> dict:
        return {"form": self.form, "key": list(self.key), "cadences": {str(k): v for k, v in self.cadences.items()},
                "phrase_steps": self.phrase_steps, "seams": {str(k): list(v) for k, v in self.seams.items()}}


def strong_positions(steps_per_bar: int, compound: bool) -> set[int]:
    """Steps of a bar where a cadence's last note may start: the downbeat, and the middle of a four-beat or
    two-beat (6/8) bar."""
    if compound or steps_per_bar == 16:
        return {0, steps_per_bar // 2}
    return {0}


def cadence_targets(kind: str, key: tuple[int, str], chord_pcs: set[int] | None = None) -> set[int]:
    """Pitch classes a cadence may end on: the chosen chord's tones where the user chose one, else the tonic
    (full) or the dominant triad (half: 5, 7 and 2 of the key; 7 the leading tone in major and minor alike)."""
    if chord_pcs:
        return set(chord_pcs)
    tonic = key[0] % 12
    if kind == FULL:
        return {tonic}
    return {(tonic + 7) % 12, (tonic + 11) % 12, (tonic + 2) % 12}


def last_onset(tokens: np.ndarray) -> int | None:
    idx = np.flatnonzero(tokens >= PITCH_OFFSET)
    return int(idx[-1]) if idx.size else None


def note_length(tokens: np.ndarray, at: int) -> int:
    """Steps the note starting at ``at`` sounds (to the next event)."""
    rest = np.flatnonzero(tokens[at + 1:] != HOLD)
    return int(rest[0]) + 1 if rest.size else len(tokens) - at


def lands(tokens: np.ndarray, targets: set[int], strong: set[int], bar_steps: int) -> bool:
    """Does the phrase's last note start on a strong beat with a target pitch class?"""
    at = last_onset(tokens)
    return at is not None and (int(tokens[at]) - PITCH_OFFSET) % 12 in targets and at % bar_steps in strong


def in_key_share(tokens: np.ndarray, key: tuple[int, str] | None) -> float:
    """The share of the note onsets in ``tokens`` whose pitch is in ``key`` (1 with no notes or no key)."""
    pitches = np.asarray(tokens)[np.asarray(tokens) >= PITCH_OFFSET] - PITCH_OFFSET
    if key is None or not len(pitches) or key[1] not in SCALES:
        return 1.0
    return float(np.mean([(int(p) - key[0]) % 12 in SCALES[key[1]] for p in pitches]))


def cadence_score(tokens: np.ndarray, original: np.ndarray, targets: set[int], strong: set[int],
                  bar_steps: int, key: tuple[int, str] | None = None) -> float:
    at = last_onset(tokens)
    if at is None:
        return -1e9
    score = 4.0 * in_key_share(tokens[-bar_steps:], key)  # the closing bar stays in the key
    if (int(tokens[at]) - PITCH_OFFSET) % 12 in targets:
        score += 10
    if at % bar_steps in strong:
        score += 3
    score += min(len(tokens) - at, 8) / 4  # a cadence rests: nothing starts for a while after its last note
    return score - 0.05 * float((tokens != original).sum())


def nearest_target(pitch: int, targets: set[int]) -> int:
    """The target pitch nearest ``pitch`` (ties: downwards, towards the close)."""
    return min((p for p in range(max(0, pitch - 11), min(127, pitch + 11) + 1) if p % 12 in targets),
               key=lambda p: (abs(p - pitch), p > pitch))


CLOSING_CHOICE = 0.6  # the spread of the seed's pick among closings that score within it of each other


def closings(tokens: np.ndarray, targets: set[int], strong: set[int], bar_steps: int) -> list[np.ndarray]:
    """Versions of a phrase that close on ``targets``: its last bar kept up to a strong position, then a
    target pitch next to the note before it (the nearest first, then the nearest on the other side), held to
    the end or to a beat before it (then silence; a beat: a dotted quarter in 6/8, else a quarter). One for
    each strong position, pitch and length; none when the phrase has no note or no target."""
    n = len(tokens)
    onsets = np.flatnonzero(tokens >= PITCH_OFFSET)
    if not onsets.size or not targets or n < bar_steps:
        return []
    beat = bar_steps // 2 if bar_steps % 3 == 0 and bar_steps // 2 in strong else 4  # 6/8: a dotted quarter
    out = []
    for s in sorted(strong):
        at = n - bar_steps + s
        before = onsets[onsets < at]
        line = int(tokens[before[-1] if before.size else onsets[0]]) - PITCH_OFFSET
        for pitch in target_pitches(line, targets):
            # held to the end, or stopping a beat before it: more silence than a beat reads as an empty bar in a
            # 16-bar melody (the card's empty-beat overlap fell from 0.81 to 0.78 with a quarter and three beats
            # of rest), where a whole song's last quarter is followed by the end of the song
            for length in (None, n - at - beat):
                if length is not None and length < 4:
                    continue
                c = tokens.copy()
                c[at] = PITCH_OFFSET + pitch
                c[at + 1:] = HOLD
                if length is not None:
                    c[at + length] = NOTE_OFF
                out.append(c)
    return out


def target_pitches(pitch: int, targets: set[int]) -> list[int]:
    """The target pitch nearest ``pitch``, then the nearest on its other side (a close from above or below)."""
    near = nearest_target(pitch, targets)
    if near == pitch:
        others = [p for p in (pitch - 12, pitch + 12) if 0 <= p <= 127]
        return [near] + others[:1]
    side = range(pitch + 1, min(127, pitch + 11) + 1) if near < pitch else range(pitch - 1, max(0, pitch - 11) - 1, -1)
    other = next((p for p in side if p % 12 in targets), None)
    return [near] if other is None else [near, other]


def range_score(tokens: np.ndarray, phrase: np.ndarray) -> float:
    """Half a point off for each semitone the closing note lies outside the phrase's own range: a close
    stays inside the tune (measured: closing on the nearest tonic alone widened the melodies' pitch range
    beyond the test split's)."""
    pitches = phrase[phrase >= PITCH_OFFSET]
    at = last_onset(tokens)
    if at is None or not pitches.size:
        return 0.0
    p = int(tokens[at])
    return -0.5 * max(0, int(pitches.min()) - p, p - int(pitches.max()))


def approach_score(tokens: np.ndarray) -> float:
    """How a closing note is reached: by step best, a third well, a leap beyond a fifth badly."""
    onsets = np.flatnonzero(tokens >= PITCH_OFFSET)
    if onsets.size < 2:
        return 0.0
    leap = abs(int(tokens[onsets[-1]]) - int(tokens[onsets[-2]]))
    return 1.5 if 1 <= leap <= 2 else 0.75 if 3 <= leap <= 4 else -1.0 if leap > 7 else 0.0


def leap_at(tokens: np.ndarray, step: int) -> int | None:
    """Semitones between the last note starting before ``step`` and the first starting at or after it."""
    on = np.flatnonzero(tokens >= PITCH_OFFSET)
    before, after = on[on < step], on[on >= step]
    if not before.size or not after.size:
        return None
    return abs(int(tokens[after[0]]) - int(tokens[before[-1]]))


def leap_cost(leap: int | None) -> float:
    """Steps and thirds cost nothing much; beyond a fifth a leap costs more than the bar's notes changing."""
    if leap is None:
        return 0.0
    return 0.5 * max(0, leap - 2) + (2.0 if leap > 7 else 0.0)


def move_last_note(tokens: np.ndarray, targets: set[int], scale_key: tuple[int, str]) -> np.ndarray:
    """The phrase with its last note moved to the nearest target pitch (a phrase that cannot be closed)."""
    out = tokens.copy()
    at = last_onset(out)
    if at is None or not targets:
        return out
    out[at] = PITCH_OFFSET + nearest_target(int(out[at]) - PITCH_OFFSET, targets)
    return out


class FormComposer:
    """Writes melodies into a form with a melody model (``TrainedModel``) and, where it has one, its phrase
    model: the phrase model varies and cadences (one batched decode of a 2-bar window); without one the
    melody model's ``rewrite`` does (slower: it fits a latent to the bars around)."""

    def __init__(self, model):
        self.model = model
        self.codec = None  # the phrase codec for the melody at hand (``TrainedModel.phrases_for``), set per call
        self._quick = False

    def _use(self, melody: Melody) -> None:
        self.codec = self.model.phrases_for(melody) if hasattr(self.model, "phrases_for") else None

    # ------------------------------------------------------------------ helpers on token windows
    def _phrase_latent(self, window: np.ndarray) -> np.ndarray:
        return self.codec.model.encode_tokens(window[None])[0][0]

    def _variants(self, window: np.ndarray, keep: np.ndarray, amounts, rng: np.random.Generator,
                  temperature: float = 0.0) -> list[np.ndarray]:
        """Versions of a phrase-model window: its latent moved each ``amount`` towards a fresh random point and
        decoded with the steps where ``keep`` is true held as they are."""
        z = self._phrase_latent(window)
        zs = np.stack([slerp(z, rng.standard_normal(z.shape).astype(np.float32), float(a)) for a in amounts])
        force = np.where(keep, window, -1)[None].repeat(len(zs), 0)
        seed = int(rng.integers(2**31))
        return list(self.codec.model.decode_tokens(zs.astype(np.float32), temperature, seed, force))

    def _windowed(self, tokens: np.ndarray, span: tuple[int, int], make) -> list[np.ndarray]:
        """Versions of ``tokens`` whose ``span`` steps are made anew by ``make(window, keep) -> versions`` on the
        phrase-model windows that end at the span's end and every window's length before it, left to right:
        a window's steps outside the span are held as they are (the context the decoder runs on from), every
        step outside the span stays. A span of several windows gives one version (the first of each)."""
        T = self.codec.window_steps
        s0, s1 = span
        ends = list(range(s1, s0, -T))[::-1]
        versions = [tokens]
        for w_end in ends:
            w0 = max(0, w_end - T)
            a = max(s0, w0)
            made = []
            for base in versions:
                window = np.full(T, HOLD, np.int64)
                part = base[w0:w0 + T]
                window[:len(part)] = part
                keep = np.ones(T, bool)
                keep[a - w0:w_end - w0] = False
                outs = make(window, keep)
                for v in outs if len(ends) == 1 else outs[:1]:
                    full = base.copy()
                    full[a:w_end] = v[a - w0:w_end - w0]
                    made.append(full)
            versions = made
        return versions

    def _rewrite_versions(self, tokens: np.ndarray, span: tuple[int, int], like: Melody, count: int,
                          seed: int, temperature: float) -> list[np.ndarray]:
        """Without a phrase model: the melody model's rewrite of ``span`` (the context fitted, the span sampled)."""
        melody = like.copy(events_to_notes(tokens))
        versions = self.model.rewrite(melody, span[0] * TICKS_PER_STEP, span[1] * TICKS_PER_STEP,
                                      temperature, seed, samples=count)
        return [melody_to_events(v, len(tokens)) for v in versions]

    # ------------------------------------------------------------------ the three moves
    def vary(self, phrase: np.ndarray, bar_steps: int, rng: np.random.Generator, like: Melody,
             amount: float = VARY_AMOUNT, key: tuple[int, str] | None = None) -> np.ndarray:
        """A varied repeat: the second half of the phrase (whole bars where it has two or more) anew, its latent
        moved about ``amount`` of the way towards a random point. With ``key``, the most in-key of
        ``VARY_CANDIDATES`` versions that changed something (a phrase latent moved towards the prior can leave
        the key: the phrase model's prior is not tonal)."""
        n = len(phrase)
        half = (n // bar_steps // 2) * bar_steps if n >= 2 * bar_steps else n // 2
        span = (half, n)
        if self._quick:
            return phrase
        if self.codec is None:
            return self._rewrite_versions(phrase, span, like, 1, int(rng.integers(2**31)), 0.8)[0]
        tries = VARY_CANDIDATES if key is not None else 1
        versions = [self._windowed(phrase, span, lambda w, k, a=amount * f: self._variants(w, k, [a], rng))[0]
                    for f in (1.0, 0.8, 1.2, 0.9)[:tries]]
        return max(versions, key=lambda v: (not np.array_equal(v[half:], phrase[half:]),
                                            in_key_share(v[half:], key) if key else 0.0))

    def cadence(self, phrase: np.ndarray, bar_steps: int, targets: set[int], strong: set[int],
                key: tuple[int, str], rng: np.random.Generator, like: Melody) -> tuple[np.ndarray, str]:
        """The phrase ending on ``targets``: as it is when it already lands on a long note, else the best of
        ``CADENCE_CANDIDATES`` versions of its last bar that land, else closed (``closings``)."""
        def long_enough(c):
            at = last_onset(c)
            return note_length(c, at) >= min(4, bar_steps // 3)

        def score(c):
            return (cadence_score(c, phrase, targets, strong, bar_steps, key) + approach_score(c)
                    + range_score(c, phrase))

        if lands(phrase, targets, strong, bar_steps) and long_enough(phrase):
            return phrase, "landed"
        n = len(phrase)
        span = (n - bar_steps, n)
        if self._quick:
            cands = []
        elif self.codec is None:
            cands = self._rewrite_versions(phrase, span, like, CADENCE_CANDIDATES // 2, int(rng.integers(2**31)), 0.8)
        else:
            cands = self._model_versions(phrase, span, _CADENCE_AMOUNTS, CADENCE_CANDIDATES, rng)
        landed = [c for c in cands if lands(c, targets, strong, bar_steps) and long_enough(c)]
        if landed:
            return max(landed, key=score), "landed"
        closed = [c for v in [phrase, *cands] for c in closings(v, targets, strong, bar_steps)]
        if closed:  # near-equal closings (a held note or a quarter, beat 1 or 3) are chosen by the seed
            scores = [score(c) + rng.uniform(0, CLOSING_CHOICE) for c in closed]
            return closed[int(np.argmax(scores))], "closed"
        return move_last_note(phrase, targets, key), "moved"

    def _model_versions(self, tokens: np.ndarray, span: tuple[int, int], amounts: tuple[float, ...], count: int,
                        rng: np.random.Generator) -> list[np.ndarray]:
        """``count`` phrase-model versions of ``tokens`` with ``span`` written anew (``_windowed``), their latents
        moved by ``amounts`` in turn: the first half decoded greedily, the second sampled at 0.7."""
        moves = [amounts[i % len(amounts)] for i in range(count)]
        greedy, sampled = moves[:count // 2], moves[count // 2:]
        return (self._windowed(tokens, span, lambda w, k: self._variants(w, k, greedy, rng))
                + self._windowed(tokens, span, lambda w, k: self._variants(w, k, sampled, rng, 0.7)))

    def join_bar(self, context: np.ndarray, span: tuple[int, int], seam: int, rng: np.random.Generator,
                 key: tuple[int, str]) -> tuple[np.ndarray, tuple[int, int]] | None:
        """Phrases laid side by side meet where the model never wrote them together: a B runs on towards the
        sample's next bar, not the A that follows it. Where the leap at ``seam`` (a step of ``context``) is wider
        than ``SEAM_LEAP``, the bar ``span`` beside it is written anew ``SEAM_CANDIDATES`` times by the phrase
        model, running on from the bar before it, and of the versions no less in key than the bar, the one that
        joins best on both sides (changing least) is kept (the phrase model's prior is not tonal). Returns the
        new context and (leap before, leap after), or None where the seam is kept as it is."""
        before = leap_at(context, seam)
        if before is None or before <= SEAM_LEAP:
            return None
        cands = self._model_versions(context, span, _SEAM_AMOUNTS, SEAM_CANDIDATES, rng)
        tonal = in_key_share(context[span[0]:span[1]], key)
        cands = [c for c in cands if in_key_share(c[span[0]:span[1]], key) >= tonal]

        def cost(c):
            return (leap_cost(leap_at(c, span[0])) + leap_cost(leap_at(c, span[1]))
                    - 4.0 * in_key_share(c[span[0]:span[1]], key) + 0.05 * float((c != context).sum()))

        best = min([context, *cands], key=cost)
        return best, (before, leap_at(best, seam))

    def _joined(self, form: Form, i: int, tok: np.ndarray, done: list[np.ndarray], bar_steps: int,
                rng: np.random.Generator, key: tuple[int, str], seams: dict) -> np.ndarray:
        """New material (phrase ``i``, first heard) joined to its neighbours before anything repeats it, so its
        repeats carry the joins: its first bar to the phrase before, and, when it ends open and the phrase after
        it repeats one already written, its last bar to that phrase's first note (``join_bar``)."""
        ps = len(tok)
        if i > 0:
            context = np.concatenate([*done, tok])
            at = len(context) - ps
            joined = self.join_bar(context, (at, at + bar_steps), at, rng, key)
            if joined is not None:
                tok, seams[i * form.phrase_bars] = joined[0][at:], joined[1]
        nxt = form.phrases[i + 1] if i + 1 < len(form.phrases) else None
        if nxt is not None and not nxt.first and form.phrases[i].cadence == OPEN:
            src = form.source_of(i + 1)
            head = (tok if src == i else done[src])[:bar_steps]
            context = np.concatenate([*done, tok, head])
            end = len(context) - bar_steps
            joined = self.join_bar(context, (end - bar_steps, end), end, rng, key)
            if joined is not None:
                tok, seams[(i + 1) * form.phrase_bars] = joined[0][end - ps:end], joined[1]
        return tok

    # ------------------------------------------------------------------ the whole melody
    def compose(self, raw: Melody, form: Form, seed: int, key: tuple[int, str] | None = None,
                chords: dict[int, str] | None = None, quick: bool = False) -> tuple[Melody, FormReport]:
        """``raw`` (the melody model's sample, ``form.bars`` bars long) written into ``form``. Without ``key`` (the
        roll's), the key is the one the form's material is in, repeats counted (``guess_key`` of the phrases as
        the form lays them out: a repeated phrase weighs more than the sample's bars it replaces). ``quick``
        leaves the phrase model out: varied repeats are plain repeats and a cadence that does not land moves
        its last note (how Generate ranks candidates over chords before writing the best one in full)."""
        self._use(raw)
        if quick:
            self.codec, self._quick = None, True
        else:
            self._quick = False
        bar_steps = raw.steps_per_bar
        ps = form.phrase_bars * bar_steps
        stream = melody_to_events(raw, form.bars * bar_steps)
        if key is None or key[1] not in SCALES or key[1] == "Chromatic":
            laid_out = np.concatenate([stream[form.source_of(i) * ps:(form.source_of(i) + 1) * ps]
                                       for i in range(len(form.phrases))])
            key = guess_key(events_to_notes(laid_out)) if (laid_out >= PITCH_OFFSET).any() else guess_key(raw.notes)
        strong = strong_positions(bar_steps, is_compound(raw.time_signature))
        rng = np.random.default_rng([int(seed) & 0x7FFFFFFF, 22])
        done: list[np.ndarray] = []
        cadences: dict[int, str] = {}
        seams: dict[int, tuple[int, int]] = {}
        joins = not quick and self.codec is not None and form.phrase_bars >= 2  # a 1-bar phrase is its cadence
        for i, ph in enumerate(form.phrases):
            earlier = [j for j in range(i) if form.phrases[j].name == ph.name
                       and form.phrases[j].cadence == ph.cadence]
            if ph.first:
                tok = stream[i * ps:(i + 1) * ps].copy()
                if joins:
                    tok = self._joined(form, i, tok, done, bar_steps, rng, key, seams)
            elif earlier:  # the same phrase, ending the same way: an exact repeat
                done.append(done[earlier[-1]].copy())
                cadences[i] = cadences.get(earlier[-1], "open")
                continue
            else:
                tok = done[form.source_of(i)].copy()
                if ph.primes:
                    tok = self.vary(tok, bar_steps, rng, raw, key=key)
            if ph.cadence in (FULL, HALF):
                chord_pcs = _chord_tones_at(chords, raw, (i + 1) * ps - bar_steps, ps, bar_steps) if chords else None
                targets = cadence_targets(ph.cadence, key, chord_pcs)
                tok, cadences[i] = self.cadence(tok, bar_steps, targets, strong, key, rng, raw)
            else:
                cadences[i] = "open"
            done.append(tok)
        tokens = np.concatenate(done)  # as written: a repeat that ends the melody stays its phrase note for note
        velocity = int(np.median([n.velocity for n in raw.notes])) if raw.notes else 100
        out = raw.copy(events_to_notes(tokens, velocity))
        return out, FormReport(form.text, key, cadences, ps, seams)


    # ------------------------------------------------------------------ answering a phrase (Continue)
    def answer(self, prompt: Melody, bars: int, mode: str, seed: int, chords: dict[int, str] | None = None
               ) -> tuple[Melody, dict]:
        """``prompt`` followed by ``bars`` new bars that answer its last ``bars`` bars: ``"repeat"`` plays them again
        and closes on the tonic; ``"answer"`` is a consequent phrase: it begins as they begin, goes on anew for its
        second half and closes on the tonic (a musical period). Chords chosen over the new bars set the close."""
        if mode not in (REPEAT, ANSWER):
            raise ValueError(f"unknown answer {mode!r} (one of {REPEAT}, {ANSWER})")
        from ..engine.trained_model import last_bar_steps

        self._use(prompt)
        bar_steps = last_bar_steps(prompt)  # the prompt's last bar (the meter map's meter there)
        end = max(prompt.bars_end_tick // TICKS_PER_STEP, bar_steps)  # the barline after its last note
        have = end // bar_steps  # whole bars of that length before it (a pickup before them is not phrased)
        stream = melody_to_events(prompt, end)
        take = max(1, min(bars, have))
        phrase = stream[end - take * bar_steps:]
        phrase = np.resize(phrase, bars * bar_steps) if take < bars else phrase.copy()  # a short prompt comes round
        if len(phrase) and phrase[0] == HOLD:  # a note held into the phrase from before it: its start is a rest
            phrase[0] = NOTE_OFF
        key = guess_key(prompt.notes)
        rng = np.random.default_rng([int(seed) & 0x7FFFFFFF, 21])
        tail = prompt.copy(events_to_notes(phrase))
        if mode == ANSWER:
            self._use(tail)
            phrase = self.vary(phrase, bar_steps, rng, tail, key=key)
        strong = strong_positions(bar_steps, is_compound(prompt.time_signature))
        offset = end
        chord_pcs = _chord_tones_at(chords, prompt, offset + len(phrase) - bar_steps, len(phrase), bar_steps) \
            if chords else None
        phrase, landed = self.cadence(phrase, bar_steps, cadence_targets(FULL, key, chord_pcs), strong, key, rng, tail)
        velocity = int(np.median([n.velocity for n in prompt.notes])) if prompt.notes else 100
        new = [n.moved(dt=offset * TICKS_PER_STEP) for n in events_to_notes(phrase, velocity)]
        return prompt.copy(list(prompt.notes) + new), {"answer": mode, "key": list(key), "cadence": landed}


REPEAT, ANSWER, MORE = "repeat", "answer", "more"
ANSWERS = (MORE, REPEAT, ANSWER)  # how Continue goes on: more of the line, the phrase again, a consequent phrase
ANSWER_LABELS = {MORE: "more of the line", REPEAT: "the phrase again, closing", ANSWER: "an answer (A A')"}


def _chord_tones_at(chords: dict[int, str], melody: Melody, bar_start_step: int, phrase_steps: int,
                    bar_steps: int) -> set[int] | None:
    """The tones of the chord the user chose under a phrase's last bar (the latest chosen at or before its
    end), or None when none was chosen there."""
    from ..lofi.chord_symbols import parse_chord

    end_tick = (bar_start_step + bar_steps) * TICKS_PER_STEP
    start_tick = bar_start_step * TICKS_PER_STEP
    under = [t for t in chords if start_tick <= t < end_tick]
    if not under:
        return None
    try:
        chord = parse_chord(chords[max(under)])
    except ValueError:
        return None
    return {(chord.root + i) % 12 for i in chord.intervals}
