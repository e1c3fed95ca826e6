"""The events calendar of the instance and one event's page with registration.

Events come from the instance's scheduling service; at a district the centre's (ММЦ)
inter-municipal events it has received are shown beside them. Who sees what follows the
roles: a teacher registers themself, a school representative registers people of their
organisation, the IMC's staff see the registrations and the waiting list.
"""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from imc_portal.clients import (
    BackendError,
    BackendNotFoundError,
    BackendRefusedError,
    RegistryClient,
    SchedulingClient,
)
from imc_portal.services.sessions import Visitor
from imc_portal.templating import MONTHS_GENITIVE
from imc_shared.auth import STAFF, Role

MONTHS_NOMINATIVE = (
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
)
MONTHS_AHEAD = 12
"""How many months the month filter offers, the current one included."""

NOTICES = {
    "registered": "Вы зарегистрированы на мероприятие.",
    "waitlisted": "Свободных мест нет: вы записаны в лист ожидания.",
    "cancelled": "Ваша регистрация отменена.",
    "colleague-registered": "Работник организации зарегистрирован на мероприятие.",
    "colleague-waitlisted": "Свободных мест нет: работник организации записан в лист ожидания.",
    "colleague-cancelled": "Регистрация работника организации отменена.",
    "requested": "Заявка на участие направлена в межмуниципальный центр; "
    "о его решении придёт уведомление.",
    "colleague-requested": "Заявка на участие работника направлена в межмуниципальный центр.",
}
"""What a page says after a change (``?notice=...``): fixed texts, nothing from the URL."""

EVENT_MISSING = "Мероприятие не найдено: возможно, его удалили или адрес страницы неверен."
NOT_LINKED = (
    "Ваша учётная запись не связана с реестром педагогов, поэтому записаться на мероприятие "
    "через портал нельзя. Обратитесь к администратору информационно-методического центра."
)
NOT_YOUR_ORGANISATION = "Выберите работника своей образовательной организации из списка."


class Material(msgspec.Struct, kw_only=True):
    """A material of an event (a title and an address)."""

    title: str = ""
    url: str = ""


class Event(msgspec.Struct, kw_only=True):
    """An event of the instance (``GET /events`` of the scheduling service)."""

    id: UUID
    title: str
    description: str = ""
    form: str
    form_title: str
    level_title: str = ""
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    hours: int = 0
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    materials: list[Material] = msgspec.field(default_factory=list)
    responsible_name: str = ""
    status: str
    status_title: str
    seats_taken: int = 0
    waiting: int = 0

    @property
    def full(self) -> bool:
        """Whether every seat is taken (a new registration goes to the waiting list)."""
        return self.capacity is not None and self.seats_taken >= self.capacity

    @property
    def cancelled(self) -> bool:
        """Whether the event is cancelled."""
        return self.status == "cancelled"


class CentreEvent(msgspec.Struct, kw_only=True):
    """An inter-municipal event of the centre as the district received it
    (``GET /centre-events``)."""

    event_id: UUID
    title: str
    form: str
    form_title: str
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    hours: int = 0
    status: str
    status_title: str
    registered: int = 0
    waiting: int = 0
    level_title: str = ""

    def as_event(self) -> Event:
        """The centre's event read like one of the district's own."""
        return Event(
            id=self.event_id,
            title=self.title,
            form=self.form,
            form_title=self.form_title,
            level_title=self.level_title,
            organiser_name=self.organiser_name,
            venue=self.venue,
            online_url=self.online_url,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            capacity=self.capacity,
            hours=self.hours,
            status=self.status,
            status_title=self.status_title,
            seats_taken=self.registered,
            waiting=self.waiting,
        )


class CentreRegistration(msgspec.Struct, kw_only=True):
    """The district's registration for a centre's event with the centre's last answer
    (``GET /centre-events/{id}/registrations``)."""

    id: UUID
    event_id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    status: str
    status_title: str
    queue_number: int | None = None
    reason: str = ""


CENTRE_STATUSES = {"requested": "requested", "confirmed": "confirmed", "waiting": "waitlisted"}
"""A centre registration's status as the page reads it (the rest: no longer live)."""


class EventRegistration(msgspec.Struct, kw_only=True):
    """A registration for an event (``GET /events/{id}/registrations``)."""

    id: UUID
    event_id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    registered_by: str = "self"
    status: str
    status_title: str
    waiting_position: int | None = None
    attended: bool = False
    created_at: datetime | None = None

    reason: str = ""

    @property
    def live(self) -> bool:
        """Requested, confirmed or on the waiting list (not cancelled or refused)."""
        return self.status in ("requested", "confirmed", "waitlisted")

    @classmethod
    def of_centre(cls, row: CentreRegistration) -> "EventRegistration":
        """A registration for a centre's event, read like one for the district's own."""
        return cls(
            id=row.id,
            event_id=row.event_id,
            person_id=row.person_id,
            full_name=row.full_name,
            organisation_id=row.organisation_id,
            status=CENTRE_STATUSES.get(row.status, row.status),
            status_title=row.status_title,
            waiting_position=row.queue_number,
            reason=row.reason,
        )


