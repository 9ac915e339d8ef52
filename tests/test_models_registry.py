"""The models registry: adopt a run's model, list, rename, delete, export, active model, unfinished runs."""

import json
import shutil

import pytest

from mguv_app import models_registry as reg
from mguv_app.engine import TrainedModel
from mguv_app.model import save_model
from mguv_app.model.vae import MusicVAE

from .tiny_data import tiny_model_config


@pytest.fixture
def model_src(tmp_path):
    """A real (untrained) tiny model folder: the registry only moves files, training adds nothing here."""
    import torch

    torch.manual_seed(0)
    return save_model(MusicVAE(tiny_model_config()), tmp_path / "src", {"name": "src", "steps": 7})


def _run(name, model_src, *, done=False, closed=False, finished_model=False, events=("start",)):
    """A run folder laid out as TrainingRun writes it, with a real checkpoint."""
    run = reg.runs_dir() / name
    shutil.copytree(model_src, run / "checkpoint")
    (run / "checkpoint" / "state.json").write_text(json.dumps({"step": 7, "time": 0}))
    (run / "run.json").write_text(json.dumps({"train": {"max_steps": 40}, "data": "/songs", "init_from": None}))
    lines = [{"event": e, "step": 7} for e in events] + [{"event": "eval", "step": 7, "val_tf_accuracy": 0.5}]
    if done:
        lines.append({"event": "done", "step": 40})
    (run / "progress.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"event": "prog')
    if finished_model:
        shutil.copytree(model_src, run / "model")
    if closed:
        reg.mark_closed(run)
    return run


def test_unfinished_runs_are_found(model_src):
    _run("killed", model_src)
    _run("paused", model_src, events=("start", "stopped"))
    _run("finished", model_src, done=True, finished_model=True)
    _run("stopped-for-good", model_src, events=("start", "stopped"), closed=True)
    (reg.runs_dir() / "not-started").mkdir()
    found = {r.name: r for r in reg.unfinished_runs()}
    assert set(found) == {"killed", "paused"}
    assert found["paused"].step == 7 and found["paused"].max_steps == 40 and found["paused"].data == "/songs"
    assert found["paused"].last_event["event"] == "stopped"


def test_adopt_list_rename_delete_export_and_active(model_src, tmp_path):
    run = _run("my run", model_src, events=("start", "stopped"))
    entry = reg.adopt_run(run)  # no model/ yet: the checkpoint becomes the model
    assert entry.name == "my run" and entry.kind == "trained" and entry.metrics == {"val_tf_accuracy": 0.5}
    assert not (entry.folder / "optimizer.safetensors").exists()
    again = reg.adopt_run(run)
    assert again.name == "my run-2"
    assert [e.name for e in reg.list_models(include_bundled=False)] in (["my run", "my run-2"], ["my run-2", "my run"])
    assert TrainedModel(entry.folder, "cpu").cfg == tiny_model_config()

    reg.set_active_model(entry.folder)
    assert reg.active_model() == entry.folder
    moved = reg.rename_model("my run", "Folk tunes")
    assert reg.active_model() == moved and json.loads((moved / "config.json").read_text())["name"] == "Folk tunes"
    with pytest.raises(reg.RegistryError, match="already exists"):
        reg.rename_model("my run-2", "Folk tunes")
    with pytest.raises(reg.RegistryError, match="not a usable name"):
        reg.rename_model("my run-2", "../escape")
    with pytest.raises(reg.RegistryError, match="no model named"):
        reg.delete_model("ghost")

    out = reg.export_model("Folk tunes", tmp_path / "export")
    assert TrainedModel(out, "cpu").cfg == TrainedModel(moved, "cpu").cfg
    with pytest.raises(reg.RegistryError, match="not empty"):
        reg.export_model("Folk tunes", tmp_path / "export")

    reg.delete_model("Folk tunes")
    assert reg.active_model() is None and not moved.exists()
    assert [e.name for e in reg.list_models(include_bundled=False)] == ["my run-2"]


def test_adopting_onto_a_full_disk_is_a_clear_error_and_lists_nothing(model_src, monkeypatch):
    import errno

    run = _run("big run", model_src, events=("start", "stopped"))
    real = shutil.copytree

    def full(src, dst, *a, **kw):  # the disk fills up halfway through the copy
        def copy(s, d, **k):
            if str(s).endswith("model.safetensors"):
                raise OSError(errno.ENOSPC, "No space left on device", str(d))
            return shutil.copy2(s, d, **k)
        return real(src, dst, *a, copy_function=copy, **kw)

    monkeypatch.setattr(shutil, "copytree", full)
    with pytest.raises(reg.RegistryError, match="No space left on device.*big run is kept"):
        reg.adopt_run(run)
    assert reg.list_models(include_bundled=False) == []
    assert list(reg.models_dir().iterdir()) == []  # no half-copied folder
    assert (run / "checkpoint" / "state.json").is_file()
    monkeypatch.setattr(shutil, "copytree", real)
    assert reg.adopt_run(run).name == "big run"  # with room again it works


def test_tab_and_registry_start_without_torch():
    """The window starts torch-free; the Training tab must not pull torch in before it is used."""
    import subprocess
    import sys

    code = ("import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]); "
            "from ui.training_tab import TrainingTab; from mguv_app import models_registry as r; "
            "t = TrainingTab(); r.list_models(); print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.stdout.strip().endswith("False"), out.stderr[-2000:]


def test_the_bundled_model_lists_its_measured_test_figures():
    """Its config has no training-run metrics; the list shows the test split's figures from metrics.json."""
    from ui.training_tab.models_panel import _metrics_text

    bundled = next(e for e in reg.list_models() if e.kind == "bundled")
    rec = json.loads((reg.bundled_model_dir() / "metrics.json").read_text())["reconstruction"]
    assert bundled.metrics["test_tf_accuracy"] == round(rec["tf_accuracy"], 4)
    assert bundled.metrics["test_sampled_accuracy"] == round(rec["sampled_accuracy"], 4)
    assert _metrics_text(bundled.metrics) == f"acc {rec['tf_accuracy']:.3g}"
    folder = reg.read_entry(reg.bundled_model_dir())
    assert folder is not None and folder.metrics == bundled.metrics
