"""Audio: SoundFonts, FluidSynth, offline rendering and the real-time player (Qt-free).

Heavy pieces (libfluidsynth, symusic) load on first use, so importing this package is cheap.
"""

from .gm import GM_PROGRAMS, program_name
from .output import AudioDeviceError, DeviceOutput, NullOutput
from .player import Player
from .render import RenderResult, render_melody, render_midi_file, render_to_wav, write_wav
from .schedule import Event, melody_events, schedule
from .soundfonts import (
    CorruptSoundFontError,
    MissingSoundFontError,
    NotSoundFontError,
    SoundFontError,
    check_soundfont,
    default_soundfont,
    find_soundfonts,
)
from .synth import Synth

__all__ = [
    "GM_PROGRAMS", "AudioDeviceError", "CorruptSoundFontError", "DeviceOutput", "Event",
    "MissingSoundFontError", "NotSoundFontError", "NullOutput", "Player", "RenderResult",
    "SoundFontError", "Synth", "check_soundfont", "default_soundfont", "find_soundfonts",
    "melody_events", "program_name", "render_melody", "render_midi_file", "render_to_wav",
    "schedule", "write_wav",
]
