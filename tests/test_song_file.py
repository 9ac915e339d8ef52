"""Saving an edited melody back into its song: only the melody's notes change, every other event stays."""

import mido
import pytest

from mguv_app.cli import main
from mguv_app.music import Melody, Note, read_midi, write_midi
from mguv_app.music.song_file import _chunks, locate_song, song_bytes, write_song

TPQ = 96  # not our 480: the song's own resolution must survive


def song_file(path, fmt=1):
    """A song at 96 ticks per quarter: a conductor track with a ritardando, a flute melody with lyrics,
    a sustained piano with sysex, and drums; or (``fmt=0``) the melody and piano as channels of one track."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
    conductor = mido.MidiTrack([
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100)),
        mido.MetaMessage("time_signature", numerator=4, denominator=4),
        mido.MetaMessage("key_signature", key="G"),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(80), time=TPQ * 16)])
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody"),
                             mido.Message("program_change", channel=0, program=73)])
    for i in range(8):  # quarter notes up the G major scale, one syllable each
        melody += [mido.MetaMessage("lyrics", text=f"la{i}"),
                   mido.Message("note_on", channel=0, note=67 + [0, 2, 4, 5, 7, 9, 11, 12][i], velocity=90),
                   mido.Message("note_off", channel=0, note=67 + [0, 2, 4, 5, 7, 9, 11, 12][i], time=TPQ)]
    piano = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano"),
                            mido.Message("control_change", channel=1, control=64, value=127)])
    for root in (43, 48):
        piano += [mido.Message("note_on", channel=1, note=root + k, velocity=70) for k in (0, 4, 7)]
        piano += [mido.Message("note_off", channel=1, note=root + k, time=TPQ * 4 if k == 0 else 0) for k in (0, 4, 7)]
    piano.append(mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01]))
    drums = mido.MidiTrack()
    for _ in range(8):
        drums += [mido.Message("note_on", channel=9, note=36, velocity=100),
                  mido.Message("note_off", channel=9, note=36, time=TPQ)]
    if fmt == 0:  # one track, the melody and the piano on their own channels, named like a lead sheet
        merged = mido.merge_tracks([conductor, melody[1:], piano[1:]])
        merged.insert(0, mido.MetaMessage("track_name", name="Lead"))
        mid = mido.MidiFile(type=0, ticks_per_beat=TPQ, tracks=[merged])
    else:
        mid.tracks += [conductor, melody, piano, drums]
    mid.save(path)
    return path


def events(track):
    """A track as (absolute tick, message without its delta) pairs, to compare what happens when."""
    now, out = 0, []
    for msg in track:
        now += msg.time
        out.append((now, str(msg.copy(time=0))))
    return out


def test_the_song_keeps_every_other_event_and_takes_the_new_melody(tmp_path):
    src = song_file(tmp_path / "song.mid")
    imported = read_midi(src)
    song = locate_song(src, imported)
    assert (song.track, song.channel, song.others_label) == (1, 0, "2 other tracks")
    edited = imported.melody.copy([Note(0, 240, 79, 100), Note(240, 960, 81, 64), Note(960, 1200, 79, 80)])
    write_song(song, edited, tmp_path / "out.mid")

    before, after = mido.MidiFile(src), mido.MidiFile(tmp_path / "out.mid")
    assert after.ticks_per_beat == TPQ and len(after.tracks) == 4
    for i in (0, 2, 3):  # the conductor (tempo map, key), the sustained piano with its sysex, the drums
        assert events(after.tracks[i]) == events(before.tracks[i]), i
    old_chunks, new_chunks = _chunks(src.read_bytes())[1], _chunks((tmp_path / "out.mid").read_bytes())[1]
    assert [new_chunks[i] for i in (0, 2, 3)] == [old_chunks[i] for i in (0, 2, 3)]  # byte for byte
    kept = [e for e in events(after.tracks[1]) if "note_" not in e[1]]
    assert kept == [e for e in events(before.tracks[1]) if "note_" not in e[1]]  # name, program, every lyric
    notes = [(t, m.note) for t, m in ((t, m) for t, m in _abs(after.tracks[1])) if m.type == "note_on"]
    assert notes == [(0, 79), (48, 81), (192, 79)]  # our 480 ticks a quarter, written at the song's 96

    again = read_midi(tmp_path / "out.mid")
    assert again.melody.notes == edited.notes and again.track == "Melody" and again.note_tracks == 3
    assert (again.accompaniment == imported.accompaniment).all()


def _abs(track):
    now = 0
    for msg in track:
        now += msg.time
        yield now, msg


def test_tempo_meter_sound_and_chords_follow_the_editor(tmp_path):
    src = song_file(tmp_path / "song.mid")
    imported = read_midi(src)
    song = locate_song(src)  # as a restored autosave finds it: from the path alone
    edited = imported.melody.copy()
    edited.qpm, edited.time_signature, edited.program = 120.0, (3, 4), 0
    edited.chords = {0: "G", 1440: "Em7"}
    song = write_song(song, edited, src)  # in place
    mid = mido.MidiFile(src)
    tempos = [(t, round(mido.tempo2bpm(m.tempo), 2)) for t, m in _abs(mid.tracks[0]) if m.type == "set_tempo"]
    assert tempos == [(0, 120.0), (TPQ * 16, 96.0)]  # the ritardando scaled with the tempo
    assert [m.program for _, m in _abs(mid.tracks[1]) if m.type == "program_change"] == [0]
    back = read_midi(src).melody
    assert (back.qpm, back.time_signature, back.program, back.chords) == (120.0, (3, 4), 0, edited.chords)

    edited.chords = {0: "Cmaj7"}  # a second save replaces the markers the first one wrote
    write_song(song, edited, src)
    markers = [m.text for tr in mido.MidiFile(src).tracks for _, m in _abs(tr) if m.type == "marker"]
    assert markers == ["Chord: Cmaj7"] and read_midi(src).melody.chords == {0: "Cmaj7"}


def test_a_single_track_song_changes_only_its_melody_channel(tmp_path):
    src = song_file(tmp_path / "song0.mid", fmt=0)
    imported = read_midi(src)
    song = locate_song(src, imported)
    assert imported.midi_format == 0 and (song.track, song.channel) == (0, 0) and song.others == 1
    data = song_bytes(song, imported.melody.transposed(-12))
    out = tmp_path / "out.mid"
    out.write_bytes(data)

    def rest(path):  # everything but the melody channel's notes: the piano, its pedal and sysex, the tempo map
        return [(t, str(m.copy(time=0))) for t, m in _abs(mido.MidiFile(path).tracks[0])
                if not (m.type in ("note_on", "note_off") and m.channel == 0)]

    assert rest(out) == rest(src) and len(rest(src)) > 12
    assert read_midi(out).melody.notes == imported.melody.transposed(-12).notes


def test_what_cannot_be_kept_is_not_claimed(tmp_path):
    write_midi(Melody([Note(0, 480, 60)]), tmp_path / "alone.mid")
    assert locate_song(tmp_path / "alone.mid") is None  # nothing else to keep
    # two unnamed pitched tracks: the melody is their skyline, not one track that could be rewritten
    pm = mido.MidiFile(type=1, ticks_per_beat=480)
    for ch, pitch in ((0, 72), (1, 48)):
        pm.tracks.append(mido.MidiTrack([mido.Message("note_on", channel=ch, note=pitch, velocity=80),
                                         mido.Message("note_off", channel=ch, note=pitch, time=480)]))
    pm.save(tmp_path / "skyline.mid")
    assert read_midi(tmp_path / "skyline.mid").track_index is None
    assert locate_song(tmp_path / "skyline.mid") is None
    assert locate_song(tmp_path / "missing.mid") is None


def test_a_failed_write_leaves_the_song_as_it_was(tmp_path, monkeypatch):
    src = song_file(tmp_path / "song.mid")
    original = src.read_bytes()
    song = locate_song(src)

    def full_disk(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_bytes", full_disk)
    with pytest.raises(OSError):
        write_song(song, Melody([Note(0, 480, 60)]), src)
    monkeypatch.undo()
    assert src.read_bytes() == original and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_cli_splice_puts_a_melody_into_the_song(tmp_path, capsys):
    src = song_file(tmp_path / "song.mid")
    new = Melody([Note(0, 960, 74), Note(960, 1920, 76)], qpm=140, chords={0: "D"})
    write_midi(new, tmp_path / "new.mid")
    assert main(["splice", str(src), str(tmp_path / "new.mid"), "--out", str(tmp_path / "out.mid")]) == 0
    assert "kept the song's 2 other tracks" in capsys.readouterr().out
    out = read_midi(tmp_path / "out.mid")
    assert out.melody.notes == new.notes and out.melody.chords == {0: "D"}
    assert out.melody.qpm == 100.0 and out.melody.program == 73  # the song's tempo and sound stay
    assert (out.accompaniment == read_midi(src).accompaniment).all()

    write_midi(new, tmp_path / "alone.mid")
    assert main(["splice", str(tmp_path / "alone.mid"), str(tmp_path / "new.mid"), "-o", str(tmp_path / "x.mid")]) == 2
    assert "nothing besides its melody" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()


def test_cli_set_changes_tempo_meter_and_sound_and_keeps_a_song_s_tracks(tmp_path, capsys):
    src = song_file(tmp_path / "song.mid")
    before = read_midi(src)
    assert main(["set", str(src), "--bpm", "120", "--meter", "3/4", "--instrument", "40"]) == 0
    assert "Tempo 120 BPM, Meter 3/4, Instrument 40; kept the song's 2 other tracks" in capsys.readouterr().out
    after = read_midi(src)
    assert (after.melody.qpm, after.melody.time_signature, after.melody.program) == (120.0, (3, 4), 40)
    assert after.melody.notes == before.melody.notes and (after.accompaniment == before.accompaniment).all()

    assert main(["set", str(src), "--meter", "4/3"]) == 2 and "not a time signature" in capsys.readouterr().err
    assert main(["set", str(src), "--meter", "waltz"]) == 2 and "N/D" in capsys.readouterr().err
    assert main(["set", str(src)]) == 2 and "nothing to set" in capsys.readouterr().err
    mid = mido.MidiFile(type=1, ticks_per_beat=480)  # a skyline of two tracks: in place would drop one
    for ch, pitch in ((0, 72), (1, 48)):
        mid.tracks.append(mido.MidiTrack([mido.Message("note_on", channel=ch, note=pitch, velocity=80),
                                          mido.Message("note_off", channel=ch, note=pitch, time=480)]))
    mid.save(tmp_path / "two.mid")
    original = (tmp_path / "two.mid").read_bytes()
    assert main(["set", str(tmp_path / "two.mid"), "--bpm", "90"]) == 2 and "--out" in capsys.readouterr().err
    assert (tmp_path / "two.mid").read_bytes() == original
    assert main(["set", str(tmp_path / "two.mid"), "--bpm", "90", "-o", str(tmp_path / "mel.mid")]) == 0
    assert read_midi(tmp_path / "mel.mid").melody.qpm == 90.0


def test_parts_are_the_other_tracks_before_and_after_a_save(tmp_path):
    src = song_file(tmp_path / "song.mid")
    song = locate_song(src)
    parts = song.parts()
    assert [(p.program, drums, len(p.notes)) for p, drums in parts] == [(0, False, 6), (0, True, 8)]
    piano = parts[0][0].notes
    assert piano[0] == Note(0, 1920, 43, 70) and min(n.start for n in piano[3:]) == 1920  # at our 480 a quarter
    edited = write_song(song, read_midi(src).melody.transposed(5), tmp_path / "out.mid")
    assert [(p.program, d, p.notes) for p, d in edited.parts()] == [(p.program, d, p.notes) for p, d in parts]
    empty = write_song(edited, Melody(qpm=100.0, program=73), tmp_path / "empty.mid")  # every note deleted
    assert [len(p.notes) for p, _ in empty.parts()] == [6, 8]


def test_any_pitched_track_can_be_the_melody(tmp_path, capsys):
    from mguv_app.music import NoMelodyError
    from mguv_app.music.midi_read import list_tracks

    src = song_file(tmp_path / "song.mid")
    tracks = list_tracks(src)
    assert [(t.name, t.program, t.is_drum, t.notes) for t in tracks] == [
        ("Melody", 73, False, 8), ("Piano", 0, False, 6), ("", 0, True, 8)]
    piano = read_midi(src, track=tracks[1].index)
    assert piano.track == "Piano" and [n.pitch for n in piano.melody.notes] == [50, 55]  # the top of each chord
    song = locate_song(src, piano)
    assert (song.track, song.channel) == (2, 1) and [p.program for p, _ in song.parts()] == [73, 0]
    for bad in (tracks[2].index, 99):
        with pytest.raises(NoMelodyError, match="not a pitched track"):
            read_midi(src, track=bad)
    write_midi(Melody([Note(0, 1920, 48)]), tmp_path / "low.mid")
    assert main(["splice", str(src), str(tmp_path / "low.mid"), "--track", "2", "-o", str(tmp_path / "o.mid")]) == 0
    assert "in track 'Piano'" in capsys.readouterr().out
    assert read_midi(tmp_path / "o.mid", track=tracks[1].index).melody.notes == [Note(0, 1920, 48)]
    assert read_midi(tmp_path / "o.mid").melody.notes == read_midi(src).melody.notes  # the flute tune kept
    assert main(["splice", str(src), str(tmp_path / "low.mid"), "--track", "9", "-o", str(tmp_path / "x.mid")]) == 2
    assert main(["inspect", str(src), "--tracks"]) == 0
    out = capsys.readouterr().out
    assert "track 1: 'Melody', 73: Flute" in out and "track 3: '', drums" in out and "(the melody)" in out


def test_each_track_is_a_part_until_the_player_runs_out_of_channels(tmp_path):
    from mguv_app.music.song_file import MAX_PARTS

    def song_with(n_parts):
        mid = mido.MidiFile(type=1, ticks_per_beat=480)
        mid.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name="Melody"),
                                          mido.Message("note_on", note=72, velocity=80),
                                          mido.Message("note_off", note=72, time=480)]))
        for k in range(n_parts):  # every part a piano, on its own channel
            ch = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15][k % 14]
            mid.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name=f"Piano {k + 1}"),
                                              mido.Message("note_on", channel=ch, note=40 + k, velocity=70),
                                              mido.Message("note_off", channel=ch, note=40 + k, time=480 + k)]))
        path = tmp_path / f"{n_parts}.mid"
        mid.save(path)
        return locate_song(path).parts()

    two = song_with(2)  # BRIDGE and PIANO of a POP909 song are both pianos: they stay two parts
    assert [(p.name, p.program, [n.pitch for n in p.notes]) for p, _ in two] == [("Piano 1", 0, [40]),
                                                                                  ("Piano 2", 0, [41])]
    many = song_with(MAX_PARTS + 1)  # more tracks than channels: one part per sound
    assert len(many) == 1 and len(many[0][0].notes) == MAX_PARTS + 1


def test_cli_set_snaps_a_song_s_melody_to_a_scale_and_keeps_the_rest(tmp_path, capsys):
    src = song_file(tmp_path / "song.mid")  # the melody climbs G major: G A B C D E F# G
    before = read_midi(src)
    assert main(["set", str(src), "--snap-to-scale", "C major"]) == 0
    assert "1 note snapped into C major; kept the song's 2 other tracks" in capsys.readouterr().out
    after = read_midi(src)
    assert [n.pitch for n in after.melody.notes] == [67, 69, 71, 72, 74, 76, 77, 79]  # F# → F, nearer the E before it
    assert (after.accompaniment == before.accompaniment).all()
    assert main(["set", str(src), "--snap-to-scale"]) == 0  # alone: its likely key, C major now
    assert "0 notes snapped into C major" in capsys.readouterr().out
    assert main(["set", str(src), "--snap-to-scale", "H major"]) == 2 and "key" in capsys.readouterr().err


def test_cli_set_humanizes_by_an_amount_and_seed(tmp_path, capsys):
    src = write_midi_melody(tmp_path / "grid.mid")
    assert main(["set", str(src), "--humanize", "0.5", "--seed", "2", "-o", str(tmp_path / "a.mid")]) == 0
    assert "humanized by 0.5" in capsys.readouterr().out
    main(["set", str(src), "--humanize", "0.5", "--seed", "2", "-o", str(tmp_path / "b.mid")])
    a, b = read_midi(tmp_path / "a.mid").melody.notes, read_midi(tmp_path / "b.mid").melody.notes
    assert a == b and a != read_midi(src).melody.notes  # seeded: the same draw twice
    with pytest.raises(SystemExit) as refused:  # cli/arguments.py: refused before the file is read
        main(["set", str(src), "--humanize", "2"])
    assert refused.value.code == 2 and "2 is out of range: give 0-1" in capsys.readouterr().err


def write_midi_melody(path):
    write_midi(Melody([Note(i * 240, i * 240 + 200, 60 + i % 7, 96) for i in range(16)]), path)
    return path
