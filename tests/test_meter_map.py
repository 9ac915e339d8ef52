"""The meter map (``music.meter``): bars, beats and pickups from time-signature events, and the edits that keep
them (a meter at a bar, a change taken away, bars in and out); ``generation.meter_plan``'s spans."""

import pytest

from mguv_app.editing import NoteDocument
from mguv_app.generation.meter_plan import meter_plan
from mguv_app.music import Melody, Note
from mguv_app.music.meter import MeterMap

Q = 480
FOLK = ((0, (3, 4)), (7 * 3 * Q, (2, 4)), (7 * 3 * Q + 2 * Q, (3, 4)))  # bars 1-7 in 3/4, bar 8 in 2/4, then 3/4
CHANGES = ((0, (4, 4)), (16 * Q, (3, 4)), (28 * Q, (6, 8)))  # 4 bars of 4/4, 4 of 3/4, then 6/8


def starts(meter_map, count):
    return [meter_map.bar_start(k) for k in range(count)]


def test_bars_follow_every_change():
    m = MeterMap(CHANGES)
    assert starts(m, 11) == [0, 1920, 3840, 5760, 7680, 9120, 10560, 12000, 13440, 14880, 16320]
    assert [m.bar(k).time_signature for k in (3, 4, 8)] == [(4, 4), (3, 4), (6, 8)]
    assert m.bar_index(9119) == 4 and m.bar_index(9120) == 5 and m.main == (4, 4) and m.pickup == 0
    assert [m.position(t) for t in (0, 7680 + 960, 13440 + 240)] == [(1, 1), (5, 3), (9, 2)]
    assert m.changes() == [{"bar": 1, "tick": 0, "time_signature": "4/4"},
                           {"bar": 5, "tick": 7680, "time_signature": "3/4"},
                           {"bar": 9, "tick": 13440, "time_signature": "6/8"}]


def test_a_two_four_bar_clicks_twice_and_the_bars_after_it_are_a_beat_earlier():
    m = MeterMap(FOLK)
    bar8, bar9 = m.bar(7), m.bar(8)
    assert (bar8.start, bar8.end, bar8.time_signature) == (10080, 11040, (2, 4))
    assert bar9.start == 11040  # a 3/4 grid from the first meter alone would put it at 11520
    assert m.beats(10080, 11040) == [(10080, True), (10560, False)]
    assert m.meter_starts() == {0: (3, 4), 7: (2, 4), 8: (3, 4)}


@pytest.mark.parametrize("events", [((0, (1, 4)), (Q, (3, 4))), ((Q, (3, 4)),), ((0, (3, 4)), (Q, (3, 4)))],
                         ids=["short meter", "late meter", "restated meter"])
def test_a_pickup_is_bar_0_and_ends_on_bar_1(events):
    m = MeterMap(events)
    assert m.pickup == Q and m.main == (3, 4) and m.first_number == 0
    assert starts(m, 3) == [0, Q, Q + 3 * Q]
    assert m.position(0) == (0, 3)  # the pickup is the last beat of its bar
    assert m.position(Q) == (1, 1)
    assert m.beats(-3 * Q, 2 * Q) == [(-3 * Q, False), (-2 * Q, True), (-Q, False), (0, False), (Q, True)]
    assert m.number(1) == 1 and m.index(1) == 1


def test_a_new_meter_at_a_bar_lasts_until_the_next_change_which_keeps_its_bar():
    m = MeterMap(FOLK)
    four = m.with_meter(2, (4, 4))  # bar 3 in 4/4 up to bar 8, which stays bar 8 and 2/4
    assert four.events == ((0, (3, 4)), (2 * 3 * Q, (4, 4)), (2 * 3 * Q + 5 * 4 * Q, (2, 4)),
                           (2 * 3 * Q + 5 * 4 * Q + 2 * Q, (3, 4)))
    assert four.bar(7).time_signature == (2, 4) and four.bar(8).time_signature == (3, 4)
    assert m.with_meter(7, (2, 4)) is m  # nothing new
    assert m.without_change(7).events == ((0, (3, 4)),)  # the 2/4 bar gone; the 3/4 after it says nothing new
    assert m.with_main((4, 4)).bar(7).time_signature == (2, 4)
    with pytest.raises(ValueError, match="no meter change at bar 5"):
        m.without_change(4)
    with pytest.raises(ValueError, match="first meter"):
        m.without_change(0)


@pytest.mark.parametrize("events", [((0, (1, 4)), (Q, (3, 4))), ((Q, (3, 4)),), ((0, (3, 4)), (Q, (3, 4)))])
def test_the_melody_s_meter_changes_after_its_pickup(events):
    m = MeterMap(events).with_main((4, 4))
    assert m.pickup == Q and m.main == (4, 4) and m.bar_start(2) == Q + 4 * Q


def test_bars_in_and_out_move_the_changes_after_them():
    m = MeterMap(FOLK)
    more, at, length = m.with_bars_inserted(2, 2)
    assert (at, length) == (2 * 3 * Q, 2 * 3 * Q) and more.bar(9).time_signature == (2, 4)
    fewer, at, length = m.with_bars_deleted(7, 1)  # the 2/4 bar
    assert fewer.events == ((0, (3, 4)),) and (at, length) == (10080, 2 * Q)
    fewer, _, _ = m.with_bars_deleted(6, 2)  # bars 7-8: the 3/4 after them starts at bar 7
    assert fewer.events == ((0, (3, 4)),)
    fewer, _, _ = MeterMap(CHANGES).with_bars_deleted(3, 2)  # bar 4 (4/4) and 5 (3/4): 3/4 goes on from bar 4
    assert fewer.events == ((0, (4, 4)), (5760, (3, 4)), (5760 + 3 * 3 * Q, (6, 8)))
    dropped, _, _ = MeterMap(((Q, (3, 4)),)).with_bars_deleted(0, 1)  # the pickup
    assert dropped.pickup == 0 and dropped.events == ((0, (3, 4)),)


