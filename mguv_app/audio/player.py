"""The real-time player: transport, loop, tempo, metronome, volume, audition.

One method does the work: :meth:`Player.render_block` renders the next ``n`` frames.
It walks the event list in ticks (so a tempo change applies at once), splits the
block at each event's frame, and logs which tick every rendered frame belongs to.
The output (a device, or a null sink) calls it and counts the frames it has handed
on; :meth:`Player.position_ticks` maps that count back to a tick, so the playhead
follows the audio the listener hears instead of a timer that drifts.

FluidSynth applies an event at its next internal 64-frame block, so notes start
within 1.5 ms of their exact frame.

Typical use::

    p = Player()                  # opens a device if there is one (see ``available``)
    p.set_melody(melody); p.play()
    p.position_ticks()            # poll ~30 Hz for the playhead
    p.queue(more)                 # gapless continuation at the next barline
    p.close()
"""

from __future__ import annotations

import bisect
import collections
import math
import threading
import time

import numpy as np

from ..music.melody import TICKS_PER_QUARTER, Melody
from .output import AudioDeviceError, NullOutput, open_device
from .schedule import (
    AUDITION_CHANNEL,
    MELODY_CHANNEL,
    METRONOME_CHANNEL,
    NOTE_OFF,
    NOTE_ON,
    melody_events,
    metronome_events,
    song_end_tick,
)
from .synth import DEFAULT_SAMPLE_RATE, DRUM_CHANNEL, Synth

MIN_QPM, MAX_QPM = 20.0, 400.0
OPEN_END_BARS = 512  # how far an open-ended play (recording) may run past the melody's end
BACKING_CHANNELS = (2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15)  # 0 melody, 1 auditions, 9 drums, metronome
_EPS = 1e-6


