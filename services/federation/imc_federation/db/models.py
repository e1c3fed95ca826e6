"""The centre's read models."""

from datetime import date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the aggregator."""


class CentreSite(Base):
    """A site of some district, as last reported by that district."""

    __tablename__ = "centre_sites"

    site_id: Mapped[UUID] = mapped_column(primary_key=True)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    organisation_id: Mapped[UUID]
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    term_start: Mapped[date]
    term_end: Mapped[date]
    leader_name: Mapped[str] = mapped_column(sa.String(200))
    leader_position: Mapped[str] = mapped_column(sa.String(200))
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    order_number: Mapped[str] = mapped_column(sa.String(64))
    order_date: Mapped[date]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    """When the reported change happened in the district (orders arrivals)."""
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    message_id: Mapped[UUID]


class DistrictActivity(Base):
    """When the centre last heard from each district."""

    __tablename__ = "district_activity"

    district: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last_message_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    messages: Mapped[int] = mapped_column(default=0)
