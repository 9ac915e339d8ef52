"""What Endless is playing, in its dock: the phrase as a live mini piano roll, the chord sounding now, and
where the phrase is in its form.

The panel's 10 Hz pump hands :meth:`NowPlaying.show_phrase` the phrase under the playhead and the tick
inside it; this widget only draws: four bars of the phrase at a time, the ones the playhead is in (a page turns
as it moves on), their notes (the part already heard brighter), their chords in a strip above them
(the one sounding highlighted) and the playhead line; above the picture
the chord in large type, the phrase's number and key, and its place in the form when the phrase carries
one (``phrase.form_label``, e.g. "A" or "B" of an A A B A loop, and ``phrase.form_position``, (2, 4): the
second phrase of four; without a form nothing is shown for it).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from .widgets import ElidedLabel

BACKGROUND = QColor(32, 34, 40)
BAR_LINE = QColor(70, 74, 86)
NOTE_AHEAD = QColor(90, 150, 200)
NOTE_HEARD = QColor(130, 210, 255)
PLAYHEAD = QColor(255, 255, 255)
CHORD_NOW = QColor(255, 200, 90)
CHORD_TEXT = QColor(190, 194, 204)
STRIP = 16  # px of chord strip above the notes
PAGE_BARS = 4  # bars shown at a time: a 16-bar phrase whole would be too dense to read in a dock


def form_label(phrase) -> str:
    """The phrase's label in its form ("A", "A'", "B"), or "" when the stream gives it none."""
    label = getattr(phrase, "form_label", None)
    return str(label) if label else ""


def form_text(phrase) -> str:
    """"Form A · 2 of 4": the label and the place in the loop (the place when the stream gives one), or ""."""
    label = form_label(phrase)
    if not label:
        return ""
    at, of = getattr(phrase, "form_position", (0, 0)) or (0, 0)
    return f"Form {label}" + (f" · {at} of {of}" if of else "")


def chord_name(phrase, local_tick: int) -> str:
    """The chord sounding at ``local_tick`` of the phrase, spelled in its key ("" in a gap)."""
    from mguv_app.lofi.harmony import chord_at

    chord = chord_at(phrase.slots, local_tick)
    return chord.spelled(phrase.key) if chord is not None else ""


def page(phrase, tick: int) -> tuple[int, int]:
    """The ticks of the ``PAGE_BARS`` bars of the phrase that hold ``tick``: (start, end)."""
    span = PAGE_BARS * phrase.melody.ticks_per_bar
    start = max(0, min(int(tick), phrase.length_ticks - 1)) // span * span
    return start, min(start + span, phrase.length_ticks)


class MiniRoll(QWidget):
    """The phrase's notes and chords around the playhead, and the playhead (``set_phrase``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phrase = None
        self.tick = 0
        self.setMinimumHeight(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(240, 96)

    def set_phrase(self, phrase, tick: int) -> None:
        self.phrase, self.tick = phrase, int(tick)
        self.update()  # the playhead moves every pump

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        try:
            p.fillRect(self.rect(), BACKGROUND)
            phrase = self.phrase
            if phrase is None:
                return
            w, h = self.width(), self.height()
            tpb = phrase.melody.ticks_per_bar
            first, last = page(phrase, self.tick)
            span = PAGE_BARS * tpb

            def x_of(tick: float) -> float:
                return (tick - first) * w / span

            p.setPen(BAR_LINE)
            for t in range(first + tpb, last + 1, tpb):
                p.drawLine(round(x_of(t)), 0, round(x_of(t)), h)
            small = QFont(self.font())
            small.setPointSizeF(max(6.5, small.pointSizeF() * 0.8))
            p.setFont(small)
            for slot in phrase.slots:  # the chords over their spans, the one sounding now highlighted
                if slot.end <= first or slot.start >= last:
                    continue
                rect = QRectF(x_of(slot.start), 0, x_of(slot.end) - x_of(slot.start), STRIP)
                now = slot.start <= self.tick < slot.end
                p.setPen(CHORD_NOW if now else CHORD_TEXT)
                name = slot.chord.spelled(phrase.key)
                if p.fontMetrics().horizontalAdvance(name) < rect.width() - 2 or now:
                    p.drawText(rect.adjusted(2, 0, 0, 0),
                               int(Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip), name)
            rng = phrase.melody.pitch_range
            if rng is not None:
                low, high = rng[0] - 2, rng[1] + 2
                row = (h - STRIP) / (high - low + 1)
                p.setPen(Qt.PenStyle.NoPen)
                for n in phrase.melody.notes:
                    if n.end <= first or n.start >= last:
                        continue
                    x0, x1 = x_of(n.start), max(x_of(n.start) + 1.5, x_of(n.end) - 0.5)
                    p.setBrush(NOTE_HEARD if n.start <= self.tick else NOTE_AHEAD)
                    p.drawRect(QRectF(x0, STRIP + (high - n.pitch) * row, x1 - x0, max(1.5, row - 0.5)))
            p.setPen(QPen(PLAYHEAD, 1.5))
            x = x_of(self.tick)
            p.drawLine(QPointF(x, 0), QPointF(x, h))
        finally:
            p.end()


WIDE_CHORD = "F#maj9"  # about the widest chord name the Band writes (a slash chord widens the label)


class NowPlaying(QWidget):
    """The chord, the phrase's number, key and form label, and the mini roll; a hint while nothing plays."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        top = QHBoxLayout()
        self.chord_label = QLabel("")
        big = QFont(self.chord_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.chord_label.setFont(big)
        # as wide as a long chord name from the start: the line beside it does not jump at each chord change,
        # and a longer name is never drawn before the layout has widened it (seen cut to "F#m")
        self.chord_label.setMinimumWidth(QFontMetrics(big).horizontalAdvance(WIDE_CHORD))
        self.chord_label.setToolTip("The chord playing now")
        self.where_label = ElidedLabel("Start to hear and see the phrase playing")
        self.form_label = QLabel("")
        self.form_label.setToolTip("Where this phrase is in the form the stream follows")
        self.form_label.hide()
        top.addWidget(self.chord_label)
        top.addWidget(self.where_label, 1)
        top.addWidget(self.form_label)
        lay.addLayout(top)
        self.roll = MiniRoll()
        lay.addWidget(self.roll)
        self.phrase = None

    def show_phrase(self, phrase, local_tick: int) -> None:
        """``phrase`` is under the playhead, ``local_tick`` into it."""
        self.phrase = phrase
        self.chord_label.setText(chord_name(phrase, local_tick))
        tpb = phrase.melody.ticks_per_bar
        first, last = page(phrase, local_tick)
        bars = f"bars {first // tpb + 1}–{-(-last // tpb)} of {-(-phrase.length_ticks // tpb)}"
        self.where_label.setText(f"Phrase {phrase.index + 1} · {phrase.key} · {bars}")
        form = form_text(phrase)
        self.form_label.setText(form)
        self.form_label.setVisible(bool(form))
        self.roll.set_phrase(phrase, local_tick)

    def clear(self, hint: str = "Start to hear and see the phrase playing") -> None:
        self.phrase = None
        self.chord_label.setText("")
        self.where_label.setText(hint)
        self.form_label.hide()
        self.roll.set_phrase(None, 0)
