"""The methodical council's pages: meetings, their agenda, attendance, votes and closing,
and the orders journal (page logic; the applications service decides everything).

What the pages read: meetings, applications ready for the council, sites and orders from
the applications service; the council's members and people from the registry; the
protocol, extracts and orders as files from the documents service.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar.datastructures import FormMultiDict

from imc_contracts.site_kinds import rules_of
from imc_contracts.vocabulary import ORDER_KIND_TITLES, SITE_KIND_TITLES, TERMINATION_GROUNDS
from imc_portal.clients import BackendClient, BackendError, BackendRefusedError
from imc_portal.services.sessions import Visitor
from imc_shared.auth import COUNCIL, STAFF, Role

COUNCIL_READERS = STAFF | COUNCIL
"""Who opens the council's pages and the orders journal."""
COUNCIL_CLERKS = STAFF | {Role.COUNCIL_SECRETARY}
"""Who plans meetings, keeps the agenda, attendance and votes, and closes a meeting."""
ORDER_ISSUERS = STAFF
"""Who issues orders on the council's decisions."""

ITEM_TYPES = ("application", "extension", "termination", "plan_approval", "results_review")
ITEM_TYPE_TITLES = {
    "application": "Заявка на присвоение статуса",
    "extension": "Продление срока деятельности площадки",
    "termination": "Прекращение деятельности площадки",
    "plan_approval": "Утверждение плана работы",
    "results_review": "Рассмотрение результатов деятельности",
}
ORDERED_ITEM_TYPES = frozenset({"application", "extension", "termination"})
"""Decisions an order confirms (the others take effect with the protocol)."""
ISSUER_TITLES = {
    "imc": "ИМЦ",
    "education_department": "Управление образования",
    "centre_department": "Управление образованием города — центра ММЦ",
}
ORDER_DOCUMENT_KINDS = frozenset(
    {"order_site_status", "order_site_extension", "order_site_termination"}
)
LIVE_SITE_STATES = frozenset({"active", "extended"})
MEETING_STATUS_TITLES = {"planned": "запланировано", "held": "проведено"}
NOTICES = {
    "planned": "Заседание запланировано. Добавьте вопросы повестки и отметьте присутствующих.",
    "item_added": "Вопрос включён в повестку.",
    "item_removed": "Вопрос исключён из повестки.",
    "attendance": "Присутствие отмечено.",
    "voted": "Результаты голосования записаны.",
    "closed": "Заседание закрыто: решения вступили в силу. Протокол и выписки формируются "
    "сервисом документов.",
    "ordered": "Приказ издан. Файл приказа появится, когда сервис документов его сформирует.",
}
DOCUMENT_FORMATS = ("pdf", "docx")


# --- what the services send ----------------------------------------------------------


class Item(msgspec.Struct, kw_only=True):
    """A question of a meeting (``GET /meetings/{id}`` of the applications service)."""

    id: UUID
    number: int
    type: str
    type_title: str
    title: str
    speaker: str
    application_id: UUID | None = None
    site_id: UUID | None = None
    organisation_short_name: str | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    abstained: int | None = None
    adopted: bool | None = None
    decision_text: str = ""
    order_id: UUID | None = None


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

    @property
    def planned(self) -> bool:
        """Still to be held: the agenda and attendance may change."""
        return self.status == "planned"

    @property
    def status_title(self) -> str:
        """«запланировано», «проведено»."""
        return MEETING_STATUS_TITLES.get(self.status, self.status)


class Card(msgspec.Struct, kw_only=True):
    """A person's public card in the registry."""

    id: UUID
    full_name: str
    position: str = ""
    staff_group: str = ""
    organisation_id: UUID | None = None


class Member(msgspec.Struct, kw_only=True):
    """A member of a structure with the role there."""

    person: Card
    role: str = ""


class Structure(msgspec.Struct, kw_only=True):
    """A methodical structure (the council) with its head and members."""

    id: UUID
    title: str
    active: bool = True
    head: Card | None = None
    members: list[Member] = msgspec.field(default_factory=list)


class ReadyApplication(msgspec.Struct, kw_only=True):
    """An application the expert review has finished: ready for the council."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    site_kind: str
    site_kind_title: str
    topic: str
    review_recommendation: str | None = None


class LiveSite(msgspec.Struct, kw_only=True):
    """A site in the applications service's lifecycle view."""

    id: UUID
    organisation_short_name: str
    kind: str
    kind_title: str
    topic: str
    status: str
    status_title: str
    term_end: date


