"""Rewriting bars: new notes in a span, fitted to the music around it, everything else kept exactly
(the engine, the job with chords, the CLI), on the really trained tiny 4-bar model."""

import numpy as np
import pytest

from mguv_app.engine.trained_model import _spliced
from mguv_app.generation import rewrite_bars
from mguv_app.lofi.backing import chord_fit
from mguv_app.music import HOLD, PITCH_OFFSET, Melody, Note, read_midi, write_midi
from tests.tiny_data import make_melody

BAR = 1920


def outside(melody, start, end):
    return [n for n in melody.notes if n.start < start or n.start >= end]


@pytest.mark.slow
def test_only_the_span_changes_and_each_seed_writes_its_own(tiny_engine):
    song = make_melody(np.random.default_rng(3), 4)
    outs = tiny_engine.rewrite(song, BAR, 2 * BAR, temperature=1.0, seed=5, samples=3)
    assert len(outs) == 3 and len({tuple(o.notes) for o in outs}) > 1
    for out in outs:
        kept_before = [n for n in song.notes if n.start < BAR]
        assert [(n.start, n.pitch) for n in out.notes if n.start < BAR] == [(n.start, n.pitch) for n in kept_before]
        assert [n for n in out.notes if n.start >= 2 * BAR] == [n for n in song.notes if n.start >= 2 * BAR]
        assert all(n.end <= 2 * BAR for n in out.notes if BAR <= n.start < 2 * BAR)
        assert (out.qpm, out.program, out.time_signature) == (song.qpm, song.program, song.time_signature)
    again = tiny_engine.rewrite(song, BAR, 2 * BAR, temperature=1.0, seed=5, samples=2)  # reproducible
    assert [o.notes for o in again] == [o.notes for o in outs[:2]]
    with pytest.raises(ValueError, match="at most 3 bars"):  # one window of the melody model holds the span
        tiny_engine.rewrite(song, 0, 4 * BAR, by_phrase=False)
    whole = tiny_engine.rewrite(song, 0, 4 * BAR, temperature=1.0, seed=5)[0]  # longer: phrase by phrase
    assert whole.notes and all(n.end <= 4 * BAR for n in whole.notes)
    with pytest.raises(ValueError, match="at least one step"):
        tiny_engine.rewrite(song, BAR, BAR)


@pytest.mark.slow
def test_a_span_at_either_end_or_past_the_melody_still_works(tiny_engine):
    song = make_melody(np.random.default_rng(8), 2)
    first = tiny_engine.rewrite(song, 0, BAR, 0.8, seed=1)[0]  # no context before it
    assert outside(first, 0, BAR) == outside(song, 0, BAR)
    last = tiny_engine.rewrite(song, 2 * BAR, 3 * BAR, 0.8, seed=1)[0]  # a bar after the melody: its continuation
    assert outside(last, 2 * BAR, 3 * BAR) == song.notes
    lone = tiny_engine.rewrite(Melody(), 0, BAR, 1.0, seed=2)[0]  # nothing around it: a sample from the prior
    assert all(n.end <= BAR for n in lone.notes)


def test_a_note_the_model_holds_into_the_span_continues():
    song = Melody([Note(0, 1920, 60), Note(1920, 2400, 64), Note(3840, 4320, 67)])
    tokens = np.array([HOLD] * 4 + [PITCH_OFFSET + 62] + [HOLD] * 11)  # a tie for a quarter, then D
    out = _spliced(song, tokens, 16, 32, 90)
    assert out.notes == [Note(0, 2400, 60), Note(2400, 3840, 62, 90), Note(3840, 4320, 67)]
    rest = _spliced(song, np.array([1] + [HOLD] * 15), 16, 32, 90)  # NOTE_OFF first: the old note stops
    assert rest.notes == [Note(0, 1920, 60), Note(3840, 4320, 67)]


