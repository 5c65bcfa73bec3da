"""Fault drills (issue 8, part 4); each script prints PASS or FAIL with its evidence.

- postgres_outage.sh: PostgreSQL stops mid-run: 503 pages, no traceback, service resumes.
- killed_request.py: a worker killed inside a placement or import transaction leaves
  nothing half-written.
- disk_full.py: an export on a full disk gives a clear error.
- concurrent_edit.py: the second of two edits of one production line gets a conflict.
"""
