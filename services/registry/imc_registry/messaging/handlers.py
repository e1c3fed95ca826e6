"""What the registry does with the messages it consumes.

The applications service owns the site lifecycle; its orders (ORDER_ISSUED) and the
end of a term (SITE_EXPIRED) change the status here, and the registry announces each
change as SITE_STATUS_CHANGED in the same transaction. A federated district also keeps
the centre's inter-municipal sites, which come down ``imc.centre``.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ORDER_ISSUED,
    RESYNC_REQUESTED,
    SITE_EXPIRED,
    SITE_STATUS_CHANGED,
    Envelope,
)
from imc_registry.services.centre_sites import record_centre_site
from imc_registry.services.sites import apply_expiry, apply_order, resend_sites
from imc_registry.settings import RegistrySettings
from imc_shared.broker import CENTRE
from imc_shared.consumer import Consumers, Delivery, Handler
from imc_shared.outbox import Outbox


def subscribe(consumers: Consumers, *, outbox: Outbox, settings: RegistrySettings) -> None:
    """Register the registry's subscribers."""
    district = settings.district

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
    if settings.takes_centre_sites:
        consumers.subscribe(
            SITE_STATUS_CHANGED,
            centre_site_handler(settings),
            exchange=CENTRE,
            name=f"centre.{SITE_STATUS_CHANGED.routing_key}",
        )


def centre_site_handler(settings: RegistrySettings) -> Handler:
    """Keep the centre's inter-municipal site (over the centre's link; newest wins)."""

    async def on_centre_site(
        session: AsyncSession, envelope: Envelope[Any], delivery: Delivery
    ) -> None:
        await record_centre_site(session, envelope, delivery, upstream=settings.centre_upstream)

    return on_centre_site
