"""The Qt-free editing model: ids, ranges, every planned edit and its undo, clipboard, grids."""

import pytest

from mguv_app.editing import (
    GRIDS,
    NoteDocument,
    grid_ticks,
    guess_key,
    in_scale,
    key_label,
    parse_key,
    pitch_name,
    shift_into_scale,
    snap_floor,
    snap_nearest,
)
from mguv_app.music import Melody, Note


def doc_with(*notes):
    return NoteDocument(Melody(list(notes), qpm=100, time_signature=(3, 4), program=5, name="t"))


def test_round_trip_keeps_notes_and_metadata():
    d = doc_with(Note(0, 480, 60, 90), Note(480, 960, 64, 70))
    m = d.to_melody()
    assert m.notes == [Note(0, 480, 60, 90), Note(480, 960, 64, 70)]
    assert (m.qpm, m.time_signature, m.program, m.name) == (100, (3, 4), 5, "t")
    assert d.ticks_per_bar == 1440


def test_range_query_finds_only_overlapping_notes():
    notes = [Note(i * 120, i * 120 + 120, 40 + i % 40) for i in range(5000)]
    d = doc_with(*notes, Note(0, 100_000, 100))  # one very long note overlaps everything
    ids = d.ids_in_range(12_000, 12_240, 0, 127)
    got = sorted((d.notes[i].start, d.notes[i].pitch) for i in ids)
    assert got == [(0, 100), (12_000, 40 + 100 % 40), (12_120, 40 + 101 % 40)]
    assert d.ids_in_range(12_000, 12_240, 101, 127) == []
    nid = d.note_at(12_050, 60)
    assert d.notes[nid] == Note(12_000, 12_120, 60)
    assert d.note_at(12_050, 61) is None


def test_change_apply_undo_redo_and_notifications():
    d = doc_with(Note(0, 480, 60))
    seen = []
    d.subscribe(seen.append)
    ch = d.plan_add([Note(480, 960, 62)])
    d.redo(ch)
    assert len(d.notes) == 2 and d.selection == set(ch.after)  # new notes get selected
    assert "notes" in seen and "selection" in seen
    d.undo(ch)
    assert d.to_melody().notes == [Note(0, 480, 60)] and d.selection == set()
    d.redo(ch)
    assert len(d.notes) == 2


def test_move_is_clamped_to_the_roll():
    d = doc_with(Note(240, 480, 120), Note(480, 960, 60))
    d.select_all()
    ch = d.plan_move(d.selection, dt=-1000, dp=+12)
    d.redo(ch)
    assert sorted(d.to_melody().notes) == [Note(0, 240, 127), Note(240, 720, 67)]
    d.undo(ch)
    assert d.to_melody().notes == [Note(240, 480, 120), Note(480, 960, 60)]


def test_resize_velocity_quantize_delete():
    d = doc_with(Note(10, 130, 60, 100))
    (nid,) = d.notes
    d.redo(d.plan_resize([nid], -500, min_len=60))
    assert d.notes[nid].duration == 60  # never shorter than the minimum
    d.redo(d.plan_velocity([nid], delta=+50))
    assert d.notes[nid].velocity == 127  # clamped
    d.redo(d.plan_velocity([nid], value=0))
    assert d.notes[nid].velocity == 1
    d.redo(d.plan_quantize([nid], 120))
    assert (d.notes[nid].start, d.notes[nid].end) == (0, 120)
    d.select([nid])
    ch = d.plan_delete([nid])
    d.redo(ch)
    assert d.notes == {} and d.selection == set()
    d.undo(ch)
    assert d.notes[nid] == Note(0, 120, 60, 1) and d.selection == {nid}


def test_copy_paste_and_duplicate():
    d = doc_with(Note(480, 960, 60), Note(960, 1200, 62), Note(5000, 5100, 70))
    a, b, _ = sorted(d.notes)
    d.select([a, b])
    assert d.copy() == 2
    d.redo(d.plan_paste(1920))
    assert sorted((n.start, n.pitch) for n in d.selected_notes()) == [(1920, 60), (2400, 62)]
    d.select([a, b])
    d.redo(d.plan_duplicate(grid=480))
    assert [(n.start, n.end) for n in d.selected_notes()] == [(1440, 1920), (1920, 2160)]
    assert len(d.notes) == 7


