"""``mguv record OUT.mid``: record a MIDI keyboard into a MIDI file, the window's Record without the window.

A count-in bar, then the metronome (and the melody of ``--over``, if given) for ``--bars`` bars while the
keyboard is heard through FluidSynth; each key is stamped with the player's position on the port's
thread, as in the window (``ui/recording_link.py``), and the take is quantized to ``--grid``.
"""

from __future__ import annotations

import sys
import threading
import time

from .arguments import BARS, QPM
from .common import CliError, run_guarded

HELP = "record what a MIDI keyboard plays (count-in, metronome) into a MIDI file; --list lists the keyboards"


def add_arguments(p) -> None:
    p.add_argument("output", nargs="?", metavar="OUT.mid", help="the MIDI file to write")
    p.add_argument("--list", action="store_true", help="list the MIDI input ports and exit")
    p.add_argument("--port", metavar="NAME", help="the MIDI input port (default: the first one; see --list)")
    p.add_argument("--bars", type=BARS, default=8, help=f"bars to record, {BARS.span} (default 8; Ctrl+C stops sooner)")
    p.add_argument("--bpm", type=QPM, default=None, help=f"tempo, {QPM.span} (default: --over's, else 120)")
    p.add_argument("--meter", default=None, metavar="N/D", help="time signature (default: --over's, else 4/4)")
    p.add_argument("--count-in", type=int, default=1, metavar="BARS", help="bars of clicks first (default 1)")
    p.add_argument("--grid", default="1/16", help="quantize the take to this grid, or 'off' (default 1/16)")
    p.add_argument("--over", metavar="IN.mid", help="play this melody while recording and add the take to it")
    p.add_argument("--no-click", action="store_true", help="no metronome after the count-in")


def record_take(player, melody, open_input, port: str, bars: int, count_in: int, grid: int | None,
                stop: threading.Event | None = None):
    """Play ``melody`` open-ended after ``count_in`` bars of clicks, record ``port`` through ``open_input``
    (``MidiInput`` or anything with its signature) for ``bars`` bars; the take's notes."""
    from ..audio.midi_input import sound
    from ..editing.recording import Take

    take = Take(start=0, grid=grid)
    lock = threading.Lock()

    def received(event) -> None:
        tick = player.position_ticks()
        sound(player, event)
        with lock:
            take.key(tick, *event)

    end = bars * melody.ticks_per_bar
    stop = stop or threading.Event()
    with open_input(port, received):
        player.play(count_in_bars=count_in, open_ended=True)
        try:
            while player.is_playing and player.position_ticks() < end and not stop.is_set():
                time.sleep(0.01)
        except KeyboardInterrupt:
            pass
        last = min(end, max(0, player.position_ticks()))
        player.pause()
    with lock:
        return [n for n in take.finish(last) if n.start < end]


def run(args) -> int:
    return run_guarded(_run, args)


def _run(args) -> int:
    from ..audio import Player
    from ..audio.midi_input import MidiInput, MidiInputError, input_ports
    from ..editing import grid_ticks
    from ..music import Melody, write_midi
    from .common import read_melody

    try:
        ports = input_ports()
    except MidiInputError as err:
        raise CliError(str(err)) from None
    if args.list:
        print("\n".join(ports) if ports else "no MIDI keyboard connected")
        return 0
    if not args.output:
        raise CliError("name the MIDI file to write (mguv record OUT.mid), or --list the keyboards")
    if not ports:
        raise CliError("no MIDI keyboard connected (mguv record --list shows what there is)")
    port = args.port or ports[0]
    if port not in ports:
        raise CliError(f"no MIDI input {port!r}; there are: {', '.join(ports)}")
    if args.bars < 1 or args.count_in < 0:
        raise CliError("--bars must be at least 1 and --count-in at least 0")
    grid = None if args.grid == "off" else _grid(grid_ticks, args.grid)
    melody = read_melody(args.over) if args.over else Melody(qpm=120.0)
    if args.bpm is not None:
        melody.qpm = args.bpm
    if args.meter:
        melody.time_signature = _meter(args.meter)
    with Player() as player:
        if not player.available:
            print(f"no audio device ({player.reason}): recording without sound", file=sys.stderr)
        player.set_melody(melody)
        player.set_metronome(not args.no_click)
        print(f"recording {args.bars} bars from {port} at {melody.qpm:g} BPM, {args.count_in} bar(s) "
              "of count-in first (Ctrl+C stops sooner)", file=sys.stderr)
        try:
            notes = record_take(player, melody, MidiInput, port, args.bars, args.count_in, grid)
        except MidiInputError as err:
            raise CliError(str(err)) from None
    from ..editing.recording import merge_take

    _, add = merge_take(melody.notes, notes)
    result = melody.copy()
    result.notes = sorted(melody.notes + add)
    from ..music.song_file import locate_song, write_song

    song = locate_song(args.over) if args.over else None  # a song keeps its other tracks in OUT
    try:
        if song is not None:
            write_song(song, result, args.output)
        else:
            write_midi(result, args.output)
    except OSError as err:
        raise CliError(f"cannot write {args.output}: {err.strerror or err}") from None
    kept = f", with the song's {song.others_label}" if song is not None else ""
    print(f"recorded {len(add)} note{'s' * (len(add) != 1)} into {args.output}{kept}")
    return 0


def _grid(grid_ticks, label: str) -> int:
    try:
        return grid_ticks(label)
    except ValueError as err:
        raise CliError(str(err)) from None


def _meter(text: str) -> tuple[int, int]:
    try:
        num, den = (int(x) for x in text.split("/"))
    except ValueError:
        raise CliError(f"--meter wants N/D such as 3/4, got {text!r}") from None
    if num < 1 or den not in (1, 2, 4, 8, 16):
        raise CliError(f"--meter wants N/D such as 3/4, got {text!r}")
    return num, den
