"""MGU-V Studio core: music data, MIDI I/O, the VAE model and engine, audio, and the CLI.

Nothing in this package imports Qt; the ``ui`` package builds the window on top of it.
"""

__version__ = "0.1.0"
APP_NAME = "MGU-V Studio"
