"""Registry tables."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the registry."""


class Organisation(Base):
    """An educational organisation of the district."""

    __tablename__ = "organisations"
    __table_args__ = (sa.UniqueConstraint("district", "short_name"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(500))
    short_name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(32))
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    director_name: Mapped[str] = mapped_column(sa.String(200), default="")
    low_results: Mapped[bool] = mapped_column(default=False)
    unfavourable_conditions: Mapped[bool] = mapped_column(default=False)
    resilient: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    sites: Mapped[list["Site"]] = relationship(back_populates="organisation")


class Site(Base):
    """A status of an organisation as a methodical site, with its current state."""

    __tablename__ = "sites"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    organisation_id: Mapped[UUID] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(32))
    topic: Mapped[str] = mapped_column(sa.String(1000))
    term_start: Mapped[date]
    term_end: Mapped[date]
    leader_name: Mapped[str] = mapped_column(sa.String(200))
    leader_position: Mapped[str] = mapped_column(sa.String(200))
    co_leader_name: Mapped[str] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str] = mapped_column(sa.String(200))
    order_number: Mapped[str] = mapped_column(sa.String(64))
    order_date: Mapped[date]
    decision_id: Mapped[UUID] = mapped_column(unique=True)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    organisation: Mapped[Organisation] = relationship(back_populates="sites", lazy="joined")
    history: Mapped[list["SiteStatusEntry"]] = relationship(
        back_populates="site", order_by="SiteStatusEntry.occurred_at"
    )


class SiteStatusEntry(Base):
    """One change in the status history of a site."""

    __tablename__ = "site_status_history"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    site_id: Mapped[UUID] = mapped_column(sa.ForeignKey("sites.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(32))
    previous_status: Mapped[str | None] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    decision_id: Mapped[UUID | None]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    site: Mapped[Site] = relationship(back_populates="history")