class FormChoice(msgspec.Struct, kw_only=True):
    """A form of event for the filter (``GET /vocabulary/event-forms``)."""

    code: str
    title: str


class PersonCard(msgspec.Struct, kw_only=True):
    """A person of the registry (public fields, ``GET /people``)."""

    id: UUID
    full_name: str
    position: str = ""
    organisation_id: UUID | None = None


@dataclass(frozen=True)
class CalendarItem:
    """One line of the calendar: an event of the instance or of the centre."""

    id: UUID
    title: str
    form_title: str
    organiser_name: str
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    taken: int
    waiting: int
    status_title: str
    centre: bool = False

    @property
    def href(self) -> str:
        """The event's page (the centre's events under ``/calendar/centre/``)."""
        return f"/calendar/centre/{self.id}" if self.centre else f"/calendar/{self.id}"

    @property
    def full(self) -> bool:
        """Whether no seat is free."""
        return self.capacity is not None and self.taken >= self.capacity


@dataclass(frozen=True)
class MonthGroup:
    """The events of one month."""

    key: str
    title: str
    items: list[CalendarItem]


@dataclass(frozen=True)
class Calendar:
    """What the calendar page shows."""

    months: list[MonthGroup]
    month: str
    form: str
    month_options: list[tuple[str, str]]
    forms: list[FormChoice]
    centre_error: str = ""

    @property
    def count(self) -> int:
        """Events on the page."""
        return sum(len(group.items) for group in self.months)


@dataclass
class EventPage:
    """What one event's page shows to the visitor."""

    event: Event
    own: EventRegistration | None = None
    registrations: list[EventRegistration] = field(default_factory=list)
    organisation_registrations: list[EventRegistration] = field(default_factory=list)
    colleagues: list[PersonCard] = field(default_factory=list)
    may_register_self: bool = False
    may_register_colleague: bool = False
    shows_registrations: bool = False
    not_linked: bool = False
    centre: bool = False

    @property
    def base(self) -> str:
        """Where the page and its forms are."""
        prefix = "/calendar/centre/" if self.centre else "/calendar/"
        return f"{prefix}{self.event.id}"

    @property
    def confirmed(self) -> list[EventRegistration]:
        """Confirmed registrations (the staff's list)."""
        return [r for r in self.registrations if r.status == "confirmed"]

    @property
    def waiting_list(self) -> list[EventRegistration]:
        """The waiting list in order."""
        return sorted(
            (r for r in self.registrations if r.status == "waitlisted"),
            key=lambda r: r.waiting_position or 0,
        )

    @property
    def requested(self) -> list[EventRegistration]:
        """Requests for the centre's event it has not answered yet."""
        return [r for r in self.registrations if r.status == "requested"]

    @property
    def cancelled(self) -> list[EventRegistration]:
        """Cancelled (or, by the centre, refused) registrations."""
        return [r for r in self.registrations if not r.live]


def month_key(day: date) -> str:
    """``2026-12`` for any day of December 2026."""
    return f"{day.year:04d}-{day.month:02d}"


def month_title(key: str) -> str:
    """«Декабрь 2026» for ``2026-12``."""
    year, month = (int(part) for part in key.split("-"))
    return f"{MONTHS_NOMINATIVE[month - 1]} {year}"


