"""HTTP schemas of the applications service."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from imc_applications.db import models
from imc_applications.domain.lifecycle import (
    APPLICATION_STATES,
    SITE_STATES,
    allowed_application_actions,
    allowed_site_actions,
)
from imc_contracts.vocabulary import AGENDA_ITEM_TYPE_TITLES, SITE_KIND_TITLES

Text = Annotated[str, msgspec.Meta(max_length=5000)]


@dataclass
class ApplicationForm:
    """The application package of 000 §3.2, sent as ``multipart/form-data``.

    ``eligibility`` is JSON ``{code: {"met": true, "note": "…"}}`` for the conditions of
    the kind (GET /site-kinds on the registry lists them); ``submit=false`` keeps a draft.
    """

    organisation_id: UUID
    topic: str
    site_kind: str = "osmp"
    applicant_email: str = ""
    eligibility: str = ""
    submit: bool = True
    statement: UploadFile | None = None
    information_note: UploadFile | None = None
    work_plan: UploadFile | None = None


@dataclass
class ApplicationEditForm:
    """Changes to a draft or a returned application (``multipart/form-data``)."""

    version: int | None = None
    topic: str | None = None
    applicant_email: str | None = None
    eligibility: str | None = None
    statement: UploadFile | None = None
    information_note: UploadFile | None = None
    work_plan: UploadFile | None = None


@dataclass
class ReportForm:
    """A report file (``multipart/form-data``)."""

    file: UploadFile


class Versioned(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An action on a record as the user saw it (``version`` from the last read)."""

    version: int | None = None


class ReturnIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Return for more information."""

    comment: Text


class ReviewStartIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Hand to the curating methodist."""

    reviewer_id: UUID


class ReviewConclusionIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    """The expert conclusion."""

    conclusion: Annotated[str, msgspec.Meta(max_length=20000)]
    recommendation: Literal["assign", "refuse"]
    eligibility_confirmed: dict[str, bool] = msgspec.field(default_factory=dict)


class WithdrawIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Withdraw the application."""

    reason: Text = ""


class CommentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A comment and who may read it."""

    text: Text
    visibility: Literal["applicant", "staff", "council"] = "staff"


class MeetingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A planned council meeting."""

    held_on: date
    place: Annotated[str, msgspec.Meta(max_length=200)]
    protocol_number: Annotated[str, msgspec.Meta(max_length=32)] | None = None


class AttendanceIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Members present, the chair and the secretary (registry person ids)."""

    present: list[UUID]
    chair_id: UUID
    secretary_id: UUID


class ItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A question for the agenda.

    ``application``: application_id, term_months, term_start, leader_id, co_leader_id;
    ``extension``: site_id, months; ``termination``: site_id, grounds, grounds_text,
    effective_on; ``plan_approval`` / ``results_review``: title, text, optional site_id.
    """

    type: Literal["application", "extension", "termination", "plan_approval", "results_review"]
    speaker: Annotated[str, msgspec.Meta(max_length=300)]
    application_id: UUID | None = None
    site_id: UUID | None = None
    title: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    term_months: int | None = None
    term_start: date | None = None
    leader_id: UUID | None = None
    co_leader_id: UUID | None = None
    months: int | None = None
    grounds: list[str] = msgspec.field(default_factory=list)
    grounds_text: Text = ""
    effective_on: date | None = None
    text: Text = ""


class VoteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The vote on one question."""

    votes_for: int
    votes_against: int = 0
    abstained: int = 0
    reason: Text = ""


class OrderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Issue the order on a council decision (an agenda item)."""

    item_id: UUID
    order_date: date | None = None


class TickIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Run the daily checks now, as of ``today`` (the district's date by default)."""

    today: date | None = None


class Document(msgspec.Struct, kw_only=True):
    """A stored document of the package."""

    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str


class PersonOut(msgspec.Struct, kw_only=True):
    """A leader or co-leader."""

    full_name: str
    position: str
    id: UUID | None = None


