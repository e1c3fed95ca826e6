"""What the home page shows a person: what awaits them, by role, block by block.

Each block is read on its own; a service that does not answer turns its block into a
Russian notice and the rest of the page still renders.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar
from uuid import UUID

from imc_portal.api.schemas import Application, Meeting, Registration, ScheduledEvent
from imc_portal.clients import ApplicationsClient, BackendError, GrowthClient, SchedulingClient
from imc_portal.services.growth_home import GrowthHome, growth_home, wants_block
from imc_portal.services.sessions import Visitor
from imc_shared.auth import COUNCIL, STAFF, Role

T = TypeVar("T")

UPCOMING_LIMIT = 10
"""Events listed on the home page."""
REGISTRATION_LOOKUPS = 20
"""Upcoming events whose registrations are read to find a teacher's own."""
CENTRE_ROLES = frozenset({Role.CENTRE_COORDINATOR, Role.DISTRICT_ADMIN})
"""Who may open the centre's pages (of the centre's own portal)."""


@dataclass(frozen=True)
class Block(Generic[T]):
    """One block of the home page: its data, or why there is none (Russian)."""

    data: T | None = None
    error: str | None = None


async def block(reading: Awaitable[T]) -> Block[T]:
    """Read one block; a backend's failure becomes the block's notice."""
    try:
        return Block(data=await reading)
    except BackendError as error:
        return Block(error=error.message)


@dataclass(frozen=True)
class EventWithRegistration:
    """An upcoming event and the teacher's registration for it, if any."""

    event: ScheduledEvent
    registration: Registration | None


@dataclass
class Home:
    """Everything the home page may show; blocks a role does not need stay ``None``."""

    review: Block[list[Application]] | None = None
    events: Block[list[ScheduledEvent]] | None = None
    meeting: Block[Meeting | None] | None = None
    organisation_applications: Block[list[Application]] | None = None
    teacher_events: Block[list[EventWithRegistration]] | None = None
    growth: Block[GrowthHome] | None = None
    """growth area: surveys to answer, route steps due, certificates to approve."""
    centre_dashboard: bool = False
    notes: list[str] = field(default_factory=list)


def greeting_name(full_name: str) -> str:
    """How to address a person: name and patronymic of «Фамилия Имя Отчество»."""
    parts = full_name.split()
    return " ".join(parts[1:]) if len(parts) == 3 else full_name


async def upcoming_events(scheduling: SchedulingClient, now: datetime) -> list[ScheduledEvent]:
    events = await scheduling.events(date_from=now)
    chosen = [e for e in events if e.status != "cancelled" and e.ends_at >= now]
    return sorted(chosen, key=lambda e: e.starts_at)[:UPCOMING_LIMIT]


async def next_meeting(applications: ApplicationsClient, today: date) -> Meeting | None:
    meetings = await applications.meetings()
    ahead = [m for m in meetings if m.status == "planned" and m.held_on >= today]
    return min(ahead, key=lambda m: m.held_on) if ahead else None


async def organisation_applications(
    applications: ApplicationsClient, organisation_id: UUID
) -> list[Application]:
    rows = await applications.applications()
    mine = [a for a in rows if a.organisation_id == organisation_id]
    return sorted(mine, key=lambda a: a.created_at, reverse=True)


async def teacher_events(
    scheduling: SchedulingClient, person_id: UUID | None, now: datetime
) -> list[EventWithRegistration]:
    events = await upcoming_events(scheduling, now)
    if person_id is None:
        return [EventWithRegistration(event=e, registration=None) for e in events]
    lookups = events[:REGISTRATION_LOOKUPS]
    lists = await asyncio.gather(*(scheduling.registrations(e.id) for e in lookups))
    mine: dict[UUID, Registration] = {}
    for registrations in lists:
        for registration in registrations:
            if registration.person_id == person_id and registration.status != "cancelled":
                mine[registration.event_id] = registration
    return [EventWithRegistration(event=e, registration=mine.get(e.id)) for e in events]


async def home(
    visitor: Visitor,
    *,
    applications: ApplicationsClient,
    scheduling: SchedulingClient,
    now: datetime,
    today: date,
    centre: bool,
    growth: GrowthClient | None = None,
) -> Home:
    """The blocks for ``visitor``'s role, read concurrently."""
    page = Home(centre_dashboard=centre and visitor.role in CENTRE_ROLES)
    readings: dict[str, Callable[[], Awaitable[object]]] = {}
    role = visitor.role
    org, person = visitor.organisation_id, visitor.person_id
    if role in STAFF:
        readings["review"] = lambda: applications.applications(status="submitted")
        readings["events"] = lambda: upcoming_events(scheduling, now)
    if role in COUNCIL:
        readings["meeting"] = lambda: next_meeting(applications, today)
    if role is Role.SCHOOL_REPRESENTATIVE:
        if org is None:
            page.notes.append(
                "Учётная запись не связана с образовательной организацией: заявки не показаны. "
                "Обратитесь к администратору ИМЦ."
            )
        else:
            readings["organisation_applications"] = lambda: organisation_applications(
                applications, org
            )
        readings["events"] = lambda: upcoming_events(scheduling, now)
    if role is Role.TEACHER:
        if person is None:
            page.notes.append(
                "Учётная запись не связана с карточкой педагога в реестре: ваши записи на "
                "мероприятия не показаны. Обратитесь к администратору ИМЦ."
            )
        readings["teacher_events"] = lambda: teacher_events(scheduling, person, now)
    if growth is not None and not centre and wants_block(visitor):
        readings["growth"] = lambda: growth_home(visitor, growth, today)
    # A service the portal is not connected to (e.g. at the centre) has no block at all.
    source: dict[str, ApplicationsClient | SchedulingClient | GrowthClient | None] = {
        "review": applications,
        "meeting": applications,
        "organisation_applications": applications,
        "events": scheduling,
        "teacher_events": scheduling,
        "growth": growth,
    }
    chosen = {
        name: read
        for name, read in readings.items()
        if (client := source[name]) is not None and client.configured
    }
    results = await asyncio.gather(*(block(read()) for read in chosen.values()))
    for name, result in zip(chosen, results, strict=True):
        setattr(page, name, result)
    return page
