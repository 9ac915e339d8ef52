"""``mguv generate``: sample new melodies from the model's prior."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .arguments import BARS, COUNT, PROGRAM, QPM, SEED, TEMPERATURE
from .common import add_model_arguments, check_out_folder, load_trained_model, meter_argument, run_guarded, write_melody

HELP = "sample new melodies from the model and write one MIDI file each"


def _key(text: str) -> tuple[int, str]:
    from ..editing.scales import parse_key

    try:
        return parse_key(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_arguments(p) -> None:
    p.add_argument("--bars", type=BARS, default=16, help=f"bars per melody, {BARS.span} (default 16)")
    p.add_argument("--meter", type=meter_argument, default=None, metavar="N/D",
                   help="write in this meter: 3/4 takes the bundled 3/4 model, 6/8 the 6/8 one (default: the "
                        "model's own, 4/4 for the bundled one)")
    p.add_argument("--count", type=COUNT, default=4, help=f"how many melodies, {COUNT.span} (default 4)")
    p.add_argument("--temperature", type=TEMPERATURE, default=None,
                   help=f"sampling temperature, {TEMPERATURE.span} (0 = greedy; default: the model's own, measured "
                        "when it was shipped)")
    p.add_argument("--seed", type=SEED, default=None, help=f"seed for reproducible output, {SEED.span}")
    p.add_argument("--qpm", type=QPM, default=120.0, help=f"tempo of the written files, {QPM.span} (default 120)")
    p.add_argument("--program", type=PROGRAM, default=0,
                   help=f"General MIDI program of the written files, {PROGRAM.span} (default 0)")
    p.add_argument("--key", type=_key, default=None, metavar="KEY",
                   help="move each melody (by at most a tritone) into this key, e.g. 'A minor', 'Eb major', "
                        "'D dorian' (default: the keys the model wrote)")
    p.add_argument("--chord", action="append", default=[], metavar="BAR[:BEAT]=CHORD",
                   help="write over these chords, e.g. --chord 1=Am --chord 2=F --chord 3:3=G7: each melody is the "
                        "best fit of several samples, as the app's 'Over your chords' (repeatable)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_model_arguments(p)


def _run(args) -> int:
    from ..models_registry import writes_meter

    out = check_out_folder(args.out)
    tm = load_trained_model(args, args.meter)
    temperature = tm.sample_temperature if args.temperature is None else args.temperature
    meter = args.meter or tm.time_signature
    if not writes_meter(tm.steps_per_bar, tm.time_signature, meter):
        ts = tm.time_signature
        print(f"mguv generate: note: the model '{tm.name}' learnt {ts[0]}/{ts[1]} melodies, so its phrases run "
              f"in {ts[0]}/{ts[1]} bars, not {meter[0]}/{meter[1]}", file=sys.stderr)
    if args.chord:
        return _over_chords(args, tm, temperature, out, meter)
    melodies = tm.sample(args.count, args.bars, temperature, args.seed, args.qpm, args.program)
    for i, m in enumerate(melodies):
        m.time_signature = meter
        moved = ""
        if args.key:
            from ..editing.scales import key_label, shift_into_scale

            shift = shift_into_scale(m.notes, *args.key)
            m = m.transposed(shift)
            moved = f" (moved {shift:+d} into {key_label(*args.key)})"
        path = out / f"sample_{i + 1:02d}.mid"
        write_melody(m, path)
        print(f"{path}: {len(m.notes)} notes{moved}")
    return 0


def _over_chords(args, tm, temperature: float, out: Path, meter: tuple[int, int]) -> int:
    """``--chord``: the Generate dock's path (``generate_variations`` with chords), so a seed gives what the
    app gives; each file's fit to the chords is printed."""
    from ..generation import generate_variations
    from ..generation.jobs import CHORD_CANDIDATES
    from ..music import Melody
    from .cmd_backing import chord_options

    try:
        chords = chord_options(args.chord, Melody(time_signature=meter))
    except ValueError as err:
        print(f"mguv generate: {err}", file=sys.stderr)
        return 2
    res = generate_variations(tm, args.count, args.bars, temperature, args.seed or 0, args.qpm, args.program,
                              key=args.key, chords=chords)
    for i, (m, fit, first) in enumerate(zip(res.melodies, res.meta["chord_fit"], res.meta["chord_fit_first"],
                                            strict=True)):
        m.time_signature = meter
        path = out / f"sample_{i + 1:02d}.mid"
        write_melody(m, path)
        print(f"{path}: {len(m.notes)} notes, fit to the chords {fit:.2f} (best of {CHORD_CANDIDATES}; "
              f"the first sample: {first:.2f})")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
