"""At a federated district: its teachers registered for the centre's inter-municipal events.

The district keeps its own row and sends CENTRE_REGISTRATION_REQUESTED up (written in
the same transaction). The centre answers with CENTRE_REGISTRATION_DECIDED over
``imc.centre``; the highest version of the answer wins, so answers may arrive in any
order or more than once.
"""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    CENTRE_REGISTRATION_REQUESTED,
    REGISTRATION_CHANGED,
    CentreRegistrationDecided,
    CentreRegistrationRequested,
    Envelope,
    RegistrationChanged,
)
from imc_scheduling.db.models import CentreEvent, CentreRegistration
from imc_scheduling.domain.centre import status_after_decision
from imc_scheduling.services.changes import organisation_short_name
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.origin import OriginMismatch, verify_link
from imc_shared.outbox import Outbox

CLOSED = ("cancelled", "refused")
"""Statuses of a registration that no longer holds the person's place."""


def _request(row: CentreRegistration) -> CentreRegistrationRequested:
    return CentreRegistrationRequested(
        registration_id=row.id,
        version=row.version,
        event_id=row.event_id,
        person_id=row.person_id,
        full_name=row.full_name,
        position=row.position,
        organisation_id=row.organisation_id,
        organisation_short_name=row.organisation_short_name,
        status="cancelled" if row.status == "cancelled" else "requested",
    )


def _refuse_unless_open(event: CentreEvent | None, now: datetime) -> CentreEvent:
    if event is None:
        raise NotFound("Межмуниципальное мероприятие не найдено", field="event_id")
    if event.status == "cancelled":
        raise Conflict("Мероприятие отменено; регистрация невозможна", field="event_id")
    if event.ends_at <= now:
        raise Conflict("Мероприятие уже прошло; регистрация невозможна", field="event_id")
    return event


async def request_registration(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    person_id: UUID,
    full_name: str,
    position: str = "",
    organisation_id: UUID | None = None,
    now: datetime | None = None,
) -> CentreRegistration:
    """Register a district teacher for a centre's event: a local row and the request."""
    if not full_name.strip():
        raise InvalidInput("Укажите ФИО участника", field="full_name")
    moment = now or datetime.now(UTC)
    async with database.transaction() as session:
        _refuse_unless_open(await session.get(CentreEvent, event_id), moment)
        active = await session.scalar(
            sa.select(CentreRegistration).where(
                CentreRegistration.event_id == event_id,
                CentreRegistration.person_id == person_id,
                CentreRegistration.status.not_in(CLOSED),
            )
        )
        if active is not None:
            raise Conflict(
                f"{active.full_name} уже зарегистрирован(а) на это мероприятие",
                field="person_id",
            )
        row = CentreRegistration(
            event_id=event_id,
            person_id=person_id,
            full_name=full_name.strip(),
            position=position.strip(),
            organisation_id=organisation_id,
            organisation_short_name=await organisation_short_name(session, organisation_id),
            status="requested",
            version=1,
            decision_version=0,
            reason="",
            created_at=moment,
            updated_at=moment,
        )
        session.add(row)
        await _flush_unique(session, full_name.strip())
        await outbox.put(session, CENTRE_REGISTRATION_REQUESTED, _request(row))
        return row


async def _flush_unique(session: AsyncSession, full_name: str) -> None:
    # Two requests for the same person at once: the partial unique index decides.
    try:
        await session.flush()
    except IntegrityError as error:
        raise Conflict(
            f"{full_name} уже зарегистрирован(а) на это мероприятие", field="person_id"
        ) from error


