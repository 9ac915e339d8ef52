"""Entry point of the standalone app (PyInstaller's script): the same ``main`` as the ``mguv`` command.

Kept separate from ``mguv_app/cli/__main__.py`` so the frozen program's name and module
layout do not depend on running the package as ``-m``.
"""

import sys

from mguv_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
