"""Dark and light colour themes for the piano roll and the application palette."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Theme:
    name: str
    background: str        # out-of-scale rows
    row_in_scale: str      # in-scale rows
    row_root: str          # the key's root rows
    grid_sub: str          # grid subdivision lines
    grid_beat: str
    grid_bar: str
    note_low: str          # note colour at velocity 1 ...
    note_mid: str          # ... at velocity 64 ...
    note_high: str         # ... and at velocity 127
    note_border: str
    selected: str
    selected_border: str
    key_white: str
    key_black: str
    key_text: str
    ruler_bg: str
    ruler_text: str
    loop: str
    playhead: str
    cursor: str
    rubber: str
    lane_bg: str
    window: str
    base: str
    text: str
    button: str
    highlight: str
    disabled_text: str     # greyed-out text: at least 3:1 against window, base and button, well below ``text``


DARK = Theme(
    name="dark", background="#1b1d22", row_in_scale="#23262d", row_root="#2b2f3a",
    grid_sub="#2a2d35", grid_beat="#353944", grid_bar="#555b6b",
    note_low="#4257d6", note_mid="#27b3b8", note_high="#b5e655", note_border="#0d0f12",
    selected="#ff9f1c", selected_border="#ffffff",
    key_white="#d9dbe0", key_black="#22252b", key_text="#4a4f5c",
    ruler_bg="#262930", ruler_text="#b8bdc9", loop="#b48cff", playhead="#ff4d5e", cursor="#5fb3ff",
    rubber="#5fb3ff", lane_bg="#17191d",
    window="#2a2d33", base="#1f2126", text="#e3e6ec", button="#33363d", highlight="#3d7eff",
    disabled_text="#8a8f9a",
)

LIGHT = Theme(
    name="light", background="#e4e6ea", row_in_scale="#f4f5f7", row_root="#e1e8f7",
    grid_sub="#dadde3", grid_beat="#c5c9d1", grid_bar="#8d93a0",
    note_low="#6b80f2", note_mid="#1f9fa6", note_high="#5aa81f", note_border="#3a3f4a",
    selected="#ff8c00", selected_border="#1b1d22",
    key_white="#ffffff", key_black="#2c2f36", key_text="#8d93a0",
    ruler_bg="#d5d8de", ruler_text="#30343c", loop="#8a5cf0", playhead="#e0303f", cursor="#1f6fd1",
    rubber="#1f6fd1", lane_bg="#eceef1",
    window="#eceef1", base="#ffffff", text="#1b1d22", button="#e2e4e8", highlight="#3d7eff",
    disabled_text="#6e737e",
)

THEMES = {t.name: t for t in (DARK, LIGHT)}


def velocity_color(theme: Theme, velocity: int) -> QColor:
    """Blend low -> mid -> high note colour by velocity, so dynamics read at a glance."""
    v = max(1, min(127, velocity))
    if v <= 64:
        a, b, f = QColor(theme.note_low), QColor(theme.note_mid), (v - 1) / 63
    else:
        a, b, f = QColor(theme.note_mid), QColor(theme.note_high), (v - 64) / 63
    return QColor(round(a.red() + (b.red() - a.red()) * f), round(a.green() + (b.green() - a.green()) * f),
                  round(a.blue() + (b.blue() - a.blue()) * f))


def palette(theme: Theme) -> QPalette:
    """An application palette matching the theme (used with the Fusion style)."""
    p = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: theme.window, QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base, QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Text: theme.text, QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.text, QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text, QPalette.ColorRole.PlaceholderText: theme.ruler_text,
    }
    for role, color in roles.items():
        p.setColor(role, c(color))
    # disabled: dimmer text (still legible) on a flat button, so it reads as "not now", not as "on"
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(disabled, role, c(theme.disabled_text))
    p.setColor(disabled, QPalette.ColorRole.Button, c(theme.window))
    return p
