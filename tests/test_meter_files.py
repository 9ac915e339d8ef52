"""Real files keep their bars: built files with a pickup, with 4/4 -> 3/4 -> 6/8, and a 3/4 tune with 2/4 bars are
read into a meter map, saved with their time signatures at the same ticks (single-track saves, song saves,
``mguv set``), reported by ``mguv inspect``, clicked by the metronome and accompanied by the Band bar by bar."""

import json

import pytest

from mguv_app.audio.schedule import CLICK_ACCENT, NOTE_ON, metronome_events
from mguv_app.cli import main
from mguv_app.editing import NoteDocument
from mguv_app.music import Note, read_midi, write_midi
from mguv_app.music.song_file import locate_song, write_song
from tests.meter_files import (
    FOLK_TWO_FOUR_BARS,
    PICKUPS,
    Q,
    built,
    changing_meters,
    chunks,
    folk_tune,
    pickup_tune,
    ts_events,
)

FOLK_CHANGES = [1, 8, 9, 16, 17, 24, 25, 32, 33]  # the bars the folk tune's nine time signatures start


KINDS = ["folk", "changes", *PICKUPS]


def test_the_folk_tune_is_read_with_its_two_four_bars(tmp_path):
    src = folk_tune(tmp_path / "folk.mid")
    melody = read_midi(src).melody
    meter_map = melody.meter_map
    assert melody.time_signature == (3, 4) and len(melody.meters) == 9 and melody.num_bars == 33
    assert [meter_map.number(k) for k, m in meter_map.meter_starts().items() if m == (2, 4)] == FOLK_TWO_FOUR_BARS
    first_of_bar_9 = meter_map.bar_start(8)
    assert first_of_bar_9 == 7 * 3 * Q + 2 * Q and any(n.start == first_of_bar_9 for n in melody.notes)
    assert all(meter_map.bar_at(n.start).start <= n.start for n in melody.notes)
    # every bar's first note sits on its barline: none a beat off, as a plain 3/4 grid would put them
    assert {meter_map.bar_start(k) for k in range(33)} <= {n.start for n in melody.notes}


def test_inspect_reports_every_meter_with_its_bar(tmp_path, capsys):
    src = folk_tune(tmp_path / "folk.mid")
    assert main(["inspect", "--json", str(src)]) == 0
    info = json.loads(capsys.readouterr().out)["melody"]
    assert info["time_signature"] == "3/4" and info["pickup_ticks"] == 0
    assert [c["bar"] for c in info["meter_changes"]] == FOLK_CHANGES
    assert [c["tick"] for c in info["meter_changes"]] == [t for t, _, _ in ts_events(src)]
    assert main(["inspect", str(pickup_tune(tmp_path / "p.mid"))]) == 0
    assert "1/4 at bar 0, 3/4 at bar 1; a pickup of 1 quarter (bar 0)" in capsys.readouterr().out


@pytest.mark.parametrize("kind", KINDS)
def test_a_single_track_save_writes_the_time_signatures_back_at_their_ticks(tmp_path, kind):
    src = built(tmp_path, kind)
    melody = read_midi(src).melody
    out = tmp_path / "out.mid"
    write_midi(melody.transposed(2), out)
    assert ts_events(out) == ts_events(src)
    back = read_midi(out).melody
    assert back.meters == melody.meters and back.notes == melody.transposed(2).notes


@pytest.mark.parametrize("kind", KINDS)
def test_mguv_set_keeps_the_bars(tmp_path, kind, capsys):
    src = built(tmp_path, kind)
    before = ts_events(src)
    notes = read_midi(src).melody.notes
    assert main(["set", str(src), "--bpm", "100", "--snap-to-scale", "C major"]) == 0
    assert "Tempo 100 BPM" in capsys.readouterr().out
    assert ts_events(src) == before  # every time signature, at the same tick (9 in the folk tune)
    back = read_midi(src).melody
    assert back.qpm == 100.0 and back.notes == notes


