"""``mguv inspect PATH...``: what melody each MIDI file holds, or why it was refused."""

from __future__ import annotations

import json
import sys

HELP = "show the melody found in each MIDI file (folders are walked), or why it was refused"


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="MIDI files or folders")
    p.add_argument("--json", action="store_true", help="one JSON object per file (JSON lines)")


def run(args) -> int:
    from ..music import MidiImportError, iter_midi_files, read_midi

    refused = 0
    files = iter_midi_files(args.paths)
    if not files:
        print("no MIDI files found", file=sys.stderr)
        return 2
    for path in files:
        try:
            imp = read_midi(path)
        except MidiImportError as err:
            refused += 1
            if args.json:
                print(json.dumps({"path": str(path), "ok": False, "error": err.reason, "kind": err.kind}))
            else:
                print(f"REFUSED {err}")
            continue
        info = imp.melody.summary() | {"track": imp.track, "tracks": imp.num_tracks, "format": imp.midi_format}
        if args.json:
            print(json.dumps({"path": str(path), "ok": True, "melody": info}))
        else:
            rng = f"{info['pitch_min']}-{info['pitch_max']}"
            print(f"OK      {path}: {info['notes']} notes, {info['bars']} bars, pitch {rng}, "
                  f"{info['qpm']:g} BPM {info['time_signature']}, track '{imp.track}'")
    if not args.json:
        print(f"{len(files) - refused} read, {refused} refused", file=sys.stderr)
    return 2 if refused else 0
