#!/usr/bin/env bash
# Set up a development/demo environment: system packages (when run as root on
# Debian/Ubuntu), a virtualenv, and the project with its pinned dependencies.
set -euo pipefail
PYTHON=${1:-python3}
VENV=${2:-.venv}
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  scripts/system-packages.sh
elif command -v apt-get >/dev/null 2>&1 && ! missing=$(scripts/system-packages.sh --check); then
  echo "setup: the lab needs Debian packages that are missing: $missing" >&2
  if command -v sudo >/dev/null 2>&1; then
    echo "setup: installing them with sudo (scripts/system-packages.sh)" >&2
    sudo scripts/system-packages.sh || echo "setup: could not install them; lab parts that" \
      "need them fail and their tests skip with the reason" >&2
  else
    echo "setup: run scripts/system-packages.sh as root to install them" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
touch "$VENV/bin/reconciler"
echo "setup: ready ($VENV)"
