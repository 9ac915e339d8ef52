"""Draw the app icon: ``resources/icons/mguv.svg`` and PNGs rendered from it (run by hand, output committed).

The glyph is a rounded dark tile with a sine-like waveform running into two beamed eighth
notes: "a melody that comes out of a signal". Kept as code so the icon can be changed and
re-rendered without a drawing program:

    .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)


def _wave_path() -> str:
    """A waveform across the left two thirds of the tile, fading in amplitude to the right."""
    points = []
    for i in range(61):
        x = 40 + i * 5.0  # 40 .. 340
        amp = 70 * (1 - i / 75)
        y = 300 + amp * math.sin(i / 60 * 4.5 * math.pi)
        points.append(f"{x:.1f},{y:.1f}")
    return "M" + " L".join(points)


def svg() -> str:
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#2b3a55"/>
      <stop offset="1" stop-color="#141b29"/>
    </linearGradient>
    <linearGradient id="ink" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#4fd1c5"/>
      <stop offset="1" stop-color="#f6ad55"/>
    </linearGradient>
  </defs>
  <rect x="16" y="16" width="480" height="480" rx="96" fill="url(#bg)"/>
  <path d="{_wave_path()}" fill="none" stroke="url(#ink)" stroke-width="22" stroke-linecap="round"
        stroke-linejoin="round"/>
  <g fill="#f6ad55" stroke="#f6ad55">
    <rect x="332" y="122" width="130" height="30" rx="6" stroke="none"/>
    <rect x="332" y="122" width="18" height="240" stroke="none"/>
    <rect x="444" y="122" width="18" height="200" stroke="none"/>
    <ellipse cx="314" cy="362" rx="44" ry="32" transform="rotate(-22 314 362)" stroke="none"/>
    <ellipse cx="426" cy="322" rx="44" ry="32" transform="rotate(-22 426 322)" stroke="none"/>
  </g>
</svg>
"""


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    source = OUT / "mguv.svg"
    source.write_text(svg(), encoding="utf-8")
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (needed by QPainter)
    renderer = QSvgRenderer(QByteArray(source.read_bytes()))
    if not renderer.isValid():
        print(f"invalid SVG: {source}", file=sys.stderr)
        return 1
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(OUT / f"mguv_{size}.png"))
    print(f"wrote {source} and {len(SIZES)} PNGs in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
