"""Deficits, individual educational routes (ИОМ), tutors and mentors, and the record of
a teacher's development, as the portal's pages show and change them.

The growth service keeps the rules (a deficit is closed by a completed step and the
methodist's conclusion, a course by an approved certificate, mentoring by hours met); the
portal reads what a page needs, turns the forms into the service's bodies and keeps what
was typed when something is wrong.
"""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from imc_portal.api.growth_schemas import (
    Assignment,
    Competency,
    Deficit,
    GrowthEvent,
    Route,
    RouteBrief,
    Step,
    Suggestions,
    Teacher,
    Vocabulary,
)
from imc_portal.clients import BackendError, BackendRefusedError, GrowthClient
from imc_portal.services.growth import (
    FormState,
    read_date,
    read_number,
    read_uuid,
    version_of,
)

DEFICIT_FIELDS = frozenset(
    {"person_id", "competency_code", "subject", "source", "source_date", "source_ref", "note"}
)
CLOSE_FIELDS = frozenset({"step_id", "evidence"})
GOAL_FIELDS = frozenset({"title", "deficit_id"})
STEP_FIELDS = frozenset(
    {
        "kind",
        "goal_id",
        "event_id",
        "title",
        "provider",
        "hours",
        "planned_hours",
        "assignment_id",
        "deadline",
    }
)
STEP_EDIT_FIELDS = frozenset({"deadline", "goal_id"})
EVIDENCE_FIELDS = frozenset({"file", "comment"})
RETURN_FIELDS = frozenset({"reason"})
APPROVE_FIELDS = frozenset({"completed_on"})
ASSIGNMENT_FIELDS = frozenset(
    {"kind", "tutor_person_id", "teacher_ids", "topic", "starts_on", "ends_on"}
)
MEETING_FIELDS = frozenset({"held_on", "hours", "topic", "present", "notes"})
ROUTE_FIELDS = frozenset({"school_year"})
STEP_KINDS = (
    ("event", "мероприятие"),
    ("internship", "стажировка"),
    ("course", "курсы повышения квалификации (сторонняя организация)"),
    ("mentoring", "наставничество (тьюторское сопровождение)"),
)
ASSIGNMENT_KINDS = (("tutor", "педагог-тьютор"), ("mentor", "наставник"))
PENDING_CONCURRENCY = 6


# --- deficits --------------------------------------------------------------------------


def deficit_body(state: FormState) -> dict[str, Any]:
    """The body of «record a deficit»; the portal's checks go to ``state``."""
    person = read_uuid(state, "person_id", required="Выберите педагога.")
    if not state.value("competency_code"):
        state.errors["competency_code"] = "Выберите компетенцию."
    if not state.value("source"):
        state.errors["source"] = "Выберите источник сведений о дефиците."
    found_on = read_date(state, "source_date", required=True, what="дату выявления")
    return {
        "person_id": str(person) if person else "",
        "competency_code": state.value("competency_code"),
        "subject": state.value("subject"),
        "source": state.value("source"),
        "source_date": found_on.isoformat() if found_on else "",
        "source_ref": state.value("source_ref"),
        "note": state.value("note"),
    }


def close_body(state: FormState) -> dict[str, Any]:
    """The body of «close the deficit»: the completed step (if chosen), the conclusion."""
    step = read_uuid(state, "step_id")
    body: dict[str, Any] = {"evidence": state.value("evidence")}
    if step is not None:
        body["step_id"] = str(step)
    version = version_of(state)
    if version is not None:
        body["version"] = version
    return body


@dataclass(frozen=True)
class TiedStep:
    """A step of a route under a goal tied to a deficit."""

    route: Route
    step: Step


async def tied_steps(growth: GrowthClient, deficit: Deficit) -> list[TiedStep]:
    """The steps of the teacher's routes whose goal addresses ``deficit``."""
    briefs = await growth.routes(person_id=deficit.person_id)
    routes = await asyncio.gather(*(growth.route(b.id) for b in briefs))
    out = []
    for route in routes:
        goals = {g.id for g in route.goals if g.deficit and g.deficit.id == deficit.id}
        out += [TiedStep(route, s) for s in route.steps if s.goal_id in goals]
    return out


@dataclass
class DeficitPage:
    """One deficit: its facts, suggestions while it is open, the steps that may close it."""

    deficit: Deficit
    suggestions: Suggestions | None = None
    suggestions_error: str = ""
    steps: list[TiedStep] = field(default_factory=list)

    @property
    def done_steps(self) -> list[TiedStep]:
        return [t for t in self.steps if t.step.done]


