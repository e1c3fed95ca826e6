"""Analytics tables: the registry's organisations (read model), imported exam results,
the school codes imports learned, saved analyses with their problems and the work each
problem became."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from imc_contracts import new_message_id
from imc_shared.db import UTCDateTime


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of the analytics service."""


class Organisation(Base):
    """An educational organisation as the registry announced it."""

    __tablename__ = "organisations"

    organisation_id: Mapped[UUID] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(500), default="")
    short_name: Mapped[str] = mapped_column(sa.String(200), default="")
    kind: Mapped[str] = mapped_column(sa.String(32), default="")
    low_results: Mapped[bool] = mapped_column(default=False)
    """A school with low educational results (ШНОР, 001), when the registry says so."""
    archived: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def display(self) -> str:
        return self.short_name or self.full_name


class SchoolCode(Base):
    """A school code of the regional files, tied to an organisation by an import that
    named both (a later file may then give the code alone)."""

    __tablename__ = "school_codes"

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    """Folded."""
    organisation_id: Mapped[UUID]
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ResultImport(Base):
    """One accepted file."""

    __tablename__ = "imports"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    filename: Mapped[str] = mapped_column(sa.String(300), default="")
    file_format: Mapped[str] = mapped_column(sa.String(8))
    rows: Mapped[int]
    groups: Mapped[int]
    """School × exam × subject × year sets written (each replacing what was there)."""
    replaced: Mapped[int] = mapped_column(default=0)
    """How many of them replaced earlier results."""
    exams: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    subjects: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    years: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    imported_by: Mapped[str] = mapped_column(sa.String(300), default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Result(Base):
    """One school's result for one task of one exam in one subject and year."""

    __tablename__ = "results"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "exam", "subject_key", "year", "task"),
        sa.Index("ix_results_exam_subject_year", "exam", "subject_key", "year"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    import_id: Mapped[UUID] = mapped_column(sa.ForeignKey("imports.id"), index=True)
    district: Mapped[str] = mapped_column(sa.String(64))
    school_id: Mapped[UUID] = mapped_column(index=True)
    """The registry's organisation at a district; at the centre the district and the
    school's code (or name) made into an id."""
    organisation_id: Mapped[UUID | None]
    school_code: Mapped[str] = mapped_column(sa.String(64), default="")
    school_name: Mapped[str] = mapped_column(sa.String(500))
    exam: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(100))
    subject_key: Mapped[str] = mapped_column(sa.String(100))
    year: Mapped[int]
    task: Mapped[str] = mapped_column(sa.String(20))
    element_code: Mapped[str] = mapped_column(sa.String(32), default="")
    element_name: Mapped[str] = mapped_column(sa.String(500), default="")
    max_score: Mapped[int]
    percent: Mapped[float]
    participants: Mapped[int]
    solved: Mapped[int | None]
    mean_score: Mapped[float | None]


class Analysis(Base):
    """A saved analysis of one exam and subject over some years: its figures as they
    were counted, its problems, conclusions and recommendations."""

    __tablename__ = "analyses"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    exam: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(100))
    subject_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    years: Mapped[list[int]] = mapped_column(sa.JSON)
    district: Mapped[str] = mapped_column(sa.String(64), default="")
    """The district analysed; empty: the whole instance (all districts at the centre)."""
    title: Mapped[str] = mapped_column(sa.String(300))
    conclusions: Mapped[str] = mapped_column(sa.Text, default="")
    recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    """The analysis as counted (msgspec ``Analysis`` without per-school lines)."""
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    created_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_by: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    approved_by: Mapped[str] = mapped_column(sa.String(300), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    document_id: Mapped[UUID | None]
    document_number: Mapped[str] = mapped_column(sa.String(100), default="")
    exported_version: Mapped[int | None]
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class Problem(Base):
    """A problem of an analysis: found by the rules (a task, a content element) or named
    by a methodist, with its causes and recommendations."""

    __tablename__ = "problems"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    analysis_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("analyses.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(64), default="")
    title: Mapped[str] = mapped_column(sa.String(600))
    element_code: Mapped[str] = mapped_column(sa.String(32), default="")
    element_name: Mapped[str] = mapped_column(sa.String(500), default="")
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    latest_year: Mapped[int | None]
    latest_mean: Mapped[float | None]
    figures: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    """Its means by year as counted (YearFigure)."""
    found: Mapped[bool] = mapped_column(default=True)
    """False once a recount no longer finds it (kept for its text and links)."""
    causes: Mapped[str] = mapped_column(sa.Text, default="")
    recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(server_default="1")

    __mapper_args__ = {"version_id_col": version}


class ProblemAction(Base):
    """Work a problem became in another service: a seminar (scheduling) or a teacher's
    deficit (growth). Unique per problem and target, so each is done once."""

    __tablename__ = "problem_actions"
    __table_args__ = (sa.UniqueConstraint("problem_id", "target"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_message_id)
    problem_id: Mapped[UUID] = mapped_column(
        sa.ForeignKey("problems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    """``event`` or ``deficit``."""
    target: Mapped[str] = mapped_column(sa.String(64))
    """``event``, or ``deficit:<person id>``."""
    person_id: Mapped[UUID | None]
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    """``pending`` while the other service is asked, ``done`` once it answered."""
    remote_id: Mapped[UUID | None]
    """The event's or the deficit's id in its service."""
    title: Mapped[str] = mapped_column(sa.String(600), default="")
    """The event's title, or the teacher's name and the competency."""
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