class Decision(msgspec.Struct, kw_only=True):
    """The recorded decision."""

    id: UUID
    outcome: str
    decided_on: date
    council_protocol: str
    reason: str | None
    term_months: int | None
    term_start: date | None
    term_end: date | None
    leader: PersonOut | None
    co_leader: PersonOut | None


class Application(msgspec.Struct, kw_only=True):
    """An application with its documents, checklist, review and decision."""

    id: UUID
    version: int
    organisation_id: UUID
    organisation_short_name: str
    applicant_email: str
    site_kind: str
    site_kind_title: str
    topic: str
    status: str
    status_title: str
    allowed_actions: list[str]
    checklist: list[Any]
    reviewer_name: str | None
    review_conclusion: str | None
    review_recommendation: str | None
    created_at: datetime
    submitted_at: datetime | None
    documents: list[Document]
    decision: Decision | None
    site_id: UUID | None

    @classmethod
    def of(cls, row: models.Application) -> "Application":
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
                term_months=d.term_months,
                term_start=d.term_start,
                term_end=d.term_end,
                leader=PersonOut(
                    id=d.leader_id, full_name=d.leader_name, position=d.leader_position or ""
                )
                if d.leader_name
                else None,
                co_leader=PersonOut(
                    id=d.co_leader_id,
                    full_name=d.co_leader_name,
                    position=d.co_leader_position or "",
                )
                if d.co_leader_name
                else None,
            )
        return cls(
            id=row.id,
            version=row.version,
            organisation_id=row.organisation_id,
            organisation_short_name=row.organisation_short_name,
            applicant_email=row.applicant_email,
            site_kind=row.site_kind,
            site_kind_title=SITE_KIND_TITLES.get(row.site_kind, row.site_kind),
            topic=row.topic,
            status=row.status,
            status_title=APPLICATION_STATES.get(row.status, row.status),
            allowed_actions=allowed_application_actions(row.status),
            checklist=list(row.checklist),
            reviewer_name=row.reviewer_name,
            review_conclusion=row.review_conclusion,
            review_recommendation=row.review_recommendation,
            created_at=row.created_at,
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
            site_id=row.site_id,
        )


class Comment(msgspec.Struct, kw_only=True):
    """A comment on an application."""

    id: UUID
    visibility: str
    author: str
    text: str
    created_at: datetime

    @classmethod
    def of(cls, row: models.Comment) -> "Comment":
        """Map a row."""
        return cls(
            id=row.id,
            visibility=row.visibility,
            author=row.author,
            text=row.text,
            created_at=row.created_at,
        )


class Item(msgspec.Struct, kw_only=True):
    """A question of a meeting."""

    id: UUID
    number: int
    type: str
    type_title: str
    title: str
    speaker: str
    application_id: UUID | None
    site_id: UUID | None
    organisation_short_name: str | None
    proposal: dict[str, Any]
    votes_for: int | None
    votes_against: int | None
    abstained: int | None
    adopted: bool | None
    decision_text: str
    order_id: UUID | None


class Meeting(msgspec.Struct, kw_only=True):
    """A council meeting with its agenda."""

    id: UUID
    version: int
    protocol_number: str
    held_on: date
    place: str
    status: str
    members_total: int
    present: list[str]
    quorum: bool
    chair_name: str
    secretary_name: str
    items: list[Item]

    @classmethod
    def of(cls, row: models.Meeting) -> "Meeting":
        """Map a row."""
        return cls(
            id=row.id,
            version=row.version,
            protocol_number=row.protocol_number,
            held_on=row.held_on,
            place=row.place,
            status=row.status,
            members_total=len(row.members),
            present=list(row.present),
            quorum=len(row.members) > 0 and 2 * len(row.present) > len(row.members),
            chair_name=row.chair_name,
            secretary_name=row.secretary_name,
            items=[
                Item(
                    id=item.id,
                    number=item.number,
                    type=item.type,
                    type_title=AGENDA_ITEM_TYPE_TITLES.get(item.type, item.type),
                    title=item.title,
                    speaker=item.speaker,
                    application_id=item.application_id,
                    site_id=item.site_id,
                    organisation_short_name=item.organisation_short_name,
                    proposal=dict(item.proposal),
                    votes_for=item.votes_for,
                    votes_against=item.votes_against,
                    abstained=item.abstained,
                    adopted=item.adopted,
                    decision_text=item.decision_text,
                    order_id=item.order_id,
                )
                for item in row.items
            ],
        )


