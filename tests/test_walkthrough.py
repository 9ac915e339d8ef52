"""A new user's walkthrough (issue 25), the parts no model is needed for: Open asks about unsaved changes
only after the file picker and a good read, a bad file says what to do, the roll follows a melody that
replaced the notes, the devices offered are the ones this computer has, the Training tab shows nothing
empty before there is something to show, a frozen Endless phrase goes into the document's tempo and
meter (or asks), and ``mguv lofi --minutes`` stops at the nearest phrase boundary."""

import pytest

from mguv_app.music import Melody, Note, write_midi
from tests.test_main_window import TUNE


def _truncated_midi(path):
    """A MIDI file whose track chunk claims one byte more than the file holds (an interrupted copy)."""
    good = (path.parent / "whole.mid")
    write_midi(Melody(TUNE), good)
    data = good.read_bytes()
    path.write_bytes(data[:-1])
    return path


def test_open_asks_about_unsaved_changes_only_after_the_picker_and_a_good_read(window, tmp_path):
    window.replace_melody(Melody(TUNE))
    assert window.modified
    asked = []
    window.ask_unsaved = lambda parent: asked.append(1) or "discard"
    window.ask_open_path = lambda parent, start: None  # the picker cancelled: nothing asked, nothing lost
    assert not window.file_open() and asked == [] and window.melody.notes == TUNE
    bad = _truncated_midi(tmp_path / "cut.mid")
    errors = []
    window.show_error = lambda parent, title, text: errors.append(text)
    window.show()
    window.ask_open_path = lambda parent, start: str(bad)  # a file that cannot be read: nothing asked either
    assert not window.file_open() and asked == [] and window.melody.notes == TUNE and window.modified
    message = window.statusBar().currentMessage()
    assert "cut.mid" in message and ("again" in message or "export" in message), message  # what to do
    assert errors and "export it as a MIDI file" in errors[0]
    good = tmp_path / "good.mid"
    write_midi(Melody([Note(0, 480, 72)]), good)
    window.ask_open_path = lambda parent, start: str(good)  # a good file: now the question, then it opens
    assert window.file_open() and asked == [1] and [n.pitch for n in window.melody.notes] == [72]
    window.replace_melody(Melody(TUNE))
    asked.clear()
    assert not window.open_file(str(bad)) and asked == []  # the same for Open Recent and a dropped file


def test_every_bad_file_kind_says_what_to_do():
    from mguv_app.music import errors

    for cls in (errors.MidiImportError, errors.NotMidiError, errors.CorruptMidiError, errors.FileTooLargeError,
                errors.NoMelodyError, errors.AbsurdTimingError):
        err = cls("x.mid", "track chunk 1 claims 246 bytes but only 245 remain")
        assert err.advice and err.explained.startswith("track chunk 1 claims") and err.advice in err.explained
        assert str(err) == "x.mid: track chunk 1 claims 246 bytes but only 245 remain"  # the CLI's line as it was


