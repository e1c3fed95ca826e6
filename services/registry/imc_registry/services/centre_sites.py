"""The centre's inter-municipal sites, as a federated district receives them.

The centre's (ММЦ) registry publishes SITE_STATUS_CHANGED on its own exchange; the
centre's broker binds it into ``imc.centre``, which the district's broker pulls over a
federation link, recording the upstream in ``x-received-from``. Only messages from the
configured centre are taken, and per site the highest version wins (two unversioned
states: the later change), so the table converges whatever the order of arrival or the
number of repeats. A read model: never re-published, never mixed into ``sites``.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, SiteStatusChanged
from imc_registry.db.models import CentreSite
from imc_registry.domain.sites import CURRENT_STATUSES, INTERMUNICIPAL_KINDS
from imc_registry.domain.text import fold
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database
from imc_shared.origin import OriginMismatch, verify_link

log = structlog.get_logger(__name__)

_COPIED = (
    "site_id",
    "version",
    "organisation_id",
    "organisation_full_name",
    "organisation_short_name",
    "kind",
    "status",
    "topic",
    "term_start",
    "term_end",
    "order_number",
    "order_date",
    "decision_id",
)


def _row(envelope: Envelope[Any], now: datetime) -> dict[str, Any]:
    change: SiteStatusChanged = envelope.payload
    values = {name: getattr(change, name) for name in _COPIED}
    values.update(
        occurred_at=envelope.occurred_at,
        centre=envelope.district,
        leader_name=change.leader.full_name,
        leader_position=change.leader.position,
        co_leader_name=change.co_leader.full_name if change.co_leader else None,
        co_leader_position=change.co_leader.position if change.co_leader else None,
        reason=change.reason[:1000],
        received_at=now,
    )
    return values


def _newer(incoming: Any) -> sa.ColumnElement[bool]:
    """The stored row gives way: a higher version, or (both unversioned) a later change."""
    return sa.or_(
        CentreSite.version < incoming.version,
        sa.and_(
            CentreSite.version == 0,
            incoming.version == 0,
            CentreSite.occurred_at < incoming.occurred_at,
        ),
    )


async def record_centre_site(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, upstream: str
) -> None:
    """Keep the newest state of a centre's inter-municipal site, if it came over the
    centre's link.

    One statement (insert, or update only when the incoming state is newer): two states
    arriving at once cannot both win, and an older one or a repeat changes nothing.
    """
    try:
        verify_link(delivery.headers, upstream)
    except OriginMismatch as error:
        raise Rejected(f"origin mismatch: {error}") from error
    change: SiteStatusChanged = envelope.payload
    if change.kind not in INTERMUNICIPAL_KINDS:
        # The centre's own municipal sites are its business, not an error in the message.
        log.info("centre site not inter-municipal", site_id=str(change.site_id), kind=change.kind)
        return
    values = _row(envelope, datetime.now(UTC))
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    insert = dialect.insert(CentreSite).values(**values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[CentreSite.site_id],
            set_={k: insert.excluded[k] for k in values if k != "site_id"},
            where=_newer(insert.excluded),
        )
    )


async def list_centre_sites(*, database: Database, current_only: bool = True) -> list[CentreSite]:
    """The centre's sites by kind, then organisation; working ones only unless asked."""
    query = sa.select(CentreSite)
    if current_only:
        query = query.where(CentreSite.status.in_(CURRENT_STATUSES))
    async with database.sessions() as session:
        rows = (await session.scalars(query)).all()
    # Sorted here: the databases' collations order Russian names differently.
    return sorted(
        rows,
        key=lambda row: (row.kind, fold(row.organisation_short_name), row.term_start, row.site_id),
    )
