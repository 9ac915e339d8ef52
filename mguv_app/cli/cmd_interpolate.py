"""``mguv interpolate A.mid B.mid``: melodies along the latent path from A to B."""

from __future__ import annotations

from pathlib import Path

from .arguments import SEED, STEPS, TEMPERATURE
from .common import (
    add_model_arguments,
    check_out_file,
    check_out_folder,
    load_trained_model,
    read_melody,
    run_guarded,
    write_melody,
)

HELP = "interpolate between two melodies in latent space (one file per step, or --concat)"


def add_arguments(p) -> None:
    p.add_argument("a", help="start melody (MIDI)")
    p.add_argument("b", help="end melody (MIDI)")
    p.add_argument("--steps", type=STEPS, default=7,
                   help=f"number of melodies, ends included, {STEPS.span} (default 7)")
    p.add_argument("--temperature", type=TEMPERATURE, default=0.0, help=f"{TEMPERATURE.span}; 0 = greedy (default)")
    p.add_argument("--seed", type=SEED, default=None, help=f"{SEED.span}")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--out", metavar="DIR", help="write step_01.mid ... into DIR")
    g.add_argument("--concat", metavar="OUT.mid", help="write all steps one after another into one file")
    add_model_arguments(p)


def _run(args) -> int:
    if args.concat:
        check_out_file(args.concat)
    else:
        check_out_folder(args.out)
    a, b = read_melody(args.a), read_melody(args.b)
    tm = load_trained_model(args, a.time_signature)
    steps = tm.interpolate(a, b, args.steps, args.temperature, args.seed)
    if args.concat:
        step_len = tm.bars * steps[0].ticks_per_bar
        # each step takes the model's full length, so step k always starts at the same bar
        song = steps[0].copy([n.moved(dt=i * step_len) for i, m in enumerate(steps) for n in m.notes])
        write_melody(song, args.concat)
        print(f"{args.concat}: {len(steps)} steps, {len(song.notes)} notes")
        return 0
    for i, m in enumerate(steps):
        path = Path(args.out) / f"step_{i + 1:02d}.mid"
        write_melody(m, path)
        print(f"{path}: {len(m.notes)} notes")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
