"""The endless phrase generator behind Lo-Fi mode.

Each phrase is one model window of melody (4 bars for a 4-bar model, 16 for the default
model), moved into the session's key, given chords that fit it and a band around it.
Consecutive phrases connect in one of two ways:

* ``"walk"``: a slow random walk in latent space, ``z <- normalise(z + speed * noise)``,
  pulled toward the user's melody by ``z <- (1 - a) z + a z_anchor``; cheap (one decode).
* ``"continue"``: the second half of the previous phrase is forced as the decoder's
  prefix and a latent fitted to it continues it (the algorithm of
  :meth:`TrainedModel.continue_`, with a smaller search budget that halves whenever a
  phrase took more than ``CONTINUE_BUDGET`` of its playing time, down to the encoder's
  latent alone, so it keeps up in real time on a slow CPU).

With a ``form`` (``"AABA"`` by default) the phrases follow it round and round, so the stream has a tune
that comes back: the first time a label comes its phrase is new (walk or continue, as above) and is
kept as that label's material; when the label comes again, the material is played varied (its second
half moved in the phrase model's latent space, ``FormComposer.vary``, further each time round) and the
last phrase of the loop closes on the tonic. Every second time round the material itself develops (a
latent-walk step from it), and no phrase ever repeats exactly. ``form="free"`` is the stream without one.

A background thread keeps up to ``ahead`` phrases ready in a bounded queue, so playback
never waits on the model; no phrase is ever repeated exactly (a digest of every phrase is
kept; a duplicate is resampled, and as a last resort nudged by one scale step).
"""

from __future__ import annotations

import hashlib
import math
import queue
import threading
import time
from dataclasses import dataclass, field, replace

import numpy as np

from ..generation.form import FULL
from ..music.events import events_to_notes, melody_to_events
from ..music.melody import TICKS_PER_QUARTER, Melody, Note
from ..music.meter import is_compound
from ..music.tidy import tidied
from .band import BandParts, BandStyle, arrange
from .harmony import ChordSlot, Key, best_transposition, choose_chords, estimate_key

MODES = ("walk", "continue")
LOOP_FORMS = ("AABA", "ABAB", "AABB", "ABAC", "free")  # the Endless dock's and `mguv lofi --form`'s choices
LOOP_FORM_LABELS = {"free": "Free (every phrase new)"}
CONTINUE_BUDGET = 0.35  # a continuation may take this share of its phrase's playing time, else it gets cheaper
LEAD_LOW, LEAD_HIGH = 62, 82  # the phrase's median pitch is kept in this range (by octaves)


@dataclass
class Phrase:
    """One generated phrase on the session timeline (ticks at 480 per quarter)."""

    index: int
    start_tick: int
    length_ticks: int
    melody: Melody  # straight (unswung), phrase-local, in the session key: what "freeze" hands out
    slots: list[ChordSlot]
    parts: BandParts  # the four arranged parts, phrase-local
    key: Key
    digest: str
    source: str
    gen_seconds: float
    tokens: np.ndarray = field(repr=False, default=None)
    form_label: str = ""  # where the phrase is in the stream's form ("A", "A'", "B"), "" without one
    form_position: tuple[int, int] = (0, 0)  # (phrase in the loop, phrases in the loop), (0, 0) without one

    @property
    def end_tick(self) -> int:
        return self.start_tick + self.length_ticks

    def seconds(self, bpm: float) -> float:
        return self.length_ticks * 60.0 / (bpm * TICKS_PER_QUARTER)


def fold(pitch: int, low: int = LEAD_LOW - 12, high: int = LEAD_HIGH + 12) -> int:
    """Octave-fold a stray note into the lead's range (a badly trained model can emit anything)."""
    while pitch < low:
        pitch += 12
    while pitch > high:
        pitch -= 12
    return pitch


def melody_digest(melody: Melody) -> str:
    data = ",".join(f"{n.start}:{n.end}:{n.pitch}" for n in melody.notes)
    return hashlib.blake2b(data.encode(), digest_size=12).hexdigest()


