"""Registry tables."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


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
    phone: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    search_text: Mapped[str] = mapped_column(sa.String(800), default="", server_default="")
    """Folded names (lower case, «ё» as «е») that a search matches on every database."""
    low_results: Mapped[bool] = mapped_column(default=False)
    unfavourable_conditions: Mapped[bool] = mapped_column(default=False)
    resilient: Mapped[bool] = mapped_column(default=False)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime | None] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )

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
    co_leader_name: Mapped[str | None] = mapped_column(sa.String(200))
    co_leader_position: Mapped[str | None] = mapped_column(sa.String(200))
    order_number: Mapped[str] = mapped_column(sa.String(64))
    """The last order on the site (assignment, extension or termination)."""
    order_date: Mapped[date]
    decision_id: Mapped[UUID] = mapped_column(unique=True)
    """The council's decision that assigned the status."""
    last_decision_id: Mapped[UUID]
    """The decision the last order confirmed."""
    last_order_id: Mapped[UUID | None]
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    """Counts the announced changes; SITE_STATUS_CHANGED carries it for versioned readers."""
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
    order_id: Mapped[UUID | None] = mapped_column(unique=True, index=True)
    """The order that made the change; a repeat of it is a no-op."""
    order_kind: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    order_number: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    order_date: Mapped[date | None]
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    site: Mapped[Site] = relationship(back_populates="history")


class CentreSite(Base):
    """An inter-municipal site of the centre (ММЦ), the newest state received.

    A read model of the centre's SITE_STATUS_CHANGED: never re-published, never joined
    to the district's own organisations or sites.
    """

    __tablename__ = "centre_sites"
    __table_args__ = (sa.Index("ix_centre_sites_status", "status"),)

    site_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the change happened at the centre; decides between two unversioned states."""
    centre: Mapped[str] = mapped_column(sa.String(64))
    """Code of the centre the site came from (the envelope's instance)."""
    organisation_id: Mapped[UUID]
    organisation_full_name: Mapped[str] = mapped_column(sa.String(500))
    organisation_short_name: Mapped[str] = mapped_column(sa.String(200))
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
    decision_id: Mapped[UUID]
    reason: Mapped[str] = mapped_column(sa.String(1000))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    """A teacher, manager or methodist of the district, with the consent record."""

    __tablename__ = "people"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[str] = mapped_column(sa.String(200))
    staff_group: Mapped[str] = mapped_column(sa.String(32))
    organisation_id: Mapped[UUID | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    qualification_category: Mapped[str] = mapped_column(sa.String(32))
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(100), default="")
    consent_given: Mapped[bool] = mapped_column(default=False)
    consent_date: Mapped[date | None]
    consent_document: Mapped[str] = mapped_column(sa.String(300), default="")
    search_text: Mapped[str] = mapped_column(sa.String(800), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )


class Structure(Base):
    """A methodical structure: council, association, workshop, group (003 §3)."""

    __tablename__ = "structures"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    district: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    organisation_id: Mapped[UUID | None] = mapped_column(sa.ForeignKey("organisations.id"))
    subject: Mapped[str] = mapped_column(sa.String(100), default="")
    head_id: Mapped[UUID | None] = mapped_column(sa.ForeignKey("people.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )

    head: Mapped[Person | None] = relationship(lazy="selectin")
    members: Mapped[list["StructureMember"]] = relationship(
        back_populates="structure",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="StructureMember.joined_at",
    )


class StructureMember(Base):
    """A person in a structure, with the role they have there."""

    __tablename__ = "structure_members"

    structure_id: Mapped[UUID] = mapped_column(sa.ForeignKey("structures.id"), primary_key=True)
    person_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("people.id"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)

    structure: Mapped[Structure] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(lazy="selectin")
