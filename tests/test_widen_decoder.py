"""model_training/widen_decoder.py: a wider decoder that starts out computing exactly what the trained one did."""

import subprocess
import sys

import torch

from mguv_app.model.checkpoint import load_model, save_model
from mguv_app.model.vae import MusicVAE, vae_loss
from model_training.widen_decoder import widen
from tests.tiny_data import tiny_model_config


def _model(seed=0):
    torch.manual_seed(seed)
    model = MusicVAE(tiny_model_config())
    with torch.no_grad():  # trained-looking weights: nothing left at its initial scale
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    return model.eval()


def test_the_widened_model_computes_the_same_logits_and_then_learns_with_its_new_units():
    model = _model()
    wide = widen(model, model.cfg.dec_hidden + 24)
    assert wide.cfg.dec_hidden == model.cfg.dec_hidden + 24
    gen = torch.Generator().manual_seed(3)
    tokens = torch.randint(0, model.cfg.vocab_size, (3, model.cfg.num_steps), generator=gen)
    with torch.no_grad():
        z, _ = model.encode(tokens)
        a, b = model.decode_teacher_forced(z, tokens), wide.decode_teacher_forced(z, tokens)
        assert torch.allclose(a, b, atol=1e-5)
        assert torch.equal(model.decode(z), wide.decode(z))  # the same greedy melodies
    wide.train()
    loss = vae_loss(wide, tokens, beta=0.2, free_bits=0.0)["loss"]
    loss.backward()
    old = model.cfg.dec_hidden
    assert wide.out.weight.grad[:, old:].abs().sum() > 0  # the new units' read-out is learning


def test_the_command_writes_a_model_folder_that_loads(tmp_path):
    save_model(_model(1), tmp_path / "small")
    done = subprocess.run([sys.executable, "-m", "model_training.widen_decoder", str(tmp_path / "small"),
                           "--hidden", "120", "--out", str(tmp_path / "wide")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"max_logit_difference"' in done.stdout
    wide, config = load_model(tmp_path / "wide")
    assert wide.cfg.dec_hidden == 120 and config["widened_from"]["dec_hidden"] == 96
