"""Use cases on events: plan, change, move, cancel, series; clashes refused."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_scheduling.api.schemas import EventIn, EventPatch, Material
from imc_scheduling.db.models import (
    Event,
    EventSeries,
    Internship,
    PlanningLock,
    Registration,
    Reminder,
    RoadmapItem,
)
from imc_scheduling.domain.events import (
    EventFacts,
    aware,
    event_cancelled_reason,
    expand_rrule,
    normalise_venue,
    period_text,
    validate_event,
)
from imc_scheduling.services.changes import announce_event, announce_registration
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

DAY_BEFORE = "day_before"
_TIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def zone_of(settings: SchedulingSettings) -> ZoneInfo:
    """The district's time zone."""
    return ZoneInfo(settings.time_zone)


def _values(data: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """Request values as column values: times in UTC, lists plain."""
    out = dict(data)
    for name in _TIME_FIELDS:
        if out.get(name) is not None:
            out[name] = aware(out[name], zone)
    if "materials" in out:
        out["materials"] = [
            msgspec.structs.asdict(m) if isinstance(m, Material) else m for m in out["materials"]
        ]
    if "audience_organisation_ids" in out:
        out["audience_organisation_ids"] = [str(i) for i in out["audience_organisation_ids"]]
    for name in ("title", "venue", "online_url", "organiser_name", "responsible_name"):
        if isinstance(out.get(name), str):
            out[name] = out[name].strip()
    return out


def _facts(event: Event) -> EventFacts:
    return EventFacts(
        title=event.title,
        form=event.form,
        level=event.level,
        organiser_kind=event.organiser_kind,
        organiser_id=event.organiser_id,
        venue=event.venue,
        online_url=event.online_url,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
        registration_opens_at=event.registration_opens_at,
        registration_closes_at=event.registration_closes_at,
        hours=event.hours,
        audience_categories=tuple(event.audience_categories),
    )


async def lock_planning(session: AsyncSession) -> None:
    """Serialise planning in the district before a clash check (first statement of the
    transaction): two events for the same room at the same hour cannot both pass."""
    await session.execute(
        sa.update(PlanningLock)
        .where(PlanningLock.id == 1)
        .values(counter=PlanningLock.counter + 1)
        .execution_options(synchronize_session=False)
    )


async def lock_event(session: AsyncSession, event_id: UUID) -> Event:
    """Take the event's row lock before anything else in the transaction.

    The first statement is an UPDATE of the row: PostgreSQL locks the row until commit,
    SQLite takes its write lock (waiting up to the busy timeout), so seat counts read
    afterwards cannot change under us.
    """
    result = await session.execute(
        sa.update(Event)
        .where(Event.id == event_id)
        .values(seat_sequence=Event.seat_sequence + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) == 0:
        raise NotFound("Мероприятие не найдено", field="event_id")
    event = await session.get(Event, event_id, populate_existing=True)
    assert event is not None
    return event


async def find_clashes(
    session: AsyncSession,
    *,
    starts_at: datetime,
    ends_at: datetime,
    venue: str,
    responsible_person_id: UUID | None,
    exclude: Sequence[UUID] = (),
) -> list[tuple[Event, str]]:
    """Planned events at overlapping times in the same venue or with the same
    responsible person, each with what clashes."""
    key = normalise_venue(venue)
    same: list[Any] = []
    if key:
        same.append(Event.venue_key == key)
    if responsible_person_id is not None:
        same.append(Event.responsible_person_id == responsible_person_id)
    if not same:
        return []
    query = sa.select(Event).where(
        Event.status != "cancelled",
        Event.starts_at < ends_at,
        Event.ends_at > starts_at,
        sa.or_(*same),
    )
    if exclude:
        query = query.where(Event.id.not_in(list(exclude)))
    rows = (await session.scalars(query.order_by(Event.starts_at))).all()
    out: list[tuple[Event, str]] = []
    for row in rows:
        reasons = []
        if key and row.venue_key == key:
            reasons.append("то же место проведения")
        if responsible_person_id is not None and row.responsible_person_id == responsible_person_id:
            reasons.append("тот же ответственный")
        out.append((row, ", ".join(reasons)))
    return out


async def refuse_clashes(
    session: AsyncSession, event: Event, zone: ZoneInfo, exclude: Sequence[UUID] = ()
) -> None:
    """Raise :class:`Conflict` naming every event the planned one clashes with."""
    clashes = await find_clashes(
        session,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        responsible_person_id=event.responsible_person_id,
        exclude=[event.id, *exclude] if event.id else list(exclude),
    )
    if not clashes:
        return
    texts = [
        f"«{row.title}» {period_text(row.starts_at, row.ends_at, zone)} ({reason})"
        for row, reason in clashes
    ]
    raise Conflict(
        "Мероприятие пересекается по времени с: " + "; ".join(texts),
        field="starts_at",
        details={
            "clashes": [
                {
                    "event_id": str(row.id),
                    "title": row.title,
                    "starts_at": row.starts_at.isoformat(),
                    "ends_at": row.ends_at.isoformat(),
                    "reason": reason,
                }
                for row, reason in clashes
            ]
        },
    )


async def _check_roadmap_item(session: AsyncSession, item_id: UUID | None) -> None:
    if item_id is not None and await session.get(RoadmapItem, item_id) is None:
        raise InvalidInput("Строка дорожной карты не найдена", field="roadmap_item_id")


async def _check_internship(session: AsyncSession, internship_id: UUID | None) -> None:
    if internship_id is None:
        return
    internship = await session.get(Internship, internship_id)
    if internship is None:
        raise InvalidInput("Стажировка не найдена", field="internship_id")
    if internship.group_fixed_at is not None:
        raise Conflict(
            "Группа стажировки уже сформирована; дни программы переносят, а не добавляют",
            field="internship_id",
        )


def _schedule_reminder(session: AsyncSession, event: Event, settings: SchedulingSettings) -> None:
    session.add(
        Reminder(
            event_id=event.id,
            kind=DAY_BEFORE,
            due_at=event.starts_at - timedelta(hours=settings.reminder_lead_hours),
        )
    )


async def _new_event(
    session: AsyncSession, data: EventIn, settings: SchedulingSettings, **extra: Any
) -> Event:
    zone = zone_of(settings)
    values = _values(msgspec.structs.asdict(data), zone)
    values.update(extra)
    event = Event(
        **values,
        venue_key=normalise_venue(values["venue"]),
        status="planned",
        intermunicipal=settings.instance_kind == "centre",
    )
    validate_event(_facts(event))
    await _check_roadmap_item(session, event.roadmap_item_id)
    await _check_internship(session, event.internship_id)
    return event


async def create_event(
    *, database: Database, outbox: Outbox, settings: SchedulingSettings, data: EventIn
) -> Event:
    """Plan an event; a clash of venue or responsible person is refused.

    EVENT_CHANGED (version 1) goes out in the same transaction."""
    async with database.transaction() as session:
        await lock_planning(session)
        event = await _new_event(session, data, settings)
        await refuse_clashes(session, event, zone_of(settings))
        session.add(event)
        await session.flush()
        _schedule_reminder(session, event, settings)
        await announce_event(session, outbox, event)
        return event


async def create_series(
    *,
    database: Database,
    outbox: Outbox,
    settings: SchedulingSettings,
    data: EventIn,
    rrule: str,
) -> tuple[EventSeries, list[Event]]:
    """Plan a series once (RRULE); every occurrence becomes its own event (and its own
    EVENT_CHANGED).

    All or nothing: one clash refuses the whole series, naming the occurrence.
    """
    zone = zone_of(settings)
    first = await _new_series_probe(data, settings)
    starts = expand_rrule(rrule, first.starts_at, zone)
    duration = first.ends_at - first.starts_at
    async with database.transaction() as session:
        await lock_planning(session)
        series = EventSeries(title=first.title, rrule=rrule.strip())
        session.add(series)
        await session.flush()
        events: list[Event] = []
        for start in starts:
            shift = start - first.starts_at
            event = await _new_event(session, data, settings, series_id=series.id)
            event.starts_at, event.ends_at = start, start + duration
            if event.registration_opens_at is not None:
                event.registration_opens_at += shift
            if event.registration_closes_at is not None:
                event.registration_closes_at += shift
            await refuse_clashes(session, event, zone)
            session.add(event)
            await session.flush()
            _schedule_reminder(session, event, settings)
            await announce_event(session, outbox, event)
            events.append(event)
        return series, events


async def _new_series_probe(data: EventIn, settings: SchedulingSettings) -> Event:
    zone = zone_of(settings)
    values = _values(msgspec.structs.asdict(data), zone)
    event = Event(**values, venue_key=normalise_venue(values["venue"]), status="planned")
    validate_event(_facts(event))
    return event


async def seat_counts(
    session: AsyncSession, event_ids: Sequence[UUID]
) -> dict[UUID, tuple[int, int]]:
    """(confirmed, waitlisted) per event."""
    if not event_ids:
        return {}
    rows = await session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.count())
        .where(Registration.event_id.in_(list(event_ids)))
        .group_by(Registration.event_id, Registration.status)
    )
    out: dict[UUID, list[int]] = {i: [0, 0] for i in event_ids}
    for event_id, status, count in rows.all():
        if status == "confirmed":
            out[event_id][0] = count
        elif status == "waitlisted":
            out[event_id][1] = count
    return {k: (v[0], v[1]) for k, v in out.items()}


