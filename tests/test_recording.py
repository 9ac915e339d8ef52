"""Recording, Qt-free: takes from stamped key presses, MIDI messages, count-in and open-ended playing."""

import time

import mido
import numpy as np
import pytest

from mguv_app.audio import Player
from mguv_app.audio.midi_input import KeyEvent, MidiInput, MidiInputError, input_ports, key_event
from mguv_app.editing import NoteDocument
from mguv_app.editing.recording import MusicalTyping, Take, merge_take
from mguv_app.music.melody import Melody, Note
from tests.audio_analysis import onsets

SR = 44100
Q = 480  # ticks per quarter


# --- takes ---------------------------------------------------------------------------------------
def test_a_take_quantizes_starts_and_lengths_to_the_grid():
    take = Take(start=0, grid=120)
    take.note_on(7, 60, 90)  # a little late
    take.note_off(470, 60)  # a little short of a quarter
    take.note_on(455, 62)  # early for beat 2
    take.note_off(530, 62)  # a tap: one grid step
    assert take.finish(600) == [Note(0, 480, 60, 90), Note(480, 600, 62, 100)]


def test_an_unquantized_take_keeps_the_ticks_played():
    take = Take(start=960)
    take.note_on(1001, 64, 70)
    take.note_off(1333, 64)
    take.note_on(1400, 65)
    take.note_off(1401, 65)  # tapped and let go at once: still a (short) note
    assert take.finish(2000) == [Note(1001, 1333, 64, 70), Note(1400, 1430, 65, 100)]


def test_presses_in_the_count_in_are_dropped_unless_just_early():
    take = Take(start=1920, grid=120)
    take.note_on(1000, 60)  # a bar early: noodling in the count-in
    take.note_off(1200, 60)
    take.note_on(1890, 62)  # 30 ticks early for the downbeat: meant for it
    take.note_off(2400, 62)
    assert take.finish(2400) == [Note(1920, 2400, 62, 100)]


def test_keys_still_down_end_with_the_take_and_a_retrigger_splits():
    take = Take(start=0, grid=120)
    take.note_on(0, 60)
    take.note_on(480, 60)  # pressed again without a release (as some keyboards send)
    take.note_on(240, 67)
    notes = take.finish(960)
    assert notes == [Note(0, 480, 60, 100), Note(240, 960, 67, 100), Note(480, 960, 60, 100)]
    assert take.held == set()


def test_a_take_ended_by_stop_does_not_end_before_its_last_key():
    take = Take(start=0, grid=120)
    take.note_on(480, 60)
    assert take.finish(0) == [Note(480, 600, 60, 100)]  # Stop rewinds the cursor to 0 first


def test_the_sustain_pedal_holds_released_keys_until_it_lifts():
    take = Take(start=0, grid=120)
    take.pedal(0, True)
    take.note_on(0, 60)
    take.note_off(120, 60)
    take.note_on(480, 64)
    take.note_off(600, 64)
    take.pedal(960, False)
    assert take.finish(1200) == [Note(0, 960, 60, 100), Note(480, 960, 64, 100)]


def test_a_note_held_across_the_loop_wrap_ends_at_the_loop_end():
    take = Take(start=0, grid=120, loop=(0, 1920))
    take.note_on(1440, 60)
    take.note_off(100, 60)  # released after the player wrapped back to the loop start
    assert take.finish(200) == [Note(1440, 1920, 60, 100)]


def test_preview_draws_held_keys_up_to_now():
    take = Take(start=0, grid=120)
    take.note_on(0, 60)
    take.note_off(240, 60)
    take.note_on(480, 62)
    assert take.preview(700) == [Note(0, 240, 60, 100), Note(480, 720, 62, 100)]
    assert take.held == {62}


def test_overdub_adds_and_replace_removes_what_was_played_over():
    existing = [Note(0, 480, 60), Note(960, 1440, 64), Note(1920, 2400, 67)]
    take = [Note(0, 480, 60), Note(960, 1200, 62)]
    remove, add = merge_take(existing, take)
    assert remove == [] and add == [Note(960, 1200, 62)]  # an exact copy is not doubled
    remove, add = merge_take(existing, take, replace_span=(0, 1920))
    assert remove == [Note(0, 480, 60), Note(960, 1440, 64)] and add == take


def test_plan_replace_is_one_edit_that_undoes_whole():
    doc = NoteDocument()
    doc.redo(doc.plan_add([Note(0, 480, 60), Note(480, 960, 62)]))
    old = dict(doc.notes)
    change = doc.plan_replace([i for i, n in doc.notes.items() if n.pitch == 60], [Note(0, 240, 72)], "Record")
    doc.redo(change)
    assert sorted(doc.notes.values()) == [Note(0, 240, 72), Note(480, 960, 62)]
    assert [doc.notes[i] for i in doc.selection] == [Note(0, 240, 72)]
    doc.undo(change)
    assert doc.notes == old


