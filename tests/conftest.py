"""Shared test set-up: Qt offscreen, a private user-data dir, seeded randomness."""

import gc
import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MGUV_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
    random.seed(1234)
    np.random.seed(1234)
    yield
    if not gc.isenabled():  # a MainWindow handed collection to the GUI thread (ui/_gc_guard.py): the
        gc.collect()  # tests that follow may not run its event loop, so collect here, on the main thread


@pytest.fixture(scope="session")
def tiny_trained_model(tmp_path_factory):
    """A tiny 4-bar hierarchical model trained for real on generated melodies (shared by tests)."""
    from mguv_app.training.loop import TrainingRun

    from .tiny_data import tiny_model_config, tiny_train_config, write_folder

    root = tmp_path_factory.mktemp("tiny_model")
    os.environ.setdefault("MGUV_CACHE_DIR", str(root / "cache"))
    write_folder(root / "songs", 24, 8, seed=11)
    events = []
    cfg = tiny_train_config(max_steps=800, eval_every=400, ckpt_every=400)
    code = TrainingRun(root / "songs", root / "run", tiny_model_config(), cfg,
                       emit=events.append).run()
    assert code == 0, events[-1]
    return root / "run" / "model"


@pytest.fixture(scope="session")
def tiny_phrase_model(tmp_path_factory):
    """A tiny flat 2-bar phrase model (config role "phrase") trained for real on the same kind of melodies."""
    from mguv_app.training.loop import TrainingRun

    from .tiny_data import tiny_model_config, tiny_train_config, write_folder

    root = tmp_path_factory.mktemp("tiny_phrases")
    os.environ.setdefault("MGUV_CACHE_DIR", str(root / "cache"))
    write_folder(root / "songs", 24, 8, seed=11)
    events = []
    cfg = tiny_train_config(max_steps=600, eval_every=300, ckpt_every=300, free_bits=64.0)
    code = TrainingRun(root / "songs", root / "run", tiny_model_config("flat", 2), cfg, emit=events.append,
                       role="phrase").run()
    assert code == 0, events[-1]
    return root / "run" / "model"


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


@pytest.fixture
def transport_window(qtbot):
    """A main window with its transport (the player on whatever output there is, a null one in CI)."""
    from tests.test_main_window import make_window

    w = make_window(qtbot, with_transport=True)
    if w.transport is None:
        pytest.skip("ui/transport.py is not importable here")
    return w


@pytest.fixture
def generation_window(qtbot, tiny_trained_model):
    """A main window (with its transport where audio works) and the tiny model in the Generate dock,
    loaded and idle."""
    from mguv_app.engine import TrainedModel
    from ui.generation_link import attach_generation
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.ask_unsaved = lambda parent: "discard"
    w.show_error = lambda parent, title, text: None
    session = attach_generation(w, model_loader=lambda: TrainedModel(tiny_trained_model, device="cpu"))
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: session.model is not None and session.store.pca is not None and not session.busy,
                    timeout=120000)
    return w


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
