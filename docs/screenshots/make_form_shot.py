"""Screenshot of a generated AABA tune for the README: the tune in the roll, its phrases on the latent map's
phrase view (repeats on one spot), the Form row in the Generate dock.

Usage (from the repository root)::

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python docs/screenshots/make_form_shot.py [--seed 7]

Writes ``form.png`` (1280x800, under 300 KB) with the bundled models.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_generation_shots import app_window, headless, save_small  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = ap.parse_args()
    headless(tempfile.mkdtemp(prefix="mguv_shots_"))
    app, window = app_window()
    session = window.generation
    window.resize(1280, 800)
    window.show()

    def pump(cond=lambda: False, seconds=60.0):
        end = time.perf_counter() + seconds
        while not cond() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    pump(lambda: session.model is not None and session.store.pca is not None and not session.busy, 120)
    panel = window.generate_panel
    panel.bars.setValue(16)
    panel.form_box.set_text("AABA")
    panel.count.setValue(4)
    panel.seed.setValue(args.seed)
    panel.seed_lock.setChecked(True)
    panel.generate()
    pump(lambda: not session.busy, 120)
    panel.place(0, "replace")
    window.roll.fit_to_content()
    view = window.latent_map.phrases
    window.docks["Latent map"].raise_()
    view.button.setChecked(True)
    pump(lambda: len(view.points) > 0, 60)
    pump(seconds=0.5)
    out = Path(args.out)
    save_small(window.grab(), out / "form.png")
    session.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
