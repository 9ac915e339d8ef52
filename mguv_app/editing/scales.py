"""Keys and scales for the piano roll's scale highlighting, plus note names."""

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
