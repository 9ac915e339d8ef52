"""Real files keep their bars in the window: opened, edited (notes, transpose, a meter at a bar, bars in and out,
Continue's notes placed) and saved with every time signature at its tick; the ruler's menu edits the meter map
one undo step at a time; the roll draws the real bars; the Generate dock says which bars the model keeps."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from mguv_app.music import read_midi
from tests.meter_files import PICKUPS, Q, built, changing_meters, chunks, folk_tune, pickup_tune, ts_events


@pytest.fixture
def window(transport_window):
    return transport_window


@pytest.mark.parametrize("kind", ["folk", "changes", *PICKUPS])
def test_open_edit_save_keeps_every_time_signature_at_its_tick(window, tmp_path, kind):
    from ui import commands

    src = built(tmp_path, kind)
    before = ts_events(src)
    assert window.open_path(str(src))
    doc = window.doc
    first = min(doc.notes, key=lambda i: doc.notes[i].start)
    commands.push(window.undo_stack, doc, doc.plan_move([first], dp=5), commands.MoveNotesCommand)
    assert window.transpose_song(2)
    window.transport.bpm.setValue(96)
    assert window.save()
    assert ts_events(src) == before
    back = read_midi(src).melody
    assert back.qpm == 96 and back.notes == window.melody.notes and back.meters == window.melody.meters


def test_the_roll_draws_the_folk_tune_s_real_bars(window, tmp_path):
    assert window.open_path(str(folk_tune(tmp_path / "folk.mid")))
    roll = window.roll
    labels = roll.ruler._meter_labels(window.doc.meter_map)
    assert labels == {0: "3/4", 7: "2/4", 8: "3/4", 15: "2/4", 16: "3/4", 23: "2/4", 24: "3/4", 31: "2/4", 32: "3/4"}
    assert roll.geo.length_ticks == window.doc.meter_map.bar_start(33 + 8)  # 8 bars past the end, real bars
    roll.ruler.grab()  # paints along the map (no exception, no uniform grid assumed)
    roll.viewport().grab()
    window._show_position(7 * 3 * Q + Q, 60)  # beat 2 of bar 8 (2/4)
    assert window.position_label.text().startswith("bar 8 · beat 2")
    window._show_position(7 * 3 * Q + 2 * Q, 60)  # a beat later: bar 9, not beat 3 of bar 8
    assert window.position_label.text().startswith("bar 9 · beat 1")
    assert "3/4, 8 meter changes" in window.summary_label.text()


def test_a_pickup_is_bar_zero_on_its_last_beat(window, tmp_path):
    assert window.open_path(str(pickup_tune(tmp_path / "p.mid")))
    window._show_position(0, 67)
    assert window.position_label.text().startswith("bar 0 · beat 3")
    assert "pickup" in window.summary_label.text()
    assert window.doc.meter_map.bars_label(Q, 4 * Q) == "bar 1"


def right_click_bar(window, qtbot, tick):
    """The ruler's menu of the bar at ``tick``, as a right-click opens it."""
    roll = window.roll
    roll.scroll_to_tick(max(0, tick - 2 * Q), margin=0)
    x = round(roll.geo.tick_to_x(tick + 60))
    QTest.mouseClick(roll.ruler, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, roll.ruler.height() - 5))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    return QApplication.activePopupWidget()


def find(menu, text):
    for act in menu.actions():
        if act.text() == text:
            return act
        if act.menu() is not None and (found := find(act.menu(), text)) is not None:
            return found
    return None


