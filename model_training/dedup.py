"""Cross-set de-duplication and the song-level train/validation/test split.

Two songs are the same song when their normalised titles match (accents, case,
punctuation, a leading "the/a/an" ignored; generic titles like "untitled" never match)
or when their first 16 notes have the same intervals and the same rhythm (transposition
invariant, so the C-major chord_melody copy of a song matches OpenEWLD's original key).
Titles only make duplicates across sources: within one source a shared title marks
variants (Essen has many), which are kept as a family that goes to a single split.
Groups are found with union-find; from each group the song from the highest-priority
source is kept. The split is a seeded hash of the family's first song key, so it is
stable when other songs are added or removed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

from mguv_app.music import PITCH_OFFSET

from .songs import Song

SIGNATURE_NOTES = 16
GENERIC_TITLES = {"", "untitled", "notitle", "anonymous", "unknown", "tune", "air", "reel", "jig", "hornpipe",
                  "march", "song", "melody", "waltz", "strathspey", "slowair"}


def normalise_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)  # "(2)", "[version b]"
    words = re.findall(r"[^\W_]+", text)
    if words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return "".join(words)


def opening_signature(song: Song) -> tuple | None:
    """Intervals and inter-onset gaps of the first notes, or None when the song has too few."""
    tokens = np.concatenate(song.segments) if song.segments else np.zeros(0, np.int16)
    idx = np.flatnonzero(tokens >= PITCH_OFFSET)[: SIGNATURE_NOTES + 1]
    if len(idx) < SIGNATURE_NOTES:
        return None
    pitches = tokens[idx].astype(int)
    return tuple(np.diff(pitches).tolist()) + tuple(np.diff(idx).tolist())


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the earlier (higher-priority) song is the root


def _title_key(song: Song) -> str | None:
    k = normalise_title(song.title)
    return None if k in GENERIC_TITLES or len(k) < 3 or k.isdigit() else k


def deduplicate(songs: list[Song]) -> tuple[list[Song], list[dict], dict[str, str]]:
    """Keep one song per duplicate group; ``songs`` must be in priority order.

    Duplicates are songs with the same opening (any sources) or the same title in
    *different* sources. Songs sharing a title within one source (Essen's variants of one
    song, a lead-sheet set's two arrangements) are all kept but form a *family* that goes
    to one split, so variants never leak between train and test.

    Returns the kept songs, one record per removed song (what it duplicated and why), and
    ``song key -> family key`` (the key to split by) for the kept songs.
    """
    dup, family = _UnionFind(len(songs)), _UnionFind(len(songs))
    why: dict[int, str] = {}
    first_title: dict[str, dict[str, int]] = {}
    first_opening: dict[tuple, int] = {}
    for i, s in enumerate(songs):
        k = _title_key(s)
        if k is not None:
            seen = first_title.setdefault(k, {})
            other = [j for src, j in seen.items() if src != s.source]
            if other:
                if dup.find(i) != dup.find(min(other)):
                    why.setdefault(i, "title")
                dup.union(min(other), i)
            if s.source in seen:
                family.union(seen[s.source], i)
            seen.setdefault(s.source, i)
        sig = opening_signature(s)
        if sig is not None:
            if sig in first_opening:
                if dup.find(i) != dup.find(first_opening[sig]):
                    why.setdefault(i, "opening")
                dup.union(first_opening[sig], i)
            else:
                first_opening[sig] = i
    for i in range(len(songs)):  # a removed song's family joins its survivor's family
        family.union(dup.find(i), i)
    kept, removed, fam = [], [], {}
    for i, s in enumerate(songs):
        root = dup.find(i)
        if root == i:
            kept.append(s)
            fam[s.key] = songs[family.find(i)].key
        else:
            removed.append({"removed": s.key, "title": s.title, "kept": songs[root].key,
                            "kept_title": songs[root].title, "match": why.get(i, "title")})
    return kept, removed, fam


def split_of(key: str, seed: int, fractions=(0.90, 0.05, 0.05)) -> str:
    """'train', 'valid' or 'test' from a seeded hash of the song key (deterministic)."""
    h = int.from_bytes(hashlib.sha1(f"{seed}:{key}".encode()).digest()[:8], "big") / 2**64
    if h < fractions[0]:
        return "train"
    return "valid" if h < fractions[0] + fractions[1] else "test"