async def update_event(
    *,
    database: Database,
    outbox: Outbox,
    settings: SchedulingSettings,
    event_id: UUID,
    patch: EventPatch,
    now: datetime | None = None,
) -> Event:
    """Change or move an event (also one occurrence of a series).

    Announces the event, every registration promoted from the waiting list by a larger
    capacity and every attendee whose credited hours changed."""
    from imc_scheduling.services.registrations import fill_seats

    zone = zone_of(settings)
    changes = _values(patch.changes(), zone)
    async with database.transaction() as session:
        await lock_planning(session)
        event = await lock_event(session, event_id)
        if event.status == "cancelled":
            raise Conflict("Мероприятие отменено; его нельзя изменить", field="status")
        old_start = event.starts_at
        for name, value in changes.items():
            setattr(event, name, value)
        event.venue_key = normalise_venue(event.venue)
        validate_event(_facts(event))
        if "roadmap_item_id" in changes:
            await _check_roadmap_item(session, event.roadmap_item_id)

        confirmed, _ = (await seat_counts(session, [event.id]))[event.id]
        if event.capacity is not None and event.capacity < confirmed:
            raise InvalidInput(
                f"Нельзя сделать мест меньше, чем подтверждённых участников ({confirmed})",
                field="capacity",
            )
        await refuse_clashes(session, event, zone)
        if event.starts_at != old_start:
            reminder = await session.scalar(
                sa.select(Reminder).where(
                    Reminder.event_id == event.id, Reminder.kind == DAY_BEFORE
                )
            )
            if reminder is not None:
                reminder.due_at = event.starts_at - timedelta(hours=settings.reminder_lead_hours)
                reminder.sent_at = None
                reminder.claimed_at = None
                reminder.claimed_by = None
                reminder.outcome = ""
        changed = await _recredit_hours(session, event) if "hours" in changes else []
        await session.flush()
        changed += await fill_seats(session, event, now or datetime.now(UTC))
        for registration in changed:
            await announce_registration(session, outbox, registration, event)
        await announce_event(session, outbox, event)
        return event


