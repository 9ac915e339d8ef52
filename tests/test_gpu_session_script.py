"""model_training/gpu_session.sh: the one-call GPU training script, dry-run on the CPU.

A session with a lent GPU has minutes of device time, so the script must work the first time
there: here it runs end to end with DEVICE=cpu on a tiny folder and must leave a loadable fp16
model, the progress log and the machine description in $OUT, exactly what the device returns.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mguv_app.engine import TrainedModel

from .tiny_data import tiny_model_config, tiny_train_config, write_folder

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_gpu_session_script_dry_run_on_cpu(tmp_path):
    write_folder(tmp_path / "songs", 10, 8, seed=4)
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"model": tiny_model_config().to_dict(),
                               "train": tiny_train_config(max_steps=12).to_dict()}))
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "OUT": str(out), "PY": sys.executable, "DEVICE": "cpu", "DATA": str(tmp_path / "songs"),
           "CONFIG": str(cfg), "RUN": str(tmp_path / "run"), "MINUTES": "5", "MGUV_CACHE_DIR": str(tmp_path / "c")}
    res = subprocess.run(["bash", str(ROOT / "model_training" / "gpu_session.sh")], env=env, capture_output=True,
                         text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    events = [json.loads(x) for x in (out / "progress.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "done" and events[-1]["step"] == 12
    assert "torch" in (out / "gpu.txt").read_text()
    assert json.loads((out / "run.json").read_text())["train"]["max_minutes"] == 5
    tm = TrainedModel(out / "model", "cpu")
    assert (out / "model" / "attributes.safetensors").exists()
    from safetensors.torch import load_file

    weights = load_file(str(out / "model" / "model.safetensors"))
    assert {str(v.dtype) for v in weights.values()} == {"torch.float16"}  # half the bytes to bring back
    assert len(tm.sample(2, temperature=1.0, seed=0)) == 2


def test_training_refuses_an_unknown_precision(tmp_path, capsys):
    from mguv_app.cli import main

    write_folder(tmp_path / "songs", 3, 8, seed=5)
    assert main(["train", str(tmp_path / "songs"), "--out", str(tmp_path / "r"), "--set", "precision=fp16"]) == 2
    assert "precision must be auto, bf16 or fp32" in capsys.readouterr().err
