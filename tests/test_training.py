"""The training engine: data scanning, progress stream, checkpoints, resume, stop, NaN guard."""

import json
import threading

import numpy as np
import pytest
import torch

from mguv_app.model import load_model
from mguv_app.training.data import scan_folder
from mguv_app.training.exits import TrainExit
from mguv_app.training.loop import TrainingRun

from . import smf
from .tiny_data import tiny_model_config, tiny_train_config, write_folder


@pytest.fixture
def songs(tmp_path, monkeypatch):
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    write_folder(tmp_path / "songs", 12, 8, seed=1)
    (tmp_path / "songs" / "broken.mid").write_bytes(smf.simple_song()[:-15])
    (tmp_path / "songs" / "notes.mid").write_text("shopping list")
    return tmp_path / "songs"


def test_scan_reports_bad_files_and_splits_by_file(songs):
    ws = scan_folder(songs, bars=4, workers=1, valid_fraction=0.25)
    assert ws.report.files == 14 and ws.report.read == 12
    reasons = dict(ws.report.refused)
    assert "truncated" in reasons[str(songs / "broken.mid")]
    assert "text file" in reasons[str(songs / "notes.mid")]
    assert ws.train.shape[1] == 64 and len(ws.valid) > 0
    assert ws.report.windows == len(ws.train) + len(ws.valid)
    # each 8-bar song gives 5 four-bar windows (hop 1 bar)
    assert ws.report.windows == 12 * 5
    # a second scan is served from the cache and agrees
    again = scan_folder(songs, bars=4, workers=1, valid_fraction=0.25)
    assert np.array_equal(again.train, ws.train) and again.report.refused == ws.report.refused


def test_progress_stream_and_outputs(songs, tmp_path):
    events = []
    code = TrainingRun(songs, tmp_path / "run", tiny_model_config(), tiny_train_config(max_steps=20),
                       emit=events.append).run()
    assert code == 0
    kinds = [e["event"] for e in events]
    assert kinds[0] == "scan" and kinds[-1] == "done", kinds
    assert [k for k in kinds if k != "scan"][:2] == ["data", "start"]
    prog = [e for e in events if e["event"] == "progress"]
    for key in ("step", "loss", "recon", "kl", "elbo", "tf_accuracy", "windows_per_s", "eta_s", "beta", "lr"):
        assert key in prog[-1]
    ev = [e for e in events if e["event"] == "eval"]
    assert ev and "val_sampled_accuracy" in ev[-1] and "val_tf_accuracy" in ev[-1]
    lines = (tmp_path / "run" / "progress.jsonl").read_text().splitlines()
    assert [json.loads(x)["event"] for x in lines] == kinds
    model, _ = load_model(tmp_path / "run" / "model")
    assert model.cfg.bars == 4


def _weights(folder):
    model, _ = load_model(folder)
    return {k: v.clone() for k, v in model.state_dict().items()}


def test_resume_continues_the_same_run(songs, tmp_path):
    cfg = tiny_model_config()
    TrainingRun(songs, tmp_path / "straight", cfg, tiny_train_config(max_steps=20), emit=lambda e: None).run()
    TrainingRun(songs, tmp_path / "split", cfg, tiny_train_config(max_steps=10), emit=lambda e: None).run()
    events = []
    TrainingRun(songs, tmp_path / "split", None, tiny_train_config(max_steps=20), resume=True,
                emit=events.append).run()
    assert next(e for e in events if e["event"] == "start")["step"] == 10
    a, b = _weights(tmp_path / "straight" / "model"), _weights(tmp_path / "split" / "model")
    for k in a:
        assert torch.allclose(a[k], b[k], atol=1e-5), k


def test_stop_saves_a_checkpoint_that_resumes(songs, tmp_path):
    stop = threading.Event()
    events = []

    def emit(e):
        events.append(e)
        if e["event"] == "progress" and e["step"] >= 10:
            stop.set()

    code = TrainingRun(songs, tmp_path / "r", tiny_model_config(), tiny_train_config(max_steps=30),
                       emit=emit, stop_event=stop).run()
    assert code == 0 and events[-1]["event"] == "stopped"
    stopped_at = events[-1]["step"]
    assert json.loads((tmp_path / "r" / "checkpoint" / "state.json").read_text())["step"] == stopped_at
    events2 = []
    TrainingRun(songs, tmp_path / "r", None, None, resume=True, emit=events2.append).run()
    assert next(e for e in events2 if e["event"] == "start")["step"] == stopped_at
    assert events2[-1]["event"] == "done" and events2[-1]["step"] == 30


