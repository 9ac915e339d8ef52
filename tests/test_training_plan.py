"""The Training tab's choices without a window (``mguv_app.training.plan``): the base model of a fine-tune or a
personalisation, the window's bars, the meter's arguments, and the meter a folder's melodies are in."""

import json
from types import SimpleNamespace

from mguv_app import models_registry as reg
from mguv_app.model.config import DEFAULT_BARS
from mguv_app.training import plan
from mguv_app.training.data import _METER_REFUSED


def test_the_bundled_model_of_the_meter_is_the_base(bundled_trio):
    four, three, six = bundled_trio
    assert plan.finetune_base((4, 4), four) == four and plan.finetune_base((2, 4), four) == four
    assert plan.finetune_base((3, 4), four) == three and plan.finetune_base((6, 8), four) == six
    assert plan.finetune_base((5, 4), four) is None  # no bundled model has bars of 20 steps
    assert plan.personalize_base((3, 4), four) == three
    reg.set_active_model(four)  # a model the user chose is personalised while it writes in the meter
    assert plan.personalize_base((4, 4), four) == four and plan.personalize_base((6, 8), four) == six


def test_window_bars_come_from_the_settings_the_base_model_or_the_default(tmp_path, tiny_trained_model):
    bars = json.loads((tiny_trained_model / "config.json").read_text())["model"]["bars"]
    assert plan.window_bars(plan.FINETUNE, tiny_trained_model) == bars == plan.model_bars(tiny_trained_model)
    assert plan.window_bars(plan.SCRATCH, tiny_trained_model) == DEFAULT_BARS
    assert plan.window_bars(plan.PERSONALIZE, tmp_path / "none") == DEFAULT_BARS  # unreadable: the default
    assert plan.window_bars(plan.SCRATCH, None, ["lr=0.1", "model.bars=2"]) == 2


def test_the_meter_s_arguments_for_mguv_train():
    assert plan.meter_arguments((4, 4)) == ([], None)
    assert plan.meter_arguments((2, 4)) == (["model.steps_per_bar=8"], (2, 4))
    assert plan.meter_arguments((6, 8)) == (["model.steps_per_bar=12"], (6, 8))


def test_a_folder_mostly_in_another_meter_names_it_and_says_what_to_do():
    def report(read, meters):
        refused = [(f"f{i}.mid", f"{_METER_REFUSED.format(*m)} this model's 16-step bars")
                   for i, m in enumerate(meters)]
        return SimpleNamespace(read=read, refused=refused)

    waltzes = report(1, [(3, 4)] * 3 + [(6, 8)])
    assert plan.folder_meter(waltzes, (4, 4)) == (3, 4)
    assert plan.folder_meter(report(4, [(3, 4)] * 3), (4, 4)) is None  # most files fit
    assert "3 of its files are in 3/4. Choose 3/4 under Meter" in plan.no_windows_text(waltzes, (4, 4), 16)
    assert "at least 16 bars" in plan.no_windows_text(report(2, []), (4, 4), 16)
