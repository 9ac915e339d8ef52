"""A backing band for any melody (File → Export with Backing Band, `mguv backing`): the melody is kept
exactly, chords fit it, bass and drums fill its bars, at its own tempo, in one 4-track MIDI file."""

import numpy as np
import pretty_midi
import pytest

from mguv_app.lofi.backing import backing_for, write_backing_midi
from mguv_app.lofi.harmony import chord_at, strong_beat_fit
from mguv_app.music import Melody, Note, read_midi, write_midi

Q = 480


def arpeggios(*chords, octave=60, qpm=132.0, program=24):
    notes = [Note(bar * 4 * Q + i * Q, bar * 4 * Q + (i + 1) * Q, octave + pc)
             for bar, tones in enumerate(chords) for i, pc in enumerate(tones)]
    return Melody(notes, qpm=qpm, program=program, name="song")


# I - vi - IV - V - I in D major, spelled out by the melody itself
D_SONG = arpeggios((2, 6, 9, 6), (11, 14, 18, 14), (7, 11, 14, 11), (9, 13, 16, 13), (2, 6, 9, 14))


def test_the_backing_fits_the_melody_and_keeps_it_exactly():
    b = backing_for(D_SONG)
    assert str(b.key) == "D major"
    melody, chords, bass, drums = (t for t, _ in b.tracks)
    assert [d for _, d in b.tracks] == [False, False, False, True]
    assert melody.notes == D_SONG.notes and melody.program == 24  # not swung, not re-voiced
    hit, total = strong_beat_fit(D_SONG, b.slots)
    assert total == 10 and hit == total  # every note on beats 1 and 3 is a chord tone
    fits = [n.pitch % 12 in chord_at(b.slots, n.start).pitch_classes for n in D_SONG.notes]
    assert np.mean(fits) >= 0.9  # the arpeggiated chords are heard as such, not against them
    assert chord_at(b.slots, 0).root == chord_at(b.slots, 4 * 4 * Q).root == 2  # starts and ends on the tonic
    bar = D_SONG.ticks_per_bar
    for part in (chords, bass, drums):  # every bar of the song is accompanied, nothing past its end
        assert {n.start // bar for n in part.notes} == set(range(5))
        assert max(n.end for n in part.notes) <= 5 * bar
    assert all(chord_at(b.slots, n.start).root == n.pitch % 12 for n in bass.notes if n.start % bar == 0)
    assert b.chord_names()[0].startswith("D") and len(b.chord_names()) >= 4


def test_the_file_has_four_named_tracks_at_the_melodys_tempo(tmp_path):
    out = tmp_path / "with band.mid"
    write_backing_midi(backing_for(D_SONG, seed=3), out)
    pm = pretty_midi.PrettyMIDI(str(out))
    assert [(i.name, i.is_drum) for i in pm.instruments] == [("Melody", False), ("Chords", False), ("Bass", False),
                                                             ("Drums", True)]
    assert pm.get_tempo_changes()[1][0] == pytest.approx(132.0, abs=0.01)  # MIDI stores whole microseconds
    assert read_midi(out).melody.notes == D_SONG.notes  # the app reads the melody track back unchanged
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_seed_varies_the_band_not_the_harmony():
    a, b = backing_for(D_SONG, seed=1), backing_for(D_SONG, seed=2)

    def harmony(x):  # the seed may add a 9th to a chord, never change its root or timing
        return [(s.start, s.end, s.chord.root, s.chord.degree) for s in x.slots]

    assert harmony(a) == harmony(b)
    assert a.tracks[3][0].notes != b.tracks[3][0].notes
    again = backing_for(D_SONG, seed=1)
    assert all(x[0].notes == y[0].notes for x, y in zip(a.tracks, again.tracks, strict=True))


def test_what_it_cannot_accompany_is_a_clear_error():
    with pytest.raises(ValueError, match="no notes"):
        backing_for(Melody([], qpm=100))
    nine = Melody(D_SONG.notes, qpm=100, time_signature=(9, 8))
    with pytest.raises(ValueError, match="plays 2/2, 2/4, 3/4, 4/4, 5/4, 6/8, 7/8, 12/8; this melody is in 9/8"):
        backing_for(nine)


# I - IV - V - I - vi - ii - V - I in G major, one chord a bar of 3/4, spelled out by the melody
WALTZ = Melody([Note(bar * 3 * Q + i * Q, bar * 3 * Q + (i + 1) * Q, 67 + pc) for bar, tones in enumerate(
    ((0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7), (9, 12, 16), (2, 5, 9), (7, 11, 14), (0, 4, 12)))
    for i, pc in enumerate(tones)], qpm=150.0, time_signature=(3, 4), name="waltz")


def test_a_waltz_gets_a_chord_a_bar_and_a_three_beat_groove():
    from mguv_app.lofi.band import KICK, SIDE_STICK

    bar = 3 * Q
    b = backing_for(WALTZ, seed=1)
    assert str(b.key) == "G major"
    assert all(s.start % bar == 0 and (s.end - s.start) % bar == 0 for s in b.slots)  # chords change on bar lines
    for k in range(8):  # each bar's arpeggio is heard in its chord
        assert {n.pitch % 12 for n in WALTZ.notes if n.start // bar == k} <= set(chord_at(b.slots, k * bar).tones)
    assert chord_at(b.slots, 7 * bar).root == 7  # and it ends at home
    hit, total = strong_beat_fit(WALTZ, b.slots)
    assert total == 8 and hit == total  # every downbeat is a chord tone
    melody, chords, bass, drums = (t for t, _ in b.tracks)
    assert melody.notes == WALTZ.notes and melody.time_signature == (3, 4)
    for k in range(8):  # the drums count three: kick on 1, side-stick on 2 and (but for the fill) 3
        in_bar = [n for n in drums.notes if k * bar - 20 <= n.start < (k + 1) * bar - 20]
        assert any(n.pitch == KICK and abs(n.start - k * bar) <= 12 for n in in_bar)
        sticks = sorted(round((n.start - k * bar) / Q) for n in in_bar if n.pitch == SIDE_STICK)
        assert sticks == ([1] if k == 7 else [1, 2])
    assert max(n.end for n in drums.notes) <= 8 * bar
    downbeat_bass = [n for n in bass.notes if abs(n.start - round(n.start / bar) * bar) < 20]  # humanised
    assert len(downbeat_bass) == 8
    assert all(n.pitch % 12 == chord_at(b.slots, round(n.start / bar) * bar).root for n in downbeat_bass)
    assert all(28 <= n.pitch <= 52 for n in bass.notes)


# a jig in D major, two dotted-quarter beats a bar (D-F#-A, G-B-D, A-C#-E, D-F#-A), swung 8ths asked for
JIG = Melody([Note(bar * 1440 + i * 240, bar * 1440 + (i + 1) * 240, 62 + pc) for bar, tones in enumerate(
    ((0, 4, 7, 4, 7, 12), (5, 9, 12, 9, 12, 17), (7, 11, 14, 11, 14, 19), (0, 4, 7, 12, 7, 4)))
    for i, pc in enumerate(tones)], qpm=100.0, time_signature=(6, 8), name="jig")


def test_a_jig_gets_a_six_eight_groove_straight():
    from mguv_app.lofi.band import KICK, SIDE_STICK

    bar = 1440
    b = backing_for(JIG, seed=3, swing=0.6)
    melody, chords, bass, drums = (t for t, _ in b.tracks)
    hit, total = strong_beat_fit(JIG, b.slots)
    assert total == 8 and hit == total  # beats 1 and 4 of every bar are chord tones
    for k in range(4):  # each bar's arpeggio is heard in its chord
        assert {n.pitch % 12 for n in JIG.notes if n.start // bar == k} <= set(chord_at(b.slots, k * bar).tones)
    for k in range(3):  # kick on 1, side-stick on 4 (the second dotted quarter), none on beats 2, 3, 5, 6
        in_bar = [n for n in drums.notes if k * bar - 20 <= n.start < (k + 1) * bar - 20]
        assert any(n.pitch == KICK and abs(n.start - k * bar) <= 12 for n in in_bar)
        assert [round((n.start - k * bar) / 240) for n in in_bar if n.pitch == SIDE_STICK] == [3]
    offbeat_hats = [n.start % 240 for n in drums.notes if n.pitch == 42]
    assert max(min(t, 240 - t) for t in offbeat_hats) <= 12  # no swing: every hat on an 8th (give or take humanising)
    second = [n for n in bass.notes if abs(n.start % bar - 720) < 20]
    assert len(second) >= 3  # the bass answers on the second beat
    assert melody.notes == JIG.notes


def test_a_waltz_chord_is_chosen_for_a_whole_bar(tmp_path, capsys):
    from mguv_app.cli import main as mguv

    song = WALTZ.copy()
    song.chords = {3 * Q: "Em7", 3 * Q + 720: "C"}  # the second is not on a bar line: ignored
    b = backing_for(song)
    assert (3 * Q, 6 * Q, "Em7", True) in b.chord_spans() and sum(c for *_, c in b.chord_spans()) == 1
    src = tmp_path / "waltz.mid"
    write_midi(WALTZ, src)
    assert mguv(["backing", str(src), "--out", str(tmp_path / "w.mid"), "--chord", "2=Em7"]) == 0
    assert read_midi(tmp_path / "w.mid").melody.chords == {3 * Q: "Em7"}
    assert mguv(["backing", str(src), "--out", str(tmp_path / "x.mid"), "--chord", "2:3=Em7"]) == 2
    assert "whole bars" in capsys.readouterr().err


def test_cli_writes_the_tracks_and_a_wav(tmp_path, capsys):
    import wave

    from mguv_app.cli import main as mguv

    src = tmp_path / "song.mid"
    write_midi(D_SONG, src)
    out, wav = tmp_path / "band.mid", tmp_path / "band.wav"
    assert mguv(["backing", str(src), "--out", str(out), "--wav", str(wav), "--seed", "4"]) == 0
    printed = capsys.readouterr().out
    assert "D major" in printed and "chord changes" in printed
    assert len(pretty_midi.PrettyMIDI(str(out)).instruments) == 4
    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2) / 32768.0
    bar_seconds = 4 * 60 / 132
    assert len(pcm) / rate >= 5 * bar_seconds  # the five bars are all there, each one sounding
    for bar in range(5):
        part = pcm[int(bar * bar_seconds * rate): int((bar + 1) * bar_seconds * rate)]
        assert np.sqrt((part ** 2).mean()) > 0.01
    bad = tmp_path / "bad.mid"
    bad.write_bytes(b"not a midi file")
    assert mguv(["backing", str(bad), "--out", str(tmp_path / "x.mid")]) == 2
    assert "cannot read the melody" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()


def test_the_sound_chooses_who_plays_chords_and_bass(tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.lofi.backing import SOUNDS

    for name, (chords, bass, kit) in SOUNDS.items():
        b = backing_for(D_SONG, sound=name)
        assert (b.tracks[1][0].program, b.tracks[2][0].program, b.tracks[3][0].program) == (chords, bass, kit)
    assert backing_for(D_SONG).tracks[1][0].program == 4  # electric piano unless asked
    assert backing_for(D_SONG, sound="Strings").slots == backing_for(D_SONG).slots  # the same harmony
    with pytest.raises(ValueError, match="Electric piano, Piano"):
        backing_for(D_SONG, sound="Kazoo")
    src, out = tmp_path / "song.mid", tmp_path / "band.mid"
    write_midi(D_SONG, src)
    assert mguv(["backing", str(src), "--out", str(out), "--sound", "Guitar"]) == 0
    assert [i.program for i in pretty_midi.PrettyMIDI(str(out)).instruments][1:] == list(SOUNDS["Guitar"])
    assert mguv(["backing", str(src), "--out", str(tmp_path / "x.mid"), "--sound", "Kazoo"]) == 2
    assert "unknown band sound" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()


@pytest.mark.parametrize("meter, second, strong", [((2, 4), Q, (0,)), ((12, 8), 1440, (0, 1440)),
                                                   ((5, 4), 3 * Q, (0, 3 * Q)), ((7, 8), 2 * Q, (0,))])
def test_the_band_plays_two_four_twelve_eight_five_and_seven(meter, second, strong):
    from mguv_app.lofi.band import KICK
    from mguv_app.lofi.harmony import strong_beats

    bar = Melody(time_signature=meter).ticks_per_bar
    assert strong_beats(meter, bar) == strong
    chords = [(0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 12)]  # I IV V I in C, a chord a bar, every 8th a note
    notes = [Note(b * bar + i * 240, b * bar + (i + 1) * 240, 60 + tones[i % 3]) for b, tones in enumerate(chords)
             for i in range(bar // 240)]
    song = Melody(notes, qpm=110.0, time_signature=meter)
    b = backing_for(song, seed=2, swing=0.6)
    assert all(s.start % bar == 0 and (s.end - s.start) % bar == 0 for s in b.slots)  # chords change on barlines
    for k in range(4):  # each bar's arpeggio is heard in its chord
        assert {n.pitch % 12 for n in notes if n.start // bar == k} <= set(chord_at(b.slots, k * bar).tones)
    hit, total = strong_beat_fit(song, b.slots)
    assert total == 4 * len(strong) and hit == total
    melody, _, bass, drums = (t for t, _ in b.tracks)
    assert melody.notes == song.notes and max(n.end for n in drums.notes) <= 4 * bar
    for k in range(4):  # a kick on every downbeat, the bass's root there and its second note where the meter says
        assert any(n.pitch == KICK and abs(n.start - k * bar) <= 12 for n in drums.notes)
        roots = [n for n in bass.notes if abs(n.start - k * bar) < 20]
        assert len(roots) == 1 and roots[0].pitch % 12 == chord_at(b.slots, k * bar).root
        assert any(abs(n.start - (k * bar + second)) < 20 for n in bass.notes)
    hats = [n.start % 240 for n in drums.notes if n.pitch == 42]
    if meter in ((12, 8), (7, 8)):  # a compound meter's 8ths are its pulse, 7/8's bars start off the beat: straight
        assert max(min(t, 240 - t) for t in hats) <= 12
