"""``mguv continue PROMPT.mid``: keep the prompt and add new bars that follow it."""

from __future__ import annotations

from .arguments import BARS
from .common import (
    add_model_arguments,
    add_sampling_arguments,
    check_out_file,
    load_trained_model,
    read_melody_with_chords,
    run_guarded,
    temperature_of,
    write_melody,
)

HELP = "continue a melody: the prompt is kept exactly and N new bars follow it"


def add_arguments(p) -> None:
    p.add_argument("prompt", help="the melody to continue (MIDI)")
    p.add_argument("--bars", type=BARS, default=8, help=f"new bars to add, {BARS.span} (default 8)")
    add_sampling_arguments(p, "a chord for the new bars (bars counted from the prompt's first), e.g. --chord 9=Am: "
                              "the continuation is the best fit of several, as in the app; chords saved in PROMPT.mid "
                              "count too", seed_default=None)
    p.add_argument("--out", required=True, metavar="OUT.mid")
    add_model_arguments(p)


def _run(args) -> int:
    check_out_file(args.out)
    prompt = read_melody_with_chords(args.prompt, args.chord)
    tm = load_trained_model(args, prompt.time_signature)
    temperature = temperature_of(tm, args)
    new_from = prompt.num_bars * prompt.ticks_per_bar
    fitted = ""
    if any(t >= new_from for t in prompt.chords):  # chords ahead: the Generate dock's path
        from ..generation import continue_melody

        res = continue_melody(tm, prompt, args.bars, temperature, args.seed or 0, chords=prompt.chords)
        result = res.melodies[0]
        fitted = f", fit to the chords {res.meta['chord_fit']:.2f} (best of {res.meta['candidates']}; " \
                 f"the first: {res.meta['chord_fit_first']:.2f})"
    else:
        result = tm.continue_(prompt, args.bars, temperature, args.seed)
    write_melody(result, args.out)
    print(f"{args.out}: {prompt.num_bars} prompt bars + {args.bars} new bars, {len(result.notes)} notes{fitted}")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
