"""``python -m mguv_app`` runs the ``mguv`` command."""

import sys

from .cli import main

sys.exit(main())
