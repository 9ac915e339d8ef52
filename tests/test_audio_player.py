"""The live player, driven through a null sink: the same block renderer a device calls."""

import time

import numpy as np
import pytest

from mguv_app.audio import Player, SoundFontError
from mguv_app.audio.output import DeviceOutput
from mguv_app.music.melody import Melody, Note
from tests.audio_analysis import cents, envelope, midi_hz, onsets, pitch_hz

SR = 44100
BEAT = 0.5  # seconds per quarter at 120 BPM


def staccato(n=8, qpm=120.0) -> Melody:
    pitches = [60, 64, 67, 72, 57, 69, 45, 81]
    return Melody([Note(i * 480, i * 480 + 240, pitches[i % 8]) for i in range(n)], qpm=qpm, program=80)


def test_playback_sounds_notes_on_time(pumped):
    player, out = pumped
    player.set_melody(staccato(4))
    player.play()
    out.pump(int(2.5 * SR))
    audio = out.captured()
    assert np.allclose(onsets(audio, SR), [0, 0.5, 1.0, 1.5], atol=0.006)
    assert abs(cents(pitch_hz(audio[int(1.53 * SR): int(1.7 * SR)], SR), midi_hz(72))) < 20
    assert not player.is_playing and player.position_ticks() == 0  # finished and rewound


def test_position_follows_delivered_frames(pumped):
    player, out = pumped
    player.set_melody(staccato())
    player.play()
    out.pump(SR)  # one second = two quarters at 120 BPM
    assert player.position_ticks() == pytest.approx(960, abs=1)
    player.set_tempo(60)
    out.pump(SR)  # one more second at half the speed: one quarter
    assert player.position_ticks() == pytest.approx(960 + 480, abs=1)


def test_loop_repeats_the_region(pumped):
    player, out = pumped
    player.set_melody(staccato())
    player.set_loop(480 * 2, 480 * 4)  # beats 3-4: one second
    player.seek(480 * 2)
    player.play()
    out.pump(int(3.2 * SR))
    audio = out.captured()
    assert np.allclose(onsets(audio, SR), [0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0], atol=0.006)
    env = envelope(audio)
    first, second = env[:1000], env[1000:2000]  # 1 ms hops: one pass each
    assert np.corrcoef(first, second)[0, 1] > 0.99  # the same music again
    assert abs(cents(pitch_hz(audio[int(2.53 * SR): int(2.7 * SR)], SR), midi_hz(72))) < 20
    assert player.is_playing and 480 * 2 <= player.position_ticks() < 480 * 4


