"""The user's trained models and training runs, kept in the user data dir.

Layout (``paths.user_data_dir()``)::

    models/<name>/        a model folder TrainedModel loads (config.json carries kind, steps, metrics)
    runs/<name>/          one ``mguv train`` run (run.json, progress.jsonl, checkpoint/, model/)
    active_model.json     {"folder": "..."}: the model Generate uses

A run is *unfinished* when it has a checkpoint but neither a finished model, a ``done`` event nor
the ``closed.json`` marker the app writes when the user stops a run for good: killed, crashed or
paused runs are offered for resuming at the next start. Everything here is plain files, no Qt.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fileio import atomic_write
from .model.config import PHRASE_ROLE, config_role, config_steps_per_bar, config_time_signature
from .model.config import model_time_signature as model_time_signature  # re-exported: the registry's word for it
from .music.meter import bar_steps as bar_steps  # re-exported, as below: callers ask the registry which model
from .music.meter import fits_meter, writes_meter
from .music.meter import is_compound as is_compound
from .paths import resources_dir, user_data_dir
from .training import checkpoint_swap

ACTIVE_FILE = "active_model.json"
CLOSED_MARKER = "closed.json"
_NAME_OK = re.compile(r"^[\w][\w .+\-()]{0,63}$")


class RegistryError(Exception):
    """A refused registry action (bad name, name taken, missing model); the message says why."""


@dataclass
class ModelEntry:
    name: str
    folder: Path
    kind: str = "trained"  # trained | fine-tuned | personalized | bundled
    steps: int | None = None
    date: str = ""
    metrics: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)

    @property
    def editable(self) -> bool:
        return self.kind != "bundled"


@dataclass
class RunInfo:
    name: str
    folder: Path
    step: int = 0
    max_steps: int = 0
    data: str = ""
    last_event: dict = field(default_factory=dict)
    init_from: str | None = None


DEFAULT_BUNDLED = "melody_16bar"  # = engine.trained_model.DEFAULT_MODEL_NAME: the 4/4 model


def bundled_models_dir() -> Path:
    return resources_dir() / "models"


def bundled_model_dir(time_signature=None) -> Path:
    """``engine.default_model_dir()`` without importing torch (the window starts torch-free).

    Without a meter, the default 4/4 model. With one, the first bundled model (the default first) that writes
    in it (``writes_meter``: 6/8 takes ``melody_16bar_6-8``); else the first whose bars fit it (6/8 takes the
    3/4 model when there is no 6/8 one); else the default all the same."""
    default = bundled_models_dir() / DEFAULT_BUNDLED
    if time_signature is None:
        return default
    return _for_meter(_bundled_folders(), time_signature) or default


def folder_writes_meter(folder: Path, time_signature) -> bool:
    """``writes_meter`` for a model folder, from its config.json (a missing one counts as 4/4)."""
    config = _read_json(Path(folder) / "config.json")
    return writes_meter(config_steps_per_bar(config), config_time_signature(config), time_signature)


def is_bundled(folder) -> bool:
    """Is ``folder`` one of the models that ship in resources/models (not one the user trained)?"""
    return folder is not None and Path(folder).parent == bundled_models_dir()


def _bundled_folders(role: str = "melody") -> list[Path]:
    """The bundled models of one role, the 4/4 default first."""
    root = bundled_models_dir()
    default = root / DEFAULT_BUNDLED
    others = sorted(f for f in root.iterdir() if f.is_dir() and (f / "config.json").is_file() and f != default) \
        if root.is_dir() else []
    folders = ([default] if (default / "config.json").is_file() else []) + others
    return [f for f in folders if config_role(_read_json(f / "config.json")) == role]


def bundled_phrase_model_dir(time_signature=(4, 4)) -> Path | None:
    """The bundled phrase model that writes in ``time_signature`` (``writes_meter``), else one whose bars fit it,
    else None: the melody is then encoded by its melody model alone."""
    return _for_meter(_bundled_folders(PHRASE_ROLE), time_signature)


def _for_meter(folders: list[Path], time_signature) -> Path | None:
    """The first of ``folders`` that writes ``time_signature`` (``writes_meter``), else the first whose bars fit
    it (``fits_meter``), else None."""
    return next((f for f in folders if folder_writes_meter(f, time_signature)), None) or \
        next((f for f in folders if fits_meter(model_steps_per_bar(f), time_signature)), None)


def model_steps_per_bar(folder: Path) -> int:
    """The bar length (16th steps) in a model folder's config.json; 16 when it does not say."""
    return config_steps_per_bar(_read_json(folder / "config.json"))


