"""Generation jobs on the really trained tiny model: variations, continue, interpolate, attributes, cancel."""

import numpy as np
import pytest

from mguv_app.generation import (
    Cancelled,
    CancelToken,
    continue_melody,
    decode_latent,
    generate_variations,
    interpolate,
    shift_attribute,
)
from mguv_app.music import Melody, Note
from tests.tiny_data import make_melody


@pytest.fixture(scope="module")
def model(tiny_trained_model):
    from mguv_app.engine import TrainedModel

    return TrainedModel(tiny_trained_model, device="cpu")


def tune(seed=1, bars=4):
    return make_melody(np.random.default_rng(seed), bars)


def test_variations_are_distinct_reproducible_and_placed(model):
    res = generate_variations(model, count=4, bars=4, temperature=1.0, seed=7, qpm=96, program=40)
    assert len(res.melodies) == 4 and res.latents.shape == (4, model.cfg.latent_dim)
    assert len({tuple(m.notes) for m in res.melodies}) == 4
    assert all(m.notes and m.num_bars <= 4 and m.qpm == 96 and m.program == 40 for m in res.melodies)
    assert res.labels[2] == "Variation 3 (seed 9)"
    one = generate_variations(model, count=1, bars=4, temperature=1.0, seed=9)  # variation 3 on its own
    assert one.melodies[0].notes == res.melodies[2].notes


def test_variations_moved_into_a_key_fit_it_and_are_placed_as_moved(model):
    from mguv_app.editing import in_scale, shift_into_scale

    free = generate_variations(model, count=6, bars=4, temperature=1.0, seed=11)
    fitted = generate_variations(model, count=6, bars=4, temperature=1.0, seed=11, key=(2, "Dorian"))
    shifts = fitted.meta["shifts"]
    assert any(shifts) and all(-5 <= s <= 6 for s in shifts)  # the model wrote in other keys; moved <= a tritone
    for a, b, s in zip(free.melodies, fitted.melodies, shifts, strict=True):
        assert b.notes == a.transposed(s).notes  # the same melody, only moved
        assert shift_into_scale(b.notes, 2, "Dorian") == 0
        on = [n for n in b.notes if in_scale(n.pitch, 2, "Dorian")]
        assert len(on) >= len([n for n in a.notes if in_scale(n.pitch, 2, "Dorian")])
    # the map places each result where the moved melody encodes, not where the unmoved one did
    moved = [i for i, s in enumerate(shifts) if s]
    assert np.allclose(fitted.latents[moved], model.encode([fitted.melodies[i] for i in moved])[0], atol=1e-5)
    assert not np.allclose(fitted.latents[moved], free.latents[moved], atol=1e-3)
    with pytest.raises(ValueError, match="scale"):
        generate_variations(model, count=1, bars=4, key=(0, "Klezmer"))


def test_continue_keeps_the_prompt_and_adds_bars(model):
    prompt = tune().bars(0, 2)
    res = continue_melody(model, prompt, bars=3, temperature=0.5, seed=3)
    out = res.melodies[0]
    assert out.notes[: len(prompt.notes)] == prompt.notes  # the prompt, note for note
    assert out.num_bars > 2 and out.num_bars <= 5
    assert all(n.start >= 2 * prompt.ticks_per_bar for n in out.notes[len(prompt.notes):])
    with pytest.raises(ValueError, match="no notes"):
        continue_melody(model, Melody(), bars=2)


def test_interpolation_ends_are_a_and_b(model):
    a, b = tune(1), tune(5).transposed(5)
    res = interpolate(model, a, b, steps=5, seed=0)
    assert len(res.melodies) == 5 and res.meta["t"][0] == 0.0 and res.meta["t"][-1] == 1.0
    assert res.melodies[0].notes == a.bars(0, 4).notes and res.melodies[-1].notes == b.bars(0, 4).notes
    mu, _ = model.encode([a, b])
    assert np.allclose(res.latents[0], mu[0], atol=1e-4) and np.allclose(res.latents[-1], mu[1], atol=1e-4)
    assert any(m.notes != a.notes and m.notes != b.notes for m in res.melodies[1:-1])
    by_latent = interpolate(model, mu[0], mu[1], steps=3)  # map pins are latents
    assert by_latent.melodies[0].notes == decode_latent(model, mu[0]).notes
    with pytest.raises(ValueError, match="at least 2"):
        interpolate(model, a, b, steps=1)
    with pytest.raises(ValueError, match="expects"):
        interpolate(model, np.zeros(3), b)


def test_attribute_shift_moves_the_melody(model):
    base = tune(2)
    if "note_density" not in model.attribute_vectors:
        with pytest.raises(ValueError, match="no 'note_density'"):
            shift_attribute(model, base, "density", 1.0)
        return
    dens = [len(shift_attribute(model, base, "density", amt).melodies[0].notes) for amt in (-3.0, 3.0)]
    assert dens[1] >= dens[0]
    with pytest.raises(ValueError, match="unknown attribute"):
        shift_attribute(model, base, "loudness", 1.0)


def test_a_cancelled_job_stops_between_model_calls(model):
    token = CancelToken()
    calls = []

    class Counting:  # the real model, counting how many samples were asked for
        def __getattr__(self, name):
            return getattr(model, name)

        def sample(self, *args, **kw):
            calls.append(1)
            if len(calls) == 2:
                token.cancel()
            return model.sample(*args, **kw)

    with pytest.raises(Cancelled):
        generate_variations(Counting(), count=8, bars=4, seed=0, cancel=token)
    assert len(calls) == 2
    with pytest.raises(ValueError, match="at least one"):
        generate_variations(model, count=0)
    assert decode_latent(model, np.zeros(model.cfg.latent_dim), like=Melody([Note(0, 1, 60)], qpm=80)).qpm == 80


def test_all_sliders_at_once_decode_one_latent(model):
    from mguv_app.generation import shift_attributes

    base = tune(3)
    still = shift_attributes(model, base, {"density": 0.0, "pitch": 0.0})
    assert still.melodies[0].notes == decode_latent(model, model.encode([base])[0][0]).notes
    from mguv_app.generation.jobs import ATTRIBUTES

    vecs = model.attribute_vectors
    amounts = {k: 1.5 - k_i for k_i, (k, (name, _)) in enumerate(ATTRIBUTES.items()) if name in vecs}
    if not amounts:  # a model without attribute vectors: the sliders say so
        with pytest.raises(ValueError, match="has no"):
            shift_attributes(model, base, {"pitch": 1.0})
        return
    res = shift_attributes(model, base, amounts)  # every vector added to the one latent
    z = model.encode([base])[0][0] + sum(a * vecs[ATTRIBUTES[k][0]] for k, a in amounts.items())
    assert np.allclose(res.latents[0], z, atol=1e-4)
    assert res.melodies[0].notes == decode_latent(model, z).notes
    missing = next((k for k, (name, _) in ATTRIBUTES.items() if name not in vecs), None)
    if missing:
        with pytest.raises(ValueError, match="has no"):
            shift_attributes(model, base, {missing: 1.0})
    with pytest.raises(ValueError, match="unknown attribute"):
        shift_attributes(model, base, {"tempo": 1.0})
