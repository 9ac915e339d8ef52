"""Hand-built Standard MIDI Files, byte by byte, for robustness tests.

Written without any MIDI library so tests can make files that libraries refuse to write
(wrong chunk lengths, absurd delta times, zero tempo).
"""

import struct


def vlq(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def track(events: list[tuple[int, bytes]], name: str | None = None, length_delta: int = 0) -> bytes:
    body = b""
    if name is not None:
        raw = name.encode()
        body += vlq(0) + b"\xff\x03" + vlq(len(raw)) + raw
    for delta, ev in events:
        body += vlq(delta) + ev
    body += vlq(0) + b"\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body) + length_delta) + body


def header(fmt: int, ntrks: int, tpq: int) -> bytes:
    return b"MThd" + struct.pack(">IHHH", 6, fmt, ntrks, tpq)


def tempo(us_per_quarter: int) -> bytes:
    return b"\xff\x51\x03" + us_per_quarter.to_bytes(3, "big")


def note_events(notes, channel: int = 0, tpq: int = 480):
    """(pitch, start_tick, end_tick) -> delta-timed note on/off events."""
    evs = []
    for pitch, start, end in notes:
        evs.append((start, bytes([0x90 | channel, pitch, 100])))
        evs.append((end, bytes([0x80 | channel, pitch, 0])))
    evs.sort(key=lambda e: (e[0], e[1][0] & 0xF0 == 0x90))
    out, now = [], 0
    for t, ev in evs:
        out.append((t - now, ev))
        now = t
    return out


def smf(tracks: list[bytes], fmt: int = 1, tpq: int = 480) -> bytes:
    return header(fmt, len(tracks), tpq) + b"".join(tracks)


def simple_song(tpq: int = 480, channel: int = 0, name: str | None = "Lead") -> bytes:
    q = tpq
    notes = [(60, 0, q), (62, q, 2 * q), (64, 2 * q, 3 * q), (67, 4 * q, 6 * q)]
    return smf([track([(0, tempo(500000))]), track(note_events(notes, channel), name=name)], tpq=tpq)
