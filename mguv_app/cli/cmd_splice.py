"""``mguv splice SONG MELODY --out OUT``: a song with its melody track's notes replaced, the rest kept.

The headless face of the window's Save for a song (a melody track beside accompaniment and drums):
only the melody's own notes change; the other tracks, the tempo map, the meter and the melody's
sound stay the song's. Chords chosen in MELODY (its ``Chord:`` markers) replace the song's.
"""

from __future__ import annotations

import sys

HELP = "put MELODY's notes into SONG's melody track, keeping the song's other tracks (what Save does for a song)"


def add_arguments(p) -> None:
    p.add_argument("song", metavar="SONG", help="a MIDI file with a melody track and other tracks")
    p.add_argument("melody", metavar="MELODY", help="a MIDI file whose melody goes in (e.g. from mguv continue)")
    p.add_argument("--out", "-o", required=True, metavar="OUT.mid", help="where to write; may be SONG itself")
    p.add_argument("--track", type=int, metavar="N",
                   help="which of SONG's tracks is its melody, numbered as `mguv inspect --tracks` lists them "
                        "(default: the app's own guess)")


def run(args) -> int:
    from ..music import MidiImportError, read_midi
    from ..music.midi_read import list_tracks
    from ..music.song_file import locate_song, write_song

    try:
        index = None
        if args.track is not None:
            listed = list_tracks(args.song)
            if not 1 <= args.track <= len(listed):
                print(f"error: --track {args.track}: {args.song} has {len(listed)} tracks with notes", file=sys.stderr)
                return 2
            index = listed[args.track - 1].index
        song_in, new = read_midi(args.song, track=index), read_midi(args.melody).melody
    except MidiImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    song = locate_song(args.song, song_in)
    if song is None:
        why = ("it holds nothing besides its melody: write MELODY itself" if song_in.note_tracks < 2 else
               f"its melody is the {song_in.track}, not one track of its own" if song_in.track_index is None else
               "this file cannot be rewritten event by event (MIDI format 2, RIFF or broken data bytes)")
        print(f"error: {args.song}: {why}", file=sys.stderr)
        return 2
    merged = song_in.melody.copy(new.notes)  # the song's tempo, meter and sound
    if new.chords:
        merged.chords = dict(new.chords)
    try:
        write_song(song, merged, args.out)
    except OSError as err:
        print(f"error: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {len(merged.notes)} notes in track '{song_in.track}' (MIDI track {song.track}, "
          f"channel {song.channel + 1}); kept the song's {song.others_label}")
    return 0
