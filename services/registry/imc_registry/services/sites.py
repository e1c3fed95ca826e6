"""Use cases on sites: a council decision becomes a status, and the change is published."""

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import SITE_STATUS_CHANGED, DecisionMade, Envelope, Leader, SiteStatusChanged
from imc_registry.db.models import Organisation, Site, SiteStatusEntry
from imc_registry.domain.sites import DecisionNotApplicable, activation_from
from imc_shared.consumer import Rejected
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


def status_message(site: Site, previous: str | None) -> SiteStatusChanged:
    """The message announcing the site's current status."""
    organisation = site.organisation
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
        co_leader=Leader(full_name=site.co_leader_name, position=site.co_leader_position),
        order_number=site.order_number,
        order_date=site.order_date,
        decision_id=site.decision_id,
    )


async def apply_decision(
    session: AsyncSession, outbox: Outbox, district: str, envelope: Envelope[DecisionMade]
) -> Site | None:
    """Give the organisation its status as the council decided (000 §3.3)."""
    decision = envelope.payload
    if decision.outcome == "refused":
        log.info("refusal recorded by applications; no status to change")
        return None
    organisation = await session.get(Organisation, decision.organisation_id)
    if organisation is None or organisation.district != district:
        raise Rejected(f"organisation {decision.organisation_id} is not in district {district}")
    existing = await session.scalar(sa.select(Site).where(Site.decision_id == decision.decision_id))
    if existing is not None:
        return existing  # the same decision arrived under another message id
    try:
        fields = activation_from(decision)
    except DecisionNotApplicable as error:
        raise Rejected(str(error)) from error
    site = Site(organisation=organisation, **fields)
    session.add(site)
    await session.flush()
    session.add(
        SiteStatusEntry(
            site_id=site.id,
            status=site.status,
            previous_status=None,
            reason=f"решение методического совета, {decision.council_protocol}",
            decision_id=decision.decision_id,
        )
    )
    await outbox.put(session, SITE_STATUS_CHANGED, status_message(site, None), cause=envelope)
    return site


async def list_sites(*, database: Database, district: str, status: str | None = None) -> list[Site]:
    """Sites of ``district``, newest first."""
    statement = sa.select(Site).join(Site.organisation).where(Organisation.district == district)
    if status:
        statement = statement.where(Site.status == status)
    async with database.sessions() as session:
        result = await session.scalars(statement.order_by(Site.order_date.desc()))
        return list(result.unique().all())
