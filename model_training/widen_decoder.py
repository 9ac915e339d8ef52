"""Widen a trained model's bottom decoder without changing what it computes (Net2Net style).

Why: on the CPU the shipped model has converged; its decoder's capacity is the limit
(model_training/README.md). Training a wider decoder from scratch costs days of CPU. A widened copy
starts exactly where the trained model is, so fine-tuning only has to teach the new units.

How: every new LSTM unit gets random input and recurrent weights, but the old units never see it
(zero columns in their recurrent weights), its initial state is zero, and the output layer reads it
with zero weights. The widened model's logits equal the original's bit for bit (within float
rounding) until training moves those zero weights.

    .venv/bin/python -m model_training.widen_decoder runs/ftA/model --hidden 384 --out runs/wide/init
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

import torch

from mguv_app.model.checkpoint import load_model, save_model
from mguv_app.model.vae import MusicVAE


def widen(model: MusicVAE, hidden: int, seed: int = 0) -> MusicVAE:
    cfg = model.cfg
    old = cfg.dec_hidden
    if hidden <= old:
        raise ValueError(f"--hidden {hidden} must exceed the decoder's {old} units")
    if cfg.dec_layers != 1:
        raise ValueError("only a one-layer decoder can be widened")
    wide = MusicVAE(dataclasses.replace(cfg, dec_hidden=hidden))
    src = model.state_dict()
    dst = wide.state_dict()
    gen = torch.Generator().manual_seed(seed)
    scale = hidden ** -0.5
    for name, tensor in src.items():
        if not (name.startswith("decoder.") or name.startswith("ctx_to_decoder.") or name.startswith("out.")):
            dst[name] = tensor.clone()
    new = {}
    for kind in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        target = dst[f"decoder.{kind}"]
        fresh = (torch.rand(target.shape, generator=gen) * 2 - 1) * scale
        s = src[f"decoder.{kind}"]
        for gate in range(4):  # PyTorch's gate order: input, forget, cell, output
            rows_old = slice(gate * old, (gate + 1) * old)
            block = fresh[gate * hidden:(gate + 1) * hidden]
            if kind == "weight_hh_l0":
                block[:old] = 0.0  # the old units never read the new ones
                block[:old, :old] = s[rows_old]
            else:
                block[:old] = s[rows_old]
        new[f"decoder.{kind}"] = fresh
    # initial (h, c) from the bar context: the old units' rows, zeros for the new units
    w = torch.zeros_like(dst["ctx_to_decoder.weight"])
    b = torch.zeros_like(dst["ctx_to_decoder.bias"])
    for part in range(2):
        w[part * hidden:part * hidden + old] = src["ctx_to_decoder.weight"][part * old:(part + 1) * old]
        b[part * hidden:part * hidden + old] = src["ctx_to_decoder.bias"][part * old:(part + 1) * old]
    new["ctx_to_decoder.weight"], new["ctx_to_decoder.bias"] = w, b
    out_w = torch.zeros_like(dst["out.weight"])
    out_w[:, :old] = src["out.weight"]
    new["out.weight"], new["out.bias"] = out_w, src["out.bias"].clone()
    dst.update(new)
    wide.load_state_dict(dst)
    return wide.eval()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", help="a model folder (config.json + model.safetensors)")
    p.add_argument("--hidden", type=int, required=True, help="the widened decoder's units")
    p.add_argument("--out", required=True, help="folder for the widened model")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    model, config = load_model(args.model)
    wide = widen(model, args.hidden, args.seed)
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(0, model.cfg.vocab_size, (4, model.cfg.num_steps), generator=gen)
    with torch.no_grad():
        z, _ = model.encode(tokens)
        gap = (model.decode_teacher_forced(z, tokens) - wide.decode_teacher_forced(z, tokens)).abs().max().item()
    meta = {k: v for k, v in config.items() if k not in ("format_version", "model")}
    meta["widened_from"] = {"model": str(args.model), "dec_hidden": model.cfg.dec_hidden}
    save_model(wide, args.out, meta)
    print(json.dumps({"out": args.out, "dec_hidden": [model.cfg.dec_hidden, args.hidden],
                      "parameters": [sum(t.numel() for t in model.parameters()),
                                     sum(t.numel() for t in wide.parameters())],
                      "max_logit_difference": gap}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
