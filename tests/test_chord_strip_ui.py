"""The chord strip over the ruler: right-click a chord, pick another (or type one), hear the Band play it,
undo it, save it with the melody."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu

from mguv_app.lofi.backing import backing_for
from mguv_app.music import Melody, Note, read_midi, write_midi

BAR = 1920
# two bars of A minor arpeggio, then two of C major
TUNE = [Note(b * BAR + i * 480, b * BAR + (i + 1) * 480, 57 + pc)
        for b, tones in enumerate(((0, 3, 7, 3), (0, 3, 7, 12), (3, 7, 10, 7), (3, 7, 10, 15))) for i, pc in
        enumerate(tones)]


@pytest.fixture
def banded(qtbot, tmp_path, transport_window):
    path = tmp_path / "tune.mid"
    write_midi(Melody(TUNE, qpm=100), path)
    w = transport_window
    w.open_path(str(path))
    w.transport.band_button.setChecked(True)
    qtbot.waitUntil(lambda: bool(w.roll.chords), timeout=3000)
    return w


def actions(menu: QMenu) -> dict:
    return {a.text(): a for a in menu.actions() if a.text()}


def wait_for_band(qtbot, window):
    """Until the strip shows what the Band fits to the document as it is now."""
    qtbot.waitUntil(lambda: window.roll.chords == backing_for(window.melody).chord_spans(), timeout=3000)


def test_picking_a_suggested_chord_changes_what_the_band_plays_and_undo_brings_it_back(banded, qtbot):
    from ui.piano_roll.chord_menu import chord_menu

    roll = banded.roll
    fitted = list(roll.chords)
    span = fitted[0]
    menu = chord_menu(roll, span, span[0])
    items = actions(menu)
    suggestions = [t for t, a in items.items() if a.isCheckable()]
    assert len(suggestions) == 6 and "Other chord…" in items
    assert [t for t in suggestions if items[t].isChecked()] == [span[2]]  # what plays now is ticked
    assert items["Let the Band choose here"].isEnabled() is False  # nothing chosen yet
    other = next(t for t in suggestions if t != span[2])
    banded._autosave_dirty = False
    items[other].trigger()
    assert banded._autosave_dirty  # a chord choice is work the autosave keeps
    assert set(banded.doc.chords.values()) == {other}
    assert set(banded.doc.chords) == set(range(span[0], span[1], BAR // 2))
    wait_for_band(qtbot, banded)
    assert roll.chords[0][:4] == (span[0], span[1], other, True)
    assert banded.modified and banded.undo_stack.undoText() == f"Chord {other}"
    banded.undo_stack.undo()
    assert banded.doc.chords == {}
    wait_for_band(qtbot, banded)
    assert roll.chords == fitted


def test_typing_a_chord_and_letting_the_band_choose_again(banded, qtbot):
    from ui.piano_roll.chord_menu import chord_menu

    roll = banded.roll
    errors = []
    roll.show_error = lambda parent, title, text: errors.append(text)
    span = roll.chords[-1]
    roll.ask_chord = lambda parent, where, current: "xyz"
    actions(chord_menu(roll, span, span[0]))["Other chord…"].trigger()
    assert banded.doc.chords == {} and "not a chord symbol" in errors[0]  # explained, nothing changed
    roll.ask_chord = lambda parent, where, current: None  # cancelled
    actions(chord_menu(roll, span, span[0]))["Other chord…"].trigger()
    assert banded.doc.chords == {} and banded.undo_stack.count() == 0
    roll.ask_chord = lambda parent, where, current: "bb7"
    actions(chord_menu(roll, span, span[0]))["Other chord…"].trigger()
    wait_for_band(qtbot, banded)
    assert roll.chords[-1][2:] == ("Bb7", True)  # a chord outside A minor, spelled as typed
    menu = chord_menu(roll, roll.chords[-1], roll.chords[-1][0])
    assert actions(menu)["Let the Band choose every chord"].isEnabled()
    actions(menu)["Let the Band choose here"].trigger()
    assert banded.doc.chords == {}
    wait_for_band(qtbot, banded)
    assert not any(c for *_, c in roll.chords)


def test_a_held_chord_can_be_changed_for_half_a_bar(banded, qtbot):
    from ui.piano_roll.chord_menu import chord_menu

    roll = banded.roll
    span = next(s for s in roll.chords if s[1] - s[0] >= BAR)
    menu = chord_menu(roll, span, span[0] + BAR // 2 + 10)  # clicked in its second half
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert sub.title().startswith("Only bar") and "beats 3–4" in sub.title()
    pick = next(a for a in sub.actions() if a.isCheckable() and a.text() != span[2])
    pick.trigger()
    assert banded.doc.chords == {span[0] + BAR // 2: pick.text()}
    wait_for_band(qtbot, banded)
    assert (span[0] + BAR // 2, span[0] + BAR, pick.text(), True) in roll.chords


def test_chosen_chords_are_saved_with_the_melody(banded, qtbot, tmp_path):
    from ui.piano_roll.chord_menu import set_chord

    set_chord(banded.roll, 0, BAR, "Fmaj7")
    out = tmp_path / "saved.mid"
    assert banded.save_as(str(out)) and not banded.modified
    assert read_midi(out).melody.chords == {0: "Fmaj7", BAR // 2: "Fmaj7"}
    banded.file_new()
    assert banded.doc.chords == {}
    assert banded.open_path(str(out))
    assert banded.doc.chords == {0: "Fmaj7", BAR // 2: "Fmaj7"}
    wait_for_band(qtbot, banded)
    assert banded.roll.chords[0][2:] == ("Fmaj7", True)


def test_right_click_on_the_strip_opens_the_chord_menu_and_below_it_the_bar_menu(banded, qtbot):
    from PySide6.QtTest import QTest

    roll = banded.roll
    banded.show()
    qtbot.waitExposed(banded)
    roll.set_loop(0, BAR)
    x = round(roll.geo.tick_to_x(roll.chords[0][0] + 100))
    QTest.mouseClick(roll.ruler, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, QPoint(x, 5))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    popup = QApplication.activePopupWidget()
    assert "Other chord…" in actions(popup)
    popup.close()
    assert roll.loop == (0, BAR)  # the strip's right-click is the chord menu, not the bar's
    QTest.mouseClick(roll.ruler, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, roll.ruler.height() - 5))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    popup = QApplication.activePopupWidget()
    assert "Clear Loop" in actions(popup) and "Other chord…" not in actions(popup)  # below it: the bar's menu
    next(a for a in popup.actions() if a.text() == "Clear Loop").trigger()
    popup.close()
    assert roll.loop is None


def test_export_with_backing_band_is_what_the_band_plays(banded, tmp_path):
    import pretty_midi

    from ui.piano_roll.chord_menu import set_chord

    set_chord(banded.roll, BAR, 2 * BAR, "Bb7")
    next(a for a in banded.transport.sound_actions.actions() if a.text() == "Organ").trigger()
    out = tmp_path / "band.mid"
    assert banded.export_backing(str(out))
    pm = pretty_midi.PrettyMIDI(str(out))
    assert [i.program for i in pm.instruments][1:3] == [16, 33]  # the organ and fingered bass, as heard
    assert read_midi(out).melody.chords == {BAR: "Bb7", BAR + BAR // 2: "Bb7"}
    bar2 = {round(n.pitch) % 12 for n in pm.instruments[1].notes
            if BAR - 40 <= round(pm.time_to_tick(n.start)) < 2 * BAR - 40}
    assert bar2 == {10, 2, 5, 8}  # Bb7 is what the chords track plays in bar 2


def test_hovering_a_suggestion_sounds_the_chord(banded):
    from ui.piano_roll.chord_menu import chord_menu

    heard = []
    banded.roll.auditionRequested.connect(lambda pitch, vel: heard.append(pitch))
    span = banded.roll.chords[0]
    menu = chord_menu(banded.roll, span, span[0])
    items = actions(menu)
    f = next(a for t, a in items.items() if a.isCheckable() and t.startswith("F"))
    f.hover()
    assert heard and heard[0] % 12 == 5 and heard[0] < 48  # the bass root, low
    assert {p % 12 for p in heard[1:]} >= {5, 9, 0} and all(48 <= p <= 76 for p in heard[1:])
    heard.clear()
    items["Other chord…"].hover()
    assert heard == []  # only chord items sound


def test_the_edit_menu_opens_the_chord_menu_at_the_cursor(banded, qtbot):
    banded.show()
    qtbot.waitExposed(banded)
    roll = banded.roll
    roll.set_edit_cursor(roll.chords[-1][0] + 10)
    assert banded.act_chord.shortcut().toString() == "Ctrl+K"
    banded.act_chord.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    popup = QApplication.activePopupWidget()
    start, _, name, _ = roll.chords[-1]
    header = popup.actions()[0].text()  # the cursor's chord: "Bars 3–4: Cmaj7"
    assert header.startswith(("Bar ", "Bars ")) and f" {start // BAR + 1}" in header and header.endswith(f": {name}")
    popup.close()
    banded.transport.band_button.setChecked(False)
    assert not banded.chord_at_cursor() and "Turn the Band on" in banded.statusBar().currentMessage()


def test_a_chosen_chord_is_underlined_in_the_strip(banded, qtbot):
    from PySide6.QtGui import QColor

    from ui.piano_roll.chord_menu import set_chord
    from ui.piano_roll.ruler import CHORD_STRIP

    banded.show()
    qtbot.waitExposed(banded)
    roll = banded.roll
    set_chord(roll, BAR, 2 * BAR, "Bb7")
    wait_for_band(qtbot, banded)

    def underline(tick):
        img = roll.ruler.grab().toImage()
        return img.pixelColor(round(roll.geo.tick_to_x(tick)), CHORD_STRIP - 1) == QColor(roll.theme.cursor)

    assert underline(BAR + BAR // 2) and not underline(BAR // 2)


def test_in_three_four_a_chord_is_a_whole_bar(banded, qtbot):
    from ui.piano_roll.chord_menu import chord_menu

    waltz_bar = 1440
    notes = [Note(b * waltz_bar + i * 480, b * waltz_bar + (i + 1) * 480, 67 + pc)
             for b, tones in enumerate(((0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7))) for i, pc in enumerate(tones)]
    banded.load_melody(Melody(notes, qpm=150, time_signature=(3, 4)))
    wait_for_band(qtbot, banded)
    roll = banded.roll
    assert all(s % waltz_bar == 0 and e % waltz_bar == 0 for s, e, *_ in roll.chords)
    span = roll.chord_span_at(waltz_bar + 10)
    menu = chord_menu(roll, span, waltz_bar + 10)
    header = menu.actions()[0].text()
    assert "beats" not in header and header.startswith(("Bar 2", "Bars "))
    pick = next(a for a in menu.actions() if a.isCheckable() and not a.isChecked())
    pick.trigger()
    assert set(banded.doc.chords) == set(range(span[0], span[1], waltz_bar))  # one chord a bar
    wait_for_band(qtbot, banded)
    assert (span[0], span[1], pick.text(), True) in roll.chords


def test_transpose_song_moves_notes_and_chosen_chords_in_one_step(banded, qtbot):
    from mguv_app.lofi.chord_symbols import transpose_symbol
    from ui.piano_roll.chord_menu import set_chord

    assert transpose_symbol("Bb7", 2) == "C7" and transpose_symbol("F#m7b5", -1) == "Fm7b5"
    assert transpose_symbol("Eb", 1) == "E" and transpose_symbol("Gbmaj7", 3) == "Amaj7"
    assert transpose_symbol("Am", 1) == "Bbm"  # a natural root takes the usual mix
    set_chord(banded.roll, BAR, 2 * BAR, "Bb7")
    before = sorted(n.pitch for n in banded.melody.notes)
    key_before = banded.roll.key
    banded.ask_semitones = lambda parent: 2
    assert banded.act_transpose.shortcut().toString() == "Ctrl+T"
    banded.act_transpose.trigger()
    assert sorted(n.pitch for n in banded.melody.notes) == [p + 2 for p in before]
    assert banded.doc.chords == {BAR: "C7", BAR + BAR // 2: "C7"}
    assert banded.roll.key == (key_before + 2) % 12 and banded.undo_stack.undoText() == "Transpose +2"
    wait_for_band(qtbot, banded)
    assert (BAR, 2 * BAR, "C7", True) in banded.roll.chords
    banded.undo_stack.undo()  # notes and chords come back together
    assert sorted(n.pitch for n in banded.melody.notes) == before and set(banded.doc.chords.values()) == {"Bb7"}
    assert banded.transpose_song(200)  # clamped: the highest note stops at 127
    assert max(n.pitch for n in banded.melody.notes) == 127
    assert not banded.transpose_song(1) and "cannot go further" in banded.statusBar().currentMessage()
    banded.ask_semitones = lambda parent: None  # cancelled
    assert not banded.transpose_song()


def test_the_strip_tooltip_names_the_whole_chord(banded, qtbot):
    from ui.piano_roll.chord_menu import set_chord

    roll = banded.roll
    set_chord(roll, 0, BAR // 2, "F#m7b5")  # a long symbol in a half bar: elided in the strip at low zoom
    qtbot.waitUntil(lambda: roll.chords[0][2] == "F#m7b5", timeout=3000)
    assert roll.ruler.chord_tooltip(roll.geo.tick_to_x(100)) == \
        "F#m7b5 (your choice): right-click (or Ctrl+K) to change it"
    fitted = roll.chords[-1]
    assert roll.ruler.chord_tooltip(roll.geo.tick_to_x(fitted[0] + 10)).startswith(f"{fitted[2]}: right-click")
    assert roll.ruler.chord_tooltip(roll.geo.tick_to_x(fitted[1] + 10 * BAR)) == ""  # past the last chord


def test_export_chord_chart_from_the_file_menu(banded, tmp_path):
    from ui.piano_roll.chord_menu import set_chord

    set_chord(banded.roll, BAR, 2 * BAR, "Bb7")
    asked = []
    banded.ask_text_path = lambda parent, title, suggested: asked.append(suggested) or str(tmp_path / "chart")
    assert banded.act_export_chart in banded.menuBar().actions()[0].menu().actions()
    banded.act_export_chart.trigger()
    assert asked[0].endswith("tune chords.txt")
    text = (tmp_path / "chart.txt").read_text(encoding="utf-8")
    assert text.startswith("tune · ") and " · 100 BPM · 4/4\n" in text and "| Bb7* " in text
    assert "Exported the chord chart" in banded.statusBar().currentMessage()
    banded.load_melody(Melody([]))
    assert not banded.export_chart(str(tmp_path / "empty.txt")) and not (tmp_path / "empty.txt").exists()
    assert "Nothing to chart" in banded.statusBar().currentMessage()
