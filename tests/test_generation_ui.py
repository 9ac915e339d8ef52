"""The Generate dock on the tiny model: variations, continue, interpolate, cancel, no model, no stalls."""

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mguv_app.music import Melody
from tests.qt_helpers import settled_on
from tests.tiny_data import make_melody


@pytest.fixture
def window(generation_window):
    return generation_window


def click(qtbot, button):
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot, session, timeout=120000):
    qtbot.waitUntil(lambda: not session.busy, timeout=timeout)


def test_generate_gives_distinct_variations_that_can_be_placed(qtbot, window):
    panel, session = window.generate_panel, window.generation
    panel.count.setValue(3)
    panel.bars.setValue(4)
    panel.seed.setValue(42)
    panel.seed_lock.setChecked(True)
    before = len(session.store.points)
    click(qtbot, panel.generate_button)
    assert panel.busy_bar.isVisibleTo(panel) and not panel.generate_button.isEnabled()  # busy while it runs
    wait_idle(qtbot, session)
    ms = panel.results.melodies
    assert panel.results.count() == 3 and len({tuple(m.notes) for m in ms}) == 3
    assert all(m.notes for m in ms) and panel.seed.value() == 42  # locked seed kept
    assert len(session.store.of_source("generated")) == 3 and len(session.store.points) == before + 3
    first = panel.results.item(1)
    rect = panel.results.visualItemRect(first)
    qtbot.mouseClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # listen
    qtbot.mouseDClick(panel.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # place
    assert window.melody.notes == ms[1].notes
    window.undo_stack.undo()
    assert window.melody.notes == []
    window.roll.set_edit_cursor(window.doc.ticks_per_bar * 2)
    panel.results.setCurrentRow(0)
    click(qtbot, panel.insert_button)
    assert window.melody.notes == ms[0].shifted(window.doc.ticks_per_bar * 2).notes
    panel.seed_lock.setChecked(False)
    click(qtbot, panel.generate_button)  # unlocked: a fresh seed, new melodies
    wait_idle(qtbot, session)
    assert panel.results.melodies[0].notes != ms[0].notes or panel.seed.value() != 42


def test_generate_fits_the_key_chosen_in_the_roll(qtbot, window):
    from mguv_app.editing import guess_key, shift_into_scale

    panel, session = window.generate_panel, window.generation
    assert not panel.fit_key.isEnabled() and panel.target_key() is None  # an empty roll has no key yet
    panel.count.setValue(1)
    click(qtbot, panel.generate_button)
    wait_idle(qtbot, session)
    panel.place(0, "replace")  # the first melody placed gives the roll its key
    key = guess_key(panel.results.melodies[0].notes)
    assert (window.roll.key, window.roll.scale) == key != (0, "Chromatic") and panel.target_key() == key
    window.roll_toolbar.set_scale(2, "Dorian")
    assert panel.fit_key.isEnabled() and panel.fit_key.isChecked() and "D dorian" in panel.fit_key.text()
    panel.count.setValue(5)
    panel.bars.setValue(4)
    panel.seed.setValue(8)
    panel.seed_lock.setChecked(True)
    results = {}
    for fit in (False, True):
        panel.fit_key.setChecked(fit)
        click(qtbot, panel.generate_button)
        wait_idle(qtbot, session)
        results[fit] = [m.notes for m in panel.results.melodies]
    assert "in D dorian" in panel.status.text()
    shifts = [shift_into_scale(notes, 2, "Dorian") for notes in results[False]]
    assert any(shifts)
    for notes, fitted, shift in zip(results[False], results[True], shifts, strict=True):
        assert [n.pitch for n in fitted] == [n.pitch + shift for n in notes]
        assert shift_into_scale(fitted, 2, "Dorian") == 0
    window.roll_toolbar.set_scale(2, "Chromatic")
    assert not panel.fit_key.isEnabled() and panel.target_key() is None
    panel.fit_key.setChecked(False)  # the choice is remembered for the next window
    assert window.settings.get("generate/fit_key", True, bool) is False


def test_generate_over_the_chosen_chords_keeps_the_best_fitting_samples(qtbot, window):
    from mguv_app.generation.jobs import CHORD_CANDIDATES
    from mguv_app.lofi.backing import chord_fit
    from ui.piano_roll.chord_menu import set_chord

    panel, session = window.generate_panel, window.generation
    assert not panel.fit_chords.isEnabled() and panel.target_chords() is None  # no chords chosen yet
    bar = window.doc.ticks_per_bar
    for b, name in enumerate(["C", "Am", "F", "G"]):
        set_chord(window.roll, b * bar, (b + 1) * bar, name)
    assert panel.fit_chords.isEnabled() and panel.fit_chords.isChecked() and "4 bars" in panel.fit_chords.text()
    chords = panel.target_chords()
    assert chords == window.doc.chords and len(chords) == 8
    panel.count.setValue(3)
    panel.bars.setValue(4)
    panel.seed.setValue(11)
    panel.seed_lock.setChecked(True)
    fits = {}
    for on in (False, True):
        panel.fit_chords.setChecked(on)
        click(qtbot, panel.generate_button)
        wait_idle(qtbot, session)
        fits[on] = [chord_fit(m, chords) for m in panel.results.melodies]
    assert f"best fit to your chords of {CHORD_CANDIDATES}" in panel.status.text()
    assert all(b >= a for a, b in zip(fits[False], fits[True], strict=True))  # never worse: the plain one competes
    assert sum(fits[True]) > sum(fits[False])
    while window.doc.chords:  # take the chords back: nothing left to fit
        window.undo_stack.undo()
    assert not panel.fit_chords.isEnabled() and panel.target_chords() is None


def test_continue_the_selection_keeps_the_prompt(qtbot, window):
    panel, session = window.generate_panel, window.generation
    song = make_melody(np.random.default_rng(4), 4)
    window.load_melody(song)
    bar = song.ticks_per_bar
    window.doc.select([i for i, n in window.doc.notes.items() if n.start < 2 * bar])  # bars 1-2
    panel.continue_bars.setValue(2)
    click(qtbot, panel.continue_button)
    wait_idle(qtbot, session)
    out = panel.results.melodies[0]
    prompt = song.bars(0, 2).notes
    assert out.notes[: len(prompt)] == prompt and 2 < out.num_bars <= 4
    click(qtbot, panel.replace_button)
    assert window.melody.notes == out.notes
    window.load_melody(Melody())
    assert not panel.continue_() and "Draw or select" in panel.status.text()


def test_generate_in_three_four_says_what_the_model_knows(qtbot, window):
    window.load_melody(Melody([], qpm=100, time_signature=(3, 4)))
    panel, session = window.generate_panel, window.generation
    panel.count.setValue(1)
    panel.bars.setValue(2)
    click(qtbot, panel.generate_button)
    wait_idle(qtbot, session)
    assert "learnt 4/4 melodies, so its phrases run in 4/4 bars, not 3/4" in panel.status.text()


def test_the_bundled_models_follow_the_meter(qtbot, bundled_pair, meter_window):
    """With no model chosen in the Training tab, a 3/4 melody gets the bundled 3/4 model (and the map its
    reference points), 4/4 the 4/4 one again; a model the user chose stays whatever the meter."""
    from mguv_app.engine import TrainedModel
    from mguv_app.models_registry import set_active_model
    from ui.lofi_link import attach_lofi

    four, three = bundled_pair
    w, session = meter_window((3, 4))  # a 3/4 melody opened before the model loads
    endless = attach_lofi(w, player_factory=lambda: None)  # plays 4/4 lo-fi: it must not get a 3/4 model

    def settled(folder):
        settled_on(qtbot, session, folder)

    settled(three)
    assert session.model.time_signature == (3, 4) and endless.model is None
    panel = w.generate_panel
    panel.count.setValue(1)
    panel.bars.setValue(2)
    click(qtbot, panel.generate_button)
    wait_idle(qtbot, session)
    m = panel.results.melodies[0]
    assert m.time_signature == (3, 4) and "phrases run" not in panel.status.text()
    assert m.end_tick <= 2 * m.ticks_per_bar
    w.set_song_settings(time_signature=(4, 4))
    settled(four)
    assert endless.model is session.model
    w.undo_stack.undo()  # back to 3/4: the undo is a meter change like any other
    settled(three)
    assert endless.model.folder == four  # Endless keeps its 4/4 model
    set_active_model(four)  # the user chose the 4/4 model: it stays in 3/4, and Generate says so
    try:
        session.load_model(lambda: TrainedModel(four))
        settled(four)
        assert not session.follow_meter()
        click(qtbot, panel.generate_button)
        wait_idle(qtbot, session)
        assert "so its phrases run in 4/4 bars, not 3/4" in panel.status.text()
    finally:
        set_active_model(None)


def test_vary_the_melody(qtbot, window):
    panel, session = window.generate_panel, window.generation
    song = make_melody(np.random.default_rng(4), 4)
    window.load_melody(song)
    panel.count.setValue(2)
    panel.vary_amount.setValue(0.4)
    click(qtbot, panel.vary_button)
    wait_idle(qtbot, session)
    assert "2 variations 0.40 away" in panel.status.text() and panel.results.count() == 2
    assert window.settings.get("generate/vary_amount", 0.0, float) == 0.4  # remembered
    click(qtbot, panel.replace_button)
    assert window.melody.notes == panel.results.melodies[0].notes != song.notes
    window.undo_stack.undo()
    assert window.melody.notes == song.notes


def test_rewrite_the_selected_bars_and_again(qtbot, window):
    panel, session = window.generate_panel, window.generation
    song = make_melody(np.random.default_rng(4), 4)
    window.load_melody(song)
    bar = song.ticks_per_bar
    window.doc.select([i for i, n in window.doc.notes.items() if bar <= n.start < 2 * bar][:1])  # one note of bar 2
    assert session.rewrite_span() == (bar, 2 * bar) and panel.rewrite_button.text() == "Rewrite bar 2"
    panel.count.setValue(2)
    click(qtbot, panel.rewrite_button)
    wait_idle(qtbot, session)
    assert "bar 2 rewritten, 2 versions" in panel.status.text() and panel.results.count() == 2
    out = panel.results.melodies[1]
    assert [n for n in out.notes if n.start >= 2 * bar] == [n for n in song.notes if n.start >= 2 * bar]
    assert [n.start for n in out.notes if n.start < bar] == [n.start for n in song.notes if n.start < bar]
    panel.results.setCurrentRow(1)
    click(qtbot, panel.replace_button)
    assert window.melody.notes == out.notes and window.undo_stack.undoText() == "Rewrite bars"
    assert session.rewrite_span() == (bar, 2 * bar) or not any(bar <= n.start < 2 * bar for n in out.notes)
    window.undo_stack.undo()
    assert window.melody.notes == song.notes
    window.doc.clear_selection()
    window.roll.set_loop(2 * bar, 4 * bar)  # no selection: the loop region's bars
    assert session.rewrite_span() == (2 * bar, 4 * bar) and panel.rewrite_button.text() == "Rewrite bars 3–4"
    window.roll.set_loop(None, None)
    window.roll.set_edit_cursor(3 * bar + 100)  # nor a loop: the bar at the edit cursor
    assert session.rewrite_span() == (3 * bar, 4 * bar) and panel.rewrite_button.text() == "Rewrite bar 4"
    window.load_melody(Melody())
    assert panel.rewrite_button.text() == "Rewrite bars"
    assert not panel.rewrite() and "Draw some notes" in panel.status.text()


@pytest.mark.slow
def test_continue_over_the_chosen_chords_fits_the_new_bars(qtbot, window):
    from mguv_app.generation import continue_melody
    from mguv_app.lofi.backing import chord_fit
    from ui.piano_roll.chord_menu import set_chord

    panel, session = window.generate_panel, window.generation
    song = make_melody(np.random.default_rng(4), 4)
    window.load_melody(song)
    bar = song.ticks_per_bar
    for b, name in enumerate(["C", "Am", "F", "G"], start=4):  # chords for the bars to come, beyond the melody
        set_chord(window.roll, b * bar, (b + 1) * bar, name)
    window.doc.select([i for i, n in window.doc.notes.items() if n.start >= 2 * bar])  # bars 3-4: moved to bar 1
    prompt = session.prompt()
    assert prompt.chords == {t - 2 * bar: c for t, c in window.doc.chords.items()}  # the chords move with it
    panel.continue_bars.setValue(4)
    panel.seed.setValue(5)
    panel.seed_lock.setChecked(True)
    click(qtbot, panel.continue_button)
    wait_idle(qtbot, session)
    assert "the best fit to your chords of 16" in panel.status.text()
    out = panel.results.melodies[0]
    assert out.notes[: len(prompt.notes)] == prompt.notes
    ahead = {t: c for t, c in prompt.chords.items() if t >= 2 * bar}
    plain = continue_melody(session.model, prompt, 4, panel.temperature.value(), 5).melodies[0]
    assert chord_fit(out, ahead) >= chord_fit(plain, ahead) - 1e-9  # the plain continuation competed


def test_interpolate_between_two_variations(qtbot, window):
    panel, session = window.generate_panel, window.generation
    panel.count.setValue(2)
    panel.bars.setValue(4)
    panel.seed_lock.setChecked(True)
    click(qtbot, panel.generate_button)
    wait_idle(qtbot, session)
    a, b = panel.results.melodies
    box = panel.interpolate_box
    panel.results.item(0).setSelected(True)
    assert not box.run() and "two results" in panel.status.text()  # only one picked
    panel.results.item(1).setSelected(True)
    box.steps.setValue(4)
    click(qtbot, box.button)
    wait_idle(qtbot, session)
    steps = panel.results.melodies
    assert len(steps) == 4 and steps[0].notes == a.notes and steps[-1].notes == b.notes
    assert len(session.store.trail) == 4
    click(qtbot, panel.sequence_button)  # all in sequence, one after another
    bar = window.doc.ticks_per_bar
    assert window.melody.notes == [n.moved(dt=k * 4 * bar) for k, m in enumerate(steps) for n in m.notes]


def test_interpolate_from_the_selection_to_a_file(qtbot, window, tmp_path):
    from mguv_app.music import write_midi

    panel, session = window.generate_panel, window.generation
    song, other = make_melody(np.random.default_rng(1), 4), make_melody(np.random.default_rng(9), 4)
    write_midi(other, tmp_path / "b.mid")
    window.load_melody(song)
    window.doc.select_all()
    box = panel.interpolate_box
    box.source_a.setCurrentIndex(box.source_a.findData("selection"))
    box.source_b.setCurrentIndex(box.source_b.findData("file"))
    box.ask_open_path = lambda parent, start: str(tmp_path / "b.mid")
    box.steps.setValue(3)
    assert box.run()
    wait_idle(qtbot, session)
    steps = panel.results.melodies
    assert steps[0].notes == song.notes and steps[-1].notes == other.notes
    (tmp_path / "bad.mid").write_text("not midi")
    box.ask_open_path = lambda parent, start: str(tmp_path / "bad.mid")
    assert not box.run() and "could not read" in panel.status.text()


def test_attribute_sliders_change_the_melody_and_undo(qtbot, window):
    panel, session = window.generate_panel, window.generation
    song = make_melody(np.random.default_rng(2), 4)
    window.load_melody(song)
    box = panel.attributes_box
    enabled = [s for s in box.sliders.values() if s.isEnabled()]
    if not enabled:  # a model without attribute vectors: every slider disabled, nothing to move
        assert not session.model.attribute_vectors
        return
    enabled[0].setValue(100)
    qtbot.waitUntil(lambda: window.melody.notes != song.notes, timeout=120000)
    wait_idle(qtbot, session)
    window.undo_stack.undo()
    assert window.melody.notes == song.notes


def test_cancel_stops_a_long_job(qtbot, window):
    panel, session = window.generate_panel, window.generation
    panel.count.setValue(16)
    panel.bars.setValue(64)  # 16 long continuations: many seconds of work
    click(qtbot, panel.generate_button)
    click(qtbot, panel.cancel_button)
    wait_idle(qtbot, session)
    assert "cancelled" in panel.status.text() and panel.results.count() == 0
    assert panel.generate_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_without_a_model_the_panel_says_so_and_stays_disabled(qtbot, make_window):
    from ui.generation_link import attach_generation

    w = make_window(with_transport=True)

    def missing():
        raise FileNotFoundError("no model at /nowhere/melody_16bar")

    session = attach_generation(w, model_loader=missing)
    assert not session.loading  # nothing loads before the window is shown
    w.show()
    qtbot.waitUntil(lambda: session.model_error is not None, timeout=60000)
    panel = w.generate_panel
    assert "No model installed yet" in panel.status.text()
    assert not panel.generate_button.isEnabled() and not panel.continue_button.isEnabled()
    assert not w.latent_map.widget.pin_a.isEnabled()
    assert not panel.generate() and "No model installed yet" in panel.status.text()


def test_every_network_call_of_a_generation_runs_on_the_worker_not_the_gui_thread(qtbot, window):
    """The GUI thread never runs the network: every encode, decode and latent fit of a Generate click
    (sampling plus a continuation each, and the map points of the results) runs on the generation worker,
    so the event loop goes on however long the model takes on a busy machine. How long the event loop
    stalls is a figure, measured by ``benchmarks/bench_latent_drag.py``, not asserted here."""
    panel, session = window.generate_panel, window.generation
    net = session.model.model  # the MusicVAE module under the facade
    calls: list[tuple[str, threading.Thread]] = []

    def spy(name):
        original = getattr(net, name)

        def call(*args, **kw):
            calls.append((name, threading.current_thread()))
            return original(*args, **kw)
        return call

    entry_points = ("encode", "decode", "prompt_log_likelihood")
    for name in entry_points:
        setattr(net, name, spy(name))
    try:
        panel.count.setValue(3)
        panel.bars.setValue(6)  # longer than the model: sampling plus a continuation each
        click(qtbot, panel.generate_button)
        assert session.busy  # the click returned while the model works
        wait_idle(qtbot, session)
    finally:
        for name in entry_points:
            delattr(net, name)
    assert panel.results.count() == 3
    assert {"encode", "decode", "prompt_log_likelihood"} <= {name for name, _ in calls}
    assert not [name for name, thread in calls if thread is threading.main_thread()]
    assert {thread.name.split("_")[0] for _, thread in calls} == {"mguv-generate"}


def test_temperature_starts_at_the_models_measured_best(qtbot, tiny_trained_model, tmp_path, make_window):
    """A model shipped with a measured sample_temperature (evaluate_model's sweep) sets the dock's default."""
    import json
    import shutil

    from mguv_app.engine import TrainedModel
    from ui.generation_link import attach_generation
    folder = tmp_path / "model"
    shutil.copytree(tiny_trained_model, folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "sample_temperature": 0.7}))
    w = make_window(with_transport=True)
    session = attach_generation(w, model_loader=lambda: TrainedModel(folder, device="cpu"))
    assert w.generate_panel.temperature.value() == 1.0  # nothing known before the model loads
    w.show()
    qtbot.waitUntil(lambda: session.model is not None, timeout=120000)
    assert w.generate_panel.temperature.value() == pytest.approx(0.7)
    assert "0.70" in w.generate_panel.temperature.toolTip()