async def deficit_page(growth: GrowthClient, deficit_id: UUID, *, staff: bool) -> DeficitPage:
    """A deficit with its suggestions (open) and, for the IMC, the steps tied to it."""
    deficit = await growth.deficit(deficit_id)
    page = DeficitPage(deficit=deficit)
    readings: list[Any] = []
    if deficit.open:
        readings.append(_suggestions(growth, page))
    if staff:
        readings.append(_tied(growth, page))
    await asyncio.gather(*readings)
    return page


async def _suggestions(growth: GrowthClient, page: DeficitPage) -> None:
    try:
        page.suggestions = await growth.suggestions(page.deficit.id)
    except BackendError as error:
        page.suggestions_error = error.message


async def _tied(growth: GrowthClient, page: DeficitPage) -> None:
    page.steps = await tied_steps(growth, page.deficit)


@dataclass
class DeficitsPage:
    """The deficits list with what its filters and its form offer."""

    deficits: list[Deficit]
    teachers: list[Teacher] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)
    vocabulary: Vocabulary | None = None
    suggestions: dict[UUID, Suggestions] = field(default_factory=dict)

    @property
    def open(self) -> list[Deficit]:
        return [d for d in self.deficits if d.open]

    @property
    def closed(self) -> list[Deficit]:
        return [d for d in self.deficits if not d.open]


def filters_of(
    person_id: str | None, competency: str | None, status: str | None, subject: str | None
) -> dict[str, str]:
    """The list's filters as chosen (unknown statuses dropped)."""
    chosen = {
        "person_id": (person_id or "").strip(),
        "competency": (competency or "").strip(),
        "status": (status or "").strip() if status in ("open", "closed") else "",
        "subject": (subject or "").strip(),
    }
    return {k: v for k, v in chosen.items() if v}


async def staff_deficits(growth: GrowthClient, filters: dict[str, str]) -> DeficitsPage:
    """Every deficit (filtered), with the teachers, the catalogue and the sources."""
    deficits, teachers, competencies, vocabulary = await asyncio.gather(
        growth.deficits(**filters),
        growth.teachers(),
        growth.competencies(),
        growth.vocabulary(),
    )
    return DeficitsPage(
        deficits=deficits, teachers=teachers, competencies=competencies, vocabulary=vocabulary
    )


async def own_deficits(growth: GrowthClient) -> DeficitsPage:
    """The teacher's own deficits, each open one with its suggestions."""
    deficits = await growth.deficits()
    page = DeficitsPage(deficits=deficits)

    async def suggest(deficit: Deficit) -> None:
        try:
            page.suggestions[deficit.id] = await growth.suggestions(deficit.id)
        except BackendError:
            return  # the deficit is still listed; its page says why

    await asyncio.gather(*(suggest(d) for d in page.open))
    return page


# --- teachers --------------------------------------------------------------------------


@dataclass(frozen=True)
class TeacherRow:
    """A teacher of the list with their routes and open deficits."""

    teacher: Teacher
    routes: list[RouteBrief]
    open_deficits: int


async def teacher_rows(
    growth: GrowthClient, *, organisation_id: UUID | None = None, subject: str | None = None
) -> list[TeacherRow]:
    """Teachers (a school: its own) with their routes and open deficits."""
    teachers, routes, deficits = await asyncio.gather(
        growth.teachers(organisation_id=organisation_id, subject=subject),
        growth.routes(),
        growth.deficits(status="open"),
    )
    by_person: dict[UUID, list[RouteBrief]] = {}
    for route in routes:
        by_person.setdefault(route.person_id, []).append(route)
    counts: dict[UUID, int] = {}
    for deficit in deficits:
        counts[deficit.person_id] = counts.get(deficit.person_id, 0) + 1
    return [
        TeacherRow(
            teacher=t,
            routes=sorted(by_person.get(t.person_id, []), key=lambda r: r.school_year),
            open_deficits=counts.get(t.person_id, 0),
        )
        for t in teachers
    ]


@dataclass
class TeacherPage:
    """One teacher: routes, deficits and (for the IMC) tutors."""

    teacher: Teacher
    routes: list[RouteBrief]
    deficits: list[Deficit]
    assignments: list[Assignment] = field(default_factory=list)


