"""What the aggregator does with the messages federated from the districts."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import SITE_STATUS_CHANGED, Envelope
from imc_federation.services.sites import record_site_change
from imc_shared.broker import DISTRICTS
from imc_shared.consumer import Consumers, Delivery


def subscribe(consumers: Consumers, *, upstreams: dict[str, str]) -> None:
    """Consume district messages from the federated exchange ``imc.districts``."""

    async def on_site_status_changed(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_site_change(session, envelope, delivery, upstreams=upstreams)

    consumers.subscribe(
        SITE_STATUS_CHANGED,
        on_site_status_changed,
        exchange=DISTRICTS,
        name=f"districts.{SITE_STATUS_CHANGED.routing_key}",
    )
