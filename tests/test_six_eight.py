"""Writing in 6/8: a bundled model per meter, told apart by its config (3/4 and 6/8 bars are both 12 steps).

The tiny model stands in for the shipped ones (``bundled_trio``); the jigs are made here.
"""

import json

import numpy as np
import pytest

from mguv_app import models_registry as reg
from mguv_app.music import TICKS_PER_STEP, Melody, Note, read_midi, write_midi
from tests.tiny_data import MAJOR, tiny_model_config, tiny_train_config


def jig(rng, bars: int, tonic: int = 62) -> Melody:
    """A 6/8 tune: two groups of three eighths a bar (or a dotted quarter and three eighths)."""
    figures = [[(0, 2), (1, 2), (2, 2), (4, 2), (2, 2), (0, 2)], [(0, 6), (2, 2), (1, 2), (0, 2)]]
    figure = figures[int(rng.integers(0, len(figures)))]
    notes, step = [], 0
    for bar in range(bars):
        for degree, length in figure:
            d = degree + (0, 3, 4, 0)[bar % 4]
            notes.append(Note(step * TICKS_PER_STEP, (step + length) * TICKS_PER_STEP,
                              tonic + 12 * (d // 7) + MAJOR[d % 7]))
            step += length
    return Melody(notes, qpm=110.0, time_signature=(6, 8))


def test_compound_meters_get_the_model_that_writes_in_them(bundled_trio):
    from mguv_app.engine import TrainedModel

    four, three, six = bundled_trio
    assert reg.is_compound((6, 8)) and reg.is_compound((12, 8)) and not reg.is_compound((3, 4))
    assert not reg.is_compound((3, 8)) and not reg.is_compound((6, 4))
    assert reg.writes_meter(12, (6, 8), (6, 8)) and not reg.writes_meter(12, (3, 4), (6, 8))
    assert reg.writes_meter(16, (4, 4), (2, 4)) and not reg.writes_meter(16, (4, 4), (3, 4))
    assert reg.bundled_model_dir((6, 8)) == six and reg.bundled_model_dir((3, 4)) == three
    assert reg.bundled_model_dir((2, 4)) == four and reg.bundled_model_dir((5, 4)) == four
    assert reg.config_time_signature(json.loads((six / "config.json").read_text())) == (6, 8)
    assert reg.config_time_signature({"model": {"steps_per_bar": 12}}) == (3, 4)  # no label: read from the bars
    assert TrainedModel(six, device="cpu").time_signature == (6, 8)
    assert [e.folder for e in reg.list_models() if e.kind == "bundled"] == [four, three, six]
    (six / "config.json").unlink()  # without a 6/8 model, 6/8 takes the model whose bars fit: the 3/4 one
    assert reg.bundled_model_dir((6, 8)) == three


def test_the_cli_writes_jigs_with_the_6_8_model(bundled_trio, tmp_path, capsys):
    from mguv_app.cli import main

    four, three, six = bundled_trio
    assert main(["generate", "--meter", "6/8", "--count", "1", "--bars", "2", "--seed", "1",
                 "--out", str(tmp_path / "j"), "--device", "cpu"]) == 0
    m = read_midi(tmp_path / "j" / "sample_01.mid").melody
    assert m.time_signature == (6, 8) and m.end_tick <= 2 * 12 * TICKS_PER_STEP
    assert "phrases run" not in capsys.readouterr().err
    # the 3/4 model asked for 6/8 bars: its bars fit, but its three beats are not 6/8's two, and it says so
    assert main(["generate", "--meter", "6/8", "--count", "1", "--bars", "2", "--out", str(tmp_path / "w"),
                 "--model", str(three), "--device", "cpu"]) == 0
    assert "learnt 3/4 melodies, so its phrases run in 3/4 bars, not 6/8" in capsys.readouterr().err


@pytest.mark.slow
def test_a_training_run_records_the_meter_it_learns(tmp_path, bundled_trio, capsys):
    """3/4 and 6/8 models have the same bars, so a run writes the meter into config.json: from --meter,
    else from the model it fine-tunes when the bars stay, and a resume keeps it."""
    from mguv_app.cli import main
    from mguv_app.engine import TrainedModel
    from mguv_app.training.loop import TrainingRun

    four, three, six = bundled_trio
    rng = np.random.default_rng(4)
    songs = tmp_path / "jigs"
    songs.mkdir()
    for i in range(12):
        write_midi(jig(rng, 8, tonic=int(rng.choice([60, 62, 67]))), songs / f"j{i:02d}.mid")
    assert read_midi(songs / "j00.mid").melody.time_signature == (6, 8)
    mcfg = tiny_model_config()
    mcfg.steps_per_bar = 12
    run = tmp_path / "scratch"
    cfg = tiny_train_config(max_steps=4, eval_every=4, ckpt_every=2, log_every=1)
    assert TrainingRun(songs, run, mcfg, cfg, meter=(6, 8), emit=lambda e: None).run() == 0
    assert TrainedModel(run / "model", device="cpu").time_signature == (6, 8)
    cfg.max_steps = 6
    assert TrainingRun(songs, run, None, cfg, resume=True, emit=lambda e: None).run() == 0
    assert json.loads((run / "model" / "config.json").read_text())["time_signature"] == [6, 8]
    tuned = tmp_path / "tuned"
    assert TrainingRun(songs, tuned, None, tiny_train_config(max_steps=2, eval_every=2, ckpt_every=2),
                       init_from=six, emit=lambda e: None).run() == 0
    assert TrainedModel(tuned / "model", device="cpu").time_signature == (6, 8)
    with pytest.raises(SystemExit) as bad:
        main(["train", str(songs), "--out", str(tmp_path / "x"), "--meter", "6-8"])
    assert bad.value.code == 2 and "a meter is N/D" in capsys.readouterr().err


@pytest.mark.slow
def test_the_window_moves_between_the_3_4_and_6_8_models(qtbot, bundled_trio, meter_window):
    from tests.qt_helpers import settled_on

    four, three, six = bundled_trio
    w, session = meter_window((6, 8))

    def settled(folder):
        settled_on(qtbot, session, folder)

    settled(six)
    assert session.model.time_signature == (6, 8)
    w.set_song_settings(time_signature=(3, 4))  # the same bar length, three beats: the 3/4 model
    settled(three)
    w.undo_stack.undo()
    settled(six)
    panel = w.generate_panel
    panel.count.setValue(1)
    panel.bars.setValue(2)
    panel.generate_button.click()
    qtbot.waitUntil(lambda: not session.busy, timeout=60000)
    assert panel.results.melodies[0].time_signature == (6, 8) and "phrases run" not in panel.status.text()


@pytest.mark.slow
def test_the_training_tab_offers_6_8(qtbot, tmp_path, monkeypatch, bundled_trio, training_window):
    """A folder of jigs sets the meter to 6/8 (not 3/4, whose bars fit as well), fine-tunes the 6/8 model and
    tells mguv train the meter."""
    from mguv_app.music import write_midi as write
    from mguv_app.training.data import refused_meter
    from tests.test_three_four import waltz

    four, three, six = bundled_trio
    monkeypatch.setenv("MGUV_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "jigs"
    folder.mkdir()
    rng = np.random.default_rng(2)
    for i in range(6):
        write(jig(rng, 8), folder / f"j{i}.mid")
    for i in range(2):  # two waltzes among them: their bars fit, their beats do not
        write(waltz(rng, 8), folder / f"w{i}.mid")
    w, tab = training_window()
    launched = []
    monkeypatch.setattr(tab, "_launch", lambda cmd, text: launched.append(cmd))
    tab.set_folder(folder)
    qtbot.waitUntil(lambda: tab.windowset is not None and tab.form.meter_value == (6, 8), timeout=60_000)
    assert "6/8" in tab.message.text()
    report = tab.windowset.report
    assert report.read == 6 and [refused_meter(r) for _p, r in report.refused] == [(3, 4), (3, 4)]
    tab.form.set_mode("finetune")
    assert tab.finetune_folder() == six and tab.start()
    cmd = launched[-1]
    assert cmd[cmd.index("--init-from") + 1] == str(six) and cmd[cmd.index("--meter") + 1] == "6/8"
    tab.form.set_meter((3, 4))
    assert tab.form.meter_value == (3, 4) and tab.finetune_folder() == three


def test_meter_fit_counts_notes_on_each_beat(tmp_path):
    from mguv_app.music import PITCH_OFFSET
    from model_training.meter_fit import corpus_beat_steps, onset_profile

    two_beats = np.zeros((1, 48), np.int64)
    two_beats[0, ::6] = PITCH_OFFSET + 62  # a note on both dotted-quarter beats of four 6/8 bars
    two_beats[0, 6] = 0  # ...but for the second beat of the first bar
    prof = onset_profile(two_beats, 12, 6)
    assert prof["downbeat_rate"] == 1.0 and prof["beat_rates"] == [1.0, 0.75]
    assert onset_profile(two_beats, 12, 4)["beat_rates"] == [1.0, 0.0, 0.0]  # read in 3/4's three beats
    corpus = tmp_path / "c.npz"
    corpus.with_suffix(".json").write_text(json.dumps({"settings": {"meter": "6/8"}}))
    assert corpus_beat_steps(str(corpus), 12) == 6
    corpus.with_suffix(".json").write_text(json.dumps({"settings": {"meter": "3/4"}}))
    assert corpus_beat_steps(str(corpus), 12) == 4 and corpus_beat_steps(str(tmp_path / "none.npz"), 16) == 4


def test_a_scan_for_6_8_leaves_out_3_4_tunes(tmp_path):
    """Both are 12-step bars; given the meter, the scan keeps only the files whose beats are grouped as its."""
    from mguv_app.training.data import refused_meter, scan_folder
    from tests.test_three_four import waltz

    rng = np.random.default_rng(6)
    for i in range(3):
        write_midi(jig(rng, 8), tmp_path / f"j{i}.mid")
        write_midi(waltz(rng, 8), tmp_path / f"w{i}.mid")
    loose = scan_folder(tmp_path, 4, 12, cache=False)
    assert loose.report.read == 6  # no meter: the bars are all that is asked
    for meter, kept in (((6, 8), "j"), ((3, 4), "w")):
        ws = scan_folder(tmp_path, 4, 12, cache=False, meter=meter)
        assert ws.report.read == 3 and 0 < ws.report.windows < loose.report.windows
        refused = dict(ws.report.refused)
        assert sorted(p.rsplit("/", 1)[-1][0] for p in refused) == ["jw".replace(kept, "")] * 3
        assert {refused_meter(r) for r in refused.values()} == {(3, 4) if kept == "j" else (6, 8)}
