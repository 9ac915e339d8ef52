"""The piano roll's toolbar: tools, snap grid, snap toggle, quantize, key and scale, follow, fit."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QStyleOptionComboBox, QToolBar

from mguv_app.editing import GRIDS, KEY_NAMES, SCALES

from .piano_roll import PianoRoll
from .widgets import ElidedComboBox

TOOL_KEYS = {"select": ("Select", "S"), "draw": ("Draw", "D"), "erase": ("Erase", "E")}


def _combo_width(box: QComboBox, text: str) -> int:
    """The width ``box`` needs to show ``text`` whole (frame and arrow included)."""
    opt = QStyleOptionComboBox()
    box.initStyleOption(opt)
    fm = box.fontMetrics()
    size = QSize(fm.horizontalAdvance(text) + 4, fm.height())
    return box.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, opt, size, box).width()


class RollToolBar(QToolBar):
    def __init__(self, roll: PianoRoll, parent=None) -> None:
        super().__init__("Piano roll", parent)
        self.setObjectName("roll_toolbar")
        self.roll = roll
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for tool, (label, key) in TOOL_KEYS.items():
            a = QAction(label, self, checkable=True, shortcut=QKeySequence(key))
            a.setToolTip(f"{label} tool ({key})")
            a.triggered.connect(lambda _=False, t=tool: roll.set_tool(t))
            group.addAction(a)
            self.addAction(a)
            self.tool_actions[tool] = a
        self.tool_actions[roll.tool].setChecked(True)
        roll.toolChanged.connect(lambda t: self.tool_actions[t].setChecked(True))
        self.addSeparator()

        self.addWidget(QLabel(" Grid "))
        self.grid_box = QComboBox()
        self.grid_box.addItems(list(GRIDS))
        self.grid_box.setCurrentText(roll.grid_label)
        self.grid_box.currentTextChanged.connect(roll.set_grid)
        self.grid_box.setToolTip("Snap grid (T = triplets)")
        self.addWidget(self.grid_box)
        self.snap_action = QAction("Snap", self, checkable=True, checked=roll.snap_enabled,
                                   shortcut=QKeySequence("Ctrl+G"))
        self.snap_action.setToolTip("Snap to grid (Ctrl+G); hold Alt while dragging to move freely")
        self.snap_action.toggled.connect(roll.set_snap)
        self.addAction(self.snap_action)
        self.quantize_action = QAction("Quantize", self, shortcut=QKeySequence("Q"))
        self.quantize_action.setToolTip("Quantize the selection (or everything) to the grid (Q)")
        self.quantize_action.triggered.connect(roll.quantize_selection)
        self.addAction(self.quantize_action)
        self.addSeparator()

        self.addWidget(QLabel(" Scale "))
        self.key_box = QComboBox()
        self.key_box.addItems(list(KEY_NAMES))
        self.key_box.setToolTip("Key: its scale's rows are highlighted in the piano roll")
        self.scale_box = ElidedComboBox()
        self.scale_box.addItems(list(SCALES))
        # wide enough for "Natural minor" and "Melodic minor", not for "Major pentatonic" (the toolbars
        # then fit a 1100 px window): a longer name ends in "…" here, whole in the list and the tooltip
        self.scale_box.setFixedWidth(_combo_width(self.scale_box, "Melodic minor"))
        self.scale_box.view().setMinimumWidth(self.scale_box.view().sizeHintForColumn(0) + 24)
        self.scale_box.currentTextChanged.connect(lambda text: self.scale_box.setToolTip(f"Scale: {text}"))
        self.scale_box.setToolTip(f"Scale: {self.scale_box.currentText()}")
        for box in (self.key_box, self.scale_box):
            box.currentIndexChanged.connect(self._scale_changed)
            self.addWidget(box)
        self.addSeparator()
        self.follow_action = QAction("Follow", self, checkable=True, checked=roll.follow)
        self.follow_action.setToolTip("Scroll with the playhead while playing")
        self.follow_action.toggled.connect(roll.set_follow)
        self.addAction(self.follow_action)
        self.fit_action = QAction("Fit", self, shortcut=QKeySequence("F"))
        self.fit_action.setToolTip("Zoom to fit the whole melody (F)")
        self.fit_action.triggered.connect(roll.fit_to_content)
        self.addAction(self.fit_action)

    def set_scale(self, key: int, scale: str) -> None:
        """Show ``key``/``scale`` in the choosers (which update the roll)."""
        self.key_box.setCurrentIndex(key % 12)
        self.scale_box.setCurrentText(scale)
        self._scale_changed()

    def _scale_changed(self, _=None) -> None:
        self.roll.set_scale(self.key_box.currentIndex(), self.scale_box.currentText())
