"""Where the right-hand panels go by default, for a 1280x800 screen and up (a saved layout overrides it).

* Below ``TALL`` px of window height (1280x800, the default 1400x860) Generate, the latent map and
  Endless share one tall dock as tabs: the Generate dock then shows its actions and two or three rows of
  results, where stacked under the map it showed one row and hid its actions below the fold.
* From ``TALL`` px up (1920x1080) the map gets its own place under Generate (Generate 60%), so both show
  at once; Endless stays a tab beside Generate.

The docks are as wide as a fifth of the window, between ``MIN_WIDTH`` (two result thumbnails a row)
and ``MAX_WIDTH``; never narrower than their content (``VScrollArea``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

TALL = 1000
MIN_WIDTH, MAX_WIDTH = 400, 520
GENERATE_SHARE = 0.6  # of the dock column's height, when the map is stacked under Generate


def right_dock_width(window_width: int) -> int:
    return max(MIN_WIDTH, min(MAX_WIDTH, round(window_width * 0.22)))


def arrange_right_docks(window) -> None:
    """Lay out the Generate, Latent map and Endless docks for the window's present size (see the module)."""
    docks = window.docks
    gen, chart, endless = docks.get("Generate"), docks.get("Latent map"), docks.get("Endless")
    if gen is None:
        return
    right = Qt.DockWidgetArea.RightDockWidgetArea
    for dock in (chart, endless):  # out of any tab group first (a tabbed Generate would take the map as a tab)
        if dock is not None and window.tabifiedDockWidgets(dock):
            shown = not dock.isHidden() or dock.toggleViewAction().isChecked()
            window.removeDockWidget(dock)
            window.addDockWidget(right, dock)
            dock.setVisible(shown)
    if chart is not None:
        if window.height() >= TALL:
            window.splitDockWidget(gen, chart, Qt.Orientation.Vertical)
            window.resizeDocks([gen, chart], [round(100 * GENERATE_SHARE), round(100 * (1 - GENERATE_SHARE))],
                               Qt.Orientation.Vertical)
        else:
            window.tabifyDockWidget(gen, chart)
    if endless is not None:
        window.tabifyDockWidget(gen, endless)
    gen.raise_()
    window.resizeDocks([gen], [right_dock_width(window.width())], Qt.Orientation.Horizontal)
