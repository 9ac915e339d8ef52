"""The training subprocess runner: events from real ``mguv train`` processes, errors and crashes reported."""

import sys

import pytest

from mguv_app.training.process import TrainingProcess, train_command

from .tiny_data import tiny_model_config, tiny_train_config, write_folder


def tiny_sets(**train) -> list[str]:
    """``--set`` items for the tiny test model and a fast training config."""
    model = tiny_model_config().to_dict()
    cfg = tiny_train_config(**train).to_dict()
    cfg.pop("max_steps")
    sets = [f"model.{k}={v}" for k, v in model.items() if k not in ("vocab_size",)]
    return sets + [f"{k}={v}" for k, v in cfg.items() if k in (
        "batch_size", "lr", "lr_min", "log_every", "eval_every", "ckpt_every", "eval_windows", "free_bits",
        "beta_max", "beta_rate", "seed", "grad_clip")]


def test_command_line():
    cmd = train_command("/d", "/r", steps=50, settings={"batch_size": 8, "lr": 0.001}, extra_sets=["model.bars=4"],
                        init_from="/m", device="cpu")
    assert cmd[-16:] == ["train", "/d", "--out", "/r", "--steps", "50", "--set", "batch_size=8", "--set", "lr=0.001",
                         "--set", "model.bars=4", "--init-from", "/m", "--device", "cpu"]
    resumed = train_command("/d", "/r", init_from="/m", resume=True)
    assert "--resume" in resumed and "--init-from" not in resumed


def test_crash_is_reported_with_stderr_tail():
    script = "import sys; print('{\"event\": \"start\", \"step\": 0}'); print('not json'); " \
             "sys.stderr.write('Traceback...\\nRuntimeError: boom\\n'); sys.exit(3)"
    events = list(TrainingProcess([sys.executable, "-c", script]).start().iter_events(30))
    assert [e["event"] for e in events] == ["start", "log", "exit"]
    assert events[1]["line"] == "not json"
    end = events[-1]
    assert end["status"] == "crashed" and end["code"] == 3 and "RuntimeError: boom" in end["message"]


@pytest.mark.slow
def test_nan_no_data_and_refused_arguments(tmp_path):
    env_dir = tmp_path / "songs"
    write_folder(env_dir, 4, 6, seed=2)
    (tmp_path / "empty").mkdir()
    common = dict(steps=20, device="cpu")
    procs = {
        "nan": TrainingProcess(train_command(env_dir, tmp_path / "nan", extra_sets=tiny_sets(
            lr=1e30, lr_min=1e30, grad_clip=1e30), **common)),
        "no_data": TrainingProcess(train_command(tmp_path / "empty", tmp_path / "nd", extra_sets=tiny_sets(),
                                                 **common)),
        "refused": TrainingProcess(train_command(env_dir, tmp_path / "bad", extra_sets=["speed=11"], **common)),
    }
    for p in procs.values():
        p.env.update(MGUV_CACHE_DIR=str(tmp_path / "cache"), OMP_NUM_THREADS="1")
        p.start()
    ends = {k: list(p.iter_events(240))[-1] for k, p in procs.items()}
    assert ends["nan"]["status"] == "error" and ends["nan"]["reason"] == "nan"
    assert "learning rate" in ends["nan"]["message"]
    assert ends["no_data"]["status"] == "error" and ends["no_data"]["reason"] == "no_data"
    assert ends["refused"]["status"] == "failed" and "unknown training setting" in ends["refused"]["message"]
