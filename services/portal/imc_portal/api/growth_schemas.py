"""What the portal reads from the growth service (needs surveys, deficits, individual
routes, tutors, transcripts), as it answers. Unknown fields are ignored and most fields
have a default, so an addition on the service's side does not break a page."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

# --- vocabulary and directory -----------------------------------------------------------


class CodeTitle(msgspec.Struct, kw_only=True):
    """A code and its Russian title."""

    code: str
    title: str


class Vocabulary(msgspec.Struct, kw_only=True):
    """``GET /vocabulary``: the codes of the growth service and their titles."""

    question_kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    survey_statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    deficit_sources: list[CodeTitle] = msgspec.field(default_factory=list)
    deficit_statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    step_kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    step_statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    assignment_kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    staff_groups: list[CodeTitle] = msgspec.field(default_factory=list)
    qualification_categories: list[CodeTitle] = msgspec.field(default_factory=list)


class Teacher(msgspec.Struct, kw_only=True):
    """``GET /teachers``: a teacher as growth knows them."""

    person_id: UUID
    full_name: str
    position: str = ""
    organisation_id: UUID | None = None
    organisation: str = ""
    subjects: list[str] = msgspec.field(default_factory=list)
    staff_group: str = ""
    qualification_category: str = ""


class GrowthEvent(msgspec.Struct, kw_only=True):
    """``GET /events``: an event of the district or of the centre (to pick for a step)."""

    event_id: UUID
    title: str
    form: str = ""
    form_title: str = ""
    level: str = ""
    organiser_name: str = ""
    venue: str = ""
    starts_at: datetime
    ends_at: datetime
    hours: int = 0
    audience_subjects: list[str] = msgspec.field(default_factory=list)
    status: str = ""
    source: str = "district"
    intermunicipal: bool = False

    @property
    def href(self) -> str:
        """The event's page in the portal's calendar."""
        return calendar_href(self.event_id, self.source)


def calendar_href(event_id: UUID, source: str) -> str:
    """The calendar page of an event: the centre's under ``/calendar/centre/``."""
    return f"/calendar/centre/{event_id}" if source == "centre" else f"/calendar/{event_id}"


# --- competencies ----------------------------------------------------------------------


class Competency(msgspec.Struct, kw_only=True):
    """A competency of the district's catalogue."""

    id: UUID
    code: str
    title: str
    description: str = ""
    keywords: list[str] = msgspec.field(default_factory=list)
    active: bool = True
    version: int = 0


# --- surveys ---------------------------------------------------------------------------


class SurveyOption(msgspec.Struct, kw_only=True):
    """A choice of a question; ``competency`` is the code a chosen answer points to."""

    key: str
    text: str
    competency: str | None = None


class SurveyQuestion(msgspec.Struct, kw_only=True):
    """A question of a survey."""

    id: UUID
    position: int
    kind: str
    kind_title: str = ""
    text: str
    required: bool = True
    options: list[SurveyOption] = msgspec.field(default_factory=list)
    competency: str | None = None
    copied_from: UUID | None = None

    @property
    def field(self) -> str:
        """The name of its field in the answer form."""
        return f"q-{self.id}"


class SurveyTarget(msgspec.Struct, kw_only=True):
    """Who a survey asks; an empty list does not narrow."""

    organisation_ids: list[UUID] = msgspec.field(default_factory=list)
    subjects: list[str] = msgspec.field(default_factory=list)
    staff_groups: list[str] = msgspec.field(default_factory=list)
    categories: list[str] = msgspec.field(default_factory=list)


class Survey(msgspec.Struct, kw_only=True):
    """A needs survey."""

    id: UUID
    title: str
    description: str = ""
    school_year: str
    closes_on: date | None = None
    status: str
    status_title: str = ""
    target: SurveyTarget = msgspec.field(default_factory=SurveyTarget)
    questions: list[SurveyQuestion] = msgspec.field(default_factory=list)
    repeat_of: UUID | None = None
    created_by: str = ""
    created_at: datetime | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    recipients: int = 0
    responses: int = 0
    version: int = 0

    @property
    def draft(self) -> bool:
        """Whether it is still being built."""
        return self.status == "draft"