def test_merged_change_is_one_step():
    d = doc_with(Note(0, 480, 60))
    (nid,) = d.notes
    first = d.plan_move([nid], dp=1)
    d.redo(first)
    second = d.plan_move([nid], dp=1)
    d.redo(second)
    both = first.merged(second)
    d.undo(both)
    assert d.notes[nid].pitch == 60
    d.redo(both)
    assert d.notes[nid].pitch == 62


def test_grids_scales_and_names():
    assert grid_ticks("1/16") == 120 and GRIDS["1/8T"] == 160 and GRIDS["1/32T"] == 40
    assert all(isinstance(v, int) and 1920 % v == 0 for v in GRIDS.values())
    with pytest.raises(ValueError, match="unknown grid"):
        grid_ticks("1/5")
    assert snap_floor(239, 120) == 120 and snap_nearest(179, 120) == 120 and snap_nearest(181, 120) == 240
    assert in_scale(62, 0, "Major") and not in_scale(61, 0, "Major") and in_scale(61, 1, "Major")
    assert pitch_name(60) == "C4" and pitch_name(69) == "A4"


def test_guess_key_prefers_the_tonic_that_sounds():
    c_major = [Note(i * 480, i * 480 + 480, p) for i, p in enumerate([60, 62, 64, 65, 67, 69, 71, 72, 67, 60])]
    assert guess_key(c_major) == (0, "Major")
    line = [57, 60, 64, 62, 57, 59, 57]
    a_minor = [Note(i * 480, i * 480 + (960 if p == 57 else 240), p) for i, p in enumerate(line)]
    assert guess_key(a_minor) == (9, "Natural minor")
    assert guess_key([]) == (0, "Chromatic")


def _in_scale_time(notes, key, scale):
    total = sum(n.end - n.start for n in notes)
    return sum(n.end - n.start for n in notes if in_scale(n.pitch, key, scale)) / total


def test_shift_into_scale_moves_a_melody_the_least_way_into_the_key():
    d_major = [Note(i * 240, i * 240 + 240, p) for i, p in enumerate([62, 64, 66, 67, 69, 71, 73, 74, 66, 62])]
    assert shift_into_scale(d_major, 2, "Major") == 0  # already there: stays put
    assert shift_into_scale(d_major, 0, "Major") == -2  # down a tone, not up ten
    assert shift_into_scale(d_major, 11, "Natural minor") == 0  # B minor shares D major's notes
    assert shift_into_scale(d_major, 8, "Major") == 6  # a tritone away: the largest move, upwards
    assert shift_into_scale(d_major, 0, "Chromatic") == 0 and shift_into_scale([], 0, "Major") == 0
    moved = [n.moved(dp=shift_into_scale(d_major, 5, "Dorian")) for n in d_major]
    assert _in_scale_time(moved, 5, "Dorian") == 1.0 > _in_scale_time(d_major, 5, "Dorian")


def test_parse_key_reads_what_people_type():
    assert parse_key("A minor") == (9, "Natural minor") == parse_key("Am")
    assert parse_key("F#m") == (6, "Natural minor") == parse_key("Gbm")
    assert parse_key("eb major") == (3, "Major") == parse_key("D#")
    assert parse_key("f# Harmonic Minor") == (6, "Harmonic minor")
    assert parse_key("Bb blues") == (10, "Blues")
    assert key_label(9, "Natural minor") == "A natural minor"
    for bad, why in (("", "no key"), ("H minor", "root"), ("C flamenco", "scale")):
        with pytest.raises(ValueError, match=why):
            parse_key(bad)


def test_song_settings_are_planned_clamped_and_undone():
    doc = NoteDocument(Melody([Note(0, 480, 60), Note(1440, 1920, 62)], qpm=100.0, program=0))
    seen = []
    doc.subscribe(seen.append)
    change = doc.plan_properties(qpm=90, time_signature=(3, 4))
    assert (change.before, change.after) == ({"qpm": 100.0, "time_signature": (4, 4)},
                                             {"qpm": 90.0, "time_signature": (3, 4)})
    assert change.label == "Tempo 90 BPM, Meter 3/4"
    doc.apply_properties(change.after)
    assert seen == ["meta"] and doc.ticks_per_bar == 1440
    assert doc.to_melody().num_bars == 2 and [n.start for n in doc.to_melody().notes] == [0, 1440]  # regrouped
    assert doc.plan_properties(qpm=90.0).empty  # nothing to change
    assert doc.plan_properties(qpm=1000).after == {"qpm": 400.0}
    assert doc.plan_properties(program=300).after == {"program": 127}
    with pytest.raises(ValueError, match="time signature"):
        doc.plan_properties(time_signature=(4, 3))
    with pytest.raises(ValueError, match="not a song setting"):
        doc.plan_properties(name="x")
    later = doc.plan_properties(qpm=80)
    both = change.merged(later)
    assert both.before == {"qpm": 100.0, "time_signature": (4, 4)} and both.after["qpm"] == 80
    doc.apply_properties(change.before)
    assert (doc.qpm, doc.time_signature) == (100.0, (4, 4))


