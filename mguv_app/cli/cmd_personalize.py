"""``mguv personalize DATA_DIR --out DIR [--model BASE]``: MidiMe personalisation in seconds on the CPU."""

from __future__ import annotations

import json

from .arguments import SEED
from .common import CliError, add_model_arguments, load_trained_model, run_guarded

HELP = "personalise a model on a folder of your MIDI files in seconds (MidiMe: a small VAE over its latents)"


def add_arguments(p) -> None:
    p.add_argument("data", metavar="DATA_DIR", help="folder of MIDI files in the style to learn")
    p.add_argument("--out", required=True, metavar="DIR", help="the personalised model folder to write")
    p.add_argument("--latent", type=int, default=4, help="size of the small latent space (default 4)")
    p.add_argument("--steps", type=int, default=500, help="training steps (default 500)")
    p.add_argument("--seed", type=SEED, default=0, help=f"{SEED.span} (default 0)")
    add_model_arguments(p)


def _run(args) -> int:
    from ..personalize import MidiMeConfig, PersonalizeError, personalize

    if args.latent < 1 or args.steps < 1:
        raise CliError("--latent and --steps must be at least 1")
    base = load_trained_model(args)
    try:
        result = personalize(base, args.data, args.out, MidiMeConfig(latent_dim=args.latent, steps=args.steps,
                                                                     seed=args.seed))
    except PersonalizeError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result.to_dict()))
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
