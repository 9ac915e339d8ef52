"""model_training.form_stats: the structure measures the song-form figures come from, on built melodies."""

import json

import numpy as np

from mguv_app.music import PITCH_OFFSET
from mguv_app.music.events import HOLD, NOTE_OFF
from model_training.form_stats import ending, ending_rates, repeat_counts, structure


def _bar(*cells):
    """A 16-step bar from (pitch or None for a rest, length) cells."""
    out = []
    for pitch, length in cells:
        out += [NOTE_OFF if pitch is None else PITCH_OFFSET + pitch] + [HOLD] * (length - 1)
    assert len(out) == 16
    return out


def test_endings_count_a_strong_beat_and_what_follows_the_last_note():
    runs_on = np.array(_bar((60, 4), (62, 4), (64, 6), (65, 2)), np.int64)  # an 8th on the last off-beat
    closed = np.array(_bar((62, 4), (64, 4), (60, 8)), np.int64)  # a half note on beat 3
    rests = np.array(_bar((60, 4), (None, 12)), np.int64)  # a quarter on the downbeat, then silence
    assert ending(runs_on, 16) == (False, False)
    assert ending(closed, 16) == (True, True)
    assert ending(rests, 16) == (True, True)
    assert ending(np.full(16, HOLD, np.int64), 16) is None
    six_eight = np.array([PITCH_OFFSET + 60] + [HOLD] * 5 + [PITCH_OFFSET + 62] + [HOLD] * 5, np.int64)
    assert ending(six_eight, 12, compound=True) == (True, True)  # the second dotted quarter of 6/8 is strong
    assert ending(six_eight, 12, compound=False) == (False, True)  # in 3/4 only the downbeat is
    assert ending_rates([(True, False), (False, False)]) == {"ending_on_strong_beat": 0.5,
                                                            "ending_quarter_or_longer": 0.0}


def test_a_repeated_bar_and_a_repeated_rhythm_are_counted_against_earlier_bars():
    a = _bar((60, 4), (62, 4), (64, 8))
    b = _bar((65, 4), (67, 4), (69, 8))  # a's rhythm, other pitches
    melody = np.array(a + b + a + _bar((60, 16)), np.int64)
    assert repeat_counts(melody, 16) == (1, 2, 3)  # bar 3 repeats bar 1; bars 2 and 3 repeat its rhythm
    row = structure([melody], 16)
    assert row["bar_repeat"] == round(1 / 3, 4) and row["ending_on_strong_beat"] == 1.0
    assert json.dumps({k: v for k, v in row.items() if not k.startswith("_")})  # the JSON the script prints


def test_a_leap_wider_than_a_fifth_where_phrases_meet_is_counted():
    a = _bar((60, 16))
    melody = np.array(a * 3 + _bar((72, 16)) + _bar((62, 16)) + a * 11, np.int64)  # C5 ... C6 | D5: 10 down
    row = structure([melody], 16)
    assert row["phrase_seam_leaps"] == round(1 / 3, 4)  # at bar 5 of the three phrase seams (bars 5, 9, 13)
    assert row["seam_leaps_all_bars"] == round(2 / 15, 4)  # C5 to C6 at bar 4, C6 to D5 at bar 5
