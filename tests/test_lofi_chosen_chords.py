"""Chords the user chooses for the Band: typed symbols, kept by the harmoniser, saved in the MIDI file,
undoable in the document, and reachable from `mguv backing --chord`."""

import mido
import numpy as np
import pytest

from mguv_app.editing import NoteDocument
from mguv_app.lofi.backing import backing_for
from mguv_app.lofi.chord_symbols import ChordSymbolError, canonical_symbol, parse_chord
from mguv_app.lofi.harmony import Key, choose_chords, chord_at, chord_suggestions
from mguv_app.music import Melody, Note, read_midi, write_midi

Q, BAR = 480, 1920
C_MAJOR, A_MINOR = Key(0, "major"), Key(9, "minor")


def arpeggios(*chords, octave=60):
    notes = [Note(bar * BAR + i * Q, bar * BAR + (i + 1) * Q, octave + pc)
             for bar, tones in enumerate(chords) for i, pc in enumerate(tones)]
    return Melody(notes, qpm=100.0, name="song")


# C - Am - F - G - C, spelled out by the melody
SONG = arpeggios((0, 4, 7, 4), (9, 12, 16, 12), (5, 9, 12, 9), (7, 11, 14, 11), (0, 4, 7, 12))


@pytest.mark.parametrize("text, root, intervals, shown", [
    ("Bb7", 10, (4, 7, 10), "Bb7"), ("f#m7b5", 6, (3, 6, 10), "F#m7b5"), ("Cmaj9", 0, (4, 7, 11, 14), "Cmaj9"),
    ("Dsus4", 2, (5, 7), "Dsus4"), ("E", 4, (4, 7), "E"), ("bbmin7", 10, (3, 7, 10), "Bbm7"),
    ("C-7", 0, (3, 7, 10), "Cm7"), ("GM7", 7, (4, 7, 11), "Gmaj7"), ("Gm7", 7, (3, 7, 10), "Gm7"),
    ("Ab+", 8, (4, 8), "Abaug"), (" Bø ", 11, (3, 6, 10), "Bm7b5"), ("Cb", 11, (4, 7), "Cb"),
])
def test_chord_symbols_are_read_as_written(text, root, intervals, shown):
    ch = parse_chord(text)
    assert (ch.root, ch.intervals) == (root, intervals)
    assert canonical_symbol(text) == shown
    assert ch.spelled(A_MINOR) == shown  # the typed spelling wins over the key's (A# in A minor)


@pytest.mark.parametrize("text", ["", "H7", "Cxyz", "C7#11", "7", "Dm7x/F"])
def test_what_is_not_a_chord_symbol_is_refused_with_the_accepted_forms(text):
    with pytest.raises(ChordSymbolError, match="e.g. Dm7"):
        parse_chord(text)