def test_a_melody_keeps_its_map_through_copies_windows_and_transposing():
    notes = [Note(t, t + 400, 60) for t in range(0, 12000, Q)]
    m = Melody(notes, 100.0, (4, 4), meters=FOLK)
    assert m.time_signature == (3, 4) and m.meters == FOLK  # the events set the melody's meter
    assert m.transposed(2).meters == FOLK and m.copy().meters == FOLK and m.quantized().meters == FOLK
    assert m.num_bars == 9 and m.bars_end_tick == 12480
    part = m.bars(7, 2)  # bars 8-9: a 2/4 bar, then 3/4
    assert part.meters == ((0, (2, 4)), (2 * Q, (3, 4))) and part.notes[0].start == 0
    assert Melody(notes, meters=((0, (3, 4)),)).meters == ()  # one meter from tick 0: no map needed
    m.time_signature = (4, 4)  # as the transport's box sets it: the first full bar's meter
    assert m.meter_map.bar(7).time_signature == (2, 4) and m.copy().time_signature == (4, 4)
    assert [s.time_signature for s in Melody(notes, meters=FOLK).meter_spans()] == [(3, 4), (2, 4), (3, 4)]


def test_the_document_edits_bars_with_their_notes_chords_and_meters():
    notes = [Note(t, t + 400, 60) for t in range(0, 12000, Q)]
    doc = NoteDocument(Melody(notes, meters=FOLK, chords={0: "C", 10080: "G7", 11040: "C"}))
    change = doc.plan_insert_bars(7, 1)  # a 2/4 bar before bar 8
    assert change.label == "Insert 1 bar before bar 8"
    doc.apply_bars(change)
    assert doc.meter_map.changes()[1:] == [{"bar": 8, "tick": 10080, "time_signature": "2/4"},
                                           {"bar": 10, "tick": 12000, "time_signature": "3/4"}]
    assert doc.chords == {0: "C", 11040: "G7", 12000: "C"} and min(n.start for n in doc.notes.values()
                                                                     if n.start >= 10080) == 11040
    doc.apply_bars(change, undo=True)
    assert doc.to_melody().meters == FOLK and doc.chords == {0: "C", 10080: "G7", 11040: "C"}
    gone = doc.plan_delete_bars(7)
    doc.apply_bars(gone)
    assert doc.meters == () and doc.chords == {0: "C", 10080: "C"} and len(doc.notes) == len(notes) - 2
    doc.apply_bars(gone, undo=True)
    assert sorted(doc.notes.values()) == notes
    meter = doc.plan_meter(3, (6, 8))
    assert meter.label == "Meter 6/8 from bar 4" and meter.after["meters"][1] == (3 * 3 * Q, (6, 8))
    assert doc.plan_properties(time_signature=(4, 4)).after["meters"][1] == (7 * 4 * Q, (2, 4))


def test_the_model_s_spans_and_what_it_keeps_as_it_is():
    folk = [(0, (3, 4))]
    t = 0
    for _ in range(2):  # two 8-bar phrases, each closed by a 2/4 bar
        t += 7 * 3 * Q
        folk += [(t, (2, 4)), (t + 2 * Q, (3, 4))]
        t += 2 * Q
    melody = Melody([Note(0, t, 60)], meters=tuple(folk))
    plan = meter_plan(melody, 12, (3, 4))
    assert [(s.number, s.bar_count) for s in plan.written] == [(1, 7), (9, 7)]
    assert plan.sentence() == "bars 8 and 16 are 2/4: kept as they are"
    assert meter_plan(melody, 16, (4, 4)).sentence() == "bars 1–7 and 9–15 are 3/4; bars 8 and 16 are 2/4: " \
                                                        "kept as they are"
    pickup = Melody([Note(0, 20 * Q, 60)], meters=((0, (1, 4)), (Q, (3, 4))))
    assert meter_plan(pickup, 12, (3, 4)).sentence() == "bar 0 is a pickup: kept as it is"
    two_twos = Melody([Note(0, 20 * Q, 60)], meters=((0, (4, 4)), (4 * Q, (2, 4)), (8 * Q, (4, 4))))
    assert meter_plan(two_twos, 16, (4, 4)).sentence() is None  # two 2/4 bars fill one 4/4 model bar
    assert meter_plan(Melody([Note(0, 4000, 60)]), 16, (4, 4)).kept == ()


def test_before_a_late_first_time_signature_a_short_bar_is_a_pickup_and_more_is_midi_s_four_four():
    late = MeterMap(((2 * 4 * Q, (3, 4)),))  # two bars' worth before the 3/4: MIDI's 4/4 holds there
    assert late.pickup == 0 and starts(late, 4) == [0, 4 * Q, 8 * Q, 11 * Q]
    assert late.bar(0).time_signature == (4, 4) and late.main == (4, 4)
    assert late.with_meter(1, (2, 4)).events == ((0, (4, 4)), (4 * Q, (2, 4)), (6 * Q, (3, 4)))
