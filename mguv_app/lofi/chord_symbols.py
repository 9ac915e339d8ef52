"""Chord symbols a person types ("Bb7", "F#m7b5", "Cmaj9", "Dsus4") as :class:`~.harmony.Chord` values.

Why: the Band fits its chords, but a composer often knows the chord a bar should have. The
piano roll's chord strip and ``mguv backing --chord`` take a symbol, and a MIDI file keeps the
user's chords as marker events (``Chord: Dm7``) so they come back when the file is opened.
The root keeps the spelling typed (Bb stays Bb in A minor, where the fitted chords would say A#).
"""

from __future__ import annotations

import re

from .harmony import FLATS, NAMES, SHARPS, Chord, Key

# quality -> intervals above the root (3rd, 5th, then 7th/6th, then 9th); the first three are chord tones
QUALITIES: dict[str, tuple[int, ...]] = {
    "": (4, 7), "m": (3, 7), "dim": (3, 6), "aug": (4, 8), "sus2": (2, 7), "sus4": (5, 7),
    "6": (4, 7, 9), "m6": (3, 7, 9), "maj7": (4, 7, 11), "m7": (3, 7, 10), "7": (4, 7, 10),
    "m7b5": (3, 6, 10), "dim7": (3, 6, 9), "mmaj7": (3, 7, 11), "7sus4": (5, 7, 10),
    "maj9": (4, 7, 11, 14), "m9": (3, 7, 10, 14), "9": (4, 7, 10, 14),
}
# other common ways to write them (case matters: M7 is maj7, m7 is minor)
ALIASES = {
    "M": "", "maj": "", "min": "m", "-": "m", "mi": "m", "°": "dim", "o": "dim", "+": "aug", "sus": "sus4",
    "M7": "maj7", "ma7": "maj7", "Δ": "maj7", "Δ7": "maj7", "min7": "m7", "-7": "m7", "mi7": "m7",
    "ø": "m7b5", "ø7": "m7b5", "min7b5": "m7b5", "-7b5": "m7b5", "°7": "dim7", "o7": "dim7",
    "mM7": "mmaj7", "m(maj7)": "mmaj7", "M9": "maj9", "min9": "m9", "-9": "m9", "min6": "m6", "-6": "m6",
}
_LETTERS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SYMBOL = re.compile(r"^\s*([A-Ga-g])([#b♯♭]?)(.*?)\s*$")


class ChordSymbolError(ValueError):
    """A chord symbol we cannot read; the message says what we accept."""


def _degree_in(key: Key, root: int) -> int:
    """The scale degree of ``root`` in ``key``, or the degree just above it for a note outside the key
    (Bb in A minor counts as the bII, approached like ii): what the progression prior needs."""
    rel = (root - key.tonic) % 12
    for up in range(12):
        if (rel + up) % 12 in key.scale:
            return key.scale.index((rel + up) % 12)
    return 0


def _note(text: str) -> tuple[int, str] | None:
    """``"F#"`` -> (6, "F#"); None for anything that is not one note name."""
    m = _SYMBOL.match(text)
    if m is None or m.group(3):
        return None
    letter, accidental = m.group(1).upper(), m.group(2)
    spelling = letter + {"♯": "#", "♭": "b"}.get(accidental, accidental)
    return (_LETTERS[letter] + {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(accidental, 0)) % 12, spelling


def parse_chord(text: str, key: Key | None = None) -> Chord:
    """``"Bb7"`` -> the chord (degree counted in ``key``, C major when not given); ``"C/E"``, a slash
    chord, has its bass note too.

    Raises :class:`ChordSymbolError` with the accepted forms for anything else."""
    text = text or ""
    head, slash, tail = text.rpartition("/") if "/" in text else (text, "", "")
    bass = _note(tail) if slash else None
    if slash and bass is None:
        raise ChordSymbolError(f"not a chord symbol: {text!r} (after the slash comes one bass note, e.g. C/E or D/F#)")
    m = _SYMBOL.match(head)
    quality = None
    if m:
        letter, accidental, rest = m.groups()
        quality = rest if rest in QUALITIES else ALIASES.get(rest, rest.lower() if rest.lower() in QUALITIES else None)
    if m is None or quality is None:
        raise ChordSymbolError(
            f"not a chord symbol: {text!r} (write a root A-G, with # or b, then nothing for major or one of "
            + ", ".join(q for q in QUALITIES if q) + "; e.g. Dm7, Bb7, F#m7b5, Cmaj9; an inversion adds a slash "
            "and its bass note, C/E)")
    root, spelling = _note(letter + accidental)
    key = key or Key(0, "major")
    low = None if bass is None or bass[0] == root else bass  # C/C is C
    return Chord(root, QUALITIES[quality], _degree_in(key, root), quality, spelling=spelling,
                 bass=None if low is None else low[0], bass_spelling=None if low is None else low[1])


def chord_symbol(chord: Chord) -> str:
    """The symbol :func:`parse_chord` reads back into the same chord (its typed spelling kept)."""
    over = "" if chord.bass is None else "/" + (chord.bass_spelling or NAMES[chord.bass])
    return (chord.spelling or NAMES[chord.root]) + chord.quality + over


def canonical_symbol(text: str) -> str:
    """``"bbmin7"`` -> ``"Bbm7"``: how a typed symbol is stored and shown."""
    return chord_symbol(parse_chord(text))


def transpose_symbol(text: str, semitones: int) -> str:
    """``"Bb7"`` up 2 -> ``"C7"``; the root keeps its kind of accidental (flats stay flats, sharps
    sharps; a natural root takes the usual mix, as the fitted chords are named)."""
    chord = parse_chord(text)

    def moved(pc: int, accidental: str) -> str:
        names = FLATS if accidental == "b" else SHARPS if accidental == "#" else NAMES
        return names[(pc + semitones) % 12]

    root = moved(chord.root, (chord.spelling or "")[1:])
    # a slash chord's bass takes the root's kind of accidental (G/B down a semitone: F#/A#, not F#/Bb)
    over = "" if chord.bass is None else "/" + moved(chord.bass, root[1:] or (chord.bass_spelling or "")[1:])
    return root + chord.quality + over
