"""``mguv train DATA --out RUN``: train (or fine-tune, or resume) a model; progress as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

from .arguments import TRAIN_STEPS
from .common import CliError, meter_argument, run_guarded

HELP = "train a model on a folder of MIDI files (or a corpus .npz); prints JSON-lines progress"


EXIT_CODES = ("exit status: 0 finished (or stopped by SIGTERM/Ctrl+C, with a checkpoint); 2 a bad argument "
              "(a message on stderr) or no training windows; 3 the loss became NaN; 4 out of GPU memory; 5 the "
              "disk is full (the last checkpoint resumes). 2 for no windows, 3, 4 and 5 end with an "
              "{\"event\": \"error\"} line saying why.")


def add_arguments(p) -> None:
    p.epilog = EXIT_CODES
    p.add_argument("data", help="folder of MIDI files, or a corpus .npz from model_training.build_corpus")
    p.add_argument("--out", required=True, metavar="RUN_DIR", help="run folder (checkpoints, progress, model)")
    p.add_argument("--config", metavar="JSON", help='file with {"model": {...}, "train": {...}} settings')
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override one setting, e.g. --set batch_size=32 --set model.bars=2")
    p.add_argument("--steps", type=TRAIN_STEPS, help=f"total training steps, {TRAIN_STEPS.span}")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in RUN_DIR from its last checkpoint; --set changes settings from there on")
    p.add_argument("--init-from", metavar="MODEL",
                   help="fine-tune: start from this model's weights and architecture (--set model.bars=N or "
                        "model.steps_per_bar=12 may change its bar geometry: a 3/4 model from a 4/4 one)")
    p.add_argument("--meter", type=meter_argument, metavar="N/D",
                   help="the time signature the model learns, kept in its config.json (6/8 and 3/4 bars are equally "
                        "long: this tells them apart); default: the corpus's, else the --init-from model's")
    p.add_argument("--role", choices=["melody", "phrase"], default=None,
                   help="what the model is for, kept in its config.json: 'melody' (the default: a model Generate "
                        "uses) or 'phrase' (a short model that carries a user's melody phrase by phrase: reconstruct, "
                        "Vary, Rewrite, forms); default: the --init-from model's")
    p.add_argument("--device", default=None, help="auto, cpu or cuda")


def _parse_value(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def build_configs(args):
    from ..model.config import ModelConfig, TrainConfig

    model, train = {}, {}
    args.train_overrides = {}
    args.model_keys = set()
    if args.config:
        try:
            cfg = json.loads(Path(args.config).read_text())
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read --config {args.config}: {exc}") from None
        model, train = dict(cfg.get("model", {})), dict(cfg.get("train", {}))
    for item in args.set:
        if "=" not in item:
            raise CliError(f"--set needs KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        if key.startswith("model."):
            model[key[6:]] = _parse_value(value)
        else:
            train[key.removeprefix("train.")] = _parse_value(value)
            args.train_overrides[key.removeprefix("train.")] = train[key.removeprefix("train.")]
    args.model_keys = set(model)
    if args.steps:
        train["max_steps"] = args.steps
    if args.device:
        train["device"] = args.device
    try:
        return ModelConfig.from_dict(model), TrainConfig.from_dict(train)
    except (TypeError, ValueError) as exc:
        raise CliError(str(exc)) from None


def _command_line(args) -> str:
    """This invocation as one shell line (``mguv train ...``), recorded in run.json for provenance."""
    import shlex

    return "mguv " + shlex.join(getattr(args, "argv", None) or ["train"])


def _run(args) -> int:
    from ..model import CheckpointError
    from ..training.data import CorpusError
    from ..training.loop import GEOMETRY_KEYS, ResumeError, TrainingRun

    mcfg, tcfg = build_configs(args)
    geometry = {k: getattr(mcfg, k) for k in GEOMETRY_KEYS if k in args.model_keys}  # named in --config/--set
    try:
        if args.resume and not args.steps:  # a resume goes on to the run's own max_steps, not the default's
            tcfg = None
        run = TrainingRun(args.data, args.out, mcfg, tcfg, resume=args.resume, init_from=args.init_from,
                          overrides=args.train_overrides if args.resume else None, command=_command_line(args),
                          init_geometry=geometry, meter=args.meter, role=args.role)
        if run.restarted:  # stopped before its first checkpoint: its own settings, from step 0
            print(json.dumps({"event": "note", "message": "no checkpoint yet: the run starts again from step 0 with "
                              "the settings it was started with"}), flush=True)
        return run.run()
    except (FileNotFoundError, CorpusError, ResumeError, CheckpointError) as exc:  # bad data, run or --init-from
        raise CliError(str(exc)) from None


def run(args) -> int:
    return run_guarded(_run, args)
