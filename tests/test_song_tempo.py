"""A song's tempo changes: read from the file, followed by the player and by Render, scaled by the BPM box."""

import wave

import mido
import numpy as np
import pytest
import symusic

from mguv_app.music import Melody, Note
from mguv_app.music.midi_write import melody_to_midi_bytes
from mguv_app.music.song_file import locate_song
from tests.audio_analysis import onsets

from .test_song_file import song_file

SR = 44100
Q = 480
STACCATO = [Note(i * Q, i * Q + 120, 72 + (i % 3)) for i in range(8)]  # a short note on every beat of two bars


def slowing_song(path):
    """Two bars of staccato quarters at 120 BPM, the second bar at 60, and a piano part: a song of two tracks."""
    mid = mido.MidiFile(type=1, ticks_per_beat=Q)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120)),
                                mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(60), time=4 * Q)])
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody")])
    now = 0
    for n in STACCATO:
        melody += [mido.Message("note_on", note=n.pitch, velocity=100, time=n.start - now),
                   mido.Message("note_off", note=n.pitch, time=n.end - n.start)]
        now = n.end
    piano = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano"),
                            mido.Message("note_on", channel=1, note=36, velocity=60),
                            mido.Message("note_off", channel=1, note=36, time=60)])
    mid.tracks += [conductor, melody, piano]
    mid.save(path)
    return path


def test_the_tempo_map_comes_from_the_song_at_our_resolution(tmp_path):
    assert locate_song(song_file(tmp_path / "rit.mid")).tempo_map() == [(0, 100.0), (16 * Q, 80.0)]
    assert locate_song(slowing_song(tmp_path / "slow.mid")).tempo_map() == [(0, 120.0), (4 * Q, 60.0)]
    mid = mido.MidiFile(tmp_path / "slow.mid")
    mid.tracks[0][1] = mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120), time=4 * Q)  # the same again
    mid.save(tmp_path / "steady.mid")
    assert locate_song(tmp_path / "steady.mid").tempo_map() == []  # one tempo: nothing to follow


def test_the_player_follows_the_tempo_map_scaled_by_its_own_tempo(pumped):
    player, out = pumped
    player.set_melody(Melody(STACCATO, qpm=120))
    player.set_tempo_map([(0, 120.0), (4 * Q, 60.0)])
    assert player.qpm_at(0) == 120 and player.qpm_at(4 * Q) == 60
    player.play()
    out.pump(int(6.5 * SR))
    assert np.allclose(onsets(out.captured(), SR), [0, 0.5, 1, 1.5, 2, 3, 4, 5], atol=0.01)
    player.seek(6 * Q)
    assert player.position_seconds() == pytest.approx(2 + 2)  # a bar at 120, then two beats at 60
    player.set_tempo(240)  # the BPM box doubles the whole map
    assert player.qpm_at(5 * Q) == 120 and player.position_seconds() == pytest.approx(1 + 1)
    player.set_tempo_map(None)
    assert player.qpm_at(5 * Q) == 240


def test_a_song_opened_in_the_window_plays_and_renders_through_its_tempo_map(transport_window, tmp_path, qtbot):
    w = transport_window
    assert w.open_path(str(slowing_song(tmp_path / "slow.mid")))
    player = w.transport.player
    assert w.tempo_map == [(0, 120.0), (4 * Q, 60.0)] and player.qpm_at(5 * Q) == 60
    w.transport.bpm.setValue(90)  # the song three quarters as fast: its second bar at 45
    assert player.qpm_at(5 * Q) == pytest.approx(45)
    w.transport.bpm.setValue(120)
    out = tmp_path / "slow.wav"
    with qtbot.waitSignal(w.renderFinished, timeout=60000):
        w.render_wav(str(out))
    with wave.open(str(out)) as f:
        audio = np.frombuffer(f.readframes(f.getnframes()), dtype=np.int16).reshape(-1, 2) / 32768.0
    heard = onsets(audio, f.getframerate())
    assert np.allclose(heard[:8], [0, 0.5, 1, 1.5, 2, 3, 4, 5], atol=0.02)
    w.file_new()
    assert w.tempo_map == [] and player.qpm_at(5 * Q) == player.qpm


def test_written_bytes_carry_the_map_scaled_to_the_melody_tempo():
    data = melody_to_midi_bytes(Melody(STACCATO, qpm=90), tempo_map=[(0, 120.0), (4 * Q, 60.0)])
    score = symusic.Score.from_midi(data)
    assert [(t.time * Q // score.tpq, round(t.qpm, 2)) for t in score.tempos] == [(0, 90.0), (4 * Q, 45.0)]
