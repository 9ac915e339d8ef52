"""The shipped models (4/4, 3/4 for waltzes, 6/8 for jigs): their files load, they make valid melodies in their meter,
their cards match their measurements."""

import json
import subprocess
import sys

import numpy as np
import pytest

from mguv_app.engine import TrainedModel, default_model_dir
from mguv_app.music import read_midi

MODEL = default_model_dir()
MODELS = {"4/4": MODEL, "3/4": default_model_dir((3, 4)), "6/8": default_model_dir((6, 8))}


@pytest.fixture(scope="module", params=sorted(MODELS))
def tm(request):
    return TrainedModel(MODELS[request.param], "cpu")


def test_3_4_and_6_8_models_ship_beside_the_4_4_one():
    assert MODELS["3/4"].name == "melody_16bar_3-4" and MODELS["6/8"].name == "melody_16bar_6-8"
    assert TrainedModel(MODELS["6/8"], "cpu").time_signature == (6, 8)


@pytest.mark.parametrize("meter", sorted(MODELS))
def test_shipped_files_are_small_and_complete(meter):
    folder = MODELS[meter]
    names = {p.name for p in folder.iterdir()}
    assert {"model.safetensors", "config.json", "MODEL_CARD.md", "metrics.json", "attributes.safetensors",
            "reference_latents.npy"} <= names
    assert (folder / "model.safetensors").stat().st_size < 40 * 2**20
    config = json.loads((folder / "config.json").read_text())
    assert config["model"]["bars"] == 16 and config["model"]["decoder"] == "hierarchical"
    assert config["model"]["steps_per_bar"] == {"4/4": 16, "3/4": 12, "6/8": 12}[meter]


def test_samples_are_valid_varied_melodies(tm):
    melodies = tm.sample(4, temperature=1.0, seed=3)
    assert len({tuple(m.notes) for m in melodies}) == 4
    for m in melodies:
        assert m.time_signature == tm.time_signature
        assert 8 <= len(m.notes) <= 256 and m.num_bars <= 16
        lo, hi = m.pitch_range
        assert 30 <= lo <= hi <= 100
        assert all(a.end <= b.start for a, b in zip(m.notes, m.notes[1:], strict=False))  # monophonic


@pytest.mark.slow
def test_reconstruction_beats_chance(tm):
    """Encode + greedy decode keeps more than an all-HOLD guess, and far more note pitches than chance
    (about 1 in 30 for a melody's range). The model card reports how far it is from MusicVAE."""
    from mguv_app.music import melody_to_events

    acc, hold, note = [], [], []
    steps = tm.cfg.num_steps
    for m in tm.sample(8, temperature=0.5, seed=11):
        a, b = melody_to_events(m, steps), melody_to_events(tm.reconstruct(m), steps)
        onsets = a >= 2
        acc.append((a == b).mean())
        hold.append((a == 0).mean())
        note.append((a[onsets] == b[onsets]).mean())
    assert np.mean(acc) > np.mean(hold)
    assert np.mean(note) > 0.15


@pytest.mark.parametrize("meter", sorted(MODELS))
def test_model_card_reports_the_measured_figures(meter):
    metrics = json.loads((MODELS[meter] / "metrics.json").read_text())
    card = (MODELS[meter] / "MODEL_CARD.md").read_text()
    rec = metrics["reconstruction"]
    assert f"{100 * rec['tf_accuracy']:.1f}%" in card
    assert f"{100 * rec['sampled_accuracy']:.1f}%" in card
    for f in metrics["prior_vs_test"]["features"].values():
        assert f"{f['oa']:.3f}" in card


def test_the_3_4_model_puts_notes_on_its_downbeats():
    """meter_fit.json (model_training.meter_fit) as the card shows it: the 3/4 model's samples start a note on
    the downbeat of most bars, nearer the test tunes than the 4/4 model's melodies read in 3/4 bars."""
    fit = json.loads((MODELS["3/4"] / "meter_fit.json").read_text())
    card = (MODELS["3/4"] / "MODEL_CARD.md").read_text()
    models = {k.rsplit("/", 1)[-1]: v for k, v in fit["models"].items()}
    three, four = models["melody_16bar_3-4"], models["melody_16bar"]
    assert fit["steps_per_bar"] == 12 and three["positions_tv_to_test"] < four["positions_tv_to_test"]
    assert three["downbeat_rate"] > four["downbeat_rate"]
    assert f"{three['positions_tv_to_test']:.3f}" in card


def test_the_6_8_model_puts_notes_on_both_its_beats():
    """meter_fit.json for the 6/8 model: its samples start a note on the second dotted-quarter beat (step 6)
    of more bars than the 3/4 model's, read in the same bars, and their onsets sit nearer the test jigs'."""
    fit = json.loads((MODELS["6/8"] / "meter_fit.json").read_text())
    card = (MODELS["6/8"] / "MODEL_CARD.md").read_text()
    models = {k.rsplit("/", 1)[-1]: v for k, v in fit["models"].items()}
    six, three = models["melody_16bar_6-8"], models["melody_16bar_3-4"]
    assert fit["steps_per_bar"] == 12 and fit["beat_steps"] == 6
    assert six["beat_rates"][1] > three["beat_rates"][1]
    assert six["positions_tv_to_test"] < three["positions_tv_to_test"]
    assert f"{six['positions_tv_to_test']:.3f}" in card and "second beat (step 6)" in card


def test_attribute_vectors_move_pitch(tm):
    m = tm.sample(1, temperature=0.5, seed=5)[0]
    up, down = tm.shift_attribute(m, "average_pitch", 2.0), tm.shift_attribute(m, "average_pitch", -2.0)
    assert np.mean([n.pitch for n in up.notes]) > np.mean([n.pitch for n in down.notes])


@pytest.mark.slow
@pytest.mark.parametrize("meter", [None, "3/4", "6/8"])
def test_generate_cli_uses_the_shipped_model(tmp_path, meter):
    out = subprocess.run([sys.executable, "-m", "mguv_app", "generate", "--count", "2", "--seed", "1",
                          "--out", str(tmp_path), *(["--meter", meter] if meter else [])],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "phrases run" not in out.stderr
    files = sorted(tmp_path.glob("*.mid"))
    melodies = [read_midi(f).melody for f in files]
    assert len(files) == 2 and all(m.notes for m in melodies)
    assert all(m.time_signature == (tuple(int(v) for v in meter.split("/")) if meter else (4, 4)) for m in melodies)
