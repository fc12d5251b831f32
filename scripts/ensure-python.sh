#!/usr/bin/env bash
# Make sure a Python >= 3.11 with venv is available; install Debian's when it is not and we may.
set -euo pipefail
python="${1:-python3}"
if "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-python: installing python3 with venv from Debian's packages" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-dev >/dev/null
  exit 0
fi
echo "ensure-python: Pulse needs Python >= 3.11 with the venv module; install it and run again" >&2
exit 1
