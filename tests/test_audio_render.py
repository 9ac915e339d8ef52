"""Offline rendering through real FluidSynth, judged by listening-style analysis."""

import wave

import numpy as np
import pretty_midi
import pytest

from mguv_app.audio import render_melody, render_midi_file, render_to_wav
from mguv_app.audio.render import TARGET_PEAK_DBFS, peak_dbfs
from mguv_app.cli import main
from mguv_app.music import MidiImportError
from mguv_app.music.melody import Melody, Note
from tests.audio_analysis import cents, level_db, midi_hz, onsets, pitch_hz

SR = 44100
PITCHES = [60, 64, 67, 72, 57, 69, 45, 81]
SQUARE_LEAD = 80  # instant attack and release: crisp onsets and silent rests


def staccato(qpm=120.0, program=SQUARE_LEAD) -> Melody:
    """An eighth note on every beat: sound, rest, sound, rest..."""
    return Melody([Note(i * 480, i * 480 + 240, p) for i, p in enumerate(PITCHES)], qpm=qpm, program=program)


@pytest.fixture(scope="module")
def staccato_audio():
    return render_melody(staccato())


def test_notes_start_on_their_beats(staccato_audio):
    found = onsets(staccato_audio, SR)
    assert len(found) == len(PITCHES)
    assert np.allclose(found, [0.5 * i for i in range(len(PITCHES))], atol=0.006)


def test_notes_have_their_pitches(staccato_audio):
    for i, p in enumerate(PITCHES):
        seg = staccato_audio[int((0.5 * i + 0.03) * SR): int((0.5 * i + 0.2) * SR)]
        assert abs(cents(pitch_hz(seg, SR), midi_hz(p))) < 20, f"note {i} (MIDI {p})"


def test_rests_are_silent(staccato_audio):
    peak = float(np.abs(staccato_audio).max())
    for i in range(len(PITCHES)):
        rest = staccato_audio[int((0.5 * i + 0.35) * SR): int((0.5 * i + 0.5) * SR)]
        assert level_db(rest, peak) < -45, f"rest after note {i}"
    sound = staccato_audio[int(0.05 * SR): int(0.2 * SR)]
    assert level_db(sound, peak) > -12


def test_tempo_is_respected():
    audio = render_melody(staccato(qpm=90.0))
    assert np.allclose(onsets(audio, SR), [i * 2 / 3 for i in range(len(PITCHES))], atol=0.006)


def test_program_changes_the_timbre():
    m = staccato()
    square, flute = render_melody(m), render_melody(m, program=73)
    assert onsets(flute, SR)  # still plays
    spec = [np.abs(np.fft.rfft(a[int(0.05 * SR): int(0.2 * SR), 0])) for a in (square, flute)]
    assert np.corrcoef(spec[0], spec[1])[0, 1] < 0.9


def test_loudness_is_normalized_not_clipped_not_quiet():
    for prog in (0, SQUARE_LEAD, 33):
        audio = render_melody(staccato(program=prog))
        assert peak_dbfs(audio) == pytest.approx(TARGET_PEAK_DBFS, abs=0.05)
    assert not render_melody(Melody()).any()  # silence stays silence


def test_metronome_clicks_on_every_beat():
    audio = render_melody(Melody([], qpm=120.0), metronome=True)
    assert np.allclose(onsets(audio, SR, low_db=-40), [0.0, 0.5, 1.0, 1.5], atol=0.01)


def test_wav_is_readable_and_matches(tmp_path, staccato_audio):
    out = tmp_path / "sub" / "melody.wav"
    res = render_to_wav(staccato(), out)
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, SR)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2)
    assert len(pcm) == len(staccato_audio) and res.seconds == pytest.approx(len(pcm) / SR)
    assert 0.85 * 32767 < np.abs(pcm).max() < 32767
    assert np.allclose(onsets(pcm / 32768.0, SR), onsets(staccato_audio, SR), atol=0.002)
    assert [p.name for p in out.parent.iterdir()] == ["melody.wav"]  # no temp file left behind


def two_track_midi(path):
    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    lead = pretty_midi.Instrument(program=SQUARE_LEAD)
    lead.notes += [pretty_midi.Note(100, 69, 0.5, 0.75), pretty_midi.Note(100, 76, 1.5, 1.75)]
    drums = pretty_midi.Instrument(program=0, is_drum=True)
    drums.notes.append(pretty_midi.Note(120, 38, 1.0, 1.1))
    pm.instruments += [lead, drums]
    pm.write(str(path))
    return path


