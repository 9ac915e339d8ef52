"""model_training's measure-and-ship pipeline on a tiny real model: evaluate_model sweeps sampling
temperatures and picks the one whose samples look most like the test melodies, ship_model writes it
into the shipped config, and Generate / `mguv generate` start from it."""

import json
import re
import shutil

import numpy as np
import pytest

from mguv_app.engine import TrainedModel
from mguv_app.music import read_midi
from mguv_app.training.data import scan_folder

from .tiny_data import write_folder


def test_evaluate_picks_the_best_temperature_and_ship_carries_it(tiny_trained_model, tmp_path, monkeypatch):
    from mguv_app.cli import main as mguv
    from model_training import evaluate_model, ship_model

    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    write_folder(tmp_path / "held_out", 12, 8, seed=99)
    ws = scan_folder(tmp_path / "held_out", 4, valid_fraction=0.0)
    corpus = tmp_path / "corpus.npz"
    np.savez(corpus, test_4=ws.train)
    model = tmp_path / "model"
    shutil.copytree(tiny_trained_model, model)

    assert evaluate_model.main(["--model", str(model), "--corpus", str(corpus), "--samples", "200",
                                "--draws", "2", "--pairs", "3", "--temperatures", "0.2,1.0,3.0"]) == 0
    metrics = json.loads((model / "metrics.json").read_text())
    prior = metrics["prior_vs_test"]
    assert prior["draws"] == 2 and prior["n_a"] == len(ws.train)  # every test melody is the reference
    draws = [f["oa_draws"] for f in prior["features"].values()]
    assert any(a != b for a, b in draws)  # the two draws are independent samples
    assert prior["min_oa"] == min([f["oa"] for f in prior["features"].values()] + [prior["interval_histogram"]["oa"]])
    sweep = metrics["temperature_sweep"]
    assert set(sweep) == {"0.2", "1.0", "3.0"}
    best = max(sweep, key=lambda t: sweep[t]["min_oa"])
    assert metrics["sample_temperature"] == float(best) == metrics["prior_vs_test"]["temperature"]
    assert sweep["3.0"]["min_oa"] < sweep[best]["min_oa"]  # near-uniform sampling is not like real melodies
    assert TrainedModel(model, "cpu").sample_temperature == 1.0  # evaluating does not change the model

    shipped = tmp_path / "shipped"
    run = tiny_trained_model.parent  # the training run the model came from
    assert ship_model.main([str(model), str(shipped), "--run", str(run)]) == 0
    assert json.loads((shipped / "config.json").read_text())["sample_temperature"] == float(best)
    assert (shipped / "training_run.json").read_text() == (run / "run.json").read_text()
    assert TrainedModel(shipped, "cpu").sample_temperature == float(best)

    def notes(folder):
        return [read_midi(f).melody.notes for f in sorted(folder.glob("*.mid"))]

    runs = {}
    for name, extra in (("default", []), ("same", ["--temperature", best]), ("other", ["--temperature", "3.0"])):
        out = tmp_path / name
        assert mguv(["generate", "--model", str(shipped), "--bars", "4", "--count", "3", "--seed", "5",
                     "--device", "cpu", "--out", str(out), *extra]) == 0
        runs[name] = notes(out)
    assert runs["default"] == runs["same"] != runs["other"]


def test_generate_cli_moves_melodies_into_the_asked_key(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.editing import shift_into_scale

    def run(name, *extra):
        out = tmp_path / name
        assert mguv(["generate", "--model", str(tiny_trained_model), "--bars", "4", "--count", "5", "--seed", "3",
                     "--device", "cpu", "--out", str(out), *extra]) == 0
        return [read_midi(f).melody.notes for f in sorted(out.glob("*.mid"))]

    free, fitted = run("free"), run("fitted", "--key", "Eb dorian")
    assert "into D# dorian" in capsys.readouterr().out
    moved = 0
    for a, b in zip(free, fitted, strict=True):
        shift = shift_into_scale(a, 3, "Dorian")
        assert [n.pitch for n in b] == [n.pitch + shift for n in a] and shift_into_scale(b, 3, "Dorian") == 0
        moved += shift != 0
    assert moved  # the model's own keys differ: the option did something
    with pytest.raises(SystemExit) as exit_:
        mguv(["generate", "--key", "H minor", "--out", str(tmp_path / "bad")])
    assert exit_.value.code == 2 and "unknown key root 'H'" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_generate_cli_writes_over_chords_as_the_app_does(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.engine import TrainedModel
    from mguv_app.generation import generate_variations
    from mguv_app.lofi.backing import chord_fit

    chords = ["1=C", "2=Am", "3=F", "4=G"]
    out = tmp_path / "over"
    assert mguv(["generate", "--model", str(tiny_trained_model), "--bars", "4", "--count", "3", "--seed", "9",
                 "--device", "cpu", "--out", str(out), *sum((["--chord", c] for c in chords), [])]) == 0
    printed = capsys.readouterr().out
    assert printed.count("fit to the chords") == 3 and "best of 16" in printed
    written = [read_midi(f).melody for f in sorted(out.glob("*.mid"))]
    grid = {b * 1920 + h * 960: name for b, name in enumerate(["C", "Am", "F", "G"]) for h in range(2)}
    tm = TrainedModel(tiny_trained_model, device="cpu")
    plain = generate_variations(tm, 3, 4, tm.sample_temperature, 9)  # the same seeds without chords
    assert any(m.notes != p.notes for m, p in zip(written, plain.melodies, strict=True))  # the chords chose
    for m, p in zip(written, plain.melodies, strict=True):
        assert chord_fit(m, grid) >= chord_fit(p, grid) - 1e-9  # at least as good as the first sample
    assert mguv(["generate", "--model", str(tiny_trained_model), "--chord", "0=C", "--device", "cpu",
                 "--out", str(tmp_path / "bad")]) == 2
    assert "BAR=CHORD" in capsys.readouterr().err


def test_continue_cli_over_chords(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.lofi.backing import chord_fit
    from mguv_app.music import Melody, Note, write_midi

    prompt = tmp_path / "prompt.mid"
    write_midi(Melody([Note(i * 480, i * 480 + 400, 60 + (i % 5) * 2) for i in range(8)], qpm=100.0,
                      chords={2 * 1920: "F"}), prompt)  # a chord saved in the file, for bar 3
    out = tmp_path / "out.mid"
    base = ["continue", str(prompt), "--bars", "2", "--seed", "4", "--device", "cpu",
            "--model", str(tiny_trained_model)]
    assert mguv([*base, "--chord", "4=G7", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    best, first = map(float, re.search(r"fit to the chords (-?[\d.]+) \(best of 16; the first: (-?[\d.]+)\)",
                                       printed).groups())
    assert best >= first
    result = read_midi(out).melody
    assert result.chords == {2 * 1920: "F", 3 * 1920: "G7", 3 * 1920 + 960: "G7"}  # the file's and the option's
    assert chord_fit(result, result.chords) == pytest.approx(best, abs=0.01)
    assert mguv([*base, "--chord", "4=X", "--out", str(tmp_path / "bad.mid")]) == 2
    assert "not a chord symbol" in capsys.readouterr().err and not (tmp_path / "bad.mid").exists()
