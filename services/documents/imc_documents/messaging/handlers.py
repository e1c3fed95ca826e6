"""What the documents service does with the messages it consumes."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DECISION_MADE, Envelope
from imc_documents.services.orders import OrderIssuer
from imc_shared.consumer import Consumers, Delivery
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, issuer: OrderIssuer) -> None:
    """Register the documents subscribers."""

    async def on_decision_made(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await issuer.issue(session, outbox, envelope)

    consumers.subscribe(DECISION_MADE, on_decision_made)
