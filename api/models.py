"""What the API keeps of its own: the answers of idempotent writes."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import utcnow


class IdempotentRequest(db.Model):
    """A write sent with an ``Idempotency-Key``, and the answer it got.

    One row per user and key, enforced by a unique constraint: of two requests with the same
    key, the database lets one insert its row and write; the other waits for it, is refused
    the row, and answers what the first answered. The row lands in the write's own
    transaction, so a refused write keeps no key.
    """

    __tablename__ = "idempotent_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    key: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(SmallInteger)
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),)
