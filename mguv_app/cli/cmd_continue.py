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
    p.add_argument("--answer", choices=["more", "repeat", "answer"], default="more",
                   help="how the new bars follow the prompt: 'more' of its line (the default), 'repeat' its last "
                        "--bars bars again, closing on the tonic, or 'answer' them with a consequent phrase that "
                        "begins as they begin and closes on the tonic")
    p.add_argument("--out", required=True, metavar="OUT.mid")
    add_model_arguments(p)


def _run(args) -> int:
    check_out_file(args.out)
    prompt = read_melody_with_chords(args.prompt, args.chord)
    tm = load_trained_model(args, prompt.time_signature)
    temperature = temperature_of(tm, args)
    new_from = prompt.num_bars * prompt.ticks_per_bar
    fitted = ""
    ahead = any(t >= new_from for t in prompt.chords)
    if ahead or args.answer != "more":  # chords ahead, or an answer: the Generate dock's path
        from ..generation import continue_melody

        res = continue_melody(tm, prompt, args.bars, temperature, args.seed or 0, chords=prompt.chords,
                              answer=args.answer)
        result = res.melodies[0]
        if ahead:
            fitted = f", fit to the chords {res.meta['chord_fit']:.2f} (best of {res.meta['candidates']}; " \
                     f"the first: {res.meta['chord_fit_first']:.2f})"
        if args.answer != "more":
            fitted += f", {args.answer}: cadence {res.meta.get('cadence', 'open')}"
    else:
        result = tm.continue_(prompt, args.bars, temperature, args.seed)
    write_melody(result.with_meter_map(prompt.meter_map) if prompt.meters else result, args.out)  # the prompt's bars
    print(f"{args.out}: {prompt.num_bars} prompt bars + {args.bars} new bars, {len(result.notes)} notes{fitted}")
    return 0


def run(args) -> int:
    return run_guarded(_run, args)
