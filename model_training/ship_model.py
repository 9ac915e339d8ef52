"""Copy a trained model folder into ``resources/models/`` with float16 weights.

    python -m model_training.ship_model runs/melody_16bar/model resources/models/melody_16bar [CORPUS.npz] [--run RUN]
        [--role phrase]

With a corpus, attribute vectors are computed from its training windows when the source folder
has none (a run stopped by hand has a checkpoint but no finished ``model/``). Float16 halves the
size in git (every committed version of a binary stays forever) at no audible cost;
``load_model`` casts back to float32. Copies config.json, attribute vectors, metrics and the card;
the sampling temperature ``evaluate_model`` measured best and the corpus's meter go into config.json,
and ``--run`` keeps the training run's ``run.json`` (settings, commands, notes) as ``training_run.json``.
``--role phrase`` marks a phrase model (``engine.phrases``) whose run was started without ``mguv train --role``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path


def _attributes(folder: Path, corpus: Path) -> None:
    from mguv_app.engine import TrainedModel
    from mguv_app.engine.attributes import ATTRIBUTES_FILE, attribute_vectors_from_windows, save_attribute_vectors
    from mguv_app.training.data import load_corpus

    tm = TrainedModel(folder, "cpu")
    train = load_corpus(corpus, tm.bars, tm.steps_per_bar, "train")
    vectors = attribute_vectors_from_windows(lambda tokens: tm.encode_tokens(tokens)[0], train)
    save_attribute_vectors(vectors, folder / ATTRIBUTES_FILE)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    role = None
    if "--role" in argv:
        i = argv.index("--role")
        role = argv[i + 1] if i + 1 < len(argv) else None
        del argv[i: i + 2]
        if role not in ("phrase", "melody"):
            print("--role is phrase or melody", file=sys.stderr)
            return 2
    run = None
    if "--run" in argv:
        i = argv.index("--run")
        run = Path(argv[i + 1]) if i + 1 < len(argv) else None
        del argv[i: i + 2]
        if run is None:
            print("--run needs a run folder", file=sys.stderr)
            return 2
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    src, dst = Path(argv[0]), Path(argv[1])
    from mguv_app.model import load_model, save_model
    from mguv_app.model.checkpoint import read_config

    managed = ("attributes.safetensors", "metrics.json", "MODEL_CARD.md", "reference_latents.npy",
               "reference_latents.json", "meter_fit.json")
    for name in (*managed, "training_run.json"):  # nothing of an earlier version may survive next to new weights
        (dst / name).unlink(missing_ok=True)
    model, _ = load_model(src)
    meta = {k: v for k, v in read_config(src).items() if k not in ("model", "format_version")}
    if (src / "metrics.json").exists():  # the temperature evaluate_model found best becomes the model's default
        measured = json.loads((src / "metrics.json").read_text()).get("sample_temperature")
        if measured is not None:
            meta["sample_temperature"] = measured
    if len(argv) == 3:  # the corpus's meter labels what the model writes (6/8 and 3/4 bars are equally long)
        from mguv_app.training.data import corpus_meter

        meter = corpus_meter(argv[2])
        if meter is not None:
            meta["time_signature"] = list(meter)
    if role == "phrase":
        meta["role"] = "phrase"
    elif role == "melody":
        meta.pop("role", None)
    save_model(model, dst, meta, half=True)
    for name in managed:
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    if len(argv) == 3 and not (dst / "attributes.safetensors").exists():
        _attributes(dst, Path(argv[2]))
    if run is not None:
        shutil.copy2(run / "run.json", dst / "training_run.json")
    size = sum(f.stat().st_size for f in dst.iterdir()) / 2**20
    print(f"{dst}: {size:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
