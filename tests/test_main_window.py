"""The main window: files, unsaved changes, recent files, drag in/out, autosave and crash recovery."""

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel

from mguv_app.music import Melody, Note, read_midi, write_midi

TUNE = [Note(0, 480, 60, 90), Note(480, 720, 62, 70), Note(960, 1920, 67, 110)]


@pytest.fixture
def tune(tmp_path):
    p = tmp_path / "tune.mid"
    write_midi(Melody(TUNE, qpm=90), p)
    return str(p)


def test_edit_save_and_reimport_round_trip(window, tune, tmp_path, qtbot):
    assert window.open_path(tune)
    assert window.melody.notes == TUNE and not window.modified
    window.show()
    qtbot.waitExposed(window)
    roll = window.roll
    roll.geo.ppt, roll.geo.row, roll.geo.sx, roll.geo.sy = 0.1, 14.0, 0.0, (127 - 80) * 14.0
    roll._sync_scrollbars()
    at = QPoint(int(roll.geo.tick_to_x(1920)) + 3, int(roll.geo.pitch_to_y(72) + 7))
    qtbot.mouseClick(roll.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert window.modified and window.isWindowModified()
    out = tmp_path / "edited"
    assert window.save_as(str(out))
    assert window.path.endswith("edited.mid") and not window.modified
    back = read_midi(window.path).melody
    assert back.notes == TUNE + [Note(1920, 2040, 72, 100)]
    assert back.qpm == 90
    assert window.settings.recent_files()[0] == os.path.abspath(window.path)


def test_unsaved_changes_prompt(window, tune):
    window.open_path(tune)
    window.roll.select_all()
    window.roll.delete_selection()
    window.ask_unsaved = lambda parent: "cancel"
    assert not window.file_new()
    assert window.melody.notes == []  # still the edited melody
    assert not window.close()  # closing is refused too
    before = os.path.getmtime(tune)
    os.utime(tune, (before - 100, before - 100))
    window.ask_unsaved = lambda parent: "save"  # saves to its path, then goes on
    assert window.file_new()
    assert os.path.getmtime(tune) > before - 100  # it was written
    assert window.melody.notes == [] and window.path is None and not window.modified
    window.roll.doc.redo(window.roll.doc.plan_add([Note(0, 120, 60)]))
    window.undo_stack.resetClean()
    window.ask_unsaved = lambda parent: "discard"
    assert window.file_new() and window.melody.notes == []


def test_save_via_prompt_and_cancelled_save(window, tmp_path):
    window.replace_melody(Melody(TUNE))
    assert window.modified
    window.ask_save_path = lambda parent, title, suggested: None  # the user cancels the dialog
    assert not window.save()
    target = tmp_path / "via_dialog.mid"
    window.ask_save_path = lambda parent, title, suggested: str(target)
    assert window.save() and read_midi(target).melody.notes == TUNE
    window.undo_stack.undo()  # Generate/replace is one undoable step
    assert window.melody.notes == [] and window.modified


def test_bad_file_and_missing_recent_file(window, tune, tmp_path):
    window.open_path(tune)
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"MThd\x00")
    assert not window.open_path(str(bad))
    assert window.melody.notes == TUNE
    gone = tmp_path / "gone.mid"
    window.settings.add_recent(str(gone))
    assert not window.open_recent(str(gone))
    assert str(gone) not in window.settings.recent_files()
    assert "no longer exists" in window.statusBar().currentMessage()


def test_export_selection_writes_only_selected_notes(window, tune, tmp_path):
    window.open_path(tune)
    assert not window.export_selection(str(tmp_path / "none.mid"))  # nothing selected
    doc = window.doc
    doc.select([i for i, n in doc.notes.items() if n.pitch != 60])
    out = tmp_path / "sel.mid"
    assert window.export_selection(str(out))
    assert [(n.start, n.pitch) for n in read_midi(out).melody.notes] == [(480, 62), (960, 67)]
    assert not window.modified  # exporting a part does not count as saving the melody


def test_export_selection_takes_the_chords_chosen_for_its_bars(window, tmp_path):
    bar = 1920
    window.load_melody(Melody([Note(b * bar, b * bar + 960, 60 + b) for b in range(4)], qpm=100,
                              chords={0: "C", bar: "Dm7", bar + 960: "G7", 3 * bar: "F"}))
    window.doc.select([i for i, n in window.doc.notes.items() if bar <= n.start < 3 * bar])  # bars 2 and 3
    out = tmp_path / "sel.mid"
    assert window.export_selection(str(out))
    part = read_midi(out).melody
    assert [(n.start, n.pitch) for n in part.notes] == [(0, 61), (bar, 62)]
    assert part.chords == {0: "Dm7", 960: "G7"}  # moved with the notes; bars 1 and 4 stay behind


