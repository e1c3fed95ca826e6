"""The transactional outbox: messages are rows written with the change they announce,
then relayed to RabbitMQ with publisher confirms and marked published.

A crash between the confirm and the mark re-sends the row; consumers deduplicate by
message id (the inbox), so that is harmless.
"""

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, MessageType, names
from imc_shared.broker import Publisher
from imc_shared.context import current_correlation_id
from imc_shared.db import Database
from imc_shared.tables import outbox

log = structlog.get_logger(__name__)


class Outbox:
    """Writes messages into the outbox of the caller's transaction."""

    def __init__(self, *, district: str, source: str) -> None:
        self.district = district
        self.source = source

    async def put(
        self,
        session: AsyncSession,
        message: MessageType[Any],
        payload: msgspec.Struct,
        *,
        cause: Envelope[Any] | None = None,
        exchange: str = names.EVENTS_EXCHANGE,
    ) -> Envelope[Any]:
        """Add ``payload`` as a new message to the session's open transaction."""
        correlation = cause.correlation_id if cause else current_correlation_id()
        envelope = message.new(
            payload,
            district=self.district,
            source=self.source,
            correlation_id=correlation,
            causation_id=cause.id if cause else None,
        )
        await session.execute(
            sa.insert(outbox).values(
                id=envelope.id,
                exchange=exchange,
                routing_key=envelope.routing_key,
                correlation_id=envelope.correlation_id,
                body=msgspec.json.encode(envelope),
                created_at=envelope.occurred_at,
            )
        )
        return envelope


class OutboxRelay:
    """Publishes pending outbox rows in confirmed batches; one per service process.

    On PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several relays
    split the work; SQLite ignores that clause, so run exactly one relay there.
    """

    def __init__(
        self,
        database: Database,
        publisher: Publisher,
        *,
        batch_size: int = 200,
        idle_seconds: float = 1.0,
    ) -> None:
        self.database = database
        self.publisher = publisher
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.published = 0

    def wake(self) -> None:
        """Ask the relay to look for new rows now."""
        self._wake.set()

    def start(self) -> None:
        """Start relaying in the background."""
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Stop relaying; pending rows stay for the next start."""
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def backlog(self) -> int:
        """How many rows wait to be published."""
        async with self.database.sessions() as session:
            count = await session.scalar(
                sa.select(sa.func.count())
                .select_from(outbox)
                .where(outbox.c.published_at.is_(None))
            )
        return int(count or 0)

    async def _run(self) -> None:
        delay = self.idle_seconds
        while True:
            try:
                sent = await self.relay_once()
                delay = self.idle_seconds
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker or database away: back off, keep the rows
                log.warning("outbox relay failed, will retry", error=str(error))
                sent = 0
                delay = min(delay * 2, 30.0)
            if sent >= self.batch_size:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def relay_once(self) -> int:
        """Publish one batch of pending rows; returns how many were published."""
        async with self.database.sessions() as session, session.begin():
            query = (
                sa.select(outbox)
                .where(outbox.c.published_at.is_(None))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
            )
            if not self.database.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            rows = (await session.execute(query)).mappings().all()
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._publish(row) for row in rows), return_exceptions=True
            )
            now = datetime.now(UTC)
            done: list[UUID] = []
            for row, result in zip(rows, results, strict=True):
                if isinstance(result, BaseException):
                    await session.execute(
                        sa.update(outbox)
                        .where(outbox.c.id == row["id"])
                        .values(attempts=outbox.c.attempts + 1, last_error=str(result)[:2000])
                    )
                    log.warning(
                        "outbox publish failed",
                        message_id=str(row["id"]),
                        routing_key=row["routing_key"],
                        error=str(result),
                    )
                else:
                    done.append(row["id"])
            if done:
                await session.execute(
                    sa.update(outbox).where(outbox.c.id.in_(done)).values(published_at=now)
                )
        self.published += len(done)
        if len(done) < len(rows):
            raise RuntimeError(f"{len(rows) - len(done)} of {len(rows)} publishes failed")
        return len(done)

    async def _publish(self, row: Any) -> None:
        await self.publisher.publish(
            exchange=row["exchange"],
            routing_key=row["routing_key"],
            body=row["body"],
            message_id=str(row["id"]),
            correlation_id=str(row["correlation_id"]),
        )
