"""Notifications tables: who can be reached, and what was sent to whom."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the notifications service."""


class Recipient(Base):
    """An organisation's contact, kept from the registry's messages."""

    __tablename__ = "recipients"

    organisation_id: Mapped[UUID] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Person(Base):
    """A person's contact, kept from the registry's ``person.upserted`` messages."""

    __tablename__ = "people"

    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation_id: Mapped[UUID | None] = mapped_column(index=True)
    archived: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Notification(Base):
    """One email to one recipient, and its delivery log."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("cause_id", "email"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    cause_id: Mapped[UUID] = mapped_column(index=True)
    """The message that caused the notification."""
    email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    attachment_path: Mapped[str | None] = mapped_column(sa.String(500))
    attachment_name: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
