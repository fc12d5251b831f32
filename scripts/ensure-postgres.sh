#!/usr/bin/env bash
# Make PostgreSQL answer at 127.0.0.1:5432 with trust auth and a database `test`.
# Starts an installed server; installs one from Debian's packages when running as root (as CI does).
set -euo pipefail
host=127.0.0.1 port=5432

ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$host" -p "$port"; }

if ! ready; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
      echo "ensure-postgres: no PostgreSQL here and cannot install one; PostgreSQL tests will be skipped" >&2
      exit 0
    fi
    echo "ensure-postgres: installing PostgreSQL from Debian's packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$conf/pg_hba.conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
ready || { echo "ensure-postgres: PostgreSQL did not come up at $host:$port" >&2; exit 1; }
if ! psql -h "$host" -p "$port" -U postgres -d test -Atqc 'select 1' >/dev/null 2>&1; then
  psql -h "$host" -p "$port" -U postgres -d postgres -qc 'create database test' >/dev/null
fi
echo "ensure-postgres: PostgreSQL ready at $host:$port" >&2
