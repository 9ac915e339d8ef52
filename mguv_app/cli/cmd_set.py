"""``mguv set FILE --bpm 90 --meter 3/4 --instrument 73``: a melody's tempo, meter and instrument.

The headless face of the transport's BPM, meter and instrument boxes. The same rules apply as in
the window: values are checked by ``NoteDocument.plan_properties``, chosen chords move onto a new
meter's chord slots, and a song (a melody track beside other tracks) keeps its other tracks.
"""

from __future__ import annotations

import os
import sys

from .arguments import FRACTION, PROGRAM, QPM, SEED

HELP = "set a MIDI file's tempo, meter and melody instrument, or snap its notes to a scale (in place, or --out)"


def add_arguments(p) -> None:
    p.add_argument("file", metavar="FILE.mid")
    p.add_argument("--bpm", type=QPM, help=f"tempo in quarter notes a minute, {QPM.span}")
    p.add_argument("--meter", metavar="N/D", help="time signature, e.g. 3/4 or 6/8; notes keep their place")
    p.add_argument("--instrument", type=PROGRAM, metavar="PROGRAM",
                   help=f"General MIDI program of the melody, {PROGRAM.span}")
    p.add_argument("--snap-to-scale", nargs="?", const="auto", metavar="KEY",
                   help='move notes outside a key ("A minor", "D dorian"; alone: the melody\'s likely key) to its '
                        "nearest notes, as Edit → Snap to Scale does")
    p.add_argument("--humanize", type=FRACTION, metavar="AMOUNT",
                   help="0-1: move notes a little off the grid and vary their velocity, as Edit → Humanize does "
                        "(0.5 there); --seed picks the draw")
    p.add_argument("--seed", type=SEED, default=0, help=f"for --humanize, {SEED.span} (default 0)")
    p.add_argument("--out", "-o", metavar="OUT.mid", help="write here instead of over FILE")


def run(args) -> int:
    from ..editing import NoteDocument, key_label
    from ..music import MidiImportError, read_midi, write_midi
    from ..music.song_file import locate_song, write_song

    values = {}
    if args.bpm is not None:
        values["qpm"] = args.bpm
    if args.instrument is not None:
        values["program"] = args.instrument
    if args.meter is not None:
        try:
            num, den = args.meter.split("/")
            values["time_signature"] = (int(num), int(den))
        except ValueError:
            print(f"error: --meter {args.meter}: write it as N/D, e.g. 3/4", file=sys.stderr)
            return 2
    if not values and args.snap_to_scale is None and args.humanize is None:
        print("error: nothing to set: give --bpm, --meter, --instrument, --snap-to-scale or --humanize",
              file=sys.stderr)
        return 2
    try:
        imported = read_midi(args.file)
        doc = NoteDocument(imported.melody)
        change = doc.plan_properties(**values)
        key = _key(args.snap_to_scale, doc)
    except (MidiImportError, ValueError) as err:  # a bad file, a meter like 4/3, a key like "H major"
        print(f"error: {err}", file=sys.stderr)
        return 2
    doc.apply_properties(change.after)
    done = [change.label] if not change.empty else []
    if key is not None:
        snapped = doc.plan_snap_to_scale(set(doc.notes), *key)
        doc.redo(snapped)
        moved = len(snapped.after)
        done.append(f"{moved} note{'s' * (moved != 1)} snapped into {key_label(*key)}")
    if args.humanize is not None:
        doc.redo(doc.plan_humanize(set(doc.notes), args.humanize, args.seed))
        done.append(f"humanized by {args.humanize:g}")
    if "time_signature" in change.after:
        doc.apply_chords(doc.plan_chords_for_meter(change.after["time_signature"]).after)
    out = args.out or args.file
    song = locate_song(args.file, imported)
    same_file = os.path.abspath(out) == os.path.abspath(args.file)
    if song is None and imported.note_tracks > 1 and same_file:
        print(f"error: {args.file} holds {imported.note_tracks - 1} more tracks than its melody "
              f"({imported.track}); writing it would drop them: give --out", file=sys.stderr)
        return 2
    try:
        if song is not None:
            write_song(song, doc.to_melody(), out)
        else:
            write_midi(doc.to_melody(), out)
    except OSError as err:
        print(f"error: cannot write {out}: {err.strerror or err}", file=sys.stderr)
        return 2
    kept = f"; kept the song's {song.others_label}" if song is not None else ""
    print(f"wrote {out}: {'; '.join(done) or 'nothing changed'}{kept}")
    return 0


def _key(text: str | None, doc) -> tuple[int, str] | None:
    """``--snap-to-scale``'s key: None without the option, the melody's likely key for "auto"."""
    from ..editing import guess_key, parse_key

    if text is None:
        return None
    key = guess_key(doc.notes.values()) if text == "auto" else parse_key(text)
    if key[1] == "Chromatic":
        raise ValueError("--snap-to-scale: no notes to read a key from; name one, e.g. \"A minor\"")
    return key
