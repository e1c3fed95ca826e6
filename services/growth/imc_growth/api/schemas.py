"""HTTP schemas of the growth service."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from imc_growth.domain.surveys import QuestionComparison, QuestionSummary


class Versioned(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An action on a record as the user saw it (``version`` from the last read)."""

    version: int | None = None


# --- competencies ---------------------------------------------------------------------


class CompetencyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A competency of the catalogue; ``code`` is a latin slug that never changes."""

    code: str
    title: str
    description: str = ""
    keywords: list[str] = msgspec.field(default_factory=list)
    """Words that events and sites addressing the competency use (for suggestions)."""
    active: bool = True


class CompetencyPatch(Versioned, kw_only=True, forbid_unknown_fields=True):
    title: str | None = None
    description: str | None = None
    keywords: list[str] | None = None
    active: bool | None = None


class CompetencyOut(msgspec.Struct, kw_only=True):
    id: UUID
    code: str
    title: str
    description: str
    keywords: list[str]
    active: bool
    version: int


# --- surveys --------------------------------------------------------------------------


class OptionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    key: str
    """Latin letters, digits, «_», «-»; kept when the survey is copied next year."""
    text: str
    competency: str | None = None
    """Code of the competency a teacher choosing this option lacks."""


class QuestionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    """``single``, ``multiple``, ``scale`` (1–5) or ``text``."""
    text: str
    required: bool = True
    options: list[OptionIn] = msgspec.field(default_factory=list)
    competency: str | None = None
    """Scale questions: the competency a low mark (1–2) points to."""


class TargetIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who is asked; an empty list does not narrow."""

    organisation_ids: list[UUID] = msgspec.field(default_factory=list)
    subjects: list[str] = msgspec.field(default_factory=list)
    staff_groups: list[str] = msgspec.field(default_factory=list)
    """``administration``, ``teacher``, ``imc_methodist``, ``other``."""
    categories: list[str] = msgspec.field(default_factory=list)
    """Qualification categories: ``highest``, ``first``, ``conformity``, ``none``."""


class SurveyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: str
    school_year: str
    """E.g. «2026/2027»."""
    description: str = ""
    closes_on: date | None = None
    target: TargetIn = msgspec.field(default_factory=TargetIn)
    questions: list[QuestionIn] = msgspec.field(default_factory=list)