class SurveyResponse(msgspec.Struct, kw_only=True):
    """A teacher's answers, by question id."""

    survey_id: UUID
    person_id: UUID
    answers: dict[str, Any] = msgspec.field(default_factory=dict)
    submitted_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0


class MySurvey(msgspec.Struct, kw_only=True):
    """``GET /surveys/mine``: a survey the teacher is asked, with their answers so far."""

    survey: Survey
    can_answer: bool = False
    response: SurveyResponse | None = None


class OptionCount(msgspec.Struct, kw_only=True):
    key: str
    text: str
    count: int = 0
    share: float = 0.0


class ScaleCount(msgspec.Struct, kw_only=True):
    value: int
    count: int = 0
    share: float = 0.0


class QuestionSummary(msgspec.Struct, kw_only=True):
    """The distribution of answers to one question."""

    question_id: UUID
    position: int
    kind: str
    text: str
    answered: int = 0
    options: list[OptionCount] = msgspec.field(default_factory=list)
    scale: list[ScaleCount] = msgspec.field(default_factory=list)
    mean: float | None = None
    texts: list[str] = msgspec.field(default_factory=list)


class GroupSummary(msgspec.Struct, kw_only=True):
    """Answers of one school or one subject."""

    key: str
    title: str
    respondents: int = 0
    questions: list[QuestionSummary] = msgspec.field(default_factory=list)


class SurveyResults(msgspec.Struct, kw_only=True):
    """``GET /surveys/{id}/results``."""

    survey_id: UUID
    title: str = ""
    school_year: str = ""
    status: str = ""
    recipients: int = 0
    respondents: int = 0
    response_rate: float = 0.0
    district: list[QuestionSummary] = msgspec.field(default_factory=list)
    by_school: list[GroupSummary] = msgspec.field(default_factory=list)
    by_subject: list[GroupSummary] = msgspec.field(default_factory=list)


class OptionChange(msgspec.Struct, kw_only=True):
    key: str
    text: str
    previous_share: float | None = None
    current_share: float = 0.0
    change: float | None = None
    """Percentage points, current minus previous (None: the option is new)."""


class QuestionComparison(msgspec.Struct, kw_only=True):
    question_id: UUID
    previous_question_id: UUID | None = None
    position: int
    kind: str
    text: str
    previous_answered: int = 0
    current_answered: int = 0
    options: list[OptionChange] = msgspec.field(default_factory=list)
    previous_mean: float | None = None
    current_mean: float | None = None


class SurveyComparison(msgspec.Struct, kw_only=True):
    """``GET /surveys/{id}/comparison``: this year's answers beside last year's."""

    survey_id: UUID
    school_year: str = ""
    previous_survey_id: UUID | None = None
    previous_school_year: str = ""
    respondents: int = 0
    previous_respondents: int = 0
    questions: list[QuestionComparison] = msgspec.field(default_factory=list)


class Proposal(msgspec.Struct, kw_only=True):
    """A deficit a closed survey's answers point to, for a methodist to confirm."""

    person_id: UUID
    full_name: str
    organisation_id: UUID | None = None
    competency_code: str
    competency_title: str = ""
    subject: str = ""
    question_id: UUID | None = None
    answer: str = ""
    recorded: bool = False
    deficit_id: UUID | None = None

    @property
    def item(self) -> str:
        """The value of its checkbox: who, which competency, which subject."""
        return f"{self.person_id}|{self.competency_code}|{self.subject}"


# --- deficits --------------------------------------------------------------------------


class Deficit(msgspec.Struct, kw_only=True):
    """A teacher's professional deficit."""

    id: UUID
    person_id: UUID
    full_name: str = ""
    organisation_id: UUID | None = None
    competency_id: UUID | None = None
    competency_code: str
    competency_title: str = ""
    subject: str = ""
    source: str = ""
    source_title: str = ""
    source_date: date | None = None
    source_ref: str = ""
    note: str = ""
    recorded_by: str = ""
    recorded_at: datetime | None = None
    status: str
    status_title: str = ""
    closed_on: date | None = None
    closed_by: str = ""
    evidence: str = ""
    closing_step_id: UUID | None = None
    version: int = 0

    @property
    def open(self) -> bool:
        """Whether it is still to be closed."""
        return self.status == "open"