def parse_month(value: str | None) -> tuple[int, int] | None:
    """``(2026, 12)`` from ``2026-12``; None for anything else."""
    if not value or len(value) != 7 or value[4] != "-":
        return None
    try:
        year, month = int(value[:4]), int(value[5:])
    except ValueError:
        return None
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def month_options(today: date) -> list[tuple[str, str]]:
    """The months the filter offers: this one and the next ones."""
    options = []
    year, month = today.year, today.month
    for _ in range(MONTHS_AHEAD):
        key = f"{year:04d}-{month:02d}"
        options.append((key, month_title(key)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return options


def month_bounds(year: int, month: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first and the last moment of a month in ``zone``."""
    start = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + 1, 1, 1, tzinfo=zone) if month == 12 else None
    following = following or datetime(year, month + 1, 1, tzinfo=zone)
    return start, following - timedelta(microseconds=1)


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def group_by_month(items: list[CalendarItem], zone: ZoneInfo) -> list[MonthGroup]:
    """Items by the month they start in (in ``zone``), months and items in order."""
    groups: dict[str, list[CalendarItem]] = {}
    for item in sorted(items, key=lambda i: (i.starts_at, i.title)):
        groups.setdefault(month_key(_local(item.starts_at, zone).date()), []).append(item)
    return [MonthGroup(key, month_title(key), group) for key, group in groups.items()]


def _own_item(event: Event) -> CalendarItem:
    return CalendarItem(
        id=event.id,
        title=event.title,
        form_title=event.form_title,
        organiser_name=event.organiser_name,
        venue=event.venue,
        online_url=event.online_url,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
        taken=event.seats_taken,
        waiting=event.waiting,
        status_title=event.status_title,
    )


def _centre_item(event: CentreEvent) -> CalendarItem:
    return CalendarItem(
        id=event.event_id,
        title=event.title,
        form_title=event.form_title,
        organiser_name=event.organiser_name,
        venue=event.venue,
        online_url=event.online_url,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
        taken=event.registered,
        waiting=event.waiting,
        status_title=event.status_title,
        centre=True,
    )


async def calendar(
    *,
    scheduling: SchedulingClient,
    zone: ZoneInfo,
    now: datetime,
    month: str | None,
    form: str | None,
    with_centre: bool,
) -> Calendar:
    """Upcoming events (of one month and form if chosen), by month; at a district also
    the centre's inter-municipal events."""
    today = _local(now, zone).date()
    chosen = parse_month(month)
    start, end = (now, None) if chosen is None else month_bounds(*chosen, zone)
    start = max(start, now)
    params = {"include_cancelled": "false", "date_from": start.isoformat()}
    if end is not None:
        params["date_to"] = end.isoformat()
    if form:
        params["form"] = form
    own, forms = await asyncio.gather(
        scheduling.get_json("/events", list[Event], params),
        scheduling.get_json("/vocabulary/event-forms", list[FormChoice]),
    )
    items = [_own_item(event) for event in own if not event.cancelled]
    centre_error = ""
    if with_centre:
        try:
            centre = await scheduling.get_json("/centre-events", list[CentreEvent])
        except BackendError as error:
            centre, centre_error = [], error.message
        items += [
            _centre_item(event)
            for event in centre
            if event.status != "cancelled"
            and (not form or event.form == form)
            and event.starts_at >= start
            and (end is None or event.starts_at <= end)
        ]
    key = month_key(date(*chosen, 1)) if chosen else ""
    return Calendar(
        months=group_by_month(items, zone),
        month=key,
        form=form or "",
        month_options=month_options(today),
        forms=forms,
        centre_error=centre_error,
    )


async def event_page(
    *,
    scheduling: SchedulingClient,
    registry: RegistryClient,
    visitor: Visitor,
    event_id: UUID,
) -> EventPage:
    """One event with what the visitor may see and do there."""
    event, registrations = await asyncio.gather(
        scheduling.get_json(f"/events/{event_id}", Event, missing=EVENT_MISSING),
        scheduling.get_json(
            f"/events/{event_id}/registrations", list[EventRegistration], missing=EVENT_MISSING
        ),
    )
    return await _fill(EventPage(event=event), registrations, registry, visitor)


async def centre_event_page(
    *,
    scheduling: SchedulingClient,
    registry: RegistryClient,
    visitor: Visitor,
    event_id: UUID,
) -> EventPage:
    """One of the centre's inter-municipal events as the district received it, with the
    district's registrations for it."""
    listed, rows = await asyncio.gather(
        scheduling.get_json("/centre-events", list[CentreEvent], {"include_cancelled": "true"}),
        scheduling.get_json(f"/centre-events/{event_id}/registrations", list[CentreRegistration]),
    )
    found = next((e for e in listed if e.event_id == event_id), None)
    if found is None:
        raise BackendNotFoundError(EVENT_MISSING)
    registrations = [EventRegistration.of_centre(row) for row in rows]
    return await _fill(
        EventPage(event=found.as_event(), centre=True), registrations, registry, visitor
    )


async def _fill(
    page: EventPage,
    registrations: list[EventRegistration],
    registry: RegistryClient,
    visitor: Visitor,
) -> EventPage:
    event = page.event
    open_ = not event.cancelled
    if visitor.role in STAFF:
        page.registrations = registrations
        page.shows_registrations = True
    elif visitor.role is Role.TEACHER:
        if visitor.person_id is None:
            page.not_linked = True
        else:
            page.own = next(
                (r for r in registrations if r.person_id == visitor.person_id and r.live), None
            )
            page.may_register_self = open_ and page.own is None
    elif visitor.role is Role.SCHOOL_REPRESENTATIVE and visitor.organisation_id is not None:
        page.organisation_registrations = [
            r for r in registrations if r.organisation_id == visitor.organisation_id and r.live
        ]
        if open_:
            people = await organisation_people(registry, visitor.organisation_id)
            taken = {r.person_id for r in page.organisation_registrations}
            page.colleagues = [p for p in people if p.id not in taken]
            page.may_register_colleague = True
    return page


async def organisation_people(registry: RegistryClient, organisation_id: UUID) -> list[PersonCard]:
    """People of an organisation from the registry, by name."""
    people = await registry.get_json(
        "/people", list[PersonCard], {"organisation_id": str(organisation_id)}
    )
    return sorted(
        (p for p in people if p.organisation_id == organisation_id),
        key=lambda p: p.full_name.casefold(),
    )


async def _register(
    scheduling: SchedulingClient,
    event_id: UUID,
    *,
    centre: bool,
    person_id: UUID,
    full_name: str,
    organisation_id: UUID | None,
    registered_by: str,
    position: str = "",
) -> EventRegistration:
    body: dict[str, object] = {
        "person_id": str(person_id),
        "full_name": full_name,
        "organisation_id": str(organisation_id) if organisation_id else None,
    }
    if centre:
        body["position"] = position
        row = await scheduling.send(
            "POST", f"/centre-events/{event_id}/registrations", CentreRegistration, json=body
        )
        return EventRegistration.of_centre(row)
    body["registered_by"] = registered_by
    return await scheduling.send(
        "POST", f"/events/{event_id}/registrations", EventRegistration, json=body
    )


async def register_self(
    *, scheduling: SchedulingClient, visitor: Visitor, event_id: UUID, centre: bool = False
) -> EventRegistration:
    """The teacher registers themself; a seat or the waiting list (for the centre's
    event: a request the centre answers)."""
    if visitor.person_id is None:
        raise BackendRefusedError(NOT_LINKED, status=403)
    return await _register(
        scheduling,
        event_id,
        centre=centre,
        person_id=visitor.person_id,
        full_name=visitor.full_name,
        organisation_id=visitor.organisation_id,
        registered_by="self",
    )


async def register_colleague(
    *,
    scheduling: SchedulingClient,
    registry: RegistryClient,
    visitor: Visitor,
    event_id: UUID,
    person_id: UUID | None,
    centre: bool = False,
) -> EventRegistration:
    """A school representative registers a person of their organisation."""
    if visitor.organisation_id is None:
        raise BackendRefusedError(
            "Учётная запись не связана с образовательной организацией.", status=403
        )
    people = await organisation_people(registry, visitor.organisation_id)
    person = next((p for p in people if p.id == person_id), None)
    if person is None:
        raise BackendRefusedError(NOT_YOUR_ORGANISATION, status=422, field="person_id")
    return await _register(
        scheduling,
        event_id,
        centre=centre,
        person_id=person.id,
        full_name=person.full_name,
        organisation_id=visitor.organisation_id,
        registered_by="school",
        position=person.position,
    )


async def cancel_registration(
    *, scheduling: SchedulingClient, event_id: UUID, registration_id: UUID, centre: bool = False
) -> None:
    """Cancel a registration (the service checks whose it is); for the centre's event,
    withdraw the district's request."""
    if centre:
        path = f"/centre-events/{event_id}/registrations/{registration_id}"
        await scheduling.send("DELETE", path, dict[str, object])
        return
    await scheduling.send(
        "POST",
        f"/events/{event_id}/registrations/{registration_id}/cancel",
        dict[str, object],
    )


def registered_notice(registration: EventRegistration, *, colleague: bool) -> str:
    """The notice code after a registration."""
    outcome = {"waitlisted": "waitlisted", "requested": "requested"}
    prefix = "colleague-" if colleague else ""
    return prefix + outcome.get(registration.status, "registered")


def when_registration_opens(event: Event, zone: ZoneInfo) -> str:
    """«Регистрация открыта с … по …» when the event limits it; empty otherwise."""
    opens, closes = event.registration_opens_at, event.registration_closes_at
    parts = []
    if opens:
        parts.append(f"с {_ru_moment(opens, zone)}")
    if closes:
        parts.append(f"по {_ru_moment(closes, zone)}")
    return ("Регистрация " + " ".join(parts)) if parts else ""


def _ru_moment(moment: datetime, zone: ZoneInfo) -> str:
    local = _local(moment, zone)
    return f"{local.day} {MONTHS_GENITIVE[local.month - 1]} {local.year} г. {local:%H:%M}"
