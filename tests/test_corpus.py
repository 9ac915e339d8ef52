"""The corpus builder on a tiny fake dataset tree made of real MIDI files written here.

Covers the three dataset layouts (performance-timed POP909 with beat annotations and an
index.xlsx, lead-sheet MIDI with manifests), meter filtering, a corrupt file, cross-set
de-duplication, the song-level split and the window arrays the training loop reads.
"""

import json

import numpy as np
import pytest

from mguv_app.music import NOTE_OFF, PITCH_OFFSET, Melody, Note, melody_to_events, write_midi
from mguv_app.music.tidy import tidy_ends
from model_training import build_corpus
from model_training.augment import augment_transpose
from model_training.dedup import deduplicate, normalise_title, opening_signature, split_of
from model_training.songs import Song
from model_training.sources import pop909
from model_training.windows import song_windows
from model_training.xlsx import read_xlsx_rows, write_xlsx_rows

STEP = 120  # ticks per 16th


def random_melody(rng, bars, low=60, high=72, offset=0):
    """A monophonic 4/4 melody on the 16th grid with a note in every bar."""
    notes, step = [], 0
    while step < bars * 16:
        length = int(rng.integers(1, 5))
        if rng.random() < 0.85:
            notes.append(Note(step * STEP, min(step + length, bars * 16) * STEP, int(rng.integers(low, high)) + offset))
        step += length
    return Melody(notes)


def write_leadsheet_set(root, songs, extra_cols=()):
    """songs: list of (stem, title, melody, time_signature, extra column values)."""
    (root / "midi").mkdir(parents=True)
    head = ["id", "midi", "title", "time_signature", *extra_cols]
    lines = ["\t".join(head)]
    for stem, title, mel, ts, extra in songs:
        mel = mel.copy()
        mel.time_signature = ts
        write_midi(mel, root / "midi" / f"{stem}.mid")
        lines.append("\t".join([stem, f"midi/{stem}.mid", title, f"{ts[0]}/{ts[1]}", *map(str, extra)]))
    (root / "manifest.tsv").write_text("\n".join(lines) + "\n")


def write_pop909_song(root, sid, melody_steps, bar_beats, pickup_beats=1, sec_per_beat=0.6, t0=0.1, jitter=None):
    """A POP909-style folder: MELODY + PIANO tracks timed in seconds, beat_midi.txt with downbeats.

    ``melody_steps``: list of (start_step, end_step, pitch) counted from the first downbeat;
    ``bar_beats``: beats in each bar after the pickup (4 = regular).
    """
    d = root / "POP909" / sid
    d.mkdir(parents=True)
    flags = [0] * pickup_beats
    for n in bar_beats:
        flags += [1] + [0] * (n - 1)
    beat_times = [t0 + k * sec_per_beat for k in range(len(flags))]
    (d / "beat_midi.txt").write_text("".join(f"{t} {f} {f}\n" for t, f in zip(beat_times, flags, strict=True)))
    ticks_per_beat = 480  # qpm 100 -> 0.6 s per quarter
    first = t0 / sec_per_beat * ticks_per_beat + pickup_beats * ticks_per_beat
    notes = []
    for i, (s, e, p) in enumerate(melody_steps):
        j = 0 if jitter is None else jitter[i % len(jitter)]
        notes.append(Note(round(first + s * STEP + j), round(first + e * STEP - 15 + j), p))
    mel = Melody(notes, qpm=100.0)
    piano = Melody([Note(round(first), round(first) + 1920, 48)], qpm=100.0, name="PIANO")
    write_midi(mel, d / f"{sid}.mid", extra_tracks=[(piano, False)])
    return d


