"""The Training tab in a real main window: scan with bad files, train a tiny model in a subprocess,
curves update, pause, resume (as after a restart), use the new model and generate with it, personalise."""

import json
import sys

import pytest
from PySide6.QtWidgets import QApplication

from mguv_app import models_registry as reg
from mguv_app.engine import TrainedModel
from mguv_app.personalize import PersonalizedModel, open_model

from . import smf
from .tiny_data import write_folder

NEVER_ENDS = 1_000_000  # training steps: a run that only a pause or a stop ends


@pytest.fixture
def songs(tmp_path, monkeypatch):
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # a tiny model only loses to thread hand-offs on a busy CPU
    folder = tmp_path / "songs"
    write_folder(folder, 10, 6, seed=4)
    (folder / "broken.mid").write_bytes(smf.simple_song()[:-15])
    (folder / "sub").mkdir()
    (folder / "sub" / "notes.mid").write_text("shopping list")
    return folder


@pytest.mark.slow
def test_scan_train_pause_resume_use_and_personalise(qtbot, songs, tmp_path, training_window):
    w, tab = training_window()
    assert w.training_tab is tab and w.tabs.tabText(w.tabs.indexOf(tab)) == "Training"
    tab.form.set_mode("scratch")
    tab.form.name.setText("tiny")
    tab.form.steps.setValue(NEVER_ENDS)  # the pause, whenever it lands, comes before the end
    tab.form.device.setCurrentIndex(tab.form.device.findData("cpu"))

    # --- scan: bad files are listed with their reasons, statistics are drawn
    tab.set_folder(songs)
    qtbot.waitUntil(lambda: tab.windowset is not None, timeout=60_000)
    report = tab.windowset.report
    assert report.files == 12 and report.read == 10 and report.windows == 10 * 3
    assert "2 not usable" in tab.scan_label.text() and "30 windows of 4 bars" in tab.scan_label.text()
    dlg = tab.show_refused()
    reasons = {dlg.table.item(r, 0).text().rsplit("/", 1)[-1]: dlg.table.item(r, 1).text() for r in range(2)}
    assert "truncated" in reasons["broken.mid"] and "text file" in reasons["notes.mid"]
    dlg.close()
    assert tab.stats["pitch_counts"].sum() > 0 and "pitch" in tab.stats_plots.bars
    assert tab.start_button.isEnabled()

    # --- train in a subprocess; curves fill while the GUI keeps running; pause checkpoints
    assert tab.start()
    assert not tab.start_button.isEnabled() and tab.pause_button.isEnabled()
    qtbot.waitUntil(lambda: tab.curves.points("loss") >= 1, timeout=120_000)
    assert tab.curves.lines["loss"].getData()[0] is not None and "windows/s" in tab.rate_label.text()
    assert "ETA" in tab.eta_label.text()
    tab.pause()
    qtbot.waitUntil(lambda: tab.run_state == "paused", timeout=60_000)
    run_dir = tab.run_dir
    paused_at = json.loads((run_dir / "checkpoint" / "state.json").read_text())["step"]
    assert 0 < paused_at < NEVER_ENDS and tab.resume_button.isEnabled()
    assert [r.name for r in reg.unfinished_runs()] == ["tiny"]

    # --- "next start": a fresh window offers the unfinished run and resumes it; Stop then makes it a model
    asked = []
    w2, tab2 = training_window(ask=lambda parent, info: asked.append(info) or True)
    qtbot.waitUntil(lambda: tab2.run_state == "running", timeout=10_000)
    assert asked[0].name == "tiny" and asked[0].step == paused_at
    assert tab2.curves.points("loss") >= 1  # the earlier curve is shown again
    qtbot.waitUntil(lambda: any(e["event"] == "start" for e in tab2.events), timeout=60_000)
    start = next(e for e in tab2.events if e["event"] == "start")
    assert start["resumed"] and start["step"] == paused_at
    qtbot.waitUntil(lambda: tab2.curves.data["loss"][0][-1] > paused_at, timeout=120_000)  # trained on
    tab2.stop()
    qtbot.waitUntil(lambda: tab2.run_state == "idle", timeout=60_000)
    assert tab2.events[-1]["status"] == "stopped", tab2.message.text()
    assert "saved as “tiny”" in tab2.message.text() and reg.unfinished_runs() == []

    # --- the stopped run's model is listed; "Use this model" stores it and tells the generator
    names = [e.name for e in tab2.models.entries]
    assert "tiny" in names
    with qtbot.waitSignal(tab2.modelChosen, timeout=1000) as chosen:
        tab2.use_model("tiny")
    folder = chosen.args[0]
    assert reg.active_model() == reg.models_dir() / "tiny" == type(reg.active_model())(folder)
    melody = TrainedModel(folder, "cpu").sample(1, temperature=0.5, seed=1)[0]
    assert melody.num_bars <= 4

    # --- personalise on top of the active model, in seconds, in a thread
    tab2.form.set_mode("personalize")
    tab2.form.name.setText("mine")
    tab2.form.steps.setValue(150)
    assert tab2.start()
    qtbot.waitUntil(lambda: tab2.run_state == "idle", timeout=60_000)
    assert "is ready" in tab2.message.text(), tab2.message.text()
    entry = next(e for e in reg.list_models() if e.name == "mine")
    assert entry.kind == "personalized"
    pm = open_model(entry.folder, "cpu")
    assert isinstance(pm, PersonalizedModel) and len(pm.sample(2, seed=0)) == 2

    # --- rename, export, delete through the (answered) dialogs
    tab2.ask_text = lambda *a: "mine v2"
    tab2.rename_model("mine")
    assert (reg.models_dir() / "mine v2").is_dir() and not (reg.models_dir() / "mine").exists()
    tab2.ask_folder = lambda *a: str(tmp_path / "exports")
    (tmp_path / "exports").mkdir()
    tab2.export_model("mine v2")
    assert (tmp_path / "exports" / "mine v2" / "midime.json").is_file()
    tab2.ask_confirm = lambda *a: True
    tab2.delete_model("mine v2")
    assert "mine v2" not in [e.name for e in tab2.models.entries]


