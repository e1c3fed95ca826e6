"""The analytics area's common ground («Анализ результатов ГИА»): who sees which part, the
notices after a change, the query of an analysis, the bodies of the forms, and the
import of a results file (the service's dry run, then the same bytes kept by the portal).

The IMC's staff see everything (the analysis, the schools for targeted help, saved
analyses); a school representative sees only its own school beside the district's mean.
No page lines schools up against each other: schools are listed by name only.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from imc_portal.api.analytics_schemas import (
    AnalysisSummary,
    AnalyticsVocabulary,
    Available,
    ImportRecord,
    ResultsImport,
)
from imc_portal.clients import AnalyticsClient
from imc_portal.services.growth import FormState, parse_date, parse_uuid, version_of
from imc_portal.services.imports import SUFFIXES, UploadStore, uploads_dir
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_shared.auth import STAFF, Role

SCHOOL_VIEW_ROLES = frozenset(STAFF | {Role.SCHOOL_REPRESENTATIVE})
APPROVER_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.CENTRE_COORDINATOR})
"""Who approves an analysis (the head of the IMC, the centre's coordinator)."""
IMPORT_PATH = "/results/import"
EXAMS = (("oge", "ОГЭ"), ("ege", "ЕГЭ"))

ANALYSIS_FIELDS = frozenset({"title", "conclusions", "recommendations"})
CREATE_FIELDS = frozenset({"exam", "subject", "years", "district", "title"})
PROBLEM_FIELDS = frozenset({"title", "causes", "recommendations"})
EVENT_FIELDS = frozenset(
    {"starts_on", "starts_time", "hours", "venue", "online_url", "title", "starts_at", "ends_at"}
)
DEFICIT_FIELDS = frozenset({"person_id", "competency_code", "note"})

NOTICES = {
    "created": "Анализ сохранён как черновик: допишите причины проблем и рекомендации.",
    "saved": "Выводы и рекомендации сохранены.",
    "problem-added": "Проблема добавлена в анализ.",
    "problem-saved": "Причины и рекомендации по проблеме сохранены.",
    "recounted": "Анализ пересчитан по загруженным результатам.",
    "approved": "Анализ утверждён.",
    "reopened": "Анализ возвращён в черновик.",
    "exported": "Информационная справка сформирована: её можно скачать в формате DOCX или PDF.",
    "event-planned": "Семинар по проблеме внесён в план мероприятий ИМЦ.",
    "event-exists": "Семинар по этой проблеме уже был запланирован: повторно не создан.",
    "deficit-recorded": "Профессиональный дефицит педагога записан.",
    "deficit-exists": "Этот дефицит по проблеме уже был записан: повторно не создан.",
}
"""What a page says after a change (``?notice=...``): fixed texts, nothing from the URL."""

NOT_ORGANISATION = (
    "Учётная запись не связана с образовательной организацией: результаты ГИА не показаны. "
    "Обратитесь к администратору ИМЦ."
)

STAFF_TABS = (
    ("/analytics", "overview", "Обзор"),
    ("/analytics/analyses", "analyses", "Сохранённые анализы"),
    ("/analytics/import", "import", "Загрузка результатов"),
)
SCHOOL_TABS = (("/analytics/school", "school", "Результаты организации"),)


def is_staff(visitor: Visitor) -> bool:
    return visitor.role in STAFF


def tabs(visitor: Visitor) -> tuple[tuple[str, str, str], ...]:
    """The parts of the area the visitor may open: (address, key, title)."""
    if visitor.role in STAFF:
        return STAFF_TABS
    if visitor.role is Role.SCHOOL_REPRESENTATIVE:
        return SCHOOL_TABS
    return ()


def years_param(text: str) -> str:
    """Years as typed («2024, 2025 2026») as the service takes them: «2024,2025,2026»."""
    parts = text.replace(";", ",").replace(" ", ",").split(",")
    return ",".join(p.strip() for p in parts if p.strip())


def query_of(
    exam: str | None, subject: str | None, years: str | None, district: str | None = None
) -> dict[str, str]:
    """The query of an analysis as the page's filters carry it."""
    return {
        "exam": (exam or "").strip()[:10],
        "subject": (subject or "").strip()[:100],
        "years": years_param(years or "")[:60],
        "district": (district or "").strip()[:60],
    }


def check_query(query: dict[str, str]) -> dict[str, str]:
    """What is wrong with the query (field → message) before the service is asked."""
    errors: dict[str, str] = {}
    if query["exam"] not in {code for code, _ in EXAMS}:
        errors["exam"] = "Выберите экзамен: ОГЭ или ЕГЭ."
    if not query["subject"]:
        errors["subject"] = "Укажите предмет, например «Математика»."
    for part in query["years"].split(",") if query["years"] else []:
        if not (part.isdigit() and len(part) == 4):
            errors["years"] = (
                f"Год «{part}» указан неверно: укажите годы через запятую, "
                "например 2024, 2025, 2026."
            )
            break
    return errors


@dataclass
class Overview:
    """The staff's start page of the area."""

    vocabulary: AnalyticsVocabulary
    available: list[Available]
    analyses: list[AnalysisSummary]
    imports: list[ImportRecord] = field(default_factory=list)


def reason_titles(vocabulary: AnalyticsVocabulary) -> dict[str, str]:
    return {r.code: r.title for r in vocabulary.reasons}


def analysis_patch(state: FormState) -> dict[str, Any]:
    """The body of the analysis's texts form (with the version it was read at)."""
    body: dict[str, Any] = {
        "title": state.value("title"),
        "conclusions": state.value("conclusions"),
        "recommendations": state.value("recommendations"),
    }
    version = version_of(state)
    if version is not None:
        body["version"] = version
    return body


def problem_patch(state: FormState) -> dict[str, Any]:
    """The body of a problem's causes and recommendations form."""
    body: dict[str, Any] = {
        "causes": state.value("causes"),
        "recommendations": state.value("recommendations"),
    }
    version = version_of(state)
    if version is not None:
        body["version"] = version
    return body


def problem_body(state: FormState) -> dict[str, Any]:
    """A problem a methodist names."""
    if not state.value("title"):
        state.errors["title"] = "Сформулируйте проблему."
    return {
        "title": state.value("title"),
        "causes": state.value("causes"),
        "recommendations": state.value("recommendations"),
    }


def event_body(state: FormState) -> dict[str, Any]:
    """«Провести семинар»: the day and time (the district's local time), hours, place."""
    day = None
    text = state.value("starts_on")
    if not text:
        state.errors["starts_on"] = "Укажите дату семинара."
    else:
        day = parse_date(text)
        if day is None:
            state.errors["starts_on"] = (
                f"Неверная дата «{text}». Укажите дату в виде ДД.ММ.ГГГГ, например 17.03.2027."
            )
    time_text = state.value("starts_time") or "15:00"
    try:
        moment = datetime.strptime(time_text, "%H:%M").time()
    except ValueError:
        state.errors["starts_time"] = f"Неверное время «{time_text}»: укажите, например, 15:00."
        moment = None
    hours_text = state.value("hours") or "2"
    if not hours_text.isdigit() or not 0 < int(hours_text) <= 40:
        state.errors["hours"] = "Укажите число часов от 1 до 40."
    body: dict[str, Any] = {
        "venue": state.value("venue"),
        "online_url": state.value("online_url"),
        "title": state.value("title"),
        "hours": int(hours_text) if hours_text.isdigit() else 2,
        "audience_low_results": state.value("audience_low_results") == "1",
    }
    if day is not None and moment is not None:
        body["starts_at"] = datetime.combine(day, moment).isoformat()
    return body


def deficit_body(state: FormState) -> dict[str, Any]:
    """«Записать дефицит»: which teacher, which competency."""
    person = parse_uuid(state.value("person_id"))
    if person is None:
        state.errors["person_id"] = "Выберите педагога."
    if not state.value("competency_code"):
        state.errors["competency_code"] = "Выберите компетенцию."
    body: dict[str, Any] = {
        "person_id": str(person) if person else "",
        "competency_code": state.value("competency_code"),
    }
    if state.value("note"):
        body["note"] = state.value("note")
    return body


# --- import ---------------------------------------------------------------------------


def upload_store(settings: PortalSettings, clock: Any) -> UploadStore:
    """Results files kept between the check and the import (a folder of their own)."""
    return UploadStore(uploads_dir(settings) / "analytics", clock)


async def send_results(
    analytics: AnalyticsClient, filename: str, content: bytes, *, dry_run: bool
) -> ResultsImport:
    """The service's report on the file; it imports only when ``dry_run`` is false.

    A refusal (a file it cannot read, an unclean file at the real import) is
    :class:`~imc_portal.clients.BackendRefusedError` with the service's message.
    """
    media_type = SUFFIXES.get(Path(filename).suffix.lower(), "application/octet-stream")
    return await analytics.send(
        "POST",
        IMPORT_PATH,
        ResultsImport,
        files={"file": (filename, content, media_type)},
        params={"dry_run": "true" if dry_run else "false"},
    )


def document_links(document_id: UUID) -> dict[str, str]:
    """The note's files through the portal's document download route."""
    return {
        "docx": f"/documents/{document_id}/file.docx",
        "pdf": f"/documents/{document_id}/file.pdf",
    }


def bar_width(value: float | None) -> float:
    """A percent as a bar's width (0 to 100)."""
    if value is None:
        return 0.0
    return max(0.0, min(100.0, round(float(value), 1)))


def signed(value: float | None) -> str:
    """A difference in percentage points as Russians write it: «+3,5 п. п.», «−2 п. п.»."""
    if value is None:
        return "—"
    rounded = round(float(value), 1)
    text = (f"{abs(rounded):.1f}").replace(".", ",").removesuffix(",0")
    if rounded > 0:
        return f"+{text} п. п."
    if rounded < 0:
        return f"−{text} п. п."
    return "0 п. п."