def _shown_in(widget, area) -> bool:
    """Whether ``widget``'s top rows are on screen inside ``area`` (a scroll area's viewport, a dock)."""
    top_left = widget.mapTo(area, widget.rect().topLeft())
    return widget.isVisible() and top_left.y() >= 0 and top_left.y() + min(widget.height(), 40) <= area.height()


def test_a_short_dock_shows_the_busy_bar_and_scrolls_to_new_results(qtbot, window):
    """At 1100x700 (the map stacked under Generate) the Generate dock scrolls. Started with the panel at its
    top (the action tabs), a job still shows its busy bar and Cancel; the results it brings are scrolled into
    view."""
    from PySide6.QtWidgets import QScrollArea

    panel, session = window.generate_panel, window.generation
    window.resize(1100, 700)
    qtbot.waitUntil(lambda: window.width() <= 1100)
    scroll = next(a for a in window.findChildren(QScrollArea) if a.widget() is panel)
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() > 0)  # the panel is taller than the dock
    dock = scroll.parentWidget()
    scroll.verticalScrollBar().setValue(0)  # up at the action tabs
    assert not _shown_in(panel.results, scroll.viewport())
    panel.count.setValue(2)
    panel.bars.setValue(4)
    click(qtbot, panel.generate_button)
    assert _shown_in(panel.busy_bar, dock) and _shown_in(panel.cancel_button, dock)
    wait_idle(qtbot, session)
    assert panel.results.count() == 2
    assert _shown_in(panel.results, scroll.viewport())


