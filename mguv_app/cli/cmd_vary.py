"""``mguv vary IN.mid --amount 0.3 --count 4 --out DIR``: variations of a whole melody."""

from __future__ import annotations

from pathlib import Path

from .arguments import COUNT, FRACTION
from .common import (
    CliError,
    add_model_arguments,
    add_sampling_arguments,
    check_out_folder,
    load_trained_model,
    read_melody_with_chords,
    run_guarded,
    temperature_of,
    write_melody,
)

HELP = "variations of a melody, each moved --amount away from it in the model's latent space (Vary in the app)"


def add_arguments(p) -> None:
    p.add_argument("melody", metavar="IN.mid")
    p.add_argument("--amount", type=FRACTION, default=0.3,
                   help="how far each variation moves, 0-1: 0 the model's reading of the melody, 1 a new one "
                        "(default 0.3)")
    p.add_argument("--count", type=COUNT, default=4, help=f"how many variations, {COUNT.span} (default 4)")
    add_sampling_arguments(p, "chords each variation should fit (the best of several); chords saved in IN.mid count "
                              "too")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for IN_vary_1.mid, IN_vary_2.mid, …")
    add_model_arguments(p)


def _run(args) -> int:
    from ..generation import vary_melody

    out = check_out_folder(args.out)
    melody = read_melody_with_chords(args.melody, args.chord)
    tm = load_trained_model(args, melody.time_signature)
    temperature = temperature_of(tm, args)
    try:
        res = vary_melody(tm, melody, args.count, args.amount, temperature, args.seed, chords=melody.chords or None)
    except ValueError as err:
        raise CliError(str(err)) from None
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CliError(f"cannot make the folder {out}: {err.strerror or err}") from None
    for i, m in enumerate(res.melodies):
        path = out / f"{Path(args.melody).stem}_vary_{i + 1}.mid"
        write_melody(m.with_meter_map(melody.meter_map) if melody.meters else m, path)  # in the file's bars
        fit = f", fit to the chords {res.meta['chord_fit'][i]:.2f}" if "chord_fit" in res.meta else ""
        print(f"{path}: {len(m.notes)} notes, {args.amount:.2f} away (seed {args.seed + i}){fit}")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