class SuggestedEvent(msgspec.Struct, kw_only=True):
    event_id: UUID
    title: str
    form: str = ""
    form_title: str = ""
    starts_at: datetime
    ends_at: datetime
    organiser_name: str = ""
    venue: str = ""
    hours: int = 0
    source: str = "district"
    matched: list[str] = msgspec.field(default_factory=list)

    @property
    def href(self) -> str:
        """The event's page in the portal's calendar."""
        return calendar_href(self.event_id, self.source)


class SuggestedSite(msgspec.Struct, kw_only=True):
    site_id: UUID
    organisation_id: UUID | None = None
    organisation_short_name: str = ""
    kind: str = ""
    kind_title: str = ""
    topic: str = ""
    term_end: date | None = None
    matched: list[str] = msgspec.field(default_factory=list)


class Suggestions(msgspec.Struct, kw_only=True):
    """``GET /deficits/{id}/suggestions``: events and sites for an open deficit."""

    deficit_id: UUID
    competency_code: str = ""
    competency_title: str = ""
    subject: str = ""
    events: list[SuggestedEvent] = msgspec.field(default_factory=list)
    sites: list[SuggestedSite] = msgspec.field(default_factory=list)


# --- routes ----------------------------------------------------------------------------


class DeficitBrief(msgspec.Struct, kw_only=True):
    id: UUID
    competency_code: str = ""
    competency_title: str = ""
    subject: str = ""
    status: str = ""
    status_title: str = ""


