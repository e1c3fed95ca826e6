"""The centre's inter-municipal events, as a federated district receives them.

The centre publishes EVENT_CHANGED over ``imc.centre``; the district's broker pulls it
over a federation link and records the upstream in ``x-received-from``. Only messages
from the configured centre are taken, and the highest version per event wins, so the
table converges whatever the order of arrival or the number of repeats. They are a
read model: never re-published, never registered for here.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, EventChanged
from imc_scheduling.db.models import CentreEvent
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database
from imc_shared.origin import OriginMismatch, verify_link

_COPIED = (
    "version",
    "title",
    "form",
    "form_title",
    "level",
    "organiser_kind",
    "organiser_name",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "capacity",
    "hours",
    "status",
    "registered",
    "waiting",
    "attended",
)


def _row(envelope: Envelope[Any], now: datetime) -> dict[str, Any]:
    change: EventChanged = envelope.payload
    values = {name: getattr(change, name) for name in _COPIED}
    values.update(
        event_id=change.event_id,
        audience_subjects=list(change.audience_subjects),
        audience_categories=list(change.audience_categories),
        centre=envelope.district,
        received_at=now,
    )
    return values


async def record_centre_event(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, upstream: str
) -> None:
    """Keep the newest version of a centre's event, if it came over the centre's link.

    One statement (insert, or update only when the incoming version is higher): two
    versions arriving at once cannot both win, and an older one changes nothing.
    """
    try:
        verify_link(delivery.headers, upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    values = _row(envelope, datetime.now(UTC))
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    insert = dialect.insert(CentreEvent).values(**values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[CentreEvent.event_id],
            set_={k: insert.excluded[k] for k in values if k != "event_id"},
            where=CentreEvent.version < insert.excluded.version,
        )
    )


async def list_centre_events(
    *, database: Database, now: datetime, include_cancelled: bool = False
) -> list[CentreEvent]:
    """Inter-municipal events not yet over, by start time."""
    query = (
        sa.select(CentreEvent)
        .where(CentreEvent.ends_at > now)
        .order_by(CentreEvent.starts_at, CentreEvent.event_id)
    )
    if not include_cancelled:
        query = query.where(CentreEvent.status != "cancelled")
    async with database.sessions() as session:
        return list((await session.scalars(query)).all())
