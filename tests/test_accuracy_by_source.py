"""model_training/accuracy_by_source.py: per-source reconstruction figures from a corpus file."""

import json

import numpy as np

from mguv_app.music import melody_to_events
from model_training.accuracy_by_source import main, repeated_bars
from tests.tiny_data import make_melody


def test_repeated_bars_counts_bars_that_recur_in_their_window():
    a, b = np.arange(16), np.arange(16) + 1
    w = np.stack([np.concatenate([a, b, a, a]), np.concatenate([a, b, b + 1, b + 2])])
    assert repeated_bars(w) == 2 / 6


def test_figures_per_source_from_a_corpus_file(tiny_trained_model, tmp_path, capsys):
    rng = np.random.default_rng(5)
    windows = np.stack([melody_to_events(make_melody(rng, 4), 64) for _ in range(6)]).astype(np.int16)
    windows[4:, 16:32] = windows[4:, :16]  # the "folk" windows repeat their first bar
    np.savez(tmp_path / "c.npz", test_4=windows, test_4_song=np.array([0, 0, 1, 1, 2, 2], dtype=np.int32),
             song_key=np.array(["pop909/1", "pop909/2", "folk_essen/x"]))
    assert main(["--model", str(tiny_trained_model), "--corpus", str(tmp_path / "c.npz"), "--sampled", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    pop, folk = out["sources"]["pop909"], out["sources"]["folk_essen"]
    assert (pop["windows"], folk["windows"]) == (4, 2)
    assert 0 < pop["tf_accuracy"] <= 1 and 0 < folk["sampled_accuracy"] <= 1
    assert folk["repeated_bars"] >= 1 / 3 and out["split"] == "test_4"
