"""Scheduling tables."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the scheduling service."""


class Roadmap(Base):
    """The road map of a site: its events, forms, responsible people, deadlines."""

    __tablename__ = "roadmaps"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    site_id: Mapped[UUID] = mapped_column(unique=True)
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    title: Mapped[str] = mapped_column(sa.String(300))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(32), default="open")
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
