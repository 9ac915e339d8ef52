"""The MidiMe network: an MLP VAE (input_dim -> hidden -> small latent -> hidden -> input_dim).

It models the base model's latent means of the user's windows. Inputs are standardised per
dimension (mean/std stored with the weights), so a unit-Gaussian VAE with a summed squared-error
reconstruction fits any base model's latent scale. Training is full-batch Adam on the CPU: a few
thousand vectors of 128 dims take a second or two.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..fileio import atomic_path, atomic_write

WEIGHTS = "midime.safetensors"
META = "midime.json"
FORMAT = "mguv-midime"


@dataclass
class MidiMeConfig:
    input_dim: int = 128
    latent_dim: int = 4
    hidden: int = 256
    steps: int = 500
    lr: float = 2e-3
    beta: float = 1.0
    batch_size: int = 128
    seed: int = 0

    @classmethod
    def from_dict(cls, d: dict) -> MidiMeConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


class MidiMe(nn.Module):
    def __init__(self, cfg: MidiMeConfig):
        super().__init__()
        self.cfg = cfg
        d, h, k = cfg.input_dim, cfg.hidden, cfg.latent_dim
        self.enc = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, 2 * k))
        self.dec = nn.Sequential(nn.Linear(k, h), nn.ReLU(), nn.Linear(h, d))
        self.register_buffer("x_mean", torch.zeros(cfg.input_dim))
        self.register_buffer("x_std", torch.ones(cfg.input_dim))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.enc((x - self.x_mean) / self.x_std)
        mu, log_sigma = h.chunk(2, dim=-1)
        return mu, log_sigma.clamp(-8.0, 4.0).exp()

    def decode(self, s: torch.Tensor) -> torch.Tensor:
        """Small latent -> base-model latent (in the base model's own units)."""
        return self.dec(s) * self.x_std + self.x_mean

    def loss(self, x: torch.Tensor, gen: torch.Generator) -> dict[str, torch.Tensor]:
        mu, sigma = self.encode(x)
        s = mu + sigma * torch.randn(mu.shape, generator=gen)
        recon = 0.5 * (self.dec(s) - (x - self.x_mean) / self.x_std).pow(2).sum(-1).mean()
        kl = 0.5 * (mu.pow(2) + sigma.pow(2) - 1.0 - 2.0 * torch.log(sigma)).sum(-1).mean()
        return {"loss": recon + self.cfg.beta * kl, "recon": recon, "kl": kl}

    def sample(self, n: int, seed: int | None = None, scale: float = 1.0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        s = torch.as_tensor(rng.standard_normal((n, self.cfg.latent_dim)).astype(np.float32) * scale)
        with torch.no_grad():
            return self.decode(s).numpy()

    # ------------------------------------------------------------------ files
    def save(self, folder: str | Path, meta: dict | None = None) -> None:
        from safetensors.torch import save_file

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(folder / WEIGHTS) as tmp:
            save_file({k: v.detach().contiguous() for k, v in self.state_dict().items()}, str(tmp))
        atomic_write(folder / META, json.dumps({"format": FORMAT, "version": 1, "config": asdict(self.cfg),
                                                **(meta or {})}, indent=2))

    @classmethod
    def load(cls, folder: str | Path) -> tuple[MidiMe, dict]:
        from safetensors.torch import load_file

        folder = Path(folder)
        try:
            meta = json.loads((folder / META).read_text())
        except FileNotFoundError:
            raise ValueError(f"{folder}: not a personalised model (no {META})") from None
        except (OSError, ValueError) as exc:
            raise ValueError(f"{folder / META}: unreadable ({exc})") from None
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder / META}: not a MidiMe file")
        net = cls(MidiMeConfig.from_dict(meta.get("config", {})))
        try:
            net.load_state_dict(load_file(str(folder / WEIGHTS)))
        except Exception as exc:  # missing, corrupt or mismatched weights
            raise ValueError(f"{folder / WEIGHTS}: cannot load ({str(exc).splitlines()[0]})") from None
        return net.eval(), meta


def train_midime(latents: np.ndarray, cfg: MidiMeConfig | None = None,
                 progress: Callable[[dict], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> tuple[MidiMe, dict]:
    """Fit a MidiMe VAE to ``latents`` (n, input_dim); returns the net and its final figures."""
    x = torch.as_tensor(np.asarray(latents, dtype=np.float32))
    if x.ndim != 2 or len(x) == 0:
        raise ValueError("MidiMe needs a non-empty (n, dim) array of latents")
    cfg = cfg or MidiMeConfig()
    cfg.input_dim = x.shape[1]
    torch.manual_seed(cfg.seed)
    net = MidiMe(cfg)
    net.x_mean.copy_(x.mean(0))
    # one window has no spread: fall back to unit scale rather than dividing by ~0
    net.x_std.copy_(x.std(0, unbiased=False).clamp_min(1e-2) if len(x) > 1 else torch.ones(x.shape[1]))
    opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    started = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a net this small only loses to thread hand-offs (10x on a busy 2-core CPU)
    try:
        _fit(net, opt, x, cfg, gen, progress, should_stop)
    finally:
        torch.set_num_threads(threads)
    net.eval()
    with torch.no_grad():
        final = {k: round(float(v), 5) for k, v in net.loss(x, gen).items()}
    final["seconds"] = round(time.perf_counter() - started, 3)
    return net, final


def _fit(net: MidiMe, opt, x: torch.Tensor, cfg: MidiMeConfig, gen: torch.Generator,
         progress: Callable[[dict], None] | None, should_stop: Callable[[], bool] | None) -> None:
    net.train()
    for step in range(1, cfg.steps + 1):
        if should_stop and should_stop():
            break
        batch = x if len(x) <= cfg.batch_size else x[torch.randint(0, len(x), (cfg.batch_size,), generator=gen)]
        out = net.loss(batch, gen)
        opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        opt.step()
        if progress and (step % 100 == 0 or step == cfg.steps):
            progress({"event": "progress", "step": step, "max_steps": cfg.steps,
                      **{k: round(float(v.detach()), 5) for k, v in out.items()}})
