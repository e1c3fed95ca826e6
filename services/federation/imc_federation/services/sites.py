"""Use cases: fold district messages into the centre's read models."""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, SiteStatusChanged
from imc_federation.db.models import CentreSite, DistrictActivity
from imc_federation.domain.origin import OriginMismatch, verify_origin
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database

log = structlog.get_logger(__name__)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def record_site_change(
    session: AsyncSession,
    envelope: Envelope[Any],
    delivery: Delivery,
    *,
    upstreams: dict[str, str],
) -> None:
    """Store a district's site change, if it really came from that district.

    Applying changes by their ``occurred_at`` makes the result the same whatever order
    the messages arrive in.
    """
    try:
        verify_origin(delivery.headers, envelope.district, upstreams)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    change: SiteStatusChanged = envelope.payload
    now = datetime.now(UTC)
    await _touch_district(session, envelope.district, now)
    site = await session.get(CentreSite, change.site_id)
    if site is not None and site.district != envelope.district:
        raise Rejected(f"site {change.site_id} belongs to district {site.district}")
    if site is not None and _utc(site.occurred_at) > envelope.occurred_at:
        log.info("older change ignored", site_id=str(change.site_id))
        return
    if site is None:
        site = CentreSite(site_id=change.site_id, district=envelope.district)
        session.add(site)
    site.organisation_id = change.organisation_id
    site.organisation_short_name = change.organisation_short_name
    site.organisation_full_name = change.organisation_full_name
    site.kind = change.kind
    site.status = change.status
    site.topic = change.topic
    site.term_start = change.term_start
    site.term_end = change.term_end
    site.leader_name = change.leader.full_name
    site.leader_position = change.leader.position
    site.co_leader_name = change.co_leader.full_name if change.co_leader else None
    site.co_leader_position = change.co_leader.position if change.co_leader else None
    site.order_number = change.order_number
    site.order_date = change.order_date
    site.occurred_at = envelope.occurred_at
    site.received_at = now
    site.message_id = envelope.id


async def _touch_district(session: AsyncSession, district: str, now: datetime) -> None:
    activity = await session.get(DistrictActivity, district)
    if activity is None:
        activity = DistrictActivity(district=district, messages=0, last_message_at=now)
        session.add(activity)
    activity.messages += 1
    activity.last_message_at = now


async def list_sites(*, database: Database, district: str | None = None) -> list[CentreSite]:
    """Sites across districts (or of one), by district and organisation."""
    statement = sa.select(CentreSite)
    if district:
        statement = statement.where(CentreSite.district == district)
    async with database.sessions() as session:
        rows = await session.scalars(
            statement.order_by(CentreSite.district, CentreSite.organisation_short_name)
        )
        return list(rows.all())


async def district_activity(*, database: Database) -> dict[str, DistrictActivity]:
    """When each district was last heard from."""
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(DistrictActivity))
        return {row.district: row for row in rows.all()}