def test_the_roll_follows_a_melody_that_replaced_its_notes(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    roll = window.roll
    roll.zoom_x(1.5)  # the user has zoomed: the roll no longer fits by itself
    roll.geo.sy = 0.0  # scrolled to the very top (G9 down)
    roll._view_moved()
    low_notes = [Note(i * 240, i * 240 + 240, 36 + (i * 7) % 29) for i in range(29)]  # C2..E4, 29 notes
    window.replace_melody(Melody(low_notes))
    lo, hi = roll.geo.visible_pitches()
    assert lo < 36 and hi > 64, (lo, hi)  # every pitch of the new melody is in view
    first, last = roll.geo.visible_ticks()
    assert first <= 0 < last
    roll.scroll_by(dx=5000)  # away to the right, then the map's drag path replaces the notes
    from ui.generation import placing

    placing.replace(window, Melody([Note(0, 480, 90), Note(480, 960, 95)]), "Latent map drag", drag=1)
    lo, hi = roll.geo.visible_pitches()
    first, last = roll.geo.visible_ticks()
    assert lo < 90 and hi > 95 and first <= 0 < last


def test_only_the_devices_this_computer_has_are_offered(qtbot, monkeypatch):
    from mguv_app.engine import device
    from ui.training_tab.settings_form import SettingsForm

    device.cuda_status.cache_clear()
    monkeypatch.setattr(device, "torch_cuda_version", lambda: None)
    choices = device.device_choices()
    cuda = next(c for c in choices if c.value == "cuda")
    assert not cuda.available and "CPU-only" in cuda.reason
    monkeypatch.setattr(device, "torch_cuda_version", lambda: "12.1")
    monkeypatch.setattr(device, "nvidia_gpus", lambda: 0)
    device.cuda_status.cache_clear()
    assert "no NVIDIA GPU" in device.cuda_status()[1]
    monkeypatch.setattr(device, "nvidia_gpus", lambda: 1)
    device.cuda_status.cache_clear()
    assert device.cuda_status() == (True, "") and all(c.available for c in device.device_choices())
    device.cuda_status.cache_clear()
    form = SettingsForm()
    qtbot.addWidget(form)
    form.set_devices(choices)  # no GPU: greyed out, with the reason beside it
    i = form.device.findData("cuda")
    assert not form.device.model().item(i).isEnabled() and "CPU-only" in form.device.itemData(i, 3)
    assert "CPU-only" in form.device_note.text() and not form.device_note.isHidden()
    assert form.device_value == "auto" and "the CPU here" in form.device.currentText()
    form.set_devices(device.device_choices() if cuda.available else
                     [device.DeviceChoice("auto", "Automatic (the GPU)", True), device.DeviceChoice("cpu", "CPU", True),
                      device.DeviceChoice("cuda", "GPU (CUDA)", True)])
    assert form.device.model().item(form.device.findData("cuda")).isEnabled() and form.device_note.isHidden()


def test_device_choices_read_the_torch_build_without_importing_torch():
    import subprocess
    import sys

    code = ("import sys; from mguv_app.engine.device import device_choices; device_choices(); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr


def test_the_training_tab_shows_nothing_empty(qtbot, tmp_path):
    from ui.training_tab import TrainingTab

    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert not tab.scan_bar.isVisible()  # no "0 / 100 files" before a folder is chosen
    assert not tab.stats_plots.isVisible() and not tab.refused_button.isVisible()
    assert not tab.curves.isVisible() and not tab.curves_legend.isVisible() and tab.curves_placeholder.isVisible()
    assert tab.curves.plots["Accuracy"].legend is None  # no legend over a plot's curves
    assert tab.form.advanced.isHidden() and tab.form.device.isVisible()
    tab.curves.add({"step": 10, "loss": 3.0})
    assert tab.curves.isVisible() and tab.curves_legend.isVisible() and not tab.curves_placeholder.isVisible()
    tab.curves.clear_curves()
    assert not tab.curves.isVisible() and tab.curves_placeholder.isVisible()


def test_a_rescan_clears_what_the_last_scan_said_and_a_meter_problem_names_the_meter(qtbot, tmp_path):
    import numpy as np

    from tests.tiny_data import make_melody
    from ui.training_tab import TrainingTab

    folder = tmp_path / "waltzes"
    for i in range(3):
        m = make_melody(np.random.default_rng(i), 16)
        write_midi(Melody([n for n in m.notes], time_signature=(3, 4)), folder / f"w{i}.mid")
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab._meter_picked = True  # keep the meter the user chose (4/4), as after a first scan
    tab.set_folder(folder, keep_meter=True)
    qtbot.waitUntil(lambda: tab.scan_job is None, timeout=60_000)
    text = tab.message.text()
    assert "3/4" in text and "Meter" in text, text  # what to do: choose the meter the files are in
    assert not tab.scan_bar.isVisible() and not tab.stats_plots.isVisible()
    tab.form.set_meter((3, 4))  # switching the meter rescans: the old complaint goes
    qtbot.waitUntil(lambda: tab.scan_job is None and tab.windowset is not None, timeout=60_000)
    assert "No melody" not in tab.message.text()


def test_a_frozen_phrase_takes_the_documents_tempo_and_asks_before_its_meter():
    from mguv_app.lofi.freeze_fit import plan_freeze

    phrase = Melody([Note(0, 480, 66), Note(1920, 2400, 73)], qpm=80, time_signature=(4, 4),
                    chords={0: "F#", 960: "C#7"})
    same = plan_freeze(phrase, (4, 4), 120.0)
    assert same.meter is None and not same.question and same.melody.qpm == 120.0
    assert same.melody.notes == phrase.notes and same.melody.chords == phrase.chords
    assert "120 BPM" in same.note and "80" in same.note
    assert plan_freeze(phrase, (2, 2), 80.0).meter is None  # the same bars under another name: no question
    waltz = plan_freeze(phrase, (3, 4), 120.0)
    assert waltz.meter == (4, 4) and "3/4" in waltz.question and "4/4" in waltz.question
    assert phrase.qpm == 80  # the stream's phrase is not changed


def test_freezing_into_a_waltz_asks_and_changes_the_meter_in_the_same_undo_step(window):
    from ui.lofi_link import freeze_into

    window.set_song_settings(time_signature=(3, 4))
    window.set_song_settings(qpm=120.0)
    window.replace_melody(Melody([Note(0, 480, 57)], time_signature=(3, 4)))
    phrase = Melody([Note(0, 480, 66), Note(1920, 2400, 73)], qpm=80, chords={0: "F#", 960: "C#7"})
    questions = []
    window.ask_freeze_meter = lambda parent, text: questions.append(text) or False
    assert freeze_into(window, phrase, 80.0) is None  # said no: nothing changed
    assert window.doc.time_signature == (3, 4) and [n.pitch for n in window.melody.notes] == [57]
    assert "3/4" in questions[0]
    window.ask_freeze_meter = lambda parent, text: True
    note = freeze_into(window, phrase, 80.0)
    m = window.melody
    assert m.time_signature == (4, 4) and m.qpm == 120.0 and m.notes == phrase.notes and window.doc.chords
    assert "4/4" in note and "120 BPM" in note
    from mguv_app.editing import guess_key

    assert (window.roll.key, window.roll.scale) == guess_key(phrase.notes)  # the roll highlights the phrase's key
    window.undo_stack.undo()  # one step: the notes and the meter
    assert window.doc.time_signature == (3, 4) and [n.pitch for n in window.melody.notes] == [57]


def test_lofi_minutes_stop_at_the_nearest_phrase_boundary():
    from types import SimpleNamespace

    from mguv_app.lofi.export import phrase_seconds, phrases_for

    stream = SimpleNamespace(bars=16, ticks_per_bar=1920, style=SimpleNamespace(bpm=80.0))
    assert phrase_seconds(stream) == pytest.approx(48.0)
    assert phrases_for(stream, 1.0) == 1  # 60 s: 48 s is nearer than 96 s
    assert phrases_for(stream, 1.3) == 2  # 78 s: 96 s is nearer
    assert phrases_for(stream, 3.0) == 4  # 180 s: 192 s
    assert phrases_for(stream, 0.1) == 1  # never nothing


def test_lofi_help_says_the_length_rounds_to_a_phrase(capsys):
    from mguv_app.cli import main

    with pytest.raises(SystemExit):
        main(["lofi", "--help"])
    assert "nearest whole phrase" in " ".join(capsys.readouterr().out.split())
