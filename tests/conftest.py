"""Shared test set-up: Qt offscreen, a private user-data dir, seeded randomness."""

import gc
import os
import random
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MGUV_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
    random.seed(1234)
    np.random.seed(1234)
    yield
    if not gc.isenabled():
        # A MainWindow handed collection to the GUI thread (ui/_gc_guard.py), and the tests that follow may not
        # run its event loop: collect here, on the main thread, as CPython would have (the generations past
        # their thresholds; a full collection after every test cost seconds once the heap was large).
        from ui import _gc_guard

        _gc_guard.check()


ROOT = Path(__file__).resolve().parent.parent
MODEL_CACHE = ROOT / "build" / "test-cache"
TRAINING_INPUTS = ("mguv_app/training", "mguv_app/model", "mguv_app/music", "mguv_app/engine", "mguv_app/fileio.py",
                   "tests/tiny_data.py")


def _training_digest(*settings) -> str:
    """What a tiny model is a function of: the code that trains it, the melodies it is trained on, its settings,
    and the versions of Python, torch and numpy."""
    import hashlib

    import torch

    h = hashlib.sha1(repr((settings, sys.version, torch.__version__, np.__version__)).encode())
    for top in TRAINING_INPUTS:
        path = ROOT / top
        for f in sorted([path] if path.is_file() else path.rglob("*.py")):
            h.update(f.relative_to(ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _train_tiny(tmp_path_factory, name: str, model_cfg, train_cfg, role=None) -> Path:
    """A tiny model trained for real on generated melodies; its run folder. A developer's second test session
    copies the run the first one trained from the same inputs (``build/test-cache/<name>-<digest>``), so the
    quick loop need not train; CI, on a fresh clone, always trains, and so does ``MGUV_TEST_RETRAIN=1``."""
    import shutil

    from mguv_app.training.loop import TrainingRun

    from .tiny_data import write_folder

    root = tmp_path_factory.mktemp(name)
    os.environ.setdefault("MGUV_CACHE_DIR", str(root / "cache"))
    cached = MODEL_CACHE / f"{name}-{_training_digest(model_cfg, train_cfg, role)}"
    if os.environ.get("MGUV_TEST_RETRAIN") != "1" and (cached / "run" / "model" / "config.json").is_file():
        shutil.copytree(cached / "run", root / "run")
        return root / "run"
    write_folder(root / "songs", 24, 8, seed=11)
    events = []
    code = TrainingRun(root / "songs", root / "run", model_cfg, train_cfg, emit=events.append, role=role).run()
    assert code == 0, events[-1]
    shutil.rmtree(cached, ignore_errors=True)
    shutil.copytree(root / "run", cached / "run.tmp")
    (cached / "run.tmp").rename(cached / "run")  # whole or not at all: a session cut short leaves no half model
    return root / "run"


@pytest.fixture(scope="session")
def tiny_trained_model(tmp_path_factory):
    """A tiny 4-bar hierarchical model trained for real on generated melodies (shared by tests)."""
    from .tiny_data import tiny_model_config, tiny_train_config

    cfg = tiny_train_config(max_steps=800, eval_every=400, ckpt_every=400)
    return _train_tiny(tmp_path_factory, "tiny_model", tiny_model_config(), cfg) / "model"


@pytest.fixture(scope="session")
def tiny_phrase_model(tmp_path_factory):
    """A tiny flat 2-bar phrase model (config role "phrase") trained for real on the same kind of melodies."""
    from .tiny_data import tiny_model_config, tiny_train_config

    cfg = tiny_train_config(max_steps=600, eval_every=300, ckpt_every=300, free_bits=64.0)
    return _train_tiny(tmp_path_factory, "tiny_phrases", tiny_model_config("flat", 2), cfg, role="phrase") / "model"


@pytest.fixture(scope="module")
def tiny_engine(tiny_trained_model):
    """The tiny model behind the engine facade, on one torch thread for the module: batch-1 decoding of a
    tiny model is many times faster that way on a busy 2-core machine."""
    import torch

    from mguv_app.engine import TrainedModel

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield TrainedModel(tiny_trained_model, "cpu")
    torch.set_num_threads(threads)


@pytest.fixture
def pumped():
    """A player on a hand-pumped, capturing null sink at 44.1 kHz: the block renderer a device calls,
    driven by ``out.pump(frames)``, everything rendered kept in ``out.captured()``."""
    from mguv_app.audio import NullOutput, Player

    out = NullOutput(44100, 512, realtime=False, capture=True)
    player = Player(output=out)
    yield player, out
    player.close()


# ------------------------------------------------------------------ windows
def answer_dialogs(w):
    """Never a modal dialog in a test (it would wait forever): Discard for unsaved changes, no file picked,
    errors swallowed, and a restore question fails the test. Tests that care set their own answers."""
    w.ask_unsaved = lambda parent: "discard"
    w.ask_restore = lambda parent, rec: pytest.fail("unexpected restore question")
    w.ask_open_path = lambda parent, start: None
    w.ask_save_path = lambda parent, title, suggested: None
    w.show_error = lambda parent, title, text: None
    return w


@pytest.fixture
def make_window(qtbot):
    """Builds main windows (several in a test where a "next start" is played): ``make_window()`` without the
    transport (no player), ``make_window(with_transport=True)`` with it, on whatever output there is."""
    from ui.main_window import MainWindow

    def make(with_transport: bool = False):
        w = MainWindow(with_transport=with_transport)
        qtbot.addWidget(w)
        return answer_dialogs(w)
    return make


@pytest.fixture
def window(make_window):
    """A main window without the transport: the document, the roll, the files. A test file whose tests need
    more (the Generate dock, the transport) defines its own ``window`` from the fixtures below."""
    return make_window()


@pytest.fixture
def transport_window(make_window):
    """A main window with its transport (the player on whatever output there is, a null one in CI)."""
    w = make_window(with_transport=True)
    if w.transport is None:
        pytest.skip("ui/transport.py is not importable here")
    return w


@pytest.fixture
def attach_model(qtbot):
    """``attach_model(window, folder)``: the Generate dock and the map on the model in ``folder``, shown,
    loaded and idle."""
    from mguv_app.engine import TrainedModel
    from ui.generation_link import attach_generation

    def attach(w, folder):
        session = attach_generation(w, model_loader=lambda: TrainedModel(folder, device="cpu"))
        w.show()
        qtbot.waitExposed(w)
        qtbot.waitUntil(lambda: session.model is not None and session.store.pca is not None and not session.busy,
                        timeout=120000)
        return session
    return attach


@pytest.fixture
def generation_window(make_window, attach_model, tiny_trained_model):
    """A main window (with its transport where audio works) and the tiny model in the Generate dock,
    loaded and idle."""
    w = make_window(with_transport=True)
    attach_model(w, tiny_trained_model)
    return w


@pytest.fixture
def training_window(make_window):
    """``training_window(ask=None)``: a main window with the Training tab on the tiny model's settings; ``ask``
    answers the offer to resume an unfinished run."""
    from tests.test_training_process import tiny_sets
    from ui.training_link import attach_training

    def make(ask=None):
        w = make_window(with_transport=True)
        w.ask_restore = lambda parent, rec: False
        tab = attach_training(w, ask=ask)
        tab.extra_sets = tiny_sets()
        tab.show_error = lambda parent, title, text: pytest.fail(f"{title}: {text}")
        return w, tab
    return make


@pytest.fixture
def meter_window(make_window, qtbot):
    """``meter_window(time_signature)``: a shown window holding an empty melody in that meter, its Generate dock
    loading the bundled model for it (``settled_on`` in ``tests/qt_helpers.py`` waits for it)."""
    from mguv_app.music import Melody
    from ui.generation_link import attach_generation, default_loader

    def make(time_signature):
        w = make_window(with_transport=True)
        w.load_melody(Melody([], qpm=100, time_signature=time_signature))
        session = attach_generation(w, model_loader=default_loader)
        w.show()
        qtbot.waitExposed(w)
        return w, session
    return make


@pytest.fixture
def app_window(qtbot, monkeypatch):
    """``app_window(size, wait_for_model=True)``: the window as ``mguv`` builds it (every dock, the Training
    tab), at ``size``, without audio and with a missing model (the panels then show a message with a long
    unbreakable path), shown and settled."""
    from tests.qt_helpers import settle
    from ui import app as ui_app

    def no_model():
        raise FileNotFoundError(f"no model at {LONG_MODEL_PATH}")

    def open_window(size, wait_for_model: bool = True):
        monkeypatch.setenv("MGUV_AUDIO", "none")
        monkeypatch.setattr(ui_app, "_chosen_model_loader", no_model)
        w = ui_app._open_window(None)
        qtbot.addWidget(w)
        w.ask_unsaved = lambda parent: "discard"
        w.ask_restore = lambda parent, rec: False
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        if wait_for_model:
            qtbot.waitUntil(lambda: w.generation.model_error is not None, timeout=30000)
        settle()
        return w
    return open_window


LONG_MODEL_PATH = "/home/someone/.local/share/mguv-studio/models/a_model_folder_with_a_really_long_name_here"


@pytest.fixture
def bundled_pair(tmp_path, tiny_trained_model, monkeypatch):
    """A resources/models folder holding the tiny model twice, as the bundled 4/4 model and as a bundled 3/4
    one (the same weights in 12-step bars: no weight's shape depends on the bar length)."""
    import json
    import shutil

    from mguv_app import models_registry

    root = tmp_path / "models"
    four = root / models_registry.DEFAULT_BUNDLED
    shutil.copytree(tiny_trained_model, four)
    three = root / "melody_16bar_3-4"
    shutil.copytree(tiny_trained_model, three)
    cfg = json.loads((three / "config.json").read_text())
    cfg["model"]["steps_per_bar"] = 12
    cfg["name"] = three.name
    cfg.pop("sample_temperature", None)
    (three / "config.json").write_text(json.dumps(cfg))
    for name in ("reference_latents.npy", "attributes.safetensors"):  # made in 16-step bars
        (three / name).unlink(missing_ok=True)
    monkeypatch.setattr(models_registry, "bundled_models_dir", lambda: root)
    return four, three


@pytest.fixture
def bundled_trio(bundled_pair):
    """``bundled_pair`` plus a bundled 6/8 model: the 3/4 one's folder again, its config naming 6/8 (only the
    config tells two models of 12-step bars apart)."""
    import json
    import shutil

    four, three = bundled_pair
    six = three.parent / "melody_16bar_6-8"
    shutil.copytree(three, six)
    cfg = json.loads((six / "config.json").read_text())
    cfg.update(name=six.name, time_signature=[6, 8])
    (six / "config.json").write_text(json.dumps(cfg))
    return four, three, six
