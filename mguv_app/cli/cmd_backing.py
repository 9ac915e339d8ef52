"""``mguv backing IN.mid --out OUT.mid``: the melody with fitted chords, bass and drums as four tracks
(``--wav`` renders them, ``--chart`` writes the chords as a text chart, ``--suggest`` lists chords)."""

from __future__ import annotations

import sys

from .arguments import SEED, SWING

HELP = "accompany a melody: chords fitted to it, bass and drums, written as a 4-track MIDI file (and WAV)"


def add_arguments(p) -> None:
    p.add_argument("input", metavar="IN.mid", help="the melody (its melody track, as the app reads it)")
    p.add_argument("--out", "-o", metavar="OUT.mid", help="the 4-track MIDI file to write")
    p.add_argument("--wav", metavar="OUT.wav", help="also render all four tracks through FluidSynth")
    p.add_argument("--soundfont", metavar="F", help="SoundFont for --wav (default: the installed GM font)")
    p.add_argument("--swing", type=SWING, default=0.5,
                   help=f"where the off-beat 8th falls, {SWING.span}: 0.5 straight (default) to 0.75")
    p.add_argument("--seed", type=SEED, default=0,
                   help=f"seed of the bass and drum variations and the humanising, {SEED.span}")
    p.add_argument("--sound", default="Electric piano", metavar="NAME",
                   help="who plays the chords and bass: " + ", ".join(f"'{n}'" for n in _sounds())
                   + " (default: 'Electric piano')")
    p.add_argument("--chord", action="append", default=[], metavar="BAR[:BEAT]=CHORD",
                   help="play this chord there instead of a fitted one, e.g. 3=Dm7 (all of bar 3) or 4:3=G7 "
                        "(beats 3-4 of bar 4); repeatable. Chords chosen in the app are saved in the file and "
                        "kept too")
    p.add_argument("--refit", action="store_true",
                   help="ignore the chords in IN.mid (saved by the app, or read from its other tracks): fit all")
    p.add_argument("--chart", metavar="OUT.txt", help="also write the chords as a text chart, four bars a line")
    p.add_argument("--suggest", action="append", default=[], metavar="BAR[:BEAT]",
                   help="print the chords that fit the melody there best (what the app's chord menu offers); "
                        "repeatable")


def _sounds():
    from ..lofi.backing import SOUNDS

    return list(SOUNDS)


def parse_place(where: str, melody) -> tuple[int, int] | None:
    """``"4:3"`` -> the ticks of bar 4's second half; ``"4"`` the whole bar; None if malformed.
    BEAT 3 (the second half bar) exists only in bars of four beats; a 3/4 bar has one chord. Bars are
    numbered as the ruler numbers them (a pickup is bar 0)."""
    meter_map = melody.meter_map
    bar, _, beat = where.strip().partition(":")
    if not bar.strip().isdigit() or meter_map.index(int(bar)) < 0:
        return None
    found = meter_map.bar(meter_map.index(int(bar)))
    tpb, slot = found.length, found.chord_slot_ticks
    if beat.strip() not in (("", "1", "3") if slot < tpb else ("", "1")):
        return None
    start = found.start + (slot if beat.strip() == "3" else 0)
    return start, start + (slot if beat.strip() else tpb)


def parse_chord_option(text: str, melody) -> tuple[int, int, str]:
    """``"4:3=G7"`` -> (start tick, end tick, "G7"); ValueError with a clear message otherwise."""
    from ..lofi.chord_symbols import canonical_symbol

    where, sep, symbol = text.partition("=")
    place = parse_place(where, melody) if sep else None
    if place is None:
        raise ValueError(f"--chord {text!r}: write BAR=CHORD or BAR:BEAT=CHORD with BEAT 1 or 3 (3/4, 6/8: whole bars "
                         "only), e.g. 3=Dm7, 4:3=G7")
    return *place, canonical_symbol(symbol)  # ChordSymbolError is a ValueError


def chord_options(options: list[str], melody) -> dict[int, str]:
    """``--chord`` options as ``Melody.chords`` entries, one per chord slot they cover (ValueError if bad)."""
    chords: dict[int, str] = {}
    for option in options:
        start, end, symbol = parse_chord_option(option, melody)
        chords.update(dict.fromkeys((a for a, _ in melody.meter_map.chord_slots(start, end)), symbol))
    return chords


def print_suggestions(melody, places: list[str]) -> None:
    from ..lofi.harmony import chord_suggestions, estimate_key

    key = estimate_key(melody.notes)
    for where in places:
        place = parse_place(where, melody)
        if place is None:
            raise ValueError(f"--suggest {where!r}: write BAR or BAR:BEAT with BEAT 1 or 3 (3/4, 6/8: whole bars only)")
        names = [c.spelled(key) for c in chord_suggestions(melody, key, *place, limit=6)]
        print(f"bar {where.strip()} ({key}): " + " ".join(names))


def run(args) -> int:
    from ..lofi.backing import backing_for, write_backing_midi
    from ..music import MidiImportError, read_midi

    if args.out is None and args.chart is None and args.wav is None and not args.suggest:
        print("mguv backing: give --out OUT.mid, --chart OUT.txt, --wav OUT.wav or --suggest BAR", file=sys.stderr)
        return 2
    from .common import CliError, check_span

    try:
        imported = read_midi(args.input)
        melody = imported.melody
        check_span(args.input, melody)
        if args.refit:
            melody.chords = {}
        elif not melody.chords and len(imported.accompaniment):  # the song's own harmony, as the app reads it
            from ..lofi.chord_detect import detect_chords

            melody.chords = detect_chords(imported.accompaniment, melody)
        melody.chords.update(chord_options(args.chord, melody))
        if args.suggest:
            print_suggestions(melody, args.suggest)
        if args.out is None and args.chart is None and args.wav is None:
            return 0
        backing = backing_for(melody, args.seed, args.swing, args.sound)
    except (MidiImportError, CliError) as err:
        print(f"cannot read the melody: {err}", file=sys.stderr)
        return 2
    except ValueError as err:
        print(f"cannot accompany {args.input}: {err}", file=sys.stderr)
        return 2
    from ..lofi.chord_chart import write_chord_chart

    writers = [(args.out, lambda path: write_backing_midi(backing, path)),
               (args.chart, lambda path: write_chord_chart(backing, path, melody.name))]
    for target, write in writers:
        if target is None:
            continue
        try:
            write(target)
        except OSError as err:
            print(f"cannot write {target}: {err.strerror or err}", file=sys.stderr)
            return 2
    spans = backing.chord_spans()
    print(f"wrote {', '.join(t for t, _ in writers if t)}: {backing.key}, {len(spans)} chord changes: "
          + " ".join(name + ("*" if chosen else "") for _, _, name, chosen in spans)
          + (" (* as chosen)" if backing.chosen else ""))
    if args.wav:
        from ..audio import SoundFontError, render_to_wav

        try:
            res = render_to_wav(backing.midi_bytes(), args.wav, soundfont=args.soundfont)
        except (SoundFontError, OSError) as err:
            print(f"cannot render {args.wav}: {err}", file=sys.stderr)
            return 2
        print(f"wrote {res.path}: {res.seconds:.1f} s, peak {res.peak_dbfs:.1f} dBFS")
    return 0
