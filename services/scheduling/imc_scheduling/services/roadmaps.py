"""Use cases on road maps."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ROADMAP_OPENED, Envelope, RoadmapOpened, SiteStatusChanged
from imc_scheduling.db.models import Roadmap
from imc_scheduling.domain.roadmaps import opens_roadmap, roadmap_title
from imc_shared.db import Database
from imc_shared.outbox import Outbox


async def open_roadmap(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
) -> Roadmap | None:
    """Open the (empty) road map of a site that has just become active."""
    change: SiteStatusChanged = envelope.payload
    if not opens_roadmap(change):
        return None
    existing = await session.scalar(sa.select(Roadmap).where(Roadmap.site_id == change.site_id))
    if existing is not None:
        return existing
    roadmap = Roadmap(
        site_id=change.site_id,
        organisation_id=change.organisation_id,
        organisation_short_name=change.organisation_short_name,
        title=roadmap_title(change),
        topic=change.topic,
        period_start=change.term_start,
        period_end=change.term_end,
    )
    session.add(roadmap)
    await session.flush()
    await outbox.put(
        session,
        ROADMAP_OPENED,
        RoadmapOpened(
            roadmap_id=roadmap.id,
            site_id=roadmap.site_id,
            organisation_id=roadmap.organisation_id,
            title=roadmap.title,
        ),
        cause=envelope,
    )
    return roadmap


async def list_roadmaps(*, database: Database) -> list[Roadmap]:
    """Every road map of the district, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Roadmap).order_by(Roadmap.opened_at.desc()))
        return list(rows.all())
