"""Use cases on sites: orders and expiry change a status; every change is published.

The applications service owns the lifecycle and tells the registry through
ORDER_ISSUED and SITE_EXPIRED; the registry keeps the catalogue and the full history.
"""

from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from imc_contracts import (
    SITE_STATUS_CHANGED,
    Envelope,
    Leader,
    OrderIssued,
    ResyncRequested,
    SiteExpired,
    SiteStatusChanged,
)
from imc_registry.db.models import Organisation, Site, SiteStatusEntry
from imc_registry.domain.sites import (
    CURRENT_STATUSES,
    Change,
    NotApplicable,
    change_by_expiry,
    change_by_order,
)
from imc_shared.consumer import Rejected
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


def status_message(site: Site, previous: str | None, reason: str) -> SiteStatusChanged:
    """The message announcing the site's current status."""
    organisation = site.organisation
    co_leader = (
        Leader(full_name=site.co_leader_name, position=site.co_leader_position or "")
        if site.co_leader_name
        else None
    )
    return SiteStatusChanged(
        site_id=site.id,
        organisation_id=organisation.id,
        organisation_full_name=organisation.full_name,
        organisation_short_name=organisation.short_name,
        kind=site.kind,  # type: ignore[arg-type]
        status=site.status,  # type: ignore[arg-type]
        previous_status=previous,  # type: ignore[arg-type]
        topic=site.topic,
        term_start=site.term_start,
        term_end=site.term_end,
        leader=Leader(full_name=site.leader_name, position=site.leader_position),
        co_leader=co_leader,
        order_number=site.order_number,
        order_date=site.order_date,
        decision_id=site.last_decision_id,
        reason=reason,
        version=site.version,
    )


async def _organisation(
    session: AsyncSession, district: str, organisation_id: UUID
) -> Organisation:
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None or organisation.district != district:
        raise Rejected(f"organisation {organisation_id} is not in district {district}")
    return organisation


def _leaders(site: Site, order: OrderIssued) -> None:
    site.leader_name = order.leader.full_name
    site.leader_position = order.leader.position
    site.co_leader_name = order.co_leader.full_name if order.co_leader else None
    site.co_leader_position = order.co_leader.position if order.co_leader else None


async def apply_order(
    session: AsyncSession, outbox: Outbox, district: str, envelope: Envelope[OrderIssued]
) -> Site | None:
    """Apply an order: assignment creates the site, extension moves the term's end,
    termination ends it (000 §3.3, §3.7, §3.8). A repeat of an order is a no-op."""
    order = envelope.payload
    organisation = await _organisation(session, district, order.organisation_id)
    seen = await session.scalar(
        sa.select(SiteStatusEntry.id).where(SiteStatusEntry.order_id == order.order_id)
    )
    if seen is not None:
        log.info("order already applied", order_id=str(order.order_id))
        return await session.get(Site, order.site_id)
    site = await session.get(Site, order.site_id)
    if site is not None and site.organisation_id != organisation.id:
        raise Rejected(f"site {order.site_id} belongs to another organisation")
    try:
        change = change_by_order(site.status if site else None, order)
    except NotApplicable as error:
        raise Rejected(str(error)) from error
    previous = site.status if site else None
    if site is None:
        twin = await session.scalar(sa.select(Site.id).where(Site.decision_id == order.decision_id))
        if twin is not None:
            raise Rejected(f"decision {order.decision_id} already gave site {twin} its status")
        site = Site(
            id=order.site_id,
            organisation=organisation,
            kind=order.site_kind,
            status=change.status,
            topic=order.topic,
            term_start=order.term_start,
            term_end=order.term_end,
            order_number=order.number,
            order_date=order.order_date,
            decision_id=order.decision_id,
            last_decision_id=order.decision_id,
            last_order_id=order.order_id,
        )
        _leaders(site, order)
        session.add(site)
    else:
        site.status = change.status
        site.order_number = order.number
        site.order_date = order.order_date
        site.last_decision_id = order.decision_id
        site.last_order_id = order.order_id
        if order.kind == "extension":
            site.term_end = order.term_end
            _leaders(site, order)
    await session.flush()
    await _record(session, outbox, envelope, site, previous, change, order)
    return site


