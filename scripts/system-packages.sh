#!/usr/bin/env bash
# Debian packages the lab and the tests use. Idempotent; needs root.
# --check: only say which are missing (exit 1 if any), for setup without root.
set -euo pipefail
# One package a line, with who needs it (keeps additions easy to merge).
PACKAGES=(
  python3-venv  # the virtualenv setup.sh creates (Debian splits venv out of python3)
  sqlite3       # the embedded SQL databases, inspected by hand
  postgresql    # PostgreSQL variants of the SQL targets' tests (private cluster per run)
  kea-dhcp4-server  # the real DHCP server of the Kea target's tests and the lab (kea-dhcp4)
  kea-ctrl-agent    # Kea's HTTP control agent: the Kea target's HTTP transport test
  iproute2      # network namespaces for the DHCP lease test (ip netns)
  shellcheck    # actionlint checks the workflows' shell steps with it (tests/gitops)
  freeradius             # RADIUS: the real server in the lab and its tests
  freeradius-utils       # RADIUS: radclient/radtest for checks by hand
  freeradius-postgresql  # RADIUS: rlm_sql_postgresql for the PostgreSQL variant
  eapoltest              # RADIUS: eapol_test, a real 802.1X supplicant (PEAP tests)
  chromium               # console: the browser the console's tests drive (Playwright)
  chromium-driver        # console: chromium's WebDriver, for driving it by hand
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${1:-}" = --check ]; then
  [ ${#missing[@]} -eq 0 ] && exit 0
  echo "${missing[*]}"
  exit 1
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
