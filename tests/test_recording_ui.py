"""Record in the window: the computer keyboard as a piano, takes placed as one undo step.

The player runs on the machine's output (a real-time null sink in CI), so positions follow the clock;
the takes here use a whole-bar grid (two seconds at 120 BPM) so that a loaded machine's delays
cannot move a note to another grid line.
"""

import pytest
from PySide6.QtCore import Qt

from mguv_app.music.melody import Note

BAR = 1920


@pytest.fixture
def rec(transport_window, qtbot):
    w = transport_window
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.roll.canvas.setFocus()
    r = w.recorder
    assert r is not None
    r.count_in_action.setChecked(False)
    r.quantize_action.setChecked(True)
    r.replace_action.setChecked(False)
    r.click_action.setChecked(True)
    w.transport.metronome_button.setChecked(False)
    w.roll.set_grid("1/1")
    w.transport.bpm.setValue(120)
    w.undo_stack.clear()
    return w, r


def press(qtbot, widget, key, hold_ms=150):
    qtbot.keyPress(widget, key)
    qtbot.wait(hold_ms)
    qtbot.keyRelease(widget, key)


def test_typed_keys_are_recorded_as_one_undo_step_and_not_as_tool_shortcuts(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    w.roll.set_tool("select")
    r.record_action.trigger()  # R
    assert r.recording and w.transport.player.is_playing and w.transport.record_button.isChecked()
    assert w.transport.player.metronome  # Click While Recording, with the Click button off
    canvas = w.roll.canvas
    qtbot.keyPress(canvas, Qt.Key.Key_A)  # C5
    qtbot.keyPress(canvas, Qt.Key.Key_D)  # E5 (D alone is the Draw tool)
    qtbot.wait(200)
    assert w.roll.viewport()._take, "the take shows while it is played"
    qtbot.keyRelease(canvas, Qt.Key.Key_A)
    qtbot.keyRelease(canvas, Qt.Key.Key_D)
    with qtbot.waitSignal(r.takePlaced, timeout=3000) as placed:
        r.record_action.trigger()
    assert placed.args == [2]
    assert w.roll.tool == "select"  # the letters played notes instead of switching tools
    assert sorted(w.doc.notes.values()) == [Note(0, BAR, 60, 100), Note(0, BAR, 64, 100)]
    assert len(w.doc.selection) == 2 and not w.transport.player.is_playing and not r.recording
    assert not w.transport.player.metronome and not w.transport.metronome_button.isChecked()
    assert w.undo_stack.count() == 1 and w.undo_stack.undoText() == "Record 2 notes"
    assert not w.roll.viewport()._take
    w.undo_stack.undo()
    assert not w.doc.notes


def test_space_ends_the_take_and_the_octave_keys_move_the_piano(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    canvas = w.roll.canvas
    press(qtbot, canvas, Qt.Key.Key_X, 10)  # an octave up: A plays C6
    r.record_action.trigger()
    press(qtbot, canvas, Qt.Key.Key_A)
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        w.transport.toggle_play()  # Space: pause ends the take
    assert [n.pitch for n in w.doc.notes.values()] == [72]
    assert not w.transport.record_button.isChecked()


def test_keys_play_without_recording_and_leave_the_melody_alone(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    qtbot.keyPress(w.roll.canvas, Qt.Key.Key_G)
    assert 67 in w.transport.player._live  # sounding while held
    qtbot.keyRelease(w.roll.canvas, Qt.Key.Key_G)
    assert not w.transport.player._live and not w.doc.notes and w.undo_stack.count() == 0


def test_the_roll_s_keyboard_sounds_while_held_records_and_lights_what_plays(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    qtbot.keyPress(w.roll.canvas, Qt.Key.Key_A)
    assert w.roll.keyboard.lit == {60}  # a typed key lights on the roll's keyboard
    qtbot.keyRelease(w.roll.canvas, Qt.Key.Key_A)
    assert w.roll.keyboard.lit == set()
    r.record_action.trigger()
    w.roll.keyHeld.emit(65, True, 90)  # the mouse on the roll's F5 key
    assert 65 in w.transport.player._live
    qtbot.wait(150)
    w.roll.keyHeld.emit(65, False, 0)
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        r.record_action.trigger()
    assert [n.pitch for n in w.doc.notes.values()] == [65] and not w.transport.player._live


def test_with_typing_off_the_letters_are_the_tools_again(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(False)
    w.roll.set_tool("select")
    qtbot.keyClick(w.roll.canvas, Qt.Key.Key_D)
    assert w.roll.tool == "draw" and not w.transport.player._live


def test_typing_in_a_text_box_is_not_played(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    editor = w.transport.bpm.lineEdit()
    w.transport.bpm.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_A)
    assert not w.transport.player._live


def test_record_with_no_input_turns_the_computer_keyboard_on(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(False)
    r.record_action.trigger()
    assert r.typing_on
    with qtbot.waitSignal(r.takePlaced, timeout=3000) as placed:
        r.record_action.trigger()
    assert placed.args == [0] and "nothing" in w.statusBar().currentMessage()


def test_replace_mode_removes_the_notes_played_over(rec, qtbot):
    w, r = rec
    w.doc.redo(w.doc.plan_add([Note(0, 480, 50), Note(480, 960, 52), Note(8 * BAR, 8 * BAR + 480, 55)]))
    w.undo_stack.clear()
    r.replace_action.setChecked(True)
    r.typing_action.setChecked(True)
    r.record_action.trigger()
    press(qtbot, w.roll.canvas, Qt.Key.Key_H)  # A5
    qtbot.wait(100)
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        r.record_action.trigger()
    assert sorted(w.doc.notes.values()) == [Note(0, BAR, 69, 100), Note(8 * BAR, 8 * BAR + 480, 55)]
    w.undo_stack.undo()  # one step brings both old notes back and takes the new one away
    assert sorted(n.pitch for n in w.doc.notes.values()) == [50, 52, 55]


def test_the_record_menu_lists_inputs_and_says_why_there_is_no_midi(rec):
    w, r = rec
    r.panel.record_menu.aboutToShow.emit()
    texts = [a.text() for a in r.panel.record_menu.actions()]
    assert "Computer Keyboard as &Piano" in texts
    assert any(t.startswith(("No MIDI keyboard", "MIDI: ")) for t in texts)
    assert {"&Count-in Bar", "C&lick While Recording", "&Quantize to the Grid", "Re&place Notes"} <= set(texts)
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("&Record") < titles.index("&Help")
    # the window's Record menu: the three ways in first, and its MIDI Input submenu lists the same ports
    assert r.window_menu.actions()[:3] == [r.record_action, r.step_action, r.typing_action]
    r.ports_menu.aboutToShow.emit()
    ports = [a.text() for a in r.ports_menu.actions()]
    assert ports == [t for t in texts if t.startswith(("No MIDI keyboard", "MIDI: "))]


def test_r_and_m_are_the_keys_for_record_and_the_keyboard_piano(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(False)
    qtbot.keyClick(w.roll.canvas, Qt.Key.Key_M)
    assert r.typing_on
    qtbot.keyClick(w.roll.canvas, Qt.Key.Key_R)
    assert r.recording
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        qtbot.keyClick(w.roll.canvas, Qt.Key.Key_R)
    qtbot.keyClick(w.roll.canvas, Qt.Key.Key_M)
    assert not r.typing_on and not r.recording


def test_snap_to_scale_mends_wrong_keys_of_a_take_in_the_melody_s_key(rec):
    w, r = rec
    w.roll_toolbar.set_scale(0, "Chromatic")
    w.doc.redo(w.doc.plan_add([Note(i * 480, i * 480 + 480, p) for i, p in enumerate([57, 60, 64, 60, 61, 69])]))
    w.undo_stack.clear()
    w.act_snap_scale.trigger()
    assert (w.roll.key, w.roll.scale) == (9, "Natural minor")  # the key was read from the notes, and shown
    assert w.roll_toolbar.scale_box.currentText() == "Natural minor"
    assert sorted(n.pitch for n in w.doc.notes.values()) == [57, 60, 60, 60, 64, 69]  # C# (after C) to C
    assert "1 note moved into A" in w.statusBar().currentMessage() and w.undo_stack.count() == 1
    w.act_snap_scale.trigger()
    assert "already in" in w.statusBar().currentMessage() and w.undo_stack.count() == 1


def test_step_input_writes_a_note_or_chord_per_step_with_rests_and_backspace(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    w.roll.set_grid("1/8")
    w.roll.set_edit_cursor(1920)
    r.step_action.setChecked(True)
    canvas = w.roll.canvas
    qtbot.keyPress(canvas, Qt.Key.Key_A)  # a chord: C and E held together
    qtbot.keyPress(canvas, Qt.Key.Key_D)
    qtbot.keyRelease(canvas, Qt.Key.Key_A)
    assert w.roll.edit_cursor == 1920  # still holding E: the chord's step is not over
    qtbot.keyRelease(canvas, Qt.Key.Key_D)
    assert w.roll.edit_cursor == 2160
    press(qtbot, canvas, Qt.Key.Key_F, 10)  # F on the next eighth
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # a rest (not a nudge of the selected F)
    press(qtbot, canvas, Qt.Key.Key_G, 10)
    assert sorted((n.start, n.end, n.pitch) for n in w.doc.notes.values()) == [
        (1920, 2160, 60), (1920, 2160, 64), (2160, 2400, 65), (2640, 2880, 67)]
    assert w.roll.edit_cursor == 2880 and w.undo_stack.undoText() == "Step note"
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)  # the G's step taken away, the cursor back on it
    assert w.roll.edit_cursor == 2640 and 67 not in {n.pitch for n in w.doc.notes.values()}
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)  # and the F's
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert w.roll.edit_cursor == 1920 and sorted(n.pitch for n in w.doc.notes.values()) == [60, 64]
    assert not w.transport.player.is_playing and not w.transport.player._live
    r.step_action.setChecked(False)
    w.doc.select_all()
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # the arrows nudge notes again
    assert min(n.start for n in w.doc.notes.values()) == 2160


def test_a_take_is_placed_before_the_window_asks_about_unsaved_changes(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    r.record_action.trigger()
    press(qtbot, w.roll.canvas, Qt.Key.Key_J)
    asked = []
    w.ask_unsaved = lambda parent: asked.append(len(w.doc.notes)) or "cancel"
    assert not w.file_new()  # New while recording: the take lands, then the question, which keeps it
    assert asked == [1] and not r.recording and [n.pitch for n in w.doc.notes.values()] == [71]


def test_the_key_filter_is_installed_only_while_keys_are_the_piano(rec):
    w, r = rec
    r.typing_action.setChecked(False)
    r.step_action.setChecked(False)
    assert not r._filtering
    r.typing_action.setChecked(True)
    r.step_action.setChecked(True)
    r.typing_action.setChecked(False)
    assert r._filtering  # step input still reads the arrows
    r.step_action.setChecked(False)
    assert not r._filtering


def test_humanize_is_one_undo_step_and_draws_anew_each_time(rec):
    w, _ = rec
    w.doc.redo(w.doc.plan_add([Note(i * 240, i * 240 + 200, 60 + i % 7, 100) for i in range(16)]))
    w.undo_stack.clear()
    grid = sorted(w.doc.notes.values())
    w.act_humanize.trigger()
    first = sorted(w.doc.notes.values())
    assert first != grid and w.undo_stack.count() == 1 and w.undo_stack.undoText() == "Humanize"
    assert sum(n.start % 240 != 0 for n in first) > 8  # off the grid
    w.undo_stack.undo()
    assert sorted(w.doc.notes.values()) == grid
    w.act_humanize.trigger()
    assert sorted(w.doc.notes.values()) not in (grid, first)  # a new draw


def test_recording_round_a_loop_starts_at_the_loop(rec, qtbot):
    w, r = rec
    r.typing_action.setChecked(True)
    w.roll.set_loop(4 * BAR, 5 * BAR)  # bar 5, looped
    assert w.transport.player.loop == (4 * BAR, 5 * BAR)
    r.record_action.trigger()
    assert r.take.start == 4 * BAR and r.take.loop == (4 * BAR, 5 * BAR)
    press(qtbot, w.roll.canvas, Qt.Key.Key_E)  # D#5
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        r.record_action.trigger()
    assert [(n.start, n.pitch) for n in w.doc.notes.values()] == [(4 * BAR, 63)]


def test_the_roll_pages_along_with_a_take(rec, qtbot):
    w, r = rec
    roll = w.roll
    roll.set_follow(False)
    w.transport.seek(40 * BAR)  # far right of what the roll shows
    assert not 0 <= roll.geo.tick_to_x(40 * BAR) <= roll.geo.view_w
    r.record_action.trigger()
    qtbot.waitUntil(lambda: 0 <= roll.geo.tick_to_x(w.transport.player.position_ticks()) <= roll.geo.view_w,
                    timeout=2000)
    with qtbot.waitSignal(r.takePlaced, timeout=3000):
        r.record_action.trigger()


@pytest.fixture
def duet(generation_window):
    """A window with its transport and the tiny model in the Generate dock."""
    w = generation_window
    if w.recorder is None:
        pytest.skip("no transport here")
    r = w.recorder
    r.count_in_action.setChecked(False)
    r.quantize_action.setChecked(True)
    r.replace_action.setChecked(False)
    w.roll.set_grid("1/8")
    return w, r


def test_answer_each_take_places_the_model_s_answer_after_it_and_plays_it(duet, qtbot):
    w, r = duet
    r.answer_action.setChecked(True)
    r.typing_action.setChecked(True)
    r.record_action.trigger()
    for key in (Qt.Key.Key_A, Qt.Key.Key_D, Qt.Key.Key_G):  # C E G, a little apart
        press(qtbot, w.roll.canvas, key, 120)
    taken = []
    r.takePlaced.connect(lambda _n: taken.extend(w.doc.notes.values()))
    with qtbot.waitSignal(r.answered, timeout=120000) as answered:
        r.record_action.trigger()
    assert sorted(n.pitch for n in taken) == [60, 64, 67]
    take_bar_end = -(-max(n.end for n in taken) // BAR) * BAR
    answer = [n for n in w.doc.notes.values() if n not in taken]
    assert answered.args[0] == len(answer) > 0
    assert all(take_bar_end <= n.start < take_bar_end + BAR for n in answer)  # as long as the take: one bar
    assert w.undo_stack.undoText() == "Answer" and w.transport.player.is_playing
    w.transport.stop()
    w.undo_stack.undo()  # the answer goes, the take stays
    assert sorted(n.pitch for n in w.doc.notes.values()) == [60, 64, 67]
