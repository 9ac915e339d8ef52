"""The latent map's phrase view: the roll's melody as its phrases, repeats on one spot, a phrase rewritten by a
handle drag (one undo step, every other note kept)."""

import numpy as np

from mguv_app.latent.phrase_map import PhraseMap
from mguv_app.music import Melody
from tests.tiny_data import make_melody


def _tune():
    four = make_melody(np.random.default_rng(5), 4)
    other = make_melody(np.random.default_rng(9), 4).transposed(3)
    return Melody(four.notes + [n.moved(dt=4 * 1920) for n in other.notes] + [n.moved(dt=8 * 1920) for n in four.notes])


def test_phrase_map_places_repeats_on_one_spot_and_rewrites_one_phrase(tiny_trained_model):
    from mguv_app.engine import TrainedModel

    tm = TrainedModel(tiny_trained_model, "cpu")
    tune = _tune()
    pmap = PhraseMap(tm.phrases_for(tune))
    points = pmap.phrases(tune)
    assert [p.label for p in points][:2] == ["phrase 1: bars 1–2", "phrase 2: bars 3–4"] and len(points) == 6
    assert points[4].group == 0 and points[5].group == 1 and np.allclose(points[4].xy, points[0].xy)
    assert pmap.reference_xy().shape[1] == 2 and len(pmap.reference_xy()) > 100  # the model's reference phrases
    z = pmap.latent_at(points[2].xy + np.array([3.0, -2.0], np.float32), points[2].z)
    new = pmap.with_phrase(tune, points[2], z)
    inside = [n for n in new.notes if 4 * 1920 <= n.start < 6 * 1920]
    assert [n for n in new.notes if n.start < 4 * 1920] == [n for n in tune.notes if n.start < 4 * 1920]
    assert [n for n in new.notes if n.start >= 6 * 1920] == [n for n in tune.notes if n.start >= 6 * 1920]
    assert inside and inside != [n for n in tune.notes if 4 * 1920 <= n.start < 6 * 1920]
    assert pmap.phrase_melody(tune, points[1]).end_tick <= 2 * 1920


def test_the_map_shows_phrases_and_a_drag_rewrites_one(qtbot, generation_window):
    w = generation_window
    view = w.latent_map.phrases
    w.replace_melody(_tune(), "a tune")
    heard = []
    w.generation.audition = lambda melody, from_tick=0: heard.append(melody) or True
    view.button.click()
    assert view.active and not view.widget.scatter.isVisible() and view.scatter.isVisible()
    qtbot.waitUntil(lambda: len(view.points) == 6, timeout=60000)
    assert "6 phrases, 2 coming back" in view.widget.message.text()
    assert not view.widget.pin_a.isEnabled()  # pins are the melody map's
    assert view.select(2) and heard[-1].name == "phrase 3: bars 5–6"
    before = list(w.melody.notes)
    x, y = view.points[2].xy
    view.widget.drag_handle_to(x + 2.5, y - 1.5)
    qtbot.waitUntil(lambda: w.melody.notes != before, timeout=60000)
    view.widget.drag_handle_to(x + 3.0, y - 2.0, finished=True)
    qtbot.waitUntil(lambda: view.latest.idle, timeout=60000)
    kept = [n for n in w.melody.notes if not 4 * 1920 <= n.start < 6 * 1920]
    assert kept == [n for n in before if not 4 * 1920 <= n.start < 6 * 1920]
    w.undo_stack.undo()  # the whole drag is one step
    assert w.melody.notes == before
    view.button.click()
    assert not view.active and view.widget.pin_a.isEnabled()


def test_inspect_lists_the_phrases_as_the_map_shows_them(tmp_path, capsys):
    import json

    from mguv_app.cli import main as mguv
    from mguv_app.music import write_midi

    write_midi(_tune(), tmp_path / "t.mid")
    assert mguv(["inspect", str(tmp_path / "t.mid"), "--phrases", "--json"]) == 0
    phrases = json.loads(capsys.readouterr().out)["phrases"]
    assert [p["label"] for p in phrases][4:] == ["phrase 5: bars 9–10", "phrase 6: bars 11–12"]
    assert phrases[4]["repeats"] == 0 and phrases[5]["repeats"] == 1 and phrases[1]["repeats"] is None
    assert (phrases[4]["x"], phrases[4]["y"]) == (phrases[0]["x"], phrases[0]["y"])
    write_midi(Melody(_tune().notes, time_signature=(5, 4)), tmp_path / "five.mid")
    assert mguv(["inspect", str(tmp_path / "five.mid"), "--phrases"]) == 0
    assert "phrases: no phrase model for 5/4" in capsys.readouterr().out