def test_errors_are_clear_messages(qtbot, tmp_path, training_window):
    w, tab = training_window()
    tab.run_dir = tmp_path / "r"
    tab.run_dir.mkdir()
    # a process that dies without a report: its stderr tail is shown, the window lives on
    tab._launch([sys.executable, "-c", "import sys; sys.stderr.write('Segfault-ish: boom\\n'); sys.exit(139)"], "go")
    qtbot.waitUntil(lambda: tab.run_state == "idle", timeout=30_000)
    assert "ended unexpectedly" in tab.message.text() and "boom" in tab.message.text()
    for reason, words in (("nan", "lower learning rate"), ("oom", "smaller batch"), ("no_data", "no melodies")):
        tab.run_state = "running"
        tab.handle_event({"event": "exit", "status": "error", "reason": reason, "message": "", "code": 3})
        assert words in tab.message.text()
    # a full disk with a whole checkpoint: the run waits for Resume instead of being closed
    (tab.run_dir / reg.CLOSED_MARKER).unlink()  # written by the errors above
    (tab.run_dir / "checkpoint").mkdir()
    (tab.run_dir / "checkpoint" / "state.json").write_text('{"step": 10}')
    tab.run_state = "running"
    tab.handle_event({"event": "exit", "status": "error", "reason": "disk", "code": 5,
                      "message": "could not write to r/checkpoint.tmp: No space left on device."})
    assert tab.run_state == "paused" and tab.resume_button.isEnabled()
    assert "Free some space" in tab.message.text() and "No space left" in tab.message.text()
    assert not (tab.run_dir / reg.CLOSED_MARKER).exists()
    tab.run_state = "idle"
    tab.folder = None
    assert not tab.start() and "Choose a folder" in tab.message.text()
    tab.folder = str(tmp_path)
    tab.form.set_mode("finetune")
    tab.default_model_folder = tmp_path / "nothing"
    assert not tab.start() and "not installed" in tab.message.text()
    tab.form.set_mode("personalize")
    assert not tab.start() and "needs a model" in tab.message.text()
    tab.form.set_mode("scratch")
    tab.form.name.setText("a/b")
    assert not tab.start() and "not a usable name" in tab.message.text()
    QApplication.processEvents()


def test_a_folder_of_waltzes_trains_a_3_4_model(qtbot, tmp_path, monkeypatch, bundled_pair, training_window):
    """The scan finds the folder's melodies in 3/4 and sets the meter itself: windows of 12-step bars, a fine-tune
    from the bundled 3/4 model, a model from scratch with 12-step bars."""
    import numpy as np

    from mguv_app.music import write_midi
    from tests.test_three_four import waltz

    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "waltzes"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for i in range(6):
        write_midi(waltz(rng, 8), folder / f"w{i}.mid")
    write_folder(folder, 2, 6, seed=2)  # two 4/4 songs among them
    four, three = bundled_pair
    w, tab = training_window()
    launched = []
    monkeypatch.setattr(tab, "_launch", lambda cmd, text: launched.append(cmd))
    assert tab.form.meter_value == (4, 4) and tab.finetune_folder() == four
    tab.set_folder(folder)
    qtbot.waitUntil(lambda: tab.windowset is not None, timeout=60_000)
    assert tab.form.meter_value == (3, 4) and "3/4" in tab.message.text()
    report = tab.windowset.report
    assert report.read == 6 and tab.windowset.train.shape[1] == 4 * 12  # tiny_sets: 4-bar windows
    assert sum("does not fit" in reason for _p, reason in report.refused) == 2
    tab.form.set_mode("finetune")
    assert tab.finetune_folder() == three and tab.start()
    assert launched[-1][launched[-1].index("--init-from") + 1] == str(three)
    assert launched[-1][-launched[-1][::-1].index("--set")] == "model.steps_per_bar=12"  # the last word on it
    tab.run_state = "idle"
    tab.form.set_mode("scratch")
    assert tab.start() and "model.steps_per_bar=12" in launched[-1] and "--init-from" not in launched[-1]
    # choosing 4/4 by hand scans again for 4/4 bars, and keeps the choice
    tab.run_state = "idle"
    tab.form.meter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: tab.windowset is not None and tab.windowset.report.read == 2, timeout=60_000)
    assert tab.form.meter_value == (4, 4)
