"""The resync responder: the centre asks, the district re-sends its current state.

Every event, registration and plan goes out again through the outbox with its CURRENT
version (no increment): a reader that has it already treats the repeat as a no-op, a
reader rebuilt from empty converges.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, ResyncRequested
from imc_scheduling.db.models import Event, Plan, Registration
from imc_scheduling.services.changes import announce_event, announce_plan, announce_registration
from imc_shared.outbox import Outbox


def addresses(request: ResyncRequested, district: str) -> bool:
    """Whether a resync request asks this instance (empty: every district)."""
    return not request.districts or district in request.districts


async def resend_state(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any], *, district: str
) -> int:
    """Re-send everything this service shares, if the request asks this district;
    returns how many messages were written."""
    if not addresses(envelope.payload, district):
        return 0
    sent = 0
    events = {e.id: e for e in (await session.scalars(sa.select(Event).order_by(Event.id))).all()}
    for event in events.values():
        await announce_event(session, outbox, event, bump=False, cause=envelope)
        sent += 1
    registrations = await session.scalars(sa.select(Registration).order_by(Registration.id))
    for registration in registrations.all():
        event = events[registration.event_id]
        await announce_registration(
            session, outbox, registration, event, bump=False, cause=envelope
        )
        sent += 1
    for plan in (await session.scalars(sa.select(Plan).order_by(Plan.id))).all():
        await announce_plan(session, outbox, plan, bump=False, cause=envelope)
        sent += 1
    return sent
