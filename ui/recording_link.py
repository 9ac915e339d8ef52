"""Record: play a melody in on a MIDI keyboard or the computer keyboard while the transport runs.

The layers, as for playback: the Qt-free :class:`mguv_app.editing.recording.Take` turns stamped key
presses into notes, :mod:`mguv_app.audio.midi_input` reads the ports, and this module is the app
behaviour between them and the window:

* **Input.** A MIDI port (the first one plugged in, or the one chosen in the Record button's arrow,
  remembered) or the computer keyboard as a piano (M; A W S E D F T G Y H U J K play C to C, Z/X the
  octave, C/V the velocity). Keys sound at once through the player, recording or not. A MIDI key is stamped with the
  player's position on the port's own thread, as it arrives, so a busy window cannot make it late.
* **A take.** Record (R) starts the transport at its cursor after a bar of count-in clicks (the arrow
  turns it off), playing on past the melody's end, or around the loop region. Notes show in the
  playhead's colour as they are played. Stopping (R, Space or Stop) places the take as one undo step,
  snapped to the roll's grid unless "Quantize" is off, added to the notes there ("Replace" removes
  the notes that start where the take was played instead), and leaves it selected.
* **Step input** (Shift+R), for whoever cannot play in time: with the transport stopped, each key
  (or chord: keys held together) writes a note of the grid's length at the edit cursor, one undo step
  each, and the cursor steps on when the keys are let go; → leaves a rest, ← steps back, Backspace
  takes the last step away.
"""

from __future__ import annotations

import contextlib
import random

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from mguv_app.audio.midi_input import KeyEvent, MidiInput, MidiInputError, input_ports, sound
from mguv_app.editing.recording import TYPING_KEYS, MusicalTyping, Take, merge_take
from mguv_app.music.melody import Note

from . import commands
from .background import JobRunner

PREVIEW_MS = 50
NO_PORT = "-"  # the remembered port when the user turned MIDI input off
TYPING_HELP = ("Computer keyboard plays notes: A W S E D F T G Y H U J K are C to C, Z/X octave, "
               "C/V velocity (M turns it off)")
_TEXT_ENTRIES = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)
_KEY_EVENTS = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
_STEP_KEYS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Backspace)


