"""Screenshots of the Generate dock and the latent map for the README.

Usage (from the repository root)::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_generation_shots.py \
        [--model FOLDER] [--out docs/screenshots]

``--model`` defaults to the installed default model; without one, an untrained model of the
default shapes is used (its melodies are noise: pass a trained folder for real pictures).
The window is 1280x800 (the smallest screen the docks are designed for) with every panel, as the app
builds it (Generate, the latent map and Endless as tabs of one dock). Writes ``generation_panel.png``
(the window after Generate), ``rewrite.png`` (bars 5-6 rewritten,
the new bars selected) and ``latent_map.png`` (the map with pins A/B, the interpolation trail and
the handle), ``waltz.png`` and ``jig.png`` (a 3/4 and a 6/8 melody: the bundled 3/4 and 6/8 models'
variations) and ``endless.png`` (Endless playing: what plays under Start), each kept under 300 KB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
MAX_BYTES = 300_000


def pick_model(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from mguv_app.engine import default_model_dir

    if (default_model_dir() / "config.json").exists():
        return default_model_dir()
    from mguv_app.model.checkpoint import save_model
    from mguv_app.model.config import ModelConfig
    from mguv_app.model.vae import MusicVAE

    print("no default model installed: using untrained weights", file=sys.stderr)
    return save_model(MusicVAE(ModelConfig()), Path(tempfile.mkdtemp()) / "untrained")


def headless(data_dir: str | Path) -> None:
    """Before Qt and the app are imported: user data in ``data_dir``, no audio device, offscreen without a display."""
    os.environ.setdefault("MGUV_DATA_DIR", str(data_dir))
    os.environ.setdefault("MGUV_AUDIO", "none")
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def app_window():
    """The application and a main window with every panel, as the app builds it, that never asks a question
    (closing at the end must not ask to save, nor start-up to restore): (app, window)."""
    from PySide6.QtWidgets import QApplication

    from ui.app import attach_panels
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.ask_unsaved = lambda parent: "discard"
    window.ask_restore = lambda parent, rec: False
    attach_panels(window)
    return app, window


def spin(app, pred, seconds: float) -> bool:
    """Run the event loop until ``pred()`` holds or ``seconds`` pass; whether it held."""
    end = time.monotonic() + seconds
    while not pred() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    return pred()


def save_small(pix, path: Path) -> None:
    """PNG, scaled down until it is under MAX_BYTES."""
    from PySide6.QtCore import Qt

    scale = 1.0
    while True:
        img = pix if scale == 1.0 else pix.scaledToWidth(int(pix.width() * scale),
                                                          Qt.TransformationMode.SmoothTransformation)
        img.save(str(path), "PNG", 9)
        if path.stat().st_size <= MAX_BYTES or scale < 0.4:
            break
        scale *= 0.85
    print(path, path.stat().st_size, "bytes")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    headless(tempfile.mkdtemp(prefix="mguv_shots_"))
    from mguv_app.engine import TrainedModel, default_model_dir
    from ui import app as ui_app

    if args.model or not (default_model_dir() / "config.json").exists():  # else the app's own choice:
        folder = pick_model(args.model)  # the bundled model for the melody's meter
        ui_app._chosen_model_loader = lambda time_signature=None: TrainedModel(folder, device="cpu")
    app, window = app_window()
    session = window.generation
    window.resize(1280, 800)
    window.show()

    def pump(cond=lambda: False, seconds=60.0):
        end = time.perf_counter() + seconds
        while not cond() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    pump(lambda: session.model is not None and session.store.pca is not None and not session.busy)
    panel = window.generate_panel

    def generate_and_place(seed: int, row: int) -> None:
        """Six variations with this seed, the one in ``row`` placed, the Generate dock in front."""
        panel.count.setValue(6)
        panel.seed.setValue(seed)
        panel.seed_lock.setChecked(True)
        panel.generate()
        pump(lambda: not session.busy)
        panel.results.setCurrentRow(row)
        panel.place(row, "replace")
        window.roll.fit_to_content()
        window.docks["Generate"].raise_()
        pump(seconds=0.5)

    generate_and_place(2024, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_small(window.grab(), out / "generation_panel.png")

    # Rewrite bars: the loop region over bars 5-6 of the placed variation, four versions, the second placed
    # (its new bars stay selected)
    from ui.widgets import scroll_into_view

    bar = window.doc.ticks_per_bar
    window.doc.clear_selection()
    window.roll.set_loop(4 * bar, 6 * bar)
    panel.count.setValue(4)
    panel.rewrite()
    pump(lambda: not session.busy)
    panel.results.setCurrentRow(1)
    panel.place(1, "replace")
    window.roll.fit_to_content()
    panel.actions_tabs.setCurrentWidget(panel.yours_page)  # the tab of Rewrite
    scroll_into_view(panel.rewrite_button)
    pump(seconds=0.5)
    save_small(window.grab(), out / "rewrite.png")
    window.roll.set_loop(None, None)
    panel.actions_tabs.setCurrentWidget(panel.new_page)

    ctl = window.latent_map
    pts = sorted(session.store.points.values(), key=lambda p: p.xy[0])  # two points well apart
    ctl.click_point(pts[len(pts) // 8].id)
    ctl.pin("A")
    ctl.click_point(pts[-1 - len(pts) // 8].id)
    ctl.pin("B")
    box = panel.interpolate_box  # its A and B followed the pins
    box.steps.setValue(7)
    box.run()
    pump(lambda: not session.busy)
    mid = (session.store.pins["A"].xy + session.store.pins["B"].xy) / 2
    ctl.widget.drag_handle_to(mid[0] + 0.3, mid[1] - 0.6, finished=True)
    pump(lambda: ctl.latest.idle)
    pump(seconds=0.5)
    window.roll.fit_to_content()
    window.docks["Latent map"].raise_()
    pump(seconds=0.3)
    save_small(window.grab(), out / "latent_map.png")

    # a waltz and a jig: the bundled 3/4 and 6/8 models' variations, in their bars
    from mguv_app.music import Melody

    for meter, qpm, name, seed in (((3, 4), 150, "waltz", 34), ((6, 8), 110, "jig", 12)):
        # a new melody in the meter switches the dock to the bundled model that writes in it
        window.load_melody(Melody([], qpm=qpm, time_signature=meter, name=name.title()))
        pump(lambda meter=meter: session.model is not None and session.model.time_signature == meter
             and not session.loading and session.store.pca is not None and not session.busy, 120)
        if session.model is None or session.model.time_signature != meter:
            print(f"no bundled {meter[0]}/{meter[1]} model: {name}.png not written", file=sys.stderr)
            continue
        panel.bars.setValue(16)
        scroll_into_view(panel.generate_button)
        generate_and_place(seed, 0)
        save_small(window.grab(), out / f"{name}.png")

    # Endless playing (through a silent output here): the phrase, its chords and the playhead under Start
    lofi = window.lofi_panel
    window.docks["Endless"].raise_()
    lofi.start()
    pump(lambda: lofi.session is not None and lofi.session.started, 120)
    pump(seconds=6.0)
    if lofi.now_playing.phrase is not None:
        save_small(window.grab(), out / "endless.png")
    else:
        print("Endless did not start playing: endless.png not written", file=sys.stderr)
    lofi.shutdown()
    session.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
