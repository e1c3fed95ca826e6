"""Idempotent consumers: each message's effect and its id commit in one transaction.

A handler is ``async (session, envelope, delivery) -> None``. The wrapper decodes and
validates the envelope, binds the log context, records the message id in the inbox in
the handler's transaction (a duplicate is acknowledged with no effect), and acks only
after commit. A handler that raises is retried; on the last attempt, or at once when it
raises :class:`Rejected` or the message does not decode, the message goes to
``<queue>.dlq`` with the reason in the ``x-imc-error`` header.

Every queue's consumer is watched (:class:`ConsumerWatchdog`): aio-pika's robust
connection restores consumers after a forced close or a broker restart, and the
watchdog checks that it did, re-subscribes a consumer the library lost, and keeps a
per-queue state for ``/ready``: a service whose consumers vanished is not ready.
"""

import asyncio
import contextlib
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import aio_pika
import aiormq
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


CONFIRM_AFTER_SECONDS = 2.0
"""How long after a consumer (re)appears the broker's count is given to agree: right after
a node restart the count can still hold the previous incarnation's consumers, or none."""


@dataclass
class SubscriptionState:
    """Whether one queue has its consumer of this process, as ``/ready`` reports it.

    ``consuming`` is this process's own view: its channel is open and holds the consumer
    tag (registered when the consume is sent). The broker's consumer count from a
    passive declare (``broker_consumers``, refreshed every few seconds by the watchdog)
    must agree once ``confirm_after`` seconds have passed since the consumer came back:
    a consume the broker never completes (e.g. on a quorum queue left without a leader)
    looks registered locally, but the broker counts no consumer. Times are
    ``time.monotonic()`` seconds.
    """

    queue: str
    consuming: bool = False
    broker_consumers: int | None = None
    probe_error: str | None = None
    probed_at: float | None = None
    up_since: float | None = None
    down_since: float | None = None
    unconfirmed_since: float | None = None
    interruptions: int = 0
    last_interruption_seconds: float | None = None
    resubscribed: int = 0
    confirm_after: float = CONFIRM_AFTER_SECONDS

    @property
    def confirmed(self) -> bool | None:
        """What the last probe says about the consumer, once it may be trusted: None
        while there is no such probe yet."""
        if self.probed_at is None or self.up_since is None:
            return None
        if self.probed_at < self.up_since + self.confirm_after:
            return None
        return self.probe_error is None and (self.broker_consumers or 0) >= 1

    @property
    def ok(self) -> bool:
        """Consuming, and the broker does not contradict it."""
        return self.consuming and self.confirmed is not False

    def report(self, now: float) -> dict[str, Any]:
        """The JSON ``/ready`` shows for this queue."""

        def ago(moment: float | None, digits: int = 2) -> float | None:
            return None if moment is None else round(now - moment, digits)

        return {
            "consuming": self.ok,
            "consumer_registered": self.consuming,
            "broker_consumers": self.broker_consumers,
            "broker_confirms": self.confirmed,
            "probe_error": self.probe_error,
            "probed_seconds_ago": ago(self.probed_at, 1),
            "down_seconds": ago(self.down_since),
            "unconfirmed_seconds": ago(self.unconfirmed_since),
            "interruptions": self.interruptions,
            "last_interruption_seconds": None
            if self.last_interruption_seconds is None
            else round(self.last_interruption_seconds, 3),
            "resubscribed": self.resubscribed,
        }


@dataclass
class _Subscription:
    queue: str
    subscriber: Any  # faststream.rabbit RabbitSubscriber
    state: SubscriptionState


