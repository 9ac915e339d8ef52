"""The main window: menus, toolbars, status bar, the piano roll, docks for later panels, files.

The window holds one :class:`NoteDocument` (the melody being edited) and one ``QUndoStack``;
the piano roll edits the document, the undo stack's clean state is the "unsaved changes"
flag, and every question the window asks (unsaved changes, restore after a crash, where
to save, errors) goes through an attribute holding a callable, so tests replace the modal
dialog with a plain function.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStyleFactory,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from mguv_app import APP_NAME
from mguv_app.editing import NoteDocument, guess_key, pitch_name
from mguv_app.music import Melody, MidiImportError, MidiSaveError, read_midi, write_midi
from mguv_app.music.midi_read import MIDI_SUFFIXES
from mguv_app.music.song_file import SongFile
from mguv_app.project import ASK, ELSEWHERE, Project

from . import dialogs, wheel_guard
from ._gc_guard import collect_on_gui_thread
from .autosave import Autosaver, Recovery
from .background import JobRunner
from .drag_out import DragOutHandle
from .piano_roll import PianoRoll
from .piano_roll.ruler import CHORD_STRIP
from .roll_toolbar import RollToolBar
from .settings import Settings
from .status_bar import MessagesDialog, MessageStatusBar
from .themes import THEMES, palette

AUTOSAVE_MS = 60_000
TRANSPORT_SYNC_MS = 40  # edits reach the player and status bar this long after the last change


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setEnabled(False)
    label.setMinimumWidth(220)
    return label


class MainWindow(QMainWindow):
    renderFinished = Signal(str)  # the status line of a finished WAV render
    savedAs = Signal(str)  # the melody now lives under this new path (panels move per-project state along)
    def __init__(self, settings: Settings | None = None, autosaver: Autosaver | None = None,
                 with_transport: bool = True) -> None:
        super().__init__()
        collect_on_gui_thread(QApplication.instance())  # never a QObject destructor on a worker (_gc_guard)
        wheel_guard.install()  # the wheel scrolls; it never changes an unfocused setting (ui/wheel_guard.py)
        self.settings = settings or Settings()
        self.autosaver = autosaver or Autosaver()
        self.project = Project()  # the open file: its path, its song, the save and render rules (Qt-free)
        self.jobs = JobRunner(self, "mguv-window")  # the window's own background work: Render (ui/background.py)
        self.docks: dict[str, QDockWidget] = {}
        self.transport = None
        self.recorder = None  # ui/recording_link.py, with the transport
        # questions the window asks: replace these in tests or headless use
        self.ask_unsaved: Callable[[QWidget], str] = dialogs.ask_unsaved
        self.ask_restore: Callable[[QWidget, Recovery], bool] = dialogs.ask_restore
        self.ask_open_path: Callable[[QWidget, str], str | None] = dialogs.ask_open_path
        self.ask_save_path: Callable[[QWidget, str, str], str | None] = dialogs.ask_save_path
        self.ask_wav_path: Callable[[QWidget, str, str], str | None] = dialogs.ask_wav_path
        self.show_error: Callable[[QWidget, str, str], None] = dialogs.show_error
        self.ask_semitones: Callable[[QWidget], int | None] = dialogs.ask_semitones
        self.ask_track: Callable[[QWidget, list[str], int], int | None] = dialogs.ask_track
        self.ask_text_path: Callable[[QWidget, str, str], str | None] = dialogs.ask_text_path
        self.ask_freeze_meter: Callable[[QWidget, str], bool] = dialogs.ask_freeze_meter

        self.doc = NoteDocument()
        self.undo_stack = QUndoStack(self)
        theme = THEMES.get(self.settings.get("theme", "dark"), THEMES["dark"])
        self.roll = PianoRoll(self.doc, self.undo_stack, theme)
        self.roll.set_grid(self.settings.get("grid", self.roll.grid_label))
        self._autosave_dirty = False
        self.doc.subscribe(self._doc_changed)
        self.undo_stack.cleanChanged.connect(self._clean_changed)

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self._build_central()
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_status()
        self.renderFinished.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self._build_docks()
        self.apply_theme(theme.name)
        self._transport_sync = QTimer(self)
        self._transport_sync.setSingleShot(True)
        self._transport_sync.setInterval(TRANSPORT_SYNC_MS)
        self._transport_sync.timeout.connect(self._push_to_transport)
        if with_transport:  # off for tests that do not play (it loads a SoundFont)
            self._connect_transport()

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self._autosave_tick)
        self.autosave_timer.start()
        self.resize(1400, 860)
        geometry = self.settings.q.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        # the dock layout is restored when the window first shows: by then the panels have added
        # their docks (restoring earlier leaves tab bars for docks that did not exist yet on screen)
        self._saved_state = self.settings.q.value("window/state")
        self.default_dock_layout: Callable[[], None] | None = None  # set by ui.app.attach_panels
        self._shown_before = False
        self.roll.canvas.setFocus()
        self._update_title()
        self._update_summary()

    # --- building -------------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        compose = QWidget()
        lay = QVBoxLayout(compose)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.roll)
        self.tabs.addTab(compose, "Compose")
        self.training_tab = _placeholder("Training: train the model on your own MIDI folder (coming soon).")
        self.tabs.addTab(self.training_tab, "Training")
        self.setCentralWidget(self.tabs)
        # the composing docks hidden while the Training page shows, and whether each was in front
        self._docks_put_away: list[tuple[QDockWidget, bool]] = []
        self.tabs.currentChanged.connect(self._page_changed)

    def _page_changed(self, index: int) -> None:
        """The Training page gets the whole width: the composing panels docked at the sides (Generate, the map,
        Endless, History) step aside while it shows and come back with the Compose page. A floating panel and
        the transport stay where they are."""
        if index != 0:
            if not self._docks_put_away:
                # open docks (a tab behind another counts: its view action is checked), and which were in front
                sides = (Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea)
                opened = [d for d in self.docks.values() if d.toggleViewAction().isChecked() and not d.isFloating()
                          and self.dockWidgetArea(d) in sides]  # (the transport, on top, stays)
                # (a tab behind another is "visible" too, but has no visible region)
                self._docks_put_away = [(d, not d.visibleRegion().isEmpty()) for d in opened]
                for dock in opened:
                    dock.hide()
        else:
            self._bring_docks_back()

    def _bring_docks_back(self) -> None:
        docks, self._docks_put_away = self._docks_put_away, []
        for dock, _front in docks:
            dock.show()
        for dock, front in docks:
            if front:  # a tab that was in front is in front again
                dock.raise_()

    def _action(self, text: str, slot, shortcut=None, tip: str | None = None) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(lambda _=False: slot())
        return a

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        roll = self.roll
        self.act_new = self._action("&New", self.file_new, K.New, "Start a new, empty melody")
        self.act_open = self._action("&Open MIDI…", self.file_open, K.Open, "Open a MIDI file")
        self.act_open.setIconText("Open")  # the toolbar's label, short so that the toolbars fit 1100 px
        self.act_open.setToolTip("Open a MIDI file (Ctrl+O)")
        self.act_save = self._action("&Save", self.save, K.Save, "Save the melody as MIDI")
        self.act_save_as = self._action("Save &As…", self.save_as, K.SaveAs, "Save under a new name")
        self.act_melody_track = self._action(
            "Choose &Melody Track…", self.choose_melody_track, None,
            "Which track of the opened file is the melody; the others are kept as the song around it")
        self.act_export_sel = self._action("&Export Selection…", self.export_selection, "Ctrl+Shift+E",
                                           "Save only the selected notes as a MIDI file")
        self.act_export_backing = self._action(
            "Export with &Backing Band…", self.export_backing, "Ctrl+Shift+B",
            "Save the melody with chords fitted to it, bass and drums as a 4-track MIDI file for your DAW")
        self.act_export_chart = self._action(
            "Export Chord &Chart…", self.export_chart, None,
            "Save the Band's chords as a text chart, four bars a line, to play along from")
        self.act_render = self._action("&Render to WAV…", self.render_wav, "Ctrl+Shift+R",
                                       "Render the melody through FluidSynth to a WAV file")
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence(K.Undo))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Shift+Z")])
        self.act_cut = self._action("Cu&t", roll.cut, K.Cut)
        self.act_copy = self._action("&Copy", roll.copy, K.Copy)
        self.act_paste = self._action("&Paste", roll.paste, K.Paste, "Paste at the edit cursor")
        self.act_duplicate = self._action("D&uplicate", roll.duplicate, "Ctrl+D")
        self.act_delete = self._action("&Delete", roll.delete_selection, K.Delete)
        self.act_select_all = self._action("Select &All", roll.select_all, K.SelectAll)
        self.act_chord = self._action("Change C&hord at Cursor…", self.chord_at_cursor, "Ctrl+K",
                                      "Choose the Band's chord at the edit cursor (while the Band plays)")
        self.act_snap_scale = self._action(
            "Snap to &Scale", self.snap_to_scale, "Ctrl+Shift+K",
            "Move the selected notes (else all) outside the toolbar's scale to its nearest notes")
        self.act_humanize = self._action(
            "&Humanize", roll.humanize, "Ctrl+Shift+H",
            "Move the selected notes (else all) a little off the grid and vary their velocity, as a player would")
        self.act_transpose = self._action("&Transpose Song…", self.transpose_song, "Ctrl+T",
                                          "Move every note, and the chords you chose, up or down by semitones")
        self.act_zoom_in = self._action("Zoom &In", lambda: roll.zoom_x(1.5), K.ZoomIn)
        self.act_zoom_out = self._action("Zoom &Out", lambda: roll.zoom_x(1 / 1.5), K.ZoomOut)
        self.act_autosave = self._action("Autosave &Now", self.autosave_now, None,
                                         "Write the crash-recovery autosave now")
        self.act_dark = self._action("&Dark Theme", lambda: self.apply_theme("dark"))
        self.act_light = self._action("&Light Theme", lambda: self.apply_theme("light"))
        self.act_messages = self._action("&Messages…", self.show_messages, None,
                                         "The status bar's recent messages in full")
        self.act_about = self._action("&About", self._about)
        self.act_shortcuts = self._action("&Keyboard Shortcuts", self.show_shortcuts, "F1",
                                          "Every shortcut of the menus and the piano roll")

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = m.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addAction(self.act_melody_track)
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as, self.act_export_sel, self.act_export_backing,
                      self.act_export_chart, self.act_render])
        m.addSeparator()
        m.addAction(self.act_autosave)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        m.addActions([self.act_undo, self.act_redo])
        m.addSeparator()
        m.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_duplicate, self.act_delete])
        m.addSeparator()
        m.addAction(self.act_select_all)
        m.addSeparator()
        m.addActions([self.act_transpose, self.act_snap_scale, self.act_humanize, self.act_chord])
        self.edit_menu = m
        self.view_menu = mb.addMenu("&View")
        self.view_menu.addActions([self.act_zoom_in, self.act_zoom_out])
        self.view_menu.addSeparator()
        self.view_menu.addActions([self.act_dark, self.act_light])
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.act_messages)
        self.view_menu.addSeparator()
        help_menu = self.help_menu = mb.addMenu("&Help")
        help_menu.addActions([self.act_shortcuts, self.act_about])

    def _build_toolbars(self) -> None:
        tb = QToolBar("File")
        tb.setObjectName("file_toolbar")
        self.file_toolbar = tb
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        # plain-text twins of Undo/Redo: the menu ones rename themselves per step, which would shake the toolbar
        for text, twin, signal in (("Undo", self.act_undo, self.undo_stack.canUndoChanged),
                                   ("Redo", self.act_redo, self.undo_stack.canRedoChanged)):
            a = QAction(text, self)
            a.setToolTip(f"{text} ({twin.shortcut().toString()})")
            a.setEnabled(twin.isEnabled())
            a.triggered.connect(twin.trigger)
            signal.connect(a.setEnabled)
            tb.addAction(a)
        tb.addSeparator()
        tb.addWidget(DragOutHandle(lambda: self.melody, tb))
        self.addToolBar(tb)
        self.roll_toolbar = RollToolBar(self.roll, self)
        self.addToolBar(self.roll_toolbar)
        rt = self.roll_toolbar
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([rt.quantize_action, rt.snap_action])
        self.view_menu.addActions([rt.fit_action, rt.follow_action])
        self._toolbars_wrapped = False  # True while _wrap_toolbars holds the roll toolbar on a second row

    def _wrap_toolbars(self) -> None:
        """Move the piano-roll toolbar to a second row when it does not fit beside the file toolbar (a
        narrow window, a large font) and back when it does, so that no button ends up in Qt's » menu.
        Only a row break of its own is removed: one the user made stays."""
        first, second = self.file_toolbar, self.roll_toolbar
        area = self.toolBarArea(second)
        if (area not in (Qt.ToolBarArea.TopToolBarArea, Qt.ToolBarArea.BottomToolBarArea)
                or self.toolBarArea(first) != area or first.isHidden() or second.isHidden()):
            return
        fits = first.sizeHint().width() + second.sizeHint().width() <= self.width()
        if self._toolbars_wrapped and fits:
            self.removeToolBarBreak(second)
            self._toolbars_wrapped = False
        elif not fits and not self._toolbars_wrapped and not self.toolBarBreak(second) \
                and first.x() <= second.x():  # (not when the user put the roll toolbar first)
            self.insertToolBarBreak(second)
            self._toolbars_wrapped = True

    def _build_status(self) -> None:
        # a long message ends in "…" (full text in its tooltip and in View → Messages…), left of these
        self.setStatusBar(MessageStatusBar(self))
        self.messages_dialog: MessagesDialog | None = None
        self.summary_label = QLabel()
        self.position_label = QLabel()
        self.position_label.setMinimumWidth(170)
        self.statusBar().addPermanentWidget(self.position_label)
        self.statusBar().addPermanentWidget(self.summary_label)
        self.roll.hoverChanged.connect(self._show_position)
        self.statusBar().showMessage("Ready: draw notes, or open a MIDI file (Ctrl+O)")

    def _build_docks(self) -> None:
        self.add_panel_dock(_placeholder("Generate: melodies from the model appear here."), "Generate",
                            Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_panel_dock(_placeholder("Latent map: interpolate between melodies."), "Latent map",
                            Qt.DockWidgetArea.RightDockWidgetArea)
        from PySide6.QtWidgets import QUndoView

        history = QUndoView(self.undo_stack)  # every edit by name; a click goes back (or forward) to it
        history.setEmptyLabel("As opened")
        self.add_panel_dock(history, "History", Qt.DockWidgetArea.LeftDockWidgetArea).hide()

    def add_panel_dock(self, widget: QWidget, title: str,
                       area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """Put ``widget`` in the dock titled ``title`` (replacing a placeholder there) and return it."""
        dock = self.docks.get(title)
        if dock is None:
            dock = QDockWidget(title, self)
            dock.setObjectName("dock_" + title.lower().replace(" ", "_"))
            self.addDockWidget(area, dock)
            self.docks[title] = dock
            self.view_menu.addAction(dock.toggleViewAction())
        old = dock.widget()
        dock.setWidget(widget)
        if old is not None and old is not widget:
            old.deleteLater()
        return dock

    # --- the melody -------------------------------------------------------------------------------
    @property
    def melody(self) -> Melody:
        return self.doc.to_melody()

    @property
    def path(self) -> str | None:
        """The open file (``project.path``); None for a new melody."""
        return self.project.path

    @property
    def song(self) -> SongFile | None:
        """The opened song whose other tracks Save keeps (``project.song``), or None."""
        return self.project.song

    @property
    def tempo_map(self) -> list:
        """The song's tempo changes [(tick, qpm)], which playback and Render follow (``project.tempo_map``)."""
        return self.project.tempo_map

    @property
    def more_in_file(self) -> str:
        """E.g. "3 other tracks": the opened file holds more than the editor can keep (``project.more_in_file``)."""
        return self.project.more_in_file

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    def load_melody(self, melody: Melody, path: str | None = None, modified: bool = False) -> None:
        """Show ``melody`` as a fresh document (no undo history)."""
        self.undo_stack.clear()
        self.doc.load(melody)
        self.project.start(path)  # what the file at ``path`` holds besides the melody: open_path says
        self._show_song()
        if modified:
            self.undo_stack.resetClean()
        else:
            self.undo_stack.setClean()
        self.roll.set_edit_cursor(0)
        self.roll.set_loop(None, None)
        self.roll_toolbar.set_scale(*guess_key(melody.notes))  # highlight the melody's likely key
        self.roll.fit_to_content()
        self._update_title()
        self._update_summary()
        if self.transport is not None:
            self.transport.set_melody(self.melody)

    def replace_melody(self, melody: Melody, label: str = "Generate") -> None:
        """Replace every note by ``melody``'s as one undoable step (for Generate and friends); a melody that
        carries chords (a frozen Endless phrase) replaces the chosen chords too, in the same step. The roll
        follows: the new notes are scrolled into view."""
        from . import commands

        change = self.doc.plan_delete(list(self.doc.notes), label)
        add = self.doc.plan_add(melody.notes, label)
        change.before.update(add.before)
        change.after.update(add.after)
        change.select_after = set()
        if melody.chords:  # it brings its own harmony (a frozen Endless phrase): the chords change with it
            from mguv_app.editing import ChordChange

            ticks = set(self.doc.chords) | set(melody.chords)
            chords = ChordChange({t: self.doc.chords.get(t) for t in ticks}, {t: melody.chords.get(t) for t in ticks})
            self.undo_stack.push(commands.NotesAndChordsCommand(self.doc, change, chords, label))
        else:
            commands.push(self.undo_stack, self.doc, change)
        self.roll.reveal_notes()  # the new notes in view, wherever the roll was scrolled

    def set_song_settings(self, **values) -> bool:
        """The melody's tempo, meter or instrument (``qpm``, ``time_signature``, ``program``) as one undo step."""
        from mguv_app.audio import program_name

        from . import commands

        label = f"Instrument {program_name(values['program'])}" if "program" in values else None
        change = self.doc.plan_properties(label, **values)
        if change.empty:
            return False
        chords = None  # a new meter: the chosen chords move onto its chord slots, in the same undo step
        if "time_signature" in change.after or "meters" in change.after:
            bars = Melody(time_signature=change.after.get("time_signature", self.doc.time_signature),
                          meters=change.after.get("meters", self.doc.meters))
            chords = self.doc.plan_chords_for_map(bars.meter_map)
        self.undo_stack.push(commands.PropertiesCommand(self.doc, change, None if chords is None or chords.empty
                                                        else chords))
        self.statusBar().showMessage(change.label, 3000)
        return True

    def _doc_changed(self, kind: str) -> None:
        if kind == "meta":  # tempo, meter, instrument: the summary now, the player once edits settle
            self._update_summary()
        if kind not in ("notes", "chords", "meta"):  # the chords chosen for the Band are saved with the melody
            return
        self._autosave_dirty = True
        self._transport_sync.start()  # coalesce a drag's many changes into one update

    def _push_to_transport(self) -> None:
        """After edits settle: refresh the status-bar summary and give the player the melody."""
        melody = self.melody
        self._update_summary(melody)
        if self.transport is not None:
            self.transport.set_melody(melody)

    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _update_title(self) -> None:
        name = Path(self.path).name if self.path else "Untitled"
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.modified)

    def _update_summary(self, melody: Melody | None = None) -> None:
        m = melody or self.melody
        num, den = m.time_signature
        meter = f"{num}/{den}"
        if m.meters:  # "3/4, 8 meter changes, pickup"
            changes = len(m.meter_map.meter_starts()) - 1
            meter += f", {changes} meter change{'s' * (changes != 1)}" * bool(changes)
            meter += ", pickup" * bool(m.meter_map.pickup)
        self.summary_label.setText(f"{len(m.notes)} notes · {m.num_bars} bars · {m.qpm:g} BPM · {meter}")

    def _show_position(self, tick: int, pitch: int) -> None:
        bar, beat = self.doc.meter_map.position(tick)
        self.position_label.setText(f"bar {bar} · beat {beat} · {pitch_name(pitch)}")

    # --- files ------------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Before losing the melody: ask about unsaved changes. True when it is fine to go on. A take being
        recorded is placed first, so that the question covers it."""
        if self.recorder is not None and self.recorder.recording:
            self.recorder.record_action.setChecked(False)
        if not self.modified:
            return True
        answer = self.ask_unsaved(self)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def file_new(self) -> bool:
        if not self.maybe_save():
            return False
        m = self.melody
        self.load_melody(Melody(qpm=m.qpm, time_signature=m.time_signature, program=m.program, name="Untitled"))
        self.statusBar().showMessage("New melody")
        return True

    def file_open(self) -> bool:
        """File → Open: the file first, then (once it has read well) the unsaved-changes question, so a
        cancelled or failed open never asks it, and never loses the melody."""
        path = self.ask_open_path(self, self.settings.get("last_dir", ""))
        return bool(path) and self.open_file(path)

    def open_file(self, path: str) -> bool:
        """Open ``path`` in place of the melody as the user asked (Open, Open Recent, a dropped file): read it,
        then ask about unsaved changes, then load it. A file that cannot be read says why and changes nothing."""
        imported = self._import(path)
        if imported is None or not self.maybe_save():
            return False
        return self._load_imported(path, imported)

    def open_path(self, path: str, track: int | None = None) -> bool:
        """Load a MIDI file (its melody from ``track``, else the track chosen for it last time, else the
        importer's guess); a bad file leaves the current melody untouched and says why. Asks nothing:
        ``open_file`` asks about unsaved changes first."""
        imported = self._import(path, track)
        return imported is not None and self._load_imported(path, imported)

    def _import(self, path: str, track: int | None = None):
        """The file's import, or None after saying (status bar and a message box) why it cannot be opened
        and what to do."""
        track = self._remembered_track(path) if track is None else track
        try:
            try:
                return read_midi(path, track=track, allow_empty=True)  # an empty melody we saved opens too
            except MidiImportError:
                if track is None:
                    raise
                # the remembered track is gone (the file changed): the importer's guess
                return read_midi(path, allow_empty=True)
        except MidiImportError as err:
            self.statusBar().showMessage(f"Could not open {Path(path).name}: {err.explained}")
            if self.isVisible():
                self.show_error(self, "Could not open MIDI file", f"{err}\n\n{err.advice}")
            return None

    def _load_imported(self, path: str, imported) -> bool:
        melody, found = imported.melody, ""
        if not melody.chords and len(imported.accompaniment):  # the song's own harmony, for the Band
            from mguv_app.lofi.chord_detect import detect_chords

            melody.chords = detect_chords(imported.accompaniment, melody)
            if melody.chords:
                names = [c for c, _ in itertools.groupby(c for _, c in sorted(melody.chords.items()))]
                found = f"; the Band plays its own chords, read from its other tracks: {' '.join(names[:6])}" + (
                    " …" if len(names) > 6 else "")
        self.load_melody(melody, os.path.abspath(path))
        self._keep_song(path, imported)
        if self.song is not None:
            found += f"; Save keeps its {self.song.others_label}"
        elif imported.track_index is None:
            found += "; File → Choose Melody Track… picks one track instead"
        self._remember(path)
        s = imported.melody.summary()
        self.statusBar().showMessage(f"Opened {Path(path).name}: {s['notes']} notes, {s['bars']} bars, "
                                     f"track '{imported.track}'{found}")
        return True

    def _remembered_track(self, path: str) -> int | None:
        from .melody_track import remembered_track

        return remembered_track(self.settings, path)

    def take_likely_key(self) -> bool:
        """A roll with no key yet (Chromatic) takes the melody's likely key, as an opened file does: it is
        highlighted and shown in the toolbar. False when there is still none (no notes to read one from)."""
        if self.roll.scale == "Chromatic" and self.doc.notes:
            self.roll_toolbar.set_scale(*guess_key(self.doc.notes.values()))
        return self.roll.scale != "Chromatic"

    def snap_to_scale(self) -> None:
        """Edit → Snap to Scale, in the toolbar's scale; with none chosen (Chromatic), in the melody's likely key,
        which the toolbar then shows."""
        if not self.take_likely_key():
            self.statusBar().showMessage("Snap to Scale: no notes to read a key from", 6000)
            return
        self.statusBar().showMessage(self.roll.snap_to_scale(), 6000)

    def choose_melody_track(self, index: int | None = None) -> bool:
        """File → Choose Melody Track… (``ui/melody_track.py``)."""
        from .melody_track import choose_melody_track

        return choose_melody_track(self, index)

    def _keep_song(self, path: str | None, imported=None) -> None:
        """The song around the melody at ``path`` (``Project.keep_song``: what Save keeps), shown and played."""
        self.project.keep_song(path, imported)
        self._show_song()

    def _show_song(self) -> None:
        """Give the transport the song's other tracks to play (its Song button) and the roll their notes."""
        if self.transport is not None:
            self.transport.set_song_parts(self.project.song_parts)
            self.transport.player.set_tempo_map(self.project.tempo_map)
        self.song_shown(self.transport is None or self.transport.song_on)

    def _song_heard(self) -> list:
        """The song's parts as they play now: those ticked in the transport's Song menu."""
        return self.transport.song_parts_heard if self.transport is not None else self.project.song_parts

    def song_shown(self, on: bool) -> None:
        """The song's other tracks show faint under the melody while they play (the transport says when)."""
        self.roll.set_ghost_notes([n for part, drums in self._song_heard() if not drums for n in part.notes]
                                  if on else None)

    def _remember(self, path: str) -> None:
        self.settings.add_recent(path)
        self.settings.set("last_dir", str(Path(path).resolve().parent))

    def save(self) -> bool:
        """File → Save, as ``Project.save_decision`` rules: into the song, the melody alone, or a new file."""
        decision = self.project.save_decision()
        if decision.action == ASK:
            return self.save_as()
        if decision.action == ELSEWHERE:
            return self._save_elsewhere(decision.why, decision.what, decision.suffix)
        return self._write_file(self.path)

    def _save_elsewhere(self, why: str, what: str, suffix: str) -> bool:
        """Say ``why`` the open file must not be written, and Save As a new one ("song melody.mid")."""
        self.statusBar().showMessage(why)
        path = self.ask_save_path(self, f"Save {what} as a new MIDI file", self.project.suggested_path(suffix))
        return bool(path) and self.save_as(path)

    def save_as(self, path: str | None = None) -> bool:
        if path is None:
            suggested = self.path or str(Path(self.settings.get("last_dir", "")) / f"{self.doc.name or 'melody'}.mid")
            path = self.ask_save_path(self, "Save melody as MIDI", suggested)
            if not path:
                return False
        if Path(path).suffix.lower() not in MIDI_SUFFIXES:
            path += ".mid"
        if not self._write_file(path):
            return False
        moved = self.project.saved_as(path)
        self._update_title()
        if moved:
            self.savedAs.emit(self.path)
        return True

    def _write(self, path: str, melody: Melody | None = None, mark_clean: bool = True) -> bool:
        return self._saved(path, lambda: write_midi(melody or self.melody, path), lambda: f"Saved {path}", mark_clean)

    def _saved(self, path: str, write, message, mark_clean: bool = True) -> bool:
        """Run ``write()``; a failure says why (``_save_failed``), success marks the document saved and
        shows ``message()``."""
        try:
            write()
        except OSError as err:
            return self._save_failed(path, err)
        if mark_clean:
            self.undo_stack.setClean()
        self._remember(path)
        self.statusBar().showMessage(message())
        return True

    def _write_file(self, path: str) -> bool:
        """``Project.write``: the melody into the song (its other tracks kept) or alone. A song that cannot be
        written back (events no writer can encode; nothing is written then) is saved as the melody alone, in a
        new file; one whose melody would reopen as another track (an edit left it with fewer notes than
        another voice) remembers its track, as Choose Melody Track… does."""
        from .melody_track import remember_track

        into_song = self.song is not None
        try:
            message = self.project.write(self.melody, path)
        except MidiSaveError as err:  # the project now holds the melody alone: Save asks for a new file
            if not self.project.is_open_file(path):  # Save As: say why; the next Save As writes the melody alone
                return self._save_failed(path, err)
            return self._save_elsewhere(f"Could not save into {Path(path).name}: {err}", "the melody", "melody")
        except OSError as err:
            return self._save_failed(path, err)
        if into_song:
            remember_track(self.settings, path, self.song.score_index)
        self.undo_stack.setClean()
        self._remember(path)
        self.statusBar().showMessage(message)
        return True

    def _save_failed(self, path: str, err: OSError) -> bool:
        msg = f"Could not save {path}: {err.strerror or err}"
        self.statusBar().showMessage(msg)
        self.show_error(self, "Could not save", msg)
        return False

    def export_selection(self, path: str | None = None) -> bool:
        if not self.doc.selection:
            self.statusBar().showMessage("Select some notes to export first")
            return False
        if path is None:
            path = self.ask_save_path(self, "Export selection as MIDI",
                                      str(Path(self.settings.get("last_dir", "")) / "selection.mid"))
            if not path:
                return False
        part = self.doc.to_melody(self.doc.selection)
        meter_map = part.meter_map
        first = meter_map.bar_at(min(n.start for n in part.notes)).start
        # from the selection's first bar, with the chords chosen for the bars it spans, in its bars
        return self._write(path, part.window(first, meter_map.bar_end(part.end_tick)), mark_clean=False)

    def export_backing(self, path: str | None = None) -> bool:
        """The melody plus the Band's chords, bass and drums as one MIDI file (``ui/band_exports.py``)."""
        from .band_exports import export_backing

        return export_backing(self, path)

    def export_chart(self, path: str | None = None) -> bool:
        """The Band's chords as a plain-text chord chart (``ui/band_exports.py``)."""
        from .band_exports import export_chart

        return export_chart(self, path)

    def transpose_song(self, semitones: int | None = None) -> bool:
        """Every note and every chosen chord up or down (one undo step); notes stay inside the MIDI range."""
        from mguv_app.lofi.chord_symbols import transpose_symbol

        from . import commands

        if not self.doc.notes:
            self.statusBar().showMessage("Nothing to transpose: the melody is empty", 4000)
            return False
        semitones = self.ask_semitones(self) if semitones is None else semitones
        if not semitones:
            return False
        notes = self.doc.plan_move(list(self.doc.notes), dp=semitones)
        moved = next(iter(notes.after))
        dp = notes.after[moved].pitch - notes.before[moved].pitch  # after clamping to 0-127
        if not dp:
            self.statusBar().showMessage("The melody cannot go further that way (MIDI ends at 0 and 127)", 4000)
            return False
        chords = self.doc.plan_transposed_chords(dp, transpose_symbol)
        self.undo_stack.push(commands.NotesAndChordsCommand(self.doc, notes, chords, f"Transpose {dp:+d}"))
        if self.roll.scale != "Chromatic":  # the highlighted key moves with the song
            self.roll_toolbar.set_scale(self.roll.key + dp, self.roll.scale)
        self.statusBar().showMessage(f"Transposed {dp:+d} semitones" + (
            f", with {len(set(self.doc.chords.values()))} chosen chords" if self.doc.chords else ""), 4000)
        return True

    def chord_at_cursor(self) -> bool:
        """The chord strip's menu for the chord at the edit cursor, opened from the keyboard."""
        roll = self.roll
        if roll.chord_span_at(roll.edit_cursor) is None:
            self.statusBar().showMessage("Turn the Band on (transport) to choose its chords", 4000)
            return False
        x = round(roll.geo.tick_to_x(roll.edit_cursor))
        roll.open_chord_menu(roll.edit_cursor, roll.ruler.mapToGlobal(QPoint(max(0, x), CHORD_STRIP)))
        return True

    def _band_options(self) -> dict:
        """The swing and sound the transport's Band plays with (Export and Render match what is heard)."""
        return self.transport.band_options if self.transport is not None else {}

    def render_wav(self, path: str | None = None):
        """Render what is heard (the melody; with the Band, or the song's parts, while they play) to WAV on the
        window's runner, faster than real time; ``renderFinished`` says how it went. Returns the job's
        CancelToken, or None when nothing was started."""
        melody = self.melody
        if not melody.notes:
            self.statusBar().showMessage("Nothing to render: the melody is empty")
            return None
        if path is None:
            stem = Path(self.path).stem if self.path else "melody"
            suggested = Path(self.settings.get("last_dir", "")) / f"{stem}.wav"
            path = self.ask_wav_path(self, "Render to WAV", str(suggested))
            if not path:
                return None
        soundfont = None
        if self.transport is not None:
            soundfont = getattr(self.transport.player.synth, "soundfont", None)
        t = self.transport  # Render renders what is heard (Project.render_plan)
        plan = self.project.render_plan(song_on=t is not None and t.song_on, heard=self._song_heard(),
                                        band_options=self._band_options() if t and t.band_button.isChecked() else None)

        def work(_token) -> str:
            from mguv_app.audio import SoundFontError, render_to_wav

            source, what = plan.source(melody)
            try:
                res = render_to_wav(source, path, soundfont=soundfont)
            except (SoundFontError, OSError) as exc:
                return f"Could not render: {exc}"
            return f"Rendered {path}{what}: {res.seconds:.1f} s of audio, peak {res.peak_dbfs:.1f} dBFS"

        self.statusBar().showMessage(f"Rendering {path}…")
        return self.jobs.submit(work, self.renderFinished.emit,
                                lambda msg: self.renderFinished.emit(f"Could not render: {msg}"))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.settings.recent_files()
        for f in files:
            self.recent_menu.addAction(Path(f).name, lambda f=f: self.open_recent(f)).setToolTip(f)
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def open_recent(self, path: str) -> bool:
        if not Path(path).exists():
            self.settings.remove_recent(path)
            self.statusBar().showMessage(f"{path} no longer exists: it was moved or deleted (it is off the "
                                         "recent list now; File → Open finds it where it is)")
            return False
        return self.open_file(path)

    # --- drag and drop ------------------------------------------------------------------------------
    @staticmethod
    def _dropped_midi(mime) -> str | None:
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in MIDI_SUFFIXES:
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_midi(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_midi(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_file(path)

    # --- autosave and recovery ----------------------------------------------------------------------
    def autosave_now(self) -> Path:
        """Write the crash-recovery autosave now (the timer calls this; so does Generate)."""
        path = self.autosaver.save(self.melody, self.path)
        self._autosave_dirty = False
        self.statusBar().showMessage("Autosaved", 2000)
        return path

    def _autosave_tick(self) -> None:
        if self._autosave_dirty:
            self.autosave_now()

    def offer_restore(self) -> bool:
        """At start: if the last session crashed, offer its autosave. True if it was restored."""
        recovery = self.autosaver.pending_recovery()
        restored = False
        if recovery is not None:
            if self.ask_restore(self, recovery):
                self.load_melody(recovery.melody, recovery.source_path, modified=True)
                self._keep_song(recovery.source_path)
                self.statusBar().showMessage("Restored the autosave of the last session")
                restored = True
            else:
                self.autosaver.discard()
        self.autosaver.start_session(self.path)
        return restored

    def showEvent(self, event) -> None:
        state, self._saved_state = self._saved_state, None
        if state is not None:
            self.restoreState(state)
        elif self.default_dock_layout is not None and not self._shown_before:
            self.default_dock_layout()  # the panels' places for the size the window has now (ui/dock_layout.py)
        if not self._shown_before and self.tabs.currentIndex() != 0:  # shown first on the Training page
            QTimer.singleShot(0, lambda: self._page_changed(self.tabs.currentIndex()))
        self._shown_before = True
        super().showEvent(event)
        self._wrap_toolbars()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._wrap_toolbars()

    def closeEvent(self, event) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self._bring_docks_back()  # the saved layout is the Compose page's
        self.autosave_timer.stop()
        self.autosaver.end_session()
        self.settings.set("window/geometry", self.saveGeometry())
        if self._toolbars_wrapped:  # the saved layout keeps only the user's own toolbar rows
            self.removeToolBarBreak(self.roll_toolbar)
            self._toolbars_wrapped = False
        # a window closed without ever showing keeps the saved layout it did not get to restore
        self.settings.set("window/state", self.saveState() if self._saved_state is None else self._saved_state)
        self.settings.set("theme", self.roll.theme.name)
        self.settings.set("grid", self.roll.grid_label)
        self.settings.sync()
        if self.transport is not None:
            getattr(self.transport, "shutdown", self.transport.close)()  # release the audio device
        event.accept()

    # --- look ---------------------------------------------------------------------------------------
    def apply_theme(self, name: str) -> None:
        theme = THEMES.get(name, THEMES["dark"])
        app = QApplication.instance()
        if app is not None:
            app.setStyle(QStyleFactory.create("Fusion"))
            app.setPalette(palette(theme))
        self.roll.set_theme(theme)
        self.settings.set("theme", theme.name)

    def show_messages(self) -> MessagesDialog:
        """View → Messages…: the status bar's recent messages, in full."""
        if self.messages_dialog is None:
            self.messages_dialog = MessagesDialog(self.statusBar(), self)
        self.messages_dialog.show()
        self.messages_dialog.raise_()
        self.messages_dialog.refresh()
        return self.messages_dialog

    def show_shortcuts(self):
        """Help → Keyboard Shortcuts (non-modal, so it can stay open beside the roll)."""
        from .shortcuts_dialog import ShortcutsDialog

        self._shortcuts = ShortcutsDialog(self)
        self._shortcuts.show()
        return self._shortcuts

    def _about(self) -> None:
        from mguv_app import __version__

        QMessageBox.about(self, APP_NAME, f"{APP_NAME} {__version__}\nCompose melodies with a music VAE.")

    # --- the transport (another module; optional) ----------------------------------------------------
    def _connect_transport(self) -> None:
        from .transport_link import attach_transport

        self.transport = attach_transport(self)
        from .recording_link import attach_recorder

        self.recorder = attach_recorder(self)
