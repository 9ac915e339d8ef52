"""The README's first screenshot: the whole window with the 12-bar demo melody and the Band on.

Usage (from the repository root)::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_main_shot.py \
        [--out docs/screenshots]

Opens the window as the app does (every panel, the installed default model) at 1280x800, the smallest
screen the docks are designed for, loads the demo
melody (``make_demo_melody.py``), turns the transport's Band on so the chord strip shows over
the ruler, chooses one chord by hand, and writes ``main_window.png`` (kept under 300 KB); then
opens the chord strip's menu on bar 2 and writes ``chord_menu.png`` (grabbed from the screen, so
it needs a real X display: under offscreen Qt a popup is not on any screen); last, opens the Band's
export of the melody as a song and writes ``song.png``: the Song button on, its tracks drawn faint;
then ``recording.png``: Record on, a take over bars 9-10 drawn as it is played; last ``answer.png``: a
two-bar take on an empty roll and the model's answer after it (Answer Each Take).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mguv_main_shot_"))
    from make_generation_shots import app_window, headless, save_small, spin

    headless(tmp / "data")
    from make_demo_melody import demo_melody
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QApplication, QMenu

    from mguv_app.music import write_midi
    from ui.piano_roll.chord_menu import set_chord

    demo = tmp / "demo.mid"
    write_midi(demo_melody(), demo)
    app, window = app_window()
    window.resize(1280, 800)
    window.show()
    window.open_path(str(demo))

    session = getattr(window, "generation", None)
    spin(app, lambda: session is None or (session.model is not None and not session.busy), 120)
    if window.transport is None:
        print("no transport: the Band cannot be shown", file=sys.stderr)
        return 1
    window.transport.band_button.setChecked(True)
    ok = spin(app, lambda: bool(window.roll.chords), 10)
    roll, bar = window.roll, window.doc.ticks_per_bar
    set_chord(roll, 6 * bar, 7 * bar, "Fmaj7")  # one chord chosen by hand (bar 7), drawn in the cursor's blue
    ok = ok and spin(app, lambda: (6 * bar, 7 * bar, "Fmaj7", True) in roll.chords, 10)
    spin(app, lambda: False, 0.5)
    save_small(window.grab(), Path(args.out) / "main_window.png")

    # the chord strip's menu, as a right-click on bar 2 opens it (a popup: grabbed from the screen)
    span = roll.chord_span_at(bar + 10)
    x = round(roll.geo.tick_to_x(span[0])) + 8
    roll.open_chord_menu(span[0] + 10, roll.ruler.mapToGlobal(QPoint(x, 12)))
    ok = ok and spin(app, lambda: isinstance(QApplication.activePopupWidget(), QMenu), 5)
    spin(app, lambda: False, 0.5)
    menu = QApplication.activePopupWidget()
    top_left = roll.ruler.mapToGlobal(QPoint(0, 0))
    area = QRect(top_left.x() - 70, top_left.y() - 8, max(menu.geometry().right() - top_left.x() + 110, 420),
                 menu.geometry().bottom() - top_left.y() + 16)
    save_small(app.primaryScreen().grabWindow(0, area.x(), area.y(), area.width(), area.height()),
               Path(args.out) / "chord_menu.png")
    menu.close()

    # a song with its own accompaniment (here the Band's export of the demo): the Song button plays its
    # tracks, the roll draws them faint under the melody
    from mguv_app.lofi.backing import backing_for

    song = tmp / "song.mid"
    song.write_bytes(backing_for(window.melody, **window.transport.band_options).midi_bytes())
    window.transport.band_button.setChecked(False)
    window.open_path(str(song))
    ok = ok and spin(app, lambda: window.transport.song_on, 5)
    roll.geo.fit(0, 8 * bar, 34, 84)  # the first 8 bars, the bass to the melody's top
    roll._view_moved()
    spin(app, lambda: False, 0.5)
    save_small(window.grab(), Path(args.out) / "song.png")

    # recording: a take played in over bars 9-10 of the demo, drawn in the playhead's colour while it runs
    # (the key presses are stamped here rather than typed, so that the picture is the same every time)
    window.open_path(str(demo))
    recorder = window.recorder
    recorder.count_in_action.setChecked(False)
    recorder.typing_action.setChecked(True)
    window.transport.seek(8 * bar)
    recorder.record_action.trigger()
    take = recorder.take
    for i, (step, length, pitch) in enumerate([(0, 4, 69), (4, 2, 72), (6, 2, 71), (8, 4, 69), (12, 4, 67),
                                               (16, 6, 65), (22, 2, 64), (24, 8, 62)]):
        at = 8 * bar + step * bar // 16
        take.note_on(at, pitch, 96 - 4 * i)
        take.note_off(at + length * bar // 16 - 10, pitch)
    roll.geo.fit(4 * bar, 12 * bar, 50, 84)
    roll._view_moved()
    spin(app, lambda: False, 0.6)
    save_small(window.grab(), Path(args.out) / "recording.png")
    recorder.record_action.trigger()

    # Answer Each Take: a two-bar take on an empty roll, the bundled model's answer in bars 3-4
    window.file_new()
    window.transport.bpm.setValue(100)
    recorder.answer_action.setChecked(True)
    window.transport.seek(0)
    recorder.record_action.trigger()
    for step, length, pitch in [(0, 4, 69), (4, 2, 72), (6, 2, 71), (8, 4, 69), (12, 4, 67), (16, 6, 65),
                                (22, 2, 64), (24, 8, 62)]:
        recorder.take.note_on(step * bar // 16, pitch, 90)
        recorder.take.note_off((step + length) * bar // 16 - 10, pitch)
    answered = []
    recorder.answered.connect(answered.append)
    random.seed(7)  # the answer's seed: the same picture every time
    recorder.record_action.trigger()
    ok = ok and spin(app, lambda: bool(answered), 60)
    window.transport.stop()
    recorder.answer_action.setChecked(False)
    roll.geo.fit(0, 6 * bar, 55, 80)
    roll._view_moved()
    spin(app, lambda: False, 0.6)
    save_small(window.grab(), Path(args.out) / "answer.png")
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
