"""What the portal reads from the analytics service (state exam results and their
analysis), as it answers. Unknown fields are ignored and most fields have a default, so an
addition on the service's side does not break a page."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec


class CodeTitle(msgspec.Struct, kw_only=True):
    code: str
    title: str


class Header(msgspec.Struct, kw_only=True):
    """A column of the import's table: its Russian title and the variants accepted."""

    field: str
    title: str
    accepted: list[str] = msgspec.field(default_factory=list)
    required: bool = False


class AnalyticsVocabulary(msgspec.Struct, kw_only=True):
    """``GET /vocabulary``: exams, statuses, reasons, the import's headers, the rules."""

    exams: list[CodeTitle] = msgspec.field(default_factory=list)
    analysis_statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    problem_kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    reasons: list[CodeTitle] = msgspec.field(default_factory=list)
    action_kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    headers: list[Header] = msgspec.field(default_factory=list)
    threshold: float = 50.0
    margin: float = 15.0
    min_years: int = 2
    analysis_years: int = 3
    instance_kind: str = ""
    districts: list[CodeTitle] = msgspec.field(default_factory=list)
    today: date | None = None


# --- import ---------------------------------------------------------------------------


class ImportProblem(msgspec.Struct, kw_only=True):
    """One reason a line of the file cannot be imported."""

    line: int
    field: str | None = None
    column: str | None = None
    message: str


class ImportGroup(msgspec.Struct, kw_only=True):
    """One school × exam × subject × year the file holds."""

    school_id: UUID | None = None
    school: str = ""
    district: str = ""
    exam: str = ""
    exam_title: str = ""
    subject: str = ""
    year: int = 0
    tasks: int = 0
    replaces: bool = False


class ResultsImport(msgspec.Struct, kw_only=True):
    """``POST /results/import``: the report; nothing is written unless it is clean."""

    dry_run: bool
    clean: bool
    message: str = ""
    file_format: str = ""
    total_rows: int = 0
    valid_rows: int = 0
    imported: int = 0
    import_id: UUID | None = None
    bad_lines: list[int] = msgspec.field(default_factory=list)
    errors: list[ImportProblem] = msgspec.field(default_factory=list)
    groups: list[ImportGroup] = msgspec.field(default_factory=list)

    @property
    def replaced(self) -> int:
        return sum(1 for g in self.groups if g.replaces)


class ImportRecord(msgspec.Struct, kw_only=True):
    """``GET /results/imports``: an accepted file."""

    id: UUID
    filename: str = ""
    file_format: str = ""
    rows: int = 0
    groups: int = 0
    replaced: int = 0
    exams: list[str] = msgspec.field(default_factory=list)
    subjects: list[str] = msgspec.field(default_factory=list)
    years: list[int] = msgspec.field(default_factory=list)
    imported_by: str = ""
    imported_at: datetime | None = None


class Available(msgspec.Struct, kw_only=True):
    """``GET /results/available``: an exam and subject with results."""

    exam: str
    exam_title: str = ""
    subject: str
    years: list[int] = msgspec.field(default_factory=list)
    schools: int = 0


# --- the analysis ---------------------------------------------------------------------


class YearFigure(msgspec.Struct, kw_only=True):
    """A mean over schools for one year."""

    year: int
    mean: float | None = None
    participants: int = 0
    schools: int = 0
    change: float | None = None


class SchoolYear(msgspec.Struct, kw_only=True):
    """A school's figure for one year beside its district's mean."""

    year: int
    percent: float | None = None
    district_mean: float | None = None
    diff: float | None = None
    change: float | None = None
    participants: int = 0
    district_schools: int = 0


class Line(msgspec.Struct, kw_only=True):
    """A task, a content element or the whole exam over the analysed years."""

    kind: str
    code: str
    title: str
    element_code: str = ""
    element_name: str = ""
    max_score: int = 0
    years: list[YearFigure] = msgspec.field(default_factory=list)
    trend: float | None = None
    falling: bool = False
    below_threshold: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


class FoundProblem(msgspec.Struct, kw_only=True):
    """A task or element the rules point at."""

    kind: str
    code: str
    title: str
    reasons: list[str] = msgspec.field(default_factory=list)
    latest_year: int | None = None
    latest_mean: float | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.code}"


class LowSchool(msgspec.Struct, kw_only=True):
    """A school listed for targeted help (staff only), by name."""

    school_id: UUID
    name: str
    district: str = ""
    organisation_id: UUID | None = None
    reasons: list[str] = msgspec.field(default_factory=list)
    years: list[SchoolYear] = msgspec.field(default_factory=list)


class DistrictLine(msgspec.Struct, kw_only=True):
    """At the centre: one district's mean for the whole exam by year."""

    district: str
    name: str = ""
    years: list[YearFigure] = msgspec.field(default_factory=list)