def test_export_with_backing_band_writes_four_tracks_and_keeps_the_melody(window, tune, tmp_path, monkeypatch):
    import pretty_midi

    assert not window.export_backing(str(tmp_path / "empty.mid"))  # an empty roll: a message, no file
    assert "empty" in window.statusBar().currentMessage() and not (tmp_path / "empty.mid").exists()
    window.open_path(tune)
    asked = []
    window.ask_save_path = lambda parent, title, suggested: asked.append(suggested) or str(tmp_path / "band")
    assert window.act_export_backing.shortcut().toString() == "Ctrl+Shift+B"
    window.act_export_backing.trigger()
    assert asked[0].endswith("tune with band.mid")
    pm = pretty_midi.PrettyMIDI(str(tmp_path / "band.mid"))
    assert [i.name for i in pm.instruments] == ["Melody", "Chords", "Bass", "Drums"]
    assert read_midi(tmp_path / "band.mid").melody.notes == TUNE and not window.modified
    assert "Exported" in window.statusBar().currentMessage()
    errors = []
    window.show_error = lambda parent, title, text: errors.append(text)
    monkeypatch.setattr("mguv_app.fileio.os.replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space")))
    assert not window.export_backing(str(tmp_path / "full.mid"))
    assert "No space" in errors[0] and sorted(p.name for p in tmp_path.iterdir()) == ["band.mid", "tune.mid"]
    window.doc.load(Melody(TUNE, qpm=90, time_signature=(9, 8)))
    assert not window.export_backing(str(tmp_path / "nine.mid")) and "9/8" in errors[1]


@pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")
def test_drop_a_midi_file_opens_it(window, tune):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(tune)])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier(0))
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier(0))
    QApplication.sendEvent(window, drop)
    assert window.melody.notes == TUNE
    text = QMimeData()
    text.setUrls([QUrl.fromLocalFile("/tmp/notes.txt")])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier(0))
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_drag_out_offers_a_real_midi_file(window, tune):
    from ui.drag_out import melody_mime

    window.open_path(tune)
    mime = melody_mime(window.melody)
    (url,) = mime.urls()
    assert url.isLocalFile() and url.toLocalFile().endswith(".mid")
    assert read_midi(url.toLocalFile()).melody.notes == TUNE


