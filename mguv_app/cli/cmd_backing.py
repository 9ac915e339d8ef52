"""``mguv backing IN.mid --out OUT.mid``: the melody with fitted chords, bass and drums as four tracks."""

from __future__ import annotations

import sys

HELP = "accompany a melody: chords fitted to it, bass and drums, written as a 4-track MIDI file (and WAV)"


def add_arguments(p) -> None:
    p.add_argument("input", metavar="IN.mid", help="the melody (its melody track, as the app reads it)")
    p.add_argument("--out", "-o", required=True, metavar="OUT.mid", help="the 4-track MIDI file to write")
    p.add_argument("--wav", metavar="OUT.wav", help="also render all four tracks through FluidSynth")
    p.add_argument("--soundfont", metavar="F", help="SoundFont for --wav (default: the installed GM font)")
    p.add_argument("--swing", type=float, default=0.5,
                   help="where the off-beat 8th falls: 0.5 straight (default) to 0.75")
    p.add_argument("--seed", type=int, default=0, help="seed of the bass and drum variations and the humanising")


def run(args) -> int:
    from ..lofi.backing import backing_for, write_backing_midi
    from ..music import MidiImportError, read_midi

    try:
        melody = read_midi(args.input).melody
        backing = backing_for(melody, args.seed, args.swing)
    except MidiImportError as err:
        print(f"cannot read the melody: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"cannot accompany {args.input}: {err}", file=sys.stderr)
        return 2
    try:
        write_backing_midi(backing, args.out)
    except OSError as err:
        print(f"cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {backing.key}, {len(backing.chord_names())} chord changes: "
          + " ".join(backing.chord_names()))
    if args.wav:
        from ..audio import SoundFontError, render_to_wav

        try:
            res = render_to_wav(args.out, args.wav, soundfont=args.soundfont)
        except (SoundFontError, OSError) as err:
            print(f"cannot render {args.wav}: {err}", file=sys.stderr)
            return 2
        print(f"wrote {res.path}: {res.seconds:.1f} s, peak {res.peak_dbfs:.1f} dBFS")
    return 0
