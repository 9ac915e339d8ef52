"""One reading of a Standard MIDI File's chunk structure, shared by open and save.

The importer and the song saver must agree on which bytes are the file's tracks. When they did not
(open read the tracks the header announces and ignored the rest; save counted every chunk it found,
a cut-off one after them included, into the header it wrote), a song opened fine and its save was
refused as truncated. So both take the layout from :func:`read_layout`: the header chunk and the first
``ntrks`` track chunks, each checked whole. Anything else (chunks of unknown kinds between tracks, bytes
after the last announced track) is not part of the song: the parser never sees it (``SmfLayout.smf``)
and a song's save does not write it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptMidiError, NotMidiError


@dataclass(frozen=True)
class SmfLayout:
    """A checked SMF: its header chunk and its ``ntrks`` track chunks (each whole: tag, length, body)."""

    header: bytes
    tracks: tuple[bytes, ...]

    @property
    def fmt(self) -> int:
        return struct.unpack(">H", self.header[8:10])[0]

    @property
    def division(self) -> int:
        """Ticks per quarter note (SMPTE divisions are refused by :func:`read_layout`)."""
        return struct.unpack(">H", self.header[12:14])[0]

    @property
    def smf(self) -> bytes:
        """The song as the parser reads it and a save writes it: the header and the announced tracks only."""
        return self.header + b"".join(self.tracks)


def read_layout(path: str | Path, data: bytes) -> SmfLayout:
    """Check ``data`` (an SMF, or one wrapped in RIFF ``RMID``) chunk by chunk; :class:`NotMidiError` or
    :class:`CorruptMidiError` (naming ``path``) when it is not a well-formed file."""
    if not data:
        raise NotMidiError(path, "the file is empty")
    if data[:4] == b"RIFF" and data[8:12] == b"RMID":  # RIFF-wrapped MIDI (.rmi)
        idx = data.find(b"data", 12)
        if idx < 0 or idx + 8 > len(data):
            raise CorruptMidiError(path, "RIFF MIDI file without a data chunk")
        (size,) = struct.unpack("<I", data[idx + 4: idx + 8])
        data = data[idx + 8: idx + 8 + size]
    if data[:4] != b"MThd":
        if data.lstrip()[:1] in (b"<", b"{") or all(32 <= b < 127 or b in (9, 10, 13) for b in data[:64]):
            raise NotMidiError(path, "this is a text file, not a MIDI file")
        raise NotMidiError(path, "not a MIDI file (no 'MThd' header)")
    if len(data) < 14:
        raise CorruptMidiError(path, "the file is truncated inside the MIDI header")
    (hlen,) = struct.unpack(">I", data[4:8])
    if hlen < 6 or 8 + hlen > len(data):
        raise CorruptMidiError(path, f"the MIDI header has a wrong length ({hlen} bytes)")
    fmt, ntrks, division = struct.unpack(">HHH", data[8:14])
    if fmt > 2:
        raise CorruptMidiError(path, f"unknown MIDI format {fmt} (only 0, 1 and 2 exist)")
    if division & 0x8000:
        raise CorruptMidiError(path, "SMPTE time division is not supported (only ticks per quarter note)")
    if division == 0:
        raise CorruptMidiError(path, "the header says 0 ticks per quarter note")
    pos, tracks = 8 + hlen, []
    while pos + 8 <= len(data) and len(tracks) < ntrks:
        ctype, clen = data[pos: pos + 4], struct.unpack(">I", data[pos + 4: pos + 8])[0]
        if ctype != b"MTrk" and not all(32 <= b < 127 for b in ctype):
            raise CorruptMidiError(path, f"broken chunk at byte {pos} (a chunk length is wrong)")
        if pos + 8 + clen > len(data):
            raise CorruptMidiError(
                path, f"the file is truncated: track chunk {len(tracks) + (ctype == b'MTrk')} claims {clen} bytes "
                f"but only {len(data) - pos - 8} remain")
        if ctype == b"MTrk":
            tracks.append(data[pos: pos + 8 + clen])
        pos += 8 + clen
    if len(tracks) < ntrks:
        raise CorruptMidiError(path, f"the header announces {ntrks} tracks but the file holds {len(tracks)}")
    return SmfLayout(data[: 8 + hlen], tuple(tracks))
