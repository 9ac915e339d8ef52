"""The shipped default model: its files load, it makes valid melodies, its card matches its measurements."""

import json
import subprocess
import sys

import numpy as np
import pytest

from mguv_app.engine import TrainedModel, default_model_dir
from mguv_app.music import read_midi

MODEL = default_model_dir()


@pytest.fixture(scope="module")
def tm():
    return TrainedModel(MODEL, "cpu")


def test_shipped_files_are_small_and_complete():
    names = {p.name for p in MODEL.iterdir()}
    assert {"model.safetensors", "config.json", "MODEL_CARD.md", "metrics.json", "attributes.safetensors"} <= names
    assert (MODEL / "model.safetensors").stat().st_size < 40 * 2**20
    config = json.loads((MODEL / "config.json").read_text())
    assert config["model"]["bars"] == 16 and config["model"]["decoder"] == "hierarchical"


def test_samples_are_valid_varied_melodies(tm):
    melodies = tm.sample(4, temperature=1.0, seed=3)
    assert len({tuple(m.notes) for m in melodies}) == 4
    for m in melodies:
        assert 8 <= len(m.notes) <= 256 and m.num_bars <= 16
        lo, hi = m.pitch_range
        assert 30 <= lo <= hi <= 100
        assert all(a.end <= b.start for a, b in zip(m.notes, m.notes[1:], strict=False))  # monophonic


def test_reconstruction_beats_chance(tm):
    """Encode + greedy decode keeps more than an all-HOLD guess, and far more note pitches than chance
    (about 1 in 30 for a melody's range). The model card reports how far it is from MusicVAE."""
    from mguv_app.music import melody_to_events

    acc, hold, note = [], [], []
    for m in tm.sample(8, temperature=0.5, seed=11):
        a, b = melody_to_events(m, 256), melody_to_events(tm.reconstruct(m), 256)
        onsets = a >= 2
        acc.append((a == b).mean())
        hold.append((a == 0).mean())
        note.append((a[onsets] == b[onsets]).mean())
    assert np.mean(acc) > np.mean(hold)
    assert np.mean(note) > 0.15


def test_model_card_reports_the_measured_figures():
    metrics = json.loads((MODEL / "metrics.json").read_text())
    card = (MODEL / "MODEL_CARD.md").read_text()
    rec = metrics["reconstruction"]
    assert f"{100 * rec['tf_accuracy']:.1f}%" in card
    assert f"{100 * rec['sampled_accuracy']:.1f}%" in card
    for f in metrics["prior_vs_test"]["features"].values():
        assert f"{f['oa']:.3f}" in card


def test_attribute_vectors_move_pitch(tm):
    m = tm.sample(1, temperature=0.5, seed=5)[0]
    up, down = tm.shift_attribute(m, "average_pitch", 2.0), tm.shift_attribute(m, "average_pitch", -2.0)
    assert np.mean([n.pitch for n in up.notes]) > np.mean([n.pitch for n in down.notes])


def test_generate_cli_uses_the_shipped_model(tmp_path):
    out = subprocess.run([sys.executable, "-m", "mguv_app", "generate", "--count", "2", "--seed", "1",
                          "--out", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    files = sorted(tmp_path.glob("*.mid"))
    assert len(files) == 2 and all(read_midi(f).melody.notes for f in files)
