"""The chord strip's menu: change the Band's chord for a bar (right-click a chord above the ruler).

Why a menu of suggestions first: most hobbyists know a chord sounds wrong before they know which
one is right, so the menu lists the chords that fit the melody there best (the harmoniser's own
measure, ``lofi.harmony.chord_suggestions``), each sounding as the mouse passes over it, with
"Other chord…" for anything typed. Every change
is a ``ChordCommand`` on the window's undo stack and lands in ``NoteDocument.chords``, which is
saved with the melody (MIDI markers) and which the Band, Export with Backing Band and Render keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from mguv_app.lofi.chord_symbols import ChordSymbolError, canonical_symbol, parse_chord
from mguv_app.lofi.harmony import chord_suggestions, estimate_key, voice_lead

from .. import commands

if TYPE_CHECKING:
    from .roll import PianoRoll

SUGGESTIONS = 6


def _bar_label(roll: PianoRoll, start: int, end: int) -> str:
    meter_map = roll.doc.meter_map
    bar = meter_map.bar_at(start)
    first, last = meter_map.number(bar.index), meter_map.number(meter_map.bar_index(end - 1))
    if end - start == bar.chord_slot_ticks < bar.length:
        return f"Bar {first}, beats {'1–2' if start == bar.start else '3–4'}"
    return f"Bar {first}" if first == last else f"Bars {first}–{last}"


def set_chord(roll: PianoRoll, start: int, end: int, symbol: str | None) -> bool:
    """Choose ``symbol`` for the half bars in ``[start, end)`` (None: the Band's own), as one undo step."""
    return commands.push_chords(roll.undo_stack, roll.doc, roll.doc.plan_chord(start, end, symbol))


def ask_other_chord(roll: PianoRoll, start: int, end: int, current: str) -> bool:
    """Ask for a typed chord symbol; one it cannot read is explained and changes nothing."""
    text = roll.ask_chord(roll, _bar_label(roll, start, end), current)
    if not text:
        return False
    try:
        symbol = canonical_symbol(text)
    except ChordSymbolError as err:
        roll.show_error(roll, "Not a chord symbol", str(err))
        return False
    return set_chord(roll, start, end, symbol)


def _fill(menu: QMenu, roll: PianoRoll, start: int, end: int, current: str) -> None:
    melody = roll.doc.to_melody()
    key = estimate_key(melody.notes)
    chords = chord_suggestions(melody, key, start, end, SUGGESTIONS + 1)
    names = [ch.spelled(key) for ch in chords]
    if current not in names:  # what plays now comes first, ticked, in place of its root's other colour
        root = parse_chord(current).root
        names = [current] + [n for ch, n in zip(chords, names, strict=True) if ch.root != root]
    names = names[:SUGGESTIONS]
    for name in names:
        act = menu.addAction(name, lambda s=name: set_chord(roll, start, end, s))
        act.setCheckable(True)
        act.setChecked(name == current)
        act.setData(name)
    menu.addAction("Other chord…", lambda: ask_other_chord(roll, start, end, current))


def audition_chord(roll: PianoRoll, symbol: str) -> list[int]:
    """Sound ``symbol`` as the Band voices it (bass root plus the mid-register voicing), through the
    roll's audition signal; the pitches played."""
    chord = parse_chord(symbol)
    pitches = [36 + (chord.root - 36) % 12, *voice_lead(None, chord)]
    for p in pitches:
        roll.auditionRequested.emit(p, 70)
    return pitches


def _menu(roll: PianoRoll, parent=None) -> QMenu:
    """A menu whose chord items sound when hovered: hearing is how one chooses a chord."""
    menu = QMenu(parent or roll)
    menu.hovered.connect(lambda act: audition_chord(roll, act.data()) if isinstance(act.data(), str) else None)
    return menu


def chord_menu(roll: PianoRoll, span: tuple[int, int, str, bool], tick: int) -> QMenu:
    """The menu for the chord ``span`` (start, end, name, chosen) clicked at ``tick``."""
    start, end, name, chosen = span
    menu = _menu(roll)
    menu.addSection(f"{_bar_label(roll, start, end)}: {name}")
    _fill(menu, roll, start, end, name)
    h0, h1 = roll.doc.meter_map.chord_slot(max(start, tick))
    if end - start > h1 - h0:  # a chord held longer: change only the half bar (or, in 3/4, bar) under the mouse
        sub = _menu(roll, menu)
        sub.setTitle(f"Only {_bar_label(roll, h0, h1).lower()}")
        menu.addMenu(sub)
        _fill(sub, roll, h0, h1, name)
    menu.addSeparator()
    back = menu.addAction("Let the Band choose here", lambda: set_chord(roll, start, end, None))
    back.setEnabled(chosen)
    every = menu.addAction("Let the Band choose every chord",
                           lambda: commands.push_chords(roll.undo_stack, roll.doc, roll.doc.plan_clear_chords()))
    every.setEnabled(bool(roll.doc.chords))
    return menu

