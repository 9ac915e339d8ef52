"""The latent map's phrase view: a melody as the path of its phrases through the phrase model's space.

Why a second view: a melody's point on the map is one latent of the melody model, which keeps under a
third of a tune's note onsets; its phrases, each a latent of the phrase model, keep nearly all of them.
So the phrase view draws the melody in the roll as its phrases (bars 1–2, 3–4, ...), numbered and joined
in order, on the phrase model's own map (a PCA of its reference phrases, real openings of held-out
songs, drawn faint behind). The melody's form shows: a phrase that comes back sits on the same spot
(the same notes, the same latent), a varied repeat near it, a contrasting phrase elsewhere. Clicking a
phrase plays it; dragging the handle from it rewrites that phrase alone, every other note kept.

Qt-free: ``ui/latent_map`` draws what this module computes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..engine.phrases import PhraseCodec, PhraseError
from ..music.events import events_to_notes
from ..music.melody import TICKS_PER_STEP, Melody
from .pca import LatentPCA
from .reference import LATENTS_FILE


@dataclass
class PhrasePoint:
    index: int  # the phrase's place in the melody (0-based)
    first_bar: int  # 0-based
    bars: int
    xy: np.ndarray
    z: np.ndarray
    group: int  # the index of the first phrase with the same notes: repeats share it
    start_step: int  # where the phrase's window starts, in 16ths
    keep_step: int  # the first step the melody takes from it

    @property
    def label(self) -> str:
        first = self.first_bar + 1
        return f"phrase {self.index + 1}: bar {first}" if self.bars == 1 else \
            f"phrase {self.index + 1}: bars {first}–{first + self.bars - 1}"


class PhraseMap:
    """The phrase model's 2-D map (a PCA of its reference phrases, else of the melody's own phrases) and the
    phrases of one melody placed on it."""

    def __init__(self, codec: PhraseCodec):
        self.codec = codec
        self.reference = _reference_latents(codec)
        self.pca = LatentPCA.fit(self.reference) if self.reference is not None and len(self.reference) >= 3 else None

    def reference_xy(self) -> np.ndarray:
        if self.pca is None or self.reference is None:
            return np.zeros((0, 2), np.float32)
        return self.pca.transform(self.reference)

    def phrases(self, melody: Melody) -> list[PhrasePoint]:
        """The melody's phrases with notes, in order, placed on the map (a PhraseError for a melody the phrase
        model cannot carry: no notes, or bars it has no phrases for)."""
        if not melody.notes:
            raise PhraseError("the melody has no notes: draw or open one to see its phrases")
        code = self.codec.encode(melody)
        if self.pca is None:
            self.pca = LatentPCA.fit(code.mu[~code.empty] if (~code.empty).any() else code.mu)
        first: dict[bytes, int] = {}
        spb = self.codec.steps_per_bar
        out = []
        for i, (tokens, z) in enumerate(zip(code.tokens, code.mu, strict=True)):
            if code.empty[i]:
                continue
            keep = int(code.keep[i])
            bars = -(-(min(code.total_steps, int(code.starts[i]) + len(tokens)) - keep) // spb)
            out.append(PhrasePoint(len(out), keep // spb, bars, self.pca.transform(z), z.copy(),
                                   first.setdefault(tokens.tobytes(), len(out)), int(code.starts[i]), keep))
        return out

    def phrase_melody(self, melody: Melody, point: PhrasePoint) -> Melody:
        """The phrase alone, from tick 0 (what a click plays)."""
        start = point.keep_step * TICKS_PER_STEP
        return melody.window(start, start + point.bars * self.codec.steps_per_bar * TICKS_PER_STEP)

    def with_phrase(self, melody: Melody, point: PhrasePoint, z: np.ndarray) -> Melody:
        """``melody`` with the phrase ``point`` decoded from ``z`` (greedily), every note outside it kept."""
        tokens = self.codec.model.decode_tokens(np.asarray(z, np.float32)[None])[0]
        s0 = point.keep_step
        s1 = s0 + point.bars * self.codec.steps_per_bar
        new = tokens[s0 - point.start_step: s1 - point.start_step]
        start, end = s0 * TICKS_PER_STEP, s1 * TICKS_PER_STEP
        velocity = int(np.median([n.velocity for n in melody.notes])) if melody.notes else 100
        before = [replace(n, end=min(n.end, start)) for n in melody.notes if n.start < start]
        after = [n for n in melody.notes if n.start >= end]
        return melody.copy(before + events_to_notes(new, velocity, s0) + after)

    def latent_at(self, xy, around: np.ndarray) -> np.ndarray:
        """The latent under map point ``xy``, keeping ``around``'s directions the map does not show."""
        return self.pca.inverse_around(np.asarray(xy, np.float32), np.asarray(around, np.float32)).astype(np.float32)


def _reference_latents(codec: PhraseCodec) -> np.ndarray | None:
    path = codec.model.folder / LATENTS_FILE
    try:
        z = np.load(path, allow_pickle=False).astype(np.float32)
    except (OSError, ValueError):
        return None
    ok = z.ndim == 2 and z.shape[1] == codec.model.cfg.latent_dim and len(z) and np.isfinite(z).all()
    return z if ok else None
