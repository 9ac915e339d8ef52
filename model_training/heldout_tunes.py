"""Write a folder of held-out folk tunes as MIDI files: music21's ``miscFolk`` collections.

    python -m model_training.heldout_tunes --meter 4/4 --out data/heldout_4-4

The corpus (``build_corpus --music21``) reads Essen, O'Neill's, Ryan's and Aird's; music21 also ships
``miscFolk`` (the American Fife opus and Northumbrian Minstrelsy), which no model here is trained on.
Those tunes, read the way the corpus reads folk tunes (``sources/folk.load_tune``: pickup shifted to a
barline, ties merged, triplet-heavy tunes dropped), are the whole tunes that
``benchmarks/bench_phrase_reconstruct.py`` puts through ``mguv reconstruct``: what a user's own melody,
never seen in training, looks like to the model. Needs music21 (``pip install -e '.[corpus]'``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HELDOUT_FILES = ("americanfifeopus.abc", "northumbrianminstrelsyopus.abc")


def heldout_songs(meter: str = "4/4"):
    """(songs, rejected) of the miscFolk tunes whose every ``M:`` is in ``meter``'s family."""
    from .songs import SHAPES, Song
    from .sources.folk import corpus_root, load_tune, split_tunes, tune_meter

    shape = SHAPES[meter]
    songs, rejected = [], []
    for name in HELDOUT_FILES:
        path = corpus_root() / "miscFolk" / name
        header, tunes = split_tunes(path.read_text(encoding="latin-1"))
        for i, tune in enumerate(tunes):
            tune_m = tune_meter(tune, shape)
            if tune_m is None:
                continue
            got = load_tune("folk_misc", f"{path.stem}#{i}", header + tune, tune_m, shape.name)
            (songs if isinstance(got, Song) else rejected).append(got)
    return songs, rejected


def write_folder(meter: str, out: Path) -> dict:
    from mguv_app.music import events_to_melody, write_midi

    from .songs import SHAPES

    songs, rejected = heldout_songs(meter)
    out.mkdir(parents=True, exist_ok=True)
    ts = SHAPES[meter].time_signature
    files = 0
    for s in songs:
        for k, seg in enumerate(s.segments):
            name = re.sub(r"[^\w.-]+", "_", f"{s.song_id}_{k}")
            write_midi(events_to_melody(seg, time_signature=ts, name=s.title[:60]), out / f"{name}.mid")
            files += 1
    return {"meter": meter, "folder": str(out), "tunes": len(songs), "files": files,
            "rejected": [f"{r.path}: {r.reason}" for r in rejected]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m model_training.heldout_tunes", description=__doc__.split("\n")[0])
    p.add_argument("--meter", default="4/4", choices=["4/4", "3/4", "6/8"])
    p.add_argument("--out", required=True, metavar="DIR")
    args = p.parse_args(argv)
    try:
        print(json.dumps(write_folder(args.meter, Path(args.out)), indent=1))
    except ImportError:
        print("music21 is not installed: pip install -e '.[corpus]'", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
