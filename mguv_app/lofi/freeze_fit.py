"""How a frozen Endless phrase goes into the user's document: in its tempo and meter, or after asking.

Endless plays its own tempo (70-90 BPM) and 4/4 bars; the document has the user's. Freezing a phrase
replaces the document's notes, not its settings, so:

* the phrase takes the document's tempo (its notes are in ticks: the same music, at the user's speed);
* a phrase whose bars are as long as the document's (4/4 into 4/4 or 2/2) goes in as it is;
* a phrase whose bars are not (4/4 into 3/4 or 6/8) would be cut across the document's barlines, its
  chords landing mid-bar: the user is asked first, and on yes the document's meter becomes the
  phrase's in the same undo step (on no, nothing changes).

The window asks and applies (``ui/lofi_link.py``); this module only decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..music.melody import Melody


@dataclass
class FreezePlan:
    melody: Melody  # the phrase as it goes into the document: the document's tempo
    meter: tuple[int, int] | None  # the meter the document must change to (None: it keeps its own)
    question: str  # what to ask before going on ("" when there is nothing to ask)
    note: str  # what to say once it is in, after "Phrase N is in the piano roll"


def _meter(ts) -> str:
    return f"{ts[0]}/{ts[1]}"


def plan_freeze(phrase: Melody, doc_meter, doc_qpm: float, played_qpm: float | None = None) -> FreezePlan:
    """How ``phrase`` (a frozen Endless phrase) goes into a document in ``doc_meter`` at ``doc_qpm``;
    ``played_qpm``: the tempo Endless played it at (the phrase's own when None)."""
    played = float(phrase.qpm if played_qpm is None else played_qpm)
    melody = phrase.copy()
    melody.qpm = float(doc_qpm)
    notes = []
    if abs(played - doc_qpm) > 0.05:
        notes.append(f"at your {doc_qpm:g} BPM (Endless played it at {played:g})")
    doc_meter = tuple(doc_meter)
    ts = tuple(phrase.time_signature)
    if ts == doc_meter or Melody(time_signature=doc_meter).ticks_per_bar == phrase.ticks_per_bar:
        melody.time_signature = doc_meter  # the same bars: the document's name for them stays
        return FreezePlan(melody, None, "", ", ".join(notes))
    question = (f"This phrase is in {_meter(ts)} and your melody is in {_meter(doc_meter)}: its bars would be cut "
                f"across yours. Freeze it in {_meter(ts)}? Your melody's meter changes to {_meter(ts)} (one undo "
                "step with the new notes).")
    notes.append(f"in {_meter(ts)} (was {_meter(doc_meter)})")
    return FreezePlan(melody, ts, question, ", ".join(notes))
