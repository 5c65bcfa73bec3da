#!/usr/bin/env bash
# Fault drill (a): stop PostgreSQL mid-run, check 503 pages, start it, check recovery.
# PostgreSQL is ALWAYS started again on exit, whatever happens: others use it.
set -u
cd "$(dirname "$0")/../.."
version=$(ls /etc/postgresql | head -n 1)
restart() {
  pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.5; done
  echo "PostgreSQL did not come back: start it with pg_ctlcluster $version main start" >&2
}
trap restart EXIT INT TERM
.venv/bin/python -m benchmarks.faults.postgres_outage
