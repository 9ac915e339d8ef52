"""``python -m mguv_app.cli`` runs the ``mguv`` command."""

import sys

from . import main

sys.exit(main())
