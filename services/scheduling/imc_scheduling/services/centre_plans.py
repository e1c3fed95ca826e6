"""The centre's (ММЦ) plans, as a federated district receives them.

The centre's PLAN_CHANGED goes down over ``imc.centre``; only messages over the centre's
link are taken, and the highest version per plan wins. A read model: the district's own
plans are kept apart and never touched.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, PlanChanged
from imc_scheduling.db.models import CentrePlan
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database
from imc_shared.origin import OriginMismatch, verify_link


def _row(envelope: Envelope[Any], now: datetime) -> dict[str, Any]:
    plan: PlanChanged = envelope.payload
    return {
        "plan_id": plan.plan_id,
        "version": plan.version,
        "kind": plan.kind,
        "title": plan.title,
        "school_year": plan.school_year,
        "subject": plan.subject,
        "status": plan.status,
        "items": [
            {
                "item_id": str(item.item_id),
                "title": item.title,
                "deadline": item.deadline.isoformat() if item.deadline else None,
                "done_on": item.done_on.isoformat() if item.done_on else None,
            }
            for item in plan.items
        ],
        "centre": envelope.district,
        "received_at": now,
    }


async def record_centre_plan(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, upstream: str
) -> None:
    """Keep the newest version of a centre's plan, if it came over the centre's link
    (one statement: an older or repeated version changes nothing)."""
    try:
        verify_link(delivery.headers, upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    values = _row(envelope, datetime.now(UTC))
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    insert = dialect.insert(CentrePlan).values(**values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[CentrePlan.plan_id],
            set_={k: insert.excluded[k] for k in values if k != "plan_id"},
            where=CentrePlan.version < insert.excluded.version,
        )
    )


async def list_centre_plans(
    *, database: Database, school_year: str | None = None, include_drafts: bool = False
) -> list[CentrePlan]:
    """The centre's plans, newest school year first (drafts only when asked)."""
    query = sa.select(CentrePlan).order_by(
        CentrePlan.school_year.desc(), CentrePlan.kind, CentrePlan.title
    )
    if school_year:
        query = query.where(CentrePlan.school_year == school_year)
    if not include_drafts:
        query = query.where(CentrePlan.status != "draft")
    async with database.sessions() as session:
        return list((await session.scalars(query)).all())
