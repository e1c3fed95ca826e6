"""The district's anonymous picture of deficits for the centre (DEFICITS_SUMMARISED).

Written in the transaction of every change of deficits or routes with a version that
grows by one (the counter row is updated first, so two changes at once are ordered);
a resync re-sends the current state with the current version. Counts only: no person,
school or name is in the payload.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DEFICITS_SUMMARISED, DeficitsSummarised, Envelope
from imc_growth.db.models import Competency, Deficit, Route, SummaryCounter
from imc_growth.domain.deficits import Tally, count_rows
from imc_shared.outbox import Outbox

COUNTER_ID = 1


async def _next_version(session: AsyncSession, *, bump: bool) -> int:
    if bump:
        result = await session.execute(
            sa.update(SummaryCounter)
            .where(SummaryCounter.id == COUNTER_ID)
            .values(version=SummaryCounter.version + 1)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 0:
            session.add(SummaryCounter(id=COUNTER_ID, version=1))
            await session.flush()
    version = await session.scalar(
        sa.select(SummaryCounter.version).where(SummaryCounter.id == COUNTER_ID)
    )
    return int(version or 0)


async def current_summary(session: AsyncSession, version: int) -> DeficitsSummarised:
    """The counts as they stand in this transaction."""
    rows = await session.execute(
        sa.select(
            Competency.code, Competency.title, Deficit.subject, Deficit.status, Deficit.person_id
        ).join(Competency, Competency.id == Deficit.competency_id)
    )
    routes = await session.scalar(sa.select(sa.func.count(sa.distinct(Route.person_id))))
    return DeficitsSummarised(
        version=version,
        as_of=datetime.now(UTC),
        teachers_with_routes=int(routes or 0),
        rows=count_rows(Tally(*row) for row in rows.all()),
    )


async def announce_summary(
    session: AsyncSession,
    outbox: Outbox,
    *,
    bump: bool = True,
    cause: Envelope[Any] | None = None,
) -> DeficitsSummarised:
    """Write DEFICITS_SUMMARISED (a new version unless ``bump`` is off) in the caller's
    transaction."""
    await session.flush()
    version = await _next_version(session, bump=bump)
    payload = await current_summary(session, version)
    await outbox.put(session, DEFICITS_SUMMARISED, payload, cause=cause)
    return payload


async def read_summary(session: AsyncSession) -> DeficitsSummarised:
    """The summary as the centre last heard it (the current version)."""
    return await current_summary(session, await _next_version(session, bump=False))
