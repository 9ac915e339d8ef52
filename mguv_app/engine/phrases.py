"""A whole melody through a phrase model: any length in, one latent per 2-bar phrase, and back.

Why: a 16-bar latent cannot hold a 16-bar tune (the 16-bar model keeps about three quarters of
the steps and under half of the note onsets of a tune it never saw), while a short phrase model
can (MusicVAE's most accurate melody model is its 2-bar one). So wherever the user's own melody
must survive — reconstruct, Vary, Rewrite, interpolating from it, the form planner's repeats —
the melody is cut into consecutive phrase windows and each is encoded on its own.

How a melody is cut (``PhraseCodec.layout``):

* The melody's token stream (one token per 16th, ``melody_to_events``) is cut into windows of the
  model's length (2 bars) from bar 1. A note held over a window's start reads as HOLD there, as in
  the training windows, and joining the decoded windows' tokens ties it over again.
* A last partial phrase (an odd bar count with a 2-bar model) is the tail of a window that starts
  one bar earlier, overlapping the one before: the model always sees whole phrases, and only the
  bar it adds is taken from it.
* A melody shorter than a phrase is padded with silence to one phrase; the padding is dropped.
* A window without a note onset (rests, or one long note held from before) is kept as it is and
  never goes through the model, which was not trained on empty windows.
* A melody is cut along its meter map first (``TrainedModel._span_wise``, ``generation.meter_plan``): each
  run of bars in the phrase model's meter is cut into phrases from its own first bar, so a pickup (bar 0)
  is kept exactly as it is and the phrases start on the first downbeat, as the tune's phrases do; bars of
  another meter (a 2/4 bar closing a 3/4 tune's phrase) are kept as they are too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..music.events import HOLD, PITCH_OFFSET, events_to_notes, melody_to_events
from ..music.melody import TICKS_PER_STEP, Melody


class PhraseError(ValueError):
    """A melody the phrase model cannot take (a meter it has no bars for, no notes); the message says why."""


@dataclass
class PhraseCode:
    """A melody as its phrases: ``tokens`` (n, T) windows, latent means ``mu`` (n, latent), each window's first
    step in the melody (``starts``) and the first step the melody takes from it (``keep``: later than
    ``starts`` only for an overlapping last window), which windows have no note (``empty``: never encoded,
    their ``mu`` is zero), and the melody's length in steps."""

    tokens: np.ndarray
    mu: np.ndarray
    starts: np.ndarray
    keep: np.ndarray
    empty: np.ndarray
    total_steps: int

    def __len__(self) -> int:
        return len(self.starts)

    def with_latents(self, mu: np.ndarray) -> PhraseCode:
        return replace(self, mu=np.asarray(mu, dtype=np.float32).reshape(self.mu.shape))

    def joined(self, windows: np.ndarray) -> np.ndarray:
        """The melody's token stream from decoded ``windows`` (n, T): each window's kept steps in order; an
        empty window's own tokens."""
        out = np.full(self.total_steps, HOLD, dtype=np.int64)
        for w, s, k, e, own in zip(windows, self.starts, self.keep, self.empty, self.tokens, strict=True):
            src = own if e else w
            end = min(self.total_steps, s + len(src))
            out[k:end] = src[k - s: end - s]
        return out


class PhraseCodec:
    """Encodes and decodes whole melodies through a short flat model (a ``TrainedModel`` of 2 bars).

    All the phrases of a melody go through the network as one batch: a 16-bar melody is 8 windows,
    encoded in one call and decoded in the model's 32 sequential steps."""

    def __init__(self, model):
        self.model = model
        self.window_steps = model.cfg.num_steps
        self.steps_per_bar = model.steps_per_bar

    @property
    def bars(self) -> int:
        return self.model.bars

    @property
    def time_signature(self) -> tuple[int, int]:
        return self.model.time_signature

    # ------------------------------------------------------------------ cutting
    def check_meter(self, melody: Melody) -> None:
        """PhraseError unless the melody's bars fit the model's (2/4 in a 4/4 model: yes; 5/4: no)."""
        bar = melody.steps_per_bar
        if bar <= 0 or self.steps_per_bar % bar and bar % self.steps_per_bar:
            num, den = melody.time_signature
            raise PhraseError(f"no phrase model for {num}/{den}: the phrase model has bars of "
                              f"{self.time_signature[0]}/{self.time_signature[1]}")

    def layout(self, melody: Melody) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(windows (n, T) of tokens, their first steps, the first step kept of each, the length in steps: whole
        bars of the model that hold every note) for ``melody``."""
        self.check_meter(melody)
        T, spb = self.window_steps, self.steps_per_bar
        end_step = -(-melody.end_tick // TICKS_PER_STEP)
        total = max(1, -(-end_step // spb)) * spb
        stream = melody_to_events(melody, max(total, T))
        starts = list(range(0, total, T))
        keep = list(starts)
        if total > T and total % T:  # the last partial phrase: a whole window ending on the last bar
            starts[-1] = total - T
        windows = np.stack([stream[s: s + T] for s in starts]).astype(np.int64)
        return windows, np.asarray(starts), np.asarray(keep), total

    # ------------------------------------------------------------------ encode / decode
    def encode(self, melody: Melody) -> PhraseCode:
        """The latent mean of each phrase of ``melody``."""
        windows, starts, keep, total = self.layout(melody)
        empty = ~(windows >= PITCH_OFFSET).any(axis=1)
        mu = np.zeros((len(windows), self.model.cfg.latent_dim), np.float32)
        if (~empty).any():
            mu[~empty] = self.model.encode_tokens(windows[~empty])[0]
        return PhraseCode(windows, mu, starts, keep, empty, total)

    def decode_windows(self, code: PhraseCode, temperature: float = 0.0, seed: int | None = None,
                       force: np.ndarray | None = None) -> np.ndarray:
        """Each non-empty phrase decoded from ``code.mu`` (greedy at temperature 0); empty ones as they were."""
        out = code.tokens.copy()
        live = ~code.empty
        if live.any():
            f = None if force is None else np.asarray(force)[live]
            out[live] = self.model.decode_tokens(code.mu[live], temperature, seed, f)
        return out

    def decode(self, code: PhraseCode, like: Melody, temperature: float = 0.0, seed: int | None = None,
               velocity: int | None = None) -> Melody:
        """The melody the phrases of ``code`` decode to, with ``like``'s tempo, meter, sound and chords."""
        tokens = code.joined(self.decode_windows(code, temperature, seed))
        v = velocity if velocity is not None else typical_velocity(like)
        return like.copy(events_to_notes(tokens, v))

    def reconstruct(self, melody: Melody) -> Melody:
        """Encode every phrase and decode it greedily: the melody as the phrase model keeps it."""
        if not melody.notes:
            raise PhraseError("the melody has no notes to encode")
        return self.decode(self.encode(melody), melody)


def typical_velocity(melody: Melody) -> int:
    """The velocity new notes take among the melody's (its median), so they sound as loud as the rest."""
    return int(np.median([n.velocity for n in melody.notes])) if melody.notes else 100
