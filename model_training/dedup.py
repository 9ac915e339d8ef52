"""Cross-set de-duplication and the song-level train/validation/test split.

Two songs are the same song when their normalised titles match (accents, case,
punctuation, a leading "the/a/an" ignored; generic titles like "untitled" never match)
or when their first 16 notes have the same intervals and the same rhythm (transposition
invariant, so the C-major chord_melody copy of a song matches OpenEWLD's original key).
Groups are found with union-find; from each group the song from the highest-priority
source is kept. The split is a seeded hash of the kept song's key, so it is stable when
other songs are added or removed.
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


def deduplicate(songs: list[Song]) -> tuple[list[Song], list[dict]]:
    """Keep one song per duplicate group; ``songs`` must be in priority order.

    Returns the kept songs and one record per removed song (what it duplicated and why).
    """
    uf = _UnionFind(len(songs))
    why: dict[int, str] = {}
    for kind, keyfn in (("title", lambda s: normalise_title(s.title)), ("opening", opening_signature)):
        first: dict = {}
        for i, s in enumerate(songs):
            k = keyfn(s)
            if k is None or (kind == "title" and (k in GENERIC_TITLES or len(k) < 3 or k.isdigit())):
                continue
            if k in first:
                if uf.find(i) != uf.find(first[k]):
                    why.setdefault(i, kind)
                uf.union(first[k], i)
            else:
                first[k] = i
    kept, removed = [], []
    for i, s in enumerate(songs):
        root = uf.find(i)
        if root == i:
            kept.append(s)
        else:
            removed.append({"removed": s.key, "title": s.title, "kept": songs[root].key,
                            "kept_title": songs[root].title, "match": why.get(i, "title")})
    return kept, removed


def split_of(key: str, seed: int, fractions=(0.90, 0.05, 0.05)) -> str:
    """'train', 'valid' or 'test' from a seeded hash of the song key (deterministic)."""
    h = int.from_bytes(hashlib.sha1(f"{seed}:{key}".encode()).digest()[:8], "big") / 2**64
    if h < fractions[0]:
        return "train"
    return "valid" if h < fractions[0] + fractions[1] else "test"