async def _recredit_hours(session: AsyncSession, event: Event) -> list[Registration]:
    """Credit the event's new hours to those present; returns the rows that changed."""
    present = await session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.attended.is_(True),
            Registration.hours_credited != event.hours,
        )
    )
    rows = list(present.all())
    for row in rows:
        row.hours_credited = event.hours
    return rows


async def cancel_event(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    reason: str,
    cancelled_by_name: str = "",
) -> Event:
    """Cancel an event (or one occurrence); its pending reminder is dropped, and every
    district whose teachers registered for it (at the centre) gets an answer. Every
    live registration is recorded as cancelled by the organiser (``cancelled_by_name``:
    who cancelled the event, may be empty)."""
    async with database.transaction() as session:
        event = await lock_event(session, event_id)
        if event.status == "cancelled":
            raise Conflict("Мероприятие уже отменено", field="status")
        event.status = "cancelled"
        if reason.strip():
            event.results = f"Отменено: {reason.strip()}"
        await session.execute(
            sa.update(Reminder)
            .where(Reminder.event_id == event.id, Reminder.sent_at.is_(None))
            .values(sent_at=datetime.now(UTC), outcome="cancelled")
        )
        # Every participant (a district's at the centre through its district) is told
        # their registration is cancelled with the reason; the rows stay as they were.
        live = await session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.status != "cancelled")
            .order_by(Registration.queue_number)
        )
        told = event_cancelled_reason(reason)
        for registration in live.all():
            registration.cancelled_by = "organiser"
            registration.cancelled_by_name = cancelled_by_name.strip()
            await announce_registration(session, outbox, registration, event, reason=told)
        await announce_event(session, outbox, event)
        return event


async def get_event(*, database: Database, event_id: UUID) -> tuple[Event, tuple[int, int]]:
    """One event with its (confirmed, waiting) counts."""
    async with database.sessions() as session:
        event = await session.get(Event, event_id)
        if event is None:
            raise NotFound("Мероприятие не найдено", field="event_id")
        counts = await seat_counts(session, [event.id])
        return event, counts[event.id]


async def list_events(
    *,
    database: Database,
    starts_from: datetime | None = None,
    starts_to: datetime | None = None,
    organiser_id: UUID | None = None,
    level: str | None = None,
    form: str | None = None,
    series_id: UUID | None = None,
    include_cancelled: bool = True,
) -> list[tuple[Event, tuple[int, int]]]:
    """Events by start time, filtered."""
    query = sa.select(Event).order_by(Event.starts_at, Event.id)
    if starts_from is not None:
        query = query.where(Event.ends_at > starts_from)
    if starts_to is not None:
        query = query.where(Event.starts_at < starts_to)
    if organiser_id is not None:
        query = query.where(Event.organiser_id == organiser_id)
    if level is not None:
        query = query.where(Event.level == level)
    if form is not None:
        query = query.where(Event.form == form)
    if series_id is not None:
        query = query.where(Event.series_id == series_id)
    if not include_cancelled:
        query = query.where(Event.status != "cancelled")
    async with database.sessions() as session:
        events = list((await session.scalars(query)).all())
        counts = await seat_counts(session, [e.id for e in events])
        return [(e, counts[e.id]) for e in events]
