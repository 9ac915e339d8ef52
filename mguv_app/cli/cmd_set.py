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
    p.add_argument("--meter", metavar="N/D", help="time signature, e.g. 3/4 or 6/8; notes keep their place "
                   "(the melody's meter: that of its first full bar; with --at-bar, from that bar on)")
    p.add_argument("--at-bar", type=int, metavar="K",
                   help="with --meter: a meter change at bar K (numbered as the ruler numbers bars; a pickup is "
                        "bar 0), lasting until the next change, which keeps its bar")
    p.add_argument("--remove-meter", type=int, metavar="K", help="take away the meter change at bar K")
    p.add_argument("--insert-bars", metavar="K[:N]", help="N empty bars (default 1) before bar K, of its meter; "
                   "later notes, chords and meter changes move on")
    p.add_argument("--delete-bars", metavar="K[-L]", help="take out bars K to L (default K alone) with their notes")
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
    meter = None
    if args.meter is not None:
        try:
            num, den = args.meter.split("/")
            meter = (int(num), int(den))
        except ValueError:
            print(f"error: --meter {args.meter}: write it as N/D, e.g. 3/4", file=sys.stderr)
            return 2
        if args.at_bar is None:
            values["time_signature"] = meter
    elif args.at_bar is not None:
        print("error: --at-bar says where a --meter starts: give --meter N/D too", file=sys.stderr)
        return 2
    bar_edits = [args.at_bar, args.remove_meter, args.insert_bars, args.delete_bars]
    if not values and args.snap_to_scale is None and args.humanize is None and all(e is None for e in bar_edits):
        print("error: nothing to set: give --bpm, --meter, --instrument, --snap-to-scale, --humanize, "
              "--remove-meter, --insert-bars or --delete-bars", file=sys.stderr)
        return 2
    try:
        imported = read_midi(args.file)
        doc = NoteDocument(imported.melody)
        change = doc.plan_properties(**values)
        key = _key(args.snap_to_scale, doc)
        doc.apply_properties(change.after)
        done = [change.label] if not change.empty else []
        bars_before = doc.meter_map
        done += _edit_bars(doc, args, meter)
    except (MidiImportError, ValueError) as err:  # a bad file, a meter like 4/3, a key like "H major", no bar K
        print(f"error: {err}", file=sys.stderr)
        return 2
    if key is not None:
        snapped = doc.plan_snap_to_scale(set(doc.notes), *key)
        doc.redo(snapped)
        moved = len(snapped.after)
        done.append(f"{moved} note{'s' * (moved != 1)} snapped into {key_label(*key)}")
    if args.humanize is not None:
        doc.redo(doc.plan_humanize(set(doc.notes), args.humanize, args.seed))
        done.append(f"humanized by {args.humanize:g}")
    if "time_signature" in change.after or doc.meter_map != bars_before:
        doc.apply_chords(doc.plan_chords_for_map(doc.meter_map).after)  # the chosen chords onto the new bars
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


def _bar(doc, number: int, option: str, past_end: int = 1) -> int:
    """The index of bar ``number`` (as the ruler numbers it), or ValueError for one the melody does not have."""
    meter_map = doc.meter_map
    last = meter_map.number(max(0, meter_map.bar_count(doc.end_tick) - 1)) + past_end
    if not meter_map.first_number <= number <= last:
        raise ValueError(f"{option} {number}: the melody's bars are {meter_map.first_number} to {last}")
    return meter_map.index(number)


def _edit_bars(doc, args, meter) -> list[str]:
    """``--at-bar``, ``--remove-meter``, ``--delete-bars`` and ``--insert-bars`` applied in that order, as the
    ruler's menu does them; their undo labels."""
    done = []
    if args.at_bar is not None:
        change = doc.plan_meter(_bar(doc, args.at_bar, "--at-bar"), meter)
        doc.apply_properties(change.after)
        done += [change.label] if not change.empty else []
    if args.remove_meter is not None:
        change = doc.plan_remove_meter(_bar(doc, args.remove_meter, "--remove-meter"))
        doc.apply_properties(change.after)
        done.append(change.label)
    for option, text, plan in (("--delete-bars", args.delete_bars, "delete"), ("--insert-bars", args.insert_bars,
                                                                                "insert")):
        if text is None:
            continue
        first, sep, second = text.replace(":", "-").partition("-")
        try:
            first, second = int(first), int(second) if sep else None
        except ValueError:
            raise ValueError(f"{option} {text}: write " + ("K or K-L" if plan == "delete" else "K or K:N")) from None
        index = _bar(doc, first, option, past_end=1 if plan == "insert" else 0)
        if plan == "delete":
            last = _bar(doc, first if second is None else second, option, past_end=0)
            if last < index:
                raise ValueError(f"{option} {text}: the last bar comes before the first")
            change = doc.plan_delete_bars(index, last - index + 1)
        else:
            count = 1 if second is None else second
            if not 1 <= count <= 256:
                raise ValueError(f"{option} {text}: insert 1 to 256 bars")
            change = doc.plan_insert_bars(index, count)
        doc.apply_bars(change)
        done.append(change.label)
    return done


def _key(text: str | None, doc) -> tuple[int, str] | None:
    """``--snap-to-scale``'s key: None without the option, the melody's likely key for "auto"."""
    from ..editing import guess_key, parse_key

    if text is None:
        return None
    key = guess_key(doc.notes.values()) if text == "auto" else parse_key(text)
    if key[1] == "Chromatic":
        raise ValueError("--snap-to-scale: no notes to read a key from; name one, e.g. \"A minor\"")
    return key