class Order(msgspec.Struct, kw_only=True):
    """An entry of the orders journal."""

    id: UUID
    issuer: str
    number: str
    order_date: date
    kind: str
    item_id: UUID
    site_id: UUID
    application_id: UUID | None = None
    signatory_name: str = ""
    signatory_position: str = ""


class DocumentRecord(msgspec.Struct, kw_only=True):
    """A generated document (``GET /documents`` of the documents service)."""

    id: UUID
    kind: str
    title: str
    number: str
    dated: date
    subject_id: UUID
    revoked_at: Any = None


# --- the council's members and the quorum --------------------------------------------


@dataclass(frozen=True)
class CouncilMember:
    """One member of the council as the attendance form lists them."""

    id: UUID
    full_name: str
    position: str
    head: bool


def council_members(structures: Sequence[Structure]) -> list[CouncilMember]:
    """The active council's head and members, each once, the head first."""
    council = next((s for s in structures if s.active), None)
    if council is None:
        return []
    found: dict[UUID, CouncilMember] = {}
    if council.head is not None:
        head = council.head
        found[head.id] = CouncilMember(head.id, head.full_name, head.position, True)
    for member in council.members:
        card = member.person
        found.setdefault(card.id, CouncilMember(card.id, card.full_name, card.position, False))
    return list(found.values())


def quorum_needed(members_total: int) -> int:
    """The least number present that makes a quorum: more than half."""
    return members_total // 2 + 1


@dataclass(frozen=True)
class Quorum:
    """What the page says about the quorum."""

    present: int
    total: int
    recorded: bool
    reached: bool
    needed: int

    @property
    def message(self) -> str:
        """«Кворум есть: …» / «Кворума нет: …» / attendance not yet recorded."""
        of = f"{self.present} из {self.total} членов методического совета"
        if not self.total:
            return "Состав методического совета не известен: кворум определить нельзя."
        if not self.recorded:
            return (
                "Присутствие ещё не отмечено. Кворум — более половины членов совета: "
                f"не менее {self.needed} из {self.total}."
            )
        if self.reached:
            return f"Кворум есть: присутствуют {of}."
        return (
            f"Кворума нет: присутствуют {of}, требуется не менее {self.needed}. "
            "Голосование невозможно."
        )


def quorum_of(meeting: Meeting, members: Sequence[CouncilMember]) -> Quorum:
    """The quorum as the meeting records it (the registry's count until it does)."""
    total = meeting.members_total or len(members)
    present = len(meeting.present)
    return Quorum(
        present=present,
        total=total,
        recorded=present > 0,
        reached=meeting.quorum,
        needed=quorum_needed(total),
    )


# --- documents -----------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """A generated document the page links to."""

    id: UUID
    title: str
    number: str
    dated: date

    def url(self, fmt: str) -> str:
        """The portal's download address of one format."""
        return document_url(self.id, fmt)


def document_url(document_id: UUID, fmt: str) -> str:
    """``/documents/{id}/file.pdf`` — the portal's pass-through of the documents service."""
    return f"/documents/{document_id}/file.{fmt}"


def papers_by_subject(
    documents: Sequence[DocumentRecord], kinds: set[str] | frozenset[str]
) -> dict[UUID, Paper]:
    """The documents of ``kinds`` by what they were made for (not revoked ones)."""
    return {
        d.subject_id: Paper(d.id, d.title, d.number, d.dated)
        for d in documents
        if d.kind in kinds and d.revoked_at is None
    }


async def documents_of(documents: BackendClient) -> tuple[list[DocumentRecord], str]:
    """Every generated document, or none and the reason for the page."""
    try:
        return await documents.get_json("/documents", list[DocumentRecord]), ""
    except BackendError as error:
        return [], error.message


# --- forms ---------------------------------------------------------------------------


@dataclass
class FormState:
    """The form that failed: its name, what is wrong (by field; ``form`` for the whole)
    and what the person typed."""

    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def error(self, form: str, name: str) -> str:
        """The message for ``name`` of ``form`` (empty when that form did not fail)."""
        return self.errors.get(name, "") if form == self.name else ""

    def value(self, form: str, name: str, default: Any = "") -> Any:
        """What was typed into ``name`` of ``form``, else ``default``."""
        if form != self.name:
            return default
        return self.values.get(name, default)