@pytest.fixture(scope="module")
def fake_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("datasets")
    rng = np.random.default_rng(7)
    # POP909: 001 has 20 regular bars, a 2-beat bar, then 18 regular bars; 002 is in 3/4; 003 is corrupt
    steps = []
    for bar in range(39):
        for k in range(4):
            steps.append((bar * 16 + 4 * k, bar * 16 + 4 * k + 3, 60 + (bar + k) % 8))
    # the 2-beat bar sits after bar 20: move later notes by 8 steps so they stay on the beats
    steps = [(s + 8, e + 8, p) if s >= 20 * 16 else (s, e, p) for s, e, p in steps if not 20 * 16 <= s < 20 * 16]
    write_pop909_song(root / "pop909", "001", steps, [4] * 20 + [2] + [4] * 18, jitter=[-12, 7, 0, 15, -5])
    write_pop909_song(root / "pop909", "002", steps[:40], [3] * 20)
    bad = root / "pop909" / "POP909" / "003"
    bad.mkdir(parents=True)
    (bad / "003.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x01\x00\x00\xff")
    (bad / "beat_midi.txt").write_text("0.0 1 1\n0.5 0 0\n")
    write_xlsx_rows(root / "pop909" / "POP909" / "index.xlsx", [
        ["song_id", "name", "artist", "modify_times", "num_beats_per_measure", "num_quavers_per_beat"],
        ["001", "Song One", "A", 1, 2, 2], ["002", "Waltz Two", "B", 1, 3, 2], ["003", "Broken", "C", 1, 2, 2]])

    # OpenEWLD: 8 songs of 20 bars in 4/4 (one titled like a chord_melody song), one 3/4, one irregular
    ow = [(f"{i:03d}_Tune_{i}", f"Tune Number {i}", random_melody(rng, 20), (4, 4), (0,)) for i in range(8)]
    ow[0] = ("000_All_the_Things", "All the Things You Are", ow[0][2], (4, 4), (0,))
    ow[5] = ("005_Variant", "Tune Number 4", ow[5][2], (4, 4), (0,))  # same title, same source: a variant
    ow.append(("008_Waltz", "A Waltz", random_melody(rng, 12), (3, 4), (0,)))
    ow.append(("009_Odd", "Odd Bars", random_melody(rng, 12), (4, 4), (1,)))
    ow.append(("010_Two_Four", "Two Four", random_melody(rng, 10), (2, 4), (0,)))  # 20 bars of 2/4
    write_leadsheet_set(root / "openewld", ow, extra_cols=("irregular_measures",))
    # chord_melody: 6 songs; #0 duplicates OpenEWLD by title, #1 is Tune 3 transposed under another name
    cm = [(f"song_{i}", "", random_melody(rng, 18, 62, 76), (4, 4), ()) for i in range(6)]
    cm[0] = ("all_the_things_you_are", "", random_melody(rng, 18), (4, 4), ())
    cm[1] = ("renamed_copy", "", ow[3][2].transposed(-3), (4, 4), ())
    write_leadsheet_set(root / "chord_melody", [(s, t, m, ts, e) for s, t, m, ts, e in cm])
    (root / "chord_melody" / "midi" / "zz_truncated.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x00\x00\x01")

    out = root / "out" / "corpus.npz"
    code = build_corpus.main(["--pop909", str(root / "pop909"), "--openewld", str(root / "openewld"),
                              "--chord-melody", str(root / "chord_melody"), "--out", str(out),
                              "--workers", "2"])
    assert code == 0
    return {"root": root, "out": out, "steps": steps, "ow": ow, "cm": cm}


def test_npz_layout_shapes_and_tokens(fake_tree):
    data = np.load(fake_tree["out"])
    for split in ("train", "valid", "test"):
        for bars in (16, 2):
            w = data[f"{split}_{bars}"]
            assert w.dtype == np.int16 and w.ndim == 2 and w.shape[1] == bars * 16
            assert len(data[f"{split}_{bars}_song"]) == len(w) == len(data[f"{split}_{bars}_bar"])
            assert w.min(initial=0) >= 0 and w.max(initial=0) < 130
    lo, hi = data["pitch_range"].tolist()
    allw = np.concatenate([data[f"{s}_16"] for s in ("train", "valid", "test")])
    notes = allw[allw >= PITCH_OFFSET] - PITCH_OFFSET
    assert lo <= notes.min() and notes.max() <= hi
    meta = json.loads(str(data["meta_json"]))
    assert meta["command"].startswith("python -m model_training.build_corpus --pop909")