def test_mguv_set_adds_and_removes_a_meter_change_at_a_bar(tmp_path, capsys):
    src = changing_meters(tmp_path / "changes.mid")
    out = tmp_path / "out.mid"
    assert main(["set", str(src), "--meter", "2/4", "--at-bar", "3", "--out", str(out)]) == 0
    assert "Meter 2/4 from bar 3" in capsys.readouterr().out
    # bars 3-4 in 2/4 (each half as long), bar 5 still starts the 3/4 and bar 9 the 6/8
    assert ts_events(out) == [(0, 4, 4), (3840, 2, 4), (3840 + 2 * 960, 3, 4), (5760 + 4 * 1440, 6, 8)]
    assert main(["set", str(out), "--remove-meter", "5"]) == 0
    assert ts_events(out) == [(0, 4, 4), (3840, 2, 4), (3840 + 6 * 960, 6, 8)]  # 2/4 goes on to bar 9
    assert main(["set", str(out), "--remove-meter", "4"]) == 2
    assert "no meter change at bar 4" in capsys.readouterr().err
    assert main(["set", str(out), "--meter", "5/4", "--at-bar", "400"]) == 2
    assert "the melody's bars are 1 to" in capsys.readouterr().err
    assert main(["set", str(out), "--at-bar", "2"]) == 2
    assert "give --meter N/D too" in capsys.readouterr().err
    assert ts_events(out) == [(0, 4, 4), (3840, 2, 4), (9600, 6, 8)]  # refused: the file as it was


def test_mguv_set_inserts_and_deletes_bars_with_what_follows(tmp_path, capsys):
    src = folk_tune(tmp_path / "folk.mid")
    notes = read_midi(src).melody.notes
    assert main(["set", str(src), "--delete-bars", "8"]) == 0
    events = ts_events(src)
    assert len(events) == 7 and events[1] == (14 * 3 * Q, 2, 4)  # the 2/4 of bar 16 is bar 15's now
    assert main(["set", str(src), "--insert-bars", "8"]) == 0  # a 3/4 bar in its place (empty)
    back = read_midi(src).melody
    assert [t for t, _, _ in ts_events(src)][1:3] == [15 * 3 * Q, 15 * 3 * Q + 2 * Q]  # bar 16 is 2/4 again
    assert len(back.notes) == len(notes) - 2 and back.notes[:21] == notes[:21]


def test_a_song_save_keeps_the_conductor_track_byte_for_byte_until_the_bars_change(tmp_path):
    src = folk_tune(tmp_path / "song.mid", tpq=96, piano=True)
    imported = read_midi(src)
    song = locate_song(src, imported)
    assert song is not None and imported.melody.meters
    doc = NoteDocument(imported.melody)
    first = min(doc.notes)
    doc.apply({first: Note(0, 400, 72)})
    write_song(song, doc.to_melody(), tmp_path / "edited.mid")
    assert chunks(tmp_path / "edited.mid")[0] == chunks(src)[0]  # tempo and the nine time signatures
    assert ts_events(tmp_path / "edited.mid") == ts_events(src)

    doc.apply_properties(doc.plan_meter(15, (3, 4)).after)  # bar 16 a 3/4 bar: the 3/4 after it says nothing
    write_song(song, doc.to_melody(), tmp_path / "meters.mid")
    bar16 = 14 * 3 * Q + 2 * Q  # 14 bars of 3/4 and the 2/4 bar 8 before it
    old = ts_events(src)
    assert (bar16, 2, 4) in old and (bar16 + 2 * Q, 3, 4) in old
    expected = [e for e in old if e[0] < bar16] + [(t + Q, n, d) for t, n, d in old if t > bar16 + 2 * Q]
    assert ts_events(tmp_path / "meters.mid") == expected  # the bars after it a beat later, their meters kept
    again = read_midi(tmp_path / "meters.mid")
    assert again.melody.meter_map == doc.meter_map and (again.accompaniment == imported.accompaniment).all()


