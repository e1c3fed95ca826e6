"""Page logic of the registry area: organisations, people, methodical structures, a
site's page with its road map and documents, the list of documents and their files.

The portal filters nothing the services decide: the registry searches (any case, «ё» as
«е»), the documents service leaves a teacher only their own certificates, the registry
gives a person's contacts and consent only to the roles that may read them. The portal
only chooses what to show a role (no e-mail of a person to a visitor outside the staff).
"""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

import msgspec

from imc_contracts.vocabulary import (
    ORGANISATION_KIND_TITLES,
    STAFF_GROUP_TITLES,
    STRUCTURE_KIND_TITLES,
)
from imc_portal.clients import (
    BackendClient,
    BackendError,
    BackendNotFoundError,
    BackendRefusedError,
    Download,
)
from imc_portal.services.home import Block, block
from imc_portal.services.sessions import Visitor
from imc_shared.auth import STAFF, Role

PEOPLE_READERS = frozenset({*STAFF, Role.COUNCIL_SECRETARY})
"""Who may open ``/people``: the registry gives a full record (contacts, consent) only to
them (152-ФЗ, need to know)."""
CONTACT_READERS = frozenset(STAFF)
"""Who sees people's e-mail addresses on an organisation's card and in structures."""

FLAGS = {
    "low_results": "ШНОР — школа с низкими образовательными результатами",
    "unfavourable_conditions": "школа в неблагоприятных социальных условиях",
    "resilient": "резильентная школа",
}
"""The organisation flags of the registry (001, п. 1.4) as the filter names them."""
ORGANISATION_KINDS = dict(ORGANISATION_KIND_TITLES)
STAFF_GROUPS = dict(STAFF_GROUP_TITLES)
STRUCTURE_KINDS = dict(STRUCTURE_KIND_TITLES)
DOCUMENT_KINDS = {
    "order_site_status": "приказ о присвоении статуса",
    "order_site_extension": "приказ о продлении статуса",
    "order_site_termination": "приказ о прекращении статуса",
    "refusal_letter": "письмо об отказе",
    "council_protocol": "протокол методического совета",
    "council_extract": "выписка из протокола",
    "certificate": "сертификат участника",
    "internship_statement": "справка о стажировке",
    "letter_of_thanks": "благодарственное письмо",
}
"""Kinds of documents as the filter of ``/documents`` names them (the service's own
title of each document is shown in the list)."""
ITEM_STATES = {
    "planned": "запланировано",
    "done": "выполнено",
    "overdue": "просрочено",
    "cancelled": "отменено",
}
FILE_FORMATS = ("pdf", "docx")
DOCUMENT_MISSING = "Документ не найден: возможно, ссылка устарела или документ удалён."
ORGANISATION_MISSING = "Организация не найдена в реестре округа."
PERSON_MISSING = "Человек не найден в реестре округа."
SITE_MISSING = "Площадка не найдена в реестре округа."


# --- what the services answer (unknown fields are ignored) -----------------------


class Organisation(msgspec.Struct, kw_only=True):
    """An educational organisation (registry ``/organisations``)."""

    id: UUID
    full_name: str
    short_name: str
    kind: str
    kind_title: str = ""
    email: str = ""
    address: str = ""
    director_name: str = ""
    phone: str = ""
    website: str = ""
    low_results: bool = False
    unfavourable_conditions: bool = False
    resilient: bool = False
    archived: bool = False

    @property
    def flags(self) -> list[str]:
        """The titles of the flags the organisation has."""
        return [title for name, title in FLAGS.items() if getattr(self, name)]


class PersonCard(msgspec.Struct, kw_only=True):
    """A person's public card (registry ``/people``, ``/people/{id}/card``)."""

    id: UUID
    full_name: str
    position: str
    staff_group: str = ""
    organisation_id: UUID | None = None
    qualification_category: str = ""
    subjects: list[str] = msgspec.field(default_factory=list)
    email: str = ""


