"""Screenshot of the Training tab during a run, for the README.

Usage (from the repository root)::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_training_shot.py \
        [--out docs/screenshots]

Generates a folder of melodies (plus two broken files, so the "files not used" list has
entries), trains a small model in-process for a few steps so the model list is not empty,
scans the folder in the tab, starts a real training subprocess (a small model, so the
curves move within a minute on a CPU) and grabs the window once the curves have points.
Everything lives in a temporary user-data dir. Writes ``training_tab.png`` (under 300 KB).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SMALL = ["model.bars=4", "model.embed_dim=32", "model.enc_hidden=96", "model.latent_dim=32",
         "model.conductor_hidden=64", "model.dec_hidden=96", "model.dec_layers=1", "log_every=2",
         "eval_every=20", "ckpt_every=50", "eval_windows=64", "free_bits=16", "beta_rate=0.99"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--points", type=int, default=30, help="progress points to wait for")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mguv_shot_"))
    os.environ["MGUV_DATA_DIR"] = str(tmp / "data")
    os.environ["MGUV_CACHE_DIR"] = str(tmp / "cache")
    os.environ.setdefault("OMP_NUM_THREADS", "1")

    from make_generation_shots import save_small, spin

    from benchmarks.bench_scan import song
    from mguv_app import models_registry as reg
    from mguv_app.model.config import ModelConfig, TrainConfig
    from mguv_app.music import write_midi
    from mguv_app.training.loop import TrainingRun

    songs = tmp / "My songs"
    for i in range(60):
        write_midi(song(12, i), songs / f"tune_{i:02d}.mid")
    (songs / "voice memo.mid").write_text("not midi")
    (songs / "half.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x01\x00")
    small = ModelConfig(bars=4, embed_dim=32, enc_hidden=96, latent_dim=32, conductor_hidden=64, dec_hidden=96,
                        dec_layers=1)
    old = reg.runs_dir() / "folk tunes"
    TrainingRun(songs, old, small, TrainConfig(max_steps=30, batch_size=32, log_every=10, eval_every=30,
                                               ckpt_every=30, eval_windows=64), emit=lambda e: None).run()
    reg.adopt_run(old, "folk tunes")
    reg.mark_closed(old)

    from PySide6.QtWidgets import QApplication

    from ui.app import attach_panels
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    win = MainWindow()
    win.ask_restore = lambda parent, rec: False
    attach_panels(win)  # the whole window, as the app shows it: Generate and map docks with the model loaded
    tab = win.training_tab
    tab.extra_sets = SMALL
    win.tabs.setCurrentWidget(tab)
    win.resize(1280, 800)  # the smallest screen the window is designed for
    win.show()
    tab.form.set_mode("scratch")
    tab.form.name.setText("my style")
    tab.form.steps.setValue(3000)
    tab.form.batch.setValue(32)
    tab.form.device.setCurrentIndex(tab.form.device.findData("cpu"))
    tab.set_folder(songs)

    if not spin(app, lambda: tab.windowset is not None, 120):
        print("scan did not finish", file=sys.stderr)
        return 1
    tab.start()
    ok = spin(app, lambda: tab.curves.points("loss") >= args.points, 600)
    session = getattr(win, "generation", None)
    spin(app, lambda: session is None or (session.model is not None and not session.busy), 120)
    spin(app, lambda: False, 0.5)
    out = Path(args.out) / "training_tab.png"
    save_small(win.grab(), out)
    tab.stop()
    spin(app, lambda: tab.run_state == "idle", 60)
    tab.shutdown()
    win.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
