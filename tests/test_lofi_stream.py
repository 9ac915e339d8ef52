"""Lo-Fi mode end to end on the tiny trained model: the stream, the multitrack export, the WAV, the CLI."""

import wave

import mido
import numpy as np
import pytest

from mguv_app.cli import main
from mguv_app.lofi import BandStyle, LofiStream
from mguv_app.lofi.export import TRACK_NAMES, export_stream, session_tracks
from mguv_app.lofi.harmony import applied_dominant, estimate_key, random_progression, strong_beat_fit
from mguv_app.lofi.stream import melody_digest
from mguv_app.music import read_midi


@pytest.fixture(scope="module")
def exported(tiny_engine, tmp_path_factory):
    out = tmp_path_factory.mktemp("lofi")
    stream = LofiStream(tiny_engine, seed=7, style=BandStyle(bpm=84, swing=0.62))
    res = export_stream(stream, 1.0, out / "lofi.mid", out / "lofi.wav")
    return stream, res


def test_export_has_four_tracks_with_drums_on_channel_10(exported):
    _, res = exported
    mid = mido.MidiFile(res.midi_path)
    named = {}
    for track in mid.tracks:
        names = [m.name for m in track if m.type == "track_name"]
        chans = {m.channel for m in track if m.type == "note_on"}
        if names and chans:
            named[names[0]] = chans
    assert list(named) == list(TRACK_NAMES)
    assert named["Drums"] == {9}  # General MIDI channel 10
    assert all(9 not in chans for name, chans in named.items() if name != "Drums")
    assert read_midi(res.midi_path).melody.notes  # our importer finds the Melody track


