"""Whole melodies through a phrase model (engine.phrases): cut into 2-bar phrases, encoded as one batch, decoded
and joined; and the verbs that must keep a user's melody (reconstruct, Vary, Interpolate) going through it."""

import json

import numpy as np
import pytest

from mguv_app.engine.phrases import PhraseCodec, PhraseError
from mguv_app.music import HOLD, Melody, Note, melody_to_events

from .tiny_data import make_melody


@pytest.fixture(scope="module")
def engines(tiny_trained_model, tiny_phrase_model):
    import torch

    from mguv_app.engine import TrainedModel

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model), TrainedModel(tiny_phrase_model, "cpu")
    torch.set_num_threads(threads)


def _song(bars, seed=1):
    return make_melody(np.random.default_rng(seed), bars)


def test_a_melody_is_cut_into_whole_phrases_and_joined_back(engines):
    _, phrase_model = engines
    codec = phrase_model.phrases
    assert isinstance(codec, PhraseCodec) and phrase_model.is_phrase_model
    seven = _song(7)
    windows, starts, keep, total = codec.layout(seven)
    # 7 bars: windows at bars 1, 3, 5 and one ending on bar 7 that overlaps the third; only its last bar is taken
    assert total == 7 * 16 and starts.tolist() == [0, 32, 64, 80] and keep.tolist() == [0, 32, 64, 96]
    code = codec.encode(seven)
    assert code.mu.shape == (4, phrase_model.cfg.latent_dim) and not code.empty.any()
    np.testing.assert_array_equal(code.joined(code.tokens), melody_to_events(seven, total))  # joining is exact


def test_a_short_melody_a_silent_stretch_and_a_tied_note(engines):
    _, phrase_model = engines
    codec = phrase_model.phrases
    one_bar = _song(1)
    assert codec.reconstruct(one_bar).end_tick <= 16 * 120  # padded to a phrase, the padding dropped
    # bars 3-4 silent, and a note held from bar 5 over bars 6-8: neither window goes through the model
    notes = [Note(0, 480, 60), Note(480, 960, 62), Note(4 * 1920, 8 * 1920, 67)]
    held = Melody(notes)
    code = codec.encode(held)
    assert code.empty.tolist() == [False, True, False, True]
    assert np.all(code.mu[1] == 0) and (code.tokens[3] == HOLD).all()
    out = codec.reconstruct(held)
    assert not [n for n in out.notes if 2 * 1920 <= n.start < 4 * 1920]  # the silence stays silent
    assert out.notes[-1].end == 8 * 1920  # the note held over the phrase boundary is tied again when joined
    with pytest.raises(PhraseError, match="no notes"):
        codec.reconstruct(Melody())


def test_a_meter_with_no_phrase_model_is_refused_with_a_reason(engines):
    melody_model, phrase_model = engines
    five = Melody([Note(0, 480, 60)], time_signature=(5, 4))
    with pytest.raises(PhraseError, match="no phrase model for 5/4"):
        phrase_model.phrases.encode(five)
    assert melody_model.phrases_for(five) is None  # the verbs fall back to the melody model's windows
    assert melody_model.phrases_for(Melody([Note(0, 480, 60)], time_signature=(2, 4))) is not None


def test_reconstruct_keeps_more_of_a_melody_through_its_phrases(engines, tiny_trained_model):
    from mguv_app.engine import TrainedModel

    melody_model, _ = engines
    alone = TrainedModel(tiny_trained_model, "cpu", phrases=None)
    hits = {"phrases": 0, "alone": 0}
    total = 0
    for seed in range(6):
        song = _song(12, seed)
        ref = melody_to_events(song)
        total += len(ref)
        for name, tm in (("phrases", melody_model), ("alone", alone)):
            hits[name] += int((melody_to_events(tm.reconstruct(song), len(ref)) == ref).sum())
    assert hits["phrases"] >= hits["alone"]
    assert hits["phrases"] / total > 0.8


def test_vary_moves_repeated_phrases_alike_and_zero_is_the_reconstruction(engines):
    melody_model, _ = engines
    song = _song(8, 3)
    four = song.bars(0, 4)
    twice = four.concatenated(four, 4 * 1920)  # bars 1-4 twice: phrases 1-2 equal phrases 3-4
    assert melody_model.vary(twice, 0.0)[0].notes == [n for n in melody_model.reconstruct(twice).notes]
    for v in melody_model.vary(twice, 0.5, seed=7, samples=3):
        t = melody_to_events(v, 8 * 16).reshape(2, -1)
        np.testing.assert_array_equal(t[0], t[1])  # what repeated still repeats
    a, b = melody_model.vary(twice, 0.5, seed=7, samples=2)
    assert a.notes != b.notes