def test_musical_typing_maps_two_rows_and_moves_octave_and_velocity():
    keys = MusicalTyping()
    assert [keys.pitch(k) for k in "awsedftgyhujk"] == list(range(60, 73))
    assert keys.pitch("q") is None and keys.pitch("A") == 60
    assert keys.command("z") == "Keyboard octave: A plays C3" and keys.pitch("a") == 48
    keys.command("x"), keys.command("x")
    assert keys.pitch("k") == 84
    keys.command("c")
    assert keys.velocity == 80 and keys.command("a") is None
    for _ in range(20):
        keys.command("v")
    assert keys.velocity == 127


# --- MIDI messages -------------------------------------------------------------------------------
def test_key_events_from_midi_messages():
    assert key_event(mido.Message("note_on", note=60, velocity=99)) == KeyEvent("on", 60, 99)
    assert key_event(mido.Message("note_on", note=60, velocity=0)) == KeyEvent("off", 60, 0)  # running status
    assert key_event(mido.Message("note_off", note=61, velocity=40)) == KeyEvent("off", 61, 0)
    assert key_event(mido.Message("control_change", control=64, value=127)) == KeyEvent("pedal", 0, 127)
    assert key_event(mido.Message("control_change", control=64, value=10)) == KeyEvent("pedal", 0, 0)
    assert key_event(mido.Message("control_change", control=7, value=100)) is None
    assert key_event(mido.Message("clock")) is None


def test_a_midi_file_played_into_a_take_comes_back_as_its_notes():
    """Messages as a keyboard sends them (a real file's, at 120 BPM) stamped with their ticks."""
    mid = mido.MidiFile(ticks_per_beat=Q)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    played = [(0, 240, 60, 80), (480, 960, 64, 90), (960, 1440, 67, 100)]
    events = sorted([(a, "note_on", p, v) for a, _, p, v in played] + [(b, "note_off", p, 0) for _, b, p, _ in played],
                    key=lambda e: (e[0], e[1] == "note_on"))
    now = 0
    for tick, kind, pitch, vel in events:
        track.append(mido.Message(kind, note=pitch, velocity=vel, time=tick - now))
        now = tick
    take = Take(start=0, grid=120)
    tick = 0
    for msg in mid.tracks[0]:
        tick += msg.time
        ev = key_event(msg)
        getattr(take, f"note_{ev.kind}")(tick, ev.pitch, *([ev.velocity] if ev.kind == "on" else []))
    assert take.finish(tick) == [Note(a, b, p, v) for a, b, p, v in played]


def test_no_midi_system_says_why():
    """This machine (like CI) has no ALSA sequencer: listing and opening both explain, neither crashes."""
    try:
        names = input_ports()
    except MidiInputError as err:
        assert "MIDI" in str(err) and "\n" not in str(err)
        with pytest.raises(MidiInputError, match="MIDI"):
            MidiInput("Some Keyboard", lambda _ev: None)
    else:  # a machine with a sequencer: a port that does not exist cannot open
        assert isinstance(names, list)
        with pytest.raises(MidiInputError, match="cannot open"):
            MidiInput("No Such Keyboard 1234", lambda _ev: None)


# --- the player: count-in, open end, live notes ------------------------------------------------------
def test_count_in_clicks_a_bar_before_the_cursor(pumped):
    player, out = pumped
    player.set_melody(Melody([Note(0, 240, 72)], qpm=120))
    player.play(count_in_bars=1)
    assert player.position_ticks() == -4 * Q
    out.pump(int(2.4 * SR))
    heard = onsets(out.captured(), SR)
    # four clicks half a second apart, then the melody's note on the downbeat
    assert np.allclose(heard[:5], [0, 0.5, 1.0, 1.5, 2.0], atol=0.01)


def test_count_in_before_a_later_bar_plays_the_bar_before(pumped):
    player, out = pumped
    player.set_melody(Melody([Note(i * Q, i * Q + 120, 60 + i) for i in range(12)], qpm=120))
    player.seek(8 * Q)
    player.play(count_in_bars=1)
    assert player.position_ticks() == 4 * Q
    out.pump(SR)
    assert 5 * Q <= player.position_ticks() <= 6 * Q + 10


def test_open_ended_play_runs_past_the_end_until_paused(pumped):
    player, out = pumped
    player.set_melody(Melody([Note(0, 240, 60)], qpm=120))
    player.set_metronome(True)
    player.play(open_ended=True)
    out.pump(5 * SR)  # ten beats: far past the one-beat melody (and its one-bar click)
    assert player.is_playing and player.position_ticks() == pytest.approx(10 * Q, abs=2)
    late = out.captured()[int(4.4 * SR):]
    assert len(onsets(late, SR)) >= 1  # still clicking
    player.pause()
    assert not player.open_ended
    player.play()  # from the start again (the cursor was past the end), the one bar of clicks
    out.pump(int(2.2 * SR))
    assert not player.is_playing  # an ordinary play stops at the end again


