"""What scheduling does with the messages it consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import SITE_STATUS_CHANGED, Envelope
from imc_scheduling.services.roadmaps import open_roadmap
from imc_shared.consumer import Consumers, Delivery
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox) -> None:
    """Register the scheduling subscribers."""

    async def on_site_status_changed(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await open_roadmap(session, outbox, envelope)

    consumers.subscribe(SITE_STATUS_CHANGED, on_site_status_changed)