async def _has_consumer(subscriber: Any) -> bool:
    """Whether ``subscriber``'s channel is open and holds its consumer tag.

    Purely local (no broker round trip). aiormq registers the tag when it sends the
    consume, before the broker answers, and drops it when the broker cancels the
    consumer (queue deleted, leader lost); a closed channel has none. The watchdog's
    passive declares confirm it from the broker's side.
    """
    queue = getattr(subscriber, "_queue_obj", None)
    tag = getattr(subscriber, "_consumer_tag", None)
    if queue is None or tag is None:
        return False
    channel = queue.channel
    if channel.is_closed:
        return False
    try:
        # The plain Channel's version: a RobustChannel's would wait for a reconnect.
        underlay = await aio_pika.Channel.get_underlay_channel(cast(aio_pika.Channel, channel))
    except aiormq.exceptions.ChannelInvalidStateError:
        return False
    return tag in getattr(underlay, "consumers", {})


class Consumers:
    """Registers the idempotent subscribers of one service and watches their consumers."""

    def __init__(
        self, *, broker: RabbitBroker, database: Database, publisher: Publisher, service: str
    ) -> None:
        self.broker = broker
        self.database = database
        self.publisher = publisher
        self.service = service
        self.queues: list[str] = []
        self.stats = ConsumerStats()
        self._subscriptions: list[_Subscription] = []
        self.watchdog = ConsumerWatchdog(self)

    @property
    def states(self) -> dict[str, SubscriptionState]:
        """Each subscribed queue's consumer state (as of the last check)."""
        return {s.queue: s.state for s in self._subscriptions}

    async def health(self) -> tuple[bool, dict[str, dict[str, Any]]]:
        """Check every queue's consumer now (locally, no broker round trip) and report.

        Returns whether every queue has its consumer, and the per-queue detail; the
        broker's consumer counts come from the watchdog's last passive declares.
        """
        await self.refresh()
        now = time.monotonic()
        states = [s.state for s in self._subscriptions]
        return all(state.ok for state in states), {
            state.queue: state.report(now) for state in states
        }

    async def refresh(self) -> bool:
        """Update each queue's ``consuming`` from this process's channels.

        Returns whether a consumer came back (or appeared) since the last check.
        """
        now = time.monotonic()
        came_back = False
        for subscription in self._subscriptions:
            state = subscription.state
            consuming = await _has_consumer(subscription.subscriber)
            if consuming and not state.consuming:
                came_back = True
                state.up_since = now
                if state.down_since is not None:
                    state.last_interruption_seconds = now - state.down_since
                    log.info(
                        "consumer is back",
                        queue=state.queue,
                        after_seconds=round(state.last_interruption_seconds, 3),
                    )
                state.down_since = None
            elif not consuming and state.consuming:
                self._mark_down(state, now)
            state.consuming = consuming
        return came_back

    def _mark_down(self, state: SubscriptionState, now: float) -> None:
        if state.down_since is None:
            state.down_since = now
            state.interruptions += 1
            log.warning("consumer lost", queue=state.queue)
        state.consuming = False

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

        subscriber = self.broker.subscriber(
            consumer_queue(queue, message.routing_key),
            exchange,
            ack_policy=AckPolicy.MANUAL,
            decoder=_raw_body,
        )
        subscriber(on_message)
        self._subscriptions.append(_Subscription(queue, subscriber, SubscriptionState(queue)))
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


