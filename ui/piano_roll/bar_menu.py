"""The ruler's menu: a bar's meter, bars in and out, the loop (right-click a bar number).

Real tunes change meter (a 2/4 bar closing each phrase of a waltz) and open with a pickup; this is where
a user says so. Each item is one undo step on the window's stack: a meter change is a
``PropertiesCommand`` (the chosen chords move onto the new bars' chord slots in the same step), bars put in
or taken out a ``BarsCommand`` (notes, chords and later meter changes move with them). The decisions are the
document's (``NoteDocument.plan_meter`` and friends, on ``music.meter.MeterMap``); ``mguv set --meter N/D
--at-bar K`` does the same headless.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from mguv_app.music.meter import meter_label, parse_meter

from .. import commands

if TYPE_CHECKING:
    from .roll import PianoRoll

COMMON_METERS = [(2, 4), (3, 4), (4, 4), (5, 4), (6, 8), (7, 8), (9, 8), (12, 8), (2, 2)]


def set_meter(roll: PianoRoll, index: int, time_signature) -> bool:
    """Bar ``index`` (0-based) on in ``time_signature``, up to the next change: one undo step."""
    change = roll.doc.plan_meter(index, time_signature)
    return _push_meter(roll, change)


def remove_meter(roll: PianoRoll, index: int) -> bool:
    """The meter change at bar ``index`` taken away: one undo step."""
    return _push_meter(roll, roll.doc.plan_remove_meter(index))


def _push_meter(roll: PianoRoll, change) -> bool:
    if change.empty:
        return False
    from mguv_app.music.melody import Melody

    bars = Melody(time_signature=change.after.get("time_signature", roll.doc.time_signature),
                  meters=change.after.get("meters", roll.doc.meters))
    chords = roll.doc.plan_chords_for_map(bars.meter_map)
    roll.undo_stack.push(commands.PropertiesCommand(roll.doc, change, None if chords.empty else chords))
    return True


def insert_bars(roll: PianoRoll, index: int, count: int = 1) -> bool:
    """``count`` empty bars before bar ``index``, of its meter: one undo step."""
    return _push_bars(roll, roll.doc.plan_insert_bars(index, count))


def delete_bars(roll: PianoRoll, index: int, count: int = 1) -> bool:
    """Bars ``index`` to ``index + count - 1`` with their notes: one undo step."""
    return _push_bars(roll, roll.doc.plan_delete_bars(index, count))


def _push_bars(roll: PianoRoll, change) -> bool:
    """A planned bars change as one undo step; False when it changes nothing."""
    if change.empty:
        return False
    roll.undo_stack.push(commands.BarsCommand(roll.doc, change))
    return True


def ask_other_meter(roll: PianoRoll, index: int) -> bool:
    """A typed meter ("5/8") for bar ``index``; one that no melody can have is explained and changes nothing."""
    number = roll.doc.meter_map.number(index)
    text = roll.ask_meter(roll, f"Bar {number}", meter_label(roll.doc.meter_map.bar(index).time_signature))
    if not text:
        return False
    try:
        return set_meter(roll, index, parse_meter(text))
    except ValueError as err:
        roll.show_error(roll, "Not a time signature", str(err))
        return False


def bar_menu(roll: PianoRoll, tick: int) -> QMenu:
    """The menu for the bar at ``tick``."""
    meter_map = roll.doc.meter_map
    bar = meter_map.bar_at(tick)
    number = meter_map.number(bar.index)
    menu = QMenu(roll)
    menu.addSection("Pickup (bar 0)" if bar.pickup else f"Bar {number}: {meter_label(bar.time_signature)}")
    if not bar.pickup:
        meters = menu.addMenu(f"Meter from Bar {number}")
        for meter in COMMON_METERS:
            act = meters.addAction(meter_label(meter), lambda m=meter: set_meter(roll, bar.index, m))
            act.setCheckable(True)
            act.setChecked(meter == bar.time_signature and bar.full)
        meters.addAction("Other…", lambda: ask_other_meter(roll, bar.index))
        change = meter_map.change_at(bar.index)
        if change is not None and bar.start != meter_map.events[0][0]:
            menu.addAction(f"Remove the Meter Change at Bar {number}", lambda: remove_meter(roll, bar.index))
    menu.addSeparator()
    if not bar.pickup:
        menu.addAction(f"Insert a Bar Before Bar {number}", lambda: insert_bars(roll, bar.index))
    menu.addAction(f"Delete Bar {number}" if not bar.pickup else "Delete the Pickup",
                   lambda: delete_bars(roll, bar.index))
    if roll.loop is not None:
        menu.addSeparator()
        menu.addAction("Clear Loop", lambda: roll.set_loop(None, None))
    return menu
