"""Held-out evaluation: teacher-forced and free-running (argmax) reconstruction accuracy, KL, ELBO.

Accuracy is per 16th-note step over every step of the window (MusicVAE's Table 1 measure);
``note_accuracy`` restricts it to steps where the target is a note-on, which is harder and
not dominated by held notes; ``hold_accuracy`` and ``rest_accuracy`` to the steps where it is
HOLD (a note or silence going on) and NOTE_OFF (a rest starting).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..model.vae import MusicVAE, kl_divergence
from ..music.events import HOLD, NOTE_OFF, PITCH_OFFSET


@torch.no_grad()
def evaluate(model: MusicVAE, windows: np.ndarray, device: str = "cpu", batch_size: int = 128,
             sampled_limit: int | None = 512, seed: int = 0) -> dict:
    """Figures over ``windows`` (n, steps) tokens; free-running accuracy decodes z = mu greedily."""
    was_training = model.training
    model.eval()
    gen = torch.Generator(device=device)
    gen.manual_seed(seed)
    n = len(windows)
    tot = {"recon": 0.0, "kl": 0.0, "tf_correct": 0, "tf_note_correct": 0, "s_correct": 0,
           "s_note_correct": 0, "notes": 0, "s_notes": 0, "s_steps": 0,
           "s_hold_correct": 0, "s_holds": 0, "s_rest_correct": 0, "s_rests": 0}
    sampled_n = n if sampled_limit is None else min(n, sampled_limit)
    for i in range(0, n, batch_size):
        tok = torch.as_tensor(windows[i: i + batch_size].astype(np.int64), device=device)
        mu, sigma = model.encode(tok)
        z = mu + sigma * torch.randn(mu.shape, generator=gen, device=device)
        logits = model.decode_teacher_forced(z, tok)
        tot["recon"] += F.cross_entropy(logits.transpose(1, 2), tok, reduction="none").sum().item()
        tot["kl"] += kl_divergence(mu, sigma).sum().item()
        pred = logits.argmax(-1)
        is_note = tok >= PITCH_OFFSET
        tot["tf_correct"] += (pred == tok).sum().item()
        tot["tf_note_correct"] += ((pred == tok) & is_note).sum().item()
        tot["notes"] += is_note.sum().item()
        take = max(0, min(len(tok), sampled_n - i))
        if take:
            free = model.decode(mu[:take])
            t = tok[:take]
            tot["s_correct"] += (free == t).sum().item()
            tot["s_note_correct"] += ((free == t) & (t >= PITCH_OFFSET)).sum().item()
            tot["s_notes"] += (t >= PITCH_OFFSET).sum().item()
            tot["s_steps"] += t.numel()
            for name, value in (("hold", HOLD), ("rest", NOTE_OFF)):
                tot[f"s_{name}_correct"] += ((free == t) & (t == value)).sum().item()
                tot[f"s_{name}s"] += (t == value).sum().item()
    if was_training:
        model.train()
    steps = windows.shape[1] * n
    recon, kl = tot["recon"] / max(n, 1), tot["kl"] / max(n, 1)
    return {
        "windows": n,
        "recon": recon,
        "kl": kl,
        "elbo": -(recon + kl),
        "tf_accuracy": tot["tf_correct"] / max(steps, 1),
        "tf_note_accuracy": tot["tf_note_correct"] / max(tot["notes"], 1),
        "sampled_accuracy": tot["s_correct"] / max(tot["s_steps"], 1),
        "sampled_note_accuracy": tot["s_note_correct"] / max(tot["s_notes"], 1),
        "sampled_hold_accuracy": tot["s_hold_correct"] / max(tot["s_holds"], 1),
        "sampled_rest_accuracy": tot["s_rest_correct"] / max(tot["s_rests"], 1),
        "sampled_windows": sampled_n,
    }
