"""``mguv generate``: sample new melodies from the model's prior."""

from __future__ import annotations

import argparse
import sys

from ..generation.form import PHRASE_BARS
from .arguments import BARS, COUNT, PROGRAM, QPM, SEED, TEMPERATURE
from .common import (
    CliError,
    add_model_arguments,
    check_out_folder,
    load_trained_model,
    meter_argument,
    run_guarded,
    write_melody,
)

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
    p.add_argument("--form", default="default", metavar="FORM",
                   help="the song form each melody is written in: phrase labels such as AABA, ABAB, AABB, ABAC, "
                        "\"AA'BA\" (a letter per phrase: a later plain letter repeats its phrase, A' varies it), a "
                        "preset (verse-chorus = ABABCB), 'free' (the model's melody as it comes) or 'default' "
                        "(the default: a period A A' for 8 bars, ABAC for 16 and 32, free when no form fits)")
    p.add_argument("--phrase-bars", type=int, default=None, choices=PHRASE_BARS, metavar="N",
                   help="bars per phrase of --form: 1, 2, 4, 8 or 16 (default: --bars divided by the form's phrases)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    add_model_arguments(p)


def _form(args):
    """The form ``--form`` and ``--phrase-bars`` ask for, checked against ``--bars`` (a CliError says why not)."""
    from ..generation.form import FormError, plan

    try:
        return plan(args.form, args.bars, args.phrase_bars)
    except FormError as err:
        raise CliError(str(err)) from None


def _run(args) -> int:
    """Every melody comes from the Generate dock's path (``generate_variations``), so a seed gives what the app
    gives: written into ``--form``, moved into ``--key``, the best fit of several samples over ``--chord``."""
    import random

    from ..generation import generate_variations
    from ..generation.jobs import CHORD_CANDIDATES
    from ..music import Melody
    from ..music.meter import writes_meter
    from .cmd_backing import chord_options

    form = _form(args)
    out = check_out_folder(args.out)
    tm = load_trained_model(args, args.meter)
    temperature = tm.sample_temperature if args.temperature is None else args.temperature
    meter = args.meter or tm.time_signature
    if not writes_meter(tm.steps_per_bar, tm.time_signature, meter):
        ts = tm.time_signature
        print(f"mguv generate: note: the model '{tm.name}' learnt {ts[0]}/{ts[1]} melodies, so its phrases run "
              f"in {ts[0]}/{ts[1]} bars, not {meter[0]}/{meter[1]}", file=sys.stderr)
    try:
        chords = chord_options(args.chord, Melody(time_signature=meter)) if args.chord else None
    except ValueError as err:
        raise CliError(str(err)) from None
    seed = args.seed if args.seed is not None else random.randrange(2**31 - args.count)
    res = generate_variations(tm, args.count, args.bars, temperature, seed, args.qpm, args.program,
                              key=args.key, chords=chords, form=form)
    shape = f"form {form.preview} in {form.phrase_bars}-bar phrases" if form else "no form (free)"
    print(f"seed {seed}, {shape}")
    for i, m in enumerate(res.melodies):
        m.time_signature = meter
        path = out / f"sample_{i + 1:02d}.mid"
        write_melody(m, path)
        said = [f"{len(m.notes)} notes"]
        if args.key and res.meta["shifts"][i]:
            from ..editing.scales import key_label

            said.append(f"moved {res.meta['shifts'][i]:+d} into {key_label(*args.key)}")
        if chords:
            said.append(f"fit to the chords {res.meta['chord_fit'][i]:.2f} (best of {CHORD_CANDIDATES}; "
                        f"the first sample: {res.meta['chord_fit_first'][i]:.2f})")
        print(f"{path}: " + ", ".join(said))
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