def models_dir() -> Path:
    d = user_data_dir() / "models"
    d.mkdir(parents=True, exist_ok=True)
    return d


def runs_dir() -> Path:
    d = user_data_dir() / "runs"
    d.mkdir(parents=True, exist_ok=True)
    return d


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME_OK.match(name) or name in (".", ".."):
        raise RegistryError(f"{name!r} is not a usable name: use letters, digits, spaces, . + - ( ) "
                            "(at most 64, no slashes)")
    return name


def unique_name(base: str, where: Path | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free in ``where`` (default: models)."""
    where = where or models_dir()
    name, i = base, 1
    while (where / name).exists():
        i += 1
        name = f"{base}-{i}"
    return name


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _test_metrics(folder: Path) -> dict:
    """A shipped model's held-out test figures (``metrics.json``, written by model_training.evaluate_model)."""
    rec = _read_json(folder / "metrics.json").get("reconstruction")
    if not isinstance(rec, dict):
        return {}
    return {f"test_{k}": round(rec[k], 4) for k in ("tf_accuracy", "sampled_accuracy", "recon", "kl")
            if isinstance(rec.get(k), (int, float))}


def read_entry(folder: Path, kind: str | None = None) -> ModelEntry | None:
    cfg = _read_json(folder / "config.json")
    if "model" not in cfg:
        return None
    date = cfg.get("created") or time.strftime("%Y-%m-%d %H:%M", time.localtime(folder.stat().st_mtime))
    return ModelEntry(name=folder.name, folder=folder, kind=kind or cfg.get("kind", "trained"),
                      steps=cfg.get("steps"), date=str(date).replace("T", " ")[:16],
                      metrics=dict(cfg.get("metrics") or {}) or _test_metrics(folder), config=cfg)


def list_models(include_bundled: bool = True) -> list[ModelEntry]:
    """The user's models (newest first), then the bundled models that are installed (the 4/4 default first)."""
    entries = [e for f in models_dir().iterdir() if f.is_dir() and not f.name.startswith(".")
               for e in [read_entry(f)] if e is not None]
    entries.sort(key=lambda e: e.date, reverse=True)
    if include_bundled:
        entries += [e for f in _bundled_folders() for e in [read_entry(f, "bundled")] if e is not None]
    return entries


def _user_model(name: str) -> Path:
    folder = models_dir() / name
    if not (folder / "config.json").is_file():
        raise RegistryError(f"no model named {name!r}")
    return folder


def rename_model(name: str, new_name: str) -> Path:
    folder = _user_model(name)
    new_name = check_name(new_name)
    target = models_dir() / new_name
    if target.exists():
        raise RegistryError(f"a model named {new_name!r} already exists")
    was_active = active_model() == folder
    folder.rename(target)
    cfg = _read_json(target / "config.json")
    cfg["name"] = new_name
    atomic_write(target / "config.json", json.dumps(cfg, indent=2))
    if was_active:
        set_active_model(target)
    return target


def delete_model(name: str) -> None:
    folder = _user_model(name)
    if active_model() == folder:
        set_active_model(None)
    shutil.rmtree(folder)


def export_model(name_or_folder: str | Path, dest: str | Path) -> Path:
    """Copy a model folder to ``dest`` (a new folder; refuses to overwrite)."""
    src = Path(name_or_folder)
    if not src.is_absolute():
        src = _user_model(str(name_or_folder))
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise RegistryError(f"{dest} already exists and is not empty")
    if dest.exists():
        dest.rmdir()
    shutil.copytree(src, dest)
    return dest


# ------------------------------------------------------------------ active model
def active_model() -> Path | None:
    """The model folder the user chose, or None (the bundled default) if unset or gone."""
    folder = _read_json(user_data_dir() / ACTIVE_FILE).get("folder")
    if folder and (Path(folder) / "config.json").is_file():
        return Path(folder)
    return None


def set_active_model(folder: str | Path | None) -> None:
    atomic_write(user_data_dir() / ACTIVE_FILE, json.dumps({"folder": str(folder) if folder else None}))


# ------------------------------------------------------------------ runs
def new_run_dir(name: str) -> Path:
    return runs_dir() / unique_name(check_name(name), runs_dir())


def read_events(run_dir: Path) -> list[dict]:
    events = []
    try:
        with open(Path(run_dir) / "progress.jsonl") as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue  # a line cut by a kill mid-write
    except OSError:
        pass
    return events


def run_info(run_dir: str | Path) -> RunInfo:
    run_dir = Path(run_dir)
    run = _read_json(run_dir / "run.json")
    state = _read_json(run_dir / "checkpoint" / "state.json")
    events = read_events(run_dir)
    last = next((e for e in reversed(events) if e.get("event") in ("done", "stopped", "error", "start")), {})
    return RunInfo(name=run_dir.name, folder=run_dir, step=int(state.get("step", 0)),
                   max_steps=int(run.get("train", {}).get("max_steps", 0)), data=str(run.get("data", "")),
                   last_event=last, init_from=run.get("init_from"))


def is_unfinished(run_dir: str | Path) -> bool:
    run_dir = Path(run_dir)
    if not checkpoint_swap.recover(run_dir):  # (a run cut off mid-swap gets its checkpoint back)
        return False
    if (run_dir / "model" / "config.json").is_file() or (run_dir / CLOSED_MARKER).exists():
        return False
    return not any(e.get("event") == "done" for e in read_events(run_dir))


def unfinished_runs() -> list[RunInfo]:
    """Runs to offer for resuming, most recently touched first."""
    runs = [d for d in runs_dir().iterdir() if d.is_dir() and is_unfinished(d)]
    runs.sort(key=lambda d: (d / "checkpoint" / "state.json").stat().st_mtime, reverse=True)
    return [run_info(d) for d in runs]


def mark_closed(run_dir: str | Path, reason: str = "stopped") -> None:
    """The user ended this run for good: do not offer it for resuming."""
    atomic_write(Path(run_dir) / CLOSED_MARKER, json.dumps({"reason": reason, "time": time.time()}))


def _final_metrics(run_dir: Path) -> dict:
    metrics = {}
    for e in read_events(run_dir):
        if e.get("event") == "eval":
            metrics = {k: v for k, v in e.items() if k.startswith("val_")}
        elif e.get("event") == "progress" and not metrics:
            metrics = {k: e[k] for k in ("loss", "recon", "kl", "tf_accuracy") if k in e}
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def adopt_run(run_dir: str | Path, name: str | None = None) -> ModelEntry:
    """Copy a run's model (its finished ``model/``, else its last checkpoint) into models/<name>."""
    run_dir = Path(run_dir)
    src = run_dir / "model"
    if not (src / "config.json").is_file():
        src = run_dir / "checkpoint"
    if not (src / "config.json").is_file():
        raise RegistryError(f"{run_dir.name}: the run has no model or checkpoint yet")
    name = unique_name(check_name(name or run_dir.name))
    dest = models_dir() / name
    tmp = models_dir() / f".{name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        shutil.copytree(src, tmp, ignore=shutil.ignore_patterns("optimizer.safetensors", "state.json"))
        cfg = _read_json(tmp / "config.json")
        run = _read_json(run_dir / "run.json")
        cfg.update({"name": name, "kind": "fine-tuned" if run.get("init_from") else "trained",
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S"), "run": str(run_dir),
                    "data": run.get("data", cfg.get("data")), "metrics": _final_metrics(run_dir),
                    "complete": src.name == "model"})
        atomic_write(tmp / "config.json", json.dumps(cfg, indent=2))
        tmp.rename(dest)
    except OSError as exc:  # a full disk: no half-copied model is listed, and the run stays as it was
        shutil.rmtree(tmp, ignore_errors=True)
        raise RegistryError(f"could not copy the model into {models_dir()}: {exc.strerror or exc}. "
                            f"The run {run_dir.name} is kept; free some space and try again.") from exc
    return read_entry(dest)
