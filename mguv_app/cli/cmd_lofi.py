"""``mguv lofi --minutes 3 --out OUT.mid [--wav OUT.wav]``: endless Lo-Fi, N minutes of it, offline."""

from __future__ import annotations

import json
import sys

from .arguments import SEED, TEMPERATURE
from .common import CliError, add_model_arguments, read_melody, run_guarded

HELP = ("generate N minutes of Lo-Fi (model melody + fitted jazz chords, bass, swung drums) "
        "as multitrack MIDI and optionally WAV, faster than real time")


def add_arguments(p) -> None:
    p.add_argument("--minutes", type=float, default=3.0,
                   help="length of music, rounded to the nearest whole phrase (the default model's phrase is 16 "
                        "bars: 48 s at 80 BPM, so 1 gives 48 s and 3 gives 3.2 min); default 3")
    p.add_argument("--out", "-o", required=True, metavar="OUT.mid", help="the multitrack MIDI file to write")
    p.add_argument("--wav", metavar="OUT.wav", help="also render the file to WAV through FluidSynth")
    p.add_argument("--seed", type=SEED, default=0, help=f"seed (same seed, same music), {SEED.span} (default 0)")
    p.add_argument("--bpm", type=float, default=80.0, help="tempo, 70-90 (default 80)")
    p.add_argument("--swing", type=float, default=0.6, help="0.5 straight .. 0.75 hard swing (default 0.6)")
    p.add_argument("--mode", choices=("walk", "continue"), default="walk",
                   help="how phrases connect: latent random walk (default) or continuation")
    p.add_argument("--form", default="AABA", metavar="FORM",
                   help="the tune's form, round and round: its phrases come back varied in this order, the last "
                        "closing on the tonic (AABA, ABAB, AABB, ABAC or any such string; 'free': every phrase new; "
                        "default AABA)")
    p.add_argument("--speed", type=float, default=0.35, help="latent walk step size (default 0.35)")
    p.add_argument("--anchor", metavar="MELODY.mid", help="stay near this melody (its key and latent)")
    p.add_argument("--anchor-strength", type=float, default=0.3, help="0..1 pull toward --anchor (default 0.3)")
    p.add_argument("--temperature", type=TEMPERATURE, default=0.7,
                   help=f"sampling temperature, {TEMPERATURE.span} (default 0.7)")
    p.add_argument("--soundfont", metavar="F", help="SoundFont for --wav (default: the installed GM font)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch threads for generation (default 1: batch-1 decoding gains nothing from more)")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    add_model_arguments(p)


def _load_model(args):
    from ..engine import TrainedModel, default_model_dir
    from ..model import CheckpointError

    folder = args.model or default_model_dir()
    if not args.model and not (default_model_dir() / "config.json").exists():
        raise CliError(f"the default model is not installed ({default_model_dir()}); "
                       "pass --model PATH to a trained model folder")
    try:
        return TrainedModel(folder, args.device)
    except CheckpointError as exc:
        raise CliError(f"cannot load model: {exc}") from None
    except RuntimeError as exc:
        raise CliError(str(exc)) from None


def _run(args) -> int:
    from ..lofi.band import BandStyle
    from ..lofi.export import export_stream, phrase_seconds
    from ..lofi.stream import LofiStream

    if not 0 < args.minutes <= 180:
        raise CliError(f"--minutes must be more than 0 and at most 180, got {args.minutes:g}")
    if not 0.0 <= args.anchor_strength <= 1.0:
        raise CliError(f"--anchor-strength must be 0..1, got {args.anchor_strength:g}")
    if not 0.0 <= args.speed <= 4.0:
        raise CliError(f"--speed must be 0..4, got {args.speed:g}")
    try:
        style = BandStyle(bpm=args.bpm, swing=args.swing)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if args.threads < 1:
        raise CliError(f"--threads must be at least 1, got {args.threads}")
    from ..generation.form import FormError, parse_form

    try:
        parse_form(args.form)
    except FormError as err:
        raise CliError(f"--form: {err}") from None
    anchor = read_melody(args.anchor) if args.anchor else None
    model = _load_model(args)
    import torch

    torch.set_num_threads(args.threads)
    stream = LofiStream(model, seed=args.seed, mode=args.mode, speed=args.speed, anchor_melody=anchor,
                        anchor_strength=args.anchor_strength if anchor else 0.0, style=style,
                        temperature=args.temperature, form=args.form)

    def progress(done, total):
        if not args.json:
            print(f"\rphrase {done}/{total}", end="", file=sys.stderr, flush=True)

    from ..audio import SoundFontError

    try:
        res = export_stream(stream, args.minutes, args.out, args.wav, args.soundfont, progress)
    except SoundFontError as exc:
        raise CliError(f"bad SoundFont: {exc}") from None
    except OSError as exc:
        raise CliError(f"cannot write: {exc.strerror or exc}") from None
    if not args.json:
        print(file=sys.stderr)
    info = {"midi": res.midi_path, "wav": res.wav_path, "phrases": res.phrases, "seconds": round(res.seconds, 1),
            "asked_minutes": args.minutes, "phrase_seconds": round(phrase_seconds(stream), 1),
            "key": str(stream.key), "bpm": style.bpm, "swing": style.swing, "mode": args.mode,
            "model": str(model.folder), "exact_repeats": res.repeats,
            "generate_seconds": round(res.generate_seconds, 2), "render_seconds": round(res.render_seconds, 2),
            "x_real_time": round(res.speed, 1)}
    if args.json:
        print(json.dumps(info))
    else:
        print(f"{res.midi_path}: {res.phrases} phrase{'s' * (res.phrases != 1)} of "
              f"{phrase_seconds(stream):.0f} s, {_length(res.seconds)} (the phrase boundary nearest the "
              f"{args.minutes:g} min asked for) in {stream.key} at {style.bpm:g} BPM"
              + (f"; {res.wav_path}" if res.wav_path else "")
              + f" ({res.speed:.0f}x real time)")
    return 0


def _length(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} min"


def run(args) -> int:
    return run_guarded(_run, args)
