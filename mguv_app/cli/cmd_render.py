"""``mguv render IN.mid --out OUT.wav``: a MIDI file through FluidSynth into a WAV file."""

from __future__ import annotations

import sys

from .arguments import PROGRAM

HELP = "render a MIDI file (all tracks) to a 16-bit stereo WAV through a SoundFont, faster than real time"


def add_arguments(p) -> None:
    p.add_argument("input", metavar="IN.mid", help="the MIDI file to render")
    p.add_argument("--out", "-o", required=True, metavar="OUT.wav", help="the WAV file to write")
    p.add_argument("--soundfont", metavar="F", help="a .sf2/.sf3 SoundFont (default: the installed GM font)")
    p.add_argument("--program", type=PROGRAM, metavar="N",
                   help="General MIDI program 0-127 for every non-drum track (default: the file's)")
    p.add_argument("--sample-rate", type=int, default=44100, metavar="HZ", help="default 44100")


def run(args) -> int:
    from ..audio import SoundFontError, render_to_wav
    from ..music import MidiImportError

    if args.program is not None and not 0 <= args.program <= 127:
        print(f"--program must be 0-127, got {args.program}", file=sys.stderr)
        return 2
    if not 8000 <= args.sample_rate <= 192000:
        print(f"--sample-rate must be 8000-192000, got {args.sample_rate}", file=sys.stderr)
        return 2
    try:
        res = render_to_wav(args.input, args.out, soundfont=args.soundfont, program=args.program,
                            sample_rate=args.sample_rate)
    except MidiImportError as err:
        print(f"cannot render: {err}", file=sys.stderr)
        return 2
    except SoundFontError as err:
        print(f"bad SoundFont: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
        return 2
    print(f"wrote {res.path}: {res.seconds:.1f} s at {res.sample_rate} Hz, peak {res.peak_dbfs:.1f} dBFS, "
          f"rendered {res.speed:.0f}x real time")
    return 0