async def _lock(session: AsyncSession, registration_id: UUID, now: datetime) -> None:
    """Take the registration's row lock first (an UPDATE), as events are locked."""
    await session.execute(
        sa.update(CentreRegistration)
        .where(CentreRegistration.id == registration_id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def withdraw_registration(
    *,
    database: Database,
    outbox: Outbox,
    event_id: UUID,
    registration_id: UUID,
    now: datetime | None = None,
) -> CentreRegistration:
    """Withdraw a district teacher: the row is cancelled and the centre is told."""
    moment = now or datetime.now(UTC)
    async with database.transaction() as session:
        await _lock(session, registration_id, moment)
        row = await session.get(CentreRegistration, registration_id, populate_existing=True)
        if row is None or row.event_id != event_id:
            raise NotFound("Регистрация не найдена", field="registration_id")
        if row.status == "cancelled":
            raise Conflict("Регистрация уже отменена", field="registration_id")
        if row.status == "refused":
            raise Conflict("В регистрации отказано; отменять нечего", field="registration_id")
        event = await session.get(CentreEvent, event_id)
        if event is not None and event.ends_at <= moment:
            raise Conflict(
                "Мероприятие уже прошло; регистрацию нельзя отменить", field="registration_id"
            )
        row.status = "cancelled"
        row.version += 1
        await session.flush()
        await outbox.put(session, CENTRE_REGISTRATION_REQUESTED, _request(row))
        return row


async def list_registrations(*, database: Database, event_id: UUID) -> list[CentreRegistration]:
    """This district's registrations for a centre's event, in the order made."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(CentreRegistration)
            .where(CentreRegistration.event_id == event_id)
            .order_by(CentreRegistration.created_at, CentreRegistration.id)
        )
        return list(rows.all())


async def record_decision(
    session: AsyncSession,
    envelope: Envelope[Any],
    delivery: Delivery,
    *,
    upstream: str,
    district: str,
    outbox: Outbox | None = None,
    now: datetime | None = None,
) -> None:
    """Take the centre's answer on one of this district's registrations.

    Only over the centre's link; answers to other districts are ignored; a lower or
    equal version than the one taken changes nothing. When the answer changes what the
    teacher holds (a seat, a place on the waiting list, a refusal), the teacher is told
    (REGISTRATION_CHANGED, the district's own notifications mail it).
    """
    try:
        verify_link(delivery.headers, upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    decision: CentreRegistrationDecided = envelope.payload
    if decision.district != district:
        return
    # The guarded UPDATE takes the row's lock only when the answer is newer.
    taken = await session.execute(
        sa.update(CentreRegistration)
        .where(
            CentreRegistration.id == decision.registration_id,
            CentreRegistration.event_id == decision.event_id,
            CentreRegistration.decision_version < decision.version,
        )
        .values(decision_version=decision.version, updated_at=now or datetime.now(UTC))
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) == 0:
        return
    row = await session.get(CentreRegistration, decision.registration_id, populate_existing=True)
    assert row is not None
    previous = row.status
    row.status = status_after_decision(row.status, decision.status)
    row.queue_number = decision.queue_number
    row.reason = decision.reason
    if outbox is not None and row.status != previous:
        await _tell_teacher(session, outbox, row, previous, decision.version, envelope)


_TOLD = {
    "confirmed": "confirmed",
    "waiting": "waiting",
    "cancelled": "cancelled",
    "refused": "cancelled",
}
"""The centre's answer as the teacher's registration status (a refusal ends it)."""


async def _tell_teacher(
    session: AsyncSession,
    outbox: Outbox,
    row: CentreRegistration,
    previous: str,
    version: int,
    cause: Envelope[Any],
) -> None:
    status = _TOLD.get(row.status)
    event = await session.get(CentreEvent, row.event_id)
    if status is None or event is None:
        return
    before = _TOLD.get(previous)
    await outbox.put(
        session,
        REGISTRATION_CHANGED,
        RegistrationChanged(
            registration_id=row.id,
            version=version,
            event_id=event.event_id,
            event_title=event.title,
            form_title=event.form_title,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            venue=event.venue,
            online_url=event.online_url,
            person_id=row.person_id,
            full_name=row.full_name,
            status=status,  # type: ignore[arg-type]
            previous_status=before,  # type: ignore[arg-type]
            queue_number=row.queue_number,
            reason=row.reason,
            # A withdrawal here is final and never told back, so a cancellation the
            # centre answers is its own: the event cancelled or the request refused.
            cancelled_by="organiser" if status == "cancelled" else "",
        ),
        cause=cause,
    )
