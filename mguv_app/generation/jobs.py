"""Generation jobs: each takes a ``TrainedModel`` and parameters and returns melodies.

Why a layer between the panel and ``TrainedModel``: the GUI runs these on a worker thread and
must be able to cancel them, so every job splits its work into several model calls and checks
a :class:`CancelToken` between them; and every job also returns the latent mean of each
result, so the latent map can place it without another round trip. Nothing here knows Qt.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from ..editing.scales import SCALES, shift_into_scale
from ..engine.interpolation import slerp
from ..lofi.backing import chord_fit
from ..music.melody import Melody
from .form import FREE, Form, default_form, fitted, parse_form
from .song_form import ANSWERS, MORE, FormComposer

ATTRIBUTES = {  # slider name -> (attribute vector, what + means)
    "density": ("note_density", "denser"),
    "pitch": ("average_pitch", "higher"),
    "syncopation": ("syncopation", "more syncopated"),
}


class Cancelled(Exception):
    """The user cancelled the job; no result."""


class CancelToken:
    """Set from the GUI thread, checked by the job between model calls."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass
class JobResult:
    """Melodies, their labels and latent means (n, latent) in the same order."""

    melodies: list[Melody]
    labels: list[str]
    latents: np.ndarray
    meta: dict = field(default_factory=dict)


def _token(cancel: CancelToken | None) -> CancelToken:
    return cancel or CancelToken()


def encode_melodies(model, melodies: list[Melody], cancel: CancelToken | None = None) -> np.ndarray:
    """Latent means of each melody's first model-length window (empty input: shape (0, latent))."""
    _token(cancel).check()
    if not melodies:
        return np.zeros((0, model.cfg.latent_dim), np.float32)
    mu, _ = model.encode(melodies)
    return mu


CHORD_CANDIDATES = 16  # samples drawn per variation when it must fit chords; the best-fitting one is kept
_CANDIDATE_SEED_STEP = 1_000_003


def _best_fit(draw, seed: int, chords: dict[int, str] | None, candidates: int, token: CancelToken):
    """``draw(seed) -> (melody, extra)`` once (no chords), or ``candidates`` times with spaced seeds, keeping
    the best ``chord_fit``; returns (melody, extra, its fit, the first draw's fit). The first draw uses
    ``seed`` itself, so it is what the job gives without chords and the choice is never worse."""
    best, first = None, 0.0
    for k in range(max(1, candidates) if chords else 1):
        token.check()
        melody, extra = draw(seed + k * _CANDIDATE_SEED_STEP)
        fit = chord_fit(melody, chords) if chords else 0.0
        if k == 0:
            first = fit
        if best is None or fit > best[2] + 1e-9:
            best = (melody, extra, fit)
    return (*best, first)


def generate_variations(model, count: int = 4, bars: int | None = None, temperature: float = 1.0,
                        seed: int = 0, qpm: float = 120.0, program: int = 0,
                        cancel: CancelToken | None = None, key: tuple[int, str] | None = None,
                        chords: dict[int, str] | None = None, candidates: int = CHORD_CANDIDATES,
                        form: str | Form | None = FREE, phrase_bars: int = 4) -> JobResult:
    """``count`` prior samples of ``bars`` bars; variation i uses seed ``seed + i`` (reproducible one by one).

    ``form``: "free" (the model's melody as it comes), "default" (``form.default_form``: ABAC for 16 bars, a
    period for 8, free when nothing fits), a form string (``AABA``, ``AA'BA``, a preset name; phrases of
    ``phrase_bars`` bars; it must fill ``bars``, else ``FormError``) or a :class:`Form`: each sample is then
    written into it (``song_form.FormComposer``: repeats, varied repeats, cadences).

    With ``key`` = (root, scale name) each variation is moved by at most a tritone into that key
    (``shift_into_scale``): the model writes in every key, the song in the roll has one.
    With ``chords`` (slot start -> symbol, the Band's chords the user chose) each variation is the
    best-fitting of ``candidates`` samples (``lofi.backing.chord_fit``, after the key move): the model
    is not conditioned on chords, so it is asked several times and the melody that sits best wins.
    """
    if count < 1:
        raise ValueError("ask for at least one variation")
    if temperature < 0:
        raise ValueError("temperature must be 0 or more")
    token = _token(cancel)
    if key and key[1] not in SCALES:
        raise ValueError(f"unknown scale {key[1]!r}")
    bars = bars or model.bars
    plan = form_for(form, bars, phrase_bars)
    composer = FormComposer(model) if plan is not None else None
    melodies, labels, shifts, fits, first_fits, reports = [], [], [], [], [], []

    def draw(s: int) -> tuple[Melody, tuple]:
        m = model.sample(1, min(bars, model.bars), temperature, s, qpm, program)[0]
        if bars > model.bars:  # longer than the model: continue it, a cancellable chunk at a time
            m = _extend(model, m, bars - model.bars, temperature, s + 1, token)
        shift = shift_into_scale(m.notes, *key) if key else 0
        m = m.transposed(shift) if shift else m
        report, raw = None, m
        if composer is not None:  # over chords: candidates ranked quickly, the best written in full below
            token.check()
            m, report = composer.compose(m, plan, s, key, chords, quick=bool(chords))
        return m, (shift, report, s, raw)

    for i in range(count):
        m, (shift, report, s, raw), fit, first = _best_fit(draw, seed + i, chords, candidates, token)
        if composer is not None and chords:
            token.check()
            m, report = composer.compose(raw, plan, s, key, chords)
            fit = chord_fit(m, chords)
        shifts.append(shift)
        fits.append(fit)
        first_fits.append(first)
        reports.append(report.to_dict() if report else None)
        m.name = f"Variation {i + 1} (seed {seed + i})" + (f", {plan.preview}" if plan else "")
        melodies.append(m)
        labels.append(m.name)
    latents = encode_melodies(model, melodies, token)  # of the melodies as moved, so the map shows them
    meta = {"seed": seed, "temperature": temperature, "shifts": shifts,
            "form": plan.text if plan else FREE, "phrase_bars": plan.phrase_bars if plan else None, "forms": reports}
    if chords:  # the chosen fits against what the first sample alone would have given
        meta.update(chord_fit=fits, chord_fit_first=first_fits, candidates=max(1, candidates))
    return JobResult(melodies, labels, latents, meta)


