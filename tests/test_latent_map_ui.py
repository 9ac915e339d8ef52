"""The latent map with a real mouse: click a point to hear it, double-click to place it, drag the handle,
pin A and B (Interpolate follows the pins), snap, persistence."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from mguv_app.engine.trained_model import slerp
from mguv_app.generation import decode_latent
from tests.qt_helpers import settle


@pytest.fixture
def open_window(qtbot, make_window):
    """``open_window(model_folder)``: a main window on that model, its map floating and roomy, loaded and idle."""
    from mguv_app.engine import TrainedModel
    from ui.generation_link import attach_generation

    def open_on(model_folder):
        w = make_window(with_transport=True)
        session = attach_generation(w, model_loader=lambda: TrainedModel(model_folder, device="cpu"))
        w.show()
        dock = w.docks["Latent map"]
        dock.setFloating(True)  # a roomy map, whatever the window's layout
        dock.resize(700, 600)
        qtbot.waitExposed(dock)
        qtbot.waitUntil(lambda: session.model is not None and session.store.pca is not None and not session.busy,
                        timeout=120000)
        settle()  # let the plot lay out and auto-range
        return w
    return open_on


@pytest.fixture
def window(open_window, tiny_trained_model):
    return open_window(tiny_trained_model)


def screen_pos(widget, x, y):
    vb = widget.plot.getPlotItem().getViewBox()
    return widget.plot.mapFromScene(vb.mapViewToScene(QPointF(float(x), float(y))))


def lonely_point(store, widget, min_px=14):
    """A point with no other point within ``min_px`` pixels (so a click hits it alone)."""
    pts = list(store.points.values())
    pos = [screen_pos(widget, *p.xy) for p in pts]
    for i, p in enumerate(pts):
        if all((pos[i] - q).manhattanLength() > min_px for j, q in enumerate(pos) if j != i):
            return p, pos[i]
    pytest.skip("every point overlaps another")


def wait_idle(qtbot, session):
    qtbot.waitUntil(lambda: not session.busy and not session.map_runner.busy, timeout=120000)


def test_click_a_point_then_drag_the_handle(qtbot, window):
    session, ctl = window.generation, window.latent_map
    widget, store = ctl.widget, session.store
    assert len(store.points) >= 20 and {p.source for p in store.points.values()} == {"prior"}
    point, pos = lonely_point(store, widget)
    window.replace_melody(point.melody.copy([n.moved(dp=1) for n in point.melody.notes[:3]]))  # the user's
    mine = window.melody.notes
    steps = window.undo_stack.count()
    qtbot.mouseClick(widget.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    # a click auditions: the point's melody plays, the user's stays in the roll (no undo step either)
    assert window.melody.notes == mine and window.undo_stack.count() == steps
    if window.transport is not None:
        assert window.transport.player.melody.notes == point.melody.notes
    assert np.allclose(widget.handle_pos(), point.xy, atol=1e-4) and np.allclose(ctl.current_z, point.z)
    assert "double-click" in widget.message.text()
    # the rest of a double-click (QTest sends the double-click event alone; a mouse releases after it)
    qtbot.mouseDClick(widget.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.melody.notes == point.melody.notes  # a double-click places it, one undo step
    assert window.undo_stack.count() == steps + 1
    # drag the handle with the mouse: press on it, move in steps, release
    start = screen_pos(widget, *point.xy)
    # towards the farthest point on the map: far enough that a greedy decode must change
    far = max(store.points.values(), key=lambda p: float(np.linalg.norm(np.asarray(p.xy) - point.xy)))
    step = (QPointF(screen_pos(widget, *far.xy)) - QPointF(start)) * (0.8 / 8)
    view = widget.plot.viewport()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 9):
        qtbot.mouseMove(view, (QPointF(start) + step * k).toPoint())
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=(QPointF(start) + step * 8).toPoint())
    wait_idle(qtbot, session)
    x, y = widget.handle_pos()
    assert not np.allclose((x, y), point.xy)  # the handle moved with the mouse
    expected_z = store.pca.inverse_around(np.array([x, y]), point.z)  # anchored at the clicked latent
    assert np.allclose(ctl.handle_z, expected_z, atol=1e-5)
    assert np.allclose(store.pca.transform(ctl.handle_z), (x, y), atol=1e-4)
    assert window.melody.notes == decode_latent(session.model, expected_z).notes
    assert window.melody.notes != point.melody.notes  # the melody under the handle changed
    window.undo_stack.undo()  # a whole drag is one undo step
    assert window.melody.notes == point.melody.notes


def test_fast_moves_decode_only_the_latest_position(qtbot, window):
    session, ctl = window.generation, window.latent_map
    widget, store = ctl.widget, session.store
    point = next(iter(store.points.values()))
    ctl.click_point(point.id)
    wait_idle(qtbot, session)
    seen = []
    ctl.decoded.connect(lambda melody, _asked: seen.append(melody))
    path = [point.xy + np.array([0.3, 0.2]) * k for k in range(1, 11)]
    for xy in path:  # ten moves before the event loop runs once
        widget.drag_handle_to(*xy)
    widget.drag_handle_to(*path[-1], finished=True)
    wait_idle(qtbot, session)
    assert 1 <= len(seen) <= 2 and ctl.latest.dropped >= 8  # the first and the last, nothing between
    last_z = store.pca.inverse_around(path[-1].astype(np.float32), point.z)
    assert window.melody.notes == decode_latent(session.model, last_z).notes


def test_pins_draw_a_line_snap_the_handle_and_come_back_next_session(qtbot, window, tiny_trained_model, tmp_path,
                                                                     open_window):
    session, ctl = window.generation, window.latent_map
    widget, store = ctl.widget, session.store
    pts = sorted(store.points.values(), key=lambda p: p.xy[0])
    a, b = pts[0], pts[-1]  # far apart on the map
    ctl.click_point(a.id)
    qtbot.mouseClick(widget.pin_a, Qt.MouseButton.LeftButton)
    ctl.click_point(b.id)
    qtbot.mouseClick(widget.pin_b, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    xs, ys = widget.pin_line.getData()
    assert np.allclose(xs, [a.xy[0], b.xy[0]]) and np.allclose(ys, [a.xy[1], b.xy[1]])
    widget.snap.setChecked(True)
    ab = b.xy - a.xy
    mid = (a.xy + b.xy) / 2 + np.array([-ab[1], ab[0]]) * 0.3  # off the line: snapped back onto it
    widget.drag_handle_to(*mid, finished=True)
    wait_idle(qtbot, session)
    assert np.allclose(widget.handle_pos(), (a.xy + b.xy) / 2, atol=0.05)
    t = np.dot(np.array(widget.handle_pos()) - a.xy, b.xy - a.xy) / np.dot(b.xy - a.xy, b.xy - a.xy)
    assert np.allclose(ctl.handle_z, slerp(a.z, b.z, t), atol=1e-4)
    assert window.melody.notes == decode_latent(session.model, ctl.handle_z).notes
    # the Generate panel interpolates between the pins: its A and B followed them, so Ctrl+I does it
    box = window.generate_panel.interpolate_box
    assert box.source_a.currentData() == box.source_b.currentData() == "pin"
    box.steps.setValue(3)
    ctrl_i = next(a for a in window.generate_menu.actions() if a.shortcut().toString() == "Ctrl+I")
    ctrl_i.trigger()
    assert session.busy or len(store.trail) == 3
    wait_idle(qtbot, session)
    assert len(store.trail) == 3 and np.allclose(store.trail[0].xy, a.xy, atol=1e-4)
    # a new session with the same project gets its pins back
    again = open_window(tiny_trained_model)
    pins = again.generation.store.pins
    assert set(pins) == {"A", "B"} and np.allclose(pins["A"].z, a.z) and np.allclose(pins["B"].z, b.z)
    # another project has its own pins: none yet
    again.load_melody(again.melody, path=str(tmp_path / "other.mid"))
    qtbot.waitUntil(lambda: not again.generation.store.pins, timeout=2000)
    # Save As takes the pins along to the new name: reopening that file brings them back
    named = tmp_path / "named.mid"
    assert window.save_as(str(named))
    again.load_melody(again.melody, path=str(named))
    qtbot.waitUntil(lambda: set(again.generation.store.pins) == {"A", "B"}, timeout=2000)
    assert np.allclose(again.generation.store.pins["A"].z, a.z)


def test_a_retrained_model_of_the_same_name_does_not_inherit_pins(qtbot, window, tiny_trained_model, tmp_path,
                                                                  open_window):
    """Latents mean something only to the weights that made them: an updated model (same name, other steps)
    starts without the old pins, and the old model gets them back."""
    import json
    import shutil

    session, ctl = window.generation, window.latent_map
    a = sorted(session.store.points.values(), key=lambda p: p.xy[0])[0]
    ctl.click_point(a.id)
    qtbot.mouseClick(ctl.widget.pin_a, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    assert "A" in session.store.pins
    retrained = tmp_path / "retrained"
    shutil.copytree(tiny_trained_model, retrained)
    config = json.loads((retrained / "config.json").read_text())
    (retrained / "config.json").write_text(json.dumps({**config, "steps": config["steps"] + 1000}))
    newer = open_window(retrained)
    assert newer.generation.model.name == session.model.name and not newer.generation.store.pins
    again = open_window(tiny_trained_model)
    assert set(again.generation.store.pins) == {"A"} and np.allclose(again.generation.store.pins["A"].z, a.z)


def test_add_my_melody_places_it_on_the_map(qtbot, window):
    from tests.tiny_data import make_melody

    session, ctl = window.generation, window.latent_map
    assert not ctl.add_current_melody() and "empty" in ctl.widget.message.text()
    window.load_melody(make_melody(np.random.default_rng(3), 4))
    qtbot.mouseClick(ctl.widget.add_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, session)
    mine = session.store.of_source("user")
    assert len(mine) == 1 and np.allclose(mine[0].z, session.model.encode([window.melody])[0][0], atol=1e-4)
    assert "your melody" in ctl.widget.legend.text()
