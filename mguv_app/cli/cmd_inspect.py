"""``mguv inspect PATH...``: what melody each MIDI file holds, or why it was refused."""

from __future__ import annotations

import json
import sys

HELP = "show the melody found in each MIDI file (folders are walked), or why it was refused"


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="MIDI files or folders")
    p.add_argument("--json", action="store_true", help="one JSON object per file (JSON lines)")
    p.add_argument("--tracks", action="store_true",
                   help="list every track with notes too (File → Choose Melody Track… offers the pitched ones)")
    p.add_argument("--phrases", action="store_true",
                   help="list the melody's phrases as the latent map's phrase view shows them: their bars, their "
                        "place on the phrase model's map and which earlier phrase each repeats (loads the model)")


def run(args) -> int:
    from dataclasses import asdict

    from ..audio.gm import program_name
    from ..editing.scales import pitch_name
    from ..music import MidiImportError, iter_midi_files, read_midi
    from ..music.midi_read import list_tracks

    refused = 0
    maps: dict = {}
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
        tracks = list_tracks(path) if args.tracks else []
        phrases = _phrases(imp.melody, maps) if args.phrases else None
        if args.json:
            out = {"path": str(path), "ok": True, "melody": info}
            if tracks:
                out["track_list"] = [asdict(t) | {"melody": t.index == imp.track_index} for t in tracks]
            if phrases is not None:
                out["phrases"] = phrases
            print(json.dumps(out))
            continue
        rng = f"{info['pitch_min']}-{info['pitch_max']}"
        print(f"OK      {path}: {info['notes']} notes, {info['bars']} bars, pitch {rng}, "
              f"{info['qpm']:g} BPM {info['time_signature']}, track '{imp.track}'")
        if "meter_changes" in info:  # a meter map: each time signature with the bar it starts
            quarters = info["pickup_ticks"] / 480
            pickup = f"; a pickup of {quarters:g} quarter{'s' * (quarters != 1)} (bar 0)" if quarters else ""
            print("        meters: " + ", ".join(f"{c['time_signature']} at bar {c['bar']}"
                                             for c in info["meter_changes"]) + pickup)
        for number, t in enumerate(tracks, 1):  # numbered as the app's melody-track chooser numbers them
            sound = "drums" if t.is_drum else program_name(t.program)
            print(f"        track {number}: '{t.name}', {sound}, {t.notes} notes, "
                  f"{pitch_name(t.lowest)}-{pitch_name(t.highest)}" + (" (the melody)" if t.index == imp.track_index
                                                                       else ""))
        if isinstance(phrases, str):
            print(f"        phrases: {phrases}")
        for ph in phrases if isinstance(phrases, list) else []:
            again = f", repeats phrase {ph['repeats'] + 1}" if ph["repeats"] is not None else ""
            print(f"        {ph['label']} at ({ph['x']:.2f}, {ph['y']:.2f}){again}")
    if not args.json:
        print(f"{len(files) - refused} read, {refused} refused", file=sys.stderr)
    return 2 if refused else 0


def _phrases(melody, maps: dict):
    """The melody's phrases as dicts (label, first_bar, bars, x, y, repeats: the index of the earlier phrase with the
    same notes, or None), or a string saying why there are none; ``maps`` caches a PhraseMap per meter."""
    from ..engine import TrainedModel, default_model_dir
    from ..engine.phrases import PhraseError
    from ..latent.phrase_map import PhraseMap

    key = tuple(melody.time_signature)
    if key not in maps:
        codec = TrainedModel(default_model_dir(key), "cpu").phrases_for(melody)
        maps[key] = PhraseMap(codec) if codec is not None else None
    pmap = maps[key]
    if pmap is None:
        return f"no phrase model for {key[0]}/{key[1]}"
    try:
        points = pmap.phrases(melody)
    except PhraseError as err:
        return str(err)
    return [{"label": p.label, "first_bar": p.first_bar + 1, "bars": p.bars, "x": round(float(p.xy[0]), 3),
             "y": round(float(p.xy[1]), 3), "repeats": None if p.group == p.index else p.group} for p in points]
