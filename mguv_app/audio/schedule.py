"""A Melody (plus optional metronome clicks) as a sorted list of timed synth events.

Two time bases, one event list:

* :func:`melody_events` gives ``(tick, Event)`` pairs. The live player walks these in
  ticks, so a tempo change while playing takes effect at once without rescheduling.
* :func:`schedule` gives ``(sample_frame, Event)`` pairs at a fixed tempo for offline
  rendering: every event lands on an exact sample frame.

At equal times note-offs sort before note-ons, so a repeated pitch re-strikes instead
of being cut by its predecessor's release.
"""

from __future__ import annotations

from typing import NamedTuple

from ..music.melody import TICKS_PER_QUARTER, Melody
from ..music.meter import beat_ticks

MELODY_CHANNEL = 0
AUDITION_CHANNEL = 1
METRONOME_CHANNEL = 9
CLICK_ACCENT, CLICK_BEAT = 76, 77  # GM percussion: hi / low wood block
NOTE_OFF, NOTE_ON = 0, 1


class Event(NamedTuple):
    kind: int  # NOTE_OFF or NOTE_ON (offs sort first)
    channel: int
    pitch: int
    velocity: int = 0


def song_end_tick(melody: Melody, metronome: bool = False) -> int:
    """Where playback ends: the last note-off, or the end of its bar when clicking."""
    end = melody.end_tick
    if metronome:
        meter_map = melody.meter_map
        end = max(meter_map.bar(0).end, meter_map.bar_end(end))
    return end


def metronome_events(melody: Melody, end_tick: int | None = None, start_tick: int = 0) -> list[tuple[int, Event]]:
    """One click per beat (each bar's time signature's denominator) in ``[start_tick, end_tick)``, accented
    on each downbeat, bar by bar along the melody's meter map (a 2/4 bar in a waltz clicks twice; a pickup's
    clicks are the last beats of its bar, unaccented). ``start_tick`` may be negative: a count-in before
    the melody's first bar, in the meter of its first full bar."""
    end = song_end_tick(melody, True) if end_tick is None else end_tick
    meter_map = melody.meter_map
    out = []
    for t, accent in meter_map.beats(start_tick, end):
        click = min(beat_ticks(meter_map.meter_at(t) if t >= 0 else melody.time_signature), TICKS_PER_QUARTER // 4)
        pitch = CLICK_ACCENT if accent else CLICK_BEAT
        out.append((t, Event(NOTE_ON, METRONOME_CHANNEL, pitch, 100 if accent else 70)))
        out.append((t + click, Event(NOTE_OFF, METRONOME_CHANNEL, pitch)))
    return out


def melody_events(melody: Melody, metronome: bool = False,
                  channel: int = MELODY_CHANNEL) -> list[tuple[int, Event]]:
    """Note-on/off events of every note (and the clicks), sorted by tick."""
    out = []
    for n in melody.notes:
        out.append((n.start, Event(NOTE_ON, channel, n.pitch, n.velocity)))
        out.append((n.end, Event(NOTE_OFF, channel, n.pitch)))
    if metronome:
        out += metronome_events(melody)
    out.sort()
    return out


def ticks_to_frames(ticks: float, qpm: float, sample_rate: int) -> int:
    """Sample frame of ``ticks`` at a constant ``qpm`` (rounded to the nearest frame)."""
    return round(ticks * 60.0 * sample_rate / (qpm * TICKS_PER_QUARTER))


def schedule(melody: Melody, sample_rate: int, metronome: bool = False,
             qpm: float | None = None) -> list[tuple[int, Event]]:
    """``(sample_frame, event)`` pairs for offline rendering at ``qpm`` (default: the melody's)."""
    qpm = melody.qpm if qpm is None else qpm
    return [(ticks_to_frames(t, qpm, sample_rate), ev) for t, ev in melody_events(melody, metronome)]