class Recorder(QObject):
    """Owns the inputs and the take; the window keeps one as ``window.recorder``."""

    takePlaced = Signal(int)  # notes the take added (0: it was empty)
    answered = Signal(int)  # notes of the model's answer to a take (Answer Each Take), once placed
    _portEvent = Signal(str, int, int, int)  # (kind, pitch, velocity, tick) from the MIDI port's thread

    def __init__(self, window, panel) -> None:
        super().__init__(window)
        self.window, self.panel, self.player = window, panel, panel.player
        self.settings = window.settings
        self.typing = MusicalTyping()
        self.take: Take | None = None
        self._span_start = 0
        self._typed: dict[str, int] = {}  # key -> the pitch it sounds (the octave may change while held)
        self._step_down: set[int] = set()  # step input: keys held now (a chord lands on one step)
        self._steps: list[tuple[int, list[int]]] = []  # step input: (tick, note ids) of each step, for Backspace
        self._port: MidiInput | None = None
        self._portEvent.connect(self._port_key, Qt.ConnectionType.QueuedConnection)
        self._preview = QTimer(self)
        self._preview.setInterval(PREVIEW_MS)
        self._preview.timeout.connect(self._show_take)
        self._build_actions()
        window.roll.keyHeld.connect(lambda pitch, down, vel: self.key_down(pitch, vel) if down else self.key_up(pitch))
        panel.record_button.toggled.connect(self._record_toggled)
        panel.playingChanged.connect(self._playing_changed)
        self._filtering = False
        QApplication.instance().aboutToQuit.connect(self.close_port)
        # the first look at the MIDI system (loading mido and rtmidi, asking ALSA) costs up to 0.2 s: off
        # the GUI thread (ui/background.py), so the window never stalls for it
        self.jobs = JobRunner(self, "midi-ports")
        self.jobs.submit(lambda _token: self._find_ports(), self._open_first_port)

    # --- actions and the Record button's menu ----------------------------------------------------
    def _toggle_action(self, text: str, tip: str, key: str | None, setting: str | None, default: bool) -> QAction:
        act = QAction(text, self.window, checkable=True)
        act.setStatusTip(tip)
        act.setToolTip(tip)
        if key:
            act.setShortcut(QKeySequence(key))
        if setting:
            act.setChecked(self.settings.get(setting, default, bool))
            act.toggled.connect(lambda on, s=setting: self.settings.set(s, bool(on)))
        return act

    def _build_actions(self) -> None:
        self.record_action = self._toggle_action(
            "&Record", "Record from the MIDI keyboard or the computer keyboard at the transport's cursor", "R",
            None, False)
        self.record_action.toggled.connect(self.panel.record_button.setChecked)
        self.panel.record_button.toggled.connect(self.record_action.setChecked)
        self.typing_action = self._toggle_action("Computer Keyboard as &Piano", TYPING_HELP, "M", None, False)
        self.typing_action.toggled.connect(self._typing_toggled)
        self.count_in_action = self._toggle_action(
            "&Count-in Bar", "Record starts after a bar of clicks", None, "record/count_in", True)
        self.click_action = self._toggle_action(
            "C&lick While Recording", "The metronome plays during a take, even with Click off", None,
            "record/click", True)
        self.quantize_action = self._toggle_action(
            "&Quantize to the Grid", "Recorded notes snap to the roll's grid", None, "record/quantize", True)
        self.replace_action = self._toggle_action(
            "Re&place Notes", "A take replaces the notes that start where it was played (else it adds to them)",
            None, "record/replace", False)
        self.answer_action = self._toggle_action(
            "&Answer Each Take", "When a take ends, the model plays an answer of the same length after it (a duet)",
            None, "record/answer", False)
        self.step_action = self._toggle_action(
            "&Step Input", "With the transport stopped, each key writes a note of the grid's length at the edit "
            "cursor and steps on (→ a rest, ← back, Backspace takes the last step away)", "Shift+R", None, False)
        self.step_action.toggled.connect(self._step_toggled)
        for act in (self.record_action, self.typing_action, self.step_action):
            self.window.addAction(act)  # their keys work wherever the focus is in the window
        menu = self.window.menuBar().addMenu("&Record")
        help_menu = getattr(self.window, "help_menu", None)
        if help_menu is not None:  # Record sits before Help, as the last menu of the work
            self.window.menuBar().insertMenu(help_menu.menuAction(), menu)
        self.window_menu = menu
        menu.addActions([self.record_action, self.step_action, self.typing_action])
        menu.addSeparator()
        menu.addActions([self.count_in_action, self.click_action, self.quantize_action, self.replace_action,
                         self.answer_action])
        self.ports_menu = menu.addMenu("MIDI &Input")
        self.ports_menu.aboutToShow.connect(lambda: self._fill_ports(self.ports_menu))
        self.panel.record_menu.aboutToShow.connect(self._fill_button_menu)

    def _fill_button_menu(self) -> None:
        menu = self.panel.record_menu
        menu.clear()
        menu.addSection("Input")
        menu.addActions([self.typing_action, self.step_action])
        self._fill_ports(menu, clear=False)
        menu.addSection("Take")
        menu.addActions([self.count_in_action, self.click_action, self.quantize_action, self.replace_action,
                         self.answer_action])

    def _fill_ports(self, menu, clear: bool = True) -> None:
        """One entry per MIDI input port (ticked: the open one), or why there are none."""
        if clear:
            menu.clear()
        try:
            names = input_ports()
        except MidiInputError as err:
            reason, _, detail = str(err).partition(" (")  # the system's own words go in the tooltip
            act = menu.addAction(f"No MIDI keyboard: {reason}")
            act.setToolTip(f"{reason} ({detail}" if detail else reason)
            act.setEnabled(False)
            menu.setToolTipsVisible(True)
            return
        if not names:
            menu.addAction("No MIDI keyboard connected").setEnabled(False)
        for name in names:
            act = menu.addAction(f"MIDI: {name}")
            act.setCheckable(True)
            act.setChecked(self._port is not None and self._port.name == name)
            act.toggled.connect(lambda on, n=name: self.open_port(n) if on else self.close_port(forget=True))

    # --- inputs -----------------------------------------------------------------------------------
    def open_port(self, name: str, quiet: bool = False) -> bool:
        """Listen to a MIDI input port (closing the one before); remembered for the next start."""
        self.close_port()
        try:
            self._port = MidiInput(name, self._port_received)
        except MidiInputError as err:
            if not quiet:
                self._say(f"MIDI keyboard: {err}")
            return False
        self.settings.set("record/midi_port", name)
        self._say(f"MIDI keyboard: {name}")
        return True

    @staticmethod
    def _find_ports() -> list[str]:
        """The MIDI input ports (on the runner's thread), none where there is no MIDI system."""
        try:
            return input_ports()
        except MidiInputError:
            return []

    def _open_first_port(self, names: list | None = None, quiet: bool = True) -> bool:
        """The remembered keyboard, else the first one plugged in (as DAWs listen to every keyboard), unless
        the user turned MIDI input off in the menu; False where there is none. ``names``: the ports, if known."""
        saved = self.settings.get("record/midi_port", "", str)
        if saved == NO_PORT or self._port is not None:
            return self._port is not None
        if names is None:
            try:
                names = input_ports()
            except MidiInputError:
                return False
        first = [saved] if saved in names else []
        return any(self.open_port(name, quiet=quiet) for name in first + names)  # the first that opens

    def close_port(self, forget: bool = False) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()
        if forget:  # unticked in the menu: no keyboard is opened on its own any more until one is chosen
            self.settings.set("record/midi_port", NO_PORT)

    @property
    def port_name(self) -> str | None:
        return self._port.name if self._port is not None else None

    def _port_received(self, event: KeyEvent) -> None:
        """On the port's thread: sound the key now and stamp it with the position being heard."""
        tick = self.player.position_ticks()
        sound(self.player, event)
        with contextlib.suppress(RuntimeError):  # the window is closing
            self._portEvent.emit(event.kind, event.pitch, event.velocity, tick)

    def _port_key(self, kind: str, pitch: int, velocity: int, tick: int) -> None:
        if kind != "pedal":
            self._light(pitch, kind == "on")
        if self.take is None and self.stepping and kind != "pedal":  # sounded already, on the port's thread
            if kind == "on":
                self._step_note(pitch, velocity)
            else:
                self.key_up(pitch)
            return
        if self.take is not None:
            self.take.key(tick, kind, pitch, velocity)

    def key_down(self, pitch: int, velocity: int) -> None:
        """A key of the computer keyboard or the roll's (or a test's): sound it, and record it while a take runs."""
        tick = self.player.position_ticks()
        self.player.live_note_on(pitch, velocity)
        if self.take is not None:
            self.take.note_on(tick, pitch, velocity)
        elif self.stepping:
            self._step_note(pitch, velocity)
        self._light(pitch, True)

    def key_up(self, pitch: int) -> None:
        tick = self.player.position_ticks()
        self.player.live_note_off(pitch)
        if self.take is not None:
            self.take.note_off(tick, pitch)
        elif pitch in self._step_down:
            self._step_down.discard(pitch)
            if not self._step_down:  # the chord let go: on to the next step
                roll = self.window.roll
                self._step_to(roll.edit_cursor + roll.grid())
        self._light(pitch, False)

    def _light(self, pitch: int, on: bool) -> None:
        """The roll's keyboard shows which keys sound."""
        keys = self.window.roll.keyboard
        keys.set_lit(keys.lit | {pitch} if on else keys.lit - {pitch})

    @property
    def typing_on(self) -> bool:
        return self.typing_action.isChecked()

    def _filter_keys(self) -> None:
        """The key filter sees every event of the application: it is installed only while it has work."""
        want = self.typing_on or self.step_action.isChecked()
        if want != self._filtering:
            app = QApplication.instance()
            (app.installEventFilter if want else app.removeEventFilter)(self)
            self._filtering = want

    def _typing_toggled(self, on: bool) -> None:
        self._filter_keys()
        for pitch in self._typed.values():
            self.key_up(pitch)
        self._typed.clear()
        self._say(TYPING_HELP if on else "Computer keyboard: back to the tools' shortcuts")

    def eventFilter(self, obj, event) -> bool:
        """Musical typing: while it is on, the piano keys reach us instead of the tools' shortcuts (D, E,
        S, F …), except in text boxes and other windows (dialogs)."""
        if event.type() not in _KEY_EVENTS or not (self.typing_on or self.stepping):
            return False
        focus = QApplication.focusWidget()
        target = focus if focus is not None else obj  # no focus widget: the key goes where Qt sends it
        if obj is not target or not isinstance(obj, QWidget) or obj.window() is not self.window \
                or self._typing_into(obj):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        if self.stepping and event.key() in _STEP_KEYS:  # not the roll's nudge and delete while stepping
            if event.type() == QEvent.Type.KeyPress:
                return self._step_key(event.key())
            event.accept()
            return True
        if not self.typing_on:
            return False
        key = event.text().lower()
        if not key or (key not in TYPING_KEYS and key not in ("z", "x", "c", "v")):
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # deliver it as a key press, not as the tool shortcut on the same letter
            return True
        if event.isAutoRepeat():
            return True
        if event.type() == QEvent.Type.KeyPress:
            said = self.typing.command(key)
            if said:
                self._say(said)
            elif key not in self._typed and (pitch := self.typing.pitch(key)) is not None:
                self._typed[key] = pitch
                self.key_down(pitch, self.typing.velocity)
        elif key in self._typed:
            self.key_up(self._typed.pop(key))
        return True

    @staticmethod
    def _typing_into(widget) -> bool:
        return isinstance(widget, _TEXT_ENTRIES) or (isinstance(widget, QComboBox) and widget.isEditable())

    # --- step input ------------------------------------------------------------------------------
    @property
    def stepping(self) -> bool:
        """Step input is on and the transport stopped (while it plays, keys only sound)."""
        return self.step_action.isChecked() and not self.player.is_playing

    def _step_toggled(self, on: bool) -> None:
        self._filter_keys()
        self._step_down.clear()
        self._steps.clear()
        if on and self._port is None and not self.typing_on:
            self.typing_action.setChecked(True)
        meter_map = self.window.doc.meter_map
        cursor = self.window.roll.edit_cursor
        bar = meter_map.number(meter_map.bar_index(cursor))
        self._say(f"Step input from bar {bar}: each key writes a note at the edit cursor "
                  "(→ rest, ← back, Backspace undoes a step)" if on else "Step input off")

    def _step_note(self, pitch: int, velocity: int) -> None:
        """One key of a step: a note of the grid's length at the edit cursor, its own undo step."""
        roll, doc = self.window.roll, self.window.doc
        at, grid = roll.edit_cursor, roll.grid()
        change = doc.plan_add([Note(at, at + grid, pitch, velocity)], "Step note")
        commands.push(self.window.undo_stack, doc, change, commands.AddNotesCommand)
        if not self._steps or self._steps[-1][0] != at or not self._step_down:
            self._steps.append((at, []))
        self._steps[-1][1].extend(change.after)
        self._step_down.add(pitch)

    def _step_key(self, key) -> bool:
        """→ a rest, ← a step back, Backspace takes the last step's notes away and goes back to it."""
        roll = self.window.roll
        if key == Qt.Key.Key_Right:
            self._step_to(roll.edit_cursor + roll.grid())
        elif key == Qt.Key.Key_Left:
            self._step_to(roll.edit_cursor - roll.grid())
        elif key == Qt.Key.Key_Backspace:
            if not self._steps:
                return True
            at, ids = self._steps.pop()
            doc = self.window.doc
            commands.push(self.window.undo_stack, doc, doc.plan_delete([i for i in ids if i in doc.notes],
                                                                        "Step back"), commands.RemoveNotesCommand)
            self._step_to(at)
        return True

    def _step_to(self, tick: int) -> None:
        """Move the edit cursor, keeping it in view."""
        roll = self.window.roll
        roll.set_edit_cursor(tick)
        if not 0 <= roll.geo.tick_to_x(roll.edit_cursor) <= roll.geo.view_w:
            roll.scroll_to_tick(roll.edit_cursor, margin=0.2)

    # --- takes ------------------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.take is not None

    def _record_toggled(self, on: bool) -> None:
        if on and self.take is None:
            self._start()
        elif not on and self.take is not None:
            self._finish()

    def _start(self) -> None:
        if self._port is None and not self.typing_on and not self._open_first_port(quiet=False):
            self.typing_action.setChecked(True)  # nothing else to play on: says how it works
        roll = self.window.roll
        playing = self.player.is_playing
        loop = self.player.loop
        if loop and not playing and not loop[0] <= self.player.position_ticks() < loop[1]:
            self.player.seek(loop[0])  # recording round a loop starts at the loop, as in a DAW
        start = max(0, self.player.position_ticks())
        grid = roll.grid() if self.quantize_action.isChecked() else None
        self.take = Take(start, grid, self.player.loop)
        self._span_start = start
        if self.click_action.isChecked():
            self.player.set_metronome(True)
        if playing:
            self.player.set_open_ended(self.player.loop is None)
        else:
            self.panel.play(1 if self.count_in_action.isChecked() else 0, open_ended=self.player.loop is None)
        self._preview.start()
        meter_map = self.window.doc.meter_map
        self._say(f"Recording from bar {meter_map.number(meter_map.bar_index(start))}: R, Space or Stop ends the take")

    def _show_take(self) -> None:
        """Every 50 ms: draw the take so far, and page the roll along with the playhead (Follow or not),
        so that what is played is always in view."""
        if self.take is None:
            return
        roll, pos = self.window.roll, self.player.position_ticks()
        roll.set_take_notes(self.take.preview(pos))
        roll.ensure_length(pos)
        if pos >= 0 and not roll.follow and not 0 <= roll.geo.tick_to_x(pos) <= roll.geo.view_w:
            roll.scroll_to_tick(pos, margin=0.05)

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.take is not None:
            self.panel.record_button.setChecked(False)  # Space or Stop ended the take

    def _finish(self) -> None:
        take, self.take = self.take, None
        self._preview.stop()
        end = self.player.position_ticks()
        if self.player.is_playing:
            self.panel.pause()
        self.player.set_open_ended(False)
        self.player.set_metronome(self.panel.metronome_button.isChecked())  # as the Click button says again
        notes = take.finish(end)
        self.window.roll.set_take_notes([])
        # the span played over: from where the take began to where it ended or its last note does
        last = max([end, self._span_start] + [n.end for n in notes])
        placed = self.place(notes, (min([self._span_start] + [n.start for n in notes]), last))
        self.takePlaced.emit(placed)
        if placed and self.answer_action.isChecked():
            self.answer(notes)

    def place(self, notes, span: tuple[int, int]) -> int:
        """Put a take's notes into the melody as one undo step (selected); how many were added."""
        doc = self.window.doc
        replace = span if self.replace_action.isChecked() else None
        remove, add = merge_take(list(doc.notes.values()), notes, replace)
        if not add and not remove:
            self._say("Recorded nothing: no key was played during the take")
            return 0
        gone = set(remove)
        ids = [i for i, n in doc.notes.items() if n in gone]
        label = f"Record {len(add)} note{'s' * (len(add) != 1)}"
        commands.push(self.window.undo_stack, doc, doc.plan_replace(ids, add, label), commands.AddNotesCommand)
        meter_map = doc.meter_map
        if add:
            first = meter_map.number(meter_map.bar_index(min(n.start for n in add)))
            last = meter_map.number(meter_map.bar_index(max(n.end for n in add) - 1))
            where = f"bar {first}" if first == last else f"bars {first}–{last}"
            self._say(f"Recorded {len(add)} notes in {where}" + (f", replacing {len(remove)}" if remove else ""))
        return len(add)

    def answer(self, take: list[Note]) -> bool:
        """The model answers a take: as many bars as the take's, a consequent phrase that begins as the take began
        and closes on the key's tonic (``continue_melody(answer="answer")`` on the generation worker, phrase by
        phrase through the phrase model), and the answer goes after the take, one undo step, and plays. False
        without a model (or while it is busy)."""
        session = getattr(self.window, "generation", None)
        if session is None or session.model is None or session.busy:
            self._say("Answer: the model is not ready" + (" (it is busy)" if session is not None and session.busy
                                                           else ""))
            return False
        from mguv_app.generation import continue_melody
        from mguv_app.music.melody import Melody

        doc = self.window.doc
        bar, meter_map = doc.ticks_per_bar, doc.meter_map
        begin = meter_map.bar_at(min(n.start for n in take)).start  # the take's bars, along the meter map
        after = meter_map.bar_end(max(n.end for n in take))
        prompt = Melody([n.moved(dt=-begin) for n in take], doc.qpm, doc.time_signature, doc.program)
        bars, seed = prompt.num_bars, random.randrange(2**31 - 1)
        temperature = session.model.sample_temperature
        last = meter_map.bar_index(after)

        def done(result) -> None:
            cut = bars * bar
            notes = [n.moved(dt=after - cut) for n in result.melodies[0].notes if n.start >= cut]
            if not notes:
                said = "Answer: the model answered with silence; play another take"
                session.message.emit(said)
                self._say(said)
                self.answered.emit(0)
                return
            change = doc.plan_add(notes, "Answer")
            commands.push(self.window.undo_stack, doc, change, commands.AddNotesCommand)
            said = (f"Answered in bars {meter_map.number(last)}–{meter_map.number(last + bars - 1)} ({len(notes)} "
                    "notes): Ctrl+Z takes it back")
            session.message.emit(said)  # the Generate dock said "Answering the take…"
            self._say(said)
            self.player.seek(after)
            self.panel.play()
            self.answered.emit(len(notes))

        return session.run(f"Answering the take ({bars} bar{'s' * (bars != 1)})",
                           lambda model, tok: continue_melody(model, prompt, bars, temperature, seed, tok,
                                                              answer="answer"), done)

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 6000)


def attach_recorder(window):
    """The window's recorder, once it has a transport; None without one (nothing to play along to)."""
    if window.transport is None:
        return None
    return Recorder(window, window.transport)