class FormInvalid(Exception):
    """The portal's own check of a form failed before asking the service."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def text(form: FormMultiDict, name: str) -> str:
    """A text field, trimmed (empty when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def whole(form: FormMultiDict, name: str, title: str, *, required: bool = True) -> int | None:
    """A whole number field; :class:`FormInvalid` naming it when it is not one."""
    raw = text(form, name)
    if not raw:
        if required:
            raise FormInvalid(name, f"Укажите {title}.")
        return None
    try:
        number = int(raw)
    except ValueError:
        raise FormInvalid(name, f"{title.capitalize()}: введите целое число.") from None
    if number < 0:
        raise FormInvalid(name, f"{title.capitalize()}: число не может быть отрицательным.")
    return number


def day(form: FormMultiDict, name: str, title: str, *, required: bool = True) -> date | None:
    """A date field (``yyyy-mm-dd`` from ``<input type=date>``, or ``dd.mm.yyyy``)."""
    raw = text(form, name)
    if not raw:
        if required:
            raise FormInvalid(name, f"Укажите {title}.")
        return None
    try:
        if "." in raw:
            d, m, y = raw.split(".")
            return date(int(y), int(m), int(d))
        return date.fromisoformat(raw)
    except ValueError:
        raise FormInvalid(name, f"{title.capitalize()}: введите дату в виде дд.мм.гггг.") from None


def uuid_of(form: FormMultiDict, name: str, title: str, *, required: bool = True) -> UUID | None:
    """A choice of a list (a UUID); :class:`FormInvalid` when nothing is chosen."""
    raw = text(form, name)
    if not raw:
        if required:
            raise FormInvalid(name, f"Выберите {title}.")
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise FormInvalid(name, f"Выберите {title} из списка.") from None


def values_of(form: FormMultiDict) -> dict[str, Any]:
    """What the person typed, to put back into the form (lists for repeated names)."""
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        items = [v for v in form.getall(key) if isinstance(v, str)]
        values[key] = items if len(items) > 1 or key in ("present", "grounds") else items[0]
    return values


def refusal_state(
    form_name: str,
    error: BackendRefusedError | FormInvalid,
    values: dict[str, Any],
    fields: Mapping[str, str] | None = None,
) -> FormState:
    """The state of a form the service (or the portal) refused: the message next to the
    field it names when the form has that field, else at the top of the form."""
    named = error.field or ""
    target = (fields or {}).get(named, named) if named else "form"
    if fields is not None and target not in fields.values():
        target = "form"
    message = error.message
    if isinstance(error, BackendRefusedError) and error.status_code == 403:
        message = (
            "Ваша роль не позволяет это действие. " + message
            if message
            else "Ваша роль не позволяет это действие."
        )
    return FormState(name=form_name, errors={target: message}, values=values)


SCHEDULE_FIELDS = {"held_on": "held_on", "place": "place", "protocol_number": "protocol_number"}
ATTENDANCE_FIELDS = {"present": "present", "chair_id": "chair_id", "secretary_id": "secretary_id"}
VOTE_FIELDS = {
    "votes_for": "votes_for",
    "votes_against": "votes_against",
    "abstained": "abstained",
    "reason": "reason",
}
ITEM_FIELDS = {
    "speaker": "speaker",
    "application_id": "application_id",
    "site_id": "site_id",
    "title": "title",
    "term_months": "term_months",
    "term_start": "term_start",
    "leader_id": "leader_id",
    "co_leader_id": "co_leader_id",
    "months": "months",
    "grounds": "grounds",
    "grounds_text": "grounds_text",
    "effective_on": "effective_on",
    "text": "text",
}
ORDER_FIELDS = {"order_date": "order_date", "item_id": "form"}


def schedule_body(form: FormMultiDict) -> dict[str, Any]:
    """``POST /meetings``: the date, the place and (optionally) the protocol number."""
    held_on = day(form, "held_on", "дату заседания")
    place = text(form, "place")
    if not place:
        raise FormInvalid("place", "Укажите место проведения заседания.")
    body: dict[str, Any] = {"held_on": held_on.isoformat() if held_on else None, "place": place}
    number = text(form, "protocol_number")
    if number:
        body["protocol_number"] = number
    return body


def attendance_body(form: FormMultiDict, version: int) -> dict[str, Any]:
    """``POST /meetings/{id}/attendance``: who is present, the chair and the secretary."""
    present = [value for value in form.getall("present") if isinstance(value, str) and value]
    if not present:
        raise FormInvalid("present", "Отметьте присутствующих членов совета.")
    chair = uuid_of(form, "chair_id", "председателя заседания")
    secretary = uuid_of(form, "secretary_id", "секретаря заседания")
    return {
        "version": version,
        "present": present,
        "chair_id": str(chair),
        "secretary_id": str(secretary),
    }


def item_body(form: FormMultiDict) -> dict[str, Any]:
    """``POST /meetings/{id}/items``: a question of one of the five types."""
    kind = text(form, "type")
    if kind not in ITEM_TYPES:
        raise FormInvalid("form", "Неизвестный вид вопроса повестки.")
    speaker = text(form, "speaker")
    if len(speaker) < 3:
        raise FormInvalid("speaker", "Укажите докладчика по вопросу.")
    body: dict[str, Any] = {"type": kind, "speaker": speaker}
    if kind == "application":
        body["application_id"] = str(uuid_of(form, "application_id", "заявку"))
        body["leader_id"] = str(uuid_of(form, "leader_id", "руководителя площадки"))
        co_leader = uuid_of(form, "co_leader_id", "соруководителя", required=False)
        if co_leader is not None:
            body["co_leader_id"] = str(co_leader)
        body["term_months"] = whole(form, "term_months", "срок в месяцах")
        start = day(form, "term_start", "дату начала срока", required=False)
        if start is not None:
            body["term_start"] = start.isoformat()
    elif kind in ("extension", "termination"):
        body["site_id"] = str(uuid_of(form, "site_id", "площадку"))
        if kind == "extension":
            body["months"] = whole(form, "months", "на сколько месяцев продлить срок")
        else:
            grounds = [g for g in form.getall("grounds") if isinstance(g, str) and g]
            if not grounds:
                raise FormInvalid("grounds", "Отметьте основания прекращения деятельности.")
            body["grounds"] = grounds
            body["grounds_text"] = text(form, "grounds_text")
            effective = day(form, "effective_on", "дату прекращения", required=False)
            if effective is not None:
                body["effective_on"] = effective.isoformat()
    else:
        title = text(form, "title")
        if len(title) < 5:
            raise FormInvalid("title", "Сформулируйте вопрос повестки.")
        body["title"] = title
        body["text"] = text(form, "text")
        site = uuid_of(form, "site_id", "площадку", required=False)
        if site is not None:
            body["site_id"] = str(site)
    return body


def vote_body(form: FormMultiDict) -> dict[str, Any]:
    """``POST /meetings/{id}/items/{item}/vote``: the counts and, for a refusal, why."""
    return {
        "votes_for": whole(form, "votes_for", "число голосов «за»"),
        "votes_against": whole(form, "votes_against", "число голосов «против»", required=False)
        or 0,
        "abstained": whole(form, "abstained", "число воздержавшихся", required=False) or 0,
        "reason": text(form, "reason"),
    }


def refusal_needs_reason(item: Item, body: Mapping[str, Any], present: int) -> bool:
    """A refused application must say why (the service's own rule, checked early so the
    message stands next to the field before anything is sent)."""
    passed = int(body["votes_for"]) * 2 > present
    return item.type == "application" and not passed and len(str(body["reason"])) < 5


# --- pages ---------------------------------------------------------------------------


def can_manage(visitor: Visitor) -> bool:
    """Whether the visitor keeps the council's records (staff, the council's secretary)."""
    return visitor.role in COUNCIL_CLERKS


def can_issue(visitor: Visitor) -> bool:
    """Whether the visitor issues orders (staff)."""
    return visitor.role in ORDER_ISSUERS


def split_meetings(meetings: Sequence[Meeting]) -> tuple[list[Meeting], list[Meeting]]:
    """Planned meetings (soonest first) and held ones (newest first)."""
    planned = sorted((m for m in meetings if m.planned), key=lambda m: m.held_on)
    held = sorted((m for m in meetings if not m.planned), key=lambda m: m.held_on, reverse=True)
    return planned, held


@dataclass
class AgendaChoices:
    """What the agenda forms offer: applications ready for the council with the people
    who may lead their sites, methodists as co-leaders, the district's live sites."""

    applications: list[ReadyApplication] = field(default_factory=list)
    leaders: dict[UUID, list[Card]] = field(default_factory=dict)
    methodists: list[Card] = field(default_factory=list)
    sites: list[LiveSite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def organisations(self) -> list[tuple[str, list[Card]]]:
        """(organisation, its people) for the leader's list, one group per applicant."""
        seen: dict[UUID, str] = {}
        for application in self.applications:
            seen.setdefault(application.organisation_id, application.organisation_short_name)
        return [(name, self.leaders.get(org, [])) for org, name in seen.items()]

    def term_hints(self) -> list[str]:
        """The term each kind of the applications allows, for the term field."""
        hints = []
        for kind in dict.fromkeys(a.site_kind for a in self.applications):
            try:
                rules = rules_of(kind)
            except KeyError:
                continue
            hints.append(
                f"{SITE_KIND_TITLES.get(kind, kind)}: от {rules.min_term_months} "
                f"до {rules.max_term_months} мес."
            )
        return hints


async def agenda_choices(*, applications: BackendClient, registry: BackendClient) -> AgendaChoices:
    """Read what the agenda forms offer; what cannot be read is said, not fatal."""
    choices = AgendaChoices()
    try:
        choices.applications = await applications.get_json(
            "/applications", list[ReadyApplication], {"status": "reviewed"}
        )
    except BackendError as error:
        choices.problems.append(error.message)
    try:
        sites = await applications.get_json("/sites", list[LiveSite])
        choices.sites = sorted(
            (s for s in sites if s.status in LIVE_SITE_STATES),
            key=lambda s: s.organisation_short_name,
        )
    except BackendError as error:
        choices.problems.append(error.message)
    try:
        for organisation in {a.organisation_id for a in choices.applications}:
            choices.leaders[organisation] = await registry.get_json(
                "/people", list[Card], {"organisation_id": str(organisation)}
            )
        choices.methodists = await registry.get_json(
            "/people", list[Card], {"staff_group": "imc_methodist"}
        )
    except BackendError as error:
        choices.problems.append(error.message)
    return choices


@dataclass(frozen=True)
class Decision:
    """A decision the council took that an order confirms."""

    meeting: Meeting
    item: Item

    @property
    def order_kind_title(self) -> str:
        """«о присвоении статуса» etc."""
        kind = {"application": "assignment"}.get(self.item.type, self.item.type)
        return ORDER_KIND_TITLES.get(kind, "")


def awaiting_orders(meetings: Sequence[Meeting]) -> list[Decision]:
    """Adopted decisions of held meetings that an order confirms and none has yet."""
    return [
        Decision(meeting, item)
        for meeting in sorted(meetings, key=lambda m: m.held_on)
        if not meeting.planned
        for item in meeting.items
        if item.adopted and item.type in ORDERED_ITEM_TYPES and item.order_id is None
    ]


@dataclass(frozen=True)
class JournalEntry:
    """One line of the orders journal."""

    order: Order
    issuer_title: str
    kind_title: str
    subject: str
    meeting: Meeting | None
    paper: Paper | None


def journal(
    orders: Sequence[Order], meetings: Sequence[Meeting], documents: Sequence[DocumentRecord]
) -> list[JournalEntry]:
    """The journal, newest first, each order with what it orders and its file."""
    items = {item.id: (meeting, item) for meeting in meetings for item in meeting.items}
    files = papers_by_subject(documents, ORDER_DOCUMENT_KINDS)
    entries = []
    for order in sorted(orders, key=lambda o: (o.order_date, o.number), reverse=True):
        meeting, item = items.get(order.item_id, (None, None))
        entries.append(
            JournalEntry(
                order=order,
                issuer_title=ISSUER_TITLES.get(order.issuer, order.issuer),
                kind_title=ORDER_KIND_TITLES.get(order.kind, order.kind),
                subject=item.title if item else "",
                meeting=meeting,
                paper=files.get(order.id),
            )
        )
    return entries


TERMINATION_CHOICES = list(TERMINATION_GROUNDS.items())
