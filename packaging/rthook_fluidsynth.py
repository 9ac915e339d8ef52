"""PyInstaller runtime hook: make pyfluidsynth load the libfluidsynth shipped in the bundle.

pyfluidsynth calls ``ctypes.util.find_library("fluidsynth")``, which searches the system
(ldconfig cache, gcc, ld) and never the bundle's folder, so a frozen app on a machine
without libfluidsynth would fail, and one with it would mix the system's copy with our
bundled dependencies. Names of the FluidSynth family resolve to the bundled file;
everything else goes to the original function.
"""

import ctypes.util
import os
import sys

_bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "libfluidsynth.so.3")

if os.path.isfile(_bundled):
    _original_find_library = ctypes.util.find_library

    def _find_library(name):
        if name.removeprefix("lib").split("-")[0] == "fluidsynth":
            return _bundled
        return _original_find_library(name)

    ctypes.util.find_library = _find_library
