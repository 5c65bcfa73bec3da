#!/usr/bin/env bash
# Run the fault drills that leave PostgreSQL alone, on both databases.
# The PostgreSQL outage drill stops the shared server: run postgres_outage.sh on its own.
set -u
cd "$(dirname "$0")/../.."
status=0
for drill in concurrent_edit killed_request disk_full; do
  for db in sqlite postgresql; do
    echo "== $drill on $db"
    .venv/bin/python -m "benchmarks.faults.$drill" --db "$db" || status=1
  done
done
exit $status