class Consent(msgspec.Struct, kw_only=True):
    """The consent to the processing of personal data."""

    given: bool
    on: date | None = msgspec.field(default=None, name="date")
    document: str = ""


class PersonRecord(msgspec.Struct, kw_only=True):
    """A person's full record (registry ``/people/{id}``, staff and the secretary)."""

    id: UUID
    full_name: str
    position: str
    staff_group: str = ""
    staff_group_title: str = ""
    organisation_id: UUID | None = None
    qualification_category: str = ""
    qualification_category_title: str = ""
    subjects: list[str] = msgspec.field(default_factory=list)
    email: str = ""
    phone: str = ""
    consent: Consent | None = None
    updated_at: datetime | None = None


class Member(msgspec.Struct, kw_only=True):
    """A member of a methodical structure."""

    person: PersonCard
    role: str = ""


class Structure(msgspec.Struct, kw_only=True):
    """A methodical structure with its head and members (registry ``/structures``)."""

    id: UUID
    kind: str
    kind_title: str = ""
    title: str
    organisation_id: UUID | None = None
    subject: str = ""
    active: bool = True
    head: PersonCard | None = None
    members: list[Member] = msgspec.field(default_factory=list)


class Leader(msgspec.Struct, kw_only=True):
    """A leader or co-leader of a site as the order names them."""

    full_name: str
    position: str = ""


class HistoryEntry(msgspec.Struct, kw_only=True):
    """One change of a site's status."""

    status: str
    status_title: str = ""
    previous_status: str | None = None
    reason: str = ""
    order_id: UUID | None = None
    order_kind: str = ""
    order_number: str = ""
    order_date: date | None = None
    decision_id: UUID | None = None
    occurred_at: datetime


class Site(msgspec.Struct, kw_only=True):
    """A site with its status history (registry ``/sites/{id}``; the list has no history)."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    organisation_full_name: str = ""
    kind: str
    kind_title: str = ""
    status: str
    status_title: str = ""
    topic: str
    term_start: date
    term_end: date
    leader: Leader
    co_leader: Leader | None = None
    order_number: str = ""
    order_date: date | None = None
    decision_id: UUID | None = None
    history: list[HistoryEntry] = msgspec.field(default_factory=list)


class Roadmap(msgspec.Struct, kw_only=True):
    """A site's road map (scheduling ``/roadmaps``)."""

    id: UUID
    site_id: UUID
    title: str = ""
    period_start: date | None = None
    period_end: date | None = None
    status: str = ""


class RoadmapEvent(msgspec.Struct, kw_only=True):
    """An event that carries out a road-map row."""

    id: UUID
    title: str
    starts_at: datetime
    status: str = ""
    attended: int = 0


class RoadmapItem(msgspec.Struct, kw_only=True):
    """A road-map row with its state computed by the scheduling service."""

    id: UUID
    title: str
    form: str = ""
    form_title: str = ""
    responsible_name: str = ""
    deadline: date
    quarter: str = ""
    expected_result: str = ""
    state: str
    state_title: str = ""
    events: list[RoadmapEvent] = msgspec.field(default_factory=list)

    @property
    def state_name(self) -> str:
        """The state in Russian."""
        return self.state_title or ITEM_STATES.get(self.state, self.state)


class DocumentRecord(msgspec.Struct, kw_only=True):
    """A generated document (documents ``/documents``)."""

    id: UUID
    kind: str
    title: str
    number: str = ""
    dated: date
    organisation_id: UUID | None = None
    subject_id: UUID | None = None
    person_name: str = ""
    created_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def kind_title(self) -> str:
        """The kind in Russian."""
        return DOCUMENT_KINDS.get(self.kind, self.kind)