@pytest.mark.slow
def test_the_job_writes_versions_and_fits_chosen_chords(tiny_engine):
    song = make_melody(np.random.default_rng(3), 4)
    plain = rewrite_bars(tiny_engine, song, BAR, 3 * BAR, count=2, temperature=1.0, seed=4)
    assert len(plain.melodies) == 2 and plain.latents.shape == (2, tiny_engine.cfg.latent_dim)
    assert plain.labels[1].startswith("Bars 2–3, take 2 (seed 5;") and "candidates" not in plain.meta
    chords = {BAR: "F", BAR + 960: "F", 2 * BAR: "G7", 2 * BAR + 960: "G7", 0: "C"}
    fitted = rewrite_bars(tiny_engine, song, BAR, 3 * BAR, count=2, temperature=1.0, seed=4, chords=chords,
                          candidates=8)
    inside = {t: c for t, c in chords.items() if BAR <= t < 3 * BAR}
    for p, f, fit, first in zip(plain.melodies, fitted.melodies, fitted.meta["chord_fit"],
                                fitted.meta["chord_fit_first"], strict=True):
        assert first == pytest.approx(chord_fit(p, inside))  # the chord-free version took part
        assert fit == pytest.approx(chord_fit(f, inside)) and fit >= first
        assert outside(f, BAR, 3 * BAR) == outside(song, BAR, 3 * BAR)
    assert fitted.meta["candidates"] == 8


@pytest.mark.slow
def test_cli_rewrite(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main

    song = make_melody(np.random.default_rng(3), 4)
    write_midi(song, tmp_path / "in.mid")
    args = ["rewrite", str(tmp_path / "in.mid"), "--model", str(tiny_trained_model), "--seed", "3"]
    assert main([*args, "--bars", "2-3", "--count", "2", "--out", str(tmp_path / "out.mid")]) == 0
    printed = capsys.readouterr().out
    assert "out_1.mid: bars 2-3 rewritten" in printed and "out_2.mid" in printed
    for k in (1, 2):
        out = read_midi(tmp_path / f"out_{k}.mid").melody
        assert outside(out, BAR, 3 * BAR) == outside(read_midi(tmp_path / "in.mid").melody, BAR, 3 * BAR)
    assert main([*args, "--bars", "3-2", "--out", str(tmp_path / "x.mid")]) == 2
    assert "bars count from 1" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()
    # a span longer than the model's window goes through the phrase model: the whole melody too
    assert main([*args, "--bars", "1-4", "--out", str(tmp_path / "all.mid")]) == 0


@pytest.mark.slow
def test_variations_move_away_with_the_amount(tiny_engine):
    from mguv_app.generation import vary_melody
    from mguv_app.music import melody_to_events
    from model_training.sample_stats import edit_distance

    song = make_melody(np.random.default_rng(3), 4)
    song.chords = {0: "C"}
    assert tiny_engine.vary(song, 0.0)[0].notes == [replace_velocity(n) for n in tiny_engine.reconstruct(song).notes]
    steps = 4 * 16

    def distance(amount):
        outs = tiny_engine.vary(song, amount, 0.0, seed=1, samples=6)
        assert all(o.chords == song.chords and o.qpm == song.qpm for o in outs)
        return np.mean([edit_distance(melody_to_events(song, steps), melody_to_events(o, steps)) for o in outs])

    near, far = distance(0.1), distance(0.9)
    assert near < far
    with pytest.raises(ValueError, match="from 0"):
        tiny_engine.vary(song, 1.5)
    res = vary_melody(tiny_engine, song, count=2, amount=0.5, seed=4, chords={0: "C", 960: "G"}, candidates=4)
    assert len(res.melodies) == 2 and res.meta["candidates"] == 4
    assert all(f >= first for f, first in zip(res.meta["chord_fit"], res.meta["chord_fit_first"], strict=True))
    assert res.labels[1].startswith("Varied 0.50, 2 (seed 5;")


def replace_velocity(note):
    from dataclasses import replace

    return replace(note, velocity=100)


def test_cli_vary(tiny_trained_model, tmp_path, capsys):
    from mguv_app.cli import main

    write_midi(make_melody(np.random.default_rng(3), 4), tmp_path / "in.mid")
    assert main(["vary", str(tmp_path / "in.mid"), "--model", str(tiny_trained_model), "--count", "2",
                 "--amount", "0.4", "--out", str(tmp_path / "out")]) == 0
    assert "in_vary_2.mid" in capsys.readouterr().out and read_midi(tmp_path / "out" / "in_vary_1.mid").melody.notes
    with pytest.raises(SystemExit) as refused:  # arguments.FRACTION: refused by argparse, before the model loads
        main(["vary", str(tmp_path / "in.mid"), "--model", str(tiny_trained_model), "--amount", "2",
              "--out", str(tmp_path / "x")])
    assert refused.value.code == 2
