"""What the registry does with the messages it consumes.

The applications service owns the site lifecycle; its orders (ORDER_ISSUED) and the
end of a term (SITE_EXPIRED) change the status here, and the registry announces each
change as SITE_STATUS_CHANGED in the same transaction.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ORDER_ISSUED, RESYNC_REQUESTED, SITE_EXPIRED, Envelope
from imc_registry.services.sites import apply_expiry, apply_order, resend_sites
from imc_shared.broker import CENTRE
from imc_shared.consumer import Consumers, Delivery
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, district: str) -> None:
    """Register the registry's subscribers."""

    async def on_order_issued(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await apply_order(session, outbox, district, envelope)

    async def on_site_expired(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await apply_expiry(session, outbox, district, envelope)

    async def on_resync_requested(
        session: AsyncSession, envelope: Envelope[Any], _: Delivery
    ) -> None:
        await resend_sites(session, outbox, district, envelope)

    consumers.subscribe(ORDER_ISSUED, on_order_issued)
    consumers.subscribe(SITE_EXPIRED, on_site_expired)
    # The centre's requests come down its own exchange, federated to the district.
    consumers.subscribe(
        RESYNC_REQUESTED,
        on_resync_requested,
        exchange=CENTRE,
        name=f"centre.{RESYNC_REQUESTED.routing_key}",
    )
