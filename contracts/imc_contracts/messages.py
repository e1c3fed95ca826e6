"""Payloads of the integration events, one frozen Struct per message type.

Contracts evolve additively inside a version: new fields get defaults; removing or
changing a field means a new version, served beside the old one.
"""

from datetime import date
from typing import Literal
from uuid import UUID

import msgspec

from imc_contracts.envelope import MessageType

OrganisationKind = Literal["doo", "school", "lyceum", "gymnasium", "additional"]
SiteKind = Literal["osmp"]
SiteStatus = Literal["active", "extended", "terminated", "expired"]
DecisionOutcome = Literal["assigned", "refused"]


class Leader(msgspec.Struct, frozen=True, kw_only=True):
    """A person leading a site, as the order names them."""

    full_name: str
    position: str


class OrganisationUpserted(msgspec.Struct, frozen=True, kw_only=True):
    """An educational organisation was created or changed in the registry."""

    organisation_id: UUID
    full_name: str
    short_name: str
    kind: OrganisationKind
    address: str
    email: str
    director_name: str
    archived: bool = False


class SubmittedDocument(msgspec.Struct, frozen=True, kw_only=True):
    """One document of an application package (000 §3.2)."""

    kind: Literal["statement", "information_note", "work_plan"]
    filename: str
    content_type: str
    size: int
    sha256: str


class ApplicationSubmitted(msgspec.Struct, frozen=True, kw_only=True):
    """A school submitted an application for a site status."""

    application_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    documents: tuple[SubmittedDocument, ...]


class DecisionMade(msgspec.Struct, frozen=True, kw_only=True):
    """The methodical council decided on an application (000 §3.1, §3.3–3.5)."""

    decision_id: UUID
    application_id: UUID
    organisation_id: UUID
    organisation_full_name: str
    organisation_short_name: str
    site_kind: SiteKind
    topic: str
    outcome: DecisionOutcome
    decided_on: date
    council_protocol: str
    reason: str | None = None
    term_years: int | None = None
    term_start: date | None = None
    term_end: date | None = None
    leader: Leader | None = None
    co_leader: Leader | None = None
    order_number: str | None = None
    order_date: date | None = None


class SiteStatusChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The status of a site changed in the registry."""

    site_id: UUID
    organisation_id: UUID
    organisation_full_name: str
    organisation_short_name: str
    kind: SiteKind
    status: SiteStatus
    previous_status: SiteStatus | None
    topic: str
    term_start: date
    term_end: date
    leader: Leader
    co_leader: Leader
    order_number: str
    order_date: date
    decision_id: UUID


class GeneratedFile(msgspec.Struct, frozen=True, kw_only=True):
    """One rendering of a generated document."""

    format: Literal["docx", "pdf"]
    path: str
    """Path on the documents service, e.g. ``/documents/<id>/file.pdf``."""
    size: int
    sha256: str


class DocumentGenerated(msgspec.Struct, frozen=True, kw_only=True):
    """A document was rendered and stored by the documents service."""

    document_id: UUID
    kind: Literal["order_site_status"]
    title: str
    number: str
    organisation_id: UUID
    subject_id: UUID
    """What the document is about, e.g. the decision id of an order."""
    files: tuple[GeneratedFile, ...]


class RoadmapOpened(msgspec.Struct, frozen=True, kw_only=True):
    """A road map was opened for a new site (001 §4.6)."""

    roadmap_id: UUID
    site_id: UUID
    organisation_id: UUID
    title: str


ORGANISATION_UPSERTED = MessageType(
    "registry.organisation.upserted",
    1,
    OrganisationUpserted,
    "An educational organisation was created or changed.",
)
APPLICATION_SUBMITTED = MessageType(
    "applications.application.submitted",
    1,
    ApplicationSubmitted,
    "A school submitted an application for a site status.",
)
DECISION_MADE = MessageType(
    "applications.decision.made",
    1,
    DecisionMade,
    "The methodical council decided on an application.",
)
SITE_STATUS_CHANGED = MessageType(
    "registry.site.status_changed",
    1,
    SiteStatusChanged,
    "The status of a site changed.",
)
DOCUMENT_GENERATED = MessageType(
    "documents.document.generated",
    1,
    DocumentGenerated,
    "A document was rendered in DOCX and PDF and stored.",
)
ROADMAP_OPENED = MessageType(
    "scheduling.roadmap.opened",
    1,
    RoadmapOpened,
    "A road map was opened for a new site.",
)

ALL_MESSAGES: tuple[MessageType, ...] = (
    ORGANISATION_UPSERTED,
    APPLICATION_SUBMITTED,
    DECISION_MADE,
    SITE_STATUS_CHANGED,
    DOCUMENT_GENERATED,
    ROADMAP_OPENED,
)
BY_ROUTING_KEY = {m.routing_key: m for m in ALL_MESSAGES}