async def teacher_page(growth: GrowthClient, person_id: UUID, *, staff: bool) -> TeacherPage:
    """One teacher as the IMC or their school sees them; None-safe for unknown ones."""
    teachers, routes, deficits = await asyncio.gather(
        growth.teachers(), growth.routes(person_id=person_id), growth.deficits(person_id=person_id)
    )
    teacher = next((t for t in teachers if t.person_id == person_id), None)
    if teacher is None:
        raise BackendRefusedError(
            "Педагог не найден среди педагогов, сведения о которых вам доступны.", status=404
        )
    page = TeacherPage(teacher=teacher, routes=routes, deficits=deficits)
    if staff:
        page.assignments = await growth.assignments(person_id=person_id)
    return page


# --- routes ----------------------------------------------------------------------------


def goal_body(state: FormState) -> dict[str, Any]:
    """The body of «add a goal»."""
    if not state.value("title"):
        state.errors["title"] = "Сформулируйте цель."
    deficit = read_uuid(state, "deficit_id")
    return {"title": state.value("title"), "deficit_id": str(deficit) if deficit else None}


def step_body(state: FormState) -> dict[str, Any]:
    """The body of «add a step»: the fields its kind needs (the service checks them)."""
    kind = state.value("kind")
    if kind not in dict(STEP_KINDS):
        state.errors["kind"] = "Выберите вид шага."
    body: dict[str, Any] = {"kind": kind}
    goal = read_uuid(state, "goal_id")
    if goal is not None:
        body["goal_id"] = str(goal)
    deadline = read_date(state, "deadline")
    if deadline is not None:
        body["deadline"] = deadline.isoformat()
    if kind in ("event", "internship"):
        event = read_uuid(state, "event_id", required="Выберите мероприятие из календаря.")
        body["event_id"] = str(event) if event else None
    elif kind == "course":
        body["title"] = state.value("title")
        body["provider"] = state.value("provider")
        hours = read_number(state, "hours", required=True, whole=True)
        body["hours"] = int(hours) if hours is not None else 0
    elif kind == "mentoring":
        assignment = read_uuid(
            state, "assignment_id", required="Выберите назначение тьютора или наставника."
        )
        body["assignment_id"] = str(assignment) if assignment else None
        planned = read_number(state, "planned_hours", required=True)
        body["planned_hours"] = planned if planned is not None else 0.0
    return body


def step_edit_state(step: Step) -> FormState:
    """The form that moves a step's deadline or ties it to another goal."""
    return FormState(
        values={
            "deadline": step.deadline.isoformat() if step.deadline else "",
            "goal_id": str(step.goal_id) if step.goal_id else "",
            "version": str(step.version),
        }
    )


def step_edit_body(state: FormState) -> dict[str, Any]:
    """The body of «change the step»: its deadline (empty: none) and its goal."""
    deadline = read_date(state, "deadline")
    goal = read_uuid(state, "goal_id")
    body: dict[str, Any] = {
        "deadline": deadline.isoformat() if deadline else None,
        "goal_id": str(goal) if goal else None,
    }
    version = version_of(state)
    if version is not None:
        body["version"] = version
    return body


def review_body(state: FormState, *, returning: bool) -> dict[str, Any]:
    """The body of «approve» (an optional day) or «return» (a reason)."""
    body: dict[str, Any] = {}
    if returning:
        if not state.value("reason"):
            state.errors["reason"] = "Укажите причину возврата."
        body["reason"] = state.value("reason")
    else:
        completed = read_date(state, "completed_on")
        if completed is not None:
            body["completed_on"] = completed.isoformat()
    version = version_of(state)
    if version is not None:
        body["version"] = version
    return body


@dataclass
class RoutePage:
    """A route with what its forms offer (for the IMC): the teacher's open deficits,
    upcoming events, the teacher's tutors."""

    route: Route
    deficits: list[Deficit] = field(default_factory=list)
    events: list[GrowthEvent] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    others: list[RouteBrief] = field(default_factory=list)

    def assignment_label(self, assignment_id: UUID | None) -> str:
        found = next((a for a in self.assignments if a.id == assignment_id), None)
        if found is None:
            return ""
        return f"{found.kind_title}: {found.tutor_name}"


async def route_page(growth: GrowthClient, route_id: UUID, *, staff: bool) -> RoutePage:
    """A route; for the IMC also what adding goals and steps needs."""
    route = await growth.route(route_id)
    page = RoutePage(route=route)
    if staff:
        page.deficits, page.events, page.assignments = await asyncio.gather(
            growth.deficits(person_id=route.person_id, status="open"),
            growth.events(),
            growth.assignments(person_id=route.person_id),
        )
    else:
        page.assignments = await _assignments_or_nothing(growth)
    return page


