"""A mutation fuzz over open → save → reopen: does a song the app opens always save into a file it opens again?

Builds a few songs (a conductor track with a ritardando and a key, a melody with lyrics, a piano with
sysex and pedal, drums; four overlapping voices; a format-0 lead sheet; unnamed tracks; chord markers),
mutates their bytes (bit flips, bytes set, inserted, deleted; truncation; chunk lengths, track counts and
ticks per quarter changed; chunks appended whole or cut; events mido rejects spliced into a track: key
signatures out of range, realtime bytes, sysex with high bytes, odd meta events), and for every mutant
the app opens it saves the melody back into the song as the window's Save and ``mguv set`` do
(``write_song``; a melody-only file with ``write_midi`` where the song has no one track to rewrite), five
ways (unchanged, tempo, meter, notes, chords, program), and opens the saved file again.

Counted, as JSON: mutants tried, refused on open (a clear ``MidiImportError``: fine), crashes (any other
exception, on open or save: each a bug), saves refused cleanly (``MidiSaveError``: nothing written, the
user is told), **unreadable saves** (written, then refused on reopen: the bug this guards against), and
saves that left the notes alone (unchanged, tempo, meter, chords, program) but reopened with another melody
(another track, or other notes).

Run: ``.venv/bin/python benchmarks/bench_song_fuzz.py [--count N] [--seed S] [MIDI files or folders as extra
seeds]``. ``tests/test_song_fuzz.py`` runs a small seeded slice of it.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import struct
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mido

from mguv_app.music import MidiImportError, Note, read_midi, write_midi
from mguv_app.music import errors as music_errors
from mguv_app.music.song_file import locate_song, write_song

SAVE_REFUSED = getattr(music_errors, "MidiSaveError", ())  # a clean refusal (the error type the fix added)
# reopen as the window's Open does: an empty melody is a file it opens (read_midi's allow_empty, where there is one)
REOPEN = {"allow_empty": True} if "allow_empty" in inspect.signature(read_midi).parameters else {}


# --- seed songs ---------------------------------------------------------------------------------------
def _notes(track, channel, pitches, length, start_gap=0):
    for i, p in enumerate(pitches):
        track += [mido.Message("note_on", channel=channel, note=p, velocity=80, time=start_gap if i == 0 else 0),
                  mido.Message("note_off", channel=channel, note=p, time=length)]


def seed_songs() -> dict[str, bytes]:
    """Small songs of the kinds users open, each as bytes."""
    songs = {}

    tpq = 96  # a conductor, a melody with lyrics and a program, a piano with pedal and sysex, drums
    mid = mido.MidiFile(type=1, ticks_per_beat=tpq)
    conductor = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100)),
                                mido.MetaMessage("time_signature", numerator=4, denominator=4),
                                mido.MetaMessage("key_signature", key="G"),
                                mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(80), time=tpq * 16)])
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody"),
                             mido.Message("program_change", channel=0, program=73)])
    for i, p in enumerate([67, 69, 71, 72, 74, 76, 78, 79]):
        melody += [mido.MetaMessage("lyrics", text=f"la{i}"), mido.Message("note_on", note=p, velocity=90),
                   mido.Message("note_off", note=p, time=tpq)]
    piano = mido.MidiTrack([mido.MetaMessage("track_name", name="Piano"),
                            mido.Message("control_change", channel=1, control=64, value=127)])
    for root in (43, 48):
        piano += [mido.Message("note_on", channel=1, note=root + k, velocity=70) for k in (0, 4, 7)]
        piano += [mido.Message("note_off", channel=1, note=root + k, time=tpq * 4 if k == 0 else 0) for k in (0, 4, 7)]
    piano.append(mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01]))
    drums = mido.MidiTrack()
    _notes(drums, 9, [36, 38] * 4, tpq)
    mid.tracks += [conductor, melody, piano, drums]
    songs["band"] = _bytes(mid)

    mid = mido.MidiFile(type=1, ticks_per_beat=480)  # four named voices, chords and overlaps in some
    mid.tracks.append(mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000)]))
    for v in range(4):
        t = mido.MidiTrack([mido.MetaMessage("track_name", name=f"Voice {v + 1}")])
        for i in range(8 + 2 * v):
            chord = [60 + v * 3 + i % 5] + ([48 + i % 7] if v == 2 else [])
            t += [mido.Message("note_on", channel=v, note=p, velocity=70) for p in chord]
            t += [mido.Message("note_off", channel=v, note=p, time=240 if k == 0 else 0) for k, p in enumerate(chord)]
        mid.tracks.append(t)
    songs["voices"] = _bytes(mid)

    mid = mido.MidiFile(type=0, ticks_per_beat=120)  # a lead sheet: melody and piano on two channels of one track
    t = mido.MidiTrack([mido.MetaMessage("track_name", name="Lead"), mido.MetaMessage("set_tempo", tempo=600000)])
    events = []
    for i in range(8):
        events += [(i * 120, mido.Message("note_on", channel=0, note=72 + i % 5, velocity=90)),
                   (i * 120 + 110, mido.Message("note_off", channel=0, note=72 + i % 5))]
    for i in range(2):
        events += [(i * 480, mido.Message("note_on", channel=1, note=48, velocity=60)),
                   (i * 480 + 470, mido.Message("note_off", channel=1, note=48))]
    now = 0
    for tick, msg in sorted(events, key=lambda e: e[0]):
        t.append(msg.copy(time=tick - now))
        now = tick
    mid.tracks.append(t)
    songs["lead_sheet"] = _bytes(mid)

    mid = mido.MidiFile(type=1, ticks_per_beat=480)  # unnamed tracks (a skyline) with chord markers
    first = mido.MidiTrack([mido.MetaMessage("marker", text="Chord: Am"),
                            mido.MetaMessage("marker", text="Chord: F", time=960)])
    mid.tracks.append(first)
    for ch, base in ((0, 69), (1, 45)):
        t = mido.MidiTrack()
        _notes(t, ch, [base + k for k in (0, 3, 5, 7, 5, 3)], 240)
        mid.tracks.append(t)
    songs["skyline"] = _bytes(mid)

    mid = mido.MidiFile(type=1, ticks_per_beat=240)  # a waltz with a tempo map, a melody and a bass
    conductor = mido.MidiTrack([mido.MetaMessage("time_signature", numerator=3, denominator=4)])
    conductor += [mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(q), time=0 if q == 90 else 720)
                  for q in (90, 85, 80, 75)]
    melody = mido.MidiTrack([mido.MetaMessage("track_name", name="Melody")])
    _notes(melody, 0, [76, 74, 72, 71, 72, 74, 76, 76, 76], 240)
    bass = mido.MidiTrack([mido.MetaMessage("track_name", name="Bass"), mido.Message("program_change", channel=2,
                                                                                      program=32)])
    _notes(bass, 2, [48, 43, 48], 720)
    mid.tracks += [conductor, melody, bass]
    songs["waltz"] = _bytes(mid)
    return songs


def _bytes(mid: mido.MidiFile) -> bytes:
    import io

    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


# --- mutations ----------------------------------------------------------------------------------------
BAD_EVENTS = [
    b"\x00\xff\x59\x02\x08\x00",  # key signature: 8 sharps
    b"\x00\xff\x59\x02\xf0\x05",  # key signature: 16 flats, mode 5
    b"\x00\xf8",  # realtime clock inside a track
    b"\x00\xfe",  # realtime active sensing
    b"\x00\xf0\x03\x81\x82\xf7",  # sysex with data bytes over 127
    b"\x00\xf7\x02\x90\x3c",  # an escape event
    b"\x00\xff\x58\x04\x00\xff\x18\x08",  # time signature 0 / 2^255
    b"\x00\xff\x51\x03\x00\x00\x00",  # tempo 0
    b"\x00\xff\x51\x02\x07\xa1",  # a tempo two bytes long
    b"\x00\xff\x7e\x01\x00",  # an unknown meta event
    b"\x00\xff\x05\x03\xc3\x28\xff",  # lyrics that are not UTF-8
    b"\x00\xff\x21\x01\x7f",  # MIDI port 127
    b"\x00\xff\x2f\x00",  # an end of track in the middle
    b"\x00\xff\x59\x03\x01\x00\x00",  # a key signature three bytes long
]


def _chunk_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each chunk after the header, as far as the lengths say."""
    spans, pos = [], 8 + (struct.unpack(">I", data[4:8])[0] if len(data) >= 8 else 0)
    while pos + 8 <= len(data):
        (clen,) = struct.unpack(">I", data[pos + 4: pos + 8])
        spans.append((pos, min(len(data), pos + 8 + clen)))
        pos += 8 + clen
    return spans


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutation of ``data``: the bytes and its name."""
    b = bytearray(data)
    spans = _chunk_spans(data)
    kind = rng.choice(["bitflip", "byte", "insert", "delete", "truncate", "chunk_length", "track_count",
                       "tpq", "append_cut_chunk", "append_chunk", "event", "event", "event"])
    if kind == "bitflip":
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    elif kind == "byte":
        b[rng.randrange(len(b))] = rng.choice([0, 0x7F, 0x80, 0xFF, rng.randrange(256)])
    elif kind == "insert":
        i = rng.randrange(len(b) + 1)
        b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    elif kind == "delete":
        i = rng.randrange(len(b))
        del b[i: i + rng.randint(1, 16)]
    elif kind == "truncate":
        del b[rng.randrange(14, len(b)):]
    elif kind == "chunk_length" and spans:
        start, end = rng.choice(spans)
        length = end - start - 8
        b[start + 4: start + 8] = struct.pack(">I", rng.choice([length + rng.randint(-6, 6), 0, length * 2,
                                                                rng.randrange(2**32)]) % 2**32)
    elif kind == "track_count":
        ntrks = struct.unpack(">H", data[10:12])[0]
        b[10:12] = struct.pack(">H", rng.choice([ntrks - 1, ntrks + 1, 0, 0xFFFF]) % 65536)
    elif kind == "tpq":
        b[12:14] = struct.pack(">H", rng.choice([1, 7, 24, 0x7FFF, rng.randrange(1, 0x8000)]))
    elif kind in ("append_cut_chunk", "append_chunk") and spans:
        start, end = rng.choice(spans)
        chunk = data[start:end]
        b += chunk[: rng.randrange(9, len(chunk))] if kind == "append_cut_chunk" and len(chunk) > 9 else chunk
    elif kind == "event" and spans:
        start, end = rng.choice(spans)
        if data[start: start + 4] == b"MTrk":
            event = rng.choice(BAD_EVENTS)
            where = rng.choice([start + 8, max(start + 8, end - 4)])  # first, or just before the end of track
            b[where:where] = event
            (clen,) = struct.unpack(">I", data[start + 4: start + 8])
            b[start + 4: start + 8] = struct.pack(">I", (clen + len(event)) % 2**32)
    return bytes(b), kind


# --- edits: what a save writes ------------------------------------------------------------------------
def _edits(melody):
    notes = melody.notes
    return {
        "unchanged": melody.copy(),
        "tempo": _with(melody, qpm=max(20.0, min(400.0, round(melody.qpm * 0.8, 2)))),
        "meter": _with(melody, time_signature=(3, 4) if tuple(melody.time_signature) != (3, 4) else (4, 4)),
        "notes": melody.copy([Note(n.start, n.end, min(127, n.pitch + 2), n.velocity) for n in notes[:-1]]
                             + [Note(0, 240, 60, 100)] * (not notes)),
        "chords": _with(melody, chords={0: "Am", melody.ticks_per_bar: "F"}),
        "program": _with(melody, program=(melody.program + 40) % 128),
    }


def _with(melody, **values):
    m = melody.copy()
    for k, v in values.items():
        setattr(m, k, v)
    return m


def fuzz(count: int, seed: int, extra: dict[str, bytes] | None = None) -> dict:
    """Run ``count`` mutants (seeded) through open → save → reopen; the counts, and up to 10 examples of each fault."""
    rng = random.Random(seed)
    seeds = {**seed_songs(), **(extra or {})}
    names = sorted(seeds)
    counts: Counter = Counter()
    examples: dict[str, list] = {}
    shm = Path("/dev/shm")  # in memory where there is one: the saves fsync, and a busy disk would time that instead
    tmp = Path(tempfile.mkdtemp(prefix="mguv_song_fuzz_", dir=shm if shm.is_dir() else None))
    src, out = tmp / "in.mid", tmp / "out.mid"

    def fault(kind: str, what: str) -> None:
        counts[kind] += 1
        examples.setdefault(kind, [])
        if len(examples[kind]) < 10:
            examples[kind].append(what)

    started = time.perf_counter()
    for k in range(count):
        name = rng.choice(names)
        data, mutations = seeds[name], []
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            data, kind = mutate(data, rng)
            mutations.append(kind)
        label = f"#{k} {name} {'+'.join(mutations)}"
        counts["mutants"] += 1
        src.write_bytes(data)
        try:
            imported = read_midi(src)
        except MidiImportError:
            counts["refused_on_open"] += 1
            continue
        except Exception as exc:  # every other exception is a fault we count
            fault("open_crashed", f"{label}: {type(exc).__name__}: {exc}")
            continue
        counts["opened"] += 1
        try:
            song = locate_song(src, imported)
        except Exception as exc:
            fault("locate_crashed", f"{label}: {type(exc).__name__}: {exc}")
            continue
        counts["songs" if song is not None else "melody_files"] += 1
        for edit, melody in _edits(imported.melody).items():
            out.unlink(missing_ok=True)
            counts["saves"] += 1
            try:
                if song is not None:
                    write_song(song, melody, out)
                else:
                    write_midi(melody, out)
            except SAVE_REFUSED as exc:
                counts["saves_refused_cleanly"] += 1
                examples.setdefault("save_refused", [])
                if len(examples["save_refused"]) < 10:
                    examples["save_refused"].append(f"{label} ({edit}): {exc}")
                continue
            except Exception as exc:
                fault("save_raised", f"{label} ({edit}): {type(exc).__name__}: {exc}")
                continue
            try:
                again = read_midi(out, **REOPEN)
            except MidiImportError as exc:
                fault("unreadable_saves", f"{label} ({edit}): {exc.reason}")
                continue
            except Exception as exc:
                fault("unreadable_saves", f"{label} ({edit}): {type(exc).__name__}: {exc}")
                continue
            counts["saves_reopened"] += 1
            moved = song is not None and again.track_index != imported.track_index  # a melody file has one track
            if edit != "notes" and (moved or again.melody.notes != imported.melody.notes):
                fault("melody_changed_by_save", f"{label} ({edit}): track {imported.track!r} with "
                      f"{len(imported.melody.notes)} notes reopened as {again.track!r} with {len(again.melody.notes)}")
    result = {"mutants": counts["mutants"], "seed": seed, "seed_songs": len(names),
              "refused_on_open": counts["refused_on_open"], "opened": counts["opened"],
              "songs": counts["songs"], "melody_files": counts["melody_files"], "saves": counts["saves"],
              "saves_reopened": counts["saves_reopened"], "saves_refused_cleanly": counts["saves_refused_cleanly"],
              "unreadable_saves": counts["unreadable_saves"], "save_raised": counts["save_raised"],
              "open_crashed": counts["open_crashed"], "locate_crashed": counts["locate_crashed"],
              "melody_changed_by_save": counts["melody_changed_by_save"],
              "seconds": round(time.perf_counter() - started, 1), "examples": examples}
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, default=3000, help="mutants to try (default 3000)")
    p.add_argument("--seed", type=int, default=23)
    p.add_argument("files", nargs="*", help="MIDI files or folders to mutate besides the built songs")
    args = p.parse_args(argv)
    from mguv_app.music import iter_midi_files

    extra = {f.name: f.read_bytes() for f in iter_midi_files(args.files)}
    print(json.dumps(fuzz(args.count, args.seed, extra), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