def test_the_ruler_menu_changes_the_meter_at_a_bar_one_undo_step_at_a_time(window, qtbot, tmp_path):
    src = folk_tune(tmp_path / "folk.mid")
    before = ts_events(src)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(str(src))
    doc, stack = window.doc, window.undo_stack
    bar8 = doc.meter_map.bar_start(7)
    menu = right_click_bar(window, qtbot, bar8)
    assert menu.actions()[0].text() == "Bar 8: 2/4"
    assert find(menu, "2/4").isChecked() and find(menu, "Meter from Bar 8") is not None
    find(menu, "Remove the Meter Change at Bar 8").trigger()
    menu.close()
    assert doc.meter_map.bar(7).time_signature == (3, 4) and stack.undoText() == "Remove the meter change at bar 8"
    assert doc.meter_map.bar_start(15) == bar8 + 8 * 3 * Q  # bar 16 (2/4) keeps its number, a beat later

    menu = right_click_bar(window, qtbot, doc.meter_map.bar_start(2))
    find(menu, "6/8").trigger()  # bar 3 on in 6/8, until the next change
    menu.close()
    assert doc.meter_map.bar(2).time_signature == (6, 8) and doc.meter_map.bar(15).time_signature == (2, 4)
    assert stack.count() == 2 and stack.undoText() == "Meter 6/8 from bar 3"
    stack.undo()
    stack.undo()
    assert doc.meter_map.events == read_midi(src).melody.meter_map.events
    assert window.save() and ts_events(src) == before  # undone to the file's bars: saved as they were


def test_the_ruler_menu_inserts_and_deletes_bars_with_their_notes(window, qtbot, tmp_path):
    from ui.piano_roll.bar_menu import delete_bars, insert_bars

    src = folk_tune(tmp_path / "folk.mid")
    assert window.open_path(str(src))
    doc, stack = window.doc, window.undo_stack
    notes = sorted(doc.notes.values())
    assert insert_bars(window.roll, 7, 2)  # two 2/4 bars before bar 8
    assert stack.undoText() == "Insert 2 bars before bar 8"
    assert [doc.meter_map.bar(k).time_signature for k in (7, 8, 9, 10)] == [(2, 4)] * 3 + [(3, 4)]
    assert sorted(doc.notes.values())[21].start == 7 * 3 * Q + 2 * 2 * Q  # bar 8's notes moved on
    stack.undo()
    assert sorted(doc.notes.values()) == notes
    assert delete_bars(window.roll, 7)  # the 2/4 bar, its two notes with it
    assert len(doc.notes) == len(notes) - 2 and doc.meter_map.bar(7).time_signature == (3, 4)
    window.save()
    assert len(ts_events(src)) == 7 and read_midi(src).melody.meter_map.bar(14).time_signature == (2, 4)


def test_a_song_keeps_its_tracks_and_its_chords_fall_on_its_real_bars(window, tmp_path):
    src = folk_tune(tmp_path / "song.mid", tpq=96, piano=True)
    before, piano = ts_events(src), chunks(src)[2]
    assert window.open_path(str(src)) and window.song is not None
    meter_map = window.doc.meter_map
    bars = [meter_map.bar_start(k) for k in range(33)]
    assert sorted(window.doc.chords) == bars  # the piano's chord of each bar, the 2/4 bars' too
    assert window.transpose_song(-3)  # the notes and the song's chords
    assert window.save()
    assert ts_events(src) == before and chunks(src)[2] == piano  # the piano byte for byte
    back = read_midi(src).melody
    assert back.meters == window.doc.meters and sorted(back.chords) == bars


def test_continue_s_notes_land_in_the_melody_s_bars_and_the_dock_says_what_it_keeps(generation_window, qtbot,
                                                                                    tmp_path):
    window = generation_window
    panel = window.generate_panel
    assert window.open_path(str(changing_meters(tmp_path / "changes.mid")))
    qtbot.waitUntil(lambda: "kept as they are" in panel.status.text(), timeout=5000)
    assert panel.status.text() == "Continue, Rewrite and Vary: bars 5–8 are 3/4; bars 9–12 are 6/8: kept as " \
                                  "they are"  # the tiny model learnt 4/4 bars
    meters = window.doc.meters
    panel.continue_bars.setValue(2)
    assert panel.continue_()
    qtbot.waitUntil(lambda: not panel.session.busy and panel.results.count() > 0, timeout=60000)
    assert panel.status.text().endswith("bars 5–8 are 3/4; bars 9–12 are 6/8: kept as they are")
    assert panel.place(0, "replace")
    assert window.doc.meters == meters  # placed notes keep the melody's bars