def test_interpolating_two_melodies_goes_phrase_by_phrase_with_exact_ends(engines):
    from mguv_app.generation.jobs import interpolate

    melody_model, _ = engines
    a, b = _song(8, 1), _song(4, 2).transposed(5)
    res = interpolate(melody_model, a, b, steps=5)
    assert res.meta["phrases"] and len(res.melodies) == 5
    assert res.melodies[0].notes == a.notes and res.melodies[-1].notes == b.notes  # every note of both ends
    assert all(m.end_tick > 4 * 1920 for m in res.melodies[1:-1])  # the longer melody's length, B coming round
    assert res.latents.shape == (5, melody_model.cfg.latent_dim)


def test_the_phrase_role_is_written_and_bundled_phrase_models_are_found_by_meter(tiny_phrase_model, tmp_path,
                                                                                 monkeypatch):
    import shutil

    from mguv_app import models_registry as reg

    assert json.loads((tiny_phrase_model / "config.json").read_text())["role"] == "phrase"
    root = tmp_path / "models"
    shutil.copytree(tiny_phrase_model, root / "phrase_2bar")
    monkeypatch.setattr(reg, "bundled_models_dir", lambda: root)
    assert reg.bundled_phrase_model_dir((4, 4)) == root / "phrase_2bar"
    assert reg.bundled_phrase_model_dir((2, 4)) == root / "phrase_2bar"
    assert reg.bundled_phrase_model_dir((3, 4)) is None
    assert reg.bundled_model_dir((4, 4)) != root / "phrase_2bar"  # never a melody model for Generate
    assert not [e for e in reg.list_models() if e.folder == root / "phrase_2bar"]


def test_a_broken_phrase_model_folder_is_reported_not_raised(tiny_trained_model, tmp_path):
    from mguv_app.engine import TrainedModel

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{ not json")
    tm = TrainedModel(tiny_trained_model, "cpu", phrases="auto")
    assert tm.phrase_problem is None
    with pytest.raises(PhraseError, match="cannot be loaded"):
        TrainedModel(tiny_trained_model, "cpu", phrases=broken).phrases  # noqa: B018


def test_a_pickup_and_bars_of_another_meter_are_kept_and_phrases_start_on_the_downbeat(engines):
    melody_model, _ = engines
    body = _song(8, 4)
    # a quarter-note pickup, then 8 bars of 4/4, then one 2/4 bar
    pickup = [Note(0, 480, 67)]
    main = [n.moved(dt=480) for n in body.notes]
    tail_start = 480 + 8 * 1920
    tail = [Note(tail_start, tail_start + 960, 60)]
    melody = Melody(pickup + main + tail, meters=((0, (1, 4)), (480, (4, 4)), (tail_start, (2, 4))))
    assert melody.meter_spans()[0].pickup
    out = melody_model.reconstruct(melody)
    assert [n for n in out.notes if n.start < 480] == pickup  # the pickup as it was
    assert [n for n in out.notes if n.start >= tail_start] == tail  # the 2/4 bar as it was
    assert out.meters == melody.meters
    direct = melody_model.phrases.reconstruct(body)  # the 4/4 bars are phrased from their own first downbeat
    assert [n.moved(dt=480) for n in direct.notes] == [n for n in out.notes if 480 <= n.start < tail_start]
    varied = melody_model.vary(melody, 0.4, seed=3, samples=2)
    assert all([n for n in v.notes if n.start < 480] == pickup for v in varied)


def test_rewrite_through_phrases_keeps_every_note_outside_the_span(engines):
    melody_model, _ = engines
    song = _song(8, 5)
    for start_bar, end_bar in ((2, 3), (3, 6), (7, 8)):
        start, end = start_bar * 1920, end_bar * 1920
        versions = melody_model.rewrite(song, start, end, temperature=1.0, seed=2, samples=2, by_phrase=True)
        assert len(versions) == 2 and versions[0].notes != versions[1].notes
        for v in versions:
            assert [n for n in v.notes if n.start < start and n.end <= start] == \
                [n for n in song.notes if n.start < start and n.end <= start]
            assert [n for n in v.notes if n.start >= end] == [n for n in song.notes if n.start >= end]
            assert [n for n in v.notes if start <= n.start < end]  # the span got notes
    again = melody_model.rewrite(song, 2 * 1920, 3 * 1920, temperature=1.0, seed=2, samples=2, by_phrase=True)
    assert [v.notes for v in again] == [v.notes for v in melody_model.rewrite(song, 2 * 1920, 3 * 1920, 1.0, 2, 2,
                                                                               by_phrase=True)]
