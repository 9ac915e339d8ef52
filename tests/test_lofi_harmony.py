"""Lo-Fi harmony and band rules, on hand-made melodies (no model): keys, fitted chords, voicings, swing, drums."""

import numpy as np
import pytest

from mguv_app.lofi.band import (
    CLOSED_HAT,
    KICK,
    SNARE,
    BandStyle,
    arrange,
    cut_overlaps,
    drum_part,
    swing_tick,
)
from mguv_app.lofi.harmony import (
    Key,
    applied_dominant,
    best_transposition,
    candidate_chords,
    choose_chords,
    diatonic_seventh,
    estimate_key,
    random_progression,
    strong_beat_fit,
    voice_progression,
)
from mguv_app.music.melody import Melody, Note

Q = 480


def arpeggios(*chords, octave=60):
    """One bar per chord: its four tones as quarter notes."""
    notes = []
    for bar, tones in enumerate(chords):
        for i, pc in enumerate(tones):
            notes.append(Note(bar * 4 * Q + i * Q, bar * 4 * Q + (i + 1) * Q, octave + pc))
    return Melody(notes, qpm=80)


def scale_run(tonic, steps, octave=60):
    pitches = [octave + tonic + s for s in steps]
    return [Note(i * Q, (i + 1) * Q, p) for i, p in enumerate(pitches)]


def test_key_estimation_finds_major_and_minor():
    assert estimate_key(scale_run(0, [0, 2, 4, 5, 7, 9, 11, 12, 7, 4, 0])) == Key(0, "major")
    a_minor = scale_run(0, [0, 2, 3, 5, 7, 8, 10, 12, 7, 3, 0, 0, 7], octave=57)
    assert estimate_key(a_minor) == Key(9, "minor")
    assert estimate_key([]) == Key(0, "major")


def test_transposition_moves_a_phrase_into_the_session_key():
    d_major = scale_run(2, [0, 2, 4, 5, 7, 9, 11, 12])
    assert best_transposition(d_major, Key(0, "major")) == -2
    assert best_transposition(scale_run(0, [0, 4, 7]), Key(0, "major")) == 0


def test_diatonic_sevenths_and_ninths():
    c = Key(0, "major")
    assert [diatonic_seventh(c, d).name for d in range(7)] == \
        ["Cmaj7", "Dm7", "Em7", "Fmaj7", "G7", "Am7", "Bm7b5"]
    assert diatonic_seventh(c, 4, ninth=True).name == "G9"
    assert diatonic_seventh(c, 2, ninth=True).name == "Em7"  # no b9 on iii
    for d in range(7):
        assert set(diatonic_seventh(c, d, True).pitch_classes) <= c.pitch_classes


def test_chords_follow_the_melody():
    c = Key(0, "major")
    tune = arpeggios((0, 4, 7, 11), (2, 5, 9, 12), (7, 11, 14, 17), (0, 4, 7, 12))  # Cmaj7 Dm7 G7 C
    slots = choose_chords(tune, c, 4 * 4 * Q, rng=np.random.default_rng(0))
    by_bar = [next(s.chord for s in slots if s.start <= b * 4 * Q < s.end).degree for b in range(4)]
    assert by_bar == [0, 1, 4, 0]
    assert slots[0].start == 0 and slots[-1].end == 4 * 4 * Q
    assert all(a.end == b.start for a, b in zip(slots, slots[1:], strict=False))  # no gaps
    hit, total = strong_beat_fit(tune, slots)
    assert hit == total == 8


def test_fitted_chords_beat_a_random_progression():
    rng = np.random.default_rng(5)
    key = Key(7, "major")
    fitted = base = total = 0
    for _ in range(12):  # random diatonic melodies with a chordal skeleton on beats 1 and 3
        notes = []
        for bar in range(4):
            chord = diatonic_seventh(key, int(rng.integers(7)))
            for beat in range(4):
                pcs = chord.tones if beat in (0, 2) else key.pitch_classes
                pc = int(rng.choice(sorted(pcs)))
                notes.append(Note(bar * 4 * Q + beat * Q, bar * 4 * Q + (beat + 1) * Q, 60 + (pc - 60) % 12))
        tune = Melody(notes, qpm=80)
        h, t = strong_beat_fit(tune, choose_chords(tune, key, 16 * Q, rng=rng))
        hr, _ = strong_beat_fit(tune, random_progression(key, 16 * Q, 4 * Q, rng))
        fitted, base, total = fitted + h, base + hr, total + t
    assert fitted / total > 0.8 and fitted / total > base / total + 0.25


def chord_per_bar(slots, bars):
    return [next(s.chord for s in slots if s.start <= b * 4 * Q < s.end) for b in range(bars)]


def test_applied_dominants_explain_chromatic_notes_and_resolve():
    c = Key(0, "major")
    assert [ch.name for ch in candidate_chords(c)[7:]] == ["A7", "B7", "C7", "D7", "E7"]
    assert applied_dominant(c, 5).name == "E7" and applied_dominant(c, 5).target == 5
    # C, then an E7 arpeggio with its G# (the leading tone of Am), then Am7 and G7
    tune = arpeggios((0, 4, 7, 11), (4, 8, 11, 14), (9, 12, 16, 19), (7, 11, 14, 17))
    chords = chord_per_bar(choose_chords(tune, c, 4 * 4 * Q, rng=np.random.default_rng(0)), 4)
    assert [(ch.degree, ch.target) for ch in chords[:3]] == [(0, None), (2, 5), (5, None)]  # I, V7/vi, vi
    assert chords[1].name == "E7"
    # A minor: the harmonic-minor dominant E7 (with G#) going home to Am
    a_minor = Key(9, "minor")
    assert applied_dominant(a_minor, 0).name == "E7"
    tune = arpeggios((9, 12, 16, 19), (5, 9, 12, 16), (4, 8, 11, 14), (9, 12, 16, 21))
    chords = chord_per_bar(choose_chords(tune, a_minor, 4 * 4 * Q, rng=np.random.default_rng(0)), 4)
    assert chords[2].name == "E7" and chords[3].root == 9 and chords[3].target is None


