"""Use cases: a problem of an analysis becomes, in one step, a seminar in the scheduling
service or a teacher's deficit in the growth service, asked as the methodist (their own
token); the link is recorded on the problem so the step is done once.

The link is claimed first («pending», unique per problem and target) and committed,
then the other service is asked, then the link is completed with what it made — or
released if it refused. Two clicks at once make one event: the second finds the claim.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog

from imc_analytics.api.schemas import ActionOut, DeficitFromProblem, EventFromProblem
from imc_analytics.db.models import Analysis as AnalysisRow
from imc_analytics.db.models import Problem, ProblemAction
from imc_analytics.domain.actions import (
    DEFICIT,
    EVENT,
    STALE_PENDING,
    ProblemFacts,
    deficit_body,
    event_body,
    target,
)
from imc_analytics.domain.vocabulary import EXAM_TITLES
from imc_analytics.services.analyses import action_view
from imc_analytics.services.neighbours import Neighbour
from imc_analytics.settings import AnalyticsSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Claim:
    action_id: UUID
    facts: ProblemFacts
    done: ProblemAction | None
    """The link made before (nothing is asked again)."""


def _facts(analysis: AnalysisRow, problem: Problem) -> ProblemFacts:
    return ProblemFacts(
        kind=problem.kind,
        code=problem.code,
        title=problem.title,
        element_code=problem.element_code,
        element_name=problem.element_name,
        exam_title=EXAM_TITLES[analysis.exam],
        subject=analysis.subject,
        years=list(analysis.years),
        causes=problem.causes,
        recommendations=problem.recommendations,
    )


async def _claim(
    database: Database,
    *,
    analysis_id: UUID,
    problem_id: UUID,
    kind: str,
    person_id: UUID | None,
    actor: str,
) -> Claim:
    key = target(kind, person_id)
    now = datetime.now(UTC)
    try:
        async with database.transaction() as session:
            analysis = await session.get(AnalysisRow, analysis_id)
            problem = await session.get(Problem, problem_id)
            if analysis is None or problem is None or problem.analysis_id != analysis_id:
                raise NotFound("Проблема не найдена в этом анализе", field="problem_id")
            facts = _facts(analysis, problem)
            action = await session.scalar(
                sa.select(ProblemAction).where(
                    ProblemAction.problem_id == problem_id, ProblemAction.target == key
                )
            )
            if action is not None and action.state == "done":
                return Claim(action_id=action.id, facts=facts, done=action)
            if action is not None and now - action.created_at < STALE_PENDING:
                raise Conflict(_busy(kind), field="problem_id")
            if action is None:
                action = ProblemAction(
                    problem_id=problem_id, kind=kind, target=key, person_id=person_id
                )
                session.add(action)
            action.state, action.created_by, action.created_at = "pending", actor, now
            await session.flush()
            return Claim(action_id=action.id, facts=facts, done=None)
    except sa.exc.IntegrityError as error:
        raise Conflict(_busy(kind), field="problem_id") from error


def _busy(kind: str) -> str:
    what = "мероприятие" if kind == EVENT else "дефицит"
    return f"По этой проблеме {what} уже создаётся; обновите страницу через минуту"


async def _complete(
    database: Database, action_id: UUID, *, remote_id: UUID, title: str, starts_at: Any
) -> ActionOut:
    async with database.transaction() as session:
        action = await session.get(ProblemAction, action_id)
        assert action is not None
        action.state = "done"
        action.remote_id = remote_id
        action.title = title[:600]
        action.starts_at = starts_at
        await session.flush()
        return action_view(action, created=True)


async def _release(database: Database, action_id: UUID) -> None:
    async with database.transaction() as session:
        await session.execute(
            sa.delete(ProblemAction).where(
                ProblemAction.id == action_id, ProblemAction.state == "pending"
            )
        )


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else None


async def plan_event(
    *,
    database: Database,
    settings: AnalyticsSettings,
    scheduling: Neighbour,
    analysis_id: UUID,
    problem_id: UUID,
    data: EventFromProblem,
    authorization: str,
    actor: str,
) -> ActionOut:
    """Plan a seminar on the problem (once per problem)."""
    claim = await _claim(
        database,
        analysis_id=analysis_id,
        problem_id=problem_id,
        kind=EVENT,
        person_id=None,
        actor=actor,
    )
    if claim.done is not None:
        return action_view(claim.done)
    try:
        body = event_body(
            claim.facts,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            venue=data.venue,
            online_url=data.online_url,
            title=data.title,
            hours=data.hours,
            level="intermunicipal" if settings.is_centre else "municipal",
            organiser_name=settings.organiser_name or ("ММЦ" if settings.is_centre else "ИМЦ"),
            audience_low_results=data.audience_low_results,
        )
        event, _ = await scheduling.post("/events/", body, authorization=authorization)
    except Exception:
        await _release(database, claim.action_id)
        raise
    log.info("seminar planned for a problem", problem_id=str(problem_id), event_id=event["id"])
    return await _complete(
        database,
        claim.action_id,
        remote_id=UUID(str(event["id"])),
        title=str(event.get("title", body["title"])),
        starts_at=_instant(event.get("starts_at")),
    )


async def record_deficit(
    *,
    database: Database,
    growth: Neighbour,
    analysis_id: UUID,
    problem_id: UUID,
    data: DeficitFromProblem,
    authorization: str,
    actor: str,
    today: date,
) -> ActionOut:
    """Record a deficit of the teacher for the problem (once per problem and teacher)."""
    claim = await _claim(
        database,
        analysis_id=analysis_id,
        problem_id=problem_id,
        kind=DEFICIT,
        person_id=data.person_id,
        actor=actor,
    )
    if claim.done is not None:
        return action_view(claim.done)
    try:
        body = deficit_body(
            claim.facts,
            person_id=data.person_id,
            competency_code=data.competency_code,
            note=data.note,
            today=today,
        )
        deficit, _ = await growth.post("/deficits", body, authorization=authorization)
    except Exception:
        await _release(database, claim.action_id)
        raise
    log.info("deficit recorded for a problem", problem_id=str(problem_id), deficit=deficit["id"])
    title = ": ".join(
        part
        for part in (str(deficit.get("full_name", "")), str(deficit.get("competency_title", "")))
        if part
    )
    return await _complete(
        database,
        claim.action_id,
        remote_id=UUID(str(deficit["id"])),
        title=title or body["competency_code"],
        starts_at=None,
    )