async def _assignments_or_nothing(growth: GrowthClient) -> list[Assignment]:
    try:
        return await growth.assignments()
    except BackendError:
        return []  # only names the tutor of a mentoring step


async def own_route(growth: GrowthClient) -> RoutePage | None:
    """The teacher's newest route with the others listed; None when there is none."""
    briefs = await growth.routes()
    if not briefs:
        return None
    newest = max(briefs, key=lambda b: b.school_year)
    page = await route_page(growth, newest.id, staff=False)
    page.others = [b for b in briefs if b.id != newest.id]
    return page


# --- tutors ----------------------------------------------------------------------------


def assignment_body(state: FormState) -> dict[str, Any]:
    """The body of «appoint a tutor or mentor»."""
    if state.value("kind") not in dict(ASSIGNMENT_KINDS):
        state.errors["kind"] = "Выберите вид сопровождения."
    tutor = read_uuid(state, "tutor_person_id", required="Выберите тьютора (наставника).")
    teachers = [t for t in state.chosen("teacher_ids") if t]
    if not teachers:
        state.errors["teacher_ids"] = "Выберите педагога или группу педагогов."
    starts = read_date(state, "starts_on", required=True, what="дату начала")
    ends = read_date(state, "ends_on")
    return {
        "kind": state.value("kind"),
        "tutor_person_id": str(tutor) if tutor else "",
        "teacher_ids": teachers,
        "topic": state.value("topic"),
        "starts_on": starts.isoformat() if starts else "",
        "ends_on": ends.isoformat() if ends else None,
    }


def meeting_body(state: FormState) -> dict[str, Any]:
    """The body of «record a meeting»."""
    held = read_date(state, "held_on", required=True, what="дату встречи")
    hours = read_number(state, "hours", required=True)
    if not state.value("topic"):
        state.errors["topic"] = "Укажите тему встречи."
    present = [p for p in state.chosen("present") if p]
    if not present:
        state.errors["present"] = "Отметьте присутствовавших педагогов."
    return {
        "held_on": held.isoformat() if held else "",
        "hours": hours if hours is not None else 0,
        "topic": state.value("topic"),
        "present": present,
        "notes": state.value("notes"),
    }


@dataclass
class MyAssignments:
    """A teacher's appointments: where they tutor, where they are supported."""

    leading: list[Assignment]
    supported: list[Assignment]


def split_assignments(rows: Iterable[Assignment], person_id: UUID | None) -> MyAssignments:
    """The teacher's appointments, as tutor and as supported teacher."""
    rows = list(rows)
    return MyAssignments(
        leading=[a for a in rows if a.tutor_person_id == person_id],
        supported=[a for a in rows if a.tutor_person_id != person_id],
    )


# --- pending evidence ------------------------------------------------------------------


@dataclass(frozen=True)
class PendingEvidence:
    """A course certificate a teacher sent that awaits a methodist's decision."""

    route: Route
    step: Step


async def pending_evidence(growth: GrowthClient) -> list[PendingEvidence]:
    """Course certificates awaiting approval, oldest first: the growth service names the
    routes that hold one, and those are read (a few at a time) for their steps."""
    briefs = await growth.routes(awaiting_review=True)
    gate = asyncio.Semaphore(PENDING_CONCURRENCY)

    async def read(route_id: UUID) -> Route:
        async with gate:
            return await growth.route(route_id)

    routes = await asyncio.gather(*(read(b.id) for b in briefs))
    found = [PendingEvidence(r, s) for r in routes for s in r.steps if s.awaits_review]
    return sorted(
        found,
        key=lambda p: (
            p.step.evidence.submitted_at.isoformat()
            if p.step.evidence and p.step.evidence.submitted_at
            else "",
            p.route.full_name,
        ),
    )


# --- transcript ------------------------------------------------------------------------


def period_of(state: FormState) -> tuple[date | None, date | None]:
    """The transcript's period as chosen (``date_from``, ``date_to``)."""
    start = read_date(state, "date_from")
    end = read_date(state, "date_to")
    if start and end and start > end:
        state.errors["date_from"] = "Начало периода позже его окончания."
    return start, end


def print_params(start: date | None, end: date | None) -> dict[str, str]:
    """The period as the print endpoint takes it (query parameters)."""
    return {
        name: value.isoformat() for name, value in (("date_from", start), ("date_to", end)) if value
    }
