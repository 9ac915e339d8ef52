"""Cold start to a shown main window: the standalone app against ``mguv`` from the venv, as JSON.

Each run starts a fresh process with ``MGUV_STARTUP_PROBE=1``; the app prints one line when
its window is exposed (and whether torch was already imported by then) and quits. The time
is measured here, from spawning the process to reading that line, so it covers everything a
person waits for: the bootloader or interpreter, imports, Qt and the first show.

    .venv/bin/python benchmarks/bench_startup.py [--frozen dist/mguv-studio/mguv] [--runs 5]

The first run of each target is reported on its own ("first_s": files not yet in the page
cache, the closest to a cold start without dropping the system's caches); "median_s" is over
all runs. Target (issue 9): at most 3 s. Uses the offscreen Qt platform unless DISPLAY is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "mguv: window shown"
TARGET_S = 3.0


def _venv_command() -> list[str]:
    script = Path(sys.executable).with_name("mguv")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mguv_app"]


def time_to_window(cmd: list[str], timeout: float = 60.0) -> tuple[float, bool]:
    """Seconds from spawn to the probe's line, and whether torch was imported before the window showed."""
    env = dict(os.environ, MGUV_STARTUP_PROBE="1")
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as data:
        env["MGUV_DATA_DIR"] = data  # no autosave to restore, no recent files: the same start every time
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = start + timeout
            for line in proc.stdout:
                if line.startswith(MARKER):
                    elapsed = time.perf_counter() - start
                    proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
                    return elapsed, "torch imported: True" in line
                if time.perf_counter() > deadline:
                    break
            raise RuntimeError(f"{cmd[0]} never reported a shown window (exit {proc.poll()})")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def measure(cmd: list[str], runs: int) -> dict:
    times, torch_early = [], False
    for _ in range(runs):
        seconds, early = time_to_window(cmd)
        times.append(round(seconds, 3))
        torch_early |= early
    return {"command": " ".join(cmd), "first_s": times[0], "median_s": round(statistics.median(times), 3),
            "runs_s": times, "torch_before_window": torch_early, "within_target": max(times) <= TARGET_S}


def folder_size_mb(path: Path) -> float:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return round(total / 2**20, 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frozen", type=Path, default=ROOT / "dist" / "mguv-studio" / "mguv",
                    help="the standalone executable (default: dist/mguv-studio/mguv)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--skip-venv", action="store_true")
    args = ap.parse_args(argv)
    result: dict = {"target_s": TARGET_S, "qt_platform": "display" if os.environ.get("DISPLAY") else "offscreen",
                    "cpus": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 2)}
    if args.frozen.is_file():
        result["frozen"] = measure([str(args.frozen)], args.runs)
        result["bundle_mb"] = folder_size_mb(args.frozen.parent)
    else:
        result["frozen"] = f"not built: {args.frozen} (run packaging/build.sh)"
    if not args.skip_venv:
        result["venv"] = measure(_venv_command(), args.runs)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
