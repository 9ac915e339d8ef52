"""Everything Qt: the main window, the piano roll, panels and their adapters over ``mguv_app``."""

from ._none_guard import make_none_immortal

make_none_immortal()  # None, True, False; before any PySide6 call (see _none_guard: PySide6 6.12, CPython 3.11)
