"""Helpers shared by the model verbs: loading the model, reading a melody, clear errors."""

from __future__ import annotations

import sys


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_model_arguments(p) -> None:
    p.add_argument("--model", metavar="PATH", help="a model folder (default: the bundled model)")
    p.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda")


def load_trained_model(args):
    from ..engine import TrainedModel, default_model_dir
    from ..model import CheckpointError

    folder = args.model or default_model_dir()
    try:
        return TrainedModel(folder, args.device)
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


def run_guarded(fn, args) -> int:
    try:
        return fn(args)
    except CliError as exc:
        print(f"mguv: {exc}", file=sys.stderr)
        return 2
