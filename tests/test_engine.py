"""The TrainedModel facade on a really trained tiny model: sample, interpolate, continue, reconstruct."""

import numpy as np
import pytest

from mguv_app.engine import TrainedModel, slerp
from mguv_app.music import Melody, Note, melody_to_events

from .tiny_data import make_melody


@pytest.fixture(scope="module")
def tm(tiny_trained_model):
    return TrainedModel(tiny_trained_model, "cpu")


def test_slerp_endpoints_and_norm():
    a, b = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    assert np.allclose(slerp(a, b, 0), a) and np.allclose(slerp(a, b, 1), b)
    assert 1.0 <= np.linalg.norm(slerp(a, b, 0.5)) <= 2.0


def test_sample_is_seeded_and_varied(tm):
    a = tm.sample(4, temperature=1.0, seed=7)
    b = tm.sample(4, temperature=1.0, seed=7)
    assert [m.notes for m in a] == [m.notes for m in b]
    assert len({tuple(m.notes) for m in a}) > 1  # distinct variations
    assert all(m.num_bars <= tm.bars and m.notes for m in a)
    short = tm.sample(2, bars=2, seed=1)
    assert all(m.num_bars <= 2 for m in short)
    long = tm.sample(1, bars=7, seed=1)[0]
    assert 6 <= long.num_bars <= 7


def test_interpolation_endpoints_equal_decoded_endpoints(tm):
    rng = np.random.default_rng(3)
    a, b = make_melody(rng, 4), make_melody(rng, 4, tonic=67)
    steps = tm.interpolate(a, b, 5)
    assert len(steps) == 5
    mu, _ = tm.encode([a, b])
    ends = tm.decode(mu)
    assert steps[0].notes == ends[0].notes and steps[-1].notes == ends[1].notes


def test_continuation_keeps_prompt_exactly(tm):
    rng = np.random.default_rng(5)
    prompt = make_melody(rng, 2)
    out = tm.continue_(prompt, bars=3, temperature=0.5, seed=2)
    head = [n for n in out.notes if n.start < 2 * prompt.ticks_per_bar]
    assert head == prompt.notes
    assert out.num_bars <= 5 and any(n.start >= 2 * prompt.ticks_per_bar for n in out.notes)
    # longer than the model's window: it keeps sliding
    longer = tm.continue_(prompt, bars=6, temperature=0.5, seed=2)
    assert [n for n in longer.notes if n.start < 2 * prompt.ticks_per_bar] == prompt.notes
    assert longer.num_bars > 5
    assert out.qpm == prompt.qpm


def test_continuation_counts_the_prompt_s_own_bars(tm):
    """A 3/4 prompt (12 steps a bar, the model's bars have 16) is continued from its next barline by
    bars of 3/4."""
    bar = 1440
    prompt = Melody([Note(i * 480, i * 480 + 400, 60 + i % 5) for i in range(5)], time_signature=(3, 4))  # 1⅔ bars
    out = tm.continue_(prompt, bars=3, temperature=1.0, seed=4)
    new = [n for n in out.notes if n.start >= prompt.end_tick]
    assert out.notes[: len(prompt.notes)] == prompt.notes and new
    assert new[0].start >= 2 * bar and out.end_tick <= 5 * bar and out.time_signature == (3, 4)


def test_continuation_follows_the_prompt_register(tm):
    """A high prompt gets a higher continuation than a low prompt (the model learnt keys 55-65)."""
    rng = np.random.default_rng(9)
    low, high = make_melody(rng, 2, tonic=55), make_melody(rng, 2, tonic=65)
    mean = []
    for prompt in (low, high):
        out = tm.continue_(prompt, bars=2, temperature=0.0, seed=0)
        new = [n.pitch for n in out.notes if n.start >= 2 * prompt.ticks_per_bar]
        mean.append(np.mean(new))
    assert mean[1] > mean[0]


def test_reconstruct_keeps_length_and_mostly_the_notes(tm):
    rng = np.random.default_rng(4)
    m = make_melody(rng, 8)
    r = tm.reconstruct(m)
    assert r.num_bars <= 8 and r.qpm == m.qpm
    acc = (melody_to_events(m, 128) == melody_to_events(r, 128)).mean()
    assert acc > 0.5


def test_attribute_vectors_shift_density(tm):
    # the tiny corpus varies in key but hardly in density, so only pitch has a spread to learn from
    assert "average_pitch" in tm.attribute_vectors
    rng = np.random.default_rng(8)
    m = make_melody(rng, 4)
    up = tm.shift_attribute(m, "average_pitch", 3.0)
    down = tm.shift_attribute(m, "average_pitch", -3.0)
    assert np.mean([n.pitch for n in up.notes]) > np.mean([n.pitch for n in down.notes])
    with pytest.raises(KeyError, match="unknown attribute"):
        tm.shift_attribute(m, "loudness", 1.0)


def test_empty_prompt_continues(tm):
    out = tm.continue_(Melody(), bars=2, seed=0)
    assert out.num_bars <= 3
