"""RabbitMQ: the broker factory, the topology, and a confirmed, mandatory publisher.

FastStream's defaults would lose messages here (non-persistent publishes, unroutable
mandatory publishes confirmed and dropped, random message ids); this module turns each
of those off.
"""

from typing import Any

from fast_depends.msgspec import MsgSpecSerializer
from faststream.rabbit import (
    Channel,
    ExchangeType,
    QueueType,
    RabbitBroker,
    RabbitExchange,
    RabbitQueue,
)

from imc_contracts import names

EVENTS = RabbitExchange(
    names.EVENTS_EXCHANGE,
    type=ExchangeType.TOPIC,
    durable=True,
    arguments={"alternate-exchange": names.UNROUTABLE_EXCHANGE},
)
UNROUTABLE = RabbitExchange(names.UNROUTABLE_EXCHANGE, type=ExchangeType.FANOUT, durable=True)
DEAD_LETTERS = RabbitExchange(names.DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)
DISTRICTS = RabbitExchange(names.DISTRICTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True)
CENTRE = RabbitExchange(names.CENTRE_EXCHANGE, type=ExchangeType.TOPIC, durable=True)
EXCHANGES = {e.name: e for e in (EVENTS, UNROUTABLE, DEAD_LETTERS, DISTRICTS, CENTRE)}


RECONNECT_SECONDS = 1.0
"""Pause between reconnect attempts (aio-pika's default is 5 s): consumers return within
about this long of the broker accepting connections again."""


def make_broker(
    url: str, *, prefetch: int = 16, reconnect_interval: float = RECONNECT_SECONDS
) -> RabbitBroker:
    """A RabbitBroker with msgspec serialization, publisher confirms and raising returns.

    Its robust connection reconnects every ``reconnect_interval`` seconds while the
    broker is away and restores channels, queues, bindings and consumers.
    """
    return RabbitBroker(
        url,
        reconnect_interval=reconnect_interval,
        serializer=MsgSpecSerializer(),
        default_channel=Channel(
            publisher_confirms=True, on_return_raises=True, prefetch_count=prefetch
        ),
        logger=None,
    )


def consumer_queue(queue: str, routing_key: str) -> RabbitQueue:
    """A durable quorum queue that dead-letters what fails ``DELIVERY_LIMIT`` times."""
    arguments: Any = {
        "x-delivery-limit": names.DELIVERY_LIMIT,
        "x-dead-letter-exchange": names.DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    return RabbitQueue(
        queue,
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments=arguments,
        routing_key=routing_key,
    )


def dead_letter_queue(queue: str) -> RabbitQueue:
    """The dead-letter queue of ``queue``."""
    return RabbitQueue(
        names.dead_letter_queue(queue),
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=queue,
    )


async def declare_topology(broker: RabbitBroker) -> None:
    """Declare the exchanges every instance has (idempotent; same as deploy/ definitions)."""
    for exchange in (UNROUTABLE, DEAD_LETTERS, EVENTS, CENTRE):
        await broker.declare_exchange(exchange)
    arguments: Any = {
        k: v for k, v in names.UNROUTABLE_QUEUE_ARGUMENTS.items() if k != "x-queue-type"
    }
    unroutable = await broker.declare_queue(
        RabbitQueue(
            names.UNROUTABLE_QUEUE, queue_type=QueueType.QUORUM, durable=True, arguments=arguments
        )
    )
    await unroutable.bind(names.UNROUTABLE_EXCHANGE, routing_key="")


async def declare_dead_letter_queue(broker: RabbitBroker, queue: str) -> None:
    """Declare ``<queue>.dlq`` and bind it to the dead-letter exchange."""
    dlq = await broker.declare_queue(dead_letter_queue(queue))
    await dlq.bind(names.DEAD_LETTER_EXCHANGE, routing_key=queue)


class Publisher:
    """Publishes bytes persistently, mandatory, awaiting the broker's confirm.

    A publish nobody can route raises (``on_return_raises``); the alternate exchange
    on ``imc.events`` keeps such messages for inspection instead.
    """

    def __init__(self, broker: RabbitBroker) -> None:
        self.broker = broker

    async def publish(
        self,
        *,
        exchange: str,
        routing_key: str,
        body: bytes,
        message_id: str,
        correlation_id: str,
        headers: dict[str, Any] | None = None,
    ) -> None:
        """Publish one message and wait for its confirm; raises if not confirmed."""
        target = EXCHANGES.get(exchange) or RabbitExchange(exchange, declare=False)
        await self.broker.publish(
            body,
            exchange=target,
            routing_key=routing_key,
            persist=True,
            mandatory=True,
            message_id=message_id,
            correlation_id=correlation_id,
            content_type="application/json",
            headers=headers,
        )