class Player:
    """Plays a :class:`Melody` live. Thread-safe: controls may come from any thread.

    ``output``: ``"auto"`` (a device if one opens, else a silent real-time null sink,
    with ``available = False`` and ``reason`` saying why), ``"null"`` (silent real-time
    sink, no device tried), or an output object such as ``NullOutput(sr, realtime=False)``.
    """

    def __init__(self, soundfont=None, sample_rate: int = DEFAULT_SAMPLE_RATE, output="auto",
                 block_frames: int = 512, gain: float = 1.0):
        self.sample_rate = int(sample_rate)
        self.synth = Synth(soundfont, self.sample_rate, gain)
        self._lock = threading.RLock()
        self._melody = Melody()
        self._events: list = []
        self._event_ticks: list[int] = []
        self._idx = 0
        self._tick = 0.0
        self._playing = False
        self._loop: tuple[int, int] | None = None
        self._qpm: float | None = None  # None: the melody's own tempo
        self._tempo_ticks: list[int] = []  # a song's tempo changes: where, and each tempo / the first
        self._tempo_factors: list[float] = []
        self._metronome = False
        self._open_ended = False  # recording: play on past the melody's end until paused
        self._count_in: list = []  # (tick, Event) clicks of a count-in before the cursor (ticks may be < 0)
        self._live: set[int] = set()  # pitches held down by live_note_on (a MIDI or computer keyboard)
        self._volume = 1.0
        self._program: int | None = None
        self._backing_events: list = []  # (tick, Event) of the parts heard with the melody
        self._backing_programs: dict[int, int] = {}  # their channels' programs
        self._backing_end = 0
        self._sounding: set[tuple[int, int]] = set()
        self._pending_offs: list[tuple[int, int, int]] = []  # (frame, channel, pitch) for auditions
        self._frame = 0  # frames rendered so far
        self._segments: collections.deque = collections.deque(maxlen=4096)  # (frame, tick, ticks/frame)
        self._play_t0: float | None = None
        self.start_latency_s: float | None = None  # play() -> first block with playback rendered
        self.available = False
        self.reason = ""
        self._started = False
        self._closed = False
        if output == "auto":
            try:
                self.output = open_device(self.render_block, self.sample_rate, block_frames)
                self.available, self._started = True, True
            except AudioDeviceError as err:
                self.reason = f"no audio device ({err})"
                self.output = NullOutput(self.sample_rate, block_frames, realtime=True)
        elif output == "null":
            self.reason = "null output chosen"
            self.output = NullOutput(self.sample_rate, block_frames, realtime=True)
        else:
            self.output = output
            self.available = not isinstance(output, NullOutput)
        self._select_programs()

    # --- content ------------------------------------------------------------------
    @property
    def melody(self) -> Melody:
        return self._melody

    def set_melody(self, melody: Melody) -> None:
        """Play ``melody`` from now on; while playing, the position is kept."""
        with self._lock:
            self._release()
            self._melody = melody
            self._rebuild()
            self._select_programs()

    def queue(self, melody: Melody) -> int:
        """Append ``melody`` at the next barline after the current one, gaplessly, even while
        playing. Returns the tick where it starts."""
        with self._lock:
            cur = self._melody
            at = cur.bars_end_tick
            self._melody = cur.concatenated(melody, at)
            self._rebuild()
            return at

    def set_backing(self, parts: list[tuple[Melody, bool]] | None) -> None:
        """Parts heard with the melody, e.g. ``lofi.backing``'s chords, bass and drums: ``(part, is_drum)``,
        pitched parts on channels 2, 3, … with their own programs, drums on the GM drum channel with
        the kit their program names (bank 128; the standard kit where the SoundFont lacks it). They
        follow the player's tempo, loop and position; ``None`` or ``[]``: none."""
        with self._lock:
            self._release()
            events, programs, end = [], {}, 0
            pitched = iter(BACKING_CHANNELS)
            for part, is_drum in parts or []:
                channel = DRUM_CHANNEL if is_drum else next(pitched, None)
                if channel is None:
                    raise ValueError(f"at most {len(BACKING_CHANNELS)} pitched backing parts")
                programs[channel] = part.program
                events += melody_events(part, channel=channel)
                end = max(end, part.end_tick)
            self._backing_events, self._backing_programs, self._backing_end = events, programs, end
            self._rebuild()
            self._select_programs()

    @property
    def has_backing(self) -> bool:
        return bool(self._backing_events)

    def _rebuild(self) -> None:
        events = melody_events(self._melody)
        if self._metronome:
            events += metronome_events(self._melody, self.end_tick)
        events = sorted(events + self._count_in + self._backing_events)
        self._events = events
        self._event_ticks = [t for t, _ in self._events]
        self._idx = bisect.bisect_left(self._event_ticks, self._tick - _EPS)

    def _select_programs(self) -> None:
        prog = self._melody.program if self._program is None else self._program
        with self._lock:
            self.synth.program_select(MELODY_CHANNEL, prog)
            self.synth.program_select(AUDITION_CHANNEL, prog)
            self.synth.program_select(METRONOME_CHANNEL, 0)
            for channel, program in self._backing_programs.items():
                self.synth.program_select(channel, program)

    # --- transport ----------------------------------------------------------------
    @property
    def is_playing(self) -> bool:
        return self._playing

    @property
    def end_tick(self) -> int:
        end = max(song_end_tick(self._melody, self._metronome), self._backing_end)
        if self._open_ended:
            meter_map = self._melody.meter_map
            end = meter_map.bar_start(meter_map.bar_count(end) + OPEN_END_BARS)
        return end

    @property
    def open_ended(self) -> bool:
        return self._open_ended

    def set_open_ended(self, on: bool) -> None:
        """Play on past the melody's end (recording started while playing) or, off, stop there again."""
        with self._lock:
            if self._open_ended != bool(on):
                self._open_ended = bool(on)
                self._rebuild()

    def play(self, count_in_bars: int = 0, open_ended: bool = False) -> None:
        """Start at the cursor. ``count_in_bars``: first play that many bars before it, with clicks
        on every beat (the melody under them plays too; before tick 0 only the clicks), so that a player
        can come in on time. ``open_ended``: go on past the melody's end (clicking, if the metronome
        is on) until paused, as recording needs; pause and stop end both."""
        with self._lock:
            if self._playing or self._closed:
                return
            start = self._loop[0] if self._loop else 0
            if self._tick >= self.end_tick and not self._loop and not open_ended:
                self._tick = float(start)
            was = (self._open_ended, bool(self._count_in))
            self._open_ended = bool(open_ended)
            self._count_in = []
            if count_in_bars > 0:
                target = int(self._tick)
                first = target - int(count_in_bars) * self._melody.meter_map.bar_at(target).length  # its bar's
                self._count_in = [(t, ev) for t, ev in metronome_events(self._melody, target, first)
                                  if not (self._metronome and t >= 0)]  # the metronome clicks from 0 itself
                self._tick = float(first)
            if self._count_in or was != (self._open_ended, False):
                self._rebuild()  # the clicks or the end changed
            else:  # a plain play: the events are as they were
                self._idx = bisect.bisect_left(self._event_ticks, self._tick - _EPS)
            self._segments.clear()
            self._playing = True
            self._play_t0 = time.perf_counter()
            self.start_latency_s = None
        self._ensure_output()

    def pause(self) -> None:
        with self._lock:
            self._playing = False
            self._release()
            self._end_take()

    def stop(self) -> None:
        """Stop and return to the start (tick 0)."""
        with self._lock:
            self._playing = False
            self._release()
            self._end_take()
            self._tick = 0.0
            self._idx = 0

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def _end_take(self) -> None:
        """Pausing ends a count-in and an open-ended play; a cursor still in the count-in goes to 0."""
        if self._count_in or self._open_ended:
            self._count_in, self._open_ended = [], False
            self._tick = max(0.0, self._tick)
            self._rebuild()

    def seek(self, tick: int) -> None:
        with self._lock:
            self._release()
            self._count_in = []
            self._tick = float(max(0, tick))
            self._idx = bisect.bisect_left(self._event_ticks, self._tick - _EPS)
            self._segments.clear()

    def set_loop(self, start: int | None, end: int | None = None) -> None:
        """Repeat ``[start, end)`` ticks while playing; ``None`` (either) turns looping off."""
        with self._lock:
            if start is None or end is None or end <= start:
                self._loop = None
            else:
                self._loop = (max(0, int(start)), int(end))

    @property
    def loop(self) -> tuple[int, int] | None:
        return self._loop

    # --- sound settings -----------------------------------------------------------
    @property
    def qpm(self) -> float:
        return self._melody.qpm if self._qpm is None else self._qpm

    def set_tempo(self, qpm: float | None) -> None:
        """Beats per minute (clamped to 20-400); ``None`` follows the melody's tempo."""
        with self._lock:
            self._qpm = None if qpm is None else min(MAX_QPM, max(MIN_QPM, float(qpm)))

    def set_tempo_map(self, changes: list[tuple[int, float]] | None) -> None:
        """A song's tempo changes ``[(tick, qpm)]`` (``SongFile.tempo_map``): playback follows them, scaled
        so that the first is the player's tempo (so the BPM box still sets the song's speed). None or []:
        one tempo throughout."""
        with self._lock:
            changes = sorted(changes or [])
            if len(changes) < 2:
                self._tempo_ticks, self._tempo_factors = [], []
                return
            first = changes[0][1]
            self._tempo_ticks = [int(t) for t, _ in changes]
            self._tempo_factors = [float(q) / first for _, q in changes]

    def qpm_at(self, tick: float) -> float:
        """The tempo playing at ``tick``: the player's, times the tempo map's change there."""
        if not self._tempo_ticks:
            return self.qpm
        i = bisect.bisect_right(self._tempo_ticks, tick + _EPS) - 1
        return self.qpm * self._tempo_factors[max(0, i)]

    def _next_tempo_change(self, tick: float) -> float:
        i = bisect.bisect_right(self._tempo_ticks, tick + _EPS)
        return self._tempo_ticks[i] if i < len(self._tempo_ticks) else math.inf

    def set_metronome(self, on: bool) -> None:
        with self._lock:
            if self._metronome != bool(on):
                self.synth.all_notes_off(METRONOME_CHANNEL)
                self._sounding = {s for s in self._sounding if s[0] != METRONOME_CHANNEL}
                self._metronome = bool(on)
                self._rebuild()

    @property
    def metronome(self) -> bool:
        return self._metronome

    def set_volume(self, volume: float) -> None:
        """Master volume 0..1 (linear gain on the output)."""
        self._volume = min(1.0, max(0.0, float(volume)))

    @property
    def volume(self) -> float:
        return self._volume

    def set_program(self, program: int | None) -> None:
        """General MIDI program 0-127 for the melody and auditions; ``None``: the melody's."""
        with self._lock:
            self._program = None if program is None else min(127, max(0, int(program)))
            self._select_programs()

    @property
    def program(self) -> int:
        return self._melody.program if self._program is None else self._program

    def set_soundfont(self, path) -> None:
        """Switch SoundFont; raises SoundFontError and keeps the old one if ``path`` is unusable."""
        with self._lock:
            self._release()
            self.synth.load_soundfont(path)
            self._select_programs()

    def audition(self, pitch: int, velocity: int = 100, duration_ms: int = 300) -> None:
        """Sound one note now (clicking a key, placing a note), on its own channel."""
        if not 0 <= pitch <= 127 or self._closed:
            return
        with self._lock:
            self.synth.note_off(AUDITION_CHANNEL, pitch)
            self.synth.note_on(AUDITION_CHANNEL, pitch, min(127, max(1, velocity)))
            off = self._frame + int(duration_ms * self.sample_rate / 1000)  # from the next block
            self._pending_offs.append((off, AUDITION_CHANNEL, pitch))
            self._pending_offs.sort()
        self._ensure_output()

    def live_note_on(self, pitch: int, velocity: int = 100) -> None:
        """Hold a note down now (a key of a MIDI or computer keyboard) until :meth:`live_note_off`."""
        if not 0 <= pitch <= 127 or self._closed:
            return
        with self._lock:
            self._pending_offs = [p for p in self._pending_offs if p[1:] != (AUDITION_CHANNEL, pitch)]
            self.synth.note_off(AUDITION_CHANNEL, pitch)
            self.synth.note_on(AUDITION_CHANNEL, pitch, min(127, max(1, velocity)))
            self._live.add(pitch)
        self._ensure_output()

    def live_note_off(self, pitch: int) -> None:
        with self._lock:
            if pitch in self._live and not self._closed:
                self._live.discard(pitch)
                self.synth.note_off(AUDITION_CHANNEL, pitch)

    # --- the playhead -------------------------------------------------------------
    def position_ticks(self) -> int:
        """The tick now leaving the speaker (the cursor itself when not playing)."""
        with self._lock:
            if not self._playing or not self._segments:
                return int(self._tick)
            heard = self.output.frames_played()
            for frame, tick, tpf in reversed(self._segments):
                if frame <= heard:
                    return int(tick + (heard - frame) * tpf)
            return int(self._segments[0][1])

    def position_seconds(self) -> float:
        """Seconds from tick 0 to the playhead at the tempo (or through the tempo map) playing now."""
        tick = self.position_ticks()
        if not self._tempo_ticks:
            return tick * 60.0 / (self.qpm * TICKS_PER_QUARTER)
        seconds, edges = 0.0, [*self._tempo_ticks[1:], math.inf]
        for start, end in zip(self._tempo_ticks, edges, strict=True):
            if tick <= start:
                break
            seconds += (min(tick, end) - start) * 60.0 / (self.qpm_at(start) * TICKS_PER_QUARTER)
        return seconds

    # --- rendering ----------------------------------------------------------------
    def _release(self) -> None:
        for chan, pitch in self._sounding:
            self.synth.note_off(chan, pitch)
        self._sounding.clear()

    def _advance_events(self) -> None:
        """At the cursor: wrap at the loop end, finish at the song end, fire due events."""
        while True:
            if self._loop and self._tick >= self._loop[1] - _EPS:
                self._release()
                self._tick = float(self._loop[0])
                self._idx = bisect.bisect_left(self._event_ticks, self._tick - _EPS)
                continue
            if not self._loop and self._tick >= self.end_tick - _EPS:
                self._release()
                self._playing = False
                self._tick, self._idx = 0.0, 0
                return
            break
        while self._idx < len(self._events) and self._event_ticks[self._idx] <= self._tick + _EPS:
            ev = self._events[self._idx][1]
            if ev.kind == NOTE_ON:
                self.synth.note_on(ev.channel, ev.pitch, ev.velocity)
                self._sounding.add((ev.channel, ev.pitch))
            elif ev.kind == NOTE_OFF and (ev.channel, ev.pitch) in self._sounding:
                self.synth.note_off(ev.channel, ev.pitch)
                self._sounding.discard((ev.channel, ev.pitch))
            self._idx += 1

    def render_block(self, frames: int) -> np.ndarray:
        """The next ``frames`` frames as float32 ``(frames, 2)``; every output calls this."""
        out = np.empty((frames, 2), dtype=np.float32)
        with self._lock:
            done = 0
            while done < frames:
                now = self._frame + done
                while self._pending_offs and self._pending_offs[0][0] <= now:
                    _, chan, pitch = self._pending_offs.pop(0)
                    self.synth.note_off(chan, pitch)
                k = frames - done
                if self._pending_offs:
                    k = min(k, self._pending_offs[0][0] - now)
                if self._playing:
                    self._advance_events()
                tpf = self.qpm_at(self._tick) * TICKS_PER_QUARTER / (60.0 * self.sample_rate)
                if self._playing:
                    nxt = self._loop[1] if self._loop else self.end_tick
                    if self._idx < len(self._events):
                        nxt = min(nxt, self._event_ticks[self._idx])
                    if self._tempo_ticks:  # a block never runs across a tempo change
                        nxt = min(nxt, self._next_tempo_change(self._tick))
                    k = min(k, max(1, math.ceil((nxt - self._tick) / tpf - _EPS)))
                    if self.start_latency_s is None and self._play_t0 is not None:
                        self.start_latency_s = time.perf_counter() - self._play_t0
                    self._segments.append((now, self._tick, tpf))
                self.synth.render_into(out[done:done + k])
                if self._playing:
                    self._tick += k * tpf
                done += k
            self._frame += frames
        if self._volume != 1.0:
            out *= self._volume
        np.clip(out, -1.0, 1.0, out=out)
        return out

    # --- lifetime -----------------------------------------------------------------
    def _ensure_output(self) -> None:
        if not self._started and not self._closed:
            self._started = True
            self.output.start(self.render_block)

    def close(self) -> None:
        """Stop the output (device or thread) and free the synthesizer; idempotent.

        A closed player stays closed: later ``play()`` or ``audition()`` calls are ignored."""
        with self._lock:
            self._playing = False
            self._closed = True
        if self._started:
            self.output.stop()  # joins the audio thread: nothing renders after this
        with self._lock:
            self.synth.close()

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
