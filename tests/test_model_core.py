"""The VAE network: shapes, batched-bar decoding, loss, checkpoints."""

import json

import numpy as np
import pytest
import torch

from mguv_app.model import CheckpointError, MusicVAE, load_model, save_model, vae_loss
from mguv_app.music import NOTE_OFF, VOCAB_SIZE, melody_to_events

from .tiny_data import make_melody, tiny_model_config


@pytest.mark.parametrize("decoder,bars", [("flat", 2), ("hierarchical", 4)])
def test_shapes(decoder, bars):
    torch.manual_seed(0)
    cfg = tiny_model_config(decoder, bars)
    m = MusicVAE(cfg)
    tok = torch.randint(0, VOCAB_SIZE, (3, cfg.num_steps))
    out = m(tok)
    assert out.logits.shape == (3, cfg.num_steps, VOCAB_SIZE)
    assert out.mu.shape == out.sigma.shape == (3, cfg.latent_dim) and (out.sigma > 0).all()
    dec = m.decode(out.mu, temperature=1.0)
    assert dec.shape == (3, cfg.num_steps) and dec.min() >= 0 and dec.max() < VOCAB_SIZE


def test_batched_bars_equal_bar_by_bar_decoding():
    torch.manual_seed(0)
    m = MusicVAE(tiny_model_config("hierarchical", 4)).eval()
    z = torch.randn(2, 16)
    assert torch.equal(m.decode(z), m.decode(z, batched_bars=False))
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    # sampling: same seed -> same draws whether bars run together or not is not promised, but each is reproducible
    assert torch.equal(m.decode(z, 1.0, g1), m.decode(z, 1.0, g2))


def test_force_keeps_forced_tokens():
    torch.manual_seed(0)
    cfg = tiny_model_config("flat", 2)
    m = MusicVAE(cfg).eval()
    force = torch.full((1, cfg.num_steps), -1)
    force[0, :8] = torch.tensor([62, 0, 64, 0, NOTE_OFF, 0, 67, 0])
    out = m.decode(torch.randn(1, 16), temperature=1.0, force=force)
    assert out[0, :8].tolist() == force[0, :8].tolist()


def test_loss_decreases_on_tiny_data():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    cfg = tiny_model_config("hierarchical", 2)
    data = torch.as_tensor(np.stack([melody_to_events(make_melody(rng, 2), cfg.num_steps) for _ in range(32)]))
    m = MusicVAE(cfg)
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    first = None
    for _ in range(60):
        figures = vae_loss(m, data, beta=0.1, free_bits=2.0)
        opt.zero_grad()
        figures["loss"].backward()
        opt.step()
        first = first if first is not None else figures["recon"].item()
    assert figures["recon"].item() < 0.5 * first
    assert figures["tf_accuracy"].item() > 0.6


def test_scheduled_sampling_loss_is_finite_and_differs():
    torch.manual_seed(0)
    cfg = tiny_model_config("flat", 2)
    m = MusicVAE(cfg)
    tok = torch.randint(0, 80, (4, cfg.num_steps))
    a = vae_loss(m, tok, 0.1, 1.0, torch.Generator().manual_seed(1), 0.0)["recon"]
    b = vae_loss(m, tok, 0.1, 1.0, torch.Generator().manual_seed(1), 0.9)["recon"]
    assert torch.isfinite(b) and a.item() != b.item()


def test_checkpoint_round_trip_gives_identical_outputs(tmp_path):
    torch.manual_seed(0)
    m = MusicVAE(tiny_model_config()).eval()
    save_model(m, tmp_path / "m", {"name": "tiny"})
    m2, config = load_model(tmp_path / "m")
    assert config["name"] == "tiny" and config["model"]["bars"] == 4
    z = torch.randn(3, 16)
    tok = torch.randint(0, 100, (2, 64))
    assert torch.equal(m.decode(z), m2.decode(z))
    assert torch.equal(m.encode(tok)[0], m2.encode(tok)[0])
    # the weights file is safetensors (a JSON header), not a pickle
    raw = (tmp_path / "m" / "model.safetensors").read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    assert json.loads(raw[8: 8 + header_len])
    assert b"\x80\x04" not in raw[:2]


def test_half_precision_checkpoint_loads_close(tmp_path):
    torch.manual_seed(0)
    m = MusicVAE(tiny_model_config()).eval()
    save_model(m, tmp_path / "h", half=True)
    m2, _ = load_model(tmp_path / "h")
    tok = torch.randint(0, 100, (2, 64))
    assert torch.allclose(m.encode(tok)[0], m2.encode(tok)[0], atol=1e-2)


def test_bad_checkpoints_give_clear_errors(tmp_path):
    with pytest.raises(CheckpointError, match="not a model folder"):
        load_model(tmp_path)
    torch.manual_seed(0)
    save_model(MusicVAE(tiny_model_config()), tmp_path / "c")
    (tmp_path / "c" / "model.safetensors").write_bytes(b"garbage" * 10)
    with pytest.raises(CheckpointError, match="corrupt"):
        load_model(tmp_path / "c")
    save_model(MusicVAE(tiny_model_config()), tmp_path / "d")
    cfg = json.loads((tmp_path / "d" / "config.json").read_text())
    cfg["model"]["dec_hidden"] = 64
    (tmp_path / "d" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="do not match"):
        load_model(tmp_path / "d")


@pytest.mark.parametrize("decoder, layers", [("flat", 2), ("hierarchical", 1), ("flat", 3)])
def test_the_written_out_decoder_step_is_the_lstms(decoder, layers):
    """``_run_decoder`` folds the first layer's input weights into a table: it must decode exactly what
    stepping ``nn.LSTM`` does, greedily and when sampling with the same generator."""
    import torch

    from mguv_app.model.config import ModelConfig
    from mguv_app.model.vae import MusicVAE

    torch.manual_seed(0)
    m = MusicVAE(ModelConfig(decoder=decoder, encoder="flat", bars=2, embed_dim=16, enc_hidden=32, latent_dim=8,
                             conductor_hidden=24, dec_hidden=40, dec_layers=layers)).eval()
    ctx = m.contexts(torch.randn(5, 8))
    steps = 16 if decoder == "hierarchical" else 32

    def stepped(temperature, gen):
        state = m._initial_state(m.ctx_to_decoder, ctx, layers, 40)
        prev = torch.full((ctx.shape[0],), m.start_token, dtype=torch.long)
        out = []
        for _ in range(steps):
            h, state = m.decoder(torch.cat([m.embed(prev), ctx], -1).unsqueeze(1), state)
            logits = m.out(h[:, 0])
            prev = logits.argmax(-1) if temperature <= 0 else \
                torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=gen)[:, 0]
            out.append(prev)
        return torch.stack(out, 1)

    with torch.no_grad():
        assert torch.equal(m._run_decoder(ctx, steps, 0.0, None, None), stepped(0.0, None))
        g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
        assert torch.equal(m._run_decoder(ctx, steps, 1.5, g1, None), stepped(1.5, g2))
