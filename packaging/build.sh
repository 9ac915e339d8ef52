#!/usr/bin/env bash
# Build the standalone app: dist/mguv-studio/mguv (one folder, ~0.9 GB, Linux x86-64).
#   packaging/build.sh [extra pyinstaller options, e.g. --distpath DIR --workpath DIR]
# Uses the project venv (./dev.sh setup makes it); installs the tested PyInstaller into it if missing.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
PYINSTALLER_VERSION=6.22.3
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "no $VENV: run ./dev.sh setup first" >&2
  exit 2
fi
if ! "$VENV/bin/python" -c "import PyInstaller" 2>/dev/null; then
  "$VENV/bin/python" -m pip install -q "pyinstaller==$PYINSTALLER_VERSION"
fi
exec "$VENV/bin/python" -m PyInstaller build.spec --noconfirm "$@"
