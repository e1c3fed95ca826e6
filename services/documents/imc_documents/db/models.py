"""Documents tables."""

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the documents service."""


class Document(Base):
    """A generated document with its DOCX and PDF renderings."""

    __tablename__ = "documents"
    __table_args__ = (sa.UniqueConstraint("kind", "subject_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    kind: Mapped[str] = mapped_column(sa.String(64))
    subject_id: Mapped[UUID]
    """What it is about: the order, the refused decision, the meeting or the agenda item."""
    organisation_id: Mapped[UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    number: Mapped[str] = mapped_column(sa.String(64))
    dated: Mapped[date]
    template: Mapped[str] = mapped_column(sa.String(200))
    docx_key: Mapped[str] = mapped_column(sa.String(200))
    docx_sha256: Mapped[str] = mapped_column(sa.String(64))
    docx_size: Mapped[int]
    pdf_key: Mapped[str] = mapped_column(sa.String(200))
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    source_key: Mapped[str | None] = mapped_column(sa.String(200))
    """What a rendered-on-request document was made from (the caller's key, or the
    checksum of its data); with ``template_version`` it makes the document unique."""
    template_version: Mapped[str | None] = mapped_column(sa.String(64))
    """Checksum (first 16 hex digits of SHA-256) of the template file it was rendered from."""
    verification_number: Mapped[str | None] = mapped_column(sa.String(16), unique=True, index=True)
    """Short number on a certificate or statement, checked at ``/public/verify/{number}``."""
    person_name: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    """Whom a certificate, statement or letter was issued to."""
    person_id: Mapped[UUID | None] = mapped_column(index=True)
    """The registry person it was issued to, where known (certificates of participation
    always): a teacher downloads only their own."""
    district: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    """The issuing district (its name) as the verification page shows it."""
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")


class Batch(Base):
    """A bulk job: many documents of one template (e.g. certificates for an event)."""

    __tablename__ = "batches"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    """The caller's key of the job, or the checksum of its template and items: the same
    job posted again finds this one."""
    template: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """pending → running → done (every item made) or failed (some item gave up)."""
    total: Mapped[int]
    organisation_id: Mapped[UUID | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class BatchItem(Base):
    """One document of a bulk job."""

    __tablename__ = "batch_items"
    __table_args__ = (sa.UniqueConstraint("batch_id", "position"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    batch_id: Mapped[UUID] = mapped_column(sa.ForeignKey("batches.id"), index=True)
    position: Mapped[int]
    source_key: Mapped[str] = mapped_column(sa.String(200))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """pending, done or failed (after ``attempts`` tries; retried on request)."""
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.String(1000), default="")
    document_id: Mapped[UUID | None] = mapped_column(sa.ForeignKey("documents.id"))


class TemplateVersion(Base):
    """A district's replacement of a template, checked before it was stored.

    Versions of one template are numbered 1, 2, …; at most one is ``active`` (none: the
    built-in template is used). Rolling back activates an older version (or none).
    """

    __tablename__ = "template_versions"
    __table_args__ = (sa.UniqueConstraint("template", "version"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    template: Mapped[str] = mapped_column(sa.String(64), index=True)
    version: Mapped[int]
    file_key: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    active: Mapped[bool] = mapped_column(default=False)
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)


class AttendanceMark(Base):
    """The latest attendance mark of one registration (from ``scheduling.attendance.recorded``):
    a repeated or older mark is recognised by its version and changes nothing."""

    __tablename__ = "attendance_marks"

    registration_id: Mapped[UUID] = mapped_column(primary_key=True)
    version: Mapped[int]
    attended: Mapped[bool]
    document_id: Mapped[UUID | None] = mapped_column(sa.ForeignKey("documents.id"))
    """The certificate issued for the registration, once there is one."""
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
