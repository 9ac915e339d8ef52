"""Small, structured melodies for model tests (stepwise walks in a major key with simple rhythms)."""

from pathlib import Path

import numpy as np

from mguv_app.model.config import ModelConfig, TrainConfig
from mguv_app.music import TICKS_PER_STEP, Melody, Note, write_midi

MAJOR = [0, 2, 4, 5, 7, 9, 11]


MOTIFS = [  # (scale degree, length in 16ths) filling one 4/4 bar
    [(0, 4), (2, 4), (4, 4), (2, 4)],
    [(0, 2), (1, 2), (2, 4), (4, 8)],
    [(4, 4), (3, 4), (2, 4), (1, 4)],
    [(0, 8), (4, 8)],
]


def make_melody(rng: np.random.Generator, bars: int, tonic: int = 60) -> Melody:
    """A one-bar motif repeated over a bar-level chord walk: learnable by a tiny model in seconds,
    yet every song differs (motif, walk and key are drawn per song)."""
    motif = MOTIFS[int(rng.integers(0, len(MOTIFS)))]
    walk = [0, 3, 4, 0] if rng.random() < 0.5 else [0, 5, 3, 4]
    notes = []
    for bar in range(bars):
        step = bar * 16
        for degree, length in motif:
            d = degree + walk[bar % len(walk)]
            pitch = tonic + 12 * (d // 7) + MAJOR[d % 7]
            notes.append(Note(step * TICKS_PER_STEP, (step + length) * TICKS_PER_STEP, pitch))
            step += length
    return Melody(notes, qpm=100.0)


def write_folder(folder: Path, n: int, bars: int, seed: int = 0) -> list[Path]:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = folder / f"song_{i:03d}.mid"
        write_midi(make_melody(rng, bars, tonic=int(rng.choice([55, 60, 62, 65]))), p)
        paths.append(p)
    return paths


def tiny_model_config(decoder: str = "hierarchical", bars: int = 4) -> ModelConfig:
    return ModelConfig(decoder=decoder, encoder="hierarchical", bars=bars, embed_dim=16, enc_hidden=64,
                       latent_dim=16, conductor_hidden=64, dec_hidden=96, dec_layers=1)


def tiny_train_config(**kw) -> TrainConfig:
    base = dict(batch_size=32, max_steps=40, lr=1e-2, lr_min=1e-3, log_every=5, eval_every=20, ckpt_every=10,
                eval_windows=32, free_bits=24.0, beta_max=0.05, beta_rate=0.99, seed=3, augment_shift=0)
    base.update(kw)
    return TrainConfig(**base)
