"""A background job: what was asked, by whom, how far it got, and the file it made."""
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from extensions import db
from timeutil import utcnow

STATUSES = ("queued", "running", "finished", "failed")


class Job(db.Model):
    """One piece of long work for one user; its file is kept with it until it expires.

    The id is random and long, but a job is still only shown to the user who asked for it.
    The result is written in the same transaction that marks the job finished, so a job
    killed halfway leaves no file, only a job that stopped reporting (see ``is_stalled``).
    """

    __tablename__ = "job"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    params: Mapped[str] = mapped_column(Text, default="{}")
    language: Mapped[str] = mapped_column(String(2), default="ru")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(200))
    mimetype: Mapped[str | None] = mapped_column(String(120))
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')", name="status"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_nonnegative"),
        CheckConstraint("status <> 'finished' OR filename IS NOT NULL", name="finished_has_file"),
    )

    @property
    def share(self):
        """Return how far the job got, 0..1 (None while the total is unknown)."""
        if self.status == "finished":
            return 1.0
        return min(self.done / self.total, 1.0) if self.total else None
