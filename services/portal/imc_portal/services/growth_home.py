"""The growth blocks of the home page: a teacher's surveys waiting for an answer and the
steps of their route due soon; a methodist's course certificates awaiting approval."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from imc_portal.api.growth_schemas import MySurvey, Route, Step
from imc_portal.clients import GrowthClient
from imc_portal.services.growth_routes import PendingEvidence, pending_evidence
from imc_portal.services.sessions import Visitor
from imc_shared.auth import STAFF, Role

DUE_DAYS = 30
"""A step is «due soon» this many days ahead (or already past its deadline)."""
LIMIT = 10


@dataclass(frozen=True)
class DueStep:
    """A step of the teacher's route due soon."""

    route: Route
    step: Step


@dataclass
class GrowthHome:
    """What the home page shows of the growth area to the visitor."""

    surveys: list[MySurvey] | None = None
    steps: list[DueStep] | None = None
    evidence: list[PendingEvidence] | None = None
    evidence_total: int = 0
    route_id: str = ""
    notes: list[str] = field(default_factory=list)


def wants_block(visitor: Visitor) -> bool:
    """Whether the visitor's home page has a growth block."""
    return visitor.role in STAFF or visitor.role is Role.TEACHER


def due_steps(route: Route, today: date) -> list[DueStep]:
    """Unfinished steps past their deadline or due within :data:`DUE_DAYS`."""
    horizon = today + timedelta(days=DUE_DAYS)
    chosen = [
        DueStep(route, s)
        for s in route.steps
        if not s.done and s.deadline is not None and s.deadline <= horizon
    ]
    return sorted(chosen, key=lambda d: (d.step.deadline or today, d.step.name))[:LIMIT]


async def growth_home(visitor: Visitor, growth: GrowthClient, today: date) -> GrowthHome:
    """The visitor's growth block, read from the growth service."""
    page = GrowthHome()
    if visitor.role in STAFF:
        pending = await pending_evidence(growth)
        page.evidence_total = len(pending)
        page.evidence = pending[:LIMIT]
        return page
    if visitor.person_id is None:
        page.notes.append(
            "Учётная запись не связана с карточкой педагога в реестре: анкеты и маршрут не "
            "показаны."
        )
        return page
    mine = await growth.my_surveys()
    page.surveys = [m for m in mine if m.can_answer and m.response is None]
    briefs = await growth.routes()
    page.steps = []
    if briefs:
        newest = max(briefs, key=lambda b: b.school_year)
        route = await growth.route(newest.id)
        page.route_id = str(route.id)
        page.steps = due_steps(route, today)
    return page
