"""Small piano-roll pictures of melodies for the results list (painted here, no model call)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from mguv_app.music import Melody

BACKGROUND = QColor(32, 34, 40)
BAR_LINE = QColor(70, 74, 86)
NOTE = QColor(110, 190, 255)


def melody_pixmap(melody: Melody, width: int = 150, height: int = 56, color: QColor = NOTE) -> QPixmap:
    """Notes as bars over a dark grid: x spans the melody's whole bars, y its pitch range (+2 each side)."""
    pix = QPixmap(width, height)
    pix.fill(BACKGROUND)
    p = QPainter(pix)
    try:
        bars = max(1, melody.num_bars)
        total = bars * melody.ticks_per_bar
        p.setPen(BAR_LINE)
        for b in range(1, bars):
            x = int(b * width / bars)
            p.drawLine(x, 0, x, height)
        rng = melody.pitch_range
        if rng is None:
            p.setPen(QColor(140, 140, 150))
            p.drawText(pix.rect(), Qt.AlignmentFlag.AlignCenter, "(silence)")
            return pix
        low, high = rng[0] - 2, rng[1] + 2
        row = height / (high - low + 1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        for n in melody.notes:
            x0 = n.start * width / total
            x1 = max(x0 + 1.5, n.end * width / total - 0.5)
            y = (high - n.pitch) * row
            p.drawRect(QRectF(x0, y, x1 - x0, max(1.5, row - 0.5)))
    finally:
        p.end()
    return pix


def melody_icon(melody: Melody, width: int = 150, height: int = 56) -> QIcon:
    return QIcon(melody_pixmap(melody, width, height))
