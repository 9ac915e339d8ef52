"""chord_melody_dataset and OpenEWLD: derived MIDI whose ``MELODY`` track is already on the grid.

Both come with a ``manifest.tsv``. OpenEWLD's says which files have irregular measures
(dropped: bars would drift) and its time signature (pickups were already shifted to a
barline by the converter). Only 4/4, 2/2 and 2/4 are kept (2/4 bars are paired), or for a
3/4 corpus only 3/4. Without
a manifest the MIDI file's own time signature and file name are used.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from mguv_app.music import MidiImportError, read_midi

from ..songs import SHAPES, Rejected, Song, melody_tokens


def read_manifest(root: Path) -> dict[str, dict]:
    """``midi file stem -> manifest row`` ({} when there is no manifest.tsv)."""
    path = root / "manifest.tsv"
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = {}
    for row in rows:
        midi = row.get("midi") or ""
        if midi:
            out[Path(midi).stem] = row
    return out


def midi_files(root: Path) -> list[Path]:
    base = root / "midi" if (root / "midi").is_dir() else root
    return sorted(p for p in base.rglob("*") if p.suffix.lower() in (".mid", ".midi") and p.is_file())


def title_of(stem: str, row: dict | None) -> str:
    if row and row.get("title"):
        return row["title"]
    name = row.get("song") if row and row.get("song") else stem
    name = re.sub(r"^\d{3}_", "", name)  # OpenEWLD's NNN_ prefix
    return name.replace("_", " ")


def _parse_ts(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def load_song(source: str, path: str, row: dict | None, shape_name: str = "4/4") -> Song | Rejected:
    p = Path(path)
    shape = SHAPES[shape_name]
    if row and str(row.get("irregular_measures", "0")).strip() not in ("", "0"):
        return Rejected(source, path, "irregular measure lengths (manifest)")
    try:
        imp = read_midi(p)
    except MidiImportError as err:
        return Rejected(source, path, err.reason)
    except Exception as exc:  # one bad file must not stop the build
        return Rejected(source, path, f"unreadable MIDI ({exc})")
    ts = _parse_ts(row.get("time_signature", "")) if row else None
    ts = ts or imp.melody.time_signature
    if not shape.keeps(ts):
        return Rejected(source, path, f"meter {ts[0]}/{ts[1]} is not {shape.describe()}")
    if "MELODY" not in imp.track.upper() and row is not None:
        return Rejected(source, path, f"no MELODY track (found '{imp.track}')")
    tokens = melody_tokens(imp.melody, shape.steps)
    if not len(tokens):
        return Rejected(source, path, "no notes")
    return Song(source, p.stem, title_of(p.stem, row), [tokens], path, shape.steps)
