"""Both themes keep disabled widgets legible (WCAG contrast >= 3:1) yet clearly dimmer than enabled ones."""

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ui.themes import THEMES, palette


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 = the same, 21 = black on white)."""
    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


R = QPalette.ColorRole
PAIRS = [(R.ButtonText, R.Button), (R.ButtonText, R.Window), (R.WindowText, R.Window),
         (R.Text, R.Base), (R.Text, R.Window)]


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast_ratio(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", sorted(THEMES))
def test_disabled_text_is_legible_but_dimmer_than_enabled(name):
    pal = palette(THEMES[name])
    G = QPalette.ColorGroup
    for text, back in PAIRS:
        disabled = contrast_ratio(pal.color(G.Disabled, text), pal.color(G.Disabled, back))
        enabled = contrast_ratio(pal.color(G.Active, text), pal.color(G.Active, back))
        assert disabled >= 3.0, f"{name}: disabled {text.name} on {back.name} is {disabled:.2f}:1"
        assert disabled <= 0.6 * enabled, \
            f"{name}: disabled {text.name} looks enabled ({disabled:.1f} vs {enabled:.1f}:1)"


def _pixel_contrast(widget) -> float:
    """The strongest contrast between the button face (left padding) and any pixel of its text area."""
    img = widget.grab().toImage()
    h = img.height()
    face = img.pixelColor(5, h // 2)
    best = 1.0
    for y in range(6, h - 6):
        for x in range(8, img.width() - 8):
            best = max(best, contrast_ratio(img.pixelColor(x, y), face))
    return best


@pytest.mark.parametrize("name", sorted(THEMES))
def test_files_not_used_button_reads_when_disabled(qtbot, name):
    """The Training tab's "Files not used…" (disabled until a scan refused files) as drawn."""
    from ui.main_window import MainWindow
    from ui.training_link import attach_training

    w = MainWindow(with_transport=False)
    qtbot.addWidget(w)
    tab = attach_training(w, ask=None)
    w.apply_theme(name)
    w.tabs.setCurrentWidget(tab)
    w.show()
    qtbot.waitExposed(w)
    QApplication.processEvents()  # the new palette and the tab's layout arrive as events
    button = tab.refused_button
    assert not button.isEnabled()
    drawn = _pixel_contrast(button)
    button.setEnabled(True)
    enabled = _pixel_contrast(button)
    button.setEnabled(False)
    assert drawn >= 3.0, f"{name}: disabled text drawn at {drawn:.2f}:1"
    assert drawn <= 0.6 * enabled, f"{name}: disabled {drawn:.1f}:1 vs enabled {enabled:.1f}:1"
