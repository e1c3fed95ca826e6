"""Overdue alerts of road-map rows (001 §4.6): a durable job, once per row.

A pass takes, in ONE transaction, every row whose deadline passed (in the district's time
zone) and that has not been alerted: on PostgreSQL with ``SELECT … FOR UPDATE SKIP
LOCKED`` (another replica skips them), on SQLite after a first statement that writes and
so takes the database's write lock (another replica waits, then finds them alerted). Rows
still overdue by the road map's own rule (:func:`~imc_scheduling.domain.events.item_state`)
get ``overdue_notified_at`` and ROADMAP_ITEM_OVERDUE through the outbox in the same
transaction: a crash in between rolls both back, and the next pass (of any replica, after
any downtime) sends the alert exactly once. Rows done or cancelled are looked at again
on later passes: if their events' attendance is withdrawn they become overdue then.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ROADMAP_ITEM_OVERDUE, RoadmapItemOverdue
from imc_scheduling.db.models import Roadmap, RoadmapItem
from imc_scheduling.domain.roadmaps import days_overdue
from imc_scheduling.services.roadmaps import site_rows
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)

AfterClaim = Callable[[list[UUID]], Awaitable[None]]


def overdue_payload(roadmap: Roadmap, item: RoadmapItem, today: date) -> RoadmapItemOverdue:
    """The alert on one row, for the site's leader and the curating methodist."""
    return RoadmapItemOverdue(
        roadmap_id=roadmap.id,
        item_id=item.id,
        site_id=roadmap.site_id,
        organisation_id=roadmap.organisation_id,
        organisation_short_name=roadmap.organisation_short_name,
        title=item.title,
        deadline=item.deadline,
        responsible_name=item.responsible_name,
        responsible_person_id=item.responsible_person_id,
        days_overdue=days_overdue(item.deadline, today),
    )


class RoadmapOverdueJob:
    """Alerts on overdue road-map rows; any number of replicas may run it at once."""

    def __init__(
        self,
        database: Database,
        settings: SchedulingSettings,
        outbox: Outbox,
        *,
        after_claim: AfterClaim | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.outbox = outbox
        self.zone = ZoneInfo(settings.time_zone)
        self.after_claim = after_claim
        self.worker_id = uuid4().hex[:16]
        self._task: asyncio.Task[None] | None = None

    async def _claim(self, session: AsyncSession, today: date) -> list[UUID]:
        pending = sa.and_(RoadmapItem.overdue_notified_at.is_(None), RoadmapItem.deadline < today)
        if self.database.is_sqlite:
            # Changes nothing, but as the transaction's first statement it takes the write
            # lock: a second worker waits here and then reads the rows this one alerted.
            await session.execute(
                sa.update(RoadmapItem)
                .where(pending)
                .values(overdue_notified_at=None)
                .execution_options(synchronize_session=False)
            )
        query = sa.select(RoadmapItem.id).where(pending).order_by(RoadmapItem.id)
        if not self.database.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        return list((await session.scalars(query)).all())

    async def run_once(self, now: datetime | None = None) -> int:
        """One pass; returns how many alerts were sent."""
        moment = now or datetime.now(UTC)
        today = moment.astimezone(self.zone).date()
        sent = 0
        async with self.database.transaction() as session:
            ids = await self._claim(session, today)
            if self.after_claim is not None:
                await self.after_claim(ids)
            for roadmap, (item, state, _) in await site_rows(
                session, RoadmapItem.id.in_(ids), today
            ):
                if state != "overdue":
                    continue
                item.overdue_notified_at = moment
                await self.outbox.put(
                    session, ROADMAP_ITEM_OVERDUE, overdue_payload(roadmap, item, today)
                )
                sent += 1
            await session.flush()
        if sent:
            log.info("road-map overdue alerts sent", sent=sent, worker=self.worker_id)
        return sent

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("overdue pass failed; retrying at the next interval")
            await asyncio.sleep(self.settings.roadmap_overdue_poll_seconds)

    def start(self) -> None:
        """Start in the background (the first pass catches up after downtime)."""
        self._task = asyncio.create_task(self._loop(), name="roadmap-overdue")

    async def stop(self) -> None:
        """Stop; rows not yet alerted stay for the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
