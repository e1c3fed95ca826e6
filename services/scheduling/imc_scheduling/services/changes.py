"""Versioned state messages: every change of an event, a registration or a plan is
announced as the whole current state with a version that grows by one.

Readers (the centre's aggregator, a district's copy of the centre's events) keep the
highest version per id, so arrival order and repeats do not matter. A resync re-sends
the current versions unchanged: for such readers the repeats are no-ops.
"""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ATTENDANCE_RECORDED,
    CENTRE_REGISTRATION_DECIDED,
    EVENT_CHANGED,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    REGISTRATION_CHANGED,
    AttendanceRecorded,
    CentreRegistrationDecided,
    Envelope,
    EventChanged,
    ParticipationChanged,
    PlanChanged,
    PlanItemState,
    RegistrationChanged,
)
from imc_scheduling.db.models import (
    Event,
    Organisation,
    Plan,
    PlanItem,
    PlanSection,
    Registration,
)
from imc_scheduling.domain.centre import decided_status
from imc_scheduling.domain.events import EVENT_FORM_TITLES, WIRE_REGISTRATION_STATUS
from imc_shared.outbox import Outbox


def _bump(row: Event | Registration | Plan) -> None:
    # The caller holds the row's lock (or has just created it), so the increment is safe.
    row.version = (row.version or 0) + 1


def _count_where(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


async def event_counts(session: AsyncSession, event_id: Any) -> tuple[int, int, int]:
    """(confirmed, waiting, attended) registrations of one event."""
    rows = await session.execute(
        sa.select(
            _count_where(Registration.status == "confirmed"),
            _count_where(Registration.status == "waitlisted"),
            _count_where(Registration.attended.is_(True)),
        ).where(Registration.event_id == event_id)
    )
    confirmed, waiting, attended = rows.one()
    return int(confirmed or 0), int(waiting or 0), int(attended or 0)


def event_payload(event: Event, counts: tuple[int, int, int]) -> EventChanged:
    """The whole current state of an event, as EVENT_CHANGED carries it."""
    registered, waiting, attended = counts
    return EventChanged(
        event_id=event.id,
        version=event.version,
        title=event.title,
        form=event.form,
        form_title=EVENT_FORM_TITLES.get(event.form, event.form),
        level=event.level,
        organiser_kind=event.organiser_kind,
        organiser_id=event.organiser_id,
        organiser_name=event.organiser_name,
        venue=event.venue,
        online_url=event.online_url,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
        hours=event.hours,
        audience_subjects=tuple(event.audience_subjects or ()),
        audience_categories=tuple(event.audience_categories or ()),
        status="cancelled" if event.status == "cancelled" else "planned",
        registered=registered,
        waiting=waiting,
        attended=attended,
        intermunicipal=event.intermunicipal,
    )


async def announce_event(
    session: AsyncSession,
    outbox: Outbox,
    event: Event,
    *,
    bump: bool = True,
    cause: Envelope[Any] | None = None,
) -> Envelope[Any]:
    """Write EVENT_CHANGED with the event's current state (a new version unless
    ``bump`` is off, as in a resync) in the caller's transaction."""
    if bump:
        _bump(event)
    await session.flush()
    payload = event_payload(event, await event_counts(session, event.id))
    # Every instance publishes on its own imc.events; at the centre, the broker binds
    # the downward keys from there into imc.centre (deploy definitions), so the centre's
    # inter-municipal events go down to the districts and into its own aggregator alike.
    return await outbox.put(session, EVENT_CHANGED, payload, cause=cause)


async def organisation_short_name(session: AsyncSession, organisation_id: Any) -> str:
    """The short name the registry announced, or "" when scheduling has not heard of it."""
    if organisation_id is None:
        return ""
    organisation = await session.get(Organisation, organisation_id)
    return organisation.short_name if organisation is not None else ""


def participation_payload(
    registration: Registration, event: Event, short_name: str
) -> ParticipationChanged:
    """A registration without the person: the school, the event's subjects, the status."""
    return ParticipationChanged(
        registration_id=registration.id,
        version=registration.version,
        event_id=registration.event_id,
        organisation_id=registration.organisation_id,
        organisation_short_name=short_name,
        subjects=tuple(event.audience_subjects or ()),
        status=WIRE_REGISTRATION_STATUS[registration.status],  # type: ignore[arg-type]
        attended=registration.attended,
        hours_credited=registration.hours_credited,
    )


async def waiting_position(session: AsyncSession, registration: Registration) -> int | None:
    """1 for the first on the waiting list; ``None`` unless waitlisted."""
    if registration.status != "waitlisted":
        return None
    ahead = await session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            Registration.queue_number < registration.queue_number,
        )
    )
    return int(ahead or 0) + 1


async def decision_payload(
    session: AsyncSession, registration: Registration, event: Event
) -> CentreRegistrationDecided:
    """The centre's answer on a district's registration as it stands (no name)."""
    assert registration.district_registration_id is not None
    status, reason = decided_status(
        registration_status=registration.status,
        event_cancelled=event.status == "cancelled",
        refusal=registration.decision_reason,
    )
    return CentreRegistrationDecided(
        registration_id=registration.district_registration_id,
        version=registration.version,
        event_id=registration.event_id,
        district=registration.district,
        status=status,  # type: ignore[arg-type]
        queue_number=await waiting_position(session, registration) if status == "waiting" else None,
        reason=reason,
    )


