"""Helpers shared by the model verbs: loading the model, reading a melody, writing results, clear errors.
The numbers the verbs take are checked in ``arguments.py``."""

from __future__ import annotations

import sys
from pathlib import Path

from .arguments import MAX_INPUT_BARS, SEED, TEMPERATURE


class CliError(Exception):
    """A user-facing failure: printed as one line, exit status 2."""


def add_model_arguments(p) -> None:
    p.add_argument("--model", metavar="PATH",
                   help="a model folder (default: the bundled model for the melody's meter: 3/4 the 3/4 model, "
                        "6/8 the 6/8 one, else the 4/4 one)")
    p.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda")


def add_sampling_arguments(p, chord_help: str, seed_default: int | None = 0) -> None:
    """``--temperature``, ``--seed`` and ``--chord`` (repeatable), as the sampling verbs take them."""
    p.add_argument("--temperature", type=TEMPERATURE, default=None,
                   help=f"sampling temperature, {TEMPERATURE.span} (0 = greedy; default: the model's own, measured "
                        "when it was shipped)")
    p.add_argument("--seed", type=SEED, default=seed_default, help=f"{SEED.span}")
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
        melody = read_midi(path).melody
    except MidiImportError as exc:
        raise CliError(str(exc)) from None
    check_span(path, melody)
    return melody


def check_span(path, melody) -> None:
    """A melody whose notes run past :data:`MAX_INPUT_BARS` bars is refused at once (a broken resolution or
    delta time, not music: accompanying or reconstructing it would take minutes and gigabytes)."""
    if melody.num_bars > MAX_INPUT_BARS:
        raise CliError(f"{path}: its notes span {melody.num_bars:,} bars; melodies of up to {MAX_INPUT_BARS:,} bars "
                       "are taken (is its timing broken?)")


def _file_in_the_way(folder: Path) -> Path | None:
    """The first of ``folder`` and its parents that exists, when it is a file: no folder can be made there."""
    for p in (folder, *folder.parents):
        if p.exists():
            return None if p.is_dir() else p
    return None


def check_out_folder(path) -> Path:
    """``--out DIR``: refused before any work when it (or a folder above it) is a file."""
    out = Path(path)
    blocked = _file_in_the_way(out)
    if blocked is not None:
        raise CliError(f"--out {path}: {'that' if blocked == out else blocked} is a file; give a folder "
                       "(it is made if missing)")
    return out


def check_out_file(path) -> Path:
    """``--out FILE.mid``: refused before any work when it names a folder, or a folder above it is a file."""
    out = Path(path)
    if out.is_dir():
        raise CliError(f"--out {path}: that is a folder; give a file name, e.g. {out / 'out.mid'}")
    blocked = _file_in_the_way(out.parent)
    if blocked is not None:
        raise CliError(f"--out {path}: {blocked} is a file, not a folder")
    return out


def write_melody(melody, path) -> None:
    """``write_midi``, a failed write (a full disk, a read-only folder, a folder in the way) as a clear error."""
    from ..music import write_midi

    try:
        write_midi(melody, path)
    except OSError as err:
        blocked = _file_in_the_way(Path(path).parent)
        why = f"{blocked} is a file, not a folder" if blocked is not None else err.strerror or str(err)
        raise CliError(f"cannot write {path}: {why}") from None


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
