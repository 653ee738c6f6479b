#!/usr/bin/env bash
# Debian packages the lab and the tests use. Idempotent; needs root.
set -euo pipefail
# One package a line, with who needs it (keeps additions easy to merge).
PACKAGES=(
  sqlite3       # the embedded SQL databases, inspected by hand
  postgresql    # PostgreSQL variants of the SQL targets' tests (private cluster per run)
  shellcheck    # actionlint checks the workflows' shell steps with it (tests/gitops)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
