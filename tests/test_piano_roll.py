"""Drive the piano roll with the mouse and keyboard (pytest-qt, offscreen) and check the notes."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QMenu

from mguv_app.editing import NoteDocument
from mguv_app.music import Melody, Note

L, R = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton
SHIFT, CTRL, NOMOD = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier(0)
TOP = 84  # the highest pitch row in view


@pytest.fixture
def roll(qtbot):
    from ui.piano_roll import PianoRoll

    doc = NoteDocument(Melody())
    r = PianoRoll(doc, QUndoStack())
    r.undo_stack.setParent(r)  # the window owns its stack the same way
    qtbot.addWidget(r)
    r.resize(1000, 600)
    r.show()
    qtbot.waitExposed(r)
    r.geo.ppt, r.geo.row = 0.1, 14.0  # a 16th is 12 px, a semitone 14 px
    r.geo.sx, r.geo.sy = 0.0, (127 - TOP) * 14.0
    r._sync_scrollbars()
    return r


def pt(roll, tick, pitch):
    """The widget point inside the note cell at ``tick`` (a few px in) and ``pitch``."""
    return QPoint(int(roll.geo.tick_to_x(tick)) + 3, int(roll.geo.pitch_to_y(pitch) + roll.geo.row / 2))


def drag(qtbot, roll, a, b, button=L, mods=NOMOD):
    w = roll.viewport()
    qtbot.mousePress(w, button, mods, a)
    mid = QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2)
    qtbot.mouseMove(w, mid)
    qtbot.mouseMove(w, b)
    qtbot.mouseRelease(w, button, mods, b)


def notes(roll):
    return roll.doc.to_melody().notes


def load(roll, *ns):
    roll.doc.load(Melody(list(ns)))
    roll.undo_stack.clear()


def test_click_draws_a_grid_note_and_drag_sets_length(qtbot, roll):
    qtbot.mouseClick(roll.viewport(), L, NOMOD, pt(roll, 480, 72))
    assert notes(roll) == [Note(480, 600, 72, 100)]  # one 16th at the clicked cell
    drag(qtbot, roll, pt(roll, 960, 70), pt(roll, 960 + 4 * 120 - 10, 70))
    assert notes(roll)[1] == Note(960, 1440, 70, 100)  # dragged a quarter long
    assert roll.undo_stack.count() == 2  # one undo step per drawn note, however long the drag
    roll.undo_stack.undo()
    assert notes(roll) == [Note(480, 600, 72, 100)]
    roll.undo_stack.redo()
    assert len(notes(roll)) == 2


def test_right_click_and_erase_tool_delete(qtbot, roll):
    load(roll, Note(0, 480, 72), Note(480, 960, 72), Note(960, 1440, 72))
    qtbot.mouseClick(roll.viewport(), R, NOMOD, pt(roll, 100, 72))
    assert [n.start for n in notes(roll)] == [480, 960]
    roll.set_tool("erase")
    drag(qtbot, roll, pt(roll, 500, 72), pt(roll, 1000, 72))  # swipe over both
    assert notes(roll) == []
    roll.undo_stack.undo()  # the swipe is one step
    assert len(notes(roll)) == 2


def test_select_click_shift_ctrl_rubber_band_and_ctrl_a(qtbot, roll):
    load(roll, Note(0, 240, 72), Note(480, 720, 70), Note(960, 1200, 68), Note(2400, 2640, 60))
    a, b, c, d = sorted(roll.doc.notes, key=lambda i: roll.doc.notes[i].start)
    roll.set_tool("select")
    w = roll.viewport()
    qtbot.mouseClick(w, L, NOMOD, pt(roll, 0, 72))
    assert roll.doc.selection == {a}
    qtbot.mouseClick(w, L, SHIFT, pt(roll, 480, 70))
    assert roll.doc.selection == {a, b}
    qtbot.mouseClick(w, L, CTRL, pt(roll, 0, 72))  # Ctrl toggles
    assert roll.doc.selection == {b}
    qtbot.mouseClick(w, L, NOMOD, pt(roll, 6000, 80))  # empty space clears (select tool)
    assert roll.doc.selection == set()
    drag(qtbot, roll, pt(roll, 300, 73) - QPoint(0, 10), pt(roll, 1100, 67))  # rubber band over b and c
    assert roll.doc.selection == {b, c}
    qtbot.keyClick(w, Qt.Key.Key_A, CTRL)
    assert roll.doc.selection == {a, b, c, d}
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert roll.doc.selection == set()


def test_drag_moves_selection_snapped_as_one_undo_step(qtbot, roll):
    load(roll, Note(0, 480, 72, 90), Note(480, 960, 74, 80))
    roll.set_tool("select")
    roll.doc.select_all()
    drag(qtbot, roll, pt(roll, 100, 72), pt(roll, 100 + 245, 70))  # ~2 16ths right, 2 down
    assert notes(roll) == [Note(240, 720, 70, 90), Note(720, 1200, 72, 80)]
    assert roll.undo_stack.count() == 1
    roll.undo_stack.undo()
    assert notes(roll) == [Note(0, 480, 72, 90), Note(480, 960, 74, 80)]


def test_shift_drag_duplicates(qtbot, roll):
    load(roll, Note(0, 480, 72))
    drag(qtbot, roll, pt(roll, 100, 72), pt(roll, 100 + 960, 72), mods=SHIFT)
    assert notes(roll) == [Note(0, 480, 72), Note(960, 1440, 72)]
    assert {roll.doc.notes[i].start for i in roll.doc.selection} == {960}
    roll.undo_stack.undo()
    assert notes(roll) == [Note(0, 480, 72)]


def test_drag_end_resizes(qtbot, roll):
    load(roll, Note(0, 480, 72))
    end = QPoint(int(roll.geo.tick_to_x(480)) - 2, pt(roll, 0, 72).y())
    drag(qtbot, roll, end, end + QPoint(48, 0))  # one quarter longer
    assert notes(roll) == [Note(0, 960, 72)]
    drag(qtbot, roll, QPoint(int(roll.geo.tick_to_x(960)) - 2, end.y()), end - QPoint(400, 0))
    assert notes(roll) == [Note(0, 120, 72)]  # never shorter than one grid cell


def test_arrow_keys_move_by_grid_semitone_octave_and_bar(qtbot, roll):
    load(roll, Note(480, 600, 60))
    roll.doc.select_all()
    w = roll.viewport()
    qtbot.keyClick(w, Qt.Key.Key_Right)
    qtbot.keyClick(w, Qt.Key.Key_Up)
    assert notes(roll) == [Note(600, 720, 61)]
    qtbot.keyClick(w, Qt.Key.Key_Right, SHIFT)
    qtbot.keyClick(w, Qt.Key.Key_Down, SHIFT)
    assert notes(roll) == [Note(600 + 1920, 720 + 1920, 49)]
    for _ in range(4):
        qtbot.keyClick(w, Qt.Key.Key_Z, CTRL)
    assert notes(roll) == [Note(480, 600, 60)]
    qtbot.keyClick(w, Qt.Key.Key_Z, CTRL | SHIFT)
    assert notes(roll) == [Note(600, 720, 60)]


def test_wheel_over_note_changes_velocity_in_one_step(qtbot, roll):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    load(roll, Note(0, 480, 72, 100))
    w = roll.viewport()
    p = QPointF(pt(roll, 100, 72))
    for _ in range(3):
        ev = QWheelEvent(p, QPointF(w.mapToGlobal(p.toPoint())), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                         NOMOD, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(w, ev)
    assert notes(roll)[0].velocity == 115
    assert roll.undo_stack.count() == 1  # merged
    roll.undo_stack.undo()
    assert notes(roll)[0].velocity == 100
    # Ctrl+wheel zooms around the mouse: the tick under the pointer stays put
    tick_before = roll.geo.x_to_tick(p.x())
    ev = QWheelEvent(p, QPointF(w.mapToGlobal(p.toPoint())), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                     CTRL, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(w, ev)
    assert roll.geo.ppt == pytest.approx(0.125)
    assert roll.geo.x_to_tick(p.x()) == pytest.approx(tick_before, abs=1)


def test_velocity_lane_drag_sets_velocity(qtbot, roll):
    load(roll, Note(0, 480, 72, 100), Note(480, 960, 74, 100))
    lane = roll.lane
    y = round(lane.y_for(40))
    qtbot.mousePress(lane, L, NOMOD, QPoint(int(roll.geo.tick_to_x(0)) + 1, y))
    qtbot.mouseMove(lane, QPoint(int(roll.geo.tick_to_x(480)) + 1, y))
    qtbot.mouseRelease(lane, L, NOMOD, QPoint(int(roll.geo.tick_to_x(480)) + 1, y))
    v = [n.velocity for n in notes(roll)]
    assert v[0] == v[1] and abs(v[0] - 40) <= 1  # the lane has about 0.6 px per velocity step
    roll.undo_stack.undo()
    assert [n.velocity for n in notes(roll)] == [100, 100]


def test_copy_paste_at_cursor_cut_duplicate_delete(qtbot, roll):
    load(roll, Note(0, 240, 72), Note(240, 480, 74))
    w = roll.viewport()
    qtbot.keyClick(w, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(w, Qt.Key.Key_C, CTRL)
    roll.set_edit_cursor(1920)
    qtbot.keyClick(w, Qt.Key.Key_V, CTRL)
    assert [n.start for n in notes(roll)] == [0, 240, 1920, 2160]
    assert {roll.doc.notes[i].start for i in roll.doc.selection} == {1920, 2160}
    qtbot.keyClick(w, Qt.Key.Key_D, CTRL)  # duplicate right after the selection
    assert [n.start for n in notes(roll)] == [0, 240, 1920, 2160, 2400, 2640]
    qtbot.keyClick(w, Qt.Key.Key_Delete)
    assert [n.start for n in notes(roll)] == [0, 240, 1920, 2160]
    qtbot.keyClick(w, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(w, Qt.Key.Key_X, CTRL)
    assert notes(roll) == []
    roll.set_edit_cursor(480)
    qtbot.keyClick(w, Qt.Key.Key_V, CTRL)
    assert [n.start for n in notes(roll)] == [480, 720, 2400, 2640]


def test_snap_grid_triplets_snap_off_and_quantize(qtbot, roll):
    roll.set_grid("1/8T")  # 160 ticks
    qtbot.mouseClick(roll.viewport(), L, NOMOD, pt(roll, 330, 72))
    assert notes(roll) == [Note(320, 480, 72)]
    roll.set_snap(False)
    qtbot.mouseClick(roll.viewport(), L, NOMOD, pt(roll, 1000, 70))
    (free,) = [n for n in notes(roll) if n.pitch == 70]
    assert free.start % 160 != 0
    roll.set_grid("1/16")
    roll.doc.select_all()
    assert roll.quantize_selection()
    assert all(n.start % 120 == 0 and n.end % 120 == 0 for n in notes(roll))


def test_ruler_loop_playhead_follow_and_fit(qtbot, roll):
    loops = []
    roll.loopChanged.connect(lambda s, e: loops.append((s, e)))
    ruler = roll.ruler
    x = lambda t: int(roll.geo.tick_to_x(t))
    qtbot.mousePress(ruler, L, NOMOD, QPoint(x(1920), 15))
    qtbot.mouseMove(ruler, QPoint(x(3000), 15))
    qtbot.mouseMove(ruler, QPoint(x(3840), 15))
    qtbot.mouseRelease(ruler, L, NOMOD, QPoint(x(3840), 15))
    assert roll.loop == (1920, 3840) and loops[-1] == (1920, 3840)
    qtbot.mouseClick(ruler, R, NOMOD, QPoint(x(2000), 15))  # the bar's menu, with Clear Loop
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    menu = QApplication.activePopupWidget()
    assert menu.actions()[0].text() == "Bar 2: 4/4"  # its section: the bar right-clicked
    next(a for a in menu.actions() if a.text() == "Clear Loop").trigger()
    menu.close()
    assert roll.loop is None and loops[-1] == (None, None)
    qtbot.mouseClick(ruler, L, NOMOD, QPoint(x(960), 15))  # a click moves the edit cursor
    assert roll.edit_cursor == 960
    roll.set_follow(True)
    far = int(roll.geo.x_to_tick(roll.geo.view_w)) + 5000
    roll.set_playhead(far)
    assert 0 <= roll.geo.tick_to_x(far) <= roll.geo.view_w  # the view paged to the playhead
    load(roll, Note(19200, 19680, 30), Note(20000, 20480, 100))
    roll.fit_to_content()
    for tick, pitch in ((19200, 30), (20470, 100)):
        assert 0 <= roll.geo.tick_to_x(tick) <= roll.geo.view_w
        assert 0 <= roll.geo.pitch_to_y(pitch) <= roll.geo.view_h


def test_keyboard_keys_are_held_and_drawing_requests_audition(qtbot, roll):
    heard, held = [], []
    roll.auditionRequested.connect(lambda p, v: heard.append(p))
    roll.keyHeld.connect(lambda p, down, vel: held.append((p, down, vel)))
    key = lambda pitch, x=10: QPoint(x, pt(roll, 0, pitch).y())
    qtbot.mousePress(roll.keyboard, L, NOMOD, key(79))
    qtbot.mouseMove(roll.keyboard, key(77, 60))  # a glissando: one key up, the next down (at the key's front)
    qtbot.mouseRelease(roll.keyboard, L, NOMOD, key(77, 60))
    assert [(p, down) for p, down, _ in held] == [(79, True), (79, False), (77, True), (77, False)]
    assert held[0][2] < 60 < 110 < held[2][2] <= 127  # soft at the back of a key, loud at its front
    qtbot.mouseClick(roll.viewport(), L, NOMOD, pt(roll, 0, 76))
    assert heard == [76]


def test_every_theme_and_scale_paints(qtbot, roll):
    from ui.themes import THEMES

    load(roll, *[Note(i * 120, i * 120 + 100, 60 + i % 24, 1 + i % 127) for i in range(300)])
    roll.doc.select(list(roll.doc.notes)[:50])
    roll.set_loop(0, 1920)
    roll.set_playhead(960)
    for name in THEMES:
        roll.set_theme(THEMES[name])
        for scale in ("Chromatic", "Major", "Blues"):
            roll.set_scale(9, scale)
            img = roll.grab().toImage()
            assert img.width() == roll.width()


def test_wheel_over_empty_space_scrolls(qtbot, roll):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    w = roll.viewport()
    roll.geo.sx = 2000.0
    roll._sync_scrollbars()

    def wheel(delta, mods=NOMOD):
        p = QPointF(300, 200)
        QApplication.sendEvent(w, QWheelEvent(p, QPointF(w.mapToGlobal(p.toPoint())), QPoint(), delta,
                                              Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False))

    sy, sx = roll.geo.sy, roll.geo.sx
    wheel(QPoint(0, -120))
    assert roll.geo.sy > sy and roll.geo.sx == sx  # down the pitches
    wheel(QPoint(0, 120), SHIFT)
    assert roll.geo.sx < sx  # sideways, back in time
    wheel(QPoint(-120, 0))  # a trackpad's horizontal swipe
    assert roll.geo.sx >= sx - 1
    assert roll.undo_stack.count() == 0


def test_a_short_note_stays_visible_when_zoomed_far_out(qtbot, roll):
    from ui.piano_roll.geometry import MIN_PPT

    load(roll, Note(96_000, 96_120, 72, 127))  # a 16th, 50 bars in
    roll.geo.ppt = MIN_PPT  # the 16th is 0.06 px wide
    roll.geo.sx = 0.0
    roll.refresh()
    img = roll.viewport().grab().toImage()
    x, y = int(roll.geo.tick_to_x(96_000)), int(roll.geo.pitch_to_y(72) + roll.geo.row / 2)
    note = roll.bucket_colors[-1]
    assert any(img.pixelColor(x + dx, y) == note for dx in range(0, 3))


def test_an_empty_roll_says_how_to_begin_and_a_melody_hides_it(roll, qtbot):
    def centre():
        c = roll.viewport()
        return c.grab().toImage().copy(c.width() // 2 - 200, c.height() // 2 - 20, 400, 40)

    empty = centre()
    roll.doc.apply({999: Note(30 * 1920, 30 * 1920 + 480, 60)})  # a note far out of view: nothing drawn here
    qtbot.wait(10)
    assert centre() != empty  # the hint is gone
    roll.doc.apply({999: None})
    qtbot.wait(10)
    assert centre() == empty
    assert "Generate (Ctrl+Enter)" in roll.viewport().EMPTY_HINT