# --- organisations ---------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationQuery:
    """What the visitor asked of ``/organisations``."""

    q: str = ""
    kind: str = ""
    flags: tuple[str, ...] = ()
    archived: bool = False

    @classmethod
    def of(
        cls, *, q: str | None, kind: str | None, flags: list[str], archived: bool
    ) -> "OrganisationQuery":
        """The query with unknown kinds and flags left out."""
        return cls(
            q=(q or "").strip(),
            kind=kind if kind in ORGANISATION_KINDS else "",
            flags=tuple(name for name in FLAGS if name in flags),
            archived=archived,
        )

    @property
    def params(self) -> dict[str, str]:
        """The registry's query parameters."""
        params = {"q": self.q} if self.q else {}
        if self.kind:
            params["kind"] = self.kind
        for name in self.flags:
            params[name] = "true"
        if self.archived:
            params["archived"] = "true"
        return params

    @property
    def filtered(self) -> bool:
        """Whether the visitor narrowed the list."""
        return bool(self.params)


async def organisations(*, registry: BackendClient, query: OrganisationQuery) -> list[Organisation]:
    """Organisations as the registry finds them (it searches and filters)."""
    return await registry.get_json("/organisations", list[Organisation], query.params)


@dataclass(frozen=True)
class SiteWithHistory:
    """A site of an organisation and its status history (or why it is missing)."""

    site: Site
    history: Block[list[HistoryEntry]]


@dataclass(frozen=True)
class OrganisationCard:
    """Everything ``/organisations/{id}`` shows."""

    organisation: Organisation
    people: Block[list[PersonCard]]
    sites: Block[list[SiteWithHistory]]
    structures: Block[list[Structure]]
    contacts: bool


async def _history(registry: BackendClient, site_id: UUID) -> list[HistoryEntry]:
    detail = await registry.get_json(f"/sites/{site_id}", Site, missing=SITE_MISSING)
    return detail.history


async def _site_history(registry: BackendClient, site: Site) -> SiteWithHistory:
    return SiteWithHistory(site=site, history=await block(_history(registry, site.id)))


async def _sites_of(registry: BackendClient, organisation_id: UUID) -> list[SiteWithHistory]:
    rows = await registry.get_json("/sites", list[Site], {"organisation_id": str(organisation_id)})
    rows.sort(key=lambda s: s.term_start, reverse=True)
    return list(await asyncio.gather(*(_site_history(registry, s) for s in rows)))


async def organisation_card(
    *, registry: BackendClient, organisation_id: UUID, visitor: Visitor
) -> OrganisationCard:
    """The organisation, its people, its sites with their history, its structures."""
    organisation = await registry.get_json(
        f"/organisations/{organisation_id}", Organisation, missing=ORGANISATION_MISSING
    )
    by_organisation = {"organisation_id": str(organisation_id)}
    people, sites, structures = await asyncio.gather(
        block(registry.get_json("/people", list[PersonCard], by_organisation)),
        block(_sites_of(registry, organisation_id)),
        block(registry.get_json("/structures", list[Structure], by_organisation)),
    )
    return OrganisationCard(
        organisation=organisation,
        people=people,
        sites=sites,
        structures=structures,
        contacts=visitor.role in CONTACT_READERS,
    )


# --- people and structures -------------------------------------------------------


@dataclass(frozen=True)
class PeopleQuery:
    """What the visitor asked of ``/people``."""

    q: str = ""
    staff_group: str = ""
    organisation_id: UUID | None = None

    @property
    def params(self) -> dict[str, str]:
        """The registry's query parameters."""
        params = {"q": self.q} if self.q else {}
        if self.staff_group:
            params["staff_group"] = self.staff_group
        if self.organisation_id:
            params["organisation_id"] = str(self.organisation_id)
        return params


@dataclass(frozen=True)
class PeoplePage:
    """``/people``: the people found and the organisations to name them by."""

    people: list[PersonCard]
    organisations: dict[UUID, Organisation]


async def _organisation_names(registry: BackendClient) -> dict[UUID, Organisation]:
    try:
        rows = await registry.get_json("/organisations", list[Organisation])
    except BackendError:
        return {}  # the names are a convenience: the people are listed without them
    return {row.id: row for row in rows}


