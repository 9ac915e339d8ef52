"""Latent map core: PCA and its inverse around a latent, the point store, pins across sessions."""

import json

import numpy as np
import pytest

from mguv_app.latent import LatentPCA, PointStore, load_pins, pins_file, reference_points, save_pins
from mguv_app.music import Melody, Note


def cloud(n=60, d=16, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, d)) * 0.1
    z[:, 3] += rng.standard_normal(n) * 3.0  # the dominant direction
    z[:, 7] += rng.standard_normal(n) * 1.5  # the second one
    return z.astype(np.float32)


def test_pca_finds_the_dominant_axes_and_round_trips_on_the_plane():
    z = cloud()
    pca = LatentPCA.fit(z)
    assert abs(pca.components[0, 3]) > 0.99 and abs(pca.components[1, 7]) > 0.99
    assert np.allclose(pca.components @ pca.components.T, np.eye(2), atol=1e-5)
    assert pca.explained[0] > pca.explained[1] > 0
    xy = pca.transform(z)
    assert xy.shape == (60, 2) and np.allclose(pca.transform(pca.inverse(xy)), xy, atol=1e-4)
    again = LatentPCA.from_dict(json.loads(json.dumps(pca.to_dict())))
    assert np.allclose(again.transform(z), xy, atol=1e-5)


def test_inverse_around_moves_only_the_shown_directions():
    z = cloud()
    pca = LatentPCA.fit(z)
    current = z[5]
    target = np.array([2.0, -1.0], np.float32)
    moved = pca.inverse_around(target, current)
    assert np.allclose(pca.transform(moved), target, atol=1e-4)  # lands where the handle is
    off_map = np.eye(16) - pca.components.T @ pca.components  # projector on the hidden directions
    assert np.allclose(off_map @ moved, off_map @ current, atol=1e-4)  # hidden directions kept
    assert np.allclose(pca.inverse_around(pca.transform(current), current), current, atol=1e-5)


def test_pca_of_too_few_points_still_gives_orthonormal_axes():
    pca = LatentPCA.fit(np.ones((1, 8)))
    assert pca.components.shape == (2, 8)
    assert np.allclose(pca.components @ pca.components.T, np.eye(2), atol=1e-6)
    with pytest.raises(ValueError):
        LatentPCA.fit(np.zeros((0, 8)))


def test_store_places_points_and_pins_and_tells_listeners():
    z = cloud()
    store = PointStore(LatentPCA.fit(z))
    heard = []
    store.subscribe(heard.append)
    pts = store.add_many([("reference", f"ref {i}", z[i], None) for i in range(10)])
    mine = store.add("user", "mine", z[20], Melody([Note(0, 480, 60)]))
    assert heard == ["points", "points"] and len(store.points) == 11
    assert np.allclose(mine.xy, store.pca.transform(z[20]))
    assert store.nearest(pts[3].xy) is pts[3] and "your melody" in mine.tooltip
    store.pin("A", pts[0])
    store.pin("B", mine)
    store.clear("reference")
    assert list(store.points.values()) == [mine] and set(store.pins) == {"A", "B"}
    trail = store.set_trail(z[:4])
    assert [p.label for p in trail] == ["step 1/4", "step 2/4", "step 3/4", "step 4/4"]
    store.set_pca(LatentPCA.fit(z[:30]))  # a refit moves every point, pin and trail step
    assert np.allclose(store.pins["A"].xy, store.pca.transform(z[0]))
    assert heard[-3:] == ["points", "pins", "trail"]


def test_pins_survive_a_new_session_per_project_and_model(tmp_path):
    z = cloud()
    store = PointStore(LatentPCA.fit(z))
    store.pin_latent("A", "intro idea", z[1])
    store.pin_latent("B", "chorus idea", z[2])
    song = str(tmp_path / "song.mid")
    path = save_pins(song, "melody_16bar:16", store.pins)
    assert path == pins_file() and path.exists()
    back = load_pins(song, "melody_16bar:16", 16)
    assert set(back) == {"A", "B"} and back["A"][0] == "intro idea"
    assert np.allclose(back["B"][2], z[2])
    assert load_pins(song, "other_model:16", 16) == {}  # another model's latents mean nothing here
    assert load_pins(None, "melody_16bar:16", 16) == {}  # nor another project's
    assert load_pins(song, "melody_16bar:16", 32) == {}  # wrong size is skipped, not a crash
    pins_file().write_text("{not json")
    assert load_pins(song, "melody_16bar:16", 16) == {}
    save_pins(song, "melody_16bar:16", store.pins)  # a corrupt file is replaced, not fatal
    assert set(load_pins(song, "melody_16bar:16", 16)) == {"A", "B"}


def test_reference_points_prefer_the_models_own_file(tiny_trained_model, tmp_path):
    import shutil

    from mguv_app.engine import TrainedModel

    folder = tmp_path / "model"
    shutil.copytree(tiny_trained_model, folder)
    model = TrainedModel(folder, device="cpu")
    prior = reference_points(model, n=6)
    assert [p[0] for p in prior] == ["prior"] * 6 and all(p[3] is not None for p in prior)
    assert np.allclose(prior[0][2], model.encode([prior[0][3]])[0][0], atol=1e-4)  # mean of its melody
    np.save(folder / "reference_latents.npy", np.zeros((3, model.cfg.latent_dim), np.float32))
    (folder / "reference_latents.json").write_text(json.dumps({"labels": ["a", "b"]}))
    stored = reference_points(model)
    assert [(p[0], p[1]) for p in stored] == [("reference", "a"), ("reference", "b"), ("reference", "reference 3")]
    np.save(folder / "reference_latents.npy", np.zeros((3, 5), np.float32))  # wrong size: back to the prior
    assert reference_points(model, n=2)[0][0] == "prior"
