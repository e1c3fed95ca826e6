"""Internships (001 §1.3): a multi-day programme, a fixed group, a final statement each."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_scheduling.api.schemas import InternshipIn, ParticipantIn
from imc_scheduling.db.models import Event, Internship, InternshipParticipant, Registration
from imc_scheduling.domain.events import internship_outcome
from imc_scheduling.services.changes import announce_event, announce_registration
from imc_scheduling.services.events import lock_event
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox


class Statement:
    """A participant's standing: days, hours, outcome (issued or computed)."""

    def __init__(
        self,
        participant: InternshipParticipant,
        total: int,
        attended: int,
        hours: int,
        outcome: str,
    ) -> None:
        self.participant = participant
        self.days_total = total
        self.days_attended = attended
        self.hours = hours
        self.outcome = outcome


async def _internship(
    session: AsyncSession, internship_id: UUID, *, lock: bool = False
) -> Internship:
    query = sa.select(Internship).where(Internship.id == internship_id)
    if lock:
        query = query.with_for_update()
    internship = await session.scalar(query)
    if internship is None:
        raise NotFound("Стажировка не найдена", field="internship_id")
    return internship


async def create(*, database: Database, data: InternshipIn) -> Internship:
    """Start an internship programme (its group is open until fixed)."""
    if not data.title.strip():
        raise InvalidInput("Укажите тему стажировки", field="title")
    if not 1 <= data.min_attendance_percent <= 100:
        raise InvalidInput(
            "Минимальная доля посещённых дней — от 1 до 100 %", field="min_attendance_percent"
        )
    async with database.transaction() as session:
        internship = Internship(
            title=data.title.strip(),
            site_id=data.site_id,
            organiser_name=data.organiser_name.strip(),
            min_attendance_percent=data.min_attendance_percent,
        )
        session.add(internship)
        await session.flush()
        return internship


async def add_participant(
    *, database: Database, internship_id: UUID, data: ParticipantIn
) -> InternshipParticipant:
    """Add a member to the group while it is open."""
    if not data.full_name.strip():
        raise InvalidInput("Укажите ФИО стажёра", field="full_name")
    async with database.transaction() as session:
        internship = await _internship(session, internship_id, lock=True)
        if internship.group_fixed_at is not None:
            raise Conflict("Группа стажёров уже сформирована", field="internship_id")
        exists = await session.scalar(
            sa.select(InternshipParticipant.id).where(
                InternshipParticipant.internship_id == internship_id,
                InternshipParticipant.person_id == data.person_id,
            )
        )
        if exists is not None:
            raise Conflict("Этот педагог уже в группе", field="person_id")
        participant = InternshipParticipant(
            internship_id=internship_id,
            person_id=data.person_id,
            full_name=data.full_name.strip(),
            organisation_id=data.organisation_id,
        )
        session.add(participant)
        await session.flush()
        return participant


async def _days(session: AsyncSession, internship_id: UUID) -> list[Event]:
    rows = await session.scalars(
        sa.select(Event)
        .where(Event.internship_id == internship_id, Event.status != "cancelled")
        .order_by(Event.starts_at)
    )
    return list(rows.all())


async def fix_group(*, database: Database, outbox: Outbox, internship_id: UUID) -> Internship:
    """Fix the group: every member is registered for every day of the programme (each
    registration and each day's new counts are announced)."""
    now = datetime.now(UTC)
    async with database.transaction() as session:
        internship = await _internship(session, internship_id, lock=True)
        if internship.group_fixed_at is not None:
            raise Conflict("Группа стажёров уже сформирована", field="internship_id")
        members = (
            await session.scalars(
                sa.select(InternshipParticipant).where(
                    InternshipParticipant.internship_id == internship_id
                )
            )
        ).all()
        if not members:
            raise Conflict("В группе нет ни одного стажёра", field="internship_id")
        days = await _days(session, internship_id)
        if not days:
            raise Conflict("В программе стажировки нет ни одного дня", field="internship_id")
        for day in days:
            event = await lock_event(session, day.id)
            if event.capacity is not None and event.capacity < len(members):
                raise Conflict(
                    f"В дне «{event.title}» мест меньше ({event.capacity}), чем стажёров "
                    f"({len(members)})",
                    field="capacity",
                )
            for member in members:
                registration = Registration(
                    event_id=event.id,
                    person_id=member.person_id,
                    full_name=member.full_name,
                    organisation_id=member.organisation_id,
                    registered_by="school",
                    status="confirmed",
                    queue_number=event.seat_sequence,
                    created_at=now,
                    confirmed_at=now,
                )
                session.add(registration)
                await announce_registration(session, outbox, registration, event)
            await announce_event(session, outbox, event)
        internship.group_fixed_at = now
        await session.flush()
        return internship


async def statements(
    *, database: Database, internship_id: UUID, now: datetime | None = None
) -> tuple[Internship, list[Event], list[Statement]]:
    """The programme, its days and each member's statement (issued or as it stands)."""
    moment = now or datetime.now(UTC)
    async with database.sessions() as session:
        internship = await _internship(session, internship_id)
        return internship, *(await _statements(session, internship, moment))


async def _statements(
    session: AsyncSession, internship: Internship, now: datetime
) -> tuple[list[Event], list[Statement]]:
    days = await _days(session, internship.id)
    members = (
        await session.scalars(
            sa.select(InternshipParticipant)
            .where(InternshipParticipant.internship_id == internship.id)
            .order_by(InternshipParticipant.full_name)
        )
    ).all()
    attended: dict[UUID, tuple[int, int]] = {}
    if days:
        rows = await session.execute(
            sa.select(
                Registration.person_id,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(Registration.hours_credited), 0),
            )
            .where(Registration.event_id.in_([d.id for d in days]), Registration.attended.is_(True))
            .group_by(Registration.person_id)
        )
        attended = {p: (int(n), int(h)) for p, n, h in rows.all()}
    over = bool(days) and all(d.ends_at <= now for d in days)
    out = []
    for member in members:
        n, hours = attended.get(member.person_id, (0, 0))
        outcome = member.outcome or internship_outcome(
            days_total=len(days),
            days_attended=n,
            days_over=over,
            min_percent=internship.min_attendance_percent,
        )
        out.append(
            Statement(member, len(days), n, member.hours if member.outcome else hours, outcome)
        )
    return days, out


async def issue_statement(
    *,
    database: Database,
    internship_id: UUID,
    person_id: UUID,
    conclusion: str,
    now: datetime | None = None,
) -> Statement:
    """Issue a member's final statement once every day is over; it is then fixed."""
    moment = now or datetime.now(UTC)
    if not conclusion.strip():
        raise InvalidInput("Укажите заключение по итогам стажировки", field="conclusion")
    async with database.transaction() as session:
        internship = await _internship(session, internship_id, lock=True)
        if internship.group_fixed_at is None:
            raise Conflict("Группа стажёров ещё не сформирована", field="internship_id")
        _, rows = await _statements(session, internship, moment)
        statement = next((s for s in rows if s.participant.person_id == person_id), None)
        if statement is None:
            raise NotFound("Стажёр не найден в группе", field="person_id")
        if statement.participant.statement_issued_at is not None:
            raise Conflict("Итоговая ведомость уже выдана", field="person_id")
        if statement.outcome == "in_progress":
            raise Conflict(
                "Стажировка ещё не окончена; итоговую ведомость выдают после последнего дня",
                field="person_id",
            )
        member = statement.participant
        member.outcome = statement.outcome
        member.hours = statement.hours
        member.conclusion = conclusion.strip()
        member.statement_issued_at = moment
        await session.flush()
        return statement
