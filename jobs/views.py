"""A job's progress page (the user may leave and come back), its state as JSON, the
download and a retry."""
from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user

from accounts import audit
from accounts.permissions import ALL_ROLES, roles
from extensions import db

from . import services
from .blueprint import bp
from .models import Job


def own_job(job_id):
    """Return the current user's job, or answer 404 (another user's job does not exist)."""
    job = db.session.get(Job, job_id) if len(job_id) == 32 and job_id.isalnum() else None
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


def state(job):
    """Return what the progress page shows of a job."""
    return {"status": job.status, "done": job.done, "total": job.total, "share": job.share,
            "stalled": services.is_stalled(job),
            "download": url_for("jobs.download", job_id=job.id)
            if job.status == "finished" else None}


@bp.route("/")
@roles(*ALL_ROLES)
def index():
    """List the user's recent jobs with their progress and downloads."""
    jobs = services.recent_jobs(current_user)
    return render_template("jobs/index.html", jobs=jobs,
                           states={job.id: state(job) for job in jobs})


@bp.route("/<job_id>")
@roles(*ALL_ROLES)
def status(job_id):
    """Show a job's progress bar, which moves until the file is ready."""
    job = own_job(job_id)
    return render_template("jobs/status.html", job=job, state=state(job))


@bp.route("/<job_id>.json")
@roles(*ALL_ROLES)
def status_json(job_id):
    """Return a job's progress for the page's script."""
    return state(own_job(job_id))


@bp.route("/<job_id>/download")
@roles(*ALL_ROLES)
def download(job_id):
    """Send the job's file, once it is ready."""
    job = own_job(job_id)
    if job.status != "finished":
        abort(404)
    audit.record("export", entity="job", entity_id=job.id, detail=job.filename)
    db.session.commit()
    response = Response(job.result, mimetype=job.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<job_id>/retry", methods=["POST"])
@roles(*ALL_ROLES)
def retry(job_id):
    """Run a failed or interrupted job again."""
    job = own_job(job_id)
    if job.status == "finished" or not (job.status == "failed" or services.is_stalled(job)):
        return redirect(url_for("jobs.status", job_id=job.id))
    again = services.retry(job, current_user)
    db.session.commit()
    services.start(again.id)
    return redirect(url_for("jobs.status", job_id=again.id))
