"""The shipped phrase models: their files, what their cards and measurements say, and that the melody models
hand a user's melody to them."""

import json

import numpy as np
import pytest

from mguv_app.engine import TrainedModel, default_model_dir
from mguv_app.models_registry import bundled_phrase_model_dir
from mguv_app.music import melody_to_events, read_midi

PHRASES = {m: bundled_phrase_model_dir(tuple(int(v) for v in m.split("/"))) for m in ("4/4", "3/4", "6/8")}
NAMES = {"4/4": "phrase_2bar", "3/4": "phrase_2bar_3-4", "6/8": "phrase_2bar_6-8"}


@pytest.mark.parametrize("meter", sorted(PHRASES))
def test_phrase_models_ship_with_their_cards_and_measurements(meter):
    folder = PHRASES[meter]
    assert folder is not None and folder.name == NAMES[meter]
    names = {p.name for p in folder.iterdir()}
    assert {"model.safetensors", "config.json", "MODEL_CARD.md", "metrics.json", "reference_latents.npy",
            "whole_tunes.json"} <= names
    assert (folder / "model.safetensors").stat().st_size < 16 * 2**20
    config = json.loads((folder / "config.json").read_text())
    assert config["role"] == "phrase" and config["model"]["bars"] == 2 and config["model"]["decoder"] == "flat"
    assert config["time_signature"] == [int(v) for v in meter.split("/")]
    assert config["model"]["steps_per_bar"] == {"4/4": 16, "3/4": 12, "6/8": 12}[meter]
    rec = json.loads((folder / "metrics.json").read_text())["reconstruction"]
    card = (folder / "MODEL_CARD.md").read_text()
    assert f"{100 * rec['sampled_note_accuracy']:.1f}%" in card and "hold steps only" in card
    whole = json.loads((folder / "whole_tunes.json").read_text())
    for row in whole["sets"]:  # the bar for whole held-out tunes, and far above the melody model alone
        assert row["phrases"]["step_accuracy"] >= 0.9 and row["phrases"]["onset_accuracy"] >= 0.8
        assert row["phrases"]["onset_accuracy"] > row["melody_model"]["onset_accuracy"] + 0.3
        assert f"{100 * row['phrases']['onset_accuracy']:.1f}%" in card


def test_the_bundled_melody_model_keeps_a_tune_through_its_phrases(tmp_path):
    from mguv_app.music import Melody, Note, write_midi

    tm = TrainedModel(default_model_dir((4, 4)), "cpu")
    assert tm.phrases is not None and tm.phrases.model.folder == PHRASES["4/4"]
    # a plain tune: a scale up and down in quarters and eighths, 8 bars
    pitches = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62, 60, 62]
    notes, t = [], 0
    for i, p in enumerate(pitches * 2):
        length = 480 if i % 4 != 3 else 960
        notes.append(Note(t, t + length, p))
        t += length
    tune = Melody(notes)
    write_midi(tune, tmp_path / "tune.mid")
    ref = melody_to_events(read_midi(tmp_path / "tune.mid").melody)
    out = melody_to_events(tm.reconstruct(tune), len(ref))
    onsets = ref >= 2
    assert np.mean(out == ref) > 0.9 and np.mean(out[onsets] == ref[onsets]) > 0.8


@pytest.mark.parametrize("meter", ["3/4", "6/8"])
def test_the_12_step_melody_models_get_the_phrase_model_of_their_meter(meter):
    ts = tuple(int(v) for v in meter.split("/"))
    tm = TrainedModel(default_model_dir(ts), "cpu")
    assert tm.phrases is not None and tm.phrases.steps_per_bar == 12 and tm.phrases.time_signature == ts
    assert tm.phrases.model.folder.name == NAMES[meter]
