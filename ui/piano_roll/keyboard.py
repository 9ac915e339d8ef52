"""The piano keyboard at the roll's left: one key per row, C labels; a key sounds while it is held down
(``PianoRoll.keyHeld``, which Record also records) and lights while any keyboard plays it (``set_lit``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from mguv_app.editing import pitch_name

from .canvas import BLACK_KEYS

if TYPE_CHECKING:
    from .roll import PianoRoll

WIDTH = 64


def velocity_at(x: float) -> int:
    """How hard a click plays a key: softly near the key's back (left), loudly at its front, as on a piano."""
    return int(round(40 + 87 * min(1.0, max(0.0, x / (WIDTH - 1)))))


class PianoKeyboard(QWidget):
    def __init__(self, roll: PianoRoll) -> None:
        super().__init__(roll)
        self.roll = roll
        self.pressed: int | None = None
        self.hovered: int | None = None  # the pitch row under the mouse in the grid
        self.lit: set[int] = set()  # pitches sounding from a MIDI or the computer keyboard
        self.setFixedWidth(WIDTH)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._font = QFont()
        self._font.setPixelSize(9)

    def paintEvent(self, event) -> None:
        geo, th = self.roll.geo, self.roll.theme
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(th.key_white))
        lo, hi = geo.visible_pitches(0, self.height())
        black, sep = QColor(th.key_black), QColor(th.grid_bar)
        hot = QColor(th.selected)
        hover = QColor(th.cursor)
        hover.setAlpha(110)
        p.setFont(self._font)
        for pitch in range(lo, hi + 1):
            y = geo.pitch_to_y(pitch)
            if pitch % 12 in BLACK_KEYS:
                p.fillRect(QRectF(0, y, WIDTH * 0.62, geo.row), black)
            if pitch == self.pressed or pitch in self.lit:
                p.fillRect(QRectF(0, y, WIDTH, geo.row), hot)
            elif pitch == self.hovered:
                p.fillRect(QRectF(0, y, WIDTH, geo.row), hover)
            if pitch % 12 in (0, 5):  # borders between white-key pairs E|F and B|C
                p.fillRect(QRectF(0, y + geo.row - 1, WIDTH, 1), sep)
            if pitch % 12 == 0 and geo.row >= 7:
                p.setPen(QColor(th.key_text))
                p.drawText(QRectF(0, y, WIDTH - 4, geo.row), Qt.AlignmentFlag.AlignRight
                           | Qt.AlignmentFlag.AlignVCenter, pitch_name(pitch))
        p.fillRect(QRectF(WIDTH - 1, 0, 1, self.height()), sep)
        p.end()

    def set_lit(self, pitches) -> None:
        self.lit = set(pitches)
        self.update()

    def _press(self, pitch: int | None, x: float = WIDTH / 2) -> None:
        if pitch == self.pressed:
            return
        if self.pressed is not None:
            self.roll.keyHeld.emit(self.pressed, False, 0)
        self.pressed = pitch
        if pitch is not None:
            self.roll.keyHeld.emit(pitch, True, velocity_at(x))
        self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press(self.roll.geo.y_to_pitch(event.position().y()), event.position().x())

    def mouseMoveEvent(self, event) -> None:
        if self.pressed is not None:  # glissando along the keys
            self._press(self.roll.geo.y_to_pitch(event.position().y()), event.position().x())

    def mouseReleaseEvent(self, event) -> None:
        self._press(None)

    def wheelEvent(self, event) -> None:
        self.roll.wheel(event, self)
