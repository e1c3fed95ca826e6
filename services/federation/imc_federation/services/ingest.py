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
from imc_contracts.messages import DeficitsSummarised
from imc_federation.db.models import (
    CentreDeficitCount,
    CentreDeficitSummary,
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

Owned = TypeVar(
    "Owned", CentreSite, CentreEvent, CentreParticipation, CentrePlan, CentreDeficitSummary
)


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
    key: UUID | str,
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


async def _take(
    session: AsyncSession,
    envelope: Envelope[Any],
    delivery: Delivery,
    intake: Intake,
    model: type[Owned],
    key: tuple[str, UUID | str],
    version: int,
    values: dict[str, Any],
) -> Owned | None:
    """The versioned upsert every read model shares: admit the message, refuse an entity
    another district owns, ignore an older or repeated version, else write ``values``
    with the version and the message's stamps. Returns the row written, or None."""
    now = await admit(session, envelope, delivery, intake=intake)
    name, ident = key
    row = await _owned(session, model, ident, envelope, delivery, intake)
    if not _newer(version, envelope, row):
        return None
    if row is None:
        row = model(**{"district": envelope.district, name: ident})
        session.add(row)
    for field_name, value in values.items():
        setattr(row, field_name, value)
    row.version = version
    row.occurred_at = envelope.occurred_at
    row.received_at = now
    row.message_id = envelope.id
    return row


async def record_site_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a district's site at its highest version."""
    change: SiteStatusChanged = envelope.payload
    co_leader = change.co_leader
    await _take(
        session,
        envelope,
        delivery,
        intake,
        CentreSite,
        ("site_id", change.site_id),
        change.version,
        {
            "organisation_id": change.organisation_id,
            "organisation_short_name": change.organisation_short_name,
            "organisation_full_name": change.organisation_full_name,
            "kind": change.kind,
            "status": change.status,
            "topic": change.topic,
            "term_start": change.term_start,
            "term_end": change.term_end,
            "leader_name": change.leader.full_name,
            "leader_position": change.leader.position,
            "co_leader_name": co_leader.full_name if co_leader else None,
            "co_leader_position": co_leader.position if co_leader else None,
            "order_number": change.order_number,
            "order_date": change.order_date,
        },
    )


_EVENT_FIELDS = (
    "title",
    "form",
    "form_title",
    "level",
    "organiser_kind",
    "organiser_id",
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
    "intermunicipal",
)


async def record_event_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep an event of a district's (or the centre's) calendar at its highest version."""
    change: EventChanged = envelope.payload
    await _take(
        session,
        envelope,
        delivery,
        intake,
        CentreEvent,
        ("event_id", change.event_id),
        change.version,
        {
            **{name: getattr(change, name) for name in _EVENT_FIELDS},
            "audience_subjects": list(change.audience_subjects),
            "audience_categories": list(change.audience_categories),
        },
    )


async def record_participation_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a registration (no person's data) at its highest version."""
    change: ParticipationChanged = envelope.payload
    await _take(
        session,
        envelope,
        delivery,
        intake,
        CentreParticipation,
        ("registration_id", change.registration_id),
        change.version,
        {
            "event_id": change.event_id,
            "organisation_id": change.organisation_id,
            "organisation_short_name": change.organisation_short_name,
            "subjects": list(change.subjects),
            "status": change.status,
            "attended": change.attended,
            "hours_credited": change.hours_credited,
        },
    )


async def record_plan_change(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a work plan and its items at the plan's highest version."""
    change: PlanChanged = envelope.payload
    plan = await _take(
        session,
        envelope,
        delivery,
        intake,
        CentrePlan,
        ("plan_id", change.plan_id),
        change.version,
        {
            "kind": change.kind,
            "title": change.title,
            "school_year": change.school_year,
            "subject": change.subject,
            "status": change.status,
        },
    )
    if plan is not None:
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


async def record_deficits_summary(
    session: AsyncSession, envelope: Envelope[Any], delivery: Delivery, *, intake: Intake
) -> None:
    """Keep a district's anonymous deficit summary at its highest version: a newer one
    replaces all the lines of the one kept; an older or repeated one changes nothing.

    The district is the one the message's link proves (checked on admission), so one
    district can never overwrite another's figures."""
    summary: DeficitsSummarised = envelope.payload
    kept = await _take(
        session,
        envelope,
        delivery,
        intake,
        CentreDeficitSummary,
        ("district", envelope.district),
        summary.version,
        {"as_of": summary.as_of, "teachers_with_routes": summary.teachers_with_routes},
    )
    if kept is not None:
        await _replace_deficit_counts(session, envelope.district, summary)


async def _replace_deficit_counts(
    session: AsyncSession, district: str, summary: DeficitsSummarised
) -> None:
    await session.flush()
    await session.execute(
        sa.delete(CentreDeficitCount).where(CentreDeficitCount.district == district)
    )
    session.add_all(
        CentreDeficitCount(
            district=district,
            position=position,
            competency_code=line.competency_code,
            competency_title=line.competency_title,
            subject=line.subject,
            open=line.open,
            closed=line.closed,
            teachers=line.teachers,
        )
        for position, line in enumerate(summary.rows, start=1)
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
