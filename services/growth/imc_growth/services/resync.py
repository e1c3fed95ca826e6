"""The resync responder: the centre asks, the district re-sends its deficit summary with
the current version (no increment); a centre that has it already changes nothing."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, ResyncRequested
from imc_growth.services.summary import announce_summary
from imc_shared.outbox import Outbox


def addresses(request: ResyncRequested, district: str) -> bool:
    """Whether a resync request asks this instance (empty: every district)."""
    return not request.districts or district in request.districts


async def resend_state(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any], *, district: str
) -> int:
    """Re-send the summary if the request asks this district; how many messages went."""
    if not addresses(envelope.payload, district):
        return 0
    await announce_summary(session, outbox, bump=False, cause=envelope)
    return 1