def test_phrases_are_gapless_and_fully_accompanied(exported):
    stream, res = exported
    phrases = stream.taken
    assert res.phrases == len(phrases) >= 4 and res.seconds >= 60
    assert phrases[0].start_tick == 0
    for a, b in zip(phrases, phrases[1:], strict=False):
        assert b.start_tick == a.end_tick  # the melody timeline has no gaps between phrases
    for p in phrases:
        assert p.melody.notes and p.parts.drums.notes and p.parts.bass.notes
        assert p.slots[0].start == 0 and p.slots[-1].end == p.length_ticks
        assert all(x.end == y.start for x, y in zip(p.slots, p.slots[1:], strict=False))
    tracks = session_tracks(phrases)
    end = phrases[-1].end_tick
    bar = phrases[0].melody.ticks_per_bar
    for part, _ in tracks[2:]:  # bass and drums play in every bar
        assert {n.start // bar for n in part.notes} == set(range(end // bar))
    chords = tracks[1][0].notes  # chords (possibly held over several bars) sound through every bar
    for b in range(end // bar):  # (re-strikes leave a few ticks between chords, humanising shifts them)
        covered = np.zeros(bar, bool)
        for n in chords:
            covered[max(0, n.start - b * bar): max(0, min(bar, n.end - b * bar))] = True
        assert covered.mean() > 0.9, (b, covered.mean())


def test_chords_stay_in_the_melody_key(exported):
    stream, res = exported
    key = stream.key
    melody = session_tracks(stream.taken)[0][0]
    found = estimate_key(melody.notes)
    assert found.pitch_classes == key.pitch_classes  # the key or its relative
    in_key = sum(n.duration for n in melody.notes if n.pitch % 12 in key.pitch_classes)
    assert in_key / sum(n.duration for n in melody.notes) > 0.75
    outside = []  # (start, end) of the applied dominants: the only chords that may leave the key
    for p in stream.taken:
        assert p.key == key
        for s, nxt in zip(p.slots, p.slots[1:] + [None], strict=True):
            if s.chord.target is None:
                assert set(s.chord.pitch_classes) <= key.pitch_classes
            else:  # V7 of a degree, resolving to it
                assert s.chord == applied_dominant(key, s.chord.target)
                assert nxt is not None and nxt.chord.target is None and nxt.chord.degree == s.chord.target
                outside.append((p.start_tick + s.start, p.start_tick + s.end))
    chords = session_tracks(stream.taken)[1][0]
    assert all(any(a - 60 <= n.start < b for a, b in outside) for n in chords.notes
               if n.pitch % 12 not in key.pitch_classes)


def test_fitted_chords_beat_a_random_progression_on_generated_melodies(tiny_engine):
    stream = LofiStream(tiny_engine, seed=21)
    rng = np.random.default_rng(21)
    fit = base = total = 0
    for _ in range(8):
        p = stream.next_phrase()
        h, t = strong_beat_fit(p.melody, p.slots)
        hr, _ = strong_beat_fit(p.melody, random_progression(p.key, p.length_ticks, p.melody.ticks_per_bar, rng))
        fit, base, total = fit + h, base + hr, total + t
    assert total >= 16
    assert fit / total > base / total + 0.15


def test_wav_is_audible_and_not_clipped(exported):
    _, res = exported
    with wave.open(res.wav_path) as w:
        assert w.getnchannels() == 2 and w.getframerate() == 44100
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
        seconds = w.getnframes() / w.getframerate()
    assert seconds >= res.seconds
    assert np.abs(pcm).max() < 0.99  # peak-normalised below full scale
    assert np.mean(np.abs(pcm) > 0.98) == 0
    frames = pcm.reshape(-1, 2).mean(axis=1)
    second = 44100
    rms = [np.sqrt(np.mean(frames[i:i + second] ** 2)) for i in range(0, int(res.seconds) * second, second)]
    assert min(rms) > 0.005  # the band plays through every second, no silent holes


def test_no_exact_repeats_even_when_the_walk_barely_moves(tiny_engine):
    """Greedy decoding with a tiny walk step would repeat itself; the stream must resample."""
    stream = LofiStream(tiny_engine, seed=3, speed=0.02, temperature=0.0)
    digests = [melody_digest(stream.next_phrase().melody) for _ in range(16)]
    assert len(set(digests)) == len(digests) and stream.repeats() == 0
    assert stream.stats["resampled"] + stream.stats["nudged"] > 0  # the guard was really exercised


def test_continue_mode_and_anchor(tiny_engine, tmp_path):
    anchor = LofiStream(tiny_engine, seed=5).next_phrase().melody
    stream = LofiStream(tiny_engine, seed=5, mode="continue", anchor_melody=anchor, anchor_strength=0.5,
                        fit_iterations=1, form="free")  # without a form every phrase continues the one before
    first, second = stream.next_phrase(), stream.next_phrase()
    assert stream.key == estimate_key(anchor.notes)
    assert second.start_tick == first.end_tick and second.source.startswith("continue")
    cheap = LofiStream(tiny_engine, seed=6, mode="continue", fit_iterations=0, form="free")  # encoder-only
    a, b = cheap.next_phrase(), cheap.next_phrase()
    assert b.source == "continue" and b.start_tick == a.end_tick and b.melody.notes
    frozen = stream.freeze(second.index)
    assert frozen.notes == second.melody.notes and frozen is not second.melody
    with pytest.raises(ValueError, match="mode"):
        LofiStream(tiny_engine, mode="shuffle")


def test_background_thread_stays_ahead(tiny_engine):
    stream = LofiStream(tiny_engine, seed=9, ahead=2)
    stream.start()
    try:
        first = stream.next_phrase(timeout=60)
        assert first is not None
        second = stream.next_phrase(timeout=60)
        assert second.index == first.index + 1
        assert stream.ahead_of(0) >= 2 * first.length_ticks
        stream.stop(wait=False)  # as the GUI does: return at once
        assert not stream.running
        third = stream.next_phrase()  # the timeline carries on without holes after a stop
        assert third.index == second.index + 1 and third.start_tick == second.end_tick
    finally:
        stream.stop()
    assert not stream.running


def test_cli_writes_midi_and_explains_a_missing_model(tiny_trained_model, tmp_path, capsys, monkeypatch):
    out = tmp_path / "cli.mid"
    assert main(["lofi", "--minutes", "0.3", "--out", str(out), "--model", str(tiny_trained_model),
                 "--seed", "4", "--bpm", "72", "--json"]) == 0
    assert '"exact_repeats": 0' in capsys.readouterr().out
    assert len(mido.MidiFile(out).tracks) >= 4
    monkeypatch.setattr("mguv_app.engine.default_model_dir", lambda: tmp_path / "no_model")
    assert main(["lofi", "--out", str(tmp_path / "x.mid")]) == 2
    err = capsys.readouterr().err
    assert "default model is not installed" in err and "--model" in err
    assert main(["lofi", "--out", str(tmp_path / "x.mid"), "--model", str(tiny_trained_model), "--bpm", "140"]) == 2
    assert "70-90" in capsys.readouterr().err
    assert not (tmp_path / "x.mid").exists()


def test_phrases_follow_a_form_loop_that_comes_back_varied(tiny_trained_model, tiny_phrase_model):
    from mguv_app.engine import TrainedModel
    from mguv_app.music import melody_to_events

    tm = TrainedModel(tiny_trained_model, "cpu", phrases=tiny_phrase_model)
    stream = LofiStream(tm, seed=4, form="AABA")
    phrases = [stream.next_phrase() for _ in range(8)]
    assert [p.form_label for p in phrases] == ["A", "A", "B", "A"] * 2
    assert [p.form_position for p in phrases[:4]] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    steps = tm.bars * tm.steps_per_bar
    first, again = (melody_to_events(p.melody, steps) for p in phrases[:2])
    half = steps // 2
    shared = np.mean(first[:half] == again[:half])
    assert shared > 0.9 and not np.array_equal(first, again)  # the A comes back, its second half varied
    for p in (phrases[3], phrases[7]):  # the loop closes on the session key's tonic
        assert p.melody.notes[-1].pitch % 12 == p.key.tonic
    assert stream.repeats() == 0
    free = LofiStream(tm, seed=4, form="free").next_phrase()
    assert free.form_label == "" and free.form_position == (0, 0)
