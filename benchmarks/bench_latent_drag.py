"""Latent-map drag benchmark: time from a handle move to the updated piano roll.

Usage: ``python benchmarks/bench_latent_drag.py [--drags 40] [--threads N] [--json OUT]``.
Runs offscreen unless a display is set; prints one JSON object. For each model (the tiny
test-size model, and the default 16-bar model, or an untrained ``MusicVAE(ModelConfig())`` of
the same shapes and speed while the default is not installed) it builds the real window with
``attach_generation``, clicks a map point, then:

* ``single``: moves the handle, waits for the decode on the map worker, and repaints the
  piano roll synchronously; the time from the move to the end of that repaint, per move.
  Target (issue 7): median at most 50 ms on this CPU.
* ``continuous``: a 60 Hz stream of moves for 2 s, as a mouse drag makes: how many piano-roll
  updates arrived, how many positions were dropped as stale, the latency of each update
  from its own move, and the longest gap between 5 ms GUI timer ticks (the event loop must
  never stall).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 50.0


def stats(samples_s: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples_s)
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p95_ms": round(ms[int(round(0.95 * (len(ms) - 1)))], 2), "max_ms": round(ms[-1], 2)}


def model_folders(tmp: Path) -> list[tuple[str, Path]]:
    from mguv_app.engine import default_model_dir
    from mguv_app.model.checkpoint import save_model
    from mguv_app.model.config import ModelConfig
    from mguv_app.model.vae import MusicVAE
    from tests.tiny_data import tiny_model_config

    out = [("tiny (4 bars, test size, untrained weights)", save_model(MusicVAE(tiny_model_config()), tmp / "tiny"))]
    default = default_model_dir()
    if (default / "config.json").exists():
        out.append((f"default ({default.name})", default))
    else:
        out.append(("default shapes, 16 bars (untrained: the default model is not installed yet)",
                    save_model(MusicVAE(ModelConfig()), tmp / "default_shapes")))
    return out


def bench_model(app, folder: Path, drags: int) -> dict:
    import numpy as np
    from PySide6.QtCore import QTimer

    from mguv_app.engine import TrainedModel
    from ui.generation_link import attach_generation
    from ui.main_window import MainWindow

    window = MainWindow()
    window.ask_unsaved = lambda parent: "discard"
    session = attach_generation(window, model_loader=lambda: TrainedModel(folder, device="cpu"))
    window.show()

    def pump_until(cond, timeout=120.0):
        end = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            time.sleep(0.0005)
            if time.perf_counter() > end:
                raise TimeoutError("the map did not answer in time")

    pump_until(lambda: session.model is not None and session.store.pca is not None and not session.busy)
    ctl, roll = window.latent_map, window.roll
    point = next(iter(session.store.points.values()))
    ctl.place_point(point.id)  # its melody in the roll, as before a drag (a plain click only plays it)
    pump_until(lambda: session.map_runner.busy is False)
    arrived = []
    ctl.decoded.connect(lambda m, asked: arrived.append(time.perf_counter()))
    rng = np.random.default_rng(0)
    spread = np.std(np.stack([p.xy for p in session.store.points.values()]), axis=0) + 1e-3

    def repaint():
        for w in (roll.canvas, roll.ruler, roll.keyboard, roll.lane):
            w.repaint()

    # single moves: move -> decode on the worker -> piano roll updated and repainted
    single = []
    for _ in range(drags):
        xy = point.xy + rng.standard_normal(2) * spread
        n = len(arrived)
        t0 = time.perf_counter()
        ctl.widget.drag_handle_to(*xy)
        pump_until(lambda n=n: len(arrived) > n)
        repaint()
        single.append(time.perf_counter() - t0)
    ctl.widget.drag_handle_to(*point.xy, finished=True)
    pump_until(lambda: ctl.latest.idle)

    # a continuous 60 Hz drag for 2 s, with a 5 ms timer watching the event loop
    ticks, lat = [], []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    dropped0, n0 = ctl.latest.dropped, len(arrived)
    ctl.decoded.connect(lambda m, asked: lat.append(time.perf_counter() - asked))
    timer.start()
    start = time.perf_counter()
    k = 0
    while time.perf_counter() - start < 2.0:
        if time.perf_counter() >= start + k / 60:
            xy = point.xy + np.array([np.cos(k / 20), np.sin(k / 15)]) * spread
            ctl.widget.drag_handle_to(*xy)
            k += 1
        app.processEvents()
        time.sleep(0.001)
    ctl.widget.drag_handle_to(*xy, finished=True)
    pump_until(lambda: ctl.latest.idle)
    timer.stop()
    gaps = np.diff(ticks) if len(ticks) > 1 else np.zeros(1)
    model = session.model
    result = {
        "model_bars": model.bars, "latent_dim": model.cfg.latent_dim, "decoder": model.cfg.decoder,
        "single": stats(single),
        "single_meets_target": bool(single and statistics.median(single) * 1000 <= TARGET_MS),
        "continuous": {"moves": k, "updates": len(arrived) - n0, "dropped_stale": ctl.latest.dropped - dropped0,
                       "latency_from_own_move": stats(lat),
                       "longest_event_loop_gap_ms": round(float(gaps.max()) * 1000, 2)},
    }
    session.shutdown()
    window.close()
    window.deleteLater()
    app.processEvents()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drags", type=int, default=40)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--json", help="also write the result to this file")
    args = ap.parse_args()
    os.environ.setdefault("MGUV_DATA_DIR", tempfile.mkdtemp(prefix="mguv_bench_"))
    os.environ.setdefault("MGUV_AUDIO", "none")
    import torch
    from PySide6.QtWidgets import QApplication

    if args.threads:
        torch.set_num_threads(args.threads)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    out = {"benchmark": "latent_drag", "target_median_ms": TARGET_MS, "platform": platform.platform(),
           "cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(),
           "load_average_1min": round(os.getloadavg()[0], 2), "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in model_folders(Path(tmp)):
            out["models"][name] = bench_model(app, folder, args.drags)
    out["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    text = json.dumps(out, indent=2)
    print(text)
    if args.json:
        from mguv_app.fileio import atomic_write

        atomic_write(args.json, text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
