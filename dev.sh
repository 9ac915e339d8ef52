#!/usr/bin/env bash
# MGU-V Studio set-up and entry points for a fresh Debian machine (run as root, or with sudo available).
#   ./dev.sh app     install what is missing, then start the app
#   ./dev.sh test    install what is missing, then run the whole test suite
#   ./dev.sh setup   only install
# Idempotent: system packages are installed only when missing, and the venv is refreshed
# only when pyproject.toml changed, so a second run starts in about a second.
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
stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
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
  *) echo "usage: $0 [app|test|setup]" >&2; exit 2 ;;
esac
