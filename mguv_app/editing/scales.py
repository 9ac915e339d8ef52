"""Keys and scales: the piano roll's scale highlighting, fitting a melody into a key, note names."""

from __future__ import annotations

KEY_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

#: scale name -> semitone offsets from the key's root
SCALES: dict[str, tuple[int, ...]] = {
    "Chromatic": tuple(range(12)),
    "Major": (0, 2, 4, 5, 7, 9, 11),
    "Natural minor": (0, 2, 3, 5, 7, 8, 10),
    "Harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "Melodic minor": (0, 2, 3, 5, 7, 9, 11),
    "Dorian": (0, 2, 3, 5, 7, 9, 10),
    "Phrygian": (0, 1, 3, 5, 7, 8, 10),
    "Lydian": (0, 2, 4, 6, 7, 9, 11),
    "Mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "Major pentatonic": (0, 2, 4, 7, 9),
    "Minor pentatonic": (0, 3, 5, 7, 10),
    "Blues": (0, 3, 5, 6, 7, 10),
}


def in_scale(pitch: int, key: int, scale: str) -> bool:
    return (pitch - key) % 12 in SCALES[scale]


def nearest_in_scale(pitch: int, key: int, scale: str, toward: int | None = None) -> int:
    """The scale tone nearest ``pitch`` (itself if it is one); a tie between the tones above and below goes
    to the one nearer ``toward`` (the note before it, so that the line keeps its smaller step), else down."""
    if in_scale(pitch, key, scale):
        return pitch
    for d in range(1, 12):
        down, up = pitch - d, pitch + d
        ok_down, ok_up = in_scale(down, key, scale) and down >= 0, in_scale(up, key, scale) and up <= 127
        if ok_down and ok_up:
            return up if toward is not None and abs(up - toward) < abs(down - toward) else down
        if ok_down or ok_up:
            return down if ok_down else up
    return pitch


def pitch_name(pitch: int) -> str:
    """MIDI pitch as a name with octave, middle C (60) = C4."""
    return f"{KEY_NAMES[pitch % 12]}{pitch // 12 - 1}"


def guess_key(notes, scales: tuple[str, ...] = ("Major", "Natural minor")) -> tuple[int, str]:
    """The (key, scale) whose notes cover most of the melody's sounding time.

    Ties go to the scale whose root (then fifth) sounds most, so a melody in A minor is
    not read as C major. ``(0, "Chromatic")`` for an empty melody.
    """
    weight = [0] * 12
    for n in notes:
        weight[n.pitch % 12] += n.end - n.start
    if not any(weight):
        return 0, "Chromatic"
    best = max(((sum(weight[(key + s) % 12] for s in SCALES[name]), weight[key], weight[(key + 7) % 12], -k, key, name)
                for k, (key, name) in enumerate((key, name) for name in scales for key in range(12))))
    return best[4], best[5]


#: spellings ``parse_key`` accepts besides the names above
_ROOT_ALIASES = {"DB": 1, "EB": 3, "GB": 6, "AB": 8, "BB": 10, "CB": 11, "FB": 4, "E#": 5, "B#": 0}
_SCALE_ALIASES = {"minor": "Natural minor", "min": "Natural minor", "maj": "Major", "m": "Natural minor"}


def best_shift_into(notes, pitch_classes, limit: int = 6) -> int:
    """The shift in ``-limit+1 .. +limit`` semitones that puts most of the notes' sounding time on
    ``pitch_classes`` (ties: the smallest move, then upwards). A melody already in the key stays put;
    an empty melody or a chromatic scale needs no shift."""
    pcs = {p % 12 for p in pitch_classes}
    weight = [0] * 12
    for n in notes:
        weight[n.pitch % 12] += n.end - n.start
    if not any(weight) or len(pcs) == 12:
        return 0
    return max(range(-limit + 1, limit + 1), key=lambda s: (sum(weight[(pc - s) % 12] for pc in pcs), -abs(s), s))


def shift_into_scale(notes, key: int, scale: str, limit: int = 6) -> int:
    """:func:`best_shift_into` the pitch classes of ``key``/``scale`` (why: Generate's results land in
    random keys; moved by at most a tritone they fit the song in the roll)."""
    return best_shift_into(notes, [(key + s) % 12 for s in SCALES[scale]], limit)


def key_label(key: int, scale: str) -> str:
    """ "A natural minor", "C major": how the key reads in a sentence."""
    return f"{KEY_NAMES[key % 12]} {scale[0].lower()}{scale[1:]}"


def parse_key(text: str) -> tuple[int, str]:
    """``"A minor"``, ``"Am"``, ``"Eb major"``, ``"d dorian"``, ``"F# harmonic minor"`` -> (root 0-11, scale name).

    A root alone means major. Raises ``ValueError`` naming what is accepted.
    """
    words = text.strip().split()
    if not words:
        raise ValueError("no key given (e.g. 'A minor', 'Eb major', 'D dorian')")
    if len(words) == 1 and len(words[0]) > 1 and words[0].endswith("m"):  # chord-symbol style: "Am", "F#m"
        words = [words[0][:-1], "minor"]
    root = words[0][:1].upper() + words[0][1:].lower().replace("♯", "#").replace("♭", "b")
    upper = root.upper()
    if root in KEY_NAMES:
        key = KEY_NAMES.index(root)
    elif upper in _ROOT_ALIASES:
        key = _ROOT_ALIASES[upper]
    else:
        raise ValueError(f"unknown key root {words[0]!r}: use C, C#, Db, D, ... B")
    name = " ".join(words[1:]).lower() or "major"
    name = _SCALE_ALIASES.get(name, name)
    scale = next((s for s in SCALES if s.lower() == name.lower()), None)
    if scale is None:
        raise ValueError(f"unknown scale {' '.join(words[1:])!r}: one of {', '.join(s.lower() for s in SCALES)}")
    return key, scale