def test_midi_file_renders_every_track(tmp_path):
    audio = render_midi_file(two_track_midi(tmp_path / "two.mid"))
    assert np.allclose(onsets(audio, SR), [0.5, 1.0, 1.5], atol=0.01)
    assert abs(cents(pitch_hz(audio[int(0.55 * SR): int(0.7 * SR)], SR), 440.0)) < 20


def test_midi_bytes_render_like_their_file_with_no_file_written(tmp_path):
    path = two_track_midi(tmp_path / "two.mid")
    out = tmp_path / "mem.wav"
    res = render_to_wav(path.read_bytes(), out)
    with wave.open(str(out)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2) / 32767.0
    assert np.allclose(onsets(pcm.astype(np.float32), SR), [0.5, 1.0, 1.5], atol=0.01)
    assert res.seconds == pytest.approx(len(render_midi_file(path)) / SR)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mem.wav", "two.mid"]
    with pytest.raises(MidiImportError, match="MIDI data"):
        render_to_wav(b"MThd not really", tmp_path / "bad.wav")
    assert not (tmp_path / "bad.wav").exists()


def test_cli_render(tmp_path, capsys):
    src, out = two_track_midi(tmp_path / "two.mid"), tmp_path / "two.wav"
    assert main(["render", str(src), "--out", str(out), "--program", "73"]) == 0
    assert "wrote" in capsys.readouterr().out
    with wave.open(str(out)) as w:
        assert w.getnframes() > SR


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.mid", "does not exist"),
    (lambda d: (d / "text.mid").write_text("not midi") and d / "text.mid", "text file"),
    (lambda d: (d / "cut.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x01\x00")
     and d / "cut.mid", "truncated"),
])
def test_cli_refuses_bad_midi(tmp_path, capsys, make, message):
    out = tmp_path / "o.wav"
    assert main(["render", str(make(tmp_path)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_refuses_bad_soundfont(tmp_path, capsys):
    src, out = two_track_midi(tmp_path / "two.mid"), tmp_path / "o.wav"
    assert main(["render", str(src), "--out", str(out), "--soundfont", str(tmp_path / "no.sf2")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "bad.sf2").write_bytes(b"RIFF\xff\xff\x00\x00sfbk")
    assert main(["render", str(src), "--out", str(out), "--soundfont", str(tmp_path / "bad.sf2")]) == 2
    assert "truncated" in capsys.readouterr().err
    assert not out.exists()


def test_render_api_raises_typed_error_for_bad_midi(tmp_path):
    with pytest.raises(MidiImportError):
        render_midi_file(tmp_path / "none.mid")


def drum_midi(path, kit: int):
    """Brush-style snare (38) and ride (51) hits on every beat, kit chosen by the drum track's program."""
    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    drums = pretty_midi.Instrument(program=kit, is_drum=True)
    for i in range(8):
        drums.notes.append(pretty_midi.Note(100, 38 if i % 2 else 51, 0.5 * i, 0.5 * i + 0.25))
    pm.instruments.append(drums)
    pm.write(str(path))
    return path


def test_drum_track_plays_its_own_kit(tmp_path):
    """The Lo-Fi export's brush kit (GM2 program 40 in bank 128) must be heard in the WAV, not the standard kit;
    a kit the SoundFont lacks falls back to the standard kit rather than a piano."""
    standard = render_midi_file(drum_midi(tmp_path / "std.mid", 0), normalize=False)
    brushes = render_midi_file(drum_midi(tmp_path / "brush.mid", 40), normalize=False)
    missing = render_midi_file(drum_midi(tmp_path / "none.mid", 127), normalize=False)
    hits = [level_db(brushes[int(0.5 * i * SR): int((0.5 * i + 0.1) * SR)], 1.0) for i in range(8)]
    assert min(hits) > -55, hits  # every hit is heard
    n = min(len(standard), len(brushes))
    diff = level_db(standard[:n] - brushes[:n], 1.0) - level_db(standard[:n], 1.0)
    assert diff > -6, "program 40 sounded the same as the standard kit"
    m = min(len(standard), len(missing))
    assert np.allclose(standard[:m], missing[:m], atol=1e-4)