class ConsumerWatchdog:
    """Keeps every queue's consumer of this process alive and its state current.

    A worker (``start``/``stop``) the runtime runs once the broker consumes. Each round
    it checks the consumers locally (every ``check_seconds``; every ``fast_seconds``
    while one is missing, and at once when a channel closes or reopens) and asks the
    broker for each queue's consumer count with a passive declare on a channel of its
    own (every ``probe_seconds``; every ``check_seconds`` while they disagree).

    aio-pika's robust connection normally restores the consumers itself, within a
    second of reconnecting. A consumer still missing ``repair_after`` seconds into a
    live connection is repaired here, as aio-pika's own restore does it: a closed
    channel is reopened (which restores its queues and consumers), a missing consumer
    is consumed again under its tag. A consumer the broker does not count although this
    process registered it (a consume the broker never completed) cannot be repaired
    from the client: it is logged, and ``/ready`` stays false until the broker agrees.
    """

    def __init__(
        self,
        consumers: Consumers,
        *,
        check_seconds: float = 1.0,
        fast_seconds: float = 0.1,
        probe_seconds: float = 5.0,
        probe_timeout: float = 5.0,
        repair_after: float = 5.0,
        repair_timeout: float = 15.0,
        warn_every: float = 30.0,
    ) -> None:
        self.consumers = consumers
        self.check_seconds = check_seconds
        self.fast_seconds = fast_seconds
        self.probe_seconds = probe_seconds
        self.probe_timeout = probe_timeout
        self.repair_after = repair_after
        self.repair_timeout = repair_timeout
        self.warn_every = warn_every
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._watched: weakref.WeakSet[Any] = weakref.WeakSet()
        self._probe_channel: Any = None
        self._connected_since: float | None = None
        self._last_probe = float("-inf")
        self._last_repair: dict[str, float] = {}
        self._last_warning: dict[str, float] = {}

    def start(self) -> None:
        """Start watching in the background (after the broker started consuming)."""
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="consumer-watchdog")

    async def stop(self) -> None:
        """Stop watching (before the broker stops)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        channel, self._probe_channel = self._probe_channel, None
        if channel is not None and not channel.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(channel.close(), timeout=2)

    async def check_once(self) -> None:
        """One round: local check, broker probe when due, repairs when due."""
        self._watch_channels()
        await self.consumers.refresh()
        now = time.monotonic()
        connected = await self.consumers.broker.ping(timeout=0.05)
        if not connected:
            self._connected_since = None
        elif self._connected_since is None:
            self._connected_since = now
        if connected and self._probe_due(now):
            await self.probe()
        self._track_disagreement(time.monotonic())
        if not connected or now - (self._connected_since or now) < self.repair_after:
            return
        for subscription in self.consumers._subscriptions:
            state = subscription.state
            if (
                not state.consuming
                and state.down_since is not None
                and now - state.down_since >= self.repair_after
                and now - self._last_repair.get(state.queue, float("-inf")) >= self.repair_after
            ):
                self._last_repair[state.queue] = now
                await self._repair(subscription)

    async def probe(self) -> None:
        """Ask the broker how many consumers each queue has (passive declares)."""
        self._last_probe = time.monotonic()
        for subscription in self.consumers._subscriptions:
            state = subscription.state
            try:
                channel = await self._channel(subscription)
                result = await asyncio.wait_for(
                    channel.queue_declare(state.queue, passive=True), timeout=self.probe_timeout
                )
            except aiormq.exceptions.ChannelNotFoundEntity:
                state.broker_consumers, state.probe_error = 0, "queue not found"
                self._probe_channel = None  # the broker closed it
            except Exception as error:
                state.broker_consumers, state.probe_error = None, repr(error)[:200]
                self._probe_channel = None
            else:
                state.broker_consumers, state.probe_error = result.consumer_count, None
            state.probed_at = time.monotonic()

    def _probe_due(self, now: float) -> bool:
        for state in (s.state for s in self.consumers._subscriptions):
            if state.probed_at is None:
                return True
            if state.consuming and state.confirmed is not True:
                # Unconfirmed: ask again once the broker may be trusted, then often.
                trusted = (state.up_since or 0) + state.confirm_after
                if state.probed_at < trusted <= now or (
                    state.confirmed is False and now - self._last_probe >= self.check_seconds
                ):
                    return True
        return now - self._last_probe >= self.probe_seconds

    def _track_disagreement(self, now: float) -> None:
        for state in (s.state for s in self.consumers._subscriptions):
            if not (state.consuming and state.confirmed is False):
                state.unconfirmed_since = None
                continue
            if state.unconfirmed_since is None:
                state.unconfirmed_since = now
            if now - self._last_warning.get(state.queue, float("-inf")) >= self.warn_every:
                self._last_warning[state.queue] = now
                log.error(
                    "the broker counts no consumer on the queue although this process "
                    "consumes it; if this lasts, the queue may have no leader "
                    "(a quorum queue after an unclean broker restart: trigger an election)",
                    queue=state.queue,
                    broker_consumers=state.broker_consumers,
                    probe_error=state.probe_error,
                    unconfirmed_seconds=round(now - state.unconfirmed_since, 1),
                )

    async def _channel(self, subscription: _Subscription) -> Any:
        """A plain channel for probes on the service's own connection (not restored)."""
        channel = self._probe_channel
        if channel is not None and not channel.is_closed:
            return channel
        queue = getattr(subscription.subscriber, "_queue_obj", None)
        if queue is None:
            raise RuntimeError("subscriber not started")
        underlay = await aio_pika.Channel.get_underlay_channel(
            cast(aio_pika.Channel, queue.channel)
        )
        self._probe_channel = await asyncio.wait_for(
            underlay.connection.channel(publisher_confirms=False), timeout=self.probe_timeout
        )
        return self._probe_channel

    async def _repair(self, subscription: _Subscription) -> None:
        """Bring back a consumer aio-pika did not restore, the way aio-pika would."""
        state = subscription.state
        subscriber = subscription.subscriber
        log.warning(
            "consumer still missing, re-subscribing",
            queue=state.queue,
            down_seconds=round(time.monotonic() - (state.down_since or 0), 1),
        )
        try:
            queue = getattr(subscriber, "_queue_obj", None)
            tag = getattr(subscriber, "_consumer_tag", None)
            if queue is None or tag is None:
                await asyncio.wait_for(subscriber.start(), timeout=self.repair_timeout)
            elif queue.channel.is_closed:
                if not isinstance(queue.channel, aio_pika.RobustChannel):
                    raise RuntimeError("the consumer's channel is closed for good")
                await asyncio.wait_for(queue.channel.restore(), timeout=self.repair_timeout)
            if not await _has_consumer(subscriber):
                queue, tag = subscriber._queue_obj, subscriber._consumer_tag
                # Under the same tag, so aio-pika restores one consumer, not two.
                known = getattr(queue, "_consumers", {}).get(tag) or {}
                await asyncio.wait_for(
                    queue.consume(
                        known.get("callback", subscriber.consume),
                        no_ack=known.get("no_ack", False),
                        exclusive=known.get("exclusive", False),
                        arguments=known.get("arguments", subscriber.consume_args),
                        consumer_tag=tag,
                    ),
                    timeout=self.repair_timeout,
                )
            state.resubscribed += 1
            log.warning("consumer re-subscribed", queue=state.queue)
        except Exception as error:
            log.error("re-subscribing failed, will retry", queue=state.queue, error=repr(error))
        finally:
            self._watch_channels()
            self._poke()

    def _watch_channels(self) -> None:
        """Hear at once when a consumer's channel closes or reopens."""
        for subscription in self.consumers._subscriptions:
            queue = getattr(subscription.subscriber, "_queue_obj", None)
            channel = getattr(queue, "channel", None)
            if channel is None or channel in self._watched:
                continue
            self._watched.add(channel)
            channel.close_callbacks.add(self._on_channel_closed)
            reopen = getattr(channel, "reopen_callbacks", None)
            if reopen is not None:
                reopen.add(self._on_channel_reopened)

    def _on_channel_closed(self, channel: Any, _error: BaseException | None = None) -> None:
        now = time.monotonic()
        for subscription in self.consumers._subscriptions:
            queue = getattr(subscription.subscriber, "_queue_obj", None)
            if getattr(queue, "channel", None) is channel:
                self.consumers._mark_down(subscription.state, now)
        self._poke()

    def _on_channel_reopened(self, _channel: Any) -> None:
        self._poke()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # never let the watchdog die
                log.error("consumer watchdog round failed", error=repr(error))
            settled = all(s.state.ok for s in self.consumers._subscriptions)
            delay = self.check_seconds if settled else self.fast_seconds
            assert self._wake is not None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