class Analysis(msgspec.Struct, kw_only=True):
    """``GET /analysis``: everything one exam and subject show over the analysed years."""

    exam: str
    exam_title: str = ""
    subject: str
    years: list[int] = msgspec.field(default_factory=list)
    district: str = ""
    threshold: float = 50.0
    margin: float = 15.0
    min_years: int = 2
    total: Line
    tasks: list[Line] = msgspec.field(default_factory=list)
    elements: list[Line] = msgspec.field(default_factory=list)
    problems: list[FoundProblem] = msgspec.field(default_factory=list)
    low_schools: list[LowSchool] = msgspec.field(default_factory=list)
    districts: list[DistrictLine] = msgspec.field(default_factory=list)

    @property
    def problem_keys(self) -> set[str]:
        return {p.key for p in self.problems}


class SchoolFigure(msgspec.Struct, kw_only=True):
    """A task, an element or the whole exam: the school's years beside its district."""

    kind: str
    code: str
    title: str
    element_code: str = ""
    element_name: str = ""
    max_score: int = 0
    years: list[SchoolYear] = msgspec.field(default_factory=list)


class SchoolView(msgspec.Struct, kw_only=True):
    """``GET /schools/{id}/results``: one school against itself and its district's mean."""

    school_id: UUID
    name: str
    district: str = ""
    exam: str
    exam_title: str = ""
    subject: str
    years: list[int] = msgspec.field(default_factory=list)
    total: SchoolFigure
    tasks: list[SchoolFigure] = msgspec.field(default_factory=list)
    elements: list[SchoolFigure] = msgspec.field(default_factory=list)
    hidden_means: bool = False


# --- saved analyses -------------------------------------------------------------------


class ProblemAction(msgspec.Struct, kw_only=True):
    """Work a problem became elsewhere (a seminar in scheduling, a deficit in growth)."""

    id: UUID
    kind: str
    kind_title: str = ""
    state: str = ""
    remote_id: UUID | None = None
    person_id: UUID | None = None
    title: str = ""
    starts_at: datetime | None = None
    created_by: str = ""
    created_at: datetime | None = None
    created: bool = False


class Problem(msgspec.Struct, kw_only=True):
    """A problem of a saved analysis with its causes and recommendations."""

    id: UUID
    position: int = 0
    kind: str
    kind_title: str = ""
    code: str = ""
    title: str
    element_code: str = ""
    element_name: str = ""
    reasons: list[str] = msgspec.field(default_factory=list)
    reason_titles: list[str] = msgspec.field(default_factory=list)
    latest_year: int | None = None
    latest_mean: float | None = None
    years: list[dict[str, Any]] = msgspec.field(default_factory=list)
    found: bool = True
    causes: str = ""
    recommendations: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None
    version: int = 0
    actions: list[ProblemAction] = msgspec.field(default_factory=list)

    @property
    def event(self) -> ProblemAction | None:
        """The seminar planned on it, if any."""
        return next((a for a in self.actions if a.kind == "event"), None)

    @property
    def deficits(self) -> list[ProblemAction]:
        return [a for a in self.actions if a.kind == "deficit"]


class DocumentLink(msgspec.Struct, kw_only=True):
    """The information note printed from the analysis."""

    document_id: UUID
    number: str = ""
    pdf_path: str = ""
    docx_path: str = ""
    analysis_version: int | None = None
    exported_at: datetime | None = None


class AnalysisSummary(msgspec.Struct, kw_only=True):
    """``GET /analyses``: a saved analysis in the list."""

    id: UUID
    exam: str
    exam_title: str = ""
    subject: str
    years: list[int] = msgspec.field(default_factory=list)
    district: str = ""
    title: str = ""
    status: str = ""
    status_title: str = ""
    problems: int = 0
    updated_at: datetime | None = None
    version: int = 0


class SavedAnalysis(msgspec.Struct, kw_only=True):
    """``GET /analyses/{id}``."""

    id: UUID
    exam: str
    exam_title: str = ""
    subject: str
    years: list[int] = msgspec.field(default_factory=list)
    district: str = ""
    district_name: str = ""
    title: str = ""
    status: str = ""
    status_title: str = ""
    conclusions: str = ""
    recommendations: str = ""
    figures: Analysis
    problems: list[Problem] = msgspec.field(default_factory=list)
    computed_at: datetime | None = None
    created_by: str = ""
    created_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime | None = None
    approved_by: str = ""
    approved_at: datetime | None = None
    document: DocumentLink | None = None
    version: int = 0

    @property
    def approved(self) -> bool:
        return self.status == "approved"


class PrintedNote(msgspec.Struct, kw_only=True):
    """``POST /analyses/{id}/export``: the note the documents service made."""

    document_id: UUID
    number: str = ""
    title: str = ""
    created: bool = True
    analysis_version: int = 0
