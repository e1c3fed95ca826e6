"""Registration, the waiting list, attendance and hours credited."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_scheduling.db.models import Event, Registration
from imc_scheduling.domain.events import (
    SELF_CHECKIN_EARLY,
    read_checkin_code,
    registration_closed_reason,
    self_checkin_refusal,
)
from imc_scheduling.services.changes import (
    announce_attendance,
    announce_event,
    announce_registration,
    waiting_position,
)
from imc_scheduling.services.events import lock_event
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

REGISTERED_BY = ("self", "school")
BY_DISTRICT = "district"
"""``registered_by`` of a registration a district sent to the centre."""


async def _confirmed(session: AsyncSession, event_id: UUID) -> int:
    count = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status == "confirmed")
    )
    return int(count or 0)


async def fill_seats(session: AsyncSession, event: Event, now: datetime) -> list[Registration]:
    """Move the waiting list up into free seats (the caller holds the event's lock)."""
    if event.status == "cancelled":
        return []
    free = None if event.capacity is None else event.capacity - await _confirmed(session, event.id)
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.queue_number)
    )
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list((await session.scalars(query)).all())
    for registration in promoted:
        registration.status = "confirmed"
        registration.confirmed_at = now
    await session.flush()
    return promoted


async def announce_changes(
    session: AsyncSession, outbox: Outbox, event: Event, changed: list[Registration]
) -> None:
    """Announce the changed registrations, then the event with its new counts."""
    for registration in changed:
        await announce_registration(session, outbox, registration, event)
    await announce_event(session, outbox, event)


def registration_refusal(event: Event, now: datetime) -> str | None:
    """Why nobody can register for the event now (Russian), or ``None``."""
    if event.status == "cancelled":
        return "Мероприятие отменено; регистрация невозможна"
    if event.internship_id is not None:
        return "Это день стажировки: в нём участвует только сформированная группа стажёров"
    return registration_closed_reason(
        now=now,
        starts_at=event.starts_at,
        opens_at=event.registration_opens_at,
        closes_at=event.registration_closes_at,
    )


async def find_registration(
    session: AsyncSession, event_id: UUID, person_id: UUID
) -> Registration | None:
    """The person's registration for the event (of any status), if any."""
    return await session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id, Registration.person_id == person_id
        )
    )


async def take_place(
    session: AsyncSession,
    event: Event,
    registration: Registration | None,
    *,
    person_id: UUID,
    full_name: str,
    organisation_id: UUID | None,
    registered_by: str,
    now: datetime,
) -> Registration:
    """A seat if one is free, otherwise the end of the waiting list.

    The caller holds the event's lock and has checked :func:`registration_refusal`;
    ``registration`` is the person's cancelled one, reused, or ``None``.
    """
    free = event.capacity is None or await _confirmed(session, event.id) < event.capacity
    if registration is None:
        registration = Registration(event_id=event.id, person_id=person_id)
        session.add(registration)
    registration.full_name = full_name.strip()
    registration.organisation_id = organisation_id
    registration.registered_by = registered_by
    registration.status = "confirmed" if free else "waitlisted"
    registration.queue_number = event.seat_sequence
    registration.created_at = now
    registration.confirmed_at = now if free else None
    registration.cancelled_at = None
    registration.cancelled_by = None
    registration.cancelled_by_name = None
    registration.attended = False
    registration.attended_at = None
    registration.checkin_method = ""
    registration.hours_credited = 0
    registration.decision_reason = ""
    await session.flush()
    return registration


async def register(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    person_id: UUID,
    full_name: str,
    organisation_id: UUID | None,
    registered_by: str,
    now: datetime | None = None,
) -> tuple[Registration, int | None]:
    """Register a teacher: a seat if one is free, otherwise the waiting list.

    The event row is locked first, so two registrations for the last seat are
    serialised: one gets the seat, the other the first place on the waiting list.
    """
    if not full_name.strip():
        raise InvalidInput("Укажите ФИО участника", field="full_name")
    if registered_by not in REGISTERED_BY:
        raise InvalidInput(
            "Кто регистрирует: self (сам педагог) или school (образовательная организация)",
            field="registered_by",
        )
    moment = now or datetime.now(UTC)
    async with database.transaction() as session:
        event = await lock_event(session, event_id)
        refusal = registration_refusal(event, moment)
        if refusal:
            raise Conflict(refusal, field="event_id")
        registration = await find_registration(session, event_id, person_id)
        if registration is not None and registration.status != "cancelled":
            raise Conflict(
                f"{registration.full_name} уже зарегистрирован(а) на это мероприятие",
                field="person_id",
            )
        registration = await take_place(
            session,
            event,
            registration,
            person_id=person_id,
            full_name=full_name,
            organisation_id=organisation_id,
            registered_by=registered_by,
            now=moment,
        )
        await announce_changes(session, outbox, event, [registration])
        return registration, await waiting_position(session, registration)


async def withdraw(
    session: AsyncSession, event: Event, registration: Registration, now: datetime
) -> list[Registration]:
    """Cancel a live registration and move the waiting list up into the freed seat (the
    caller holds the event's lock); returns those promoted."""
    if registration.attended:
        raise Conflict(
            "Участник уже отмечен как присутствовавший; регистрацию нельзя отменить",
            field="registration_id",
        )
    registration.status = "cancelled"
    registration.cancelled_at = now
    await session.flush()
    return await fill_seats(session, event, now)


