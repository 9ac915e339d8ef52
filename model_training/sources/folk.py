"""Folk tunes that ship with music21 (Essen, O'Neill's 1850, Ryan's Mammoth, Aird's Airs), from ABC.

Collection files hold many tunes; they are split on ``X:`` here (cheap, in the main
process) so each tune is one task and one bad tune is one rejection. Tunes whose every
``M:`` field is 4/4, C, 2/2, C| or 2/4 (for a 3/4 corpus: 3/4) are parsed with music21 (about 30 ms a tune); a
pickup is shifted so it ends on a barline, ties are merged, chords keep their top note,
grace notes are dropped, repeats are not expanded (as in the lead-sheet sets). Tunes with
more than 10% of onsets off the 16th grid (triplet-heavy hornpipes) are dropped rather
than mangled by quantization.
"""

from __future__ import annotations

import contextlib
import re
from fractions import Fraction
from pathlib import Path

from mguv_app.music import TICKS_PER_QUARTER, Melody, Note

from ..songs import FOUR_FOUR, SHAPES, BarShape, Rejected, Song, melody_tokens

COLLECTIONS = {"essen": "essenFolksong", "oneills": "oneills1850", "ryans": "ryansMammoth", "airds": "airdsAirs"}
MAX_OFF_GRID = 0.10
_METER = re.compile(r"(?m)^M:\s*([^\n%]*)|\[M:\s*([^\]]*)\]")


def corpus_root() -> Path:
    import music21

    return Path(music21.__file__).parent / "corpus"


def split_tunes(text: str) -> tuple[str, list[str]]:
    """(file header, tunes) of an ABC file; each tune starts at its ``X:`` line."""
    parts = re.split(r"(?m)^(?=X:)", text)
    return parts[0], parts[1:]


def tune_meter(tune: str, shape: BarShape = FOUR_FOUR) -> str | None:
    """The single meter of a tune, or None when any M: field is outside ``shape`` or its bars differ."""
    meters = {(a or b).strip() for a, b in _METER.findall(tune)}
    if not meters or not all(m in shape.abc_bars for m in meters):
        return None
    beats = {shape.abc_bars[m] for m in meters}
    return meters.pop() if len(beats) == 1 else None


def list_tunes(limit_per_collection: int | None = None, shape: BarShape = FOUR_FOUR):
    """Yield (source, song_id, header + tune text, meter-or-None, shape name) for every tune, in a
    fixed order.

    ``limit_per_collection`` caps the usable tunes taken from each collection (the first N).
    """
    root = corpus_root()
    for short, folder in COLLECTIONS.items():
        count = 0
        for path in sorted((root / folder).glob("*.abc")):
            header, tunes = split_tunes(path.read_text(encoding="latin-1"))
            for i, tune in enumerate(tunes):
                meter = tune_meter(tune, shape)
                if meter is not None:  # the limit counts usable tunes only
                    if limit_per_collection is not None and count >= limit_per_collection:
                        continue
                    count += 1
                yield f"folk_{short}", f"{path.stem}#{i}", header + tune, meter, shape.name


@contextlib.contextmanager
def _no_beaming(stream_module):
    """Skip music21's beaming during ABC import: half the parse time, and beams are notation only."""
    original = stream_module.Stream.makeBeams
    stream_module.Stream.makeBeams = lambda self, *a, **k: None if k.get("inPlace") else self
    try:
        yield
    finally:
        stream_module.Stream.makeBeams = original


def load_tune(source: str, song_id: str, text: str, meter: str | None, shape_name: str = "4/4") -> Song | Rejected:
    where = f"music21:{song_id}"
    shape = SHAPES[shape_name]
    if meter is None:
        return Rejected(source, where, f"meter is not {shape.describe()} throughout")
    try:
        from music21 import converter, stream

        with _no_beaming(stream):
            score = converter.parseData(text, format="abc")
        part = score.parts[0] if getattr(score, "parts", None) else score
        measures = list(part.getElementsByClass(stream.Measure))
        title = (score.metadata.title if score.metadata else None) or song_id
        bar = shape.abc_bars[meter]
        shift = Fraction(0)
        if len(measures) > 1:
            shift = (bar - Fraction(measures[1].offset).limit_denominator(96)) % bar
        notes, off_grid = [], 0
        for el in part.flatten().notes:
            dur = Fraction(el.duration.quarterLength).limit_denominator(96)
            if dur <= 0 or el.duration.isGrace:
                continue
            start = Fraction(el.offset).limit_denominator(96) + shift
            pitch = max(p.midi for p in el.pitches)
            s, e = round(start * TICKS_PER_QUARTER), round((start + dur) * TICKS_PER_QUARTER)
            tied = el.tie is not None and el.tie.type in ("stop", "continue")
            if tied and notes and notes[-1].pitch == pitch and notes[-1].end == s:
                notes[-1] = Note(notes[-1].start, e, pitch)  # merge a tie (cheaper than music21's stripTies)
                continue
            if (start * 4).denominator != 1:
                off_grid += 1
            if 0 <= pitch <= 127:
                notes.append(Note(s, max(s + 1, e), pitch))
    except Exception as exc:  # music21 raises many kinds; one bad tune is one rejection
        return Rejected(source, where, f"music21 could not parse the tune ({type(exc).__name__}: {exc})"[:200])
    if not notes:
        return Rejected(source, where, "no notes")
    if off_grid > MAX_OFF_GRID * len(notes):
        return Rejected(source, where, f"too many onsets off the 16th grid ({off_grid} of {len(notes)}, triplets)")
    melody = Melody(notes, time_signature=shape.time_signature).quantized().monophonic()
    return Song(source, song_id, str(title).strip(), [melody_tokens(melody, shape.steps)], where, shape.steps)
