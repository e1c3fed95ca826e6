"""At the centre (ММЦ): districts register their teachers for its inter-municipal events.

A request arrives on ``imc.districts`` over the district's federation link. It is taken
only from the link of the district the envelope names, then recorded as an ordinary
registration of the centre's event under the usual rules (capacity, waiting list,
registration window) with the district and its registration id. Every change of such a
registration is answered with CENTRE_REGISTRATION_DECIDED by
:func:`imc_scheduling.services.changes.announce_registration`, promotions included.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    CENTRE_REGISTRATION_DECIDED,
    CentreRegistrationDecided,
    CentreRegistrationRequested,
    Envelope,
)
from imc_scheduling.db.models import Event, Registration
from imc_scheduling.domain.centre import (
    ALREADY_REGISTERED_REASON,
    NOT_INTERMUNICIPAL_REASON,
    UNKNOWN_EVENT_REASON,
)
from imc_scheduling.services.changes import announce_registration
from imc_scheduling.services.events import lock_event
from imc_scheduling.services.registrations import (
    BY_DISTRICT,
    announce_changes,
    find_registration,
    registration_refusal,
    take_place,
    withdraw,
)
from imc_scheduling.settings import District
from imc_shared.consumer import Delivery, Rejected
from imc_shared.errors import Conflict, NotFound
from imc_shared.origin import OriginMismatch, verify_link
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


def verify_district(
    envelope: Envelope[Any], delivery: Delivery, districts: Mapping[str, District]
) -> None:
    """Reject a request unless it came over the link of the district it names."""
    district = districts.get(envelope.district)
    if district is None:
        raise Rejected(f"unknown district {envelope.district!r}")
    try:
        verify_link(delivery.headers, district.upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error


async def record_district_request(
    session: AsyncSession,
    outbox: Outbox,
    envelope: Envelope[Any],
    delivery: Delivery,
    *,
    districts: Mapping[str, District],
    now: datetime | None = None,
) -> None:
    """Take a district's registration request (or withdrawal) for a centre's event."""
    verify_district(envelope, delivery, districts)
    request: CentreRegistrationRequested = envelope.payload
    moment = now or datetime.now(UTC)
    try:
        event = await lock_event(session, request.event_id)
    except NotFound:
        await _answer_without_row(session, outbox, envelope, "refused", UNKNOWN_EVENT_REASON)
        return
    row = await session.scalar(
        sa.select(Registration).where(
            Registration.district_registration_id == request.registration_id
        )
    )
    if row is not None:
        if (row.district, row.event_id) != (envelope.district, request.event_id):
            raise Rejected("the registration id belongs to another district or event")
        if request.version <= row.request_version:
            return  # a repeat, or older than what was taken
        row.request_version = request.version
        if request.status == "cancelled":
            await _withdraw(session, outbox, event, row, moment)
        return
    await _first_request(session, outbox, envelope, event, moment)


async def _first_request(
    session: AsyncSession,
    outbox: Outbox,
    envelope: Envelope[Any],
    event: Event,
    moment: datetime,
) -> None:
    """A registration id the centre has not seen: record it (even a withdrawal that
    overtook its request, so that the request arriving later changes nothing)."""
    request: CentreRegistrationRequested = envelope.payload
    row = await find_registration(session, event.id, request.person_id)
    if row is not None and row.status != "cancelled":
        status = "cancelled" if request.status == "cancelled" else "refused"
        reason = "" if status == "cancelled" else ALREADY_REGISTERED_REASON
        await _answer_without_row(session, outbox, envelope, status, reason)
        return
    refusal = _refusal(event, request, moment)
    if request.status == "requested" and refusal is None:
        row = await take_place(
            session,
            event,
            row,
            person_id=request.person_id,
            full_name=request.full_name,
            organisation_id=request.organisation_id,
            registered_by=BY_DISTRICT,
            now=moment,
        )
        _copy_request(row, envelope)
        await announce_changes(session, outbox, event, [row])
        return
    reason = (refusal or "") if request.status == "requested" else ""
    row = _closed_row(session, row, event, envelope, moment, reason)
    await session.flush()
    await announce_registration(session, outbox, row, event)


def _refusal(event: Event, request: CentreRegistrationRequested, moment: datetime) -> str | None:
    if not event.intermunicipal:
        return NOT_INTERMUNICIPAL_REASON
    if not request.full_name.strip():
        return "Не указаны ФИО участника"
    return registration_refusal(event, moment)


def _copy_request(row: Registration, envelope: Envelope[Any]) -> None:
    request: CentreRegistrationRequested = envelope.payload
    row.district = envelope.district
    row.district_registration_id = request.registration_id
    row.request_version = request.version
    row.position = request.position.strip()
    row.organisation_short_name = request.organisation_short_name.strip()


def _closed_row(
    session: AsyncSession,
    row: Registration | None,
    event: Event,
    envelope: Envelope[Any],
    moment: datetime,
    refusal: str,
) -> Registration:
    """A refused request (``refusal``) or a withdrawal seen first: a cancelled row."""
    request: CentreRegistrationRequested = envelope.payload
    if row is None:
        row = Registration(event_id=event.id, person_id=request.person_id)
        session.add(row)
    row.full_name = request.full_name.strip() or "—"
    row.organisation_id = request.organisation_id
    row.registered_by = BY_DISTRICT
    row.status = "cancelled"
    row.queue_number = event.seat_sequence
    row.created_at = moment
    row.confirmed_at = None
    row.cancelled_at = moment
    row.attended = False
    row.attended_at = None
    row.checkin_method = ""
    row.hours_credited = 0
    row.decision_reason = refusal
    _copy_request(row, envelope)
    return row


async def _withdraw(
    session: AsyncSession, outbox: Outbox, event: Event, row: Registration, moment: datetime
) -> None:
    if row.status == "cancelled":
        return  # already cancelled or refused: the district's withdrawal changes nothing
    try:
        promoted = await withdraw(session, event, row, moment)
    except Conflict as error:
        # The participant was marked present: the centre's record of attendance stands.
        log.warning("district withdrawal not taken", reason=error.message, district=row.district)
        return
    await announce_changes(session, outbox, event, [row, *promoted])


async def _answer_without_row(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any], status: str, reason: str
) -> None:
    """Answer a request the centre cannot record (no such event, the person registered
    already); the answer carries the request's own version."""
    request: CentreRegistrationRequested = envelope.payload
    decision = CentreRegistrationDecided(
        registration_id=request.registration_id,
        version=request.version,
        event_id=request.event_id,
        district=envelope.district,
        status=status,  # type: ignore[arg-type]
        reason=reason,
    )
    await outbox.put(session, CENTRE_REGISTRATION_DECIDED, decision, cause=envelope)