def test_cli_resume_applies_set_overrides_and_records_the_phase(songs, tmp_path):
    """A second training phase (say more free bits) is a resume with --set; before, --set was silently dropped."""
    from mguv_app.cli import main

    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"model": tiny_model_config().to_dict(),
                               "train": tiny_train_config(max_steps=6).to_dict()}))
    run = tmp_path / "phased"
    assert main(["train", str(songs), "--out", str(run), "--config", str(cfg)]) == 0
    assert main(["train", str(songs), "--out", str(run), "--config", str(cfg), "--resume",
                 "--steps", "10", "--set", "free_bits=7.5", "--set", "lr=0.002"]) == 0
    saved = json.loads((run / "run.json").read_text())
    assert saved["train"]["free_bits"] == 7.5 and saved["train"]["lr"] == 0.002
    assert saved["command"] == f"mguv train {songs} --out {run} --config {cfg}"  # provenance for a model card
    assert saved["phases"] == [{"from_step": 6, "changed": {"free_bits": 7.5, "lr": 0.002},
                                "command": f"mguv train {songs} --out {run} --config {cfg} --resume --steps 10 "
                                           "--set free_bits=7.5 --set lr=0.002"}]
    events = [json.loads(x) for x in (run / "progress.jsonl").read_text().splitlines()]
    lrs = [e["lr"] for e in events if e["event"] == "progress"]
    assert lrs[0] > 0.005 and lrs[-1] <= 0.002  # the first phase ran at lr 0.01, the second at 0.002
    # a plain resume keeps the saved settings
    assert main(["train", str(songs), "--out", str(run), "--config", str(cfg), "--resume", "--steps", "12"]) == 0
    again = json.loads((run / "run.json").read_text())
    assert again["train"]["free_bits"] == 7.5 and len(again["phases"]) == 1


def test_nan_stops_cleanly_and_keeps_last_checkpoint(songs, tmp_path):
    events = []
    code = TrainingRun(songs, tmp_path / "n", tiny_model_config(), tiny_train_config(max_steps=30, lr=1e30,
                       lr_min=1e30, grad_clip=1e30), emit=events.append).run()
    assert code == TrainExit.NAN
    err = events[-1]
    assert err["event"] == "error" and err["reason"] == "nan" and "learning rate" in err["message"]


def test_a_full_disk_stops_with_a_clear_message_and_the_run_resumes(songs, tmp_path, monkeypatch):
    """The second checkpoint hits a full disk: the run stops with reason "disk", keeps the first
    checkpoint whole, removes the half-written one, and resumes to the end once there is room."""
    import errno

    import mguv_app.training.loop as loop

    real, calls = loop.save_optimizer, []

    def full_disk(opt, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(opt, path)

    monkeypatch.setattr(loop, "save_optimizer", full_disk)
    events = []
    run = tmp_path / "full"
    code = TrainingRun(songs, run, tiny_model_config(), tiny_train_config(max_steps=30), emit=events.append).run()
    assert code == TrainExit.DISK
    err = events[-1]
    assert err["event"] == "error" and err["reason"] == "disk" and err["step"] == 10
    assert "No space left on device" in err["message"] and "Free some disk space" in err["message"]
    assert "step 10" in err["message"]
    assert json.loads((run / "checkpoint" / "state.json").read_text())["step"] == 10
    assert not (run / "checkpoint.tmp").exists() and not (run / "model").exists()
    monkeypatch.setattr(loop, "save_optimizer", real)
    again = []
    assert TrainingRun(songs, run, None, None, resume=True, emit=again.append).run() == 0
    assert next(e for e in again if e["event"] == "start")["step"] == 10
    assert again[-1]["event"] == "done" and again[-1]["step"] == 30


@pytest.mark.parametrize("left", ["checkpoint.old", "checkpoint.tmp"])
def test_a_run_cut_off_between_the_checkpoint_renames_still_resumes(songs, tmp_path, monkeypatch, left):
    """Killed after ``checkpoint`` became ``checkpoint.old`` (or with a complete ``checkpoint.tmp``
    not yet renamed): the run is still offered for resuming, and resumes from that checkpoint."""
    from mguv_app import models_registry as reg

    monkeypatch.setenv("MGUV_DATA_DIR", str(tmp_path / "data"))
    run = reg.runs_dir() / "cut"
    stop = threading.Event()
    TrainingRun(songs, run, tiny_model_config(), tiny_train_config(max_steps=30), emit=lambda e: (
        stop.set() if e["event"] == "checkpoint" and e["step"] == 10 else None), stop_event=stop).run()
    assert json.loads((run / "checkpoint" / "state.json").read_text())["step"] == 10
    (run / "checkpoint").rename(run / left)
    assert [r.name for r in reg.unfinished_runs()] == ["cut"] and reg.run_info(run).step == 10
    events = []
    assert TrainingRun(songs, run, None, None, resume=True, emit=events.append).run() == 0
    assert next(e for e in events if e["event"] == "start")["step"] == 10 and events[-1]["event"] == "done"


def test_no_windows_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "empty").mkdir()
    events = []
    code = TrainingRun(tmp_path / "empty", tmp_path / "o", tiny_model_config(), tiny_train_config(),
                       emit=events.append).run()
    assert code == 2 and events[-1]["reason"] == "no_data"


def test_train_help_lists_the_exit_codes_the_loop_returns():
    """`mguv train --help` documents the exit statuses; keep it in step with the loop's constants."""
    from mguv_app.cli.cmd_train import EXIT_CODES

    for code, words in ((TrainExit.OK, "finished"), (TrainExit.DATA, "no training windows"),
                        (TrainExit.NAN, "NaN"), (TrainExit.OOM, "out of GPU memory"), (TrainExit.DISK, "disk is full")):
        part = next(p for p in EXIT_CODES.split(";") if words in p)
        assert part.strip().removeprefix("exit status:").strip().startswith(str(code)), (code, part)
