"""MidiMe personalisation: trains on the CPU in the test, lands samples near the user's style, loads back."""

import json

import numpy as np
import pytest

from mguv_app.cli import main
from mguv_app.engine import TrainedModel
from mguv_app.music import Melody, Note, write_midi
from mguv_app.personalize import (
    MidiMeConfig,
    PersonalizedModel,
    PersonalizeError,
    is_personalized,
    open_model,
    personalize,
)

from .tiny_data import make_melody


def _user_folder(folder, n=10, seed=5):
    """The 'user style': melodies all in G below middle C, the lowest of the keys the tiny model learned
    (55, 60, 62, 65), so a personal prior shows as a lower mean pitch than the base model's mix of keys.
    (A key the model never saw, as this test once used, decodes to nothing like the user's melodies.)"""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        write_midi(make_melody(rng, 6, tonic=55), folder / f"mine_{i}.mid")
    (folder / "broken.mid").write_bytes(b"MThd\x00\x00")
    return folder


@pytest.fixture
def user_songs(tmp_path, monkeypatch):
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    return _user_folder(tmp_path / "mine")


def test_personalize_trains_and_samples_in_the_users_style(tiny_trained_model, user_songs, tmp_path):
    base = TrainedModel(tiny_trained_model, "cpu")
    events = []
    result = personalize(base, user_songs, tmp_path / "me", MidiMeConfig(steps=600), progress=events.append)
    assert result.files == 10 and result.windows == 10 * 3 and len(result.refused) == 1
    assert "broken.mid" in result.refused[0][0]
    assert events[-1]["event"] == "done" and any(e["event"] == "progress" for e in events)
    assert is_personalized(result.folder)
    cfg = json.loads((result.folder / "config.json").read_text())
    assert cfg["kind"] == "personalized" and cfg["base"] == str(tiny_trained_model.resolve())

    pm = open_model(result.folder, "cpu")
    assert isinstance(pm, PersonalizedModel) and pm.bars == base.bars  # delegation to the base
    user_mu, _ = base.encode_tokens(np.concatenate([
        np.stack([base._tokens(m)]) for m in [make_melody(np.random.default_rng(5 + k), 4, 55) for k in range(8)]]))
    centre = user_mu.mean(0)
    personal = pm.sample_latents(200, seed=1)
    prior = np.random.default_rng(1).standard_normal(personal.shape)
    # the personal prior sits around the user's latents; the plain prior does not
    assert np.linalg.norm(personal - centre, axis=1).mean() < 0.6 * np.linalg.norm(prior - centre, axis=1).mean()
    mine = pm.sample(12, temperature=0.0, seed=3)
    theirs = base.sample(12, temperature=0.0, seed=3)
    mean_pitch = lambda ms: np.mean([n.pitch for m in ms for n in m.notes])
    assert all(m.notes for m in mine)
    assert mean_pitch(mine) < mean_pitch(theirs) - 1  # the user's melodies sit lower
    # the same seed gives the same melodies; a longer request continues the same melody
    assert [m.notes for m in pm.sample(12, temperature=0.0, seed=3)] == [m.notes for m in mine]
    short, long = pm.sample(1, seed=4)[0], pm.sample(1, bars=6, seed=4)[0]
    assert long.notes[: len(short.notes)] == short.notes and long.end_tick <= 6 * 1920
    # the folder is also a plain model folder
    assert TrainedModel(result.folder, "cpu").cfg == base.cfg


def test_personalize_from_melodies_and_bad_input(tiny_trained_model, tmp_path):
    base = TrainedModel(tiny_trained_model, "cpu")
    rng = np.random.default_rng(2)
    res = personalize(base, [make_melody(rng, 4, 67) for _ in range(3)], tmp_path / "p", MidiMeConfig(steps=50))
    assert res.windows == 3
    with pytest.raises(PersonalizeError, match="no 4-bar windows"):
        personalize(base, [Melody([Note(0, 120, 60)])], tmp_path / "q", MidiMeConfig(steps=5))
    with pytest.raises(PersonalizeError, match="no such folder"):
        personalize(base, tmp_path / "nope", tmp_path / "q")
    assert not (tmp_path / "q").exists()
    with pytest.raises(ValueError, match="not a personalised model"):
        PersonalizedModel(base, tiny_trained_model)


def test_cli_personalize(tiny_trained_model, user_songs, tmp_path, capsys):
    out = tmp_path / "cli_me"
    assert main(["personalize", str(user_songs), "--out", str(out), "--model", str(tiny_trained_model),
                 "--steps", "50", "--device", "cpu"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["windows"] == 30 and is_personalized(out)
    assert main(["personalize", str(tmp_path / "missing"), "--out", str(out), "--model",
                 str(tiny_trained_model)]) == 2
    assert "no such folder" in capsys.readouterr().err
    assert main(["personalize", str(user_songs), "--out", str(out), "--model", str(tmp_path)]) == 2
    assert "cannot load model" in capsys.readouterr().err