async def apply_expiry(
    session: AsyncSession, outbox: Outbox, district: str, envelope: Envelope[SiteExpired]
) -> Site | None:
    """The term ended with no extension: the status lapses (a repeat is a no-op)."""
    expired = envelope.payload
    await _organisation(session, district, expired.organisation_id)
    site = await session.get(Site, expired.site_id)
    if site is None:
        raise Rejected(f"site {expired.site_id} is unknown to the registry")
    if site.organisation_id != expired.organisation_id:
        raise Rejected(f"site {expired.site_id} belongs to another organisation")
    change = change_by_expiry(site.status, expired)
    if change is None:
        log.info("expiry changes nothing", site_id=str(site.id), status=site.status)
        return site
    previous = site.status
    site.status = change.status
    await session.flush()
    await _record(session, outbox, envelope, site, previous, change, None)
    return site


async def _record(
    session: AsyncSession,
    outbox: Outbox,
    envelope: Envelope[Any],
    site: Site,
    previous: str | None,
    change: Change,
    order: OrderIssued | None,
) -> None:
    session.add(
        SiteStatusEntry(
            site_id=site.id,
            status=change.status,
            previous_status=previous,
            reason=change.reason[:1000],
            decision_id=order.decision_id if order else None,
            order_id=order.order_id if order else None,
            order_kind=order.kind if order else "",
            order_number=order.number if order else "",
            order_date=order.order_date if order else None,
        )
    )
    site.version += 1
    await session.flush()
    await outbox.put(
        session, SITE_STATUS_CHANGED, status_message(site, previous, change.reason), cause=envelope
    )


async def resend_sites(
    session: AsyncSession, outbox: Outbox, district: str, envelope: Envelope[ResyncRequested]
) -> int:
    """Announce every site's current state again, at its current version (a resync the
    centre asked for); readers that already know that version change nothing."""
    request = envelope.payload
    if request.districts and district not in request.districts:
        return 0
    sites = await session.scalars(
        sa.select(Site)
        .join(Site.organisation)
        .where(Organisation.district == district)
        .options(selectinload(Site.history))
        .order_by(Site.id)
    )
    count = 0
    for site in sites.all():
        last = site.history[-1] if site.history else None
        message = status_message(
            site, last.previous_status if last else None, last.reason if last else ""
        )
        await outbox.put(session, SITE_STATUS_CHANGED, message, cause=envelope)
        count += 1
    log.info("sites re-sent for a resync", sites=count, request_id=str(request.request_id))
    return count


async def list_sites(
    *,
    database: Database,
    district: str,
    status: str | None = None,
    kind: str | None = None,
    organisation_id: UUID | None = None,
    current_only: bool = False,
) -> list[Site]:
    """Sites of ``district``, newest order first."""
    statement = sa.select(Site).join(Site.organisation).where(Organisation.district == district)
    if status:
        statement = statement.where(Site.status == status)
    if kind:
        statement = statement.where(Site.kind == kind)
    if organisation_id is not None:
        statement = statement.where(Site.organisation_id == organisation_id)
    if current_only:
        statement = statement.where(Site.status.in_(CURRENT_STATUSES))
    async with database.sessions() as session:
        result = await session.scalars(statement.order_by(Site.order_date.desc(), Site.id))
        return list(result.unique().all())


async def find_site(*, database: Database, district: str, site_id: UUID) -> Site:
    """One site of ``district`` with its history, or :class:`NotFound`."""
    async with database.sessions() as session:
        site = await session.scalar(
            sa.select(Site).where(Site.id == site_id).options(selectinload(Site.history))
        )
        if site is None or site.organisation.district != district:
            raise NotFound("Площадка не найдена в реестре округа", field="site_id")
        return site
