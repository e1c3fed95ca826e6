"""The resync responder. A district re-sends what it has in the centre's bank (each
resource at its current version, no increment); the centre re-sends its whole bank down.
Whoever has it already changes nothing."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, ResyncRequested
from imc_resources.services import bank, sharing
from imc_resources.settings import ResourcesSettings
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore


def addresses(request: ResyncRequested, district: str) -> bool:
    """Whether a resync request asks this instance (empty: every district)."""
    return not request.districts or district in request.districts


async def resend_state(
    session: AsyncSession,
    outbox: Outbox,
    store: FileStore,
    settings: ResourcesSettings,
    envelope: Envelope[Any],
) -> int:
    """Answer a resync request; how many resources were re-sent."""
    if settings.is_centre:
        return await bank.reannounce(session, outbox, store, envelope)
    if not addresses(envelope.payload, settings.district):
        return 0
    return await sharing.resend_shared(session, outbox, store, settings, envelope)
