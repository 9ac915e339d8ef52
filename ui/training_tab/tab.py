"""The Training tab: folder -> scan and statistics -> mode and settings -> live training -> model list.

Training runs as a child ``mguv train`` process (``TrainingProcess``); a 100 ms timer on the GUI
thread drains its JSON-line events into the curves and labels, so the window never blocks and a
crash in training only ends that process. Pause and Stop both ask the process to checkpoint and
exit; a paused run stays resumable (also after a restart), a stopped one becomes a model.
Personalisation (MidiMe) is seconds of CPU work and runs in a thread instead. Every question the
tab asks goes through an attribute holding a callable, so tests answer without modal dialogs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mguv_app import models_registry as reg
from mguv_app.generation import CancelToken
from mguv_app.training import plan
from mguv_app.training.process import TrainingProcess, train_command

from ..background import JobRunner
from ..widgets import VScrollArea, WrapLabel, fit_button
from . import workers
from .models_panel import ModelsPanel
from .plots import VALIDATION_COLOUR, CurvePlots, StatsPlots
from .refused_dialog import RefusedDialog
from .settings_form import SettingsForm

POLL_MS = 100
# one legend for every curve plot, above them (a legend inside a small plot covers its curve)
CURVES_LEGEND = ("<span>━</span> the training batches &nbsp; "
                 f"<span style='color:{VALIDATION_COLOUR}'>●</span> held-out melodies (validation)")

ERROR_TEXT = {  # a resume reuses the run's saved settings, so these say "start again"
    "nan": "Training stopped: the loss became NaN (not a number). Start again with a lower learning rate.",
    "oom": "Out of GPU memory. Start again with a smaller batch size, or on the CPU.",
    "no_data": "No training material: the folder has no melodies long enough for this model.",
    "disk": "Training paused: the run could not be saved (usually a full disk). Free some space, then "
            "press Resume: the last checkpoint is complete.",
}


def _ask_text(parent, title, label, default):
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, default)
    return text if ok else None


def _ask_confirm(parent, title, text):
    B = QMessageBox.StandardButton
    return QMessageBox.question(parent, title, text, B.Yes | B.No, B.No) == B.Yes


def _ask_folder(parent, title):
    return QFileDialog.getExistingDirectory(parent, title) or None


def _fmt_eta(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h} h {m:02d} min" if h else (f"{m} min {s:02d} s" if m else f"{s} s")


class TrainingTab(QWidget):
    modelChosen = Signal(str)  # a model folder the user picked with "Use this model"
    statusMessage = Signal(str)

    def __init__(self, parent=None, default_model_folder: str | Path | None = None):
        super().__init__(parent)
        self.default_model_folder = Path(default_model_folder) if default_model_folder else reg.bundled_model_dir()
        self.extra_sets: list[str] = []  # extra ``--set`` items (tests pass a tiny model config)
        self.ask_text: Callable = _ask_text
        self.ask_confirm: Callable = _ask_confirm
        self.ask_folder: Callable = _ask_folder
        self.show_error: Callable = lambda parent, title, text: QMessageBox.warning(parent, title, text)
        self.folder: str | None = None
        self._meter_picked = False  # the scan of a new folder may choose the meter once
        self._scan_message = False  # the message line holds what the last scan found wrong
        self.windowset = None
        self.stats: dict | None = None
        self.jobs = JobRunner(self, "mguv-training")  # the folder scan (ui/background.py)
        self.personal_jobs = JobRunner(self, "mguv-personalize")  # personalisation, beside a scan
        self.scan_job: CancelToken | None = None  # the running scan's token; None when none runs
        self._scans = 0  # scans started: only the newest one's progress and result are shown
        self.personal_job: CancelToken | None = None
        self.proc: TrainingProcess | None = None
        self.run_dir: Path | None = None
        self.run_state = "idle"  # idle | running | pausing | stopping | paused | personalizing
        self.events: list[dict] = []
        self.setAcceptDrops(True)
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._update_buttons()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 2, 6, 2)  # the columns are tight on a small screen: little frame around them
        data = QGroupBox("1. Your MIDI folder")
        dv = QVBoxLayout(data)
        row = QHBoxLayout()
        self.folder_label = WrapLabel("Choose a folder of MIDI files, or drop one here.")  # a long path wraps
        self.choose_button = QPushButton("Choose Folder…")
        self.choose_button.clicked.connect(self.choose_folder)
        row.addWidget(self.folder_label, 1)
        row.addWidget(self.choose_button)
        dv.addLayout(row)
        self.scan_bar = QProgressBar()  # shown while a folder is scanned ("0 / 100 files" means nothing before)
        self.scan_bar.setFormat("%v / %m files")
        self.scan_bar.setValue(0)
        self.scan_bar.hide()
        dv.addWidget(self.scan_bar)
        row = QHBoxLayout()
        self.scan_label = WrapLabel("")
        self.refused_button = QPushButton("Files not used…")
        self.refused_button.setEnabled(False)
        self.refused_button.hide()  # until a scan has left files out
        self.refused_button.clicked.connect(self.show_refused)
        row.addWidget(self.scan_label, 1)
        row.addWidget(self.refused_button)
        dv.addLayout(row)
        self.stats_plots = StatsPlots()
        self.stats_plots.hide()  # until a scan has melodies to count: no empty placeholder axes
        dv.addWidget(self.stats_plots)
        lv.addWidget(data)

        mode = QGroupBox("2. What to do")
        mv = QVBoxLayout(mode)
        self.form = SettingsForm()
        self.form.modeChanged.connect(lambda _m: self._update_buttons())
        self.form.meterChanged.connect(self._meter_changed)
        mv.addWidget(self.form)
        row = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.pause_button = QPushButton("Pause")
        self.stop_button = QPushButton("Stop")
        self.resume_button = QPushButton("Resume")
        for b, slot in ((self.start_button, self.start), (self.pause_button, self.pause),
                        (self.stop_button, self.stop), (self.resume_button, self.resume)):
            b.clicked.connect(lambda _=False, f=slot: f())
            row.addWidget(fit_button(b))
        mv.addLayout(row)
        lv.addWidget(mode)
        lv.addStretch(1)
        scroll = VScrollArea(left)  # as narrow as its content allows, never cut at the right

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(4, 2, 6, 2)
        prog = QGroupBox("3. Training")
        pv = QVBoxLayout(prog)
        row = QHBoxLayout()
        self.step_label = QLabel("Not started")
        self.rate_label = QLabel("")
        self.eta_label = QLabel("")
        for w in (self.step_label, self.rate_label, self.eta_label):
            row.addWidget(w)
        row.addStretch(1)
        pv.addLayout(row)
        self.train_bar = QProgressBar()
        self.train_bar.setValue(0)
        pv.addWidget(self.train_bar)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        pv.addWidget(self.message)
        self.curves_placeholder = WrapLabel("The curves (loss, reconstruction, KL, ELBO, accuracy) appear here "
                                            "once training starts.")
        self.curves_placeholder.setEnabled(False)
        self.curves_placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        pv.addWidget(self.curves_placeholder, 1)  # takes the curves' room: the rows above stay together
        self.curves_legend = QLabel(CURVES_LEGEND)
        self.curves_legend.setWordWrap(True)
        pv.addWidget(self.curves_legend)
        self.curves = CurvePlots()
        self.curves.set_placeholder([self.curves_placeholder], [self.curves_legend])
        pv.addWidget(self.curves, 1)
        models = QGroupBox("4. Your models")
        mlay = QVBoxLayout(models)
        self.models = ModelsPanel()
        self.models.useRequested.connect(self.use_model)
        self.models.renameRequested.connect(self.rename_model)
        self.models.deleteRequested.connect(self.delete_model)
        self.models.exportRequested.connect(self.export_model)
        mlay.addWidget(self.models)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(prog)
        split.addWidget(models)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        rv.addWidget(split)

        outer = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(scroll)
        outer.addWidget(VScrollArea(right))  # curves in more rows when narrow: scroll rather than squash
        outer.setStretchFactor(1, 1)
        outer.setSizes([560, 1000])
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(outer)

    # ------------------------------------------------------------------ data
    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if urls and Path(urls[0].toLocalFile()).is_dir():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if urls and Path(urls[0].toLocalFile()).is_dir():
            event.acceptProposedAction()
            self.set_folder(urls[0].toLocalFile())

    def choose_folder(self) -> None:
        folder = self.ask_folder(self, "Choose a folder of MIDI files")
        if folder:
            self.set_folder(folder)

    @property
    def steps_per_bar(self) -> int:
        """16th steps in the bars of the chosen meter: what the scan cuts and the model learns."""
        return reg.bar_steps(self.form.meter_value)

    def finetune_folder(self) -> Path | None:
        """The bundled model a fine-tune starts from (``training.plan.finetune_base``); None when none is."""
        return plan.finetune_base(self.form.meter_value, self.default_model_folder)

    def _meter_changed(self) -> None:
        if self.folder and self.run_state == "idle":
            self.set_folder(self.folder, keep_meter=True)  # windows of the other bars

    def scan_bars(self) -> int:
        """Bars per training window for the chosen mode (``training.plan.window_bars``; the scan is cached per
        bar count)."""
        mode = self.form.mode
        base = None if mode == plan.SCRATCH else \
            self.base_model_folder() if mode == plan.PERSONALIZE else self.finetune_folder()
        return plan.window_bars(mode, base, self.extra_sets)

    def set_folder(self, folder: str | Path, keep_meter: bool = False) -> None:
        """Remember the folder and scan it in a worker thread (a new folder may choose the meter again)."""
        if not keep_meter:
            self._meter_picked = False
        self.folder = str(folder)
        self.folder_label.setText(self.folder)
        self.windowset = self.stats = None
        self.refused_button.setEnabled(False)
        self.refused_button.hide()
        self.stats_plots.hide()
        if self._scan_message:  # what the last scan said is about that scan: a new one may say otherwise
            self.set_message("")
        self.scan_label.setText("Scanning…")
        self.scan_bar.setRange(0, 0)
        self.scan_bar.show()
        if self.scan_job is not None:
            self.scan_job.cancel()  # the older folder's scan stops at its next file
        self._scans += 1
        scan, folder, bars, meter = self._scans, self.folder, self.scan_bars(), self.form.meter_value
        spb = self.steps_per_bar
        report = self.jobs.reporter(lambda counts: self._scan_progress(scan, *counts))
        self.scan_job = self.jobs.submit(lambda token: workers.scan(folder, bars, spb, meter, token, report),
                                         lambda ws: self._scan_done(ws, scan), lambda msg: self._scan_failed(msg, scan))
        self._update_buttons()

    def _scan_progress(self, scan: int, done: int, total: int, refused: int) -> None:
        if scan != self._scans:
            return
        self.scan_bar.setRange(0, max(1, total))
        self.scan_bar.setValue(done)
        self.scan_label.setText(f"{done} of {total} files read, {refused} not usable")

    def _scan_done(self, ws, scan: int) -> None:
        if scan != self._scans:
            return  # an older scan finishing after a newer folder was chosen
        from mguv_app.training.stats import dataset_stats

        self.scan_job = None
        self.windowset = ws
        r = ws.report
        self.scan_bar.setRange(0, max(1, r.files))
        self.scan_bar.setValue(r.files)
        if self._other_meter_wanted(ws):
            return  # the folder's melodies are in the other meter: scanning again for it
        self.scan_bar.hide()  # the label says how many were read
        spb = self.steps_per_bar
        bars = ws.train.shape[1] // spb if ws.train.ndim == 2 else self.scan_bars()
        self.scan_label.setText(f"{r.files} files: {r.read} read, {len(r.refused)} not usable; "
                                f"{r.windows} windows of {bars} bars found")
        self.refused_button.setEnabled(bool(r.refused))
        self.refused_button.setVisible(bool(r.refused))
        self.refused_button.setText(f"Files not used ({len(r.refused)})…")
        import numpy as np

        if r.windows:
            self.stats = dataset_stats(np.concatenate([ws.train, ws.valid]) if len(ws.valid) else ws.train, spb)
            self.stats_plots.show_stats(self.stats)
            self.stats_plots.show()
        if r.files == 0:
            self._scan_says("This folder has no MIDI files (.mid, .midi, .kar, .rmi, .smf): choose another "
                            "folder, or drop one here.")
        elif r.windows == 0:
            self._scan_says(self._no_windows_text(ws, bars))
        self._update_buttons()

    def _scan_says(self, text: str) -> None:
        """An error about the folder just scanned (the next scan clears it)."""
        self.set_message(text, error=True)
        self._scan_message = True

    def _no_windows_text(self, ws, bars: int) -> str:
        """Why a scan found nothing to train on, and what to do (``training.plan.no_windows_text``)."""
        return plan.no_windows_text(ws.report, self.form.meter_value, bars)

    def _other_meter_wanted(self, ws) -> bool:
        """A folder scanned for the first time whose melodies are mostly in the other meter (they were left out
        as "does not fit"): choose that meter, which scans again. True when it did."""
        if self._meter_picked:
            return False
        self._meter_picked = True
        best = plan.folder_meter(ws.report, self.form.meter_value)
        if best is None:  # most files fit the chosen meter
            return False
        before = self.form.meter_value
        self.form.set_meter(best)
        if self.form.meter_value == before:
            return False
        self.set_message(f"Most melodies in this folder are in {best[0]}/{best[1]}: the meter is set to "
                         f"{self.form.meter.currentText()}.")
        return True

    def _scan_failed(self, msg: str, scan: int) -> None:
        if scan != self._scans:
            return
        self.scan_job = None
        self.scan_bar.hide()
        self.scan_label.setText(msg)
        self._update_buttons()

    def show_refused(self) -> RefusedDialog | None:
        if not self.windowset:
            return None
        dlg = RefusedDialog(self.windowset.report.refused, self)
        dlg.setModal(False)
        dlg.show()
        self.refused_dialog = dlg
        return dlg

    # ------------------------------------------------------------------ training control
    def base_model_folder(self) -> Path:
        """The model personalisation starts from (``training.plan.personalize_base``)."""
        return plan.personalize_base(self.form.meter_value, self.default_model_folder)

    def set_message(self, text: str, error: bool = False) -> None:
        self._scan_message = False
        self.message.setText(text)
        self.message.setStyleSheet("color: #e57373; font-weight: bold;" if error else "")
        if text:
            self.statusMessage.emit(text)

    def start(self) -> bool:
        if self.run_state not in ("idle",) or not self.folder:
            if not self.folder:
                self.set_message("Choose a folder of MIDI files first.", error=True)
            return False
        try:
            name = reg.check_name(self.form.name.text())
        except reg.RegistryError as exc:
            self.set_message(str(exc), error=True)
            return False
        mode = self.form.mode
        if mode == "personalize":
            return self._start_personalize(name)
        init_from = None
        # the bars the scan cut (a fine-tune from the bundled 3/4 model has them already: the same value)
        meter_sets, meter = plan.meter_arguments(self.form.meter_value)
        if mode == "finetune":
            init_from = self.finetune_folder()
            if init_from is None:
                ts = self.form.meter_value
                self.set_message(f"The bundled model for {ts[0]}/{ts[1]} is not installed, so there is nothing "
                                 "to fine-tune: choose “Train a new model from scratch” or personalise a model of "
                                 "yours.", error=True)
                return False
        self.run_dir = reg.new_run_dir(name)
        self.curves.clear_curves()
        cmd = train_command(self.folder, self.run_dir, steps=self.form.steps.value(),
                            settings=self.form.train_settings(), extra_sets=self.extra_sets + meter_sets,
                            init_from=init_from, device=self.form.device_value,
                            meter=meter)
        self._launch(cmd, f"Starting training in {self.run_dir.name}…")
        return True

    def _launch(self, cmd: list[str], text: str) -> None:
        self.events = []
        self.proc = TrainingProcess(cmd).start()
        self.run_state = "running"
        self.set_message(text)
        self._timer.start()
        self._update_buttons()

    def pause(self) -> None:
        if self.proc and self.run_state == "running":
            self.run_state = "pausing"
            self.set_message("Pausing: saving a checkpoint…")
            self.proc.pause()
            self._update_buttons()

    def stop(self) -> None:
        if self.personal_job is not None:
            self.personal_job.cancel()
            return
        if self.proc and self.run_state in ("running", "pausing"):
            self.run_state = "stopping"
            self.set_message("Stopping: saving a checkpoint…")
            self.proc.stop()
            self._update_buttons()
        elif self.run_state == "paused" and self.run_dir is not None:
            self._finish_stopped()

    def resume(self, run_dir: str | Path | None = None) -> bool:
        """Continue the paused run (or ``run_dir``, an unfinished run from an earlier session)."""
        if self.run_state not in ("idle", "paused"):
            return False
        if run_dir is not None:
            self.run_dir = Path(run_dir)
            self.curves.clear_curves()
            for e in reg.read_events(self.run_dir):  # earlier curves, also from before a restart
                self.curves.add(e, redraw=False)
            self.curves.redraw()
        if self.run_dir is None:
            return False
        info = reg.run_info(self.run_dir)
        data = info.data or self.folder
        if not data:
            self.set_message("This run does not say which data it used.", error=True)
            return False
        steps = max(info.max_steps, self.form.steps.value()) if run_dir is None else info.max_steps
        cmd = train_command(data, self.run_dir, steps=steps, extra_sets=self.extra_sets, resume=True,
                            device=self.form.device_value)
        self._launch(cmd, f"Resuming {self.run_dir.name} from step {info.step}…")
        return True

    def _start_personalize(self, name: str) -> bool:
        base = self.base_model_folder()
        if not (Path(base) / "config.json").is_file():
            self.set_message("Personalisation needs a model to start from, and none is installed yet: "
                             "train one first or install the bundled model.", error=True)
            return False
        out = reg.models_dir() / reg.unique_name(name)
        folder, steps, latent = self.folder, self.form.steps.value(), self.form.latent.value()
        report = self.personal_jobs.reporter(self._personal_event)
        self.run_state = "personalizing"
        self.curves.clear_curves()
        self.set_message(f"Personalising {Path(base).name} on your melodies…")
        self.personal_job = self.personal_jobs.submit(
            lambda token: workers.personalize_model(base, folder, out, steps, latent, name, token, report),
            self._personal_done, self._personal_failed, lambda: self._personal_failed("personalisation was cancelled"))
        self._update_buttons()
        return True

    def _personal_event(self, e: dict) -> None:
        if e.get("event") == "progress":
            self.train_bar.setRange(0, e["max_steps"])
            self.train_bar.setValue(e["step"])
            self.step_label.setText(f"Step {e['step']} / {e['max_steps']}")
            self.curves.add({"step": e["step"], "loss": e["loss"], "recon": e["recon"], "kl": e["kl"],
                             "elbo": -(e["recon"] + e["kl"])})
        elif e.get("event") == "encode":
            self.step_label.setText(f"Encoding {e['windows']} windows…")

    def _personal_done(self, result) -> None:
        self.personal_job = None
        self.run_state = "idle"
        self.models.refresh(select=result.folder.name)
        self.set_message(f"Personalised model “{result.folder.name}” is ready ({result.windows} windows, "
                         f"{result.seconds:.1f} s). Select it and press “Use this model”.")
        self._update_buttons()

    def _personal_failed(self, msg: str) -> None:
        self.personal_job = None
        self.run_state = "idle"
        self.set_message(msg, error=True)
        self._update_buttons()

    # ------------------------------------------------------------------ events from the process
    def _poll(self) -> None:
        if self.proc is None:
            self._timer.stop()
            return
        events = self.proc.poll()
        for e in events:
            self.handle_event(e)
        if any(e.get("event") in ("progress", "eval") for e in events):
            self.curves.redraw()

    def handle_event(self, e: dict) -> None:
        self.events.append(e)
        kind = e.get("event")
        if kind == "progress":
            self.curves.add(e, redraw=False)
            self.train_bar.setRange(0, e.get("max_steps", 0) or 1)
            self.train_bar.setValue(e["step"])
            self.step_label.setText(f"Step {e['step']} / {e.get('max_steps', '?')}")
            self.rate_label.setText(f"{e.get('windows_per_s', 0):.0f} windows/s")
            self.eta_label.setText(f"ETA {_fmt_eta(e.get('eta_s', 0))}")
        elif kind == "eval":
            self.curves.add(e, redraw=False)
        elif kind == "scan":
            self.step_label.setText(f"Reading files: {e['done']} / {e['total']}")
        elif kind == "start":
            where = "resumed at" if e.get("resumed") else "from"
            self.set_message(f"Training on {e.get('device', '?')} {where} step {e.get('step', 0)} "
                             f"({e.get('params', 0):,} weights).")
        elif kind == "exit":
            self._timer.stop()
            self._process_ended(e)

    def _process_ended(self, e: dict) -> None:
        status = e["status"]
        self.proc = None
        if status == "done":
            self.run_state = "idle"
            entry = self._adopt()
            if entry:
                self.set_message(f"Training finished: “{entry.name}” is in your models. "
                                 "Select it and press “Use this model”.")
        elif status == "paused":
            self.run_state = "paused"
            self.set_message("Paused. The checkpoint is saved: press Resume to continue "
                             "(also after closing the app).")
        elif status == "stopped":
            self._finish_stopped()
        elif status == "error" and e.get("reason") == "disk" and self._can_resume():
            self.run_state = "paused"  # nothing is wrong with the run itself: resume once there is room
            self.set_message(f"{ERROR_TEXT['disk']}\n{e.get('message', '')}".strip(), error=True)
        elif status == "error":
            self.run_state = "idle"
            if self.run_dir is not None and self.run_dir.is_dir():
                reg.mark_closed(self.run_dir, e.get("reason") or "error")  # resuming would repeat the error
            text = ERROR_TEXT.get(e.get("reason"), "Training stopped with an error.")
            self.set_message(f"{text}\n{e.get('message', '')}".strip(), error=True)
        else:  # failed / crashed
            can_resume = self._can_resume()
            self.run_state = "paused" if can_resume else "idle"
            extra = " Press Resume to continue from the last checkpoint." if can_resume else ""
            self.set_message(f"The training process ended unexpectedly: {e.get('message', '')}{extra}", error=True)
        self._update_buttons()

    def _can_resume(self) -> bool:
        return self.run_dir is not None and (self.run_dir / "checkpoint" / "state.json").exists()

    def _finish_stopped(self) -> None:
        self.run_state = "idle"
        entry = self._adopt()
        reg.mark_closed(self.run_dir)
        if entry:
            self.set_message(f"Stopped. The model as of the last checkpoint is saved as “{entry.name}”.")
        self._update_buttons()

    def _adopt(self):
        try:
            entry = reg.adopt_run(self.run_dir, self.run_dir.name)
        except reg.RegistryError as exc:
            self.set_message(str(exc), error=True)
            return None
        self.models.refresh(select=entry.name)
        return entry

    def _update_buttons(self) -> None:
        s = self.run_state
        busy = s in ("running", "pausing", "stopping", "personalizing")
        self.start_button.setEnabled(s == "idle" and self.folder is not None and self.scan_job is None)
        self.pause_button.setEnabled(s == "running")
        self.stop_button.setEnabled(s in ("running", "pausing", "paused", "personalizing"))
        self.resume_button.setEnabled(s == "paused")
        self.choose_button.setEnabled(not busy)
        self.form.setEnabled(not busy)

    # ------------------------------------------------------------------ models
    def use_model(self, name: str) -> None:
        entry = next((e for e in self.models.entries if e.name == name), None)
        if entry is None:
            return
        reg.set_active_model(None if entry.kind == "bundled" else entry.folder)
        self.models.refresh(select=name)
        self.set_message("Generating with the bundled models from now on (each melody's meter picks one)."
                         if entry.kind == "bundled" else f"Generating with “{name}” from now on.")
        self.modelChosen.emit(str(entry.folder))

    def rename_model(self, name: str) -> None:
        new = self.ask_text(self, "Rename model", "New name:", name)
        if not new or new == name:
            return
        try:
            reg.rename_model(name, new)
        except reg.RegistryError as exc:
            self.show_error(self, "Rename model", str(exc))
            return
        self.models.refresh(select=new.strip())

    def delete_model(self, name: str) -> None:
        if not self.ask_confirm(self, "Delete model", f"Delete the model “{name}”? This cannot be undone."):
            return
        try:
            reg.delete_model(name)
        except (reg.RegistryError, OSError) as exc:
            self.show_error(self, "Delete model", str(exc))
        self.models.refresh()

    def export_model(self, name: str) -> None:
        entry = next((e for e in self.models.entries if e.name == name), None)
        dest = self.ask_folder(self, "Export the model into this folder")
        if entry is None or not dest:
            return
        try:
            out = reg.export_model(entry.folder, Path(dest) / name)
        except (reg.RegistryError, OSError) as exc:
            self.show_error(self, "Export model", str(exc))
            return
        self.set_message(f"Exported to {out}")

    # ------------------------------------------------------------------ shutdown
    def shutdown(self, timeout: float = 20.0) -> None:
        """Closing the app: ask a running process to checkpoint (it stays resumable), wait briefly."""
        self._timer.stop()
        if self.proc is not None and self.proc.running:
            self.proc.pause()
            if self.proc.wait(timeout) is None:
                self.proc.kill()  # at most the last checkpoint interval is lost
            self.proc = None
        for runner in (self.jobs, self.personal_jobs):
            runner.shutdown()  # cancels the scan at its next file, personalisation at its next step