def test_applied_dominants_stay_out_of_diatonic_melodies_and_always_resolve():
    rng = np.random.default_rng(8)
    key = Key(2, "major")
    applied = total = 0
    for _ in range(12):
        notes = [Note(i * Q, (i + 1) * Q, 62 + int(rng.choice([0, 2, 4, 5, 7, 9, 11]))) for i in range(16)]
        slots = choose_chords(Melody(notes, qpm=80), key, 16 * Q, rng=rng)
        applied += sum(s.chord.target is not None for s in slots)
        total += len(slots)
        for a, b in zip(slots, slots[1:], strict=False):
            if a.chord.target is not None:
                assert b.chord.target is None and b.chord.degree == a.chord.target
        assert slots[-1].chord.target is None
    assert applied / total < 0.1


def test_long_holds_are_discouraged():
    c = Key(0, "major")
    drone = Melody([Note(i * 2 * Q, (i + 1) * 2 * Q, 67) for i in range(16)], qpm=80)  # G for 8 bars
    slots = choose_chords(drone, c, 8 * 4 * Q, rng=np.random.default_rng(1))
    assert max(s.end - s.start for s in slots) <= 3 * 4 * Q
    assert len({s.chord.degree for s in slots}) >= 3


def test_voicings_lead_smoothly_in_a_mellow_register():
    c = Key(0, "major")
    tune = arpeggios((9, 12, 16, 19), (2, 5, 9, 12), (7, 11, 14, 17), (0, 4, 7, 11))  # vi ii V I
    slots = choose_chords(tune, c, 16 * Q, rng=np.random.default_rng(2))
    voicings = voice_progression(slots)
    for v in voicings:
        assert min(v) >= 50 and max(v) <= 72 and max(v) - min(v) <= 14
    for a, b in zip(voicings, voicings[1:], strict=False):
        if len(a) == len(b):
            assert sum(abs(x - y) for x, y in zip(a, b, strict=True)) <= 8  # near neighbours, not jumps


def test_swing_keeps_beats_and_moves_offbeats():
    assert [swing_tick(t, 0.6) for t in (0, 480, 960)] == [0, 480, 960]
    assert swing_tick(240, 0.6) == 288 and swing_tick(240, 0.5) == 240
    ticks = [swing_tick(t, 0.7) for t in range(0, 1920, 60)]
    assert ticks == sorted(set(ticks))  # order kept, nothing collapses
    with pytest.raises(ValueError, match="70-90"):
        BandStyle(bpm=120)
    with pytest.raises(ValueError, match="swing"):
        BandStyle(swing=0.9)


def test_drum_groove_and_phrase_end_fill():
    bars = drum_part(4, np.random.default_rng(3), fill_last=True)
    for bar in range(4):
        in_bar = [n for n in bars if bar * 1920 <= n.start < (bar + 1) * 1920]
        assert any(n.pitch == KICK and n.start == bar * 1920 for n in in_bar)
        assert {bar * 1920 + 480, bar * 1920 + 1440} <= {n.start for n in in_bar if n.pitch == SNARE}
    fill_hats = [n for n in bars if n.pitch == CLOSED_HAT and n.start >= 3 * 1920 + 1440]
    assert not fill_hats  # the last beat of the phrase is a fill
    assert {n.pitch for n in bars if n.start >= 3 * 1920 + 1440} & {45, 47, 50}


def test_arrangement_is_in_range_swung_and_overlap_free():
    c = Key(0, "major")
    tune = arpeggios((0, 4, 7, 11), (9, 12, 16, 19), (2, 5, 9, 12), (7, 11, 14, 17))
    slots = choose_chords(tune, c, 16 * Q, rng=np.random.default_rng(4))
    parts = arrange(tune, slots, 16 * Q, BandStyle(bpm=75, swing=0.66), np.random.default_rng(4))
    assert parts.melody.program == 11 and parts.chords.program == 4 and parts.bass.program == 33
    assert [p for _, p in parts.parts()] == [False, False, False, True]
    for part, _ in parts.parts():
        assert part.qpm == 75 and part.notes
        assert all(0 <= n.start < n.end <= 16 * Q for n in part.notes)
        assert cut_overlaps(part.notes) == part.notes
    assert all(28 <= n.pitch <= 52 for n in parts.bass.notes)
    roots = {s.start: s.chord.root for s in slots}
    for start, root in roots.items():  # the bass plays each chord's root on its downbeat
        assert any(n.pitch % 12 == root and abs(n.start - start) <= 8 for n in parts.bass.notes)


def test_chords_and_keys_are_spelled_as_their_key_writes_them():
    d_major, b_flat, g_sharp_minor, c_major = Key(2, "major"), Key(10, "major"), Key(8, "minor"), Key(0, "major")
    vii = diatonic_seventh(d_major, 6)
    assert vii.spelled(d_major) == "C#m7b5"
    assert diatonic_seventh(b_flat, 3).spelled(b_flat) == "Ebmaj7" and str(b_flat) == "Bb major"
    assert str(g_sharp_minor) == "G# minor" and diatonic_seventh(g_sharp_minor, 4).spelled(g_sharp_minor) == "D#m7"
    assert str(Key(3, "minor")) == "D# minor" and str(Key(5, "minor")) == "F minor"
    assert applied_dominant(c_major, 1).spelled(c_major) == "A7" and str(c_major) == "C major"