def normalise(z: np.ndarray) -> np.ndarray:
    """Back onto the shell where a standard-normal latent lives (|z| = sqrt(dim))."""
    n = float(np.linalg.norm(z))
    return z if n < 1e-8 else (z * math.sqrt(z.size) / n).astype(np.float32)


class LofiStream:
    """Endless Lo-Fi phrases from a :class:`~mguv_app.engine.TrainedModel`.

    ``next_phrase()`` returns the next phrase (from the background queue when
    :meth:`start` was called, else generated on the spot). Settings (mode, speed, anchor
    strength, temperature) may change at any time and apply to phrases generated after.
    """

    def __init__(self, model, seed: int = 0, mode: str = "walk", speed: float = 0.35,
                 anchor_melody: Melody | None = None, anchor_strength: float = 0.0,
                 style: BandStyle | None = None, temperature: float = 0.7, ahead: int = 2,
                 key: Key | None = None, fit_iterations: int = 6, form: str = "AABA"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        from ..generation.form import parse_form

        self.form = parse_form(form, 4)  # the labels only: a stream's phrases are the model's windows
        self.model = model
        self.seed = int(seed)
        self.mode = mode
        self.speed = float(speed)
        self.anchor_strength = float(anchor_strength)
        self.style = style or BandStyle()
        self.temperature = float(temperature)
        self.fit_iterations = int(fit_iterations)
        self._temperature_now = self.temperature
        self.rng = np.random.default_rng(self.seed)
        self.bars = model.bars
        self.spb = model.steps_per_bar
        self.ticks_per_bar = Melody().ticks_per_bar
        self.z_anchor = None
        self.key = key
        if anchor_melody is not None and anchor_melody.notes:
            self.z_anchor = model.encode([anchor_melody])[0][0].astype(np.float32)
            self.key = self.key or estimate_key(anchor_melody.notes)
        self.z = self.z_anchor.copy() if self.z_anchor is not None else None
        self.seen: set[str] = set()
        self.stats = {"phrases": 0, "resampled": 0, "nudged": 0, "empty": 0}
        self._prev: Phrase | None = None
        self._next_index = 0
        self._next_start = 0
        self._gen_lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, int(ahead)))
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.error: BaseException | None = None
        self.taken: list[Phrase] = []  # everything handed out: the recorded session
        # form label -> (tokens, latent, transposition into the session key) of its material
        self._material: dict[str, tuple[np.ndarray, np.ndarray, int]] = {}
        self._last_move = 0
        self._leftover: list[Phrase] = []  # generated when the thread was stopped with a full queue

    # ------------------------------------------------------------------ latent moves
    def _step_z(self, scale: float = 1.0) -> np.ndarray:
        dim = self.model.cfg.latent_dim
        if self.z is None:
            z = self.rng.standard_normal(dim).astype(np.float32)
        else:
            z = normalise(self.z + self.speed * scale * self.rng.standard_normal(dim).astype(np.float32))
        if self.z_anchor is not None and self.anchor_strength > 0:
            a = min(1.0, self.anchor_strength)
            z = ((1 - a) * z + a * self.z_anchor).astype(np.float32)
        return z

    def _walk_tokens(self, scale: float) -> tuple[np.ndarray, np.ndarray]:
        z = self._step_z(scale)
        seed = int(self.rng.integers(2**31))
        return self.model.decode_tokens(z[None], self._temperature_now, seed)[0], z

    def _continue_tokens(self, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """Continue the previous phrase: its last half bar-aligned as the forced prefix, 2 rounds."""
        if self._prev is None or self._prev.tokens is None:
            return self._walk_tokens(scale)
        spb, bars = self.spb, self.bars
        ctx = max(1, bars // 2)
        history = list(self._prev.tokens)
        new_tokens: list[int] = []
        z = self.z
        while len(new_tokens) < bars * spb:
            context = np.asarray((history + new_tokens)[-ctx * spb:], dtype=np.int64)
            if self.fit_iterations > 0:
                z = self.model.fit_latent(context, ctx * spb, restarts=2, iterations=self.fit_iterations,
                                          seed=int(self.rng.integers(2**31)))
            else:  # the cheapest continuation: the encoder's latent of the context, repeated over a window
                z = self.model.encode_tokens(np.resize(context, self.model.cfg.num_steps)[None])[0][0]
            if scale > 1.0:  # a resample after a duplicate: shake the fitted latent a little
                z = z + 0.2 * min(scale, 8.0) * self.rng.standard_normal(z.shape).astype(np.float32)
            if self.z_anchor is not None and self.anchor_strength > 0:
                a = min(1.0, self.anchor_strength)
                z = ((1 - a) * z + a * self.z_anchor).astype(np.float32)
            force = np.full(self.model.cfg.num_steps, -1, dtype=np.int64)
            force[: ctx * spb] = context
            out = self.model.decode_tokens(z, self._temperature_now, int(self.rng.integers(2**31)), force)[0]
            new_tokens += list(out[ctx * spb:])
        return np.asarray(new_tokens[: bars * spb], dtype=np.int64), np.asarray(z, dtype=np.float32)

    # ------------------------------------------------------------------ one phrase
    def _place(self, notes: list[Note], move: int | None = None) -> list[Note]:
        """Into the session key (smallest transposition) and a comfortable lead register; ``move``: a
        transposition decided before (a form's material comes back where it was first placed)."""
        if self.key is None:
            self.key = estimate_key(notes)
        if move is None:
            shift = best_transposition(notes, self.key)
            median = float(np.median([n.pitch for n in notes])) + shift
            octave = 12 * math.ceil((LEAD_LOW - median) / 12) if median < LEAD_LOW else (
                -12 * math.ceil((median - LEAD_HIGH) / 12) if median > LEAD_HIGH else 0)
            move = shift + octave
        self._last_move = move
        return [replace(n, pitch=fold(n.pitch + move)) for n in notes]

    def _in_key(self, notes: list[Note]) -> list[Note]:
        """Notes outside the session key moved to its nearest tone (down on a tie): the material of a form comes
        back several times, so a stray note in it would pull the whole tune out of its key."""
        scale = self.key.pitch_classes
        out = []
        for n in notes:
            if n.pitch % 12 not in scale:
                up, down = n.pitch + 1, n.pitch - 1
                n = replace(n, pitch=down if down % 12 in scale else up)
            out.append(n)
        return out

    def _nudge(self, melody: Melody) -> Melody:
        """Move the last note one scale step up: the last resort against an exact repeat."""
        notes = list(melody.notes)
        last = notes[-1]
        scale = sorted(self.key.pitch_classes)
        up = next(p for p in range(last.pitch + 1, last.pitch + 13) if p % 12 in scale)
        notes[-1] = replace(last, pitch=min(127, up))
        return melody.copy(notes)

    def _generate(self) -> Phrase:
        t0 = time.perf_counter()
        length = self.bars * self.ticks_per_bar
        like = dict(qpm=self.style.bpm, program=self.style.lead_program, name="Melody")
        melody, tokens, z, source = None, None, None, self.mode
        temperature = self.temperature
        label, position, cycle = self._form_place()
        for attempt in range(8):
            scale = 2.0 ** attempt  # each retry after a duplicate steps further and samples hotter
            self._temperature_now = temperature + 0.2 * attempt
            move = None
            if label and label.label in self._material:
                tokens, z = self._from_material(label, cycle, attempt)
                move = self._material[label.label][2]
                source = f"form {label.name}"
            elif self.mode == "continue" and self._prev is not None:
                tokens, z = self._continue_tokens(scale)
            else:
                tokens, z = self._walk_tokens(scale)
            notes = tidied(Melody([n for n in events_to_notes(tokens) if n.start < length])).notes
            if len(notes) < 2:
                self.stats["empty"] += 1
                continue
            placed = self._place(notes, move)
            if label is not None:  # a tune whose phrases come back: in the session's key throughout
                placed = self._in_key(placed)
            cand = Melody(placed, **like)
            if label is not None and label.cadence == FULL:
                cand = self._closed(cand)
                cand = cand.copy(self._in_key(cand.notes))
            if melody_digest(cand) in self.seen:
                self.stats["resampled"] += 1
                continue
            melody = cand
            break
        if melody is None:  # eight tries without a fresh phrase: nudge the last one heard
            base = self._prev.melody if self._prev is not None else Melody([Note(0, 960, 72)], **like)
            self.key = self.key or estimate_key(base.notes)
            melody = self._nudge(base)
            while melody_digest(melody) in self.seen:
                melody = self._nudge(melody)
            self.stats["nudged"] += 1
            tokens = melody_to_events(melody, self.bars * self.spb)
            source += " (nudged)"
        self.z = z if z is not None else self.z
        if label and label.label not in self._material and tokens is not None:
            self._material[label.label] = (np.asarray(tokens), np.asarray(z if z is not None else self.z),
                                           self._last_move)
        digest = melody_digest(melody)
        self.seen.add(digest)
        prev = self._prev
        slots = choose_chords(melody, self.key, length, prev.slots[-1].chord.degree if prev else None, self.rng)
        parts = arrange(melody, slots, length, self.style, self.rng,
                        prev.parts.voicing_end if prev else None, next_root=self.key.tonic)
        phrase = Phrase(self._next_index, self._next_start, length, melody, slots, parts, self.key, digest,
                        source, time.perf_counter() - t0, np.asarray(melody_to_events(melody, self.bars * self.spb)),
                        label.name if label else "", position)
        if self.mode == "continue" and prev is not None and self.fit_iterations > 0 and \
                phrase.gen_seconds > CONTINUE_BUDGET * phrase.seconds(self.style.bpm):
            self.fit_iterations //= 2  # falling behind real time: search less for the next continuation
            self.stats["fit_iterations"] = self.fit_iterations
        self._next_index += 1
        self._next_start += length
        self._prev = phrase
        self.stats["phrases"] += 1
        return phrase

    # ------------------------------------------------------------------ the form loop
    def _form_place(self):
        """(the form's phrase for the next phrase, (its place, the loop's length), how many times round) or
        (None, (0, 0), 0) without a form. Going round again, the material develops every second time."""
        if self.form is None:
            return None, (0, 0), 0
        n = len(self.form.phrases)
        i, cycle = self._next_index % n, self._next_index // n
        if i == 0 and cycle and cycle % 2 == 0:
            self._develop()
        return self.form.phrases[i], (i + 1, n), cycle

    def _develop(self) -> None:
        """Every label's material steps on (a latent-walk step from it, decoded greedily): the tune grows."""
        for label, (_, z, move) in list(self._material.items()):
            z2 = normalise(z + self.speed * self.rng.standard_normal(z.shape).astype(np.float32))
            tokens = self.model.decode_tokens(z2[None], 0.0, int(self.rng.integers(2**31)))[0]
            self._material[label] = (tokens, z2, move)

    def _from_material(self, phrase, cycle: int, attempt: int) -> tuple[np.ndarray, np.ndarray]:
        """A label's material again, varied: its second half anew, further each time round and each retry."""
        from ..generation.song_form import FormComposer

        tokens, z, move = self._material[phrase.label]
        composer = FormComposer(self.model)
        like = Melody(events_to_notes(tokens), time_signature=self.model.time_signature)
        composer._use(like)
        rng = np.random.default_rng([self.seed, self._next_index, attempt])
        amount = min(0.8, 0.3 + 0.1 * cycle + 0.1 * attempt)
        # the session key in the material's own pitches (it is moved by ``move`` into the session's key)
        key = ((self.key.tonic - move) % 12, "Major" if self.key.mode == "major" else "Natural minor") \
            if self.key else None
        return composer.vary(np.asarray(tokens).copy(), self.spb, rng, like, amount, key), z

    def _closed(self, melody: Melody) -> Melody:
        """The loop's last phrase ends on the session key's tonic (``FormComposer.cadence``)."""
        from ..generation.form import FULL
        from ..generation.song_form import FormComposer, cadence_targets, strong_positions

        composer = FormComposer(self.model)
        composer._use(melody)
        key = (self.key.tonic, "Major")
        tokens = melody_to_events(melody, self.bars * self.spb)
        strong = strong_positions(self.spb, is_compound(self.model.time_signature))
        rng = np.random.default_rng([self.seed, self._next_index, 7])
        out, _ = composer.cadence(tokens, self.spb, cadence_targets(FULL, key), strong, key, rng, melody)
        return melody.copy([replace(n, pitch=fold(n.pitch)) for n in events_to_notes(out)])

    def generate(self) -> Phrase:
        """One new phrase, now, in timeline order (thread-safe)."""
        with self._gen_lock:
            return self._generate()

    # ------------------------------------------------------------------ streaming
    def start(self) -> None:
        """Generate ahead in a background thread (idempotent)."""
        if self.running:
            return
        if self._thread is not None:  # stopped without waiting: let that thread finish first
            self._thread.join()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="mguv-lofi-stream", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                phrase = self.generate()
                while True:
                    try:
                        self._queue.put(phrase, timeout=0.1)
                        break
                    except queue.Full:
                        if self._stop.is_set():  # keep it: the timeline already counts it
                            self._leftover.append(phrase)
                            break
        except BaseException as exc:  # surfaced to the consumer by next_phrase()
            self.error = exc

    def stop(self, wait: bool = True) -> None:
        """Stop generating ahead. ``wait=False`` returns at once (the GUI must not freeze while a
        long phrase finishes; the thread exits after it)."""
        self._stop.set()
        if self._thread is not None and wait:
            self._thread.join(timeout=30)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    def ready(self) -> int:
        """Phrases generated and waiting."""
        return self._queue.qsize()

    def next_phrase(self, timeout: float | None = None) -> Phrase | None:
        """The next phrase in order (None only if ``timeout`` passed with none ready).

        Waits in short slices so a generator thread that died (its error is re-raised here)
        can never leave the caller blocked forever."""
        if self.running or not self._queue.empty():
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    phrase = self._queue.get(timeout=0.05 if timeout is None else
                                             max(0.0, min(0.05, deadline - time.monotonic())))
                    break
                except queue.Empty:
                    if not self.running and self._queue.empty():
                        self._raise_error()
                        phrase = self._after_thread()  # the thread was stopped: carry on here
                        break
                    if deadline is not None and time.monotonic() >= deadline:
                        self._raise_error()
                        return None
        else:
            self._raise_error()
            phrase = self._after_thread()
        self.taken.append(phrase)
        return phrase

    def _after_thread(self) -> Phrase:
        if self._thread is not None:
            self._thread.join()  # a stopped thread may still be finishing a phrase
        if not self._queue.empty():
            return self._queue.get()
        return self._leftover.pop(0) if self._leftover else self.generate()

    def _raise_error(self) -> None:
        if self.error is not None:
            raise RuntimeError(f"Lo-Fi generation failed: {self.error}") from self.error

    def ahead_of(self, playhead_tick: int) -> int:
        """Ticks of music already generated (handed out or waiting) past ``playhead_tick``."""
        return max(0, self._next_start - int(playhead_tick))

    def ticks_to_seconds(self, ticks: float) -> float:
        return ticks * 60.0 / (self.style.bpm * TICKS_PER_QUARTER)

    # ------------------------------------------------------------------ the session
    def freeze(self, index: int | None = None) -> Melody:
        """A handed-out phrase's melody (the last one by default), ready for the piano roll, with the chords
        the band played under it (``Melody.chords``)."""
        if not self.taken:
            raise LookupError("no phrase has been played yet")
        phrase = self.taken[-1] if index is None else next((p for p in self.taken if p.index == index), None)
        if phrase is None:
            raise LookupError(f"phrase {index} is not in this session")
        out = phrase.melody.copy()
        half = out.chord_slot_ticks  # the chords the band played under it, so the roll's Band plays them too
        out.chords = {t: s.chord.spelled(phrase.key) for s in phrase.slots for t in range(s.start, s.end, half)}
        return out

    def phrase_at(self, tick: int) -> Phrase | None:
        for p in reversed(self.taken):
            if p.start_tick <= tick < p.end_tick:
                return p
        return None

    def repeats(self) -> int:
        """Exact repeats among the handed-out phrases (0 by construction; measured by tests)."""
        return len(self.taken) - len({melody_digest(p.melody) for p in self.taken})

