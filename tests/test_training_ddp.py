"""The training script under torchrun: two processes (gloo on the CPU) train one model with DDP."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mguv_app.model import load_model

from .tiny_data import write_folder


@pytest.mark.slow
def test_torchrun_two_processes(tmp_path):
    torchrun = Path(sys.executable).parent / "torchrun"
    if not torchrun.exists():
        torchrun = shutil.which("torchrun")
    write_folder(tmp_path / "songs", 8, 8, seed=2)
    cmd = [str(torchrun), "--nproc_per_node", "2", "-m", "mguv_app", "train", str(tmp_path / "songs"),
           "--out", str(tmp_path / "run"), "--steps", "4", "--set", "log_every=2", "--set", "batch_size=4",
           "--set", "eval_every=4", "--set", "model.bars=2", "--set", "model.enc_hidden=16",
           "--set", "model.dec_hidden=16", "--set", "model.conductor_hidden=16", "--set", "model.latent_dim=8"]
    env = {"MGUV_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    events = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    # only rank 0 speaks and writes: one start, one done
    assert [e["event"] for e in events].count("start") == 1 and events[-1]["event"] == "done"
    progress = [e for e in events if e["event"] == "progress"]
    assert progress[-1]["windows_per_s"] > 0 and progress[-1]["step"] == 4
    model, _ = load_model(tmp_path / "run" / "model")
    assert model.cfg.bars == 2