def test_window_counts_per_source(fake_tree):
    meta = json.loads((fake_tree["out"].with_suffix(".json")).read_text())
    src = meta["sources"]
    # POP909 001: segments of 20 and 18 bars (the 2-beat bar is cut out) -> 5 + 3 windows of 16 bars
    pop16 = sum(src["pop909"].get(f"windows_{s}_16", 0) for s in ("train", "valid", "test"))
    pop2 = sum(src["pop909"].get(f"windows_{s}_2", 0) for s in ("train", "valid", "test"))
    assert (pop16, pop2) == (5 + 3, 19 + 17)
    assert src["pop909"]["songs_kept"] == 1 and src["pop909"]["rejected"] == 2
    # OpenEWLD: 8 in 4/4 + one 2/4 (20 bars of 2/4 = 10 bars of 4/4: no 16-bar window); 3/4 and irregular dropped
    assert src["openewld"]["songs_read"] == 9 and src["openewld"]["rejected"] == 2
    ow16 = sum(src["openewld"].get(f"windows_{s}_16", 0) for s in ("train", "valid", "test"))
    assert ow16 == 8 * 5
    # chord_melody: 6 read, 2 removed as duplicates, 1 truncated file rejected
    assert src["chord_melody"]["songs_read"] == 6 and src["chord_melody"]["duplicates_removed"] == 2
    assert src["chord_melody"]["songs_kept"] == 4 and src["chord_melody"]["rejected"] == 1
    assert meta["dedup"]["by_match"] == {"title": 1, "opening": 1}
    assert meta["splits"]["train"]["songs"] + meta["splits"]["valid"]["songs"] + meta["splits"]["test"]["songs"] == 14


def test_bad_files_are_reported_with_reasons(fake_tree):
    tsv = fake_tree["out"].with_suffix(".rejected.tsv").read_text().splitlines()
    by_path = {line.split("\t")[1].rsplit("/", 1)[-1]: line.split("\t")[2] for line in tsv[1:]}
    assert "truncated" in by_path["003.mid"] or "broken" in by_path["003.mid"]
    assert "zz_truncated.mid" in by_path
    assert "not 4/4" in by_path["002.mid"]
    assert "3/4" in by_path["008_Waltz.mid"]
    assert "irregular" in by_path["009_Odd.mid"]


def test_splits_are_by_song(fake_tree):
    data = np.load(fake_tree["out"])
    seen = {}
    for split in ("train", "valid", "test"):
        for bars in (16, 2):
            for i in set(data[f"{split}_{bars}_song"].tolist()):
                assert seen.setdefault(i, split) == split
                assert data["song_split"][i] == split
    assert len(seen) == len(data["song_key"])
    # a within-source title match is kept (a variant) but lands in the same split as its sibling
    keys = data["song_key"].tolist()
    a, b = keys.index("openewld/004_Tune_4"), keys.index("openewld/005_Variant")
    assert data["song_split"][a] == data["song_split"][b]
    meta = json.loads(str(data["meta_json"]))
    assert meta["dedup"]["families"]["groups"] == 1 and meta["dedup"]["families"]["songs"] == 2


