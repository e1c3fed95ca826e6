"""Idempotent consumers: each message's effect and its id commit in one transaction.

A handler is ``async (session, envelope, delivery) -> None``. The wrapper decodes and
validates the envelope, binds the log context, records the message id in the inbox in
the handler's transaction (a duplicate is acknowledged with no effect), and acks only
after commit. A handler that raises is retried; on the last attempt, or at once when it
raises :class:`Rejected` or the message does not decode, the message goes to
``<queue>.dlq`` with the reason in the ``x-imc-error`` header.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
import structlog
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker, RabbitExchange
from faststream.rabbit.annotations import RabbitMessage
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, MessageType, names
from imc_shared.broker import (
    EVENTS,
    Publisher,
    consumer_queue,
    declare_dead_letter_queue,
)
from imc_shared.context import bind_correlation_id
from imc_shared.db import Database
from imc_shared.tables import inbox

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What the broker says about one delivery, beside the envelope."""

    queue: str
    routing_key: str
    headers: dict[str, Any]
    delivery_count: int


Handler = Callable[[AsyncSession, Envelope[Any], Delivery], Awaitable[None]]


async def _raw_body(message: Any) -> bytes:
    """Keep the body as bytes: the wrapper decodes it, so a malformed body reaches the
    wrapper (and the dead-letter queue) instead of failing inside the framework."""
    return bytes(message.body)


class Rejected(Exception):
    """Raised by a handler to refuse a message for good; it goes to the dead-letter queue."""


@dataclass
class ConsumerStats:
    """Counters a service reports on ``/ready`` and in logs."""

    handled: int = 0
    duplicates: int = 0
    retried: int = 0
    dead_lettered: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)


class Consumers:
    """Registers the idempotent subscribers of one service."""

    def __init__(
        self, *, broker: RabbitBroker, database: Database, publisher: Publisher, service: str
    ) -> None:
        self.broker = broker
        self.database = database
        self.publisher = publisher
        self.service = service
        self.queues: list[str] = []
        self.stats = ConsumerStats()

    def subscribe(
        self,
        message: MessageType[Any],
        handler: Handler,
        *,
        exchange: RabbitExchange = EVENTS,
        name: str | None = None,
    ) -> str:
        """Consume ``message`` from ``exchange`` into ``<service>.<routing key>``."""
        queue = names.queue_name(self.service, name or message.routing_key)
        self.queues.append(queue)

        async def on_message(body: Any, msg: RabbitMessage) -> None:
            await self._handle(queue, message, handler, msg)

        self.broker.subscriber(
            consumer_queue(queue, message.routing_key),
            exchange,
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw_body,
        )(on_message)
        return queue

    async def declare_dead_letter_queues(self) -> None:
        """Declare the DLQ of every subscribed queue (after the broker connected)."""
        for queue in self.queues:
            await declare_dead_letter_queue(self.broker, queue)

    async def _handle(
        self, queue: str, message: MessageType[Any], handler: Handler, msg: RabbitMessage
    ) -> None:
        raw = msg.raw_message
        headers = dict(raw.headers or {})
        delivery = Delivery(
            queue=queue,
            routing_key=raw.routing_key or "",
            headers=headers,
            delivery_count=int(str(headers.get("x-delivery-count") or 0)),
        )
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            service=self.service, queue=queue, message_id=raw.message_id
        )
        try:
            envelope = message.decode(msg.body)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            await self._dead_letter(msg, delivery, f"invalid message: {error}")
            return
        structlog.contextvars.bind_contextvars(
            district=envelope.district,
            message_id=str(envelope.id),
            correlation_id=str(envelope.correlation_id),
            routing_key=envelope.routing_key,
        )
        bind_correlation_id(envelope.correlation_id)
        try:
            handled = await self._apply(queue, envelope, delivery, handler)
        except Rejected as error:
            await self._dead_letter(msg, delivery, f"rejected: {error}")
            return
        except Exception as error:
            await self._failed(msg, delivery, error)
            return
        await msg.ack()
        if handled:
            self.stats.handled += 1
            log.info("message handled")
        else:
            self.stats.duplicates += 1
            log.info("duplicate message ignored")

    async def _apply(
        self, queue: str, envelope: Envelope[Any], delivery: Delivery, handler: Handler
    ) -> bool:
        dialect = sqlite if self.database.is_sqlite else postgresql
        async with self.database.transaction() as session:
            first = await session.scalar(
                dialect.insert(inbox)
                .values(
                    message_id=envelope.id,
                    consumer=queue,
                    routing_key=envelope.routing_key,
                    received_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing()
                .returning(inbox.c.message_id)
            )
            if first is None:
                return False
            await handler(session, envelope, delivery)
        return True

    async def _failed(self, msg: RabbitMessage, delivery: Delivery, error: Exception) -> None:
        attempt = delivery.delivery_count + 1
        if attempt >= names.DELIVERY_LIMIT:
            log.error("message failed on its last attempt", attempt=attempt, exc_info=error)
            await self._dead_letter(msg, delivery, f"failed {attempt} times: {error!r}")
            return
        self.stats.retried += 1
        log.warning("message failed, will retry", attempt=attempt, error=repr(error))
        await asyncio.sleep(0.2 * 2**attempt)
        await msg.nack(requeue=True)

    async def _dead_letter(self, msg: RabbitMessage, delivery: Delivery, reason: str) -> None:
        """Forward the message to its DLQ with the reason (confirmed), then ack it."""
        raw = msg.raw_message
        headers = {
            **delivery.headers,
            "x-imc-error": reason[:1000],
            "x-imc-queue": delivery.queue,
            "x-imc-routing-key": delivery.routing_key,
        }
        await self.publisher.publish(
            exchange=names.DEAD_LETTER_EXCHANGE,
            routing_key=delivery.queue,
            body=msg.body,
            message_id=raw.message_id or "",
            correlation_id=raw.correlation_id or "",
            headers=headers,
        )
        await msg.ack()
        self.stats.dead_lettered += 1
        kind = reason.split(":", 1)[0]
        self.stats.by_reason[kind] = self.stats.by_reason.get(kind, 0) + 1
        log.warning("message dead-lettered", reason=reason)
