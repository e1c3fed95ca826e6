"""Notifications tables: who can be reached, and what was sent to whom."""

from datetime import UTC, date, datetime
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
    staff_group: Mapped[str] = mapped_column(
        sa.String(32), default="other", server_default="other", index=True
    )
    """The registry's staff group; ``imc_methodist`` are the centre's coordinators."""
    max_user_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    """The person's user id in the MAX messenger (set with their preferences)."""
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class Participation(Base):
    """A registration for an event and whose it is, kept from scheduling's
    ``attendance.recorded`` messages: a certificate names its registration, not the person."""

    __tablename__ = "participations"

    registration_id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(index=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    event_title: Mapped[str] = mapped_column(sa.String(500))
    form_title: Mapped[str] = mapped_column(sa.String(200))
    version: Mapped[int]
    """The newest attendance mark seen; an older one does not overwrite it."""
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class CouncilMeeting(Base):
    """A meeting of the methodical council, kept from applications' ``meeting.scheduled``
    messages: its protocol arrives as a document naming only the meeting."""

    __tablename__ = "council_meetings"

    meeting_id: Mapped[UUID] = mapped_column(primary_key=True)
    protocol_number: Mapped[str] = mapped_column(sa.String(50))
    held_on: Mapped[date] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class MeetingInvitee(Base):
    """A member of the council invited to a meeting (who receives its protocol)."""

    __tablename__ = "meeting_invitees"

    meeting_id: Mapped[UUID] = mapped_column(primary_key=True)
    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))


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
    addressee_id: Mapped[UUID | None] = mapped_column(index=True)
    """Whose preferences apply: a person, an organisation, or a bare address's key."""
    topic: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    channel: Mapped[str] = mapped_column(sa.String(16), default="email", server_default="email")
    digest_id: Mapped[UUID | None] = mapped_column()
    """The digest that carried this held notification."""


class DeliveryEvent(Base):
    """One line of a notification's delivery log."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    notification_id: Mapped[UUID] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    status: Mapped[str] = mapped_column(sa.String(16))
    detail: Mapped[str] = mapped_column(sa.Text, default="")


class Preference(Base):
    """How one addressee wants to hear about one topic."""

    __tablename__ = "preferences"

    addressee_id: Mapped[UUID] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    cadence: Mapped[str] = mapped_column(sa.String(16))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class InboxItem(Base):
    """A message in a person's in-app inbox (the portal shows it)."""

    __tablename__ = "inbox_items"
    __table_args__ = (sa.UniqueConstraint("cause_id", "addressee_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    addressee_id: Mapped[UUID] = mapped_column(index=True)
    cause_id: Mapped[UUID] = mapped_column()
    topic: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
