#!/usr/bin/env bash
# Set up a development/demo environment: system packages (when run as root on
# Debian/Ubuntu), a virtualenv, and the project with its pinned dependencies.
set -euo pipefail
PYTHON=${1:-python3}
VENV=${2:-.venv}
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  scripts/system-packages.sh
else
  echo "setup: not root (or no apt-get): skipping system packages; lab parts that need them" \
       "(FreeRADIUS, Kea, PostgreSQL) are left out and their tests skip with the reason." >&2
fi

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
touch "$VENV/bin/reconciler"
echo "setup: ready ($VENV)"
