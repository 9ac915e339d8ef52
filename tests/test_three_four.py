"""Writing in 3/4: a model of 12-step bars, fine-tuned from a 4/4 one, and the bundled model chosen by meter.

The tiny model of the other tests stands in for the shipped ones; the 3/4 data are made here.
"""

import json

import numpy as np
import pytest

from mguv_app import models_registry as reg
from mguv_app.music import TICKS_PER_STEP, Melody, Note, read_midi, write_midi
from tests.tiny_data import MAJOR, tiny_model_config, tiny_train_config


def waltz(rng, bars: int, tonic: int = 60) -> Melody:
    """A 3/4 tune: a dotted-half-or-quarters figure a bar over a I-IV-V-I walk, so every bar is 12 steps."""
    figures = [[(0, 4), (2, 4), (4, 4)], [(0, 8), (2, 4)], [(4, 4), (2, 4), (0, 4)]]
    figure = figures[int(rng.integers(0, len(figures)))]
    walk = [0, 3, 4, 0]
    notes, step = [], 0
    for bar in range(bars):
        for degree, length in figure:
            d = degree + walk[bar % 4]
            notes.append(Note(step * TICKS_PER_STEP, (step + length) * TICKS_PER_STEP,
                              tonic + 12 * (d // 7) + MAJOR[d % 7]))
            step += length
    return Melody(notes, qpm=120.0, time_signature=(3, 4))


def test_meters_and_bundled_models(bundled_pair):
    four, three = bundled_pair
    assert [reg.bar_steps(ts) for ts in ((4, 4), (3, 4), (6, 8), (2, 4), (5, 4))] == [16, 12, 12, 8, 20]
    assert reg.fits_meter(16, (2, 4)) and reg.fits_meter(12, (6, 8)) and not reg.fits_meter(16, (3, 4))
    assert reg.bundled_model_dir() == four and reg.bundled_model_dir((4, 4)) == four
    assert reg.bundled_model_dir((3, 4)) == three and reg.bundled_model_dir((6, 8)) == three
    assert reg.bundled_model_dir((5, 4)) == four  # nothing fits 5/4: the default
    bundled = [e.folder for e in reg.list_models() if e.kind == "bundled"]
    assert bundled == [four, three]


def test_the_engine_writes_in_its_own_meter(bundled_pair):
    from mguv_app.engine import TrainedModel, default_model_dir

    four, three = bundled_pair
    assert default_model_dir((3, 4)) == three
    tm = TrainedModel(three, device="cpu")
    assert tm.time_signature == (3, 4) and TrainedModel(four, device="cpu").time_signature == (4, 4)
    m = tm.sample(1, 2, 1.0, seed=3)[0]
    assert m.time_signature == (3, 4) and m.end_tick <= 2 * 12 * TICKS_PER_STEP
    tune = waltz(np.random.default_rng(0), 8)
    out = tm.continue_(tune.bars(0, 2), 2, 0.0, seed=1)
    assert out.time_signature == (3, 4) and out.notes[:len(tune.bars(0, 2).notes)] == tune.bars(0, 2).notes
    assert out.end_tick <= 4 * 12 * TICKS_PER_STEP


def test_a_4_4_model_fine_tunes_into_12_step_bars(tmp_path, tiny_trained_model):
    """``init_geometry`` changes only the bar length; the rest of the model is the one it starts from, and it
    starts from its weights (its first loss is far below a fresh model's on the same waltzes)."""
    from mguv_app.engine import TrainedModel
    from mguv_app.training.loop import TrainingRun

    rng = np.random.default_rng(5)
    songs = tmp_path / "waltzes"
    songs.mkdir()
    for i in range(16):
        write_midi(waltz(rng, 8, tonic=int(rng.choice([57, 60, 62]))), songs / f"w{i:02d}.mid")
    assert read_midi(songs / "w00.mid").melody.time_signature == (3, 4)

    def first_loss(init_from, geometry_):
        events = []
        cfg = tiny_train_config(max_steps=10, eval_every=10, ckpt_every=10, log_every=1)
        mcfg = tiny_model_config()
        mcfg.steps_per_bar = 12
        run = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
        code = TrainingRun(songs, run, mcfg, cfg, init_from=init_from, init_geometry=geometry_,
                           emit=events.append).run()
        assert code == 0, events[-1]
        return [e for e in events if e["event"] == "progress"][0]["recon"], run / "model"

    tuned, model_dir = first_loss(tiny_trained_model, {"steps_per_bar": 12, "latent_dim": 999})
    fresh, _ = first_loss(None, None)
    assert tuned < 0.7 * fresh
    cfg = json.loads((model_dir / "config.json").read_text())["model"]
    base = json.loads((tiny_trained_model / "config.json").read_text())["model"]
    assert cfg == {**base, "steps_per_bar": 12}  # latent_dim is not geometry: ignored
    assert TrainedModel(model_dir, device="cpu").time_signature == (3, 4)


def test_the_cli_picks_the_model_by_meter(bundled_pair, tmp_path, capsys):
    from mguv_app.cli import main

    assert main(["generate", "--meter", "3/4", "--count", "1", "--bars", "2", "--seed", "1",
                 "--out", str(tmp_path / "w"), "--device", "cpu"]) == 0
    m = read_midi(tmp_path / "w" / "sample_01.mid").melody
    assert m.time_signature == (3, 4) and "phrases run" not in capsys.readouterr().err
    assert main(["generate", "--meter", "6/8", "--count", "1", "--bars", "2", "--out", str(tmp_path / "j"),
                 "--device", "cpu"]) == 0
    assert read_midi(tmp_path / "j" / "sample_01.mid").melody.time_signature == (6, 8)  # the 3/4 model, in 6/8
    # a model that does not fit the meter is used as asked, and says what it writes
    assert main(["generate", "--meter", "3/4", "--count", "1", "--bars", "2", "--out", str(tmp_path / "f"),
                 "--model", str(bundled_pair[0]), "--device", "cpu"]) == 0
    assert "learnt 4/4 melodies, so its phrases run in 4/4 bars, not 3/4" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad:
        main(["generate", "--meter", "three", "--out", str(tmp_path / "x")])
    assert bad.value.code == 2
    assert "a meter is N/D" in capsys.readouterr().err
    # reconstruct: each file with the model of its meter (3/4 bars: 12 steps, so the tune's bars stay whole)
    folder = tmp_path / "in"
    folder.mkdir()
    write_midi(waltz(np.random.default_rng(2), 4), folder / "waltz.mid")
    assert main(["reconstruct", str(folder), "--out", str(tmp_path / "rec"), "--device", "cpu"]) == 0
    out = read_midi(tmp_path / "rec" / "waltz.mid").melody
    assert out.time_signature == (3, 4) and out.end_tick <= 4 * 12 * TICKS_PER_STEP


def test_meter_fit_reads_onsets_by_bar_position():
    from mguv_app.music import PITCH_OFFSET
    from model_training.meter_fit import onset_profile, total_variation

    on_downbeats = np.zeros((2, 48), np.int64)
    on_downbeats[:, ::12] = PITCH_OFFSET + 60  # a note on every 3/4 downbeat
    prof = onset_profile(on_downbeats, 12)
    assert prof["positions"][0] == 1.0 and prof["downbeat_rate"] == 1.0
    # notes every 12 steps read in 16-step bars: only bars 0 and 3 (steps 0 and 48) have one on the downbeat
    four = np.zeros((1, 64), np.int64)
    four[0, ::12] = PITCH_OFFSET + 60
    assert onset_profile(four, 16)["downbeat_rate"] == 0.5
    off_beat = np.zeros((1, 24), np.int64)
    off_beat[0, [2, 14]] = PITCH_OFFSET + 62
    assert total_variation(prof["positions"], onset_profile(off_beat, 12)["positions"]) == 1.0
    assert onset_profile(np.zeros((1, 24), np.int64), 12)["downbeat_rate"] == 0.0  # silence: no bars played