async def cancel_registration(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    registration_id: UUID,
    cancelled_by: str = "organiser",
    cancelled_by_name: str = "",
    now: datetime | None = None,
) -> tuple[Registration, list[Registration]]:
    """Cancel a registration; a freed seat goes to the first on the waiting list in the
    same transaction. ``cancelled_by`` (``self``, ``school``, ``organiser``) and
    ``cancelled_by_name`` are kept on the row and told to the teacher. Returns the
    cancelled registration and those promoted."""
    moment = now or datetime.now(UTC)
    async with database.transaction() as session:
        event = await lock_event(session, event_id)
        registration = await session.get(Registration, registration_id)
        if registration is None or registration.event_id != event_id:
            raise NotFound("Регистрация не найдена", field="registration_id")
        if registration.status == "cancelled":
            raise Conflict("Регистрация уже отменена", field="registration_id")
        registration.cancelled_by = cancelled_by
        registration.cancelled_by_name = cancelled_by_name.strip()
        promoted = await withdraw(session, event, registration, moment)
        await announce_changes(session, outbox, event, [registration, *promoted])
        return registration, promoted


async def list_registrations(
    *, database: Database, event_id: UUID
) -> list[tuple[Registration, int | None]]:
    """Registrations of an event: confirmed first, then the waiting list in order."""
    async with database.sessions() as session:
        if await session.get(Event, event_id) is None:
            raise NotFound("Мероприятие не найдено", field="event_id")
        rows = (
            await session.scalars(
                sa.select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.queue_number)
            )
        ).all()
        order = {"confirmed": 0, "waitlisted": 1, "cancelled": 2}
        ranked = sorted(rows, key=lambda r: (order.get(r.status, 3), r.queue_number))
        out: list[tuple[Registration, int | None]] = []
        position = 0
        for row in ranked:
            if row.status == "waitlisted":
                position += 1
                out.append((row, position))
            else:
                out.append((row, None))
        return out


def _credit(
    registration: Registration, event: Event, attended: bool, how: str, now: datetime
) -> None:
    registration.attended = attended
    registration.attended_at = now if attended else None
    registration.checkin_method = how if attended else ""
    registration.hours_credited = event.hours if attended else 0


async def mark_attendance(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    person_ids: list[UUID],
    attended: bool,
    now: datetime | None = None,
) -> list[Registration]:
    """The organiser marks who was present; hours are credited to those present.

    Each row whose attendance changes is announced (PARTICIPATION_CHANGED, then
    ATTENDANCE_RECORDED with the same version); a repeated mark announces nothing."""
    moment = now or datetime.now(UTC)
    if not person_ids:
        raise InvalidInput("Укажите участников", field="person_ids")
    async with database.transaction() as session:
        event = await lock_event(session, event_id)
        if event.status == "cancelled":
            raise Conflict("Мероприятие отменено", field="event_id")
        if moment < event.starts_at - SELF_CHECKIN_EARLY:
            raise Conflict(
                "Мероприятие ещё не началось; присутствие отмечают во время или после него",
                field="event_id",
            )
        rows = (
            await session.scalars(
                sa.select(Registration)
                .where(
                    Registration.event_id == event_id,
                    Registration.person_id.in_(person_ids),
                    Registration.status == "confirmed",
                )
                .order_by(Registration.queue_number)
            )
        ).all()
        found = {r.person_id for r in rows}
        missing = [str(p) for p in person_ids if p not in found]
        if missing:
            raise InvalidInput(
                "Не зарегистрированы с подтверждённым участием: " + ", ".join(missing),
                field="person_ids",
            )
        # A repeated mark keeps the first record (its time and how it was taken).
        changed = [row for row in rows if row.attended != attended]
        for row in changed:
            _credit(row, event, attended, "organiser", moment)
        await session.flush()
        if changed:
            await announce_changes(session, outbox, event, changed)
            for row in changed:
                await announce_attendance(session, outbox, row, event)
        return list(rows)


async def self_check_in(
    *,
    database: Database,
    outbox: Outbox,
    secret: str,
    event_id: UUID,
    code: str,
    now: datetime | None = None,
) -> Registration:
    """A participant checks in with their personal code; the first check-in is announced
    (PARTICIPATION_CHANGED and ATTENDANCE_RECORDED), a repeat changes nothing."""
    moment = now or datetime.now(UTC)
    registration_id = read_checkin_code(secret, code)
    if registration_id is None:
        raise InvalidInput("Неверный код участника", field="code")
    async with database.transaction() as session:
        event = await lock_event(session, event_id)
        registration = await session.get(Registration, registration_id)
        if registration is None or registration.event_id != event_id:
            raise InvalidInput("Код относится к другому мероприятию", field="code")
        if registration.status != "confirmed":
            raise Conflict(
                "Участие не подтверждено (регистрация отменена или в листе ожидания)",
                field="code",
            )
        if event.status == "cancelled":
            raise Conflict("Мероприятие отменено", field="event_id")
        refusal = self_checkin_refusal(moment, event.starts_at, event.ends_at)
        if refusal:
            raise Conflict(refusal, field="code")
        if not registration.attended:
            _credit(registration, event, True, "self", moment)
            await session.flush()
            await announce_changes(session, outbox, event, [registration])
            await announce_attendance(session, outbox, registration, event)
        return registration


async def person_hours(*, database: Database, person_id: UUID) -> list[tuple[Event, Registration]]:
    """Events a person attended with the hours credited, oldest first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(Event, Registration)
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.person_id == person_id,
                Registration.attended.is_(True),
                Event.status != "cancelled",
            )
            .order_by(Event.starts_at)
        )
        return [(e, r) for e, r in rows.all()]
