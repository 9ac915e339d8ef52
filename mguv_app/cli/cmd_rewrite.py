"""``mguv rewrite IN.mid --bars 5-6 --out OUT.mid``: new notes for some bars, fitted to the bars around them."""

from __future__ import annotations

from pathlib import Path

from .arguments import COUNT
from .common import (
    CliError,
    add_model_arguments,
    add_sampling_arguments,
    check_out_file,
    load_trained_model,
    read_melody_with_chords,
    run_guarded,
    temperature_of,
    write_melody,
)

HELP = "rewrite some bars of a melody: new notes that fit the music around them, every other note kept"


def add_arguments(p) -> None:
    p.add_argument("melody", metavar="IN.mid")
    p.add_argument("--bars", required=True, metavar="A[-B]", help="the bars to rewrite, counted from 1: 5 or 5-6")
    p.add_argument("--count", type=COUNT, default=1,
                   help=f"versions to write, {COUNT.span} (OUT_1.mid, OUT_2.mid, … when above 1)")
    add_sampling_arguments(p, "a chord for the rewritten bars, e.g. --chord 5=Am: each version is the best fit of "
                              "several (chords saved in IN.mid count too)")
    p.add_argument("--out", required=True, metavar="OUT.mid")
    add_model_arguments(p)


def parse_bars(text: str) -> tuple[int, int]:
    """"5" or "5-6" (1-based, inclusive) -> (first, last)."""
    try:
        a, _, b = text.partition("-")
        first, last = int(a), int(b or a)
    except ValueError:
        raise CliError(f"--bars {text}: give a bar or a range of bars, e.g. 5 or 5-6") from None
    if not 1 <= first <= last:
        raise CliError(f"--bars {text}: bars count from 1 and the range goes forwards")
    return first, last


def _run(args) -> int:
    from ..generation import rewrite_bars

    first, last = parse_bars(args.bars)
    check_out_file(args.out)
    melody = read_melody_with_chords(args.melody, args.chord)
    last_bar = melody.meter_map.number(max(0, melody.num_bars - 1))
    if last > last_bar:  # it wrote 1,000 bars for --bars 999-1000 of a 25-bar tune
        raise CliError(f"--bars {args.bars}: {args.melody} ends at bar {last_bar}")
    tm = load_trained_model(args, melody.time_signature)
    temperature = temperature_of(tm, args)
    meter_map = melody.meter_map  # bars numbered as the ruler numbers them (a pickup is bar 0)
    start, end = meter_map.bar_start(meter_map.index(first)), meter_map.bar_start(meter_map.index(last) + 1)
    try:
        res = rewrite_bars(tm, melody, start, end, args.count, temperature, args.seed, chords=melody.chords)
    except ValueError as err:
        raise CliError(str(err)) from None
    out = Path(args.out)
    for i, m in enumerate(res.melodies):
        path = out if args.count == 1 else out.with_name(f"{out.stem}_{i + 1}{out.suffix or '.mid'}")
        write_melody(m.with_meter_map(meter_map) if melody.meters else m, path)  # in the file's bars
        fit = ""
        if "chord_fit" in res.meta:
            fit = (f", fit to the chords {res.meta['chord_fit'][i]:.2f} (best of {res.meta['candidates']}; "
                   f"the first: {res.meta['chord_fit_first'][i]:.2f})")
        new = sum(start <= n.start < end for n in m.notes)
        print(f"{path}: bars {first}-{last} rewritten ({new} new notes), {len(m.notes)} notes in all{fit}")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
