"""``mguv reconstruct IN --out OUT``: encode and greedily decode each model-length window."""

from __future__ import annotations

from pathlib import Path

from .common import add_model_arguments, load_trained_model, run_guarded

HELP = "encode + greedy-decode a MIDI file (or a folder of them) to check reconstruction"


def add_arguments(p) -> None:
    p.add_argument("input", help="a MIDI file or a folder")
    p.add_argument("--out", required=True, help="output file (for a file) or folder (for a folder)")
    add_model_arguments(p)


def _run(args) -> int:
    from ..music import MidiImportError, iter_midi_files, read_midi, write_midi

    tm = load_trained_model(args)
    src = Path(args.input)
    pairs = [(src, Path(args.out))] if not src.is_dir() else \
        [(f, Path(args.out) / f.relative_to(src)) for f in iter_midi_files([src])]
    refused = 0
    for f, target in pairs:
        try:
            melody = read_midi(f).melody
        except MidiImportError as exc:
            print(f"REFUSED {exc}")
            refused += 1
            continue
        write_midi(tm.reconstruct(melody), target)
        print(f"{target}")
    return 2 if refused else 0


def run(args) -> int:
    return run_guarded(_run, args)
