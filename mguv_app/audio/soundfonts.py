"""Finding and checking SoundFonts (.sf2 / .sf3).

A SoundFont is checked in Python before FluidSynth sees it, so a missing, empty,
truncated or foreign file gives one typed :class:`SoundFontError` with a readable
reason instead of FluidSynth's log noise and a silent synth. FluidSynth's own load
(:class:`mguv_app.audio.synth.Synth`) then catches what a header check cannot.

Default choice: ``MGUV_SOUNDFONT`` if set, else Debian's FluidR3_GM, else the
small TimGM6mb.sf2 that pretty_midi ships, else the first one found.
"""

from __future__ import annotations

import importlib.util
import os
import struct
from pathlib import Path

from ..paths import resources_dir

SYSTEM_DIRS = (
    Path("/usr/share/sounds/sf2"),
    Path("/usr/share/sounds/sf3"),
    Path("/usr/share/soundfonts"),
    Path("/usr/local/share/soundfonts"),
    Path.home() / ".local/share/soundfonts",
)
PREFERRED = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
SUFFIXES = (".sf2", ".sf3")


def _search_dirs() -> tuple[Path, ...]:
    """``resources/soundfonts`` (where the standalone app ships its font), then the system folders."""
    return (resources_dir() / "soundfonts", *SYSTEM_DIRS)


class SoundFontError(Exception):
    """This file cannot be used as a SoundFont; ``str(err)`` reads well in a status bar."""

    kind = "unusable"

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = None if path is None else str(path)
        self.reason = reason
        super().__init__(reason if path is None else f"{self.path}: {reason}")


class MissingSoundFontError(SoundFontError):
    kind = "missing"


class NotSoundFontError(SoundFontError):
    kind = "not_soundfont"


class CorruptSoundFontError(SoundFontError):
    kind = "corrupt"


def bundled_soundfont() -> Path | None:
    """pretty_midi's TimGM6mb.sf2 (6 MB), found without importing pretty_midi."""
    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "TimGM6mb.sf2"
    return path if path.is_file() else None


def find_soundfonts() -> list[Path]:
    """Every installed SoundFont, the default first, each real file once."""
    found: list[Path] = []
    seen: set[Path] = set()
    candidates = [default_soundfont()]
    for folder in _search_dirs():
        if folder.is_dir():
            candidates += sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES)
    candidates.append(bundled_soundfont())
    for path in candidates:
        if path is None or not path.is_file():
            continue
        real = path.resolve()
        if real not in seen:
            seen.add(real)
            found.append(path)
    return found


def default_soundfont() -> Path | None:
    env = os.environ.get("MGUV_SOUNDFONT")
    if env:
        return Path(env)
    if PREFERRED.is_file():
        return PREFERRED
    bundled = bundled_soundfont()
    if bundled is not None:
        return bundled
    for folder in _search_dirs():
        if folder.is_dir():
            for p in sorted(folder.iterdir()):
                if p.suffix.lower() in SUFFIXES and p.is_file():
                    return p
    return None


def check_soundfont(path: str | os.PathLike | None) -> Path:
    """Return ``path`` if its RIFF/sfbk structure looks whole, else raise a :class:`SoundFontError`."""
    if path is None:
        raise MissingSoundFontError(None, "no SoundFont is installed: install fluid-soundfont-gm "
                                    "or choose a .sf2/.sf3 file")
    path = Path(path)
    if not path.exists():
        raise MissingSoundFontError(path, "the SoundFont file does not exist")
    if not path.is_file():
        raise NotSoundFontError(path, "this is a folder, not a SoundFont file")
    size = path.stat().st_size
    if size == 0:
        raise CorruptSoundFontError(path, "the SoundFont file is empty")
    with open(path, "rb") as f:
        head = f.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"sfbk":
        raise NotSoundFontError(path, "not a SoundFont (no RIFF 'sfbk' header); choose a .sf2 or .sf3 file")
    (riff_size,) = struct.unpack("<I", head[4:8])
    if riff_size + 8 > size:
        raise CorruptSoundFontError(
            path, f"the SoundFont is truncated: it declares {riff_size + 8:,} bytes but holds {size:,}")
    return path