def test_pop909_quantized_from_beats_exactly(fake_tree):
    song = pop909.load_song(str(fake_tree["root"] / "pop909" / "POP909" / "001"),
                            {"beats": 2, "quavers": 2, "name": "Song One"})
    assert [len(s) // 16 for s in song.segments] == [20, 18]
    steps = [(s, e, p) for s, e, p in fake_tree["steps"] if s < 20 * 16]
    # each dotted 8th is followed by a 16th rest: read legato, as a quarter (tidy_ends); the last one is not
    first = [Note(s * STEP, (e + (i + 1 < len(steps))) * STEP, p) for i, (s, e, p) in enumerate(steps)]
    expected = melody_to_events(Melody(first), num_steps=20 * 16)
    np.testing.assert_array_equal(song.segments[0], expected)
    # the pickup beat before the first downbeat is not part of any bar
    assert song.segments[0][0] == PITCH_OFFSET + 60


def test_pop909_note_ends_are_tidied_as_a_transcriber_writes_them():
    on = np.array([0, 6, 16, 24, 40])
    off = np.array([5, 11, 21, 27, 45])
    # 0-5 then a 16th rest: held to the next onset; 6-11: 5 sixteenths ending a 16th before a beat, with rest
    # after it: ends on the beat; 16-21: a 16th past one: ends on it; 24-27: a dotted 8th, kept; 40-45: the last
    # note, on the beat
    np.testing.assert_array_equal(tidy_ends(on, off), [6, 12, 20, 27, 44])
    # a 7-sixteenth note ending a 16th before a beat moves on to the beat; one ending on a beat is kept
    np.testing.assert_array_equal(tidy_ends(np.array([0, 12]), np.array([7, 13])), [8, 13])
    np.testing.assert_array_equal(tidy_ends(np.array([1, 12]), np.array([8, 13])), [8, 13])


def test_windows_skip_silence_and_pitch_outliers():
    seg = np.zeros(8 * 16, np.int16)
    seg[0] = PITCH_OFFSET + 60
    seg[4] = NOTE_OFF
    seg[16 * 5] = PITCH_OFFSET + 100  # out of range in bar 5
    song = Song("x", "1", "t", [seg])
    w, starts, dropped = song_windows(song, 2, 1, 36, 96)
    # windows [0,1] keep (bar 0 has a note); [1,2],[2,3],[3,4] silent; [4,5],[5,6] out of range; [6,7] silent
    assert starts.tolist() == [0] and dropped == {"silent": 4, "pitch_range": 2}
    assert w.shape == (1, 32)


def test_dedup_title_and_transposed_opening():
    rng = np.random.default_rng(3)
    a = Song("openewld", "a", "The Lady Is a Tramp", [melody_to_events(random_melody(rng, 4)).astype(np.int16)])
    b = Song("chord_melody", "b", "lady_is_a_tramp".replace("_", " "), [a.segments[0]])
    mel = random_melody(rng, 4)
    c = Song("openewld", "c", "Original", [melody_to_events(mel).astype(np.int16)])
    d = Song("chord_melody", "d", "Misspelt", [melody_to_events(mel.transposed(5)).astype(np.int16)])
    e = Song("folk", "e", "Untitled", [melody_to_events(random_melody(rng, 4)).astype(np.int16)])
    f = Song("folk", "f", "Untitled", [melody_to_events(random_melody(rng, 4)).astype(np.int16)])
    g = Song("openewld", "g", "Original", [melody_to_events(random_melody(rng, 4)).astype(np.int16)])
    kept, removed, family = deduplicate([a, b, c, d, e, f, g])
    assert [s.song_id for s in kept] == ["a", "c", "e", "f", "g"]  # generic titles never match
    assert family["openewld/g"] == family["openewld/c"] == "openewld/c"  # same-source title: a family
    assert family["folk/e"] == "folk/e" and family["folk/f"] == "folk/f"
    assert {(r["removed"], r["kept"], r["match"]) for r in removed} == {
        ("chord_melody/b", "openewld/a", "title"), ("chord_melody/d", "openewld/c", "opening")}
    assert normalise_title("Liza (All the Clouds'll Roll Away)") == normalise_title("liza")
    assert opening_signature(Song("x", "y", "z", [np.zeros(32, np.int16)])) is None


def test_split_is_deterministic_and_near_90_5_5():
    keys = [f"src/{i}" for i in range(20000)]
    splits = [split_of(k, 0) for k in keys]
    assert splits == [split_of(k, 0) for k in keys]
    frac = {s: splits.count(s) / len(keys) for s in ("train", "valid", "test")}
    assert abs(frac["train"] - 0.9) < 0.01 and abs(frac["valid"] - 0.05) < 0.01
    assert sum(a != b for a, b in zip(splits, [split_of(k, 1) for k in keys], strict=True)) > 1000


def test_augment_transpose_keeps_range_and_structure():
    rng = np.random.default_rng(0)
    batch = np.array([[PITCH_OFFSET + 60, 0, NOTE_OFF, PITCH_OFFSET + 64],
                      [PITCH_OFFSET + 95, 0, 0, PITCH_OFFSET + 90],   # can only go down by up to 5 (and up 1)
                      [0, 0, 0, 0]], dtype=np.int16)
    shifts = []
    for _ in range(300):
        out = augment_transpose(batch, rng, max_shift=5, low=36, high=96)
        assert out.dtype == batch.dtype and out.shape == batch.shape
        np.testing.assert_array_equal(out[:, 1:3][batch[:, 1:3] < 2], batch[:, 1:3][batch[:, 1:3] < 2])
        d0 = int(out[0, 0] - batch[0, 0])
        assert out[0, 3] - batch[0, 3] == d0 and -5 <= d0 <= 5
        assert -5 <= int(out[1, 0] - batch[1, 0]) <= 1 and out[1].max() <= PITCH_OFFSET + 96
        np.testing.assert_array_equal(out[2], batch[2])
        shifts.append(d0)
    assert set(shifts) == set(range(-5, 6))
    one = augment_transpose(batch[0], np.random.default_rng(1))
    assert one.shape == (4,)


def test_xlsx_round_trip(tmp_path):
    rows = [["song_id", "name"], ["001", "一剪梅 & <x>"], [2, 3.5]]
    write_xlsx_rows(tmp_path / "i.xlsx", rows)
    assert read_xlsx_rows(tmp_path / "i.xlsx") == [["song_id", "name"], ["001", "一剪梅 & <x>"], ["2", "3.5"]]


def test_cli_refuses_missing_inputs(tmp_path, capsys):
    with pytest.raises(SystemExit, match="nope: folder not found"):
        build_corpus.main(["--pop909", str(tmp_path / "nope"), "--out", str(tmp_path / "c.npz")])
    with pytest.raises(SystemExit):  # argparse: --out must be an .npz
        build_corpus.main(["--openewld", str(tmp_path), "--out", str(tmp_path / "c.txt")])


@pytest.fixture(scope="module")
def waltz_corpus(fake_tree):
    """The same dataset tree built as a 3/4 corpus: only its two 3/4 songs are kept."""
    root, out = fake_tree["root"], fake_tree["root"] / "out34" / "corpus.npz"
    code = build_corpus.main(["--meter", "3/4", "--pop909", str(root / "pop909"), "--openewld", str(root / "openewld"),
                              "--chord-melody", str(root / "chord_melody"), "--out", str(out), "--workers", "1"])
    assert code == 0
    return out


def test_a_3_4_corpus_keeps_only_3_4_songs_in_12_step_bars(fake_tree, waltz_corpus):
    data = np.load(waltz_corpus)
    assert int(data["steps_per_bar"]) == 12
    assert sorted(data["song_key"].tolist()) == ["openewld/008_Waltz", "pop909/002"]
    for split in ("train", "valid", "test"):
        assert data[f"{split}_16"].shape[1] == 16 * 12 and data[f"{split}_2"].shape[1] == 2 * 12
    meta = json.loads(waltz_corpus.with_suffix(".json").read_text())
    src = meta["sources"]
    assert meta["settings"]["meter"] == "3/4" and meta["settings"]["steps_per_bar"] == 12
    # POP909 002: 20 bars of 3/4 with notes in the first 13 -> windows starting at bars 0..4
    assert sum(src["pop909"].get(f"windows_{s}_16", 0) for s in ("train", "valid", "test")) == 5
    # OpenEWLD's waltz: 192 steps = 16 bars of 3/4, one window; the 4/4, 2/4 and irregular songs are left out
    assert sum(src["openewld"].get(f"windows_{s}_16", 0) for s in ("train", "valid", "test")) == 1
    reasons = waltz_corpus.with_suffix(".rejected.tsv").read_text()
    assert "meter 4/4 is not 3/4" in reasons and "meter 2/4 is not 3/4" in reasons
    assert "001.mid\tmeter is 2 beats x 2 quavers, not 3/4" in reasons


def test_pop909_3_4_bars_come_from_its_three_beat_downbeats(fake_tree):
    song = pop909.load_song(str(fake_tree["root"] / "pop909" / "POP909" / "002"),
                            {"beats": 3, "quavers": 2, "name": "Waltz Two"}, "3/4")
    assert song.steps_per_bar == 12 and [len(s) // 12 for s in song.segments] == [20] and song.num_bars == 20
    steps = fake_tree["steps"][:40]  # dotted 8ths before a 16th rest, read legato (tidy_ends); the last one kept
    first = [Note(s * STEP, (e + (i + 1 < len(steps))) * STEP, p) for i, (s, e, p) in enumerate(steps)]
    np.testing.assert_array_equal(song.segments[0], melody_to_events(Melody(first), num_steps=20 * 12))
    # the same song read as 4/4 is refused by its index row, and its 3-beat bars are no 4-beat run
    assert "not 4/4" in pop909.load_song(str(fake_tree["root"] / "pop909" / "POP909" / "002"),
                                         {"beats": 3, "quavers": 2, "name": "x"}).reason
    assert "4-beat bars" in pop909.load_song(str(fake_tree["root"] / "pop909" / "POP909" / "002"), None).reason


def test_folk_meters_are_read_per_bar_shape():
    from model_training.songs import THREE_FOUR
    from model_training.sources.folk import tune_meter

    waltz, reel = "X:1\nM:3/4\nK:G\nGAB|c2B|\n", "X:2\nM:C|\nK:D\nABcd|\n"
    assert tune_meter(waltz) is None and tune_meter(reel) == "C|"
    assert tune_meter(waltz, THREE_FOUR) == "3/4" and tune_meter(reel, THREE_FOUR) is None
    assert tune_meter("X:3\nM:3/4\nK:G\nGAB|[M:6/8]GAB GAB|\n", THREE_FOUR) is None  # a meter change


@pytest.mark.slow
def test_folk_waltz_becomes_12_step_bars():
    pytest.importorskip("music21")
    from model_training.sources.folk import load_tune

    song = load_tune("folk_x", "w#1", "X:1\nT:Little Waltz\nM:3/4\nL:1/4\nK:C\nC E G|c2 G|E2 D|C3|\n", "3/4", "3/4")
    assert song.steps_per_bar == 12 and song.num_bars == 4 and song.title == "Little Waltz"
    tokens = song.segments[0]
    onsets = np.flatnonzero(tokens >= PITCH_OFFSET).tolist()
    assert onsets == [0, 4, 8, 12, 20, 24, 32, 36]  # quarters and halves, each bar starting on a multiple of 12
    assert (tokens[onsets] - PITCH_OFFSET).tolist() == [60, 64, 67, 72, 67, 64, 62, 60]


def test_a_6_8_corpus_keeps_only_6_8_songs(fake_tree, tmp_path):
    """6/8 bars are as long as 3/4 ones (12 steps), so only the meter tells a jig from a waltz: the 3/4 songs
    are left out, and POP909 (whose beat annotations mark no 6/8 bars) says why it gives nothing."""
    from model_training.songs import SIX_EIGHT
    from model_training.sources.folk import tune_meter

    rng = np.random.default_rng(3)
    jigs = tmp_path / "jigs"
    write_leadsheet_set(jigs, [("000_Jig", "A Jig", random_melody(rng, 12), (6, 8), ()),
                               ("001_Waltz", "A Waltz", random_melody(rng, 12), (3, 4), ())])
    out = tmp_path / "out" / "corpus.npz"
    code = build_corpus.main(["--meter", "6/8", "--pop909", str(fake_tree["root"] / "pop909"),
                              "--openewld", str(jigs), "--out", str(out), "--workers", "1"])
    assert code == 0
    data = np.load(out)
    assert int(data["steps_per_bar"]) == 12 and data["song_key"].tolist() == ["openewld/000_Jig"]
    assert json.loads(out.with_suffix(".json").read_text())["settings"]["meter"] == "6/8"
    reasons = out.with_suffix(".rejected.tsv").read_text()
    assert "meter 3/4 is not 6/8" in reasons and "POP909's beat annotations do not mark 6/8 bars" in reasons
    assert tune_meter("X:1\nM:6/8\nK:G\nGAB GAB|\n", SIX_EIGHT) == "6/8"
    assert tune_meter("X:1\nM:3/4\nK:G\nGAB|\n", SIX_EIGHT) is None
