"""``TrainedModel``: the facade the GUI, the CLI and Lo-Fi mode call (after MusicVAE's TrainedModel).

It speaks melodies, not tensors: ``encode``, ``decode``, ``sample``, ``interpolate``,
``continue_``, ``reconstruct`` and attribute shifts all take and return :class:`Melody`.
The model is loaded once; every call holds a lock, so a GUI worker thread and the main
thread can share one instance safely.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from ..model.checkpoint import CheckpointError, load_model
from ..model.config import PHRASE_ROLE, config_role, config_time_signature
from ..models_registry import bundled_model_dir, bundled_phrase_model_dir
from ..music.events import HOLD, NOTE_OFF, PITCH_OFFSET, events_to_notes, melody_to_events
from ..music.melody import TICKS_PER_STEP, Melody
from ..music.tidy import tidied
from .attributes import ATTRIBUTES_FILE, load_attribute_vectors
from .device import pick_device
from .interpolation import slerp
from .phrases import PhraseCodec, PhraseError

DEFAULT_MODEL_NAME = "melody_16bar"

# Fitting a latent to the notes a melody keeps (continue_, rewrite): Adam in latent space from a few starts.
FIT_RESTARTS = 4  # starting points: the encoder's guesses, then prior samples up to this many
FIT_ITERATIONS = 30  # Adam steps from each start
FIT_LR = 0.05  # Adam's step size in latent space (unit-variance prior)


def default_model_dir(time_signature: tuple[int, int] | None = None) -> Path:
    """The bundled model; given a melody's meter, the bundled model whose bars fit it (a 3/4 melody: the
    3/4 model), else the default 4/4 one (``models_registry.bundled_model_dir``)."""
    return bundled_model_dir(time_signature)


class TrainedModel:
    def __init__(self, folder: str | Path | None = None, device: str | None = "auto",
                 phrases: str | Path | None = "auto"):
        """``phrases``: the phrase model that carries a user's melody through this one (``engine.phrases``):
        "auto" the bundled one for this model's meter, a folder, or None for none (every verb then encodes
        whole windows of this model, as before phrase models)."""
        self.folder = Path(folder) if folder else default_model_dir()
        self.device = pick_device(device)
        self.model, self.config = load_model(self.folder, self.device)
        self.cfg = self.model.cfg
        self.attribute_vectors = load_attribute_vectors(self.folder / ATTRIBUTES_FILE)
        self._lock = threading.RLock()
        self._phrase_choice = phrases
        self._phrases: PhraseCodec | None = None
        self._phrases_loaded = False
        self.phrase_problem: str | None = None  # why a phrase model that should be there is not (a broken folder)

    # ------------------------------------------------------------------ geometry helpers
    @property
    def bars(self) -> int:
        return self.cfg.bars

    @property
    def steps_per_bar(self) -> int:
        return self.cfg.steps_per_bar

    @property
    def time_signature(self) -> tuple[int, int]:
        """The meter this model learnt: ``time_signature`` in config.json, else read from its bar length
        (16 steps: 4/4, 12: 3/4). What it writes is labelled with it."""
        return config_time_signature({**self.config, "model": {"steps_per_bar": self.steps_per_bar}})

    @property
    def is_phrase_model(self) -> bool:
        return config_role(self.config) == PHRASE_ROLE

    @property
    def phrases(self) -> PhraseCodec | None:
        """The phrase codec for this model's melodies, loaded on first use: this model itself when it is a phrase
        model; else the one chosen at construction (the bundled one for its meter by default). None when there
        is none for the meter or it cannot be loaded (``phrase_problem`` then says why)."""
        with self._lock:
            if not self._phrases_loaded:
                self._phrases_loaded = True
                self._phrases = self._load_phrases()
            return self._phrases

    def _load_phrases(self) -> PhraseCodec | None:
        if self.is_phrase_model:
            return PhraseCodec(self)
        choice = self._phrase_choice
        if choice is None:
            return None
        folder = bundled_phrase_model_dir(self.time_signature) if choice == "auto" else Path(choice)
        if folder is None:
            return None
        try:
            codec = PhraseCodec(TrainedModel(folder, str(self.device), phrases=None))
        except (CheckpointError, OSError, ValueError, RuntimeError) as exc:
            self.phrase_problem = f"the phrase model in {folder} cannot be loaded ({exc}); melodies are encoded " \
                                  f"by {self.name} alone"
            if choice != "auto":
                raise PhraseError(self.phrase_problem) from None
            return None
        if codec.steps_per_bar != self.steps_per_bar:
            self.phrase_problem = f"the phrase model in {folder} has {codec.steps_per_bar}-step bars, " \
                                  f"{self.name} {self.steps_per_bar}: not used"
            return None
        return codec

    @property
    def name(self) -> str:
        return self.config.get("name", self.folder.name)

    @property
    def sample_temperature(self) -> float:
        """The temperature at which this model's prior samples came out most like real melodies, as
        ``model_training.evaluate_model`` measured it (``sample_temperature`` in config.json; else 1.0).
        Generate and Continue start from it."""
        try:
            return float(self.config.get("sample_temperature", 1.0))
        except (TypeError, ValueError):
            return 1.0

    def _tokens(self, melody: Melody, first_bar: int = 0, bars: int | None = None) -> np.ndarray:
        bars = self.bars if bars is None else bars
        return melody_to_events(melody, bars * self.steps_per_bar, first_bar * self.steps_per_bar)

    def _melody(self, tokens, like: Melody | None = None) -> Melody:
        like = like or Melody(time_signature=self.time_signature)
        return Melody(events_to_notes(np.asarray(tokens)), like.qpm, like.time_signature, like.program, like.name)

    def _generator(self, seed: int | None) -> torch.Generator:
        g = torch.Generator(device=self.device)
        g.manual_seed(int(seed) if seed is not None else int(torch.randint(0, 2**31 - 1, (1,)).item()))
        return g

    # ------------------------------------------------------------------ core operations
    def encode_tokens(self, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with self._lock, torch.no_grad():
            t = torch.as_tensor(np.asarray(tokens), dtype=torch.long, device=self.device)
            mu, sigma = self.model.encode(t)
        return mu.cpu().numpy(), sigma.cpu().numpy()

    def encode(self, melodies: list[Melody]) -> tuple[np.ndarray, np.ndarray]:
        """Latent means and std-devs of each melody's first model-length window."""
        return self.encode_tokens(np.stack([self._tokens(m) for m in melodies]))

    def decode_tokens(self, z: np.ndarray, temperature: float = 0.0, seed: int | None = None,
                      force: np.ndarray | None = None) -> np.ndarray:
        with self._lock, torch.no_grad():
            zt = torch.as_tensor(np.atleast_2d(z), dtype=torch.float32, device=self.device)
            f = None if force is None else torch.as_tensor(np.atleast_2d(force), dtype=torch.long, device=self.device)
            out = self.model.decode(zt, temperature, self._generator(seed), f)
        return out.cpu().numpy()

    def decode(self, z: np.ndarray, temperature: float = 0.0, seed: int | None = None,
               like: Melody | None = None) -> list[Melody]:
        return [self._melody(t, like) for t in self.decode_tokens(z, temperature, seed)]

    def sample(self, n: int = 1, bars: int | None = None, temperature: float = 1.0,
               seed: int | None = None, qpm: float = 120.0, program: int = 0) -> list[Melody]:
        """``n`` melodies from the prior; longer than the model's length continues each one."""
        bars = bars or self.bars
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.cfg.latent_dim)).astype(np.float32)
        return self.melodies_from_latents(z, bars, temperature, seed,
                                          Melody(qpm=qpm, program=program, time_signature=self.time_signature))

    def melodies_from_latents(self, z: np.ndarray, bars: int, temperature: float, seed: int | None,
                              like: Melody) -> list[Melody]:
        """Decode latents to ``bars``-bar melodies: cut when shorter than the model, continued when longer; note
        lengths tidied as the corpus tidies sung ones (``music.tidy``: the shipped models learnt from untidied
        ones and write their 5-, 7- and 9-sixteenth notes)."""
        out = [tidied(m) for m in self.decode(z, temperature, seed, like)]
        if bars < self.bars:
            return [m.bars(0, bars) for m in out]
        if bars > self.bars:
            return [self.continue_(m, bars - self.bars, temperature, None if seed is None else seed + i + 1)
                    for i, m in enumerate(out)]
        return out

    def interpolate(self, a: Melody, b: Melody, steps: int = 7, temperature: float = 0.0,
                    seed: int | None = None) -> list[Melody]:
        """``steps`` melodies along the great circle between the latent means of a and b (ends included)."""
        if steps < 2:
            raise ValueError("an interpolation needs at least 2 steps")
        mu, _ = self.encode([a, b])
        z = np.stack([slerp(mu[0], mu[1], t) for t in np.linspace(0.0, 1.0, steps)]).astype(np.float32)
        return self.decode(z, temperature, seed, a)

    def phrases_for(self, melody: Melody) -> PhraseCodec | None:
        """The phrase codec when it can carry ``melody`` (its bars fit the phrase model's), else None: the verbs
        then work on whole windows of this model, as they did before phrase models."""
        codec = self.phrases
        if codec is None:
            return None
        try:
            codec.check_meter(melody)
        except PhraseError:
            return None
        return codec

    def _span_wise(self, codec: PhraseCodec, melody: Melody, fn, count: int = 1) -> list[Melody]:
        """``fn(part) -> count melodies`` on each run of bars of one meter that the phrase model writes in
        (``generation.meter_plan``: no phrase spans a meter change or starts in a pickup); the notes of every
        other run (a pickup, bars of another meter, a bar cut short) are kept as they are. A melody in one
        meter from its first bar is one run: ``fn(melody)`` itself."""
        from ..generation.meter_plan import meter_plan

        plan = meter_plan(melody, codec.steps_per_bar, codec.time_signature)
        if not plan.kept and len(plan.written) == 1 and plan.written[0].start_tick == 0:
            return fn(melody)
        notes: list[list] = [[] for _ in range(count)]
        for span in plan.spans:
            inside = [n for n in melody.notes if span.start_tick <= n.start < span.end_tick]
            if span in plan.written and inside:
                part = melody.window(span.start_tick, span.end_tick)
                for k, done in enumerate(fn(part)[:count]):
                    notes[k] += [n.moved(dt=span.start_tick) for n in done.notes]
            else:
                for k in range(count):
                    notes[k] += inside
        return [melody.copy(n) for n in notes]

    def reconstruct(self, melody: Melody) -> Melody:
        """The melody as the model keeps it: phrase by phrase through the phrase model (``engine.phrases``) where
        there is one for its meter, else each model-length window encoded and decoded greedily."""
        if not melody.notes:
            raise PhraseError("the melody has no notes to encode")
        codec = self.phrases_for(melody)
        if codec is not None:
            return self._span_wise(codec, melody, lambda part: [codec.reconstruct(part)])[0]
        n_bars = max(1, melody.num_bars)
        windows = list(range(0, n_bars, self.bars))
        toks = np.stack([self._tokens(melody, w) for w in windows])
        mu, _ = self.encode_tokens(toks)
        out = self.decode_tokens(mu)
        flat = np.concatenate(list(out))[: n_bars * self.steps_per_bar]
        return self._melody(flat, melody)

    # ------------------------------------------------------------------ continuation
    def fit_latent(self, prompt_tokens: np.ndarray, prompt_steps: int, restarts: int = FIT_RESTARTS,
                   iterations: int = FIT_ITERATIONS, seed: int = 0) -> np.ndarray:
        """The latent under which the decoder best reproduces the first ``prompt_steps`` tokens.

        Starts from the encoder's guess, the prompt repeated to a whole window and a few prior
        samples (see :meth:`fit_latent_masked`)."""
        T = self.cfg.num_steps
        tokens = np.full(T, HOLD, dtype=np.int64)
        tokens[:prompt_steps] = prompt_tokens[:prompt_steps]
        tiled = np.resize(prompt_tokens[:prompt_steps], T)  # the prompt repeated: a plausible full window
        mask = np.zeros(T, dtype=bool)
        mask[:prompt_steps] = True
        return self.fit_latent_masked(tokens, mask, restarts, iterations, seed, extra_starts=[tiled])

    def fit_latent_masked(self, tokens: np.ndarray, mask: np.ndarray, restarts: int = FIT_RESTARTS,
                          iterations: int = FIT_ITERATIONS, seed: int = 0, extra_starts=()) -> np.ndarray:
        """The latent under which the decoder best reproduces ``tokens`` where ``mask`` is true.

        Starts from the encoder's guess for ``tokens`` (and for each of ``extra_starts``) and prior
        samples up to ``restarts`` in all, then climbs log p(tokens[mask] | z) - |z|^2 / 2 with Adam;
        returns the best z found. The masked-out steps are free: a continuation's future, the bars
        a rewrite replaces."""
        T = self.cfg.num_steps
        with self._lock:
            rng = np.random.default_rng(seed)
            guesses = np.stack([np.asarray(tokens, dtype=np.int64), *[np.asarray(e, np.int64) for e in extra_starts]])
            mu, _ = self.encode_tokens(guesses)
            starts = np.concatenate([mu, rng.standard_normal((max(0, restarts - len(mu)), mu.shape[1]))])
            z = torch.tensor(starts.astype(np.float32), device=self.device, requires_grad=True)
            tok = torch.as_tensor(np.asarray(tokens, dtype=np.int64), device=self.device).expand(len(starts), -1)
            m = torch.as_tensor(np.asarray(mask, dtype=np.float32).reshape(T), device=self.device)
            opt = torch.optim.Adam([z], lr=FIT_LR)
            for p in self.model.parameters():
                p.requires_grad_(False)
            try:
                for _ in range(iterations):
                    opt.zero_grad()
                    score = self.model.prompt_log_likelihood(z, tok, m) - 0.5 * z.pow(2).sum(-1)
                    (-score.sum()).backward()
                    opt.step()
                with torch.no_grad():
                    score = self.model.prompt_log_likelihood(z, tok, m) - 0.5 * z.pow(2).sum(-1)
            finally:
                for p in self.model.parameters():
                    p.requires_grad_(True)
            return z[int(score.argmax())].detach().cpu().numpy()

    # ------------------------------------------------------------------ rewriting bars
    def rewrite(self, melody: Melody, start_tick: int, end_tick: int, temperature: float = 1.0,
                seed: int | None = None, samples: int = 1, restarts: int = FIT_RESTARTS,
                iterations: int = FIT_ITERATIONS, by_phrase: bool | None = None) -> list[Melody]:
        """``samples`` versions of ``melody`` whose notes in ``[start_tick, end_tick)`` are new and fit
        the music around them; every note outside that span is kept exactly.

        One window of this model writes the span, as follows; a span longer than that window holds goes
        through the phrase model (:meth:`_rewrite_phrases`), as does any span with ``by_phrase=True``. Not by
        default: on 20 held-out melodies (``benchmarks/bench_rewrite.py``), bars 7-8 rewritten by the phrase
        model had 69% of their notes in the song's key against 99% from this model's fitted window (real
        bars: 99%): a phrase latent carries a phrase note for note, and the free half of a window fitted to
        the other half is not a melody, where this model's smoother latent writes one.
        One model window (``bars`` bars) holds the span with as much context on both sides as fits.
        The latent is fitted to that context alone (:meth:`fit_latent_masked`), the decoder is held
        to it step by step, and only the span's steps are sampled. Sample k uses seed ``seed + k``."""
        spb, T = self.steps_per_bar, self.cfg.num_steps
        s0, s1 = start_tick // TICKS_PER_STEP, -(-end_tick // TICKS_PER_STEP)
        if s1 <= s0:
            raise ValueError("choose at least one step to rewrite")
        too_long = s1 - s0 > T - spb
        codec = self.phrases_for(melody) if by_phrase or (by_phrase is None and too_long) else None
        if codec is not None and melody.notes:
            return self._rewrite_phrases(codec, melody, s0, s1, temperature, seed, samples)
        if too_long:
            raise ValueError(f"rewrite at most {self.bars - 1} bars at a time (this model holds {self.bars})")
        content = max(s1, -(-melody.end_tick // TICKS_PER_STEP))
        # the window: the span in the middle, moved back inside the melody where it would run past an end
        ws = (s0 - (T - (s1 - s0)) // 2) // spb * spb
        ws = max(0, -(-s1 // spb) * spb - T, min(ws, -(-content // spb) * spb - T))
        tokens = melody_to_events(melody, T, ws)
        span = np.zeros(T, dtype=bool)
        span[s0 - ws: s1 - ws] = True
        mask = ~span & (np.arange(T) + ws < content)
        blank = tokens.copy()
        blank[span] = HOLD
        blank[s0 - ws] = NOTE_OFF  # a rest where the new notes go: the guess must not read the old ones
        seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
        z = self.fit_latent_masked(blank, mask, restarts, iterations, seed) if mask.any() else \
            np.random.default_rng(seed).standard_normal(self.cfg.latent_dim).astype(np.float32)
        force = np.where(span, -1, tokens)
        velocity = _typical_velocity(melody)
        out = []
        for k in range(max(1, samples)):
            new = self.decode_tokens(z, temperature, seed + k, force)[0][s0 - ws: s1 - ws]
            out.append(_spliced(melody, new, s0, s1, velocity))
        return out

    def _rewrite_phrases(self, codec: PhraseCodec, melody: Melody, s0: int, s1: int, temperature: float,
                         seed: int | None, samples: int) -> list[Melody]:
        """Rewrite steps ``[s0, s1)`` through the phrase model, window by window from left to right: each window
        starts a bar before the steps it writes (so it runs on from the music before them: the melody's, or
        what the window before it wrote), its latent fitted to the steps it keeps (``fit_latent_masked``), or,
        with nothing to keep, half way between the phrases on either side; the decoder is held to the kept
        steps and samples the rest. The last window is drawn a few times and the version that leads best into
        the note after the span is kept. Every note outside the span stays."""
        seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
        code = codec.encode(melody)
        T, bar = codec.window_steps, codec.steps_per_bar
        content = -(-melody.end_tick // TICKS_PER_STEP)
        stream = melody_to_events(melody, max(content, s1) + T)
        after = next((int(t) - PITCH_OFFSET for t in stream[s1:] if t >= PITCH_OFFSET), None)
        live = [i for i, e in enumerate(code.empty) if not e]
        velocity = _typical_velocity(melody)
        out = []
        for k in range(max(1, samples)):
            rng = np.random.default_rng(seed + k)
            tokens = stream.copy()
            pos = s0
            while pos < s1:
                w0 = max(0, pos - bar) if pos >= bar else 0
                steps = np.arange(T) + w0
                span = (steps >= pos) & (steps < s1)
                keep = ~span & (steps < max(s1, content))
                window = tokens[w0:w0 + T].copy()
                if keep.any() and (window[keep] >= PITCH_OFFSET).any():
                    blank = window.copy()
                    blank[span] = HOLD
                    blank[int(np.argmax(span))] = NOTE_OFF
                    z = codec.model.fit_latent_masked(blank, keep, 3, 20, int(rng.integers(2**31)))
                else:  # nothing to keep: between the phrases around it
                    before = [i for i in live if code.starts[i] + T <= w0]
                    later = [i for i in live if code.starts[i] >= w0 + T]
                    ends = [code.mu[before[-1]]] if before else []
                    ends += [code.mu[later[0]]] if later else []
                    z = slerp(ends[0], ends[-1], 0.5) if ends else rng.standard_normal(code.mu.shape[1])
                    z = slerp(np.asarray(z, np.float32), rng.standard_normal(len(z)).astype(np.float32), 0.2)
                force = np.where(span, -1, window)
                last = pos + T - (pos - w0) >= s1
                tries = 4 if last and after is not None else 1
                zs = np.repeat(np.asarray(z, np.float32)[None], tries, 0)
                versions = [codec.model.decode_tokens(zs[j], temperature, int(rng.integers(2**31)), force)[0]
                            for j in range(tries)]
                b = min(s1, w0 + T)
                new = min(versions, key=lambda v: _lead_in(v[pos - w0:b - w0], after))
                tokens[pos:b] = new[pos - w0:b - w0]
                pos = b
            out.append(_spliced(melody, tokens[s0:s1], s0, s1, velocity))
        return out

    def continue_(self, prompt: Melody, bars: int = 8, temperature: float = 1.0, seed: int | None = None) -> Melody:
        """The prompt (kept exactly, padded to a whole bar) followed by ``bars`` new bars of its own meter.

        The model counts its own bars (16 steps in the 4/4 model, 12 in the 3/4 and 6/8 ones); the prompt's
        bars may be shorter or longer (a 2/4 bar has 8 steps, a 3/4 bar 12),
        so the work is in steps: the new material starts on the prompt's next barline and lasts
        ``bars`` of its bars. Each round fits a latent to as much context as a window holds."""
        if bars <= 0:
            return prompt.copy()
        spb, window = self.steps_per_bar, self.cfg.num_steps
        bar_steps = last_bar_steps(prompt)  # the prompt's last bar in 16ths: 16 in 4/4, 12 in 3/4
        # the new bars start on the barline after the last note, along the meter map (a pickup, meter changes)
        have = max(prompt.bars_end_tick // TICKS_PER_STEP, bar_steps)
        tokens = list(melody_to_events(prompt, have, 0))
        seed_base = seed if seed is not None else int(np.random.default_rng().integers(2**31))
        remaining, round_no = bars * bar_steps, 0
        while remaining > 0:
            # context: whole model bars, at least half a window, leaving room for what is still to come
            ctx = min(len(tokens), window - spb, max(window - remaining, window // 2)) // spb * spb
            new = min(remaining, window - ctx)
            context = np.asarray(tokens[len(tokens) - ctx:], dtype=np.int64)
            z = self.fit_latent(context, ctx, seed=seed_base + round_no)
            force = np.full(window, -1, dtype=np.int64)
            force[:ctx] = context
            out = self.decode_tokens(z, temperature, seed_base + round_no, force)[0]
            tokens += list(out[ctx: ctx + new])
            remaining -= new
            round_no += 1
        result = tidied(self._melody(np.asarray(tokens[have:]), prompt))
        offset = have * TICKS_PER_STEP
        return prompt.copy(list(prompt.notes) + [n.moved(dt=offset) for n in result.notes])

    # ------------------------------------------------------------------ variations of a melody
    def vary(self, melody: Melody, amount: float = 0.3, temperature: float = 0.0, seed: int | None = None,
             samples: int = 1) -> list[Melody]:
        """``samples`` variations of the whole ``melody``: each phrase's latent (``engine.phrases``; without a
        phrase model, each model-length window's) moved ``amount`` of the way along the great circle towards a
        random point of the prior, and decoded. Phrases that are the same in the melody move towards the same
        point, so what repeats still repeats. 0 gives the melody as the model keeps it, 1 an unrelated melody;
        the tempo, meter, sound and chords stay the melody's. Sample k uses seed ``seed + k``."""
        if not 0.0 <= amount <= 1.0:
            raise ValueError("the amount of variation goes from 0 (the melody itself) to 1 (a new melody)")
        seed = int(np.random.default_rng().integers(2**31)) if seed is None else int(seed)
        velocity = _typical_velocity(melody)
        codec = self.phrases_for(melody)
        if codec is not None and melody.notes:
            def vary_part(part: Melody) -> list[Melody]:
                code = codec.encode(part)
                same = _repeat_groups(code.tokens)
                out = []
                for k in range(max(1, samples)):
                    prior = np.random.default_rng(seed + k).standard_normal(code.mu.shape).astype(np.float32)[same]
                    z = np.stack([slerp(m, p, amount) for m, p in zip(code.mu, prior, strict=True)]).astype(np.float32)
                    tokens = code.joined(codec.decode_windows(code.with_latents(z), temperature, seed + k))
                    out.append(part.copy(events_to_notes(tokens, velocity)))
                return out
            return self._span_wise(codec, melody, vary_part, max(1, samples))
        T = self.cfg.num_steps
        steps = max(1, -(-melody.end_tick // TICKS_PER_STEP))
        starts = list(range(0, steps, T))
        mu, _ = self.encode_tokens(np.stack([melody_to_events(melody, T, s) for s in starts]))
        out = []
        for k in range(max(1, samples)):
            prior = np.random.default_rng(seed + k).standard_normal(mu.shape).astype(np.float32)
            z = np.stack([slerp(m, p, amount) for m, p in zip(mu, prior, strict=True)]).astype(np.float32)
            tokens = np.concatenate(list(self.decode_tokens(z, temperature, seed + k)))[:steps]
            out.append(melody.copy(events_to_notes(tokens, velocity)))
        return out

    def interpolate_melodies(self, a: Melody, b: Melody, steps: int = 5, temperature: float = 0.0,
                             seed: int | None = None) -> list[Melody] | None:
        """``steps`` melodies from ``a`` to ``b`` phrase by phrase (each phrase's latent slerped from a's to b's;
        the shorter melody's phrases come round again), ``a`` and ``b`` themselves at the ends; None when the
        phrase model cannot carry both (the caller then interpolates whole-model latents). A phrase that is
        silent on one side is that side's silence for the first half of the way, the other's phrase after."""
        codec_a, codec_b = self.phrases_for(a), self.phrases_for(b)
        if codec_a is None or codec_b is None or not a.notes or not b.notes:
            return None
        codec = codec_a
        ca, cb = codec.encode(a), codec.encode(b)
        longer, n = (ca, len(ca)) if ca.total_steps >= cb.total_steps else (cb, len(cb))
        idx_a, idx_b = np.arange(n) % len(ca), np.arange(n) % len(cb)
        out = []
        for i, t in enumerate(np.linspace(0.0, 1.0, steps)):
            if i == 0 or i == steps - 1:
                out.append((a if i == 0 else b).copy())
                continue
            z = np.zeros_like(longer.mu)
            tokens = np.zeros_like(longer.tokens)
            empty = np.zeros(n, bool)
            for j in range(n):
                ea, eb = ca.empty[idx_a[j]], cb.empty[idx_b[j]]
                if ea and eb or (ea and t < 0.5) or (eb and t >= 0.5):
                    empty[j] = True
                    tokens[j] = (ca if (ea and t < 0.5) or (ea and eb) else cb).tokens[idx_a[j] if ea else idx_b[j]]
                elif ea or eb:
                    z[j] = (cb.mu[idx_b[j]] if ea else ca.mu[idx_a[j]])
                else:
                    z[j] = slerp(ca.mu[idx_a[j]], cb.mu[idx_b[j]], float(t))
            code = replace(longer, mu=z.astype(np.float32), tokens=tokens, empty=empty)
            joined = code.joined(codec.decode_windows(code, temperature, None if seed is None else seed + i))
            out.append(a.copy(events_to_notes(joined, _typical_velocity(a))))
        return out

    # ------------------------------------------------------------------ attributes
    def shift_attribute(self, melody: Melody, attribute: str, amount: float) -> Melody:
        """Move the melody's latent along an attribute vector (e.g. ``note_density``) and decode."""
        if attribute not in self.attribute_vectors:
            known = ", ".join(sorted(self.attribute_vectors)) or "none"
            raise KeyError(f"unknown attribute {attribute!r} (this model has: {known})")
        mu, _ = self.encode([melody])
        z = mu[0] + amount * self.attribute_vectors[attribute]
        return self.decode(z[None], 0.0, None, melody)[0]


def last_bar_steps(melody: Melody) -> int:
    """16th steps in the bar the melody's last note is in (its meter map's meter there; 16 in 4/4, 12 in 3/4):
    the bars Continue adds are of that length."""
    if not melody.meters or not melody.notes:
        return -(-melody.ticks_per_bar // TICKS_PER_STEP)
    num, den = melody.meter_map.meter_at(max(0, melody.end_tick - 1))
    return max(1, (4 * 480 * num // den) // TICKS_PER_STEP)


def _lead_in(tokens: np.ndarray, next_pitch: int | None) -> float:
    """Semitones from the last note of ``tokens`` to ``next_pitch`` (0 when either is missing): a rewritten
    span should lead into the note after it as real melodies do, mostly by step."""
    onsets = np.flatnonzero(np.asarray(tokens) >= PITCH_OFFSET)
    if next_pitch is None or not onsets.size:
        return 0.0
    return abs(int(tokens[onsets[-1]]) - PITCH_OFFSET - next_pitch)


def _repeat_groups(windows: np.ndarray) -> np.ndarray:
    """For each window, the index of the first window with the same tokens (itself when it is the first)."""
    first: dict[bytes, int] = {}
    return np.asarray([first.setdefault(w.tobytes(), i) for i, w in enumerate(windows)])


def _typical_velocity(melody: Melody) -> int:
    """The velocity new notes take among the melody's (its median), so they sound as loud as the rest."""
    return int(np.median([n.velocity for n in melody.notes])) if melody.notes else 100


def _spliced(melody: Melody, tokens: np.ndarray, s0: int, s1: int, velocity: int) -> Melody:
    """``melody`` with the steps ``[s0, s1)`` replaced by the notes of ``tokens``: notes before the span are
    cut at its start (one the new tokens hold over continues), notes after it are kept as they are."""
    start, end = s0 * TICKS_PER_STEP, s1 * TICKS_PER_STEP
    tokens = np.asarray(tokens)
    held = int(np.argmax(tokens != HOLD)) if (tokens != HOLD).any() else len(tokens)  # a leading tie
    before = []
    for n in melody.notes:
        if n.start < start:
            cut = min(n.end, start)
            if cut == start and held:  # the model holds the note that sounds into the span
                cut = start + held * TICKS_PER_STEP
            before.append(replace(n, end=cut))
    after = [n for n in melody.notes if n.start >= end]
    new = events_to_notes(tokens, velocity, s0)
    return melody.copy(before + new + after)