async def people(*, registry: BackendClient, query: PeopleQuery) -> PeoplePage:
    """People as the registry finds them (it searches), with their organisations' names."""
    found, names = await asyncio.gather(
        registry.get_json("/people", list[PersonCard], query.params),
        _organisation_names(registry),
    )
    return PeoplePage(people=found, organisations=names)


@dataclass(frozen=True)
class PersonPage:
    """``/people/{id}``: the full record, the organisation, the structures."""

    person: PersonRecord
    organisation: Organisation | None
    structures: Block[list[Structure]]


async def person(*, registry: BackendClient, person_id: UUID) -> PersonPage:
    """A person's full record as the registry gives it to the visitor's role (logged)."""
    record = await registry.get_json(f"/people/{person_id}", PersonRecord, missing=PERSON_MISSING)
    organisation = None
    if record.organisation_id is not None:
        try:
            organisation = await registry.get_json(
                f"/organisations/{record.organisation_id}", Organisation
            )
        except BackendError:
            organisation = None
    every = await block(registry.get_json("/structures", list[Structure]))
    mine = Block(
        data=[
            s
            for s in every.data or []
            if (s.head and s.head.id == person_id)
            or any(m.person.id == person_id for m in s.members)
        ],
        error=every.error,
    )
    return PersonPage(person=record, organisation=organisation, structures=mine)


@dataclass(frozen=True)
class StructuresPage:
    """``/structures``: structures by kind, with head and members."""

    structures: list[Structure]
    organisations: dict[UUID, Organisation]
    kind: str
    contacts: bool


async def structures(*, registry: BackendClient, kind: str, visitor: Visitor) -> StructuresPage:
    """Methodical structures (of one kind, if chosen), the active ones first."""
    chosen = kind if kind in STRUCTURE_KINDS else ""
    params = {"kind": chosen} if chosen else None
    found, names = await asyncio.gather(
        registry.get_json("/structures", list[Structure], params),
        _organisation_names(registry),
    )
    found.sort(key=lambda s: (not s.active, s.kind_title, s.title))
    return StructuresPage(
        structures=found,
        organisations=names,
        kind=chosen,
        contacts=visitor.role in CONTACT_READERS,
    )


# --- a site's page ---------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a road map has come: rows by state."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    planned: int = 0
    cancelled: int = 0

    @property
    def percent_done(self) -> int | None:
        """Done rows in per cent of the rows not cancelled."""
        counted = self.total - self.cancelled
        return round(100 * self.done / counted) if counted else None


@dataclass(frozen=True)
class RoadmapView:
    """A site's road map and its rows (``roadmap`` is None when none is open yet)."""

    roadmap: Roadmap | None = None
    items: list[RoadmapItem] = field(default_factory=list)
    progress: Progress = Progress()


@dataclass(frozen=True)
class SitePage:
    """Everything ``/sites/{id}`` shows."""

    site: Site
    roadmap: Block[RoadmapView]
    documents: Block[list[DocumentRecord]]
    order: DocumentRecord | None


async def roadmap_of(*, scheduling: BackendClient, site_id: UUID) -> RoadmapView:
    """The site's road map with its rows (the scheduling service lists every map)."""
    maps = await scheduling.get_json("/roadmaps", list[Roadmap])
    found = next((m for m in maps if m.site_id == site_id), None)
    if found is None:
        return RoadmapView()
    items = await scheduling.get_json(f"/roadmaps/{found.id}/items", list[RoadmapItem])
    items.sort(key=lambda i: (i.deadline, i.title))
    states = Counter(i.state for i in items)
    progress = Progress(
        total=len(items),
        done=states["done"],
        overdue=states["overdue"],
        planned=states["planned"],
        cancelled=states["cancelled"],
    )
    return RoadmapView(roadmap=found, items=items, progress=progress)


