"""Use cases on professional deficits: record (by hand or confirmed from a survey),
list, close with evidence; every change re-announces the district's summary."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_growth.api.schemas import DeficitOut
from imc_growth.db.models import Competency, Deficit, RouteGoal, RouteStep, Teacher
from imc_growth.domain.deficits import (
    DEFICIT_SOURCE_TITLES,
    DEFICIT_STATUS_TITLES,
    ClosingStep,
    check_closing,
    check_source,
    check_subject,
)
from imc_growth.services.common import check_version, squash, teacher_of
from imc_growth.services.summary import announce_summary
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox


def view(deficit: Deficit, competency: Competency, teacher: Teacher | None) -> DeficitOut:
    return DeficitOut(
        id=deficit.id,
        person_id=deficit.person_id,
        full_name=teacher.full_name if teacher else "",
        organisation_id=teacher.organisation_id if teacher else None,
        competency_id=competency.id,
        competency_code=competency.code,
        competency_title=competency.title,
        subject=deficit.subject,
        source=deficit.source,
        source_title=DEFICIT_SOURCE_TITLES[deficit.source],
        source_date=deficit.source_date,
        source_ref=deficit.source_ref,
        note=deficit.note,
        recorded_by=deficit.recorded_by,
        recorded_at=deficit.recorded_at,
        status=deficit.status,
        status_title=DEFICIT_STATUS_TITLES[deficit.status],
        closed_on=deficit.closed_on,
        closed_by=deficit.closed_by,
        evidence=deficit.evidence,
        closing_step_id=deficit.closing_step_id,
        version=deficit.version,
    )


async def competency_by_code(session: AsyncSession, code: str, field: str) -> Competency:
    competency = await session.scalar(sa.select(Competency).where(Competency.code == code))
    if competency is None:
        raise InvalidInput(f"Компетенции «{code}» нет в каталоге", field=field)
    return competency


async def find_same(
    session: AsyncSession,
    *,
    person_id: UUID,
    competency_id: UUID,
    subject: str,
    source: str,
    source_ref: str,
    source_date: date,
) -> Deficit | None:
    found: Deficit | None = await session.scalar(
        sa.select(Deficit).where(
            Deficit.person_id == person_id,
            Deficit.competency_id == competency_id,
            Deficit.subject == subject,
            Deficit.source == source,
            Deficit.source_ref == source_ref,
            Deficit.source_date == source_date,
        )
    )
    return found


async def record_deficit(
    *,
    database: Database,
    outbox: Outbox,
    person_id: UUID,
    competency_code: str,
    subject: str,
    source: str,
    source_date: date,
    source_ref: str,
    note: str,
    actor: str,
    today: date,
) -> DeficitOut:
    """A deficit found by a survey, a diagnostic, a results analysis or an observation."""
    check_source(source, source_date, today)
    subject = check_subject(subject)
    async with database.transaction() as session:
        teacher = await teacher_of(session, person_id)
        competency = await competency_by_code(session, competency_code, "competency_code")
        if not competency.active:
            raise InvalidInput(
                f"Компетенция «{competency.title}» исключена из каталога",
                field="competency_code",
            )
        ref = squash(source_ref)[:300]
        if await find_same(
            session,
            person_id=person_id,
            competency_id=competency.id,
            subject=subject,
            source=source,
            source_ref=ref,
            source_date=source_date,
        ):
            raise Conflict(
                "Такой дефицит уже записан (тот же педагог, компетенция, предмет, источник и дата)",
                field="competency_code",
            )
        deficit = Deficit(
            person_id=person_id,
            competency_id=competency.id,
            subject=subject,
            source=source,
            source_date=source_date,
            source_ref=ref,
            note=note.strip()[:5000],
            recorded_by=actor,
            status="open",
        )
        session.add(deficit)
        await announce_summary(session, outbox)
    return view(deficit, competency, teacher)


async def get_deficit(database: Database, deficit_id: UUID) -> DeficitOut:
    async with database.sessions() as session:
        row = (
            await session.execute(
                sa.select(Deficit, Competency, Teacher)
                .join(Competency, Competency.id == Deficit.competency_id)
                .outerjoin(Teacher, Teacher.person_id == Deficit.person_id)
                .where(Deficit.id == deficit_id)
            )
        ).first()
    if row is None:
        raise NotFound("Дефицит не найден", field="deficit_id")
    return view(*row)


async def list_deficits(
    *,
    database: Database,
    person_ids: Sequence[UUID] | None = None,
    organisation_id: UUID | None = None,
    status: str | None = None,
    competency_code: str | None = None,
    subject: str | None = None,
) -> list[DeficitOut]:
    query = (
        sa.select(Deficit, Competency, Teacher)
        .join(Competency, Competency.id == Deficit.competency_id)
        .outerjoin(Teacher, Teacher.person_id == Deficit.person_id)
        .order_by(Deficit.source_date.desc(), Deficit.recorded_at.desc(), Deficit.id)
    )
    if person_ids is not None:
        query = query.where(Deficit.person_id.in_(person_ids))
    if organisation_id is not None:
        query = query.where(Teacher.organisation_id == organisation_id)
    if status:
        query = query.where(Deficit.status == status)
    if competency_code:
        query = query.where(Competency.code == competency_code)
    if subject is not None:
        query = query.where(Deficit.subject == subject)
    async with database.sessions() as session:
        rows = (await session.execute(query)).all()
    return [view(*row) for row in rows]


async def close_deficit(
    *,
    database: Database,
    outbox: Outbox,
    deficit_id: UUID,
    evidence: str,
    step_id: UUID | None,
    version: int | None,
    actor: str,
    today: date,
) -> DeficitOut:
    """Close a deficit: a completed route step tied to it AND a methodist's evidence."""
    async with database.transaction() as session:
        deficit = await session.get(Deficit, deficit_id)
        if deficit is None:
            raise NotFound("Дефицит не найден", field="deficit_id")
        check_version(deficit.version, version, "Запись о дефиците")
        rows = await session.execute(
            sa.select(RouteStep.id, RouteStep.status, RouteGoal.deficit_id, RouteStep.title)
            .join(RouteGoal, RouteGoal.id == RouteStep.goal_id)
            .where(RouteGoal.deficit_id == deficit_id)
            .order_by(RouteStep.completed_on.desc(), RouteStep.id)
        )
        step = check_closing(
            status=deficit.status,
            evidence=evidence,
            steps=[ClosingStep(*row) for row in rows.all()],
            deficit_id=deficit_id,
            step_id=step_id,
        )
        deficit.status = "closed"
        deficit.closed_on = today
        deficit.closed_by = actor
        deficit.evidence = squash(evidence)[:5000]
        deficit.closing_step_id = step.step_id
        await announce_summary(session, outbox)
        competency = await session.get(Competency, deficit.competency_id)
        teacher = await session.get(Teacher, deficit.person_id)
        assert competency is not None
    return view(deficit, competency, teacher)
