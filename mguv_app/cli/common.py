"""Helpers shared by the model verbs: loading the model, reading a melody, clear errors."""

from __future__ import annotations

import sys


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_model_arguments(p) -> None:
    p.add_argument("--model", metavar="PATH",
                   help="a model folder (default: the bundled model for the melody's meter: 3/4 the 3/4 model, "
                        "6/8 the 6/8 one, else the 4/4 one)")
    p.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda")


def add_sampling_arguments(p, chord_help: str, seed_default: int | None = 0) -> None:
    """``--temperature``, ``--seed`` and ``--chord`` (repeatable), as the sampling verbs take them."""
    p.add_argument("--temperature", type=float, default=None,
                   help="sampling temperature (0 = greedy; default: the model's own, measured when it was shipped)")
    p.add_argument("--seed", type=int, default=seed_default)
    p.add_argument("--chord", action="append", default=[], metavar="BAR[:BEAT]=CHORD", help=chord_help)


def load_trained_model(args, time_signature=None, phrases="auto"):
    """``--model``, else the bundled model for ``time_signature`` (the input melody's meter: ``bundled_model_dir``),
    with the phrase model of its meter (``phrases``: "auto", a folder, or None for none)."""
    from ..engine import TrainedModel, default_model_dir
    from ..model import CheckpointError

    folder = args.model or default_model_dir(time_signature)
    try:
        return TrainedModel(folder, args.device, phrases=phrases)
    except CheckpointError as exc:
        hint = "" if args.model else " (no bundled model: pass --model PATH)"
        raise CliError(f"cannot load model: {exc}{hint}") from None
    except RuntimeError as exc:
        raise CliError(str(exc)) from None


def read_melody(path):
    from ..music import MidiImportError, read_midi

    try:
        return read_midi(path).melody
    except MidiImportError as exc:
        raise CliError(str(exc)) from None


def read_melody_with_chords(path, options: list[str]):
    """The melody of ``path`` with the ``--chord BAR[:BEAT]=CHORD`` options added to the chords saved in it."""
    from .cmd_backing import chord_options

    melody = read_melody(path)
    try:
        melody.chords.update(chord_options(options, melody))
    except ValueError as err:
        raise CliError(str(err)) from None
    return melody


def temperature_of(tm, args) -> float:
    """``--temperature``, or the model's own best when it was not given."""
    return tm.sample_temperature if args.temperature is None else args.temperature


def run_guarded(fn, args) -> int:
    try:
        return fn(args)
    except CliError as exc:
        print(f"mguv: {exc}", file=sys.stderr)
        return 2


def meter_argument(text: str) -> tuple[int, int]:
    """argparse type of ``--meter N/D`` (generate, train): a meter a melody can have, else a usage error."""
    import argparse

    from ..music.melody import checked_time_signature

    try:
        num, den = (int(v) for v in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a meter is N/D, such as 3/4, not {text!r}") from None
    try:
        return checked_time_signature(num, den)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