def about_site(site: Site, documents: list[DocumentRecord]) -> list[DocumentRecord]:
    """The documents about a site: those of its orders and decisions (by their ids), and
    an order whose number and date are the site's."""
    subjects = {site.id}
    for entry in site.history:
        subjects.update(i for i in (entry.order_id, entry.decision_id) if i is not None)
    if site.decision_id is not None:
        subjects.add(site.decision_id)
    orders = {
        (entry.order_number, entry.order_date) for entry in site.history if entry.order_number
    }
    orders.add((site.order_number, site.order_date))
    chosen = [
        d
        for d in documents
        if d.subject_id in subjects
        or (d.kind.startswith("order_site") and (d.number, d.dated) in orders)
    ]
    return sorted(chosen, key=lambda d: (d.dated, d.number), reverse=True)


def order_document(site: Site, documents: list[DocumentRecord]) -> DocumentRecord | None:
    """The document of the site's order in force, if the documents service has it."""
    return next(
        (
            d
            for d in documents
            if d.kind.startswith("order_site")
            and d.number == site.order_number
            and d.dated == site.order_date
            and d.revoked_at is None
        ),
        None,
    )


async def site_page(
    *,
    registry: BackendClient,
    scheduling: BackendClient,
    documents: BackendClient,
    site_id: UUID,
) -> SitePage:
    """The site, its road map and the documents about it; a service that does not answer
    turns its block into a notice."""
    site = await registry.get_json(f"/sites/{site_id}", Site, missing=SITE_MISSING)
    roadmap, papers = await asyncio.gather(
        block(roadmap_of(scheduling=scheduling, site_id=site_id)),
        block(documents.get_json("/documents", list[DocumentRecord])),
    )
    mine = about_site(site, papers.data) if papers.data is not None else None
    return SitePage(
        site=site,
        roadmap=roadmap,
        documents=Block(data=mine, error=papers.error),
        order=order_document(site, mine or []),
    )


# --- documents -------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentsPage:
    """``/documents``: what the visitor may see, of one kind if chosen."""

    documents: list[DocumentRecord]
    kinds: dict[str, str]
    kind: str
    q: str
    total: int


def _folded(text: str) -> str:
    return text.casefold().replace("ё", "е")


async def documents_page(*, documents: BackendClient, kind: str, q: str) -> DocumentsPage:
    """The documents the service gives the visitor (a teacher: their certificates only)."""
    rows = await documents.get_json("/documents", list[DocumentRecord])
    kinds = {r.kind: r.kind_title for r in rows}
    chosen = kind if kind in kinds else ""
    words = _folded(q).split()
    shown = [
        r
        for r in rows
        if (not chosen or r.kind == chosen)
        and all(w in _folded(f"{r.title} {r.number} {r.person_name}") for w in words)
    ]
    shown.sort(key=lambda r: (r.dated, r.created_at or datetime.min), reverse=True)
    ordered = dict(sorted(kinds.items(), key=lambda kv: kv[1]))
    return DocumentsPage(documents=shown, kinds=ordered, kind=chosen, q=q.strip(), total=len(rows))


def file_format(filename: str) -> str | None:
    """``pdf`` or ``docx`` for ``file.pdf`` / ``file.docx``; nothing for any other name."""
    stem, _, ext = filename.partition(".")
    return ext if stem == "file" and ext in FILE_FORMATS else None


class DocumentRefusedError(BackendError):
    """The documents service does not give this document to the visitor."""

    status_code = 403
    code = "forbidden"


async def document_file(*, documents: BackendClient, document_id: UUID, filename: str) -> Download:
    """A document's file, streamed from the documents service with the visitor's token.

    The document is asked for first, so that a refusal (a teacher and someone else's
    document) comes with the service's own reason rather than as a failed download.
    """
    fmt = file_format(filename)
    if fmt is None:
        raise BackendNotFoundError(DOCUMENT_MISSING)
    try:
        await documents.send("GET", f"/documents/{document_id}", DocumentRecord)
    except BackendRefusedError as refusal:
        if refusal.status_code == 404:
            raise BackendNotFoundError(DOCUMENT_MISSING) from refusal
        if refusal.status_code == 403:
            raise DocumentRefusedError(refusal.message) from refusal
        raise
    return await documents.download(
        f"/documents/{document_id}/file.{fmt}", missing=DOCUMENT_MISSING
    )
