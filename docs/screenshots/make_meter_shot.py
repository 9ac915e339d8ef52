"""The README's picture of real bars: a waltz with a pickup and a 2/4 bar closing each phrase.

Usage (from the repository root)::

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python docs/screenshots/make_meter_shot.py \
        [--out docs/screenshots]

Writes the tune as a MIDI file with its time signatures (1/4 for the pickup, 3/4, 2/4 at bars 8 and 16),
opens it in the window as the app does (every panel, the bundled models: a 3/4 melody gets the 3/4 one),
turns the Band on and writes ``meters.png``: the ruler numbering the real bars (the pickup as bar 0, each
meter change labelled), the grid's beats following them, the Band's chords a bar each, and the Generate
dock saying which bars the model keeps as they are. Kept under 300 KB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

Q = 480
# (pitch, quarters) bar by bar: a one-beat pickup, bars 1-7 in 3/4, bar 8 in 2/4, bars 9-15, bar 16 in 2/4
TUNE = [[(62, 1)],
        [(67, 2), (71, 1)], [(74, 1), (71, 1), (67, 1)], [(69, 2), (71, 1)], [(72, 1), (69, 1), (66, 1)],
        [(67, 1), (71, 1), (74, 1)], [(76, 2), (74, 1)], [(72, 1), (69, 1), (66, 1)], [(67, 2)],
        [(71, 2), (74, 1)], [(79, 1), (78, 1), (76, 1)], [(74, 2), (71, 1)], [(72, 1), (76, 1), (69, 1)],
        [(71, 1), (67, 1), (71, 1)], [(69, 2), (66, 1)], [(69, 1), (72, 1), (66, 1)], [(67, 2)]]


def waltz():
    """The tune as a Melody whose meter map has the pickup and the two 2/4 bars."""
    from mguv_app.music import Melody, Note
    from mguv_app.music.meter import MeterMap

    notes, t = [], 0
    for bar in TUNE:
        for pitch, quarters in bar:
            notes.append(Note(t, t + quarters * Q - 30, pitch, 96 if t % (3 * Q) == Q else 80))
            t += quarters * Q
    bars = MeterMap(((0, (1, 4)), (Q, (3, 4)))).with_meter(8, (2, 4)).with_meter(9, (3, 4)).with_meter(16, (2, 4))
    return Melody(notes, 112.0, (3, 4), 73, "Waltz", meters=bars.events)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mguv_meter_shot_"))
    from make_generation_shots import app_window, headless, save_small, spin

    headless(tmp / "data")
    from mguv_app.music import write_midi

    tune = tmp / "waltz.mid"
    write_midi(waltz(), tune)
    app, window = app_window()
    window.resize(1400, 860)
    window.show()
    window.open_path(str(tune))
    session = getattr(window, "generation", None)
    ok = spin(app, lambda: session is None or (session.model is not None and not session.busy
                                               and tuple(session.model.time_signature) == (3, 4)), 180)
    window.transport.band_button.setChecked(True)
    ok = spin(app, lambda: bool(window.roll.chords), 20) and ok
    roll, meter_map = window.roll, window.doc.meter_map
    roll.geo.fit(0, meter_map.bar_start(17) + Q // 2, 58, 82)
    roll._view_moved()
    window.roll.set_edit_cursor(meter_map.bar_start(8) + Q)  # bar 8, beat 2: the status bar's position
    window._show_position(meter_map.bar_start(8) + Q, 67)
    spin(app, lambda: False, 1.0)
    if session is not None:  # what the dock says about the bars the 3/4 model keeps
        print(window.generate_panel.status.text())
    save_small(window.grab(), Path(args.out) / "meters.png")
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
