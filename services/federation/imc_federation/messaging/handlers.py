"""What the aggregator does with the messages federated from the districts.

It binds on ``imc.districts`` exactly the upward crossings of the federation allowlist
(:data:`imc_contracts.federation.UPWARD`): the routing keys it binds there propagate to
every district's exchange, so nothing else is pulled over a link.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from faststream.rabbit import RabbitExchange
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    DEFICITS_SUMMARISED,
    EVENT_CHANGED,
    HEARTBEAT,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    SITE_STATUS_CHANGED,
    Envelope,
    MessageType,
)
from imc_contracts.federation import UPWARD
from imc_federation.services.ingest import (
    Intake,
    record_deficits_summary,
    record_event_change,
    record_heartbeat,
    record_participation_change,
    record_plan_change,
    record_site_change,
)
from imc_shared.broker import DISTRICTS
from imc_shared.consumer import Delivery, Handler

Fold = Callable[..., Awaitable[None]]

FOLDS: dict[str, Fold] = {
    SITE_STATUS_CHANGED.routing_key: record_site_change,
    EVENT_CHANGED.routing_key: record_event_change,
    PARTICIPATION_CHANGED.routing_key: record_participation_change,
    PLAN_CHANGED.routing_key: record_plan_change,
    HEARTBEAT.routing_key: record_heartbeat,
    DEFICITS_SUMMARISED.routing_key: record_deficits_summary,
}
"""The use case that folds each upward message type into the read models."""


class Subscriptions(Protocol):
    """What :func:`subscribe` needs of :class:`imc_shared.consumer.Consumers`."""

    def subscribe(
        self,
        message: MessageType[Any],
        handler: Handler,
        *,
        exchange: RabbitExchange = ...,
        name: str | None = None,
    ) -> str:
        """Consume ``message`` from ``exchange``."""
        ...


def _handler(fold: Fold, intake: Intake) -> Handler:
    async def handle(session: AsyncSession, envelope: Envelope[Any], delivery: Delivery) -> None:
        await fold(session, envelope, delivery, intake=intake)

    return handle


def subscribe(consumers: Subscriptions, *, intake: Intake) -> None:
    """Consume every upward crossing from the federated exchange ``imc.districts``."""
    for crossing in UPWARD:
        fold = FOLDS.get(crossing.routing_key)
        if fold is None:  # a crossing the centre does not read yet: do not pull it
            continue
        consumers.subscribe(
            crossing.message,
            _handler(fold, intake),
            exchange=DISTRICTS,
            name=f"districts.{crossing.routing_key}",
        )
