"""Users, login attempts and the append-only audit log."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String,
                        Text, event)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from enterprises.models import Enterprise
from extensions import db
from facilities.models import Facility
from reference.codes import ROLES, sql_in
from reference.models import ProbationService, Region
from timeutil import utcnow


# Each role has exactly its one kind of scope (an analyst's region is optional).
SCOPE_FITS_ROLE = (
    "(role = 'inspector' AND facility_id IS NOT NULL AND enterprise_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'owner' AND enterprise_id IS NOT NULL AND facility_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'analyst' AND facility_id IS NULL AND enterprise_id IS NULL"
    " AND probation_service_id IS NULL)"
    " OR (role = 'admin' AND facility_id IS NULL AND enterprise_id IS NULL"
    " AND region_id IS NULL AND probation_service_id IS NULL)"
    " OR (role = 'probation_officer' AND probation_service_id IS NOT NULL"
    " AND facility_id IS NULL AND enterprise_id IS NULL AND region_id IS NULL)")


class User(UserMixin, db.Model):
    """A person who logs in; the role and one scope decide what they may see."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facility.id"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    probation_service_id: Mapped[int | None] = mapped_column(ForeignKey("probation_service.id"))
    language: Mapped[str] = mapped_column(String(2), default="ru")
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout, password change and deactivation: every older session dies.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    facility: Mapped[Facility | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()
    region: Mapped[Region | None] = relationship()
    probation_service: Mapped[ProbationService | None] = relationship()

    __table_args__ = (
        CheckConstraint(f"role IN {sql_in(ROLES)}", name="role"),
        CheckConstraint("language IN ('kk', 'ru', 'en')", name="language"),
        CheckConstraint(SCOPE_FITS_ROLE, name="scope_fits_role"),
    )

    def get_id(self):
        """Return the session identity: id and session version, so old cookies fail."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        """Let Flask-Login refuse disabled users."""
        return self.is_enabled


class ApiToken(db.Model):
    """A personal API token: it acts as its user, with the user's role and scope.

    Only the SHA-256 of the secret is kept; the secret is shown once, when it is made.
    A read-only token may not write. A revoked token is kept, so the audit log still names it.
    """

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so a user can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (CheckConstraint("length(secret_sha256) = 64", name="secret_sha256_length"),)

    @property
    def is_revoked(self):
        """Say whether the token has been revoked."""
        return self.revoked_at is not None


class LoginAttempt(db.Model):
    """One login attempt, kept to throttle guessing across all workers."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60))
    ip: Mapped[str] = mapped_column(String(45))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_login_at", "login", "at"),
        Index("ix_login_attempt_ip_at", "ip", "at"),
    )


class AuditEvent(db.Model):
    """Who did what to which record, when, from where, and how it ended; never updated."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    login: Mapped[str | None] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(20), index=True)
    entity: Mapped[str | None] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(45))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, _target):
    """Refuse to change or remove an audit event."""
    raise PermissionError("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_audit_changes(state):
    """Refuse bulk UPDATE or DELETE statements on the audit log too."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ is AuditEvent:
        raise PermissionError("audit events are append-only")
