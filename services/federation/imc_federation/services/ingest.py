"""Use cases: fold what the districts publish into the centre's read models.

Every message first proves its origin (the link it came over must be its district's);
then each entity is kept at its highest version, so the result is the same whatever the
order and number of arrivals. A refused message leaves a rejection record, written in
its own transaction because the consumer's transaction is rolled back.
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn, TypeVar
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    RESYNC_REQUESTED,
    Envelope,
    EventChanged,
    Heartbeat,
    ParticipationChanged,
    PlanChanged,
    ResyncRequested,
    SiteStatusChanged,
)
from imc_contracts.envelope import new_message_id
from imc_federation.db.models import (
    CentreEvent,
    CentreParticipation,
    CentrePlan,
    CentrePlanItem,
    CentreSite,
    DistrictActivity,
    LinkHeartbeat,
    Rejection,
)
from imc_federation.domain.origin import OriginMismatch, recorded_upstream, verify_origin
from imc_federation.domain.versions import Stamp, supersedes
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)

Owned = TypeVar("Owned", CentreSite, CentreEvent, CentreParticipation, CentrePlan)


def utc_now() -> datetime:
    """The current moment, UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """``value`` with its zone: SQLite hands back naive UTC datetimes."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class RejectionLog:
    """Writes rejection records, each in a transaction of its own."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: set[asyncio.Task[None]] = set()

    async def record(self, rejection: Rejection) -> None:
        """Persist ``rejection`` apart from the consumer's (doomed) transaction."""
        if not self.database.is_sqlite:
            await self._write(rejection)
            return
        # SQLite has one writer, and until the handler's Rejected rolls the consumer's
        # transaction back that writer is the consumer: write right after it lets go.
        task = asyncio.create_task(self._write(rejection), name="federation-rejection")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def drain(self) -> None:
        """Wait for deferred writes (SQLite) to finish."""
        await asyncio.gather(*self._pending, return_exceptions=True)

    async def _write(self, rejection: Rejection) -> None:
        dialect = sqlite if self.database.is_sqlite else postgresql
        values = {c.key: getattr(rejection, c.key) for c in Rejection.__table__.columns}
        try:
            async with self.database.transaction() as session:
                await session.execute(
                    dialect.insert(Rejection)
                    .values(**values)
                    .on_conflict_do_nothing(index_elements=["message_id"])
                )
        except Exception:
            log.exception("rejection record not written", reason=rejection.reason)
            raise


@dataclass(frozen=True)
class Intake:
    """What folding a district message needs to know."""

    own_district: str
    """The centre's own code: messages that crossed no link may only speak for it."""
    upstreams: Mapping[str, str]
    """District code -> the upstream URI its link is recorded with."""
    rejections: RejectionLog
    clock: Callable[[], datetime] = field(default=utc_now)
    outbox: Outbox | None = None
    """Where to ask a district heard from for the first time for its whole state."""


async def reject(
    intake: Intake, envelope: Envelope[Any], delivery: Delivery, reason: str
) -> NoReturn:
    """Record the refusal of ``envelope`` and raise :class:`Rejected` with ``reason``."""
    try:
        upstream = recorded_upstream(delivery.headers)
    except OriginMismatch:
        upstream = None
    await intake.rejections.record(
        Rejection(
            id=new_message_id(),
            claimed_district=envelope.district,
            recorded_upstream=upstream,
            routing_key=delivery.routing_key or envelope.routing_key,
            message_id=envelope.id,
            reason=reason[:2000],
            rejected_at=intake.clock(),
        )
    )
    log.warning("district message rejected", reason=reason, claimed_district=envelope.district)
    raise Rejected(reason)


