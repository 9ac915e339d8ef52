"""``mguv reconstruct IN --out OUT``: a melody as the model keeps it, phrase by phrase through the bundled phrase
model of its meter (``engine.phrases``); with ``--model``, that model's whole windows."""

from __future__ import annotations

from pathlib import Path

from .common import (
    CliError,
    add_model_arguments,
    check_out_file,
    check_out_folder,
    check_span,
    load_trained_model,
    run_guarded,
    write_melody,
)

HELP = ("encode + greedy-decode a MIDI file (or a folder of them): what survives of a melody (phrase by phrase "
        "through the phrase model of its meter; --model: that model's whole windows)")


def add_arguments(p) -> None:
    p.add_argument("input", help="a MIDI file or a folder")
    p.add_argument("--out", required=True, help="output file (for a file) or folder (for a folder)")
    add_model_arguments(p)


def _run(args) -> int:
    from ..engine.phrases import PhraseError
    from ..music import MidiImportError, iter_midi_files, read_midi

    models = {}  # without --model, each meter gets the bundled model whose bars fit it

    def model_for(melody):
        key = None if args.model else tuple(melody.time_signature)
        if key not in models:
            models[key] = load_trained_model(args, key, phrases=None if args.model else "auto")
        return models[key]

    src = Path(args.input)
    (check_out_folder if src.is_dir() else check_out_file)(args.out)
    pairs = [(src, Path(args.out))] if not src.is_dir() else \
        [(f, Path(args.out) / f.relative_to(src)) for f in iter_midi_files([src])]
    refused = 0
    for f, target in pairs:
        try:
            melody = read_midi(f).melody
            check_span(f, melody)
        except (MidiImportError, CliError) as exc:
            print(f"REFUSED {exc}")
            refused += 1
            continue
        tm = model_for(melody)
        try:
            out = tm.reconstruct(melody)
        except PhraseError as exc:
            print(f"REFUSED {f}: {exc}")
            refused += 1
            continue
        write_melody(out, target)
        how = "phrase by phrase" if tm.phrases_for(melody) is not None else f"by {tm.name} alone"
        note = "" if args.model or tm.phrases_for(melody) else \
            f" (no phrase model for {melody.time_signature[0]}/{melody.time_signature[1]})"
        print(f"{target} ({how}{note})")
    return 2 if refused else 0


def run(args) -> int:
    return run_guarded(_run, args)