class SurveyPatch(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Changes to a draft; ``questions`` replaces every question."""

    title: str | None = None
    description: str | None = None
    school_year: str | None = None
    closes_on: date | msgspec.UnsetType | None = msgspec.UNSET
    target: TargetIn | None = None
    questions: list[QuestionIn] | None = None


class SurveyCopyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Repeat a survey: a new draft with the same questions for another school year."""

    school_year: str | None = None
    """Default: the year after the original's."""
    title: str | None = None
    closes_on: date | None = None


class OptionOut(msgspec.Struct, kw_only=True):
    key: str
    text: str
    competency: str | None = None


class QuestionOut(msgspec.Struct, kw_only=True):
    id: UUID
    position: int
    kind: str
    kind_title: str
    text: str
    required: bool
    options: list[OptionOut]
    competency: str | None
    copied_from: UUID | None


class TargetOut(msgspec.Struct, kw_only=True):
    organisation_ids: list[UUID]
    subjects: list[str]
    staff_groups: list[str]
    categories: list[str]


class SurveyOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    description: str
    school_year: str
    closes_on: date | None
    status: str
    status_title: str
    target: TargetOut
    questions: list[QuestionOut]
    repeat_of: UUID | None
    created_by: str
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None
    recipients: int
    responses: int
    version: int


class ResponseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Answers by question id: an option key (single), a list of keys (multiple), a mark
    1–5 (scale) or a text."""

    answers: dict[str, Any]
    version: int | None = None


class ResponseOut(msgspec.Struct, kw_only=True):
    survey_id: UUID
    person_id: UUID
    answers: dict[str, Any]
    submitted_at: datetime
    updated_at: datetime
    version: int


class MySurvey(msgspec.Struct, kw_only=True):
    """A survey a teacher is asked to answer, with their answers so far."""

    survey: SurveyOut
    can_answer: bool
    response: ResponseOut | None


class GroupSummary(msgspec.Struct, kw_only=True):
    """Answers of one school or one subject."""

    key: str
    """The organisation id, or the subject."""
    title: str
    respondents: int
    questions: list[QuestionSummary]


class SurveyResults(msgspec.Struct, kw_only=True):
    """Distributions for charts: the district, each school, each subject."""

    survey_id: UUID
    title: str
    school_year: str
    status: str
    recipients: int
    respondents: int
    response_rate: float
    district: list[QuestionSummary]
    by_school: list[GroupSummary]
    by_subject: list[GroupSummary]


class SurveyComparison(msgspec.Struct, kw_only=True):
    survey_id: UUID
    school_year: str
    previous_survey_id: UUID
    previous_school_year: str
    respondents: int
    previous_respondents: int
    questions: list[QuestionComparison]


class Proposal(msgspec.Struct, kw_only=True):
    """A deficit a closed survey's answers point to, for a methodist to confirm."""

    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    competency_code: str
    competency_title: str
    subject: str
    """The teacher's subject when they teach exactly one, else empty."""
    question_id: UUID
    answer: str
    recorded: bool
    deficit_id: UUID | None = None


class ProposalItem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    person_id: UUID
    competency_code: str
    subject: str = ""


class ProposalsConfirmIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    items: list[ProposalItem]
    note: str = ""


# --- deficits -------------------------------------------------------------------------


class DeficitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    person_id: UUID
    competency_code: str
    subject: str = ""
    source: str
    """``survey``, ``diagnostic``, ``results_analysis`` or ``observation``."""
    source_date: date
    source_ref: str = ""
    """What the source is: a survey, a diagnostic work, a lesson visited (free text)."""
    note: str = ""


class DeficitCloseIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    evidence: str
    """What shows the gap is closed (a methodist's conclusion)."""
    step_id: UUID | None = None
    """The completed route step; default: any completed step tied to the deficit."""


class DeficitOut(msgspec.Struct, kw_only=True):
    id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    competency_id: UUID
    competency_code: str
    competency_title: str
    subject: str
    source: str
    source_title: str
    source_date: date
    source_ref: str
    note: str
    recorded_by: str
    recorded_at: datetime
    status: str
    status_title: str
    closed_on: date | None
    closed_by: str
    evidence: str
    closing_step_id: UUID | None
    version: int


class SuggestedEvent(msgspec.Struct, kw_only=True):
    event_id: UUID
    title: str
    form: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    organiser_name: str
    venue: str
    hours: int
    source: str
    """``district`` (the IMC's calendar) or ``centre`` (the ММЦ's)."""
    matched: list[str]
    """The keywords (or subject) the event matched."""


class SuggestedSite(msgspec.Struct, kw_only=True):
    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    kind: str
    kind_title: str
    topic: str
    term_end: date
    matched: list[str]


class Suggestions(msgspec.Struct, kw_only=True):
    deficit_id: UUID
    competency_code: str
    competency_title: str
    subject: str
    events: list[SuggestedEvent]
    sites: list[SuggestedSite]


# --- routes ---------------------------------------------------------------------------


class RouteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    person_id: UUID
    school_year: str


class GoalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: str
    deficit_id: UUID | None = None


class StepIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    """``event``, ``internship``, ``course`` or ``mentoring``."""
    goal_id: UUID | None = None
    title: str = ""
    """A course's title (an event's is taken from the calendar)."""
    event_id: UUID | None = None
    provider: str = ""
    hours: int = 0
    """A course's hours."""
    planned_hours: float = 0.0
    """Mentoring: hours of meetings planned."""
    assignment_id: UUID | None = None
    deadline: date | None = None


class StepPatch(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Move a step's deadline or tie it to another goal of the route."""

    deadline: date | msgspec.UnsetType | None = msgspec.UNSET
    goal_id: UUID | msgspec.UnsetType | None = msgspec.UNSET


@dataclass
class EvidenceForm:
    """A course certificate (``multipart/form-data``)."""

    file: UploadFile
    comment: str = ""
    version: int | None = None


class ReturnIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    reason: str


class ApproveIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    completed_on: date | None = None
    """Default: the day the teacher sent the evidence."""


class DeficitBrief(msgspec.Struct, kw_only=True):
    id: UUID
    competency_code: str
    competency_title: str
    subject: str
    status: str
    status_title: str


class GoalOut(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    position: int
    deficit: DeficitBrief | None


class EventBrief(msgspec.Struct, kw_only=True):
    event_id: UUID
    title: str
    form_title: str
    starts_at: datetime
    ends_at: datetime
    status: str
    source: str


class EvidenceOut(msgspec.Struct, kw_only=True):
    filename: str
    content_type: str
    size: int
    sha256: str
    comment: str
    submitted_at: datetime | None


class StepOut(msgspec.Struct, kw_only=True):
    id: UUID
    route_id: UUID
    goal_id: UUID | None
    kind: str
    kind_title: str
    title: str
    event_id: UUID | None
    event: EventBrief | None
    provider: str
    hours: int
    planned_hours: float
    met_hours: float
    """Mentoring: hours of meetings the teacher attended so far."""
    assignment_id: UUID | None
    deadline: date | None
    status: str
    """As people see it: a step past its deadline shows ``missed``."""
    status_title: str
    completed_on: date | None
    completed_by: str
    evidence: EvidenceOut | None
    review_reason: str
    reviewed_by: str
    version: int


class RouteOut(msgspec.Struct, kw_only=True):
    id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    school_year: str
    created_by: str
    created_at: datetime
    goals: list[GoalOut]
    steps: list[StepOut]
    steps_total: int
    steps_done: int


class RouteBrief(msgspec.Struct, kw_only=True):
    id: UUID
    person_id: UUID
    full_name: str
    organisation_id: UUID | None
    school_year: str
    steps_total: int
    steps_done: int


# --- tutors ---------------------------------------------------------------------------


class AssignmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: str
    """``tutor`` (педагог-тьютор) or ``mentor`` (наставник)."""
    tutor_person_id: UUID
    teacher_ids: list[UUID]
    topic: str = ""
    starts_on: date
    ends_on: date | None = None


class MeetingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    held_on: date
    hours: float
    topic: str
    present: list[UUID]
    """Teachers of the assignment who were there."""
    notes: str = ""


class AssignedTeacher(msgspec.Struct, kw_only=True):
    person_id: UUID
    full_name: str
    hours: float


class MeetingOut(msgspec.Struct, kw_only=True):
    id: UUID
    held_on: date
    hours: float
    topic: str
    notes: str
    present: list[UUID]
    recorded_by: str
    recorded_at: datetime


class AssignmentOut(msgspec.Struct, kw_only=True):
    id: UUID
    kind: str
    kind_title: str
    tutor_person_id: UUID
    tutor_name: str
    topic: str
    starts_on: date
    ends_on: date | None
    teachers: list[AssignedTeacher]
    meetings: list[MeetingOut]
    total_hours: float
    created_by: str
    created_at: datetime


# --- transcript, read models, vocabulary ---------------------------------------------


class PrintedTranscript(msgspec.Struct, kw_only=True):
    """The transcript rendered by the documents service."""

    document_id: UUID
    number: str
    title: str
    created: bool
    """False when the same transcript was printed already today (the same document)."""
    pdf_path: str
    docx_path: str


class TeacherOut(msgspec.Struct, kw_only=True):
    person_id: UUID
    full_name: str
    position: str
    organisation_id: UUID | None
    organisation: str
    subjects: list[str]
    staff_group: str
    qualification_category: str


class EventOut(msgspec.Struct, kw_only=True):
    event_id: UUID
    title: str
    form: str
    form_title: str
    level: str
    organiser_name: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    hours: int
    audience_subjects: list[str]
    status: str
    source: str
    intermunicipal: bool


class CodeTitle(msgspec.Struct, kw_only=True):
    code: str
    title: str


class Vocabulary(msgspec.Struct, kw_only=True):
    question_kinds: list[CodeTitle]
    survey_statuses: list[CodeTitle]
    deficit_sources: list[CodeTitle]
    deficit_statuses: list[CodeTitle]
    step_kinds: list[CodeTitle]
    step_statuses: list[CodeTitle]
    assignment_kinds: list[CodeTitle]
    staff_groups: list[CodeTitle]
    qualification_categories: list[CodeTitle]
