"""Routes of background jobs: every signed-in user follows and downloads their own jobs.

A job belongs to the user who asked for it; anyone else gets a 404 for it
(tests/jobs/test_jobs.py). The walk uses an id that is nobody's job: a 404 for every role.
"""
ALL = {"admin", "analyst", "inspector", "owner", "probation_officer"}

ROUTES = {
    "jobs.index": ALL,
    "jobs.status": ALL,
    "jobs.status_json": ALL,
    "jobs.download": ALL,
    "jobs.retry": ALL,
}

PARAMS = {"job_id": lambda w: "0" * 32}