class Order(msgspec.Struct, kw_only=True):
    """An entry of the orders journal."""

    id: UUID
    issuer: str
    year: int
    number: str
    order_date: date
    kind: str
    item_id: UUID
    site_id: UUID
    application_id: UUID | None
    signatory_name: str
    signatory_position: str

    @classmethod
    def of(cls, row: models.Order) -> "Order":
        """Map a row."""
        return cls(**{field: getattr(row, field) for field in cls.__struct_fields__})


class Report(msgspec.Struct, kw_only=True):
    """A report a site owes."""

    id: UUID
    site_id: UUID
    title: str
    due_on: date
    final: bool
    status: str
    submitted_at: datetime | None
    filename: str | None
    organisation_short_name: str | None = None

    @classmethod
    def of(cls, row: models.Report, organisation: str | None = None) -> "Report":
        """Map a row."""
        return cls(
            id=row.id,
            site_id=row.site_id,
            title=row.title,
            due_on=row.due_on,
            final=row.final,
            status=row.status,
            submitted_at=row.submitted_at,
            filename=row.filename,
            organisation_short_name=organisation,
        )


class Site(msgspec.Struct, kw_only=True):
    """The lifecycle of a site."""

    id: UUID
    version: int
    organisation_id: UUID
    organisation_short_name: str
    kind: str
    kind_title: str
    topic: str
    status: str
    status_title: str
    allowed_actions: list[str]
    term_start: date
    term_end: date
    extensions_used: int
    leader: PersonOut
    co_leader: PersonOut | None
    last_order_number: str
    last_order_date: date
    ended_on: date | None
    end_grounds: list[str]
    end_grounds_text: str
    reports: list[Report]

    @classmethod
    def of(cls, row: models.Site) -> "Site":
        """Map a row."""
        return cls(
            id=row.id,
            version=row.version,
            organisation_id=row.organisation_id,
            organisation_short_name=row.organisation_short_name,
            kind=row.kind,
            kind_title=SITE_KIND_TITLES.get(row.kind, row.kind),
            topic=row.topic,
            status=row.status,
            status_title=SITE_STATES.get(row.status, row.status),
            allowed_actions=allowed_site_actions(row.status),
            term_start=row.term_start,
            term_end=row.term_end,
            extensions_used=row.extensions_used,
            leader=PersonOut(
                id=row.leader_id, full_name=row.leader_name, position=row.leader_position
            ),
            co_leader=PersonOut(
                id=row.co_leader_id,
                full_name=row.co_leader_name,
                position=row.co_leader_position or "",
            )
            if row.co_leader_name
            else None,
            last_order_number=row.last_order_number,
            last_order_date=row.last_order_date,
            ended_on=row.ended_on,
            end_grounds=list(row.end_grounds),
            end_grounds_text=row.end_grounds_text,
            reports=[Report.of(report) for report in row.reports],
        )


class AuditEntry(msgspec.Struct, kw_only=True):
    """One audit record."""

    id: UUID
    at: datetime
    actor_id: UUID | None
    actor_name: str
    entity: str
    entity_id: UUID
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    application_id: UUID | None
    site_id: UUID | None

    @classmethod
    def of(cls, row: models.AuditRecord) -> "AuditEntry":
        """Map a row."""
        return cls(**{field: getattr(row, field) for field in cls.__struct_fields__})


class TickOut(msgspec.Struct, kw_only=True):
    """What the daily checks did."""

    today: date
    warned: int
    expired: int
    reminded: int
