"""HTTP schemas of the applications service."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from imc_applications.db.models import Application as ApplicationRow


@dataclass
class ApplicationForm:
    """The application package of 000 §3.2, sent as ``multipart/form-data``."""

    organisation_id: UUID
    topic: str
    statement: UploadFile | None = None
    information_note: UploadFile | None = None
    work_plan: UploadFile | None = None


class PersonIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A leader or co-leader."""

    full_name: Annotated[str, msgspec.Meta(max_length=200)]
    position: Annotated[str, msgspec.Meta(max_length=200)]


class DecisionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The council's decision on an application."""

    outcome: Literal["assigned", "refused"]
    council_protocol: Annotated[str, msgspec.Meta(max_length=200)]
    decided_on: date | None = None
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    term_years: int | None = None
    term_start: date | None = None
    leader: PersonIn | None = None
    co_leader: PersonIn | None = None
    order_number: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    order_date: date | None = None


class Document(msgspec.Struct, kw_only=True):
    """A stored document of the package."""

    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str


class Decision(msgspec.Struct, kw_only=True):
    """The recorded decision."""

    id: UUID
    outcome: str
    decided_on: date
    council_protocol: str
    reason: str | None
    term_years: int | None
    term_start: date | None
    term_end: date | None
    leader: PersonIn | None
    co_leader: PersonIn | None
    order_number: str | None
    order_date: date | None


class Application(msgspec.Struct, kw_only=True):
    """An application with its documents and decision."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: str
    topic: str
    status: str
    submitted_at: datetime
    documents: list[Document]
    decision: Decision | None

    @classmethod
    def of(cls, row: ApplicationRow) -> "Application":
        """Map a row."""
        decision = None
        if row.decision is not None:
            d = row.decision
            decision = Decision(
                id=d.id,
                outcome=d.outcome,
                decided_on=d.decided_on,
                council_protocol=d.council_protocol,
                reason=d.reason,
                term_years=d.term_years,
                term_start=d.term_start,
                term_end=d.term_end,
                leader=PersonIn(full_name=d.leader_name, position=d.leader_position or "")
                if d.leader_name
                else None,
                co_leader=PersonIn(full_name=d.co_leader_name, position=d.co_leader_position or "")
                if d.co_leader_name
                else None,
                order_number=d.order_number,
                order_date=d.order_date,
            )
        return cls(
            id=row.id,
            organisation_id=row.organisation_id,
            organisation_short_name=row.organisation_short_name,
            site_kind=row.site_kind,
            topic=row.topic,
            status=row.status,
            submitted_at=row.submitted_at,
            documents=[
                Document(
                    kind=doc.kind,
                    filename=doc.filename,
                    content_type=doc.content_type,
                    size=doc.size,
                    sha256=doc.sha256,
                )
                for doc in row.documents
            ],
            decision=decision,
        )
