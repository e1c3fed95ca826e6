"""Documents tables."""

from datetime import UTC, date, datetime
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