def test_pausing_in_the_count_in_returns_the_cursor_to_zero(pumped):
    player, out = pumped
    player.set_melody(Melody([Note(0, 240, 60)]))
    player.play(count_in_bars=1)
    out.pump(SR // 2)
    player.pause()
    assert player.position_ticks() == 0


def test_a_live_note_sounds_until_released(pumped):
    player, out = pumped
    player.live_note_on(69, 100)
    out.pump(SR)
    held = out.captured()
    player.live_note_off(69)
    out.pump(SR)
    after = out.captured()[SR:]
    assert np.abs(held[int(0.8 * SR):]).max() > 0.01  # still sounding after 0.8 s (an audition stops at 0.3)
    assert np.abs(after[int(0.7 * SR):]).max() < np.abs(held[int(0.8 * SR):]).max() / 10


# --- mguv record ---------------------------------------------------------------------------------
class ReplayedKeyboard:
    """A keyboard on its own thread, as a port calls back: plays a MIDI file's messages in real time."""

    def __init__(self, messages, lead_s):
        self.messages, self.lead_s = messages, lead_s

    def __call__(self, port, on_event):
        self.port, self.on_event = port, on_event
        return self

    def __enter__(self):
        import threading

        def play():
            time.sleep(self.lead_s)
            for msg in self.messages:
                time.sleep(msg.time)
                ev = key_event(msg)
                if ev is not None:
                    self.on_event(ev)

        self.thread = threading.Thread(target=play, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.thread.join(5)


def test_record_take_stamps_a_keyboard_on_its_own_thread_with_the_player_position():
    from mguv_app.cli.cmd_record import record_take

    qpm = 240.0  # a beat is 0.25 s, a bar 1 s
    spb = 60.0 / qpm
    played = [(0, 1, 60), (1, 2, 62), (2, 4, 64), (4, 6, 65), (6, 8, 67)]  # (start, end) in beats
    msgs, now = [], 0.0
    events = sorted([(a, 1, p) for a, _, p in played] + [(b, 0, p) for _, b, p in played])
    for beat, on, pitch in events:
        kind = "note_on" if on else "note_off"
        msgs.append(mido.Message(kind, note=pitch, velocity=90 if on else 0, time=beat * spb - now))
        now = beat * spb
    player = Player(output="null")
    try:
        player.set_melody(Melody(qpm=qpm))
        player.set_metronome(True)
        notes = record_take(player, Melody(qpm=qpm), ReplayedKeyboard(msgs, lead_s=4 * spb), "virtual", bars=2,
                            count_in=1, grid=Q)
    finally:
        player.close()
    assert [n.pitch for n in notes] == [60, 62, 64, 65, 67]
    assert [n.start // Q for n in notes] == [a for a, _, _ in played]  # on the beats played, after the count-in
    assert [(n.end - n.start) // Q for n in notes] == [b - a for a, b, _ in played]


def test_mguv_record_without_a_midi_system_says_so(tmp_path, capsys):
    from mguv_app.cli import main

    try:
        input_ports()
    except MidiInputError:
        assert main(["record", "--list"]) == 2
        assert "no MIDI system" in capsys.readouterr().err
        assert main(["record", str(tmp_path / "take.mid")]) == 2
        assert not (tmp_path / "take.mid").exists()
    else:
        pytest.skip("this machine has a MIDI system")


def test_mguv_record_over_a_song_writes_the_take_into_it(tmp_path, monkeypatch, capsys):
    """The verb end to end, the keyboard replayed (no MIDI hardware here): the take lands in the song."""
    from mguv_app.audio import midi_input
    from mguv_app.cli import main
    from mguv_app.music import read_midi
    from tests.test_song_file import song_file

    song = song_file(tmp_path / "song.mid")  # 100 BPM, a G major scale melody, piano and drums
    spb = 60.0 / 100
    msgs = [mido.Message("note_on", note=84, velocity=100, time=0.0),
            mido.Message("note_off", note=84, time=spb)]  # C6 on beat 1, a quarter long
    monkeypatch.setattr(midi_input, "input_ports", lambda: ["Replayed Keyboard"])
    monkeypatch.setattr(midi_input, "MidiInput", ReplayedKeyboard(msgs, lead_s=0.05))
    out = tmp_path / "take.mid"
    assert main(["record", str(out), "--over", str(song), "--bars", "1", "--count-in", "0", "--grid", "1/4"]) == 0
    said = capsys.readouterr().out
    assert "recorded 1 note into" in said and "with the song's 2 other tracks" in said
    back = read_midi(out)
    # C6 over the melody's first G: the file holds both; read back as a line, the higher sounds
    assert (84, 0, Q) in [(n.pitch, n.start, n.end) for n in back.melody.notes]
    assert (back.accompaniment == read_midi(song).accompaniment).all()  # the piano kept