def test_the_generate_menu_works_from_the_keyboard(qtbot, window):
    """Ctrl+Return generates, Ctrl+Shift+Return continues the melody; the actions follow the buttons."""
    panel, session = window.generate_panel, window.generation
    menu = window.generate_menu
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Generate") == titles.index("Help") - 1
    generate, cont = menu.actions()[0], menu.actions()[1]
    assert generate.isEnabled() and "Ctrl+Return" in generate.shortcut().toString()
    panel.count.setValue(2)
    panel.bars.setValue(4)
    window.activateWindow()
    window.roll.setFocus()
    qtbot.keyClick(window.roll, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert session.busy and not generate.isEnabled()  # disabled with its button while the job runs
    wait_idle(qtbot, session)
    assert panel.results.count() == 2 and generate.isEnabled()
    song = make_melody(np.random.default_rng(5), 4)
    window.load_melody(song)
    panel.continue_bars.setValue(2)
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.roll, Qt.Key.Key_Return, ctrl_shift)
    assert session.busy and not cont.isEnabled()
    wait_idle(qtbot, session)
    out = panel.results.melodies[0]  # the melody plus two new bars, offered as a result
    assert out.notes[: len(song.notes)] == song.notes and out.num_bars == 6


def test_errors_show_at_the_action_and_in_the_status_bar(qtbot, window):
    """The walkthrough: errors went to a line at the top of the dock, scrolled away; Ctrl+I with nothing to
    interpolate seemed to do nothing. Now each shows under its action (that tab in front), on the message
    line under the dock's scrolling part, and in the status bar, and says what to do."""
    from ui.widgets import scroll_into_view

    panel = window.generate_panel
    scroll_into_view(panel.results_box)
    ctrl_i = next(a for a in window.generate_menu.actions() if a.shortcut().toString() == "Ctrl+I")
    ctrl_i.trigger()  # no results, no pins
    box = panel.interpolate_box
    assert panel.actions_tabs.currentWidget() is box and box.error.isVisible()
    text = box.error.text()
    assert "Ctrl+click two results" in text and "Pin A" in text
    assert window.statusBar().currentMessage() == text and panel.status.text() == text
    area = panel.parentWidget().parentWidget()  # the dock's scroll area (the panel sits in its viewport)
    top = box.error.mapTo(area.viewport(), box.error.rect().topLeft())
    assert area.viewport().rect().contains(top), "the error is scrolled out of sight"
    assert panel.status.isVisible()  # the message line is under the scrolling part
    window.load_melody(Melody())
    assert not panel.continue_()
    assert panel.actions_tabs.currentWidget() is panel.yours_page and panel.yours_page.error.isVisible()
    assert "Draw or select" in panel.yours_page.error.text()
    assert "Draw or select" in window.statusBar().currentMessage()
    panel.count.setValue(1)
    panel.bars.setValue(4)
    click(qtbot, panel.generate_button)  # a new run on a page clears that page's old error
    wait_idle(qtbot, session=window.generation)
    assert not panel.new_page.error.isVisible()


def test_interpolate_follows_what_the_user_set_last(qtbot, window):
    panel, session = window.generate_panel, window.generation
    box = panel.interpolate_box
    assert box.source_a.currentData() == box.source_b.currentData() == "result"
    panel.count.setValue(3)
    panel.bars.setValue(4)
    click(qtbot, panel.generate_button)
    wait_idle(qtbot, session)
    point = next(iter(session.store.points.values()))
    session.pin("A", point.label, point.z)
    assert box.source_a.currentData() == "pin" and box.source_b.currentData() == "result"
    session.pin("B", point.label, point.z)
    assert box.source_a.currentData() == box.source_b.currentData() == "pin"
    panel.results.item(0).setSelected(True)
    panel.results.item(2).setSelected(True)  # two results picked (Ctrl+click): they are what the user set last
    assert box.source_a.currentData() == box.source_b.currentData() == "result"
    session.pin("A", point.label, point.z)  # pinning again: back to the pin
    assert box.source_a.currentData() == "pin"
    session.store.unpin("A")
    assert box.source_a.currentData() == "result"
