"""What the registry does with the messages it consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DECISION_MADE, Envelope
from imc_registry.services.sites import apply_decision
from imc_shared.consumer import Consumers, Delivery
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, district: str) -> None:
    """Register the registry's subscribers."""

    async def on_decision_made(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await apply_decision(session, outbox, district, envelope)

    consumers.subscribe(DECISION_MADE, on_decision_made)