def test_chosen_chords_move_onto_the_slots_of_a_new_meter():
    doc = NoteDocument(Melody([Note(0, 480, 60)], chords={0: "C", 960: "G", 1920: "Am", 4800: "F"}))
    change = doc.plan_chords_for_meter((3, 4))  # whole bars of 1440 ticks
    doc.apply_chords(change.after)
    assert doc.chords == {0: "C", 1440: "Am", 4320: "F"}  # G shared C's bar: the earlier chord keeps it
    doc.apply_chords(change.before)
    assert doc.chords == {0: "C", 960: "G", 1920: "Am", 4800: "F"}
    assert doc.plan_chords_for_meter((4, 4)).empty  # already on 4/4's half bars


def test_snap_to_scale_moves_only_wrong_notes_and_ties_keep_the_line_close():
    from mguv_app.editing.scales import nearest_in_scale

    assert nearest_in_scale(61, 0, "Major") == 60  # C#: a tie, no note before it: down
    assert nearest_in_scale(61, 0, "Major", toward=64) == 62  # coming from E: up to D
    assert nearest_in_scale(63, 0, "Major pentatonic") == 62
    assert nearest_in_scale(66, 9, "Natural minor") == 65  # F# in A minor: F (tie, down)
    assert nearest_in_scale(64, 0, "Major") == 64
    doc = NoteDocument()
    doc.redo(doc.plan_add([Note(0, 240, 64), Note(240, 480, 61), Note(480, 720, 66), Note(720, 960, 70)]))
    every = set(doc.notes)
    change = doc.plan_snap_to_scale(every, 0, "Major")
    doc.redo(change)
    assert [n.pitch for n in sorted(doc.notes.values())] == [64, 62, 65, 69]  # 61 after E: D; 70 after F: A
    assert len(change.after) == 3  # the E stayed: one undo step of the three moved
    doc.undo(change)
    assert [n.pitch for n in sorted(doc.notes.values())] == [64, 61, 66, 70]
    only = {i for i, n in doc.notes.items() if n.pitch == 61}  # the selection alone
    doc.redo(doc.plan_snap_to_scale(only, 0, "Major"))
    assert sorted(n.pitch for n in doc.notes.values()) == [62, 64, 66, 70]


def test_humanize_loosens_timing_and_velocity_within_bounds_and_repeats_by_seed():
    from mguv_app.editing.note_document import HUMANIZE_TICKS, HUMANIZE_VELOCITY

    grid = [Note(i * 120, i * 120 + 100, 60 + i % 5, 90) for i in range(64)]
    doc = NoteDocument()
    doc.redo(doc.plan_add(grid))
    ids = set(doc.notes)
    assert doc.plan_humanize(ids, amount=0).empty  # nothing to loosen
    change = doc.plan_humanize(ids, amount=1, seed=3)
    assert change.after == doc.plan_humanize(ids, amount=1, seed=3).after  # the same seed, the same draw
    assert change.after != doc.plan_humanize(ids, amount=1, seed=4).after
    pairs = [(change.before[i], change.after[i]) for i in change.after]
    moves = [b.start - a.start for a, b in pairs]
    assert max(map(abs, moves)) <= HUMANIZE_TICKS and len(set(moves)) > 10  # spread, and not all one way
    assert all(b.end - b.start == a.end - a.start and b.pitch == a.pitch and b.start >= 0 for a, b in pairs)
    assert all(abs(b.velocity - a.velocity) <= HUMANIZE_VELOCITY for a, b in pairs)
    assert len({b.velocity for _, b in pairs}) > 10