def test_chosen_chords_are_kept_and_the_rest_still_fit():
    fitted = choose_chords(SONG, C_MAJOR, 5 * BAR, rng=np.random.default_rng(0))
    for b, tones in enumerate(((0, 4), (9, 4), (5, 9), (7, 11), (0, 4))):  # beats 1 and 3 of each bar
        assert chord_at(fitted, b * BAR).tones >= set(tones)
    same = choose_chords(SONG, C_MAJOR, 5 * BAR, rng=np.random.default_rng(0), fixed={})
    assert same == fitted  # nothing chosen: exactly the fitted progression
    bb7, dm7 = parse_chord("Bb7", C_MAJOR), parse_chord("Dm7", C_MAJOR)
    chosen = choose_chords(SONG, C_MAJOR, 5 * BAR, rng=np.random.default_rng(0),
                           fixed={BAR: bb7, BAR + BAR // 2: bb7, 2 * BAR + BAR // 2: dm7, 7: bb7})
    assert chord_at(chosen, BAR) is bb7 and chord_at(chosen, BAR + BAR // 2) is bb7  # a chord outside the key
    assert chord_at(chosen, 2 * BAR + BAR // 2) is dm7  # only the second half of bar 3
    assert 5 in chord_at(chosen, 2 * BAR).tones and chord_at(chosen, 2 * BAR) is not dm7  # its first half: fitted
    assert [chord_at(chosen, b * BAR) for b in (0, 3, 4)] == [chord_at(fitted, b * BAR) for b in (0, 3, 4)]
    assert 7 not in {s.start for s in chosen}  # a tick that starts no half bar is not a chord slot


def test_a_chord_chosen_for_longer_than_the_harmoniser_holds_one_is_held():
    long = {t: parse_chord("Fmaj7", C_MAJOR) for t in range(0, 5 * BAR, BAR // 2)}  # five bars, ten slots
    slots = choose_chords(SONG, C_MAJOR, 5 * BAR, rng=np.random.default_rng(0), fixed=long)
    assert [(s.start, s.end, s.chord.name) for s in slots] == [(b * BAR, (b + 1) * BAR, "Fmaj7") for b in range(5)]


def test_suggestions_rank_the_chords_the_melody_spells_first():
    bar2 = chord_suggestions(SONG, C_MAJOR, BAR, 2 * BAR)  # A C E C
    assert bar2[0].tones >= {9, 0, 4} and bar2[0].root == 9
    assert len({c.root for c in bar2}) == len(bar2) == 7  # a harmony on every degree, not Am, Am7, Am9…
    bar4 = chord_suggestions(SONG, C_MAJOR, 3 * BAR, 4 * BAR, limit=3)  # G B D B
    assert bar4[0].root == 7 and len(bar4) == 3


def test_the_backing_plays_the_chosen_chords_and_keeps_the_drums():
    plain = backing_for(SONG, seed=2)
    song = SONG.copy()
    song.chords = {BAR: "Bb7", BAR + BAR // 2: "Bb7", 3 * BAR + 1: "Dm7", 2 * BAR: "nonsense"}
    b = backing_for(song, seed=2)
    spans = b.chord_spans()
    assert (BAR, 2 * BAR, "Bb7", True) in spans
    assert not any(chosen for s, _, _, chosen in spans if s != BAR)  # the misplaced and unreadable ones are ignored
    chords_in_bar2 = {n.pitch % 12 for n in b.tracks[1][0].notes if BAR - 30 <= n.start < 2 * BAR - 30}  # humanised
    assert chords_in_bar2 == {10, 2, 5, 8}  # Bb D F Ab is what the keys play
    assert [n.pitch % 12 for n in b.tracks[2][0].notes if n.start % BAR < 20 and BAR <= n.start < 2 * BAR] == [10]
    assert b.tracks[3][0].notes == plain.tracks[3][0].notes  # changing a chord does not re-roll the drums
    assert b.tracks[0][0].notes == SONG.notes
    far = SONG.copy()
    far.chords = {6 * BAR: "G7"}  # past the melody's last bar: the band plays on to it
    spans = backing_for(far).chord_spans()
    assert (6 * BAR, 6 * BAR + BAR // 2, "G7", True) in spans and spans[-1][1] == 7 * BAR


def test_chosen_chords_are_saved_as_midi_markers_and_read_back(tmp_path):
    song = SONG.copy()
    song.chords = {BAR: "Bb7", 2 * BAR + BAR // 2: "Dm7"}
    path = tmp_path / "song.mid"
    write_midi(song, path)
    markers = [(m.text) for m in mido.MidiFile(str(path)).tracks[0] if m.type == "marker"]
    assert markers == ["Chord: Bb7", "Chord: Dm7"]  # what a DAW shows on its timeline
    back = read_midi(path).melody
    assert back.chords == song.chords and back.notes == SONG.notes
    write_midi(SONG, path)  # none chosen: no markers at all
    assert not [m for m in mido.MidiFile(str(path)).tracks[0] if m.type == "marker"]
    assert read_midi(path).melody.chords == {}


def test_other_markers_are_not_chords(tmp_path):
    from mguv_app.music.midi_write import melody_to_midi_bytes, with_markers

    path = tmp_path / "marked.mid"
    path.write_bytes(with_markers(melody_to_midi_bytes(SONG), [(0, "Verse"), (BAR, "Chord: G7"), (BAR * 2, "Chord:")]))
    assert read_midi(path).melody.chords == {BAR: "G7"}


def test_the_document_chooses_chords_per_half_bar_undoably():
    doc = NoteDocument(SONG)
    seen = []
    doc.subscribe(seen.append)
    change = doc.plan_chord(BAR + 100, 2 * BAR, "Bb7")  # from inside the bar: its half bars
    assert change.after == {BAR: "Bb7", BAR + BAR // 2: "Bb7"} and change.before == {BAR: None, BAR + BAR // 2: None}
    doc.apply_chords(change.after)
    assert doc.to_melody().chords == change.after and seen[-1] == "chords"
    half = doc.plan_chord(BAR + BAR // 2, BAR + BAR // 2, "E7")  # an empty span is still its half bar
    doc.apply_chords(half.after)
    assert doc.chords == {BAR: "Bb7", BAR + BAR // 2: "E7"}
    doc.apply_chords(half.before)
    doc.apply_chords(change.before)
    assert doc.chords == {}
    doc.apply_chords({0: "C"})
    assert doc.plan_clear_chords().after == {0: None}
    doc.load(SONG)
    assert doc.chords == {}  # a new melody brings its own chords (none)
    doc.load(Melody(SONG.notes, time_signature=(3, 4)))
    assert doc.plan_chord(1440 + 100, 1440 + 200, "G7").after == {1440: "G7"}  # 3/4: a chord is a whole bar


def test_cli_chord_options_and_the_files_own_chords(tmp_path, capsys):
    from mguv_app.cli import main as mguv

    src, out = tmp_path / "song.mid", tmp_path / "band.mid"
    write_midi(SONG, src)
    assert mguv(["backing", str(src), "--out", str(out), "--chord", "2=Bb7", "--chord", "3:3=dm7"]) == 0
    printed = capsys.readouterr().out
    assert "Bb7*" in printed and "Dm7*" in printed and "as chosen" in printed
    band = read_midi(out).melody
    assert band.chords == {BAR: "Bb7", BAR + BAR // 2: "Bb7", 2 * BAR + BAR // 2: "Dm7"}
    again = tmp_path / "again.mid"
    assert mguv(["backing", str(out), "--out", str(again)]) == 0  # the file's chosen chords are kept
    assert "Bb7*" in capsys.readouterr().out
    assert mguv(["backing", str(out), "--out", str(again), "--refit"]) == 0
    assert "*" not in capsys.readouterr().out
    for bad in ("0=C", "2:2=C", "x=C", "2"):
        assert mguv(["backing", str(src), "--out", str(tmp_path / "x.mid"), "--chord", bad]) == 2
        assert "BAR=CHORD" in capsys.readouterr().err
    assert mguv(["backing", str(src), "--out", str(tmp_path / "x.mid"), "--chord", "2=Q7"]) == 2
    assert "not a chord symbol" in capsys.readouterr().err and not (tmp_path / "x.mid").exists()
    assert mguv(["backing", str(src), "--suggest", "2", "--suggest", "4:3"]) == 0  # what the chord menu offers
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("bar 2 (C major): Am") and len(lines[0].split(": ")[1].split()) == 6
    assert lines[1].startswith("bar 4:3 (C major): G") and len(lines) == 2  # G B D B: G first; nothing written
    assert mguv(["backing", str(src)]) == 2 and "give --out" in capsys.readouterr().err
    assert mguv(["backing", str(src), "--suggest", "9:2"]) == 2 and "BAR:BEAT" in capsys.readouterr().err


def test_the_chord_chart_reads_bar_by_bar(tmp_path, capsys):
    from mguv_app.cli import main as mguv
    from mguv_app.lofi.chord_chart import bar_chords, chord_chart, write_chord_chart

    song = SONG.copy()
    song.chords = {2 * BAR + BAR // 2: "Bb7"}  # the second half of bar 3
    b = backing_for(song)
    bars = bar_chords(b, BAR)
    assert len(bars) == 5 and bars[2][-1] == "Bb7*" and len(bars[2]) == 2  # bar 3: a fitted chord, then Bb7
    assert [len(x) for x in bars].count(0) == 0  # every bar has its chord, held ones named again
    text = chord_chart(b, "Song")
    lines = text.splitlines()
    assert lines[0] == "Song · C major · 100 BPM · 4/4"
    assert lines[1] == "(* chosen, not fitted: by you, or read from the file)"
    assert lines[3].startswith("  1 | ") and lines[4].startswith("  5 | ") and len(lines) == 5
    assert lines[3].count("|") == 5 and "Bb7*" in lines[3]  # four bars a line
    assert lines[3].split("|")[1].strip() == " ".join(bars[0])
    out = tmp_path / "chart.txt"
    write_chord_chart(b, out, "Song")
    assert out.read_text(encoding="utf-8") == text and list(tmp_path.iterdir()) == [out]
    src = tmp_path / "song.mid"
    write_midi(SONG, src)
    assert mguv(["backing", str(src), "--chart", str(tmp_path / "c.txt"), "--chord", "1=Am"]) == 0
    assert "c.txt" in capsys.readouterr().out and not (tmp_path / "c.mid").exists()
    assert "| Am* " in (tmp_path / "c.txt").read_text(encoding="utf-8")


def test_slash_chords_are_read_played_and_moved():
    from mguv_app.lofi.backing import backing_for
    from mguv_app.lofi.chord_symbols import transpose_symbol

    ch = parse_chord("D/F#")
    assert (ch.root, ch.bass, ch.intervals) == (2, 6, (4, 7)) and ch.tones == parse_chord("D").tones
    assert canonical_symbol("bbmaj7/d") == "Bbmaj7/D" and canonical_symbol("C/C") == "C"
    assert transpose_symbol("Bb/D", 2) == "C/E" and transpose_symbol("G/B", -1) == "F#/A#"
    for bad in ("C/", "C/H", "C/Em"):
        with pytest.raises(ChordSymbolError, match="one bass note"):
            parse_chord(bad)
    song = SONG.copy()
    song.chords = {BAR: "C/E", 2 * BAR: "G/B"}
    b = backing_for(song, seed=0)
    bass = b.tracks[2][0]
    downbeats = {round(n.start / BAR): n.pitch % 12 for n in bass.notes
                 if abs(n.start - round(n.start / BAR) * BAR) < 20}
    assert downbeats[1] == 4 and downbeats[2] == 11  # E under C, B under G
    assert ("C/E" in [s[2] for s in b.chord_spans()]) and chord_at(b.slots, BAR).root == 0
