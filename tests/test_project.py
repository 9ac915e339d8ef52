"""The open file without a window (``mguv_app.project``): Save's rules (a song keeps its other tracks, a file
changed by another program or holding more than the melody gets a new file) and what Render plays."""

import io

import mido

from mguv_app.music import Melody, Note, read_midi, write_midi
from mguv_app.project import ASK, ELSEWHERE, MELODY, SONG, Project

TPQ = 480


def song(path, melody_name="Melody"):
    """A melody track (named ``melody_name``) and a piano track, at 100 BPM slowing to 80 in bar 3."""
    mid = mido.MidiFile(type=1, ticks_per_beat=TPQ)
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100)),
                                      mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(80), time=8 * TPQ)]))
    lead = mido.MidiTrack([mido.MetaMessage("track_name", name=melody_name)])
    for pitch in (67, 69, 71, 72):
        lead += [mido.Message("note_on", note=pitch, velocity=90), mido.Message("note_off", note=pitch, time=TPQ)]
    piano = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano")])
    for root in (48, 53):
        piano += [mido.Message("note_on", channel=1, note=root, velocity=70),
                  mido.Message("note_off", channel=1, note=root, time=4 * TPQ)]
    mid.tracks += [lead, piano]
    mid.save(path)
    return path


def opened(path) -> tuple[Project, Melody]:
    imported = read_midi(path)
    project = Project()
    project.start(str(path))
    project.keep_song(str(path), imported)
    return project, imported.melody


def test_a_new_melody_asks_for_a_file_and_a_plain_file_is_written_over(tmp_path):
    project = Project()
    assert project.save_decision().action == ASK
    plain = tmp_path / "tune.mid"
    write_midi(Melody([Note(0, 480, 60)]), plain)
    project, melody = opened(plain)
    assert project.song is None and project.more_in_file == "" and project.save_decision().action == MELODY
    edited = melody.copy([Note(0, 960, 62)])
    assert project.write(edited, str(plain)) == f"Saved {plain}"
    assert read_midi(plain).melody.notes == [Note(0, 960, 62, 100)]


def test_a_song_keeps_its_other_tracks_its_tempo_map_and_is_not_written_over_once_changed_on_disk(tmp_path):
    path = song(tmp_path / "song.mid")
    project, melody = opened(path)
    assert project.song is not None and project.save_decision().action == SONG
    assert [len(part.notes) for part, _drums in project.song_parts] == [2]  # the piano, heard with the melody
    assert project.tempo_map == [(0, 100.0), (8 * TPQ, 80.0)]
    piano_before = mido.MidiFile(path).tracks[2]
    message = project.write(melody.copy([Note(0, 480, 60), Note(480, 960, 64)]), str(path))
    assert message == f"Saved {path}: the melody and the song's {project.song.others_label}"
    back = mido.MidiFile(path)
    assert [m.bytes() for m in back.tracks[2] if not m.is_meta] == [m.bytes() for m in piano_before if not m.is_meta]
    assert [n.pitch for n in read_midi(path).melody.notes] == [60, 64]
    assert project.save_decision().action == SONG and not project.changed_on_disk()  # what it wrote is what it has

    song(path)  # another program writes the file
    decision = project.save_decision()
    assert decision.action == ELSEWHERE and "changed by another program" in decision.why
    assert project.suggested_path(decision.suffix) == str(tmp_path / "song edited.mid")


def test_a_skyline_melody_is_saved_into_a_new_file_never_over_the_song(tmp_path):
    path = song(tmp_path / "two.mid", melody_name="Guitar")  # no track named like a melody: the skyline
    project, _melody = opened(path)
    assert project.song is None and project.more_in_file == "1 other track"
    decision = project.save_decision()
    assert (decision.action, decision.what, decision.suffix) == (ELSEWHERE, "the melody", "melody")
    assert project.saved_as(str(tmp_path / "two melody.mid")) and project.save_decision().action == MELODY


def test_render_plays_what_is_heard(tmp_path):
    project, melody = opened(song(tmp_path / "song.mid"))
    heard = project.render_plan(song_on=True, heard=project.song_parts, band_options={"swing": 0.5})
    source, what = heard.source(melody)
    assert isinstance(source, bytes) and what == " with 1 of its parts" and heard.band_options is None
    assert len(mido.MidiFile(file=io.BytesIO(source)).tracks) >= 2

    band = project.render_plan(song_on=False, band_options={"swing": 0.5})
    source, what = band.source(melody)
    assert what == " with the band" and band.tempo_map == [(0, 100.0), (8 * TPQ, 80.0)]
    alone = project.render_plan(song_on=False).source(melody)
    assert alone[1] == "" and isinstance(alone[0], bytes)  # through the song's tempo map
    waltz = Melody([Note(0, 480, 60)], time_signature=(9, 8))
    assert Project().render_plan(band_options={}).source(waltz)[1].startswith(" (the melody alone: ")
    assert Project().render_plan().source(waltz) == (waltz, "")