def test_the_metronome_clicks_each_bar_in_its_meter(tmp_path):
    melody = read_midi(folk_tune(tmp_path / "folk.mid")).melody
    clicks = [(t, ev.pitch) for t, ev in metronome_events(melody) if ev.kind == NOTE_ON]
    bar8 = melody.meter_map.bar(7)
    assert [c for c in clicks if bar8.start <= c[0] < bar8.end] == [(bar8.start, CLICK_ACCENT), (bar8.start + Q, 77)]
    accents = [t for t, p in clicks if p == CLICK_ACCENT]
    assert accents == [melody.meter_map.bar_start(k) for k in range(33)]
    pickup = read_midi(pickup_tune(tmp_path / "p.mid")).melody
    count_in = [(t, ev.pitch) for t, ev in metronome_events(pickup, Q, -3 * Q) if ev.kind == NOTE_ON]
    assert count_in == [(-3 * Q, 77), (-2 * Q, CLICK_ACCENT), (-Q, 77), (0, 77)]  # "3 | 1 2" then the pickup's 3


def test_the_band_plays_a_march_bar_in_the_two_four_bar_and_rests_in_a_pickup(tmp_path):
    from mguv_app.lofi.backing import backing_for
    from mguv_app.lofi.band import SIDE_STICK, SNARE
    from mguv_app.lofi.chord_chart import chord_chart

    melody = read_midi(folk_tune(tmp_path / "folk.mid")).melody
    backing = backing_for(melody, seed=3)
    meter_map = melody.meter_map
    bar_starts = {meter_map.bar_start(k) for k in range(34)}
    assert {s.start for s in backing.slots} <= bar_starts  # one chord a bar, on the real barlines
    drums = backing.tracks[3][0].notes
    bar8, bar2 = meter_map.bar(7), meter_map.bar(1)
    in_bar8 = {n.pitch for n in drums if bar8.start - 30 <= n.start < bar8.end - 30}
    assert SNARE in in_bar8 and SIDE_STICK not in in_bar8  # a 2/4 march bar, not a waltz bar
    assert SIDE_STICK in {n.pitch for n in drums if bar2.start <= n.start < bar2.end - 30}
    chart = {line[:5]: line for line in chord_chart(backing).splitlines()}
    assert chart["  5 |"].split("|")[4].startswith(" (2/4) ")  # bar 8's cell names its meter
    assert "(3/4)" in chart["  9 |"].split("|")[1] and "(" not in chart["  1 |"]

    pickup = read_midi(pickup_tune(tmp_path / "p.mid")).melody
    band = backing_for(pickup, seed=3)
    assert min(n.start for part, _ in band.tracks[1:] for n in part.notes) >= Q - 30  # nothing under the pickup
    assert band.slots[0].start == Q


def test_continue_rewrite_and_vary_write_their_files_in_the_melody_s_bars(tmp_path, tiny_trained_model, capsys):
    src = folk_tune(tmp_path / "folk.mid")
    model = ["--model", str(tiny_trained_model), "--seed", "3"]
    assert main(["continue", str(src), "--bars", "2", *model, "--out", str(tmp_path / "more.mid")]) == 0
    assert ts_events(tmp_path / "more.mid") == ts_events(src)
    assert main(["rewrite", str(src), "--bars", "9-10", *model, "--out", str(tmp_path / "new.mid")]) == 0
    assert ts_events(tmp_path / "new.mid") == ts_events(src)
    meter_map = read_midi(src).melody.meter_map
    start, end = meter_map.bar_start(8), meter_map.bar_start(10)  # bars 9-10 after the 2/4 bar 8
    kept = [n for n in read_midi(src).melody.notes if not start <= n.start < end]
    assert [n for n in read_midi(tmp_path / "new.mid").melody.notes if not start <= n.start < end] == kept
    assert main(["vary", str(src), "--count", "1", *model, "--out", str(tmp_path / "vary")]) == 0
    assert ts_events(tmp_path / "vary" / "folk_vary_1.mid") == ts_events(src)


def test_a_time_signature_a_hair_after_tick_0_is_the_melody_s_meter_not_a_pickup(tmp_path):
    from tests.meter_files import build

    melody = read_midi(build(tmp_path / "late.mid", [(5, 3, 4)], [(60, 0, 400), (62, 480, 880)])).melody
    assert melody.time_signature == (3, 4) and melody.meters == () and melody.meter_map.pickup == 0