async def admit(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> datetime:
    """Check the message's origin and note the district's activity; returns the
    moment of receipt."""
    try:
        verify_origin(
            delivery.headers, envelope.district, intake.upstreams, own_district=intake.own_district
        )
    except OriginMismatch as error:
        await reject(intake, envelope, delivery, f"origin mismatch: {error}")
    now = intake.clock()
    # An upsert: the first messages of a district arrive on several queues at once.
    insert = _dialect(session).insert(DistrictActivity)
    await session.execute(
        insert.values(
            district=envelope.district, messages=1, last_message_at=now
        ).on_conflict_do_update(
            index_elements=[DistrictActivity.district],
            set_={
                "messages": DistrictActivity.messages + 1,
                "last_message_at": insert.excluded.last_message_at,
            },
        )
    )
    return now


def _dialect(session: AsyncSession) -> Any:
    """The dialect module whose ``insert`` knows ``ON CONFLICT``."""
    return sqlite if session.get_bind().dialect.name == "sqlite" else postgresql


async def _owned(
    session: AsyncSession,
    model: type[Owned],
    key: UUID,
    envelope: Envelope[Any],
    delivery: Delivery,
    intake: Intake,
) -> Owned | None:
    """The entity's row, unless another district reported it first (then: rejected)."""
    row = await session.get(model, key)
    if row is not None and row.district != envelope.district:
        await reject(
            intake,
            envelope,
            delivery,
            f"{model.__tablename__} {key} belongs to district {row.district!r}, "
            f"not {envelope.district!r}",
        )
    return row


def _newer(version: int, envelope: Envelope[Any], row: Owned | None) -> bool:
    incoming = Stamp(version=version, occurred_at=envelope.occurred_at, message_id=envelope.id)
    current = (
        None
        if row is None
        else Stamp(
            version=row.version, occurred_at=as_utc(row.occurred_at), message_id=row.message_id
        )
    )
    if supersedes(incoming, current):
        return True
    log.info("older or repeated version ignored", version=version)
    return False


async def record_site_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a district's site at its highest version."""
    now = await admit(session, envelope, delivery, intake=intake)
    change: SiteStatusChanged = envelope.payload
    site = await _owned(session, CentreSite, change.site_id, envelope, delivery, intake)
    if not _newer(change.version, envelope, site):
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
    site.version = change.version
    site.occurred_at = envelope.occurred_at
    site.received_at = now
    site.message_id = envelope.id


async def record_event_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep an event of a district's (or the centre's) calendar at its highest version."""
    now = await admit(session, envelope, delivery, intake=intake)
    change: EventChanged = envelope.payload
    event = await _owned(session, CentreEvent, change.event_id, envelope, delivery, intake)
    if not _newer(change.version, envelope, event):
        return
    if event is None:
        event = CentreEvent(event_id=change.event_id, district=envelope.district)
        session.add(event)
    event.version = change.version
    event.title = change.title
    event.form = change.form
    event.form_title = change.form_title
    event.level = change.level
    event.organiser_kind = change.organiser_kind
    event.organiser_id = change.organiser_id
    event.organiser_name = change.organiser_name
    event.venue = change.venue
    event.online_url = change.online_url
    event.starts_at = change.starts_at
    event.ends_at = change.ends_at
    event.capacity = change.capacity
    event.hours = change.hours
    event.audience_subjects = list(change.audience_subjects)
    event.audience_categories = list(change.audience_categories)
    event.status = change.status
    event.registered = change.registered
    event.waiting = change.waiting
    event.attended = change.attended
    event.intermunicipal = change.intermunicipal
    event.occurred_at = envelope.occurred_at
    event.received_at = now
    event.message_id = envelope.id


async def record_participation_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a registration (no person's data) at its highest version."""
    now = await admit(session, envelope, delivery, intake=intake)
    change: ParticipationChanged = envelope.payload
    row = await _owned(
        session, CentreParticipation, change.registration_id, envelope, delivery, intake
    )
    if not _newer(change.version, envelope, row):
        return
    if row is None:
        row = CentreParticipation(
            registration_id=change.registration_id, district=envelope.district
        )
        session.add(row)
    row.version = change.version
    row.event_id = change.event_id
    row.organisation_id = change.organisation_id
    row.organisation_short_name = change.organisation_short_name
    row.subjects = list(change.subjects)
    row.status = change.status
    row.attended = change.attended
    row.hours_credited = change.hours_credited
    row.occurred_at = envelope.occurred_at
    row.received_at = now
    row.message_id = envelope.id


async def record_plan_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a work plan and its items at the plan's highest version."""
    now = await admit(session, envelope, delivery, intake=intake)
    change: PlanChanged = envelope.payload
    plan = await _owned(session, CentrePlan, change.plan_id, envelope, delivery, intake)
    if not _newer(change.version, envelope, plan):
        return
    if plan is None:
        plan = CentrePlan(plan_id=change.plan_id, district=envelope.district)
        session.add(plan)
    plan.version = change.version
    plan.kind = change.kind
    plan.title = change.title
    plan.school_year = change.school_year
    plan.subject = change.subject
    plan.status = change.status
    plan.occurred_at = envelope.occurred_at
    plan.received_at = now
    plan.message_id = envelope.id
    await _replace_items(session, change)


async def _replace_items(session: AsyncSession, change: PlanChanged) -> None:
    await session.flush()
    await session.execute(sa.delete(CentrePlanItem).where(CentrePlanItem.plan_id == change.plan_id))
    session.add_all(
        CentrePlanItem(
            plan_id=change.plan_id,
            item_id=item.item_id,
            position=position,
            title=item.title,
            deadline=item.deadline,
            done_on=item.done_on,
        )
        for position, item in enumerate(change.items, start=1)
    )


async def record_heartbeat(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Note a district's sign of life: the link's state comes from the last one."""
    now = await admit(session, envelope, delivery, intake=intake)
    beat: Heartbeat = envelope.payload
    first = await session.get(LinkHeartbeat, envelope.district) is None
    if first and intake.outbox is not None and envelope.district != intake.own_district:
        # A district that joined late (or a centre rebuilt from empty): what it did
        # before its link existed never crossed, so ask for all of it once.
        await intake.outbox.put(
            session,
            RESYNC_REQUESTED,
            ResyncRequested(
                request_id=new_message_id(),
                districts=(envelope.district,),
                reason="Первое сообщение округа в центре: запрошена передача всех сведений",
            ),
            cause=envelope,
        )
        log.info("first heartbeat: resync requested", district=envelope.district)
    insert = _dialect(session).insert(LinkHeartbeat)
    values = {
        "sequence": beat.sequence,
        "interval_seconds": beat.interval_seconds,
        "outbox_backlog": beat.outbox_backlog,
        "occurred_at": envelope.occurred_at,
        "received_at": now,
    }
    # Heartbeats come several at a time after a link returns: keep the latest sent.
    await session.execute(
        insert.values(district=envelope.district, **values).on_conflict_do_update(
            index_elements=[LinkHeartbeat.district],
            set_=values,
            where=LinkHeartbeat.occurred_at <= insert.excluded.occurred_at,
        )
    )