class Goal(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    position: int = 0
    deficit: DeficitBrief | None = None


class EventBrief(msgspec.Struct, kw_only=True):
    event_id: UUID
    title: str
    form_title: str = ""
    starts_at: datetime
    ends_at: datetime
    status: str = ""
    source: str = "district"

    @property
    def href(self) -> str:
        """The event's page in the portal's calendar."""
        return calendar_href(self.event_id, self.source)


class Evidence(msgspec.Struct, kw_only=True):
    filename: str
    content_type: str = ""
    size: int = 0
    sha256: str = ""
    comment: str = ""
    submitted_at: datetime | None = None


class Step(msgspec.Struct, kw_only=True):
    """A step of a route; ``status`` as people see it (``missed`` past the deadline)."""

    id: UUID
    route_id: UUID
    goal_id: UUID | None = None
    kind: str
    kind_title: str = ""
    title: str = ""
    event_id: UUID | None = None
    event: EventBrief | None = None
    provider: str = ""
    hours: int = 0
    planned_hours: float = 0.0
    met_hours: float = 0.0
    assignment_id: UUID | None = None
    deadline: date | None = None
    status: str
    status_title: str = ""
    completed_on: date | None = None
    completed_by: str = ""
    evidence: Evidence | None = None
    review_reason: str = ""
    reviewed_by: str = ""
    version: int = 0

    @property
    def name(self) -> str:
        """What the step is called: the event's title for an event."""
        if self.event is not None:
            return self.event.title
        return self.title or self.kind_title

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def awaits_review(self) -> bool:
        """A course certificate the teacher sent, not yet checked."""
        return self.kind == "course" and self.status == "submitted"

    @property
    def takes_evidence(self) -> bool:
        """A course the teacher may (still) send a certificate for."""
        return self.kind == "course" and self.status != "done"


class Route(msgspec.Struct, kw_only=True):
    """``GET /routes/{id}``: a teacher's individual educational route (ИОМ)."""

    id: UUID
    person_id: UUID
    full_name: str = ""
    organisation_id: UUID | None = None
    school_year: str
    created_by: str = ""
    created_at: datetime | None = None
    goals: list[Goal] = msgspec.field(default_factory=list)
    steps: list[Step] = msgspec.field(default_factory=list)
    steps_total: int = 0
    steps_done: int = 0

    def steps_of(self, goal_id: UUID | None) -> list[Step]:
        """The steps under a goal (``None``: those under no goal)."""
        return [s for s in self.steps if s.goal_id == goal_id]

    @property
    def loose_steps(self) -> list[Step]:
        """Steps under no goal (or under a goal the route no longer has)."""
        known = {g.id for g in self.goals}
        return [s for s in self.steps if s.goal_id is None or s.goal_id not in known]


class RouteBrief(msgspec.Struct, kw_only=True):
    """``GET /routes``: a route with its progress."""

    id: UUID
    person_id: UUID
    full_name: str = ""
    organisation_id: UUID | None = None
    school_year: str
    steps_total: int = 0
    steps_done: int = 0


# --- tutors ----------------------------------------------------------------------------


class AssignedTeacher(msgspec.Struct, kw_only=True):
    person_id: UUID
    full_name: str = ""
    hours: float = 0.0


class TutorMeeting(msgspec.Struct, kw_only=True):
    id: UUID
    held_on: date
    hours: float = 0.0
    topic: str = ""
    notes: str = ""
    present: list[UUID] = msgspec.field(default_factory=list)
    recorded_by: str = ""
    recorded_at: datetime | None = None


class Assignment(msgspec.Struct, kw_only=True):
    """A tutor (педагог-тьютор) or a mentor (наставник) appointed to teachers."""

    id: UUID
    kind: str
    kind_title: str = ""
    tutor_person_id: UUID
    tutor_name: str = ""
    topic: str = ""
    starts_on: date
    ends_on: date | None = None
    teachers: list[AssignedTeacher] = msgspec.field(default_factory=list)
    meetings: list[TutorMeeting] = msgspec.field(default_factory=list)
    total_hours: float = 0.0
    created_by: str = ""
    created_at: datetime | None = None

    def names(self, people: list[UUID]) -> list[str]:
        """The names of the assignment's teachers among ``people``."""
        wanted = set(people)
        return [t.full_name for t in self.teachers if t.person_id in wanted]


# --- transcript ------------------------------------------------------------------------


class TranscriptEvent(msgspec.Struct, kw_only=True):
    registration_id: UUID | None = None
    event_id: UUID
    kind: str = "event"
    title: str
    form_title: str = ""
    date: date
    hours: int = 0
    certificate: str = ""


class TranscriptCourse(msgspec.Struct, kw_only=True):
    step_id: UUID | None = None
    title: str
    provider: str = ""
    hours: int = 0
    completed_on: date | None = None


class TranscriptMentoring(msgspec.Struct, kw_only=True):
    assignment_id: UUID | None = None
    kind: str = ""
    kind_title: str = ""
    tutor_name: str = ""
    topic: str = ""
    hours: float = 0.0


class TranscriptDeficit(msgspec.Struct, kw_only=True):
    deficit_id: UUID | None = None
    competency_code: str = ""
    competency: str = ""
    subject: str = ""
    closed_on: date | None = None
    evidence: str = ""


class Transcript(msgspec.Struct, kw_only=True):
    """``GET /people/{id}/transcript``: a teacher's record of development."""

    person_id: UUID
    full_name: str = ""
    position: str = ""
    organisation_id: UUID | None = None
    organisation: str = ""
    date_from: date | None = None
    date_to: date | None = None
    period: str = ""
    events: list[TranscriptEvent] = msgspec.field(default_factory=list)
    courses: list[TranscriptCourse] = msgspec.field(default_factory=list)
    mentoring: list[TranscriptMentoring] = msgspec.field(default_factory=list)
    closed_deficits: list[TranscriptDeficit] = msgspec.field(default_factory=list)
    event_hours: float = 0
    course_hours: float = 0
    mentoring_hours: float = 0.0
    total_hours: float = 0.0

    @property
    def internships(self) -> list[TranscriptEvent]:
        return [e for e in self.events if e.kind == "internship"]

    @property
    def plain_events(self) -> list[TranscriptEvent]:
        return [e for e in self.events if e.kind != "internship"]


class PrintedTranscript(msgspec.Struct, kw_only=True):
    """``POST /people/{id}/transcript/print``: the document the documents service made."""

    document_id: UUID
    number: str = ""
    title: str = ""
    created: bool = True
    pdf_path: str = ""
    docx_path: str = ""