def told_status(registration: Registration, event: Event) -> str:
    """The status the teacher should know of: a registration for a cancelled event is
    cancelled for them, though the row keeps its status (the record of who had a seat)."""
    return "cancelled" if event.status == "cancelled" else registration.status


async def announce_status_change(
    session: AsyncSession,
    outbox: Outbox,
    registration: Registration,
    event: Event,
    *,
    reason: str = "",
    cause: Envelope[Any] | None = None,
) -> Envelope[Any] | None:
    """Write REGISTRATION_CHANGED (for the teacher) when the status differs from the one
    they were last told of; ``None`` when it does not, or when the registration is another
    district's at the centre (that district is answered with CENTRE_REGISTRATION_DECIDED
    and tells its teacher itself). Carries the registration's current version."""
    status = told_status(registration, event)
    if registration.district or status == registration.announced_status:
        return None
    payload = RegistrationChanged(
        registration_id=registration.id,
        version=registration.version,
        event_id=event.id,
        event_title=event.title,
        form_title=EVENT_FORM_TITLES.get(event.form, event.form),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        online_url=event.online_url,
        person_id=registration.person_id,
        full_name=registration.full_name,
        status=WIRE_REGISTRATION_STATUS[status],  # type: ignore[arg-type]
        previous_status=WIRE_REGISTRATION_STATUS.get(registration.announced_status),  # type: ignore[arg-type]
        queue_number=await waiting_position(session, registration)
        if status == "waitlisted"
        else None,
        reason=reason if status == "cancelled" else "",
        cancelled_by=(registration.cancelled_by or "organiser")  # type: ignore[arg-type]
        if status == "cancelled"
        else "",
        cancelled_by_name=(registration.cancelled_by_name or "") if status == "cancelled" else "",
    )
    registration.announced_status = status
    return await outbox.put(session, REGISTRATION_CHANGED, payload, cause=cause)


async def announce_registration(
    session: AsyncSession,
    outbox: Outbox,
    registration: Registration,
    event: Event,
    *,
    bump: bool = True,
    reason: str = "",
    cause: Envelope[Any] | None = None,
) -> Envelope[Any]:
    """Write PARTICIPATION_CHANGED for one registration in the caller's transaction; for
    a district's registration at the centre, CENTRE_REGISTRATION_DECIDED too, with the
    same version (its answer after every change, promotions included). When its status
    changed, REGISTRATION_CHANGED for the teacher as well (``reason``: why it was
    cancelled), with the same version; a resync (``bump`` off) tells nobody again."""
    if bump:
        _bump(registration)
    await session.flush()
    if bump:
        await announce_status_change(
            session, outbox, registration, event, reason=reason, cause=cause
        )
    short_name = await organisation_short_name(session, registration.organisation_id)
    payload = participation_payload(
        registration, event, short_name or registration.organisation_short_name
    )
    envelope = await outbox.put(session, PARTICIPATION_CHANGED, payload, cause=cause)
    if registration.district_registration_id is not None:
        # Published on the centre's imc.events; its broker binds the key down into
        # imc.centre, so every district receives it and keeps only its own answers.
        decision = await decision_payload(session, registration, event)
        await outbox.put(session, CENTRE_REGISTRATION_DECIDED, decision, cause=cause)
    return envelope


async def announce_attendance(
    session: AsyncSession, outbox: Outbox, registration: Registration, event: Event
) -> Envelope[Any]:
    """Write ATTENDANCE_RECORDED (with the person's name, for a certificate of
    participation) in the caller's transaction, after :func:`announce_registration` has
    given the change its version: both messages carry the same one."""
    short_name = await organisation_short_name(session, registration.organisation_id)
    payload = AttendanceRecorded(
        registration_id=registration.id,
        version=registration.version,
        event_id=event.id,
        event_title=event.title,
        form_title=EVENT_FORM_TITLES.get(event.form, event.form),
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        hours=registration.hours_credited,
        person_id=registration.person_id,
        full_name=registration.full_name,
        organisation_id=registration.organisation_id,
        organisation_short_name=short_name or registration.organisation_short_name,
        attended=registration.attended,
    )
    return await outbox.put(session, ATTENDANCE_RECORDED, payload)


async def plan_payload(session: AsyncSession, plan: Plan) -> PlanChanged:
    """The whole current plan: its items in section order, with their fulfilment."""
    items = await session.scalars(
        sa.select(PlanItem)
        .join(PlanSection, PlanSection.id == PlanItem.section_id)
        .where(PlanItem.plan_id == plan.id)
        .order_by(PlanSection.position, PlanItem.position)
    )
    return PlanChanged(
        plan_id=plan.id,
        version=plan.version,
        kind=plan.kind,
        title=plan.title,
        school_year=plan.school_year,
        subject=plan.subject,
        status=plan.status,
        items=tuple(
            PlanItemState(item_id=i.id, title=i.title, deadline=i.deadline, done_on=i.done_on)
            for i in items
        ),
    )


async def announce_plan(
    session: AsyncSession,
    outbox: Outbox,
    plan: Plan,
    *,
    bump: bool = True,
    cause: Envelope[Any] | None = None,
) -> Envelope[Any]:
    """Write PLAN_CHANGED with the plan's current state in the caller's transaction."""
    if bump:
        _bump(plan)
    await session.flush()
    return await outbox.put(session, PLAN_CHANGED, await plan_payload(session, plan), cause=cause)