def form_for(form: str | Form | None, bars: int, phrase_bars: int = 4) -> Form | None:
    """The form a job writes ``bars`` bars in: None for "free", ``default_form(bars)`` for "default", else the
    parsed form, which must fill the bars (``FormError`` says why not)."""
    if form is None or isinstance(form, Form):
        return fitted(form, bars)
    if form.strip().lower() == "default":
        return default_form(bars)
    return fitted(parse_form(form, phrase_bars), bars)


def _extend(model, melody: Melody, bars: int, temperature: float, seed: int, token: CancelToken) -> Melody:
    """``melody`` plus ``bars`` new bars, in chunks of half the model length with a cancel check before each."""
    chunk = max(1, model.bars // 2)
    out, done, round_no = melody, 0, 0
    while done < bars:
        token.check()
        step = min(chunk, bars - done)
        out = model.continue_(out, step, temperature, seed + 1000 * round_no)
        done += step
        round_no += 1
    return out


def continue_melody(model, prompt: Melody, bars: int = 4, temperature: float = 1.0, seed: int = 0,
                    cancel: CancelToken | None = None, chords: dict[int, str] | None = None,
                    candidates: int = CHORD_CANDIDATES, answer: str = MORE) -> JobResult:
    """The prompt kept exactly, followed by ``bars`` new bars.

    ``answer``: "more" goes on with the model's own line (generated in chunks of half the model length);
    "repeat" plays the prompt's last ``bars`` bars again, closing on the tonic; "answer" is a consequent
    phrase: it begins as those bars begin and goes on anew to a close on the tonic (``FormComposer.answer``).
    With ``chords`` (slot start -> symbol, in the prompt's ticks) that reach the new bars, the
    continuation is the best fit to them of ``candidates`` (the first is the one drawn without chords)."""
    if not prompt.notes:
        raise ValueError("the prompt has no notes: draw or select some first")
    if bars < 1:
        raise ValueError("continue by at least one bar")
    if answer not in ANSWERS:
        raise ValueError(f"Continue goes on with {', '.join(ANSWERS)}, not {answer!r}")
    token = _token(cancel)
    new_from = prompt.bars_end_tick  # the barline after the last note, along the meter map
    ahead = {t: c for t, c in (chords or {}).items() if t >= new_from}
    if answer == MORE:
        def draw(s):
            return _extend(model, prompt, bars, temperature, s, token), None
    else:
        composer = FormComposer(model)

        def draw(s):
            token.check()
            return composer.answer(prompt, bars, answer, s, ahead)
    out, how, fit, first = _best_fit(draw, seed, ahead, candidates, token)
    out.name = f"{prompt.name} + {bars} bars" + ("" if answer == MORE else f" ({answer})")
    meta = {"prompt_notes": len(prompt.notes), "answer": answer, **(how or {})}
    if ahead:
        meta.update(chord_fit=fit, chord_fit_first=first, candidates=max(1, candidates))
    return JobResult([out], [out.name], encode_melodies(model, [out], token), meta)


def bars_label(start_tick: int, end_tick: int, ticks_per_bar: int) -> str:
    """"bar 5" or "bars 5–6": the bars a span covers, as the Rewrite button and its takes name them."""
    first = start_tick // ticks_per_bar + 1
    if end_tick - start_tick <= ticks_per_bar and start_tick % ticks_per_bar == 0:
        return f"bar {first}"
    return f"bars {first}–{-(-end_tick // ticks_per_bar)}"


def _takes(drawn: list[Melody], count: int, chords: dict[int, str] | None) -> tuple[list[Melody], dict]:
    """Take i of ``count`` is the best fit to ``chords`` among ``drawn[i::count]``, whose first is the
    chord-free draw (it wins a tie); without chords it is ``drawn[i]``. Returns the takes and the meta
    entries saying how well they fit (none without chords)."""
    takes, fits, firsts = [], [], []
    for i in range(count):
        group = drawn[i::count]  # take i's candidates: seeds seed + i, seed + i + count, …
        scores = [chord_fit(m, chords) for m in group] if chords else [0.0]
        best = int(np.argmax(scores))  # the first of equals
        takes.append(group[best])
        fits.append(scores[best])
        firsts.append(scores[0])
    meta = {"chord_fit": fits, "chord_fit_first": firsts, "candidates": len(drawn) // count} if chords else {}
    return takes, meta


def rewrite_bars(model, melody: Melody, start_tick: int, end_tick: int, count: int = 4, temperature: float = 1.0,
                 seed: int = 0, cancel: CancelToken | None = None, chords: dict[int, str] | None = None,
                 candidates: int = CHORD_CANDIDATES) -> JobResult:
    """``count`` versions of ``melody`` with new notes in ``[start_tick, end_tick)`` that fit the bars around
    them (``TrainedModel.rewrite``); every other note stays. One latent is fitted to the context and each
    version is a sample from it (version i: seed ``seed + i``). With ``chords``, each version is the best
    fit to them of ``candidates`` samples, the first being the one drawn without chords."""
    if count < 1:
        raise ValueError("ask for at least one version")
    if temperature < 0:
        raise ValueError("temperature must be 0 or more")
    token = _token(cancel)
    token.check()
    inside = {t: c for t, c in (chords or {}).items() if start_tick <= t < end_tick}
    per = max(1, candidates) if inside else 1
    drawn = model.rewrite(melody, start_tick, end_tick, temperature, seed, samples=count * per)
    token.check()
    span = bars_label(start_tick, end_tick, melody.ticks_per_bar)
    melodies, fitted = _takes(drawn, count, inside)
    for i, m in enumerate(melodies):
        m.name = f"{span.capitalize()}, take {i + 1} (seed {seed + i}; the rest: {melody.name or 'the melody'})"
    meta = {"seed": seed, "temperature": temperature, "start_tick": start_tick, "end_tick": end_tick} | fitted
    return JobResult(melodies, [m.name for m in melodies], encode_melodies(model, melodies, token), meta)


def vary_melody(model, melody: Melody, count: int = 4, amount: float = 0.3, temperature: float = 0.0,
                seed: int = 0, cancel: CancelToken | None = None, chords: dict[int, str] | None = None,
                candidates: int = CHORD_CANDIDATES) -> JobResult:
    """``count`` variations of the whole melody, each ``amount`` of the way from it to a new one
    (``TrainedModel.vary``; variation i: seed ``seed + i``). With ``chords``, each is the best fit to
    them of ``candidates`` (the first is the one drawn without chords)."""
    if not melody.notes:
        raise ValueError("the melody has no notes to vary")
    if count < 1:
        raise ValueError("ask for at least one variation")
    token = _token(cancel)
    token.check()
    per = max(1, candidates) if chords else 1
    drawn = model.vary(melody, amount, temperature, seed, samples=count * per)
    token.check()
    melodies, fitted = _takes(drawn, count, chords)
    for i, m in enumerate(melodies):
        m.name = f"Varied {amount:.2f}, {i + 1} (seed {seed + i}; from {melody.name or 'the melody'})"
    meta = {"seed": seed, "amount": amount, "temperature": temperature} | fitted
    return JobResult(melodies, [m.name for m in melodies], encode_melodies(model, melodies, token), meta)


def interpolate(model, a: Melody | np.ndarray, b: Melody | np.ndarray, steps: int = 5, temperature: float = 0.0,
                seed: int = 0, keep_ends: bool = True, cancel: CancelToken | None = None) -> JobResult:
    """``steps`` melodies from A to B along the great circle between their latents.

    A and B are melodies or latents (map points). Two melodies go phrase by phrase through the phrase model
    where there is one (``TrainedModel.interpolate_melodies``): whole melodies, each phrase moving from A's to
    B's, A and B themselves at the ends. Otherwise the melodies are encoded first, and with ``keep_ends`` a
    melody endpoint is returned as itself (its first model-length window) rather than as its reconstruction.
    """
    if steps < 2:
        raise ValueError("an interpolation needs at least 2 steps")
    token = _token(cancel)
    if isinstance(a, Melody) and isinstance(b, Melody) and keep_ends:
        for end in (a, b):
            if not end.notes:
                raise ValueError("an interpolation end has no notes")
        token.check()
        by_phrase = model.interpolate_melodies(a, b, steps, temperature, seed)
        if by_phrase is not None:  # the whole melodies, phrase by phrase: every note of both ends kept
            ts = np.linspace(0.0, 1.0, steps)
            for i, m in enumerate(by_phrase):
                m.name = f"Step {i + 1}/{steps}"
            return JobResult(by_phrase, [m.name for m in by_phrase], encode_melodies(model, by_phrase, token),
                             {"t": ts.tolist(), "phrases": True})
    ends = []
    for end in (a, b):
        token.check()
        if isinstance(end, Melody):
            if not end.notes:
                raise ValueError("an interpolation end has no notes")
            ends.append(model.encode([end])[0][0])
        else:
            z = np.asarray(end, dtype=np.float32).reshape(-1)
            if z.shape[0] != model.cfg.latent_dim:
                raise ValueError(f"latent has {z.shape[0]} values, the model expects {model.cfg.latent_dim}")
            ends.append(z)
    ts = np.linspace(0.0, 1.0, steps)
    latents = np.stack([slerp(ends[0], ends[1], float(t)) for t in ts]).astype(np.float32)
    like = a if isinstance(a, Melody) else None
    melodies = []
    for i, z in enumerate(latents):
        token.check()
        end = a if i == 0 else b if i == steps - 1 else None
        if keep_ends and isinstance(end, Melody):
            m = end.bars(0, model.bars)
        else:
            m = model.decode(z[None], temperature, seed + i, like)[0]
        m.name = f"Step {i + 1}/{steps}"
        melodies.append(m)
    return JobResult(melodies, [m.name for m in melodies], latents, {"t": ts.tolist()})


def shift_attribute(model, melody: Melody, slider: str, amount: float,
                    cancel: CancelToken | None = None) -> JobResult:
    """Move the melody's latent by ``amount`` times an attribute vector (slider: density/pitch/syncopation)."""
    if slider not in ATTRIBUTES:
        raise ValueError(f"unknown attribute slider {slider!r} (one of {', '.join(ATTRIBUTES)})")
    if not melody.notes:
        raise ValueError("the melody has no notes to change")
    name = ATTRIBUTES[slider][0]
    if name not in model.attribute_vectors:
        raise ValueError(f"this model has no '{name}' attribute vector")
    token = _token(cancel)
    token.check()
    out = model.shift_attribute(melody, name, float(amount))
    out.name = f"{melody.name} ({ATTRIBUTES[slider][1]} {amount:+.2f})"
    return JobResult([out], [out.name], encode_melodies(model, [out], token), {"amount": amount})


def shift_attributes(model, melody: Melody, amounts: dict[str, float],
                     cancel: CancelToken | None = None) -> JobResult:
    """All sliders at once: the melody's latent plus the sum of ``amount * vector`` (one decode)."""
    if not melody.notes:
        raise ValueError("the melody has no notes to change")
    token = _token(cancel)
    z = encode_melodies(model, [melody], token)[0].copy()
    for slider, amount in amounts.items():
        if slider not in ATTRIBUTES:
            raise ValueError(f"unknown attribute slider {slider!r} (one of {', '.join(ATTRIBUTES)})")
        name = ATTRIBUTES[slider][0]
        if amount and name not in model.attribute_vectors:
            raise ValueError(f"this model has no '{name}' attribute vector")
        if amount:
            z += float(amount) * model.attribute_vectors[name]
    token.check()
    out = model.decode(z[None], 0.0, None, melody)[0]
    out.name = melody.name
    return JobResult([out], [out.name], z[None].astype(np.float32), {"amounts": dict(amounts)})


def decode_latent(model, z: np.ndarray, like: Melody | None = None, cancel: CancelToken | None = None) -> Melody:
    """The greedy melody of one latent (what the map's handle plays)."""
    _token(cancel).check()
    return model.decode(np.asarray(z, dtype=np.float32)[None], 0.0, None, like)[0]
