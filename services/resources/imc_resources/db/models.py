"""Resources tables: read models of the registry, the district's own resources (with
files, revisions and comments), the centre's bank (the master at the centre, a copy in a
district), and the search index over what is published."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the resources service."""


# --- read models ---------------------------------------------------------------------


class Organisation(Base):
    """An educational organisation as the registry announced it."""

    __tablename__ = "organisations"

    organisation_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(500), default="")
    short_name: Mapped[str] = mapped_column(sa.String(200), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    """A person of the registry (only the fields it shares)."""

    __tablename__ = "people"

    person_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_id: Mapped[UUID | None] = mapped_column(index=True)
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    archived: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- the district's own resources -----------------------------------------------------


class Resource(Base):
    """A methodical resource of this instance's bank, from its draft to its publication
    (and to the centre's bank)."""

    __tablename__ = "resources"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    status: Mapped[str] = mapped_column(sa.String(16), index=True, default="draft")
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    level: Mapped[str] = mapped_column(sa.String(100), default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    licence: Mapped[str] = mapped_column(sa.String(32))
    author_person_id: Mapped[UUID | None] = mapped_column(index=True)
    author_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_id: Mapped[UUID | None] = mapped_column(index=True)
    organisation_name: Mapped[str] = mapped_column(sa.String(500), default="")
    revision: Mapped[int] = mapped_column(default=1)
    """The current revision (a new one on every change of content or files)."""
    text: Mapped[str] = mapped_column(sa.Text, default="")
    """Searchable text of the current files."""
    council_review: Mapped[bool] = mapped_column(default=False)
    """Referred to the methodical council (its secretary may record the council's review)."""
    reviewed_by: Mapped[str] = mapped_column(sa.String(500), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str] = mapped_column(sa.Text, default="")
    site_id: Mapped[UUID | None] = mapped_column(index=True)
    """The site whose results this is (kind ``site_results``)."""
    bank_status: Mapped[str] = mapped_column(sa.String(16), default="")
    """``""`` never sent to the centre's bank, ``shared``, ``withdrawn``."""
    bank_version: Mapped[int] = mapped_column(default=0)
    """Version of the last message to the centre's bank (grows with every share of a
    change and every withdrawal)."""
    bank_revision: Mapped[int] = mapped_column(default=0)
    """The revision last published to the centre's bank."""
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bank_reviewed_by: Mapped[str] = mapped_column(sa.String(500), default="")
    """Who approved the revision last published to the centre's bank."""
    bank_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When that revision was published in the district."""
    bank_reason: Mapped[str] = mapped_column(sa.Text, default="")
    """Why it was withdrawn from the centre's bank."""
    bank_confirmed_version: Mapped[int] = mapped_column(default=0)
    """The newest version the centre's bank confirmed (its change came back down)."""
    bank_centre_status: Mapped[str] = mapped_column(sa.String(16), default="")
    """The entry's status in the centre's bank as it came back down."""
    created_by: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ResourceFile(Base):
    """A file of a resource; a removed one stays for the revisions that had it."""

    __tablename__ = "resource_files"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    resource_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(300))
    type_code: Mapped[str] = mapped_column(sa.String(16))
    media_type: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    added_revision: Mapped[int]
    removed_revision: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ResourceRevision(Base):
    """What a resource was at one revision: its fields and its files."""

    __tablename__ = "resource_revisions"
    __table_args__ = (sa.UniqueConstraint("resource_id", "number"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    resource_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(32))
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    level: Mapped[str] = mapped_column(sa.String(100), default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    licence: Mapped[str] = mapped_column(sa.String(32))
    author_name: Mapped[str] = mapped_column(sa.String(300))
    organisation_name: Mapped[str] = mapped_column(sa.String(500), default="")
    file_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    """What changed, e.g. «добавлен файл «Конспект.docx»»."""
    created_by: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ResourceComment(Base):
    """A comment of a reviewer (or an author), or a step of the review with its note."""

    __tablename__ = "resource_comments"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    resource_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    author_name: Mapped[str] = mapped_column(sa.String(300))
    author_role: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class SiteResultsDraft(Base):
    """The draft of a site's results made when its term ended (once per site and term)."""

    __tablename__ = "site_results_drafts"

    site_id: Mapped[UUID] = mapped_column(primary_key=True)
    term_start: Mapped[date] = mapped_column(primary_key=True)
    term_end: Mapped[date] = mapped_column(primary_key=True)
    resource_id: Mapped[UUID]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


# --- the centre's bank ----------------------------------------------------------------


class BankEntry(Base):
    """A resource of the centre's bank: at the centre the bank itself, in a district its
    copy; a withdrawn entry keeps its version (and no content)."""

    __tablename__ = "bank_entries"

    resource_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    origin_district: Mapped[str] = mapped_column(sa.String(64), index=True)
    origin_district_name: Mapped[str] = mapped_column(sa.String(300), default="")
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(32), default="other")
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    level: Mapped[str] = mapped_column(sa.String(100), default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    licence: Mapped[str] = mapped_column(sa.String(200), default="")
    author_name: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_name: Mapped[str] = mapped_column(sa.String(500), default="")
    reviewed_by: Mapped[str] = mapped_column(sa.String(500), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class BankFile(Base):
    """A file of a bank entry (its bytes in the file store)."""

    __tablename__ = "bank_files"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    resource_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("bank_entries.resource_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(300))
    media_type: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(100))


# --- search -----------------------------------------------------------------------------


class SearchDocument(Base):
    """A published resource as search finds it: ``own`` (this instance's bank) or
    ``centre`` (the centre's bank)."""

    __tablename__ = "search_documents"
    __table_args__ = (sa.UniqueConstraint("source", "resource_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    source: Mapped[str] = mapped_column(sa.String(8))
    resource_id: Mapped[UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200), default="")
    subject_key: Mapped[str] = mapped_column(sa.String(200), index=True, default="")
    level: Mapped[str] = mapped_column(sa.String(100), index=True, default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    licence: Mapped[str] = mapped_column(sa.String(200), default="")
    author_name: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_name: Mapped[str] = mapped_column(sa.String(500), default="")
    origin_district: Mapped[str] = mapped_column(sa.String(64), default="")
    origin_district_name: Mapped[str] = mapped_column(sa.String(300), default="")
    files: Mapped[int] = mapped_column(default=0)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SearchTerm(Base):
    """The inverted index: a stem of a document with its weight."""

    __tablename__ = "search_terms"

    document_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("search_documents.id", ondelete="CASCADE"), primary_key=True
    )
    stem: Mapped[str] = mapped_column(sa.String(100), primary_key=True, index=True)
    weight: Mapped[int]
