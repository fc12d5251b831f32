#!/usr/bin/env bash
# Print a Python >= 3.11 that has venv; install Debian's python3 when there is none and we may (root + apt).
set -euo pipefail

usable() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

find_python() {
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] || continue
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if usable "$path"; then echo "$path"; return 0; fi
  done
  return 1
}

if find_python; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-python: installing python3 with venv from Debian's packages" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-dev >&2
  find_python && exit 0
fi
echo "ensure-python: Pulse needs Python >= 3.11 with the venv module; install it and run again" >&2
exit 1
