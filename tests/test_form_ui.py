"""The Generate dock's Form row and Continue's answer, on the tiny model with the bundled phrase model."""

import numpy as np
from PySide6.QtCore import Qt

from mguv_app.music import melody_to_events
from tests.tiny_data import make_melody


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_form_row_previews_and_generate_writes_in_the_form(qtbot, generation_window):
    w = generation_window
    panel, session = w.generate_panel, w.generation
    box = panel.form_box
    panel.bars.setValue(16)
    box.set_text("auto")
    assert box.preview.text() == "A B A C · 4-bar phrases"
    panel.bars.setValue(8)
    assert box.preview.text().startswith("A A'")  # a period for 8 bars
    box.set_text("AABA")  # typed: its phrases share the 8 bars
    assert box.preview.text() == "A A B A · 2-bar phrases"
    panel.bars.setValue(10)  # ... but not 10
    assert "16 bars long, the melody 10" in box.preview.text()
    click(qtbot, panel.generate_button)
    assert not session.busy and "16 bars long" in panel.new_page.error.text()  # said at the action, nothing ran
    assert "16 bars long" in w.statusBar().currentMessage()
    panel.bars.setValue(16)
    panel.count.setValue(2)
    click(qtbot, panel.generate_button)
    qtbot.waitUntil(lambda: not session.busy, timeout=120000)
    assert panel.results.count() == 2 and all("A A B A" in m.name for m in panel.results.melodies)
    for m in panel.results.melodies:
        bars = melody_to_events(m, 256).reshape(16, 16)
        np.testing.assert_array_equal(bars[4:8], bars[12:16])
    assert w.settings.get("generate/form", "", str) == "AABA"  # kept for the next session


def test_continue_can_answer_the_phrase(qtbot, generation_window):
    w = generation_window
    panel, session = w.generate_panel, w.generation
    w.replace_melody(make_melody(np.random.default_rng(3), 4), "a tune")
    panel.continue_bars.setValue(4)
    panel.continue_answer.setCurrentIndex(panel.continue_answer.findData("answer"))
    click(qtbot, panel.continue_button)
    qtbot.waitUntil(lambda: not session.busy, timeout=120000)
    out = panel.results.melodies[0]
    assert "(answer)" in out.name
    new, old = melody_to_events(out, 128)[64:], melody_to_events(w.melody, 64)
    np.testing.assert_array_equal(new[:32], old[:32])  # the answer begins as the phrase began
