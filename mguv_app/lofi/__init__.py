"""Lo-Fi mode (Qt-free): endless generated melody over a fitted jazz-chord band.

* :mod:`.harmony`: key estimation, chords chosen to fit each phrase, voice-led voicings.
* :mod:`.band`: drums, bass, electric-piano chords, swing.
* :mod:`.stream`: ``LofiStream``, the phrase generator (latent walk or continuation), ahead of playback.
* :mod:`.export`: N minutes of the stream as multitrack MIDI and WAV.
* :mod:`.backing`: the same harmoniser and band for any melody (File → Export with Backing Band).
* :mod:`.live`: ``BandPlayer`` / ``EndlessSession`` for gapless live playback of all four parts.
"""

from .band import BandParts, BandStyle
from .harmony import Chord, ChordSlot, Key, choose_chords, estimate_key
from .stream import LOOP_FORM_LABELS, LOOP_FORMS, MODES, LofiStream, Phrase

__all__ = ["LOOP_FORMS", "LOOP_FORM_LABELS", "MODES", "BandParts", "BandStyle", "Chord", "ChordSlot", "Key",
           "LofiStream", "Phrase", "choose_chords", "estimate_key"]
