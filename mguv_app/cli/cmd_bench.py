"""``mguv bench --json``: model speed figures (medians over repeated runs, baseline in the same run)."""

from __future__ import annotations

import json
import statistics
import time

from .common import run_guarded

HELP = "benchmark the model: decode latency (batched bars vs step-by-step), encode, continue; GPU training"


def add_arguments(p) -> None:
    p.add_argument("--model", metavar="PATH", help="model folder (default: bundled; else an untrained default config)")
    p.add_argument("--device", default="auto")
    p.add_argument("--repeats", type=int, default=21)
    p.add_argument("--json", action="store_true")


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 3)


def _gpu_training(model_cfg, device: str) -> dict:
    """Training windows/s and the step time relative to a bare cuDNN LSTM of the decoder's shapes."""
    import torch

    from ..model.config import TrainConfig
    from ..model.vae import MusicVAE, vae_loss

    t = TrainConfig()
    model = MusicVAE(model_cfg).to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batch = torch.randint(2, 90, (t.batch_size, model_cfg.num_steps), device=device)

    def step():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = vae_loss(model, batch, 0.1, t.free_bits)["loss"]
        opt.zero_grad()
        loss.backward()
        opt.step()
        torch.cuda.synchronize()

    lstm = torch.nn.LSTM(model_cfg.embed_dim + model_cfg.conductor_hidden, model_cfg.dec_hidden,
                         model_cfg.dec_layers, batch_first=True).to(device)
    x = torch.randn(t.batch_size * model_cfg.bars, model_cfg.steps_per_bar,
                    model_cfg.embed_dim + model_cfg.conductor_hidden, device=device)

    def bare():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            out, _ = lstm(x)
        out.float().sum().backward()
        torch.cuda.synchronize()

    step_ms, bare_ms = _median_ms(step, 20), _median_ms(bare, 20)
    return {"gpu_train_step_ms": step_ms, "gpu_train_windows_per_s": round(t.batch_size / step_ms * 1000, 1),
            "gpu_bare_decoder_lstm_ms": bare_ms, "gpu_step_over_bare_lstm": round(step_ms / bare_ms, 2),
            "gpu_batch_size": t.batch_size}


def _run(args) -> int:
    import torch

    from ..engine import TrainedModel, default_model_dir
    from ..engine.device import pick_device
    from ..model.config import ModelConfig
    from ..model.vae import MusicVAE

    device = pick_device(args.device)
    folder = args.model or (default_model_dir() if (default_model_dir() / "config.json").exists() else None)
    if folder:
        tm = TrainedModel(folder, device)
        model, label = tm.model, str(folder)
    else:
        torch.manual_seed(0)
        model, tm, label = MusicVAE(ModelConfig()).to(device).eval(), None, "untrained default config"
    cfg = model.cfg
    z = torch.randn(1, cfg.latent_dim, device=device)
    tokens = torch.randint(2, 90, (1, cfg.num_steps), device=device)
    with torch.no_grad():
        figures = {
            "model": label, "device": device, "threads": torch.get_num_threads(),
            "bars": cfg.bars, "decoder": cfg.decoder,
            "params": sum(p.numel() for p in model.parameters()),
            f"decode_{cfg.bars}bar_ms_median": _median_ms(lambda: model.decode(z), args.repeats),
            f"decode_{cfg.bars}bar_stepwise_ms_median": _median_ms(
                lambda: model.decode(z, batched_bars=False), max(5, args.repeats // 4)),
            "encode_ms_median": _median_ms(lambda: model.encode(tokens), args.repeats),
            "decode_batch8_ms_median": _median_ms(lambda: model.decode(z.expand(8, -1)), max(5, args.repeats // 2)),
        }
    if tm is not None:
        prompt = tm.sample(1, 4, 1.0, seed=1)[0]
        figures["continue_4to8_bars_ms_median"] = _median_ms(lambda: tm.continue_(prompt, 4, 1.0, 0), 5)
        a, b = tm.sample(2, None, 1.0, seed=2)
        figures["interpolate_9_steps_ms_median"] = _median_ms(lambda: tm.interpolate(a, b, 9), 5)
    if device.startswith("cuda"):
        figures.update(_gpu_training(cfg, device))
    figures["decode_speedup"] = round(figures[f"decode_{cfg.bars}bar_stepwise_ms_median"] /
                                      max(figures[f"decode_{cfg.bars}bar_ms_median"], 1e-9), 2)
    print(json.dumps(figures) if args.json else "\n".join(f"{k:36s} {v}" for k, v in figures.items()))
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
