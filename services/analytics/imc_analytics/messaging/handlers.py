"""What analytics does with the messages it consumes: the registry's organisations."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_analytics.services import readmodels
from imc_contracts import ORGANISATION_UPSERTED, Envelope
from imc_shared.consumer import Consumers, Delivery


def subscribe(consumers: Consumers) -> None:
    """Register the analytics subscribers."""

    async def on_organisation(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await readmodels.record_organisation(session, envelope)

    consumers.subscribe(ORGANISATION_UPSERTED, on_organisation)
