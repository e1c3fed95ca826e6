"""HTTP schemas of the analytics service."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from imc_analytics.domain.analysis import Analysis, LowSchool
from imc_analytics.domain.charts import Chart

Text = Annotated[str, msgspec.Meta(max_length=20_000)]
Title = Annotated[str, msgspec.Meta(max_length=300)]


class Versioned(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An action on a record as the user saw it (``version`` from the last read)."""

    version: int | None = None


# --- import ---------------------------------------------------------------------------


@dataclass
class ImportForm:
    """The uploaded table, sent as ``multipart/form-data`` with one ``file``."""

    file: UploadFile | None = None


class ImportProblem(msgspec.Struct, kw_only=True):
    """One reason a line of the file cannot be imported."""

    line: int
    field: str | None
    column: str | None
    message: str


class ImportGroup(msgspec.Struct, kw_only=True):
    """One school × exam × subject × year the file holds."""

    school_id: UUID
    school: str
    district: str
    exam: str
    exam_title: str
    subject: str
    year: int
    tasks: int
    replaces: bool
    """Results for it are there already: the import replaces them."""


class ImportResult(msgspec.Struct, kw_only=True):
    """The import report: every bad line with its reason; nothing written unless clean."""

    dry_run: bool
    clean: bool
    message: str
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    columns: list[str]
    total_rows: int
    valid_rows: int
    imported: int
    import_id: UUID | None
    bad_lines: list[int]
    errors: list[ImportProblem]
    groups: list[ImportGroup]


class ImportOut(msgspec.Struct, kw_only=True):
    """An accepted file."""

    id: UUID
    filename: str
    file_format: str
    rows: int
    groups: int
    replaced: int
    exams: list[str]
    subjects: list[str]
    years: list[int]
    imported_by: str
    imported_at: datetime


class AvailableOut(msgspec.Struct, kw_only=True):
    exam: str
    exam_title: str
    subject: str
    years: list[int]
    schools: int


class SchoolOut(msgspec.Struct, kw_only=True):
    school_id: UUID
    name: str
    district: str
    organisation_id: UUID | None
    low_results: bool
    """Flagged in the registry as a school with low educational results (ШНОР)."""


# --- live analysis --------------------------------------------------------------------


class LowResultsOut(msgspec.Struct, kw_only=True):
    """Schools for targeted help, by name, with why they are listed."""

    exam: str
    exam_title: str
    subject: str
    years: list[int]
    margin: float
    min_years: int
    schools: list[LowSchool]


class ChartsOut(msgspec.Struct, kw_only=True):
    exam: str
    exam_title: str
    subject: str
    years: list[int]
    district: str
    threshold: float
    charts: list[Chart]


# --- saved analyses -------------------------------------------------------------------


class AnalysisIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Save an analysis: the figures are counted now and kept with it."""

    exam: str
    """``oge`` or ``ege`` (or «ОГЭ», «ЕГЭ»)."""
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    years: list[int] | None = None
    """Default: the latest ``IMC_ANALYSIS_YEARS`` years with results."""
    district: str = ""
    """At the centre: one district (code or name); empty: all of them."""
    title: Title = ""


class AnalysisPatch(Versioned, kw_only=True, forbid_unknown_fields=True):
    title: Title | None = None
    conclusions: Text | None = None
    """Выводы."""
    recommendations: Text | None = None
    """Общие рекомендации."""


class ProblemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A problem a methodist names beside those the rules found."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=600)]
    causes: Text = ""
    recommendations: Text = ""


class ProblemPatch(Versioned, kw_only=True, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=600)] | None = None
    """Only of a problem a methodist named."""
    causes: Text | None = None
    recommendations: Text | None = None


class EventFromProblem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Plan a seminar for a problem (level municipal, the IMC organising; at the centre
    inter-municipal). Naive times are the district's local time."""

    starts_at: datetime
    ends_at: datetime | None = None
    """Default: two hours after the start."""
    venue: Annotated[str, msgspec.Meta(max_length=300)] = ""
    online_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    title: Title = ""
    """Default: «Семинар «<content element>»: трудные вопросы ОГЭ по предмету «…»»."""
    hours: Annotated[int, msgspec.Meta(ge=0, le=500)] = 2
    audience_low_results: bool = False
    """Invite the schools with low educational results in particular."""


class DeficitFromProblem(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Record a professional deficit of one teacher for a problem."""

    person_id: UUID
    competency_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    """A code of the growth service's catalogue (``GET /competencies`` there)."""
    note: Text = ""
    """Default: the problem's recommendations."""


class ActionOut(msgspec.Struct, kw_only=True):
    """Work a problem became elsewhere."""

    id: UUID
    kind: str
    kind_title: str
    state: str
    """``done``, or ``pending`` while the other service is being asked."""
    remote_id: UUID | None
    """The event's id in scheduling, the deficit's id in growth."""
    person_id: UUID | None
    title: str
    starts_at: datetime | None
    created_by: str
    created_at: datetime
    created: bool = False
    """True when this request made it (False: it was made before, nothing was repeated)."""


class ProblemOut(msgspec.Struct, kw_only=True):
    id: UUID
    position: int
    kind: str
    kind_title: str
    code: str
    title: str
    element_code: str
    element_name: str
    reasons: list[str]
    reason_titles: list[str]
    latest_year: int | None
    latest_mean: float | None
    years: list[dict[str, Any]]
    found: bool
    """False: a recount no longer finds it (kept for its text and links)."""
    causes: str
    recommendations: str
    updated_by: str
    updated_at: datetime
    version: int
    actions: list[ActionOut]


class DocumentLink(msgspec.Struct, kw_only=True):
    document_id: UUID
    number: str
    pdf_path: str
    docx_path: str
    analysis_version: int | None
    exported_at: datetime | None


class AnalysisSummary(msgspec.Struct, kw_only=True):
    id: UUID
    exam: str
    exam_title: str
    subject: str
    years: list[int]
    district: str
    title: str
    status: str
    status_title: str
    problems: int
    updated_at: datetime
    version: int


class AnalysisOut(msgspec.Struct, kw_only=True):
    id: UUID
    exam: str
    exam_title: str
    subject: str
    years: list[int]
    district: str
    district_name: str
    title: str
    status: str
    status_title: str
    conclusions: str
    recommendations: str
    figures: Analysis
    """The figures as counted when saved or recounted (no per-school lines)."""
    problems: list[ProblemOut]
    computed_at: datetime
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    approved_by: str
    approved_at: datetime | None
    document: DocumentLink | None
    version: int


class PrintedNote(msgspec.Struct, kw_only=True):
    """The information note rendered by the documents service."""

    document_id: UUID
    number: str
    title: str
    created: bool
    """False when this version of the analysis was printed before (the same document)."""
    pdf_path: str
    docx_path: str
    analysis_version: int


class CodeTitle(msgspec.Struct, kw_only=True):
    code: str
    title: str


class HeaderOut(msgspec.Struct, kw_only=True):
    field: str
    title: str
    accepted: list[str]
    required: bool


class Vocabulary(msgspec.Struct, kw_only=True):
    exams: list[CodeTitle]
    analysis_statuses: list[CodeTitle]
    problem_kinds: list[CodeTitle]
    reasons: list[CodeTitle]
    action_kinds: list[CodeTitle]
    headers: list[HeaderOut]
    """The import's header set (Russian, with the accepted variants)."""
    threshold: float
    margin: float
    min_years: int
    analysis_years: int
    instance_kind: str
    districts: list[CodeTitle]
    today: date
