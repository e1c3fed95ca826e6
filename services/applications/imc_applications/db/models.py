"""Applications tables."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the applications service."""


class Application(Base):
    """An application of an organisation for a site status (000 §3.2)."""

    __tablename__ = "applications"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    site_kind: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    status: Mapped[str] = mapped_column(sa.String(32), default="submitted")
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    documents: Mapped[list["ApplicationDocument"]] = relationship(
        back_populates="application", lazy="selectin"
    )
    decision: Mapped["Decision | None"] = relationship(
        back_populates="application", lazy="selectin"
    )


class ApplicationDocument(Base):
    """One stored document of an application package."""

    __tablename__ = "application_documents"
    __table_args__ = (sa.UniqueConstraint("application_id", "kind"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    application_id: Mapped[UUID] = mapped_column(sa.ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255))

    application: Mapped[Application] = relationship(back_populates="documents")


class Decision(Base):
    """The methodical council's decision on an application."""

    __tablename__ = "decisions"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    application_id: Mapped[UUID] = mapped_column(sa.ForeignKey("applications.id"), unique=True)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    decided_on: Mapped[date]
    council_protocol: Mapped[str] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.String(2000))
    term_years: Mapped[int | None]
    term_start: Mapped[date | None]
    term_end: Mapped[date | None]
    leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    order_number: Mapped[str | None] = mapped_column(sa.String(64))
    order_date: Mapped[date | None]
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    application: Mapped[Application] = relationship(back_populates="decision")