def test_autosave_is_atomic_and_restored_after_a_crash(qtbot, tune, tmp_path, monkeypatch, make_window):
    from ui.autosave import Autosaver

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    crashed = Autosaver(pid=dead.pid)  # a session that never exited cleanly
    crashed.start_session(tune)
    crashed.save(Melody(TUNE, chords={0: "Dm7"}), tune)  # with a chord chosen for the Band
    first = crashed.melody_path.read_bytes()
    # a failing write (disk full, crash mid-rename) leaves the previous autosave intact
    with monkeypatch.context() as m, pytest.raises(OSError):
        m.setattr("mguv_app.fileio.os.replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "disk full")))
        crashed.save(Melody(TUNE[:1]), tune)
    assert crashed.melody_path.read_bytes() == first
    assert sorted(p.name for p in crashed.folder.iterdir()) == ["autosave.mid", "session.json"]

    w = make_window()
    asked = []
    w.ask_restore = lambda parent, rec: asked.append(rec) or True
    assert w.offer_restore()
    assert asked[0].source_path == tune and w.melody.notes == TUNE and w.doc.chords == {0: "Dm7"}
    assert w.modified  # restored work is unsaved work
    w.ask_unsaved = lambda parent: "discard"
    w.close()
    assert not crashed.melody_path.exists()  # clean exit: nothing to restore next time
    w2 = make_window()
    w2.ask_restore = lambda parent, rec: pytest.fail("nothing to restore")
    assert not w2.offer_restore()


def test_declined_restore_is_discarded_and_live_sessions_are_left_alone(qtbot, tune, make_window):
    from ui.autosave import Autosaver

    live = Autosaver(pid=os.getppid())  # another window that is still running
    live.save(Melody(TUNE), tune)
    assert Autosaver().pending_recovery() is None
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    Autosaver(pid=dead.pid).save(Melody(TUNE), tune)
    w = make_window()
    w.ask_restore = lambda parent, rec: False
    assert not w.offer_restore()
    assert Autosaver().pending_recovery() is None and w.melody.notes == []


def test_autosave_now_and_timer_only_when_changed(window, tune):
    window.open_path(tune)
    path = window.autosave_now()
    assert read_midi(path).melody.notes == TUNE
    path.unlink()
    window._autosave_tick()  # nothing changed since: no write
    assert not path.exists()
    window.roll.select_all()
    window.roll.move_selection(dp=1)
    window._autosave_tick()
    assert [n.pitch for n in read_midi(path).melody.notes] == [61, 63, 68]


def test_panel_docks_settings_and_theme(window, qtbot, make_window):

    assert {"Generate", "Latent map"} <= set(window.docks)
    panel = QLabel("real generate panel")
    dock = window.add_panel_dock(panel, "Generate")
    assert dock.widget() is panel and window.docks["Generate"] is dock
    assert window.tabs.tabText(1) == "Training"
    window.apply_theme("light")
    window.roll.set_grid("1/8T")
    window.close()
    w2 = make_window()
    assert w2.roll.theme.name == "light" and w2.roll.grid_label == "1/8T"


def test_many_qt_calls_do_not_kill_the_interpreter():
    code = ("import ui\nfrom PySide6.QtWidgets import QApplication, QWidget\napp = QApplication([])\n"
            "w = QWidget()\nfor _ in range(100_000): w.update()\nprint('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-500:]


def test_transport_is_docked_and_wired_to_the_roll(tune, qtbot, make_window):
    window = make_window(with_transport=True)
    panel = window.transport
    if panel is None:
        pytest.skip("ui/transport.py is not importable here")
    assert window.docks["Transport"].widget() is panel
    window.open_path(tune)
    panel.positionChanged.emit(960)
    assert window.roll.playhead == 960  # the player drives the playhead
    window.roll.set_loop(1920, 3840)
    assert panel._loop_region == (1920, 3840)
    window.roll.set_loop(None, None)
    assert panel._loop_region is None
    window.roll.select_all()
    window.roll.move_selection(dp=2)
    qtbot.waitUntil(lambda: [n.pitch for n in panel._melody.notes] == [62, 64, 69], timeout=2000)


def test_band_chords_show_in_the_ruler_and_follow_edits(tune, qtbot, make_window):
    from mguv_app.lofi.backing import backing_for
    from ui.piano_roll.ruler import CHORD_STRIP, HEIGHT

    window = make_window(with_transport=True)
    panel = window.transport
    if panel is None:
        pytest.skip("ui/transport.py is not importable here")
    window.open_path(tune)
    window.show()
    qtbot.waitExposed(window)
    ruler = window.roll.ruler
    plain = ruler.grab().toImage()
    assert window.roll.chords == [] and ruler.height() == HEIGHT
    panel.band_button.setChecked(True)
    qtbot.waitUntil(lambda: window.roll.chords == backing_for(window.melody).chord_spans(), timeout=3000)
    qtbot.waitUntil(lambda: ruler.height() == HEIGHT + CHORD_STRIP, timeout=2000)
    assert ruler.grab().toImage() != plain  # the chord strip is drawn
    window.roll.select_all()
    window.roll.move_selection(dp=5)  # a fourth up: the band follows into the new key
    moved = window.doc.to_melody()
    qtbot.waitUntil(lambda: window.roll.chords == backing_for(moved).chord_spans(), timeout=3000)
    assert window.roll.chords[0][2] != backing_for(read_midi(tune).melody).chord_spans()[0][2]
    panel.band_button.setChecked(False)
    assert window.roll.chords == [] and ruler.height() == HEIGHT


def test_toolbar_and_menu_actions_drive_the_roll(window, tune):
    window.open_path(tune)
    rt = window.roll_toolbar
    assert (window.roll.key, window.roll.scale) == (rt.key_box.currentIndex(), rt.scale_box.currentText())
    rt.grid_box.setCurrentText("1/8")
    assert window.roll.grid() == 240
    rt.scale_box.setCurrentText("Dorian")
    assert window.roll.scale == "Dorian"
    rt.tool_actions["erase"].trigger()
    assert window.roll.tool == "erase"
    rt.snap_action.trigger()
    assert not window.roll.snap_enabled
    window.act_select_all.trigger()
    window.act_copy.trigger()
    window.roll.set_edit_cursor(3840)
    window.act_paste.trigger()
    assert len(window.melody.notes) == 6
    window.act_undo.trigger()
    assert len(window.melody.notes) == 3
    window.act_redo.trigger()
    window.act_delete.trigger()  # the pasted notes are the selection
    assert window.melody.notes == TUNE
    assert "3 notes" in window.summary_label.text() or window._transport_sync.isActive()


def test_default_questions_never_block_headless(qtbot, tune):
    from ui import dialogs
    from ui.main_window import MainWindow

    w = MainWindow(with_transport=False)  # the real dialog functions, offscreen
    qtbot.addWidget(w)
    w.replace_melody(Melody(TUNE))
    assert dialogs.headless() and w.ask_unsaved(w) == "discard"
    assert w.ask_save_path(w, "Save", "x.mid") is None
    assert not w.save()  # no path and nobody to ask: nothing is written, nothing hangs
    assert w.close()  # unsaved changes, but closing does not wait for an answer


def test_render_to_wav_from_the_file_menu(qtbot, tmp_path):
    """File → Render to WAV writes real audio on a worker thread and reports in the status bar."""
    import wave

    from mguv_app.music import Melody, Note
    from ui.main_window import MainWindow

    w = MainWindow(with_transport=False)
    qtbot.addWidget(w)
    w.load_melody(Melody([Note(0, 480, 60), Note(480, 960, 67)], qpm=120))
    out = tmp_path / "take.wav"
    w.ask_wav_path = lambda *_: str(out)
    with qtbot.waitSignal(w.renderFinished, timeout=60000) as done:
        w.act_render.trigger()
    assert done.args[0].startswith("Rendered") and out.exists()
    with wave.open(str(out)) as f:
        assert f.getnframes() / f.getframerate() > 0.9  # two quarter notes at 120 BPM, plus the release
    w.load_melody(Melody())
    assert w.render_wav(str(tmp_path / "empty.wav")) is None and "empty" in w.statusBar().currentMessage()


def test_render_with_the_band_on_renders_what_is_heard(qtbot, tmp_path, make_window):
    import wave

    import numpy as np

    window = make_window(with_transport=True)
    if window.transport is None:
        pytest.skip("ui/transport.py is not importable here")
    # two bars: the melody rests through the second, where only the band sounds
    window.load_melody(Melody([Note(0, 480, 69), Note(480, 960, 72), Note(960, 1920, 76), Note(3360, 3840, 69)],
                              qpm=120))

    def render(name):
        out = tmp_path / name
        with qtbot.waitSignal(window.renderFinished, timeout=60000) as done:
            window.render_wav(str(out))
        with wave.open(str(out)) as f:
            pcm = np.frombuffer(f.readframes(f.getnframes()), "<i2").reshape(-1, 2) / 32768.0
            rate = f.getframerate()
        return done.args[0], pcm[int(2.1 * rate): int(3.3 * rate)]  # bar 2 before its last note

    alone_msg, alone = render("alone.wav")
    window.transport.band_button.setChecked(True)
    band_msg, band = render("band.wav")
    assert "with the band" in band_msg and "with the band" not in alone_msg
    assert np.sqrt((band ** 2).mean()) > 10 * np.sqrt((alone ** 2).mean()) + 1e-4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alone.wav", "band.wav"]
    window.load_melody(Melody([Note(0, 480, 69)], qpm=120, time_signature=(9, 8)))
    nine_msg, _ = render("nine.wav")
    assert "the melody alone" in nine_msg and "9/8" in nine_msg


LONG_ERROR = ("Could not save /home/someone/.local/share/mguv-studio/projects/a_really_long_project_folder_name/"
              "melody_with_a_long_name_v3_final.mid: Permission denied (the folder is read-only; choose another)")


def test_a_long_status_message_ends_in_an_ellipsis_and_keeps_the_bar_info(qtbot, make_window):
    """At 1100 px a long message is shortened with "…", its full text is the tooltip and in
    View → Messages…, and bar/beat and the melody summary on the right stay whole."""
    w = make_window()
    w.resize(1100, 700)
    w.show()
    qtbot.waitExposed(w)
    w._show_position(1920, 60)
    sb = w.statusBar()
    sb.showMessage(LONG_ERROR)
    QApplication.processEvents()
    assert sb.currentMessage() == LONG_ERROR  # callers' API unchanged
    shown = [c for c in sb.findChildren(QLabel) if c.isVisible() and c.toolTip() == LONG_ERROR]
    assert shown, "no visible status-bar label carries the full message as its tooltip"
    label = shown[0]
    shortened = label._elided()  # cut in the middle: what failed and why both stay in view
    assert "…" in shortened and shortened.startswith("Could not save") and shortened.endswith("another)")
    for info in (w.position_label, w.summary_label):
        g = info.geometry()
        assert info.isVisible() and info.text() and g.left() >= label.geometry().right()
        assert g.right() < sb.width() and info.width() >= info.sizeHint().width(), info.text()
    assert "notes" in w.summary_label.text() and "bar 2" in w.position_label.text()
    assert w.act_messages in w.view_menu.actions()
    assert LONG_ERROR in w.show_messages().text.toPlainText()
    w.messages_dialog.close()
    sb.showMessage("Saved", 50)  # a short one replaces it whole, and clears when it times out
    assert label.text() == "Saved" and label.toolTip() == ""
    qtbot.waitUntil(lambda: label.text() == "", timeout=2000)
    assert "Saved" in w.messages_dialog.text.toPlainText() or "Saved" in sb.history_text()


def test_toolbars_wrap_onto_two_rows_instead_of_hiding_buttons(qtbot, make_window):
    """Narrower than both toolbars (a small window, a large font): the piano-roll toolbar moves to a
    second row, nothing goes into the » menu; wide again, one row. The saved layout has no such row."""
    from PySide6.QtWidgets import QToolButton

    from ui.main_window import MainWindow

    w = make_window()
    w.resize(850, 600)
    w.show()
    qtbot.waitExposed(w)
    first, second = w.file_toolbar, w.roll_toolbar
    # 760: still wider than the roll toolbar alone
    for width, rows in ((850, 2), (1100, 1), (760, 2), (1400, 1), (850, 2)):
        w.resize(width, 600)
        QApplication.processEvents()
        assert (second.y() > first.y()) == (rows == 2), (width, first.geometry(), second.geometry())
        for tb in (first, second):
            assert not tb.findChild(QToolButton, "qt_toolbar_ext_button").isVisible(), (width, tb.objectName())
            assert all(tb.widgetForAction(a).isVisible() for a in tb.actions()), (width, tb.objectName())
    w.close()
    again = MainWindow(with_transport=False)
    qtbot.addWidget(again)
    again.resize(1400, 860)
    again.show()
    qtbot.waitExposed(again)
    assert again.roll_toolbar.y() == again.file_toolbar.y()


def test_the_shortcuts_window_lists_every_menu_shortcut(window, qtbot):
    from ui.shortcuts_dialog import shortcut_rows

    rows = shortcut_rows(window)
    by_command = {cmd: keys for _, cmd, keys in rows}
    assert by_command["Transpose Song"] == "Ctrl+T" and by_command["Change Chord at Cursor"] == "Ctrl+K"
    assert by_command["Export with Backing Band"] == "Ctrl+Shift+B" and "Undo" in by_command
    edit = window.menuBar().actions()[1].menu()
    for act in edit.actions():  # nothing in the Edit menu that has keys is left out
        if not act.shortcut().isEmpty():
            assert act.text().replace("&", "").rstrip("…").strip() in by_command
    assert window.act_shortcuts.shortcut().toString() == "F1"
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(rows) and dialog.table.item(0, 1).text() == rows[0][1]
    dialog.close()


def test_the_history_dock_lists_edits_and_goes_back_to_one(window):
    from PySide6.QtWidgets import QUndoView

    dock = window.docks["History"]
    view = dock.widget()
    assert isinstance(view, QUndoView) and not dock.isVisibleTo(window)  # hidden until View → History
    window.doc.redo(window.doc.plan_add([Note(0, 480, 60)]))  # as opened
    window.roll._push(window.doc.plan_add([Note(480, 960, 62)], "Add note"))
    window.roll._push(window.doc.plan_move(set(window.doc.notes), dp=2))
    assert view.model().rowCount() == 3  # "As opened" and the two edits
    assert sorted(n.pitch for n in window.doc.notes.values()) == [62, 64]
    view.setCurrentIndex(view.model().index(1, 0))  # back to after the first edit
    assert sorted(n.pitch for n in window.doc.notes.values()) == [60, 62]
