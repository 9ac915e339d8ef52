"""Live endless playback: the band player fed by the stream, pumped through a real FluidSynth into a null sink."""

import time

import mido
import numpy as np

from mguv_app.audio import NullOutput
from mguv_app.audio.synth import DRUM_CHANNEL
from mguv_app.lofi import BandStyle, LofiStream
from mguv_app.lofi.export import write_session_midi
from mguv_app.lofi.live import BASS_CHANNEL, CHORD_CHANNEL, BandPlayer, EndlessSession

SR = 22050


def pumped_player(style):
    return BandPlayer(sample_rate=SR, output=NullOutput(SR, 1024, realtime=False, capture=True), style=style)


def test_endless_session_plays_phrase_after_phrase_without_gaps(tiny_engine, tmp_path):
    style = BandStyle(bpm=90)
    stream = LofiStream(tiny_engine, seed=12, style=style)
    player = pumped_player(style)
    session = EndlessSession(stream, player)
    try:
        assert session.start(first_timeout=60)
        phrase_s = stream.taken[0].seconds(style.bpm)
        half = SR // 2
        for _ in range(int(2.5 * phrase_s / 0.5)):  # two and a half phrases, half a second at a time
            player.output.pump(half)
            deadline = time.monotonic() + 20
            while player.timeline_end - player.position_ticks() < session.lead_ticks and time.monotonic() < deadline:
                if session.pump() == 0:
                    time.sleep(0.01)
        assert player.is_playing and player.late_ticks == 0
        assert session.min_lead_ticks > 0
        starts = [at for at, _ in session.placed]
        assert starts == [p.start_tick for _, p in session.placed]  # the stream's timeline, gapless
        assert len(session.played()) == 3 and session.current_phrase() is session.played()[-1]
        channels = {e.channel for _, e in player._events}
        assert {0, CHORD_CHANNEL, BASS_CHANNEL, DRUM_CHANNEL} <= channels
    finally:
        session.stop()
        player.close()
    audio = player.output.captured().mean(axis=1)
    rms = [np.sqrt(np.mean(audio[i:i + half] ** 2)) for i in range(0, len(audio) - half, half)]
    assert min(rms) > 1e-3  # sound all the way through, across the phrase boundaries
    out = tmp_path / "session.mid"
    write_session_midi(session.played(), out)
    assert len([t for t in mido.MidiFile(out).tracks if any(m.type == "note_on" for m in t)]) == 4


def test_a_late_phrase_waits_for_the_next_barline_instead_of_rewinding(tiny_engine):
    style = BandStyle(bpm=80)
    stream = LofiStream(tiny_engine, seed=2, style=style)
    player = pumped_player(style)
    try:
        first = stream.next_phrase()
        assert player.queue_phrase(first) == 0
        player.play()
        beyond = first.seconds(style.bpm) + 1.0  # play past the end: the transport keeps going, silent
        player.output.pump(int(beyond * SR))
        assert player.is_playing and player.position_ticks() > first.end_tick
        at = player.queue_phrase(stream.next_phrase())
        bar = first.melody.ticks_per_bar
        assert at % bar == 0 and at >= player.position_ticks() and player.late_ticks == at - first.end_tick
        player.reset()
        assert player.timeline_end == 0 and player.position_ticks() == 0
    finally:
        player.close()
