"""``PersonalizedModel``: a TrainedModel whose prior is replaced by a MidiMe VAE's decoder.

Everything but sampling (encode, decode, interpolate, continue, attributes) is the base model's,
reached through attribute delegation, so code written for ``TrainedModel`` takes either.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..music.melody import Melody
from .midime import META, MidiMe


def is_personalized(folder: str | Path) -> bool:
    return (Path(folder) / META).is_file()


class PersonalizedModel:
    def __init__(self, base, midime_folder: str | Path):
        self.base = base
        self.midime_folder = Path(midime_folder)
        self.midime, self.meta = MidiMe.load(self.midime_folder)
        if self.midime.cfg.input_dim != base.cfg.latent_dim:
            raise ValueError(f"{self.midime_folder}: MidiMe was trained on {self.midime.cfg.input_dim}-dim latents, "
                             f"but the model has {base.cfg.latent_dim}")

    def __getattr__(self, name):  # only called for attributes not found here: delegate to the base
        return getattr(self.__dict__["base"], name) if "base" in self.__dict__ else super().__getattribute__(name)

    def sample_latents(self, n: int, seed: int | None = None, scale: float = 1.0) -> np.ndarray:
        """Base-model latents from the personal prior (``scale`` widens or narrows it)."""
        return self.midime.sample(n, seed, scale).astype(np.float32)

    def sample(self, n: int = 1, bars: int | None = None, temperature: float = 1.0,
               seed: int | None = None, qpm: float = 120.0, program: int = 0) -> list[Melody]:
        """Like ``TrainedModel.sample`` but the latents come from the user's style."""
        base = self.base
        bars = bars or base.bars
        like = Melody(qpm=qpm, program=program)
        return base.melodies_from_latents(self.sample_latents(n, seed), bars, temperature, seed, like)


def open_model(folder: str | Path | None = None, device: str | None = "auto"):
    """A :class:`PersonalizedModel` for a personalised folder, else a plain ``TrainedModel``."""
    from ..engine import TrainedModel

    base = TrainedModel(folder, device)
    return PersonalizedModel(base, base.folder) if is_personalized(base.folder) else base
