"""A district's periodic sign of life for its centre (HEARTBEAT on ``imc.events``).

The centre's link status is built from these: how late the last one arrived (the lag)
and how long none has arrived (the link or the district is down). While the link is
down they wait in the federation buffer like every other message, so on recovery the
centre sees how far behind it was.
"""

import asyncio
import contextlib

import msgspec
import structlog

from imc_contracts import HEARTBEAT, Heartbeat, names
from imc_shared.broker import Publisher
from imc_shared.outbox import OutboxRelay

log = structlog.get_logger(__name__)


class HeartbeatSender:
    """Publishes HEARTBEAT every ``interval`` seconds (a worker of the runtime)."""

    def __init__(
        self,
        publisher: Publisher,
        relay: OutboxRelay,
        *,
        district: str,
        source: str,
        interval: int,
    ) -> None:
        self.publisher = publisher
        self.relay = relay
        self.district = district
        self.source = source
        self.interval = interval
        self.sequence = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start beating in the background."""
        self._task = asyncio.create_task(self._run(), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating."""
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def beat(self) -> None:
        """Publish one heartbeat (confirmed); raises if the broker does not take it."""
        try:
            backlog = await self.relay.backlog()
        except Exception:  # the database is away: still say the district is alive
            backlog = -1
        self.sequence += 1
        envelope = HEARTBEAT.new(
            Heartbeat(
                sequence=self.sequence, interval_seconds=self.interval, outbox_backlog=backlog
            ),
            district=self.district,
            source=self.source,
        )
        await self.publisher.publish(
            exchange=names.EVENTS_EXCHANGE,
            routing_key=envelope.routing_key,
            body=msgspec.json.encode(envelope),
            message_id=str(envelope.id),
            correlation_id=str(envelope.correlation_id),
        )

    async def _run(self) -> None:
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker away: the next beat tries again
                log.warning("heartbeat not published", error=str(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.sleep(self.interval)