def test_pause_resume_and_stop(pumped):
    player, out = pumped
    player.set_melody(staccato())
    player.play()
    out.pump(SR // 2)
    player.pause()
    paused_at = player.position_ticks()
    out.pump(SR // 2)
    assert player.position_ticks() == paused_at == pytest.approx(480, abs=1)
    player.play()
    out.pump(SR // 2)
    assert player.position_ticks() == pytest.approx(960, abs=1)
    player.stop()
    assert player.position_ticks() == 0 and not player.is_playing


def test_queue_continues_gaplessly(pumped):
    player, out = pumped
    player.set_melody(staccato(4))  # one bar
    player.play()
    out.pump(SR)
    assert player.queue(staccato(2)) == 1920
    out.pump(int(2.5 * SR))
    assert np.allclose(onsets(out.captured(), SR), [0, 0.5, 1.0, 1.5, 2.0, 2.5], atol=0.006)


def test_audition_sounds_one_short_note(pumped):
    player, out = pumped
    player.set_program(73)
    player.audition(69, 100, duration_ms=200)
    out.pump(SR)
    audio = out.captured()
    assert onsets(audio, SR) == [pytest.approx(0, abs=0.02)]
    assert abs(cents(pitch_hz(audio[int(0.03 * SR): int(0.18 * SR)], SR), 440)) < 20
    assert np.abs(audio[int(0.6 * SR):]).max() < 1e-3  # stopped after its duration


def test_volume_scales_and_metronome_clicks(pumped):
    player, out = pumped
    player.set_metronome(True)
    player.set_volume(0.25)
    player.play()  # an empty melody with clicks: one bar
    out.pump(int(2.2 * SR))
    audio = out.captured()
    assert np.allclose(onsets(audio, SR, low_db=-40), [0, 0.5, 1.0, 1.5], atol=0.01)
    assert 0.01 < np.abs(audio).max() <= 0.25


def test_bad_soundfont_keeps_playing_with_the_old_one(pumped, tmp_path):
    player, out = pumped
    with pytest.raises(SoundFontError):
        player.set_soundfont(tmp_path / "missing.sf2")
    player.set_melody(staccato(1))
    player.play()
    out.pump(SR // 2)
    assert np.abs(out.captured()).max() > 0.05


def test_no_device_reports_once_and_still_plays_silently(monkeypatch):
    monkeypatch.setenv("MGUV_AUDIO", "alsa:no_such_device")
    with Player() as player:
        assert not player.available and "alsa" in player.reason
        player.set_melody(staccato())
        player.play()
        deadline = time.monotonic() + 5  # a real-time null sink: wait for the playhead to move
        while player.position_ticks() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert player.position_ticks() > 0 and player.start_latency_s is not None


def test_alsa_null_device_runs_the_device_path(monkeypatch):
    """A real FluidSynth audio driver (ALSA's null PCM) pulling blocks through our callback.

    That PCM swallows audio as fast as it comes, so the whole melody plays through at once."""
    monkeypatch.setenv("MGUV_AUDIO", "alsa:null")
    with Player() as player:
        assert player.available and isinstance(player.output, DeviceOutput)
        melody = staccato()
        player.set_melody(melody)
        player.play()
        deadline = time.monotonic() + 30  # usually instant; a paced null PCM takes real time
        while player.is_playing and time.monotonic() < deadline:
            time.sleep(0.01)
        melody_frames = melody.end_tick / 480 * 60 / melody.qpm * SR  # 3.75 s: the last note's end
        assert not player.is_playing and player.output.delivered >= melody_frames


def test_a_closed_player_ignores_further_calls(pumped):
    player, out = pumped
    player.close()
    player.close()
    player.set_melody(staccato(1))
    player.play()
    player.audition(60)
    assert not player.is_playing


def test_backing_parts_play_with_the_melody_at_its_tempo(pumped):
    player, out = pumped
    lead = Melody([Note(0, 240, 72)], qpm=120.0, program=0)
    bass = Melody([Note(960, 1200, 45)], program=33)  # beat 3, A2 on a fingered bass
    drums = Melody([Note(1920, 2000, 38, 110)])  # beat 5 (the next bar): a snare
    player.set_melody(lead)
    player.set_backing([(bass, False), (drums, True)])
    assert player.has_backing and player.end_tick == 2000  # playback lasts to the backing's end
    player.play()
    out.pump(int(1.6 * SR))
    audio = out.captured()
    assert np.allclose(onsets(audio, SR), [0.0, 1.0], atol=0.012)  # a plucked bass takes ~9 ms to speak
    assert abs(cents(pitch_hz(audio[int(1.05 * SR): int(1.2 * SR)], SR), midi_hz(45))) < 30
    out.pump(int(0.6 * SR))
    assert np.allclose(onsets(out.captured(), SR), [0.0, 1.0, 2.0], atol=0.012)
    player.stop()
    player.set_backing(None)  # gone again: only the melody's note
    assert not player.has_backing and player.end_tick == 240
    player.set_tempo(240)
    player.set_backing([(bass, False)])
    out.pump(int(0.5 * SR))  # stopped: silence, so the next onsets stand apart
    start = len(out.captured())
    player.play()
    out.pump(int(0.9 * SR))
    later = out.captured()[start:]
    assert np.allclose(onsets(later, SR), [0.0, 0.5], atol=0.012)  # the backing follows the tempo
