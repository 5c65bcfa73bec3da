"""Long work in the background: a progress bar that moves, the file when it is ready, and a
job killed halfway that leaves nothing and runs again."""
import io
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db
from jobs import services as job_services
from jobs.models import Job
from marketplace.models import WageRecord
from tests import factories
from tests.jobs import handlers

ROOT = Path(__file__).resolve().parents[2]


def wait_for(client, job_id, statuses=("finished", "failed"), seconds=30):
    """Poll the job's state, as the page's script does, until it reaches a status."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(f"/jobs/{job_id}.json").get_json()
        if state["status"] in statuses or state["stalled"]:
            return state
        time.sleep(0.1)  # a bounded poll on the job's own state
    raise AssertionError(f"job {job_id} did not finish: {state}")


def wages(world, months=3):
    """Give the world's person a placement with a few months of wages."""
    placement = factories.placement(world.person_a, world.line_a, started_on=date(2024, 1, 1))
    for month in range(1, months + 1):
        db.session.add(WageRecord(placement_id=placement.id, month=date(2024, month, 1),
                                  days_worked=21, hours_worked=168, norm_hours=168,
                                  norm_met=True, accrued_kzt=90_000, credited_kzt=90_000))
    db.session.commit()


def test_raw_export_runs_in_the_background_and_downloads(app, world, client, auth):
    wages(world)
    auth.login("admin")
    response = client.post("/reports/raw", data={"on": "2024-06-30", "lang": "en"})
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'id="job-bar"' in page and "jobs.js" in page
    state = wait_for(client, job_id)
    assert state["status"] == "finished" and state["share"] == 1.0
    download = client.get(state["download"])
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert 'filename="wages_2023-07_2024-06.xlsx"' in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data), read_only=True).worksheets[0]
                .iter_rows(values_only=True))
    assert rows[0][:2] == ("Placement", "File number") and len(rows) == 1 + 3
    assert {row[2] for row in rows[1:]} == {world.facility_a.code}
    assert "export" in {e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity.in_(("job", "raw_wages"))))}
    assert client.get("/jobs/").get_data(as_text=True).count(state["download"]) == 1


def test_another_users_job_does_not_exist_for_them(app, world, client, auth):
    auth.login("admin")
    job_id = client.post("/reports/raw", data={"on": "2024-06-30"}).headers["Location"][-32:]
    wait_for(client, job_id)
    auth.logout()
    auth.login("analyst")
    for path in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
        assert client.get(path).status_code == 404
    assert client.post(f"/jobs/{job_id}/retry").status_code == 404
    assert client.get("/jobs/" + "x" * 40).status_code == 404


def test_only_administrators_prepare_the_raw_export(app, world, client, auth):
    auth.login("analyst")
    assert client.post("/reports/raw", data={"on": "2024-06-30"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_failed_job_says_so_and_runs_again(app, world, client, auth):
    handlers.ATTEMPTS["count"] = 0
    auth.login("inspector_a")
    job = job_services.submit("test_fails_once", world.users.inspector_a, {}, "en")
    db.session.commit()
    job_services.start(job.id)
    state = wait_for(client, job.id)
    assert state["status"] == "failed" and state["download"] is None
    assert "Run again" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    again = client.post(f"/jobs/{job.id}/retry").headers["Location"].rsplit("/", 1)[-1]
    assert again != job.id
    assert wait_for(client, again)["status"] == "finished"
    assert client.get(f"/jobs/{again}/download").data == b"done"


def test_a_job_killed_halfway_leaves_nothing_and_can_run_again(app, world, client, auth,
                                                               database_url):
    app.config["JOB_STALL_SECONDS"] = 1
    auth.login("inspector_a")
    job = job_services.submit("test_slow", world.users.inspector_a, {}, "en")
    db.session.commit()
    script = ("import sys; from tests.conftest import make_test_app; "
              "import tests.jobs.handlers; from jobs.services import run; "
              "app = make_test_app(sys.argv[1]); ctx = app.app_context(); ctx.push(); "
              "run(sys.argv[2])")
    worker = subprocess.Popen([sys.executable, "-c", script, database_url, job.id], cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        state = wait_for(client, job.id, statuses=("running",), seconds=60)
        deadline = time.monotonic() + 30
        while state["done"] < 3 and time.monotonic() < deadline:  # until progress was reported
            time.sleep(0.1)
            state = client.get(f"/jobs/{job.id}.json").get_json()
        assert state["status"] == "running" and state["done"] == 3
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    db.session.expire_all()
    killed = db.session.get(Job, job.id)
    assert killed.status == "running" and killed.result is None and killed.filename is None
    state = wait_for(client, job.id, statuses=(), seconds=10)  # until it counts as stalled
    assert state["stalled"] and state["download"] is None
    handlers.SLOW["seconds"] = 0  # the run in this process is quick
    try:
        again = client.post(f"/jobs/{job.id}/retry").headers["Location"].rsplit("/", 1)[-1]
        assert again != job.id and wait_for(client, again)["status"] == "finished"
    finally:
        handlers.SLOW["seconds"] = 60
