import numpy as np
import pytest

from mguv_app.music import (
    HOLD,
    NOTE_OFF,
    TICKS_PER_STEP,
    Melody,
    Note,
    events_to_melody,
    melody_to_events,
)

S = TICKS_PER_STEP


def test_note_validation():
    with pytest.raises(ValueError):
        Note(0, 0, 60)
    with pytest.raises(ValueError):
        Note(0, 10, 128)
    with pytest.raises(ValueError):
        Note(-1, 10, 60)


def test_events_encode_known_melody():
    m = Melody([Note(0, 2 * S, 60), Note(2 * S, 3 * S, 62), Note(5 * S, 6 * S, 64)])
    ev = melody_to_events(m, num_steps=8)
    assert ev.tolist() == [62, HOLD, 64, NOTE_OFF, HOLD, 66, NOTE_OFF, HOLD]


def test_events_round_trip_random():
    rng = np.random.default_rng(0)
    for _ in range(50):
        notes, t = [], 0
        for _ in range(rng.integers(1, 30)):
            t += int(rng.integers(0, 4)) * S
            d = int(rng.integers(1, 8)) * S
            notes.append(Note(t, t + d, int(rng.integers(30, 100))))
            t += d
        m = Melody(notes)
        back = events_to_melody(melody_to_events(m))
        assert back.notes == m.notes


def test_monophonic_keeps_highest_and_cuts_overlaps():
    m = Melody([Note(0, 4 * S, 60), Note(0, 2 * S, 67), Note(2 * S, 3 * S, 50)])
    mono = m.monophonic()
    assert mono.notes == [Note(0, 2 * S, 67), Note(2 * S, 3 * S, 50)]


def test_quantize_snaps_to_grid_and_keeps_min_length():
    m = Melody([Note(50, 70, 60), Note(130, 400, 62)])
    q = m.quantized()
    assert [(n.start, n.end) for n in q.notes] == [(0, S), (S, 3 * S)]


def test_bars_window_and_geometry():
    m = Melody([Note(0, S, 60), Note(16 * S, 17 * S, 62), Note(33 * S, 40 * S, 64)], time_signature=(4, 4))
    assert m.steps_per_bar == 16 and m.num_bars == 3
    second = m.bars(1, 1)
    assert second.notes == [Note(0, S, 62)]
    three_four = Melody([Note(0, S, 60)], time_signature=(3, 4))
    assert three_four.steps_per_bar == 12
    six_eight = Melody([Note(0, S, 60)], time_signature=(6, 8))
    assert six_eight.steps_per_bar == 12


def test_events_window_offset():
    m = Melody([Note(0, S, 60), Note(16 * S, 18 * S, 72)])
    ev = melody_to_events(m, num_steps=16, start_step=16)
    assert ev[0] == 74 and ev[2] == NOTE_OFF and len(ev) == 16
