"""The schedule: every note and click at its exact tick / sample frame, offs before ons."""

from mguv_app.audio.schedule import (
    CLICK_ACCENT,
    CLICK_BEAT,
    METRONOME_CHANNEL,
    NOTE_OFF,
    NOTE_ON,
    melody_events,
    schedule,
    song_end_tick,
)
from mguv_app.music.melody import Melody, Note


def test_events_are_sorted_with_offs_first_at_equal_ticks():
    m = Melody([Note(0, 480, 60), Note(480, 960, 60, 90)])
    ev = melody_events(m)
    assert [(t, e.kind, e.pitch) for t, e in ev] == [(0, NOTE_ON, 60), (480, NOTE_OFF, 60),
                                                       (480, NOTE_ON, 60), (960, NOTE_OFF, 60)]
    assert ev[2][1].velocity == 90


def test_frames_are_exact_at_the_melody_tempo():
    m = Melody([Note(480 * 3, 480 * 4, 72)], qpm=90.0)
    frames = [f for f, _ in schedule(m, 48000)]
    assert frames == [3 * 32000, 4 * 32000]  # a quarter at 90 BPM is 2/3 s = 32000 frames
    assert [f for f, _ in schedule(m, 48000, qpm=180.0)] == [3 * 16000, 4 * 16000]


def test_metronome_clicks_every_beat_accenting_downbeats():
    m = Melody([Note(0, 480 * 5, 60)], time_signature=(3, 4))  # 5 beats -> 2 bars of 3/4
    assert song_end_tick(m, metronome=True) == 2 * 3 * 480
    ons = [(t, e.pitch) for t, e in melody_events(m, metronome=True)
           if e.kind == NOTE_ON and e.channel == METRONOME_CHANNEL]
    assert [t for t, _ in ons] == [i * 480 for i in range(6)]
    assert [p for _, p in ons] == [CLICK_ACCENT, CLICK_BEAT, CLICK_BEAT] * 2


def test_empty_melody_has_no_events():
    assert melody_events(Melody()) == []
    assert song_end_tick(Melody(), metronome=True) == 1920  # one bar of clicks
