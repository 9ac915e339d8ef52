"""Live endless playback: the whole band through one real-time player, phrase after phrase.

:class:`BandPlayer` extends the audio layer's :class:`~mguv_app.audio.Player` (which plays
one melody) with three more channels (chords, bass, drums on channel 10) and an endless
timeline: :meth:`BandPlayer.queue_phrase` appends a phrase's four parts exactly where the
previous phrase ends, prunes what is long past (so appending stays cheap for hours), and
the transport never stops at the end of what it has; if generation ever fell behind, it
would wait in silence and start the late phrase on the next barline instead of rewinding.

:class:`EndlessSession` is the Qt-free driver the GUI polls: it keeps the player fed from
a :class:`~mguv_app.lofi.stream.LofiStream` running in its background thread and measures
how far generation stays ahead of the playhead.
"""

from __future__ import annotations

import bisect

from ..audio.player import _EPS, Player
from ..audio.schedule import melody_events
from ..audio.synth import DRUM_CHANNEL
from ..music.melody import Melody
from .band import BandStyle
from .stream import LofiStream, Phrase

CHORD_CHANNEL, BASS_CHANNEL = 2, 3  # 0 melody, 1 auditions, 9 drums (and the metronome)
KEEP_BEHIND_BARS = 4
ENDLESS_END = 1 << 40  # "no end" for the transport while endless


class BandPlayer(Player):
    """A :class:`Player` that plays lead, chords, bass and drums, appended phrase by phrase."""

    def __init__(self, *args, style: BandStyle | None = None, **kwargs):
        self.style = style or BandStyle()
        self._band: list = []
        self._timeline_end = 0
        self.endless = True
        self.late_ticks = 0  # silence inserted because a phrase came late (0 when generation keeps up)
        super().__init__(*args, **kwargs)
        self.set_tempo(self.style.bpm)

    # --- Player hooks -----------------------------------------------------------------
    def _rebuild(self) -> None:
        events = melody_events(self._melody, self._metronome) + self._band
        events.sort()
        self._events = events
        self._event_ticks = [t for t, _ in events]
        self._idx = bisect.bisect_left(self._event_ticks, self._tick - _EPS)

    def _select_programs(self) -> None:
        super()._select_programs()
        with self._lock:
            self.synth.program_select(CHORD_CHANNEL, self.style.chord_program)
            self.synth.program_select(BASS_CHANNEL, self.style.bass_program)
            self.synth.program_select(DRUM_CHANNEL, self.style.drum_kit)  # falls back to the standard kit

    @property
    def end_tick(self) -> int:
        return ENDLESS_END if self.endless else max(self._timeline_end, super().end_tick)

    # --- the endless timeline ----------------------------------------------------------
    @property
    def timeline_end(self) -> int:
        return self._timeline_end

    def set_style(self, style: BandStyle) -> None:
        """New programs and tempo now (swing and parts change with the next phrases)."""
        with self._lock:
            self.style = style
            self.set_tempo(style.bpm)
            self._select_programs()

    def queue_phrase(self, phrase: Phrase) -> int:
        """Append the phrase's four parts gaplessly; returns the tick where it starts."""
        with self._lock:
            tpb = phrase.parts.melody.ticks_per_bar
            now = int(self._tick) if self._playing else 0
            at = self._timeline_end
            if self._playing and at < now:  # came late: start on the next barline, never rewind
                late_at = -(-now // tpb) * tpb
                self.late_ticks += late_at - at
                at = late_at
            cutoff = now - KEEP_BEHIND_BARS * tpb
            lead = phrase.parts.melody
            kept = [n for n in self._melody.notes if n.end >= cutoff]
            self._melody = Melody(kept + [n.moved(dt=at) for n in lead.notes], self.style.bpm,
                                  lead.time_signature, lead.program, "Melody")
            band = [(t, e) for t, e in self._band if t >= cutoff]
            for part, channel in ((phrase.parts.chords, CHORD_CHANNEL), (phrase.parts.bass, BASS_CHANNEL),
                                  (phrase.parts.drums, DRUM_CHANNEL)):
                band += [(t + at, e) for t, e in melody_events(part, channel=channel)]
            self._band = band
            self._timeline_end = at + phrase.length_ticks
            self._rebuild()
            self.synth.program_select(0, lead.program if self._program is None else self._program)
            return at

    def reset(self) -> None:
        """Stop and forget every queued phrase."""
        with self._lock:
            self.stop()
            self._melody = Melody(qpm=self.style.bpm)
            self._band = []
            self._timeline_end = 0
            self.late_ticks = 0
            self._rebuild()


class EndlessSession:
    """Keeps a :class:`BandPlayer` fed from a :class:`LofiStream`; call :meth:`pump` a few times a second."""

    def __init__(self, stream: LofiStream, player: BandPlayer, lead_bars: int | None = None):
        self.stream = stream
        self.player = player
        tpb = stream.ticks_per_bar
        # keep one phrase plus two bars queued in the player
        self.lead_ticks = (lead_bars * tpb) if lead_bars else stream.bars * tpb + 2 * tpb
        self.min_lead_ticks: int | None = None
        self.started = False
        self.placed: list[tuple[int, Phrase]] = []  # (player tick, phrase) for each phrase handed over

    def _hand_over(self, phrase: Phrase) -> None:
        self.placed.append((self.player.queue_phrase(phrase), phrase))

    def start(self, first_timeout: float | None = None) -> bool:
        """Start generating and, once the first phrase is ready, playing; False if it was not ready in time."""
        self.stream.start()
        first = self.stream.next_phrase(timeout=first_timeout)
        if first is None:
            return False
        self._hand_over(first)
        self.player.play()
        self.started = True
        self.pump()
        return True

    def pump(self) -> int:
        """Move ready phrases into the player while it has less than the lead queued; never blocks."""
        if not self.started:
            return 0
        playhead = self.player.position_ticks()
        lead = self.stream.ahead_of(playhead - self.player.late_ticks)  # stream ticks lag by any late gap
        self.min_lead_ticks = lead if self.min_lead_ticks is None else min(self.min_lead_ticks, lead)
        moved = 0
        while self.player.timeline_end - playhead < self.lead_ticks:
            phrase = self.stream.next_phrase(timeout=0)
            if phrase is None:
                break
            self._hand_over(phrase)
            moved += 1
        return moved

    def playhead(self) -> int:
        return self.player.position_ticks()

    def current(self) -> tuple[Phrase, int] | None:
        """The phrase under the playhead and the playhead's tick inside it (None before the first)."""
        head = self.playhead()
        started = [(at, p) for at, p in self.placed if at <= head]
        if not started:
            return None
        at, phrase = started[-1]
        return phrase, head - at

    def current_phrase(self) -> Phrase | None:
        cur = self.current()
        return None if cur is None else cur[0]

    def played(self) -> list[Phrase]:
        """The phrases heard so far (the one playing included): what "record session" saves."""
        head = self.playhead()
        return [p for at, p in self.placed if at <= head]

    def stop(self, wait: bool = True) -> None:
        self.started = False
        self.player.pause()
        self.stream.stop(wait)

    @property
    def min_lead_seconds(self) -> float | None:
        return None if self.min_lead_ticks is None else self.stream.ticks_to_seconds(self.min_lead_ticks)
