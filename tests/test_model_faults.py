"""Bad model folders and bad training input (issue 23): refused with a message naming the field, the tensor or
the file, exit status 2 in the CLI; a run stopped before its first checkpoint resumes with its own settings."""

import json
import math
import pickle

import numpy as np
import pytest
import torch

from mguv_app.cli import main
from mguv_app.model import CheckpointError, MusicVAE, load_model, save_model
from mguv_app.training.loop import TrainingRun

from .tiny_data import tiny_model_config, tiny_train_config, write_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    torch.manual_seed(0)
    return save_model(MusicVAE(tiny_model_config()), tmp_path_factory.mktemp("m") / "model", {"name": "tiny"})


def edited(folder, tmp_path, edit):
    """A copy of ``folder`` whose config.json ``edit`` changed."""
    import shutil

    copy = tmp_path / "bad"
    shutil.copytree(folder, copy)
    config = json.loads((copy / "config.json").read_text())
    edit(config)
    (copy / "config.json").write_text(json.dumps(config))  # NaN written as JSON's NaN, as Python writes it
    return copy


@pytest.mark.parametrize("edit, field", [
    (lambda c: c["model"].update(bars=0), "model.bars must be a whole number from 1 to 64, not 0"),
    (lambda c: c["model"].update(bars=-4), "model.bars must be a whole number from 1 to 64, not -4"),
    (lambda c: c["model"].update(bars="sixteen"), "model.bars must be a whole number from 1 to 64, not 'sixteen'"),
    (lambda c: c["model"].update(latnet_dim=8), "unknown model setting(s): latnet_dim"),
    (lambda c: c.update(sample_temperature=math.nan), "sample_temperature must be a number from 0 to 5, not nan"),
    (lambda c: c.update(time_signature=[0, 3]), "time_signature [0, 3]"),
    (lambda c: c.update(format_version=99), "format_version 99: this version of MGU-V reads format 1 (saved by a"),
    (lambda c: c.update(favourite=True), "unknown field(s) favourite"),
])
def test_a_bad_config_is_refused_naming_the_field(folder, tmp_path, edit, field, capsys):
    bad = edited(folder, tmp_path, edit)
    with pytest.raises(CheckpointError) as err:
        load_model(bad)
    assert field in str(err.value) and "config.json" in str(err.value)
    assert main(["generate", "--model", str(bad), "--device", "cpu", "--out", str(tmp_path / "out")]) == 2
    said = capsys.readouterr().err
    assert field in said and "Traceback" not in said and not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_weights_that_are_not_finite_are_refused_by_name(folder, tmp_path, value):
    from safetensors.torch import load_file, save_file

    bad = edited(folder, tmp_path, lambda c: None)
    state = load_file(str(bad / "model.safetensors"))
    name = sorted(state)[3]
    state[name][0] = value
    save_file(state, str(bad / "model.safetensors"))
    with pytest.raises(CheckpointError, match=f"the weights '{name}' hold NaN or infinite values"):
        load_model(bad)


@pytest.fixture
def songs(tmp_path, monkeypatch):
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    write_folder(tmp_path / "songs", 8, 6, seed=4)
    return tmp_path / "songs"


def test_a_run_stopped_before_its_first_checkpoint_resumes_with_its_own_settings(songs, tmp_path, capsys):
    """It used to say "nothing to resume" and start the default 4.7 M-parameter model instead of the one asked for."""
    run = tmp_path / "run"

    def killed(event):  # the process dies as training starts, before any checkpoint
        if event["event"] == "start":
            raise SystemExit(137)

    with pytest.raises(SystemExit):
        TrainingRun(songs, run, tiny_model_config(), tiny_train_config(max_steps=4), emit=killed).run()
    assert (run / "run.json").exists() and not (run / "checkpoint").exists()
    assert main(["train", str(songs), "--out", str(run), "--resume", "--device", "cpu"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert "starts again from step 0 with the settings it was started with" in events[0]["message"]
    start = next(e for e in events if e["event"] == "start")
    assert start["params"] == sum(p.numel() for p in MusicVAE(tiny_model_config()).parameters())
    assert start["max_steps"] == 4 and events[-1]["event"] == "done"
    assert load_model(run / "model")[0].cfg == tiny_model_config()


def test_resume_where_no_run_was_started_is_refused(songs, tmp_path, capsys):
    assert main(["train", str(songs), "--out", str(tmp_path / "none"), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err and not (tmp_path / "none").exists()


def test_a_corpus_that_is_pickled_broken_or_not_tokens_is_refused(tmp_path, capsys):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, train_4=np.array([{"x": 1}], dtype=object))  # an object array: pickled inside the .npz
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    pickle_file = tmp_path / "plain_pickle.npz"
    pickle_file.write_bytes(pickle.dumps({"train_4": [1, 2, 3]}))
    tokens = tmp_path / "tokens.npz"
    np.savez(tokens, train_4=np.full((3, 64), 999, np.int64), valid_4=np.zeros((1, 64), np.int64))
    cases = {pickled: "not a corpus .npz", garbage: "not a corpus .npz", pickle_file: "not a corpus .npz",
             tokens: "values that are not note tokens"}
    for path, message in cases.items():
        assert main(["train", str(path), "--out", str(tmp_path / path.stem), "--set", "model.bars=4"]) == 2, path
        err = capsys.readouterr().err
        assert message in err and str(path) in err and "Traceback" not in err, err
