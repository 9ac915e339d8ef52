#!/usr/bin/env bash
# MGU-V Studio set-up and entry points for a fresh Debian machine (run as root, or with sudo available).
#   ./dev.sh app     install what is missing, then start the app
#   ./dev.sh test    install what is missing, then ruff and the whole test suite (what CI runs)
#   ./dev.sh quick   install what is missing, then ruff and the fast tests (-m "not slow", about a minute)
#   ./dev.sh setup   only install
# Extra arguments go to the app or to pytest (./dev.sh quick tests/test_midi_io.py -x).
# Idempotent: system packages are installed only when missing, and the venv is refreshed
# only when pyproject.toml or constraints.txt changed, so a second run starts in about a second.
# Python packages come in the exact versions of constraints.txt (pyproject.toml holds ranges).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

APT_PACKAGES=(python3 python3-venv python3-pip libfluidsynth3 fluid-soundfont-gm
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-xinerama0 libxcb-image0 libxcb-xkb1 libxrender1 libxi6 xvfb xauth)
VENV=.venv

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "installing system packages: ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -c constraints.txt -e ".[dev]"
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

case "${1:-app}" in
  setup) ;;
  app)
    shift || true
    exec "$VENV/bin/mguv" "$@" ;;
  test)
    shift || true
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/python" -m ruff check .
    exec "$VENV/bin/python" -m pytest "$@" ;;
  quick)
    shift || true
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/python" -m ruff check .
    exec "$VENV/bin/python" -m pytest -m "not slow" -q "$@" ;;
  *) echo "usage: $0 [app|test|quick|setup]" >&2; exit 2 ;;
esac
