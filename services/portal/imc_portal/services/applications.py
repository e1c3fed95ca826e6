"""Applications for a site status on the portal: the list, the wizard, one application.

The applications service keeps the applications and decides everything; the registry
publishes the catalogue of site kinds (``GET /site-kinds``), the organisations and the
people. This module reads them for the pages, turns what the forms send into the
service's calls and the service's refusals into messages next to the fields.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from imc_portal.clients import (
    BackendClient,
    BackendError,
    BackendNotFoundError,
    BackendRefusedError,
    Download,
)
from imc_portal.services.sessions import Visitor
from imc_shared.auth import COUNCIL, STAFF, Role

APPLICANT_ROLES = frozenset({*STAFF, Role.SCHOOL_REPRESENTATIVE})
"""Who prepares, submits and withdraws an application (the service's APPLICANTS)."""
COMMENT_ROLES = frozenset({*STAFF, *COUNCIL, Role.SCHOOL_REPRESENTATIVE})
"""Who reads and writes comments (everyone of the district but teachers)."""
DOCUMENT_ROLES = frozenset({*STAFF, *COUNCIL, Role.SCHOOL_REPRESENTATIVE})
"""Who downloads the documents of a package (the service's DOCUMENT_READERS; a school's
account: its own organisation's applications only, as the service decides)."""
DOCUMENT_MISSING = "Документ заявки не найден"

STATUS_TITLES: dict[str, str] = {
    "draft": "черновик",
    "submitted": "подана",
    "returned": "возвращена на доработку",
    "under_review": "на экспертизе",
    "reviewed": "экспертиза завершена",
    "scheduled": "включена в повестку заседания методического совета",
    "approved": "принято решение о присвоении статуса",
    "refused": "отказано в присвоении статуса",
    "ordered": "статус присвоен приказом",
    "withdrawn": "отозвана заявителем",
}
"""The statuses the filter offers, in the service's words and order."""
ACTION_TITLES: dict[str, str] = {
    "create": "заявка создана",
    "edit": "заявка изменена",
    "submit": "заявка подана",
    "return": "возвращена на доработку",
    "start_review": "передана на экспертизу",
    "conclude_review": "экспертиза завершена",
    "schedule": "включена в повестку заседания",
    "unschedule": "исключена из повестки",
    "approve": "принято решение о присвоении статуса",
    "refuse": "отказано в присвоении статуса",
    "issue_order": "издан приказ",
    "withdraw": "отозвана заявителем",
}
DOCUMENTS: dict[str, str] = {
    "statement": "Заявление с указанием темы",
    "information_note": "Информационная справка о результатах работы по выбранной теме",
    "work_plan": "План работы площадки",
}
"""The package of 000 §3.2, in the order of the regulation."""
DOCUMENT_FORMATS = ".pdf,.docx,.doc,.odt"
VISIBILITY_TITLES: dict[str, str] = {
    "applicant": "заявителю и всем участникам",
    "staff": "только сотрудникам ИМЦ",
    "council": "членам методического совета и заявителю",
}
WRITABLE_VISIBILITY: dict[Role, tuple[str, ...]] = {
    Role.SCHOOL_REPRESENTATIVE: ("applicant",),
    Role.COUNCIL_SECRETARY: ("council", "applicant"),
    Role.COUNCIL_MEMBER: ("council", "applicant"),
}
"""For whom a role may write; staff write for any audience."""
READ_AUDIENCE: dict[Role, str] = {
    Role.SCHOOL_REPRESENTATIVE: "applicant",
    Role.COUNCIL_SECRETARY: "council",
    Role.COUNCIL_MEMBER: "council",
}
RECOMMENDATIONS = {"assign": "присвоить статус", "refuse": "отказать в присвоении статуса"}
STALE = "Заявку уже изменили, обновите страницу: на ней будут последние сведения."
NOTICES = {
    "created": "Черновик заявки сохранён.",
    "saved": "Изменения сохранены.",
    "submitted": "Заявка подана. ИМЦ рассмотрит её и сообщит о решении.",
    "commented": "Комментарий добавлен.",
    "returned": "Заявка возвращена заявителю на доработку.",
    "review": "Заявка передана на экспертизу.",
    "concluded": "Экспертное заключение записано.",
    "withdrawn": "Заявка отозвана.",
}
STEPS = (
    ("kind", "Вид площадки"),
    ("topic", "Тема"),
    ("documents", "Документы"),
    ("conditions", "Условия"),
    ("check", "Проверка и подача"),
)


class ChecklistItem(msgspec.Struct, kw_only=True):
    """One eligibility condition with the applicant's answer and the reviewer's mark."""

    code: str
    text: str
    citation: str = ""
    applicant_met: bool | None = None
    applicant_note: str = ""
    reviewer_confirmed: bool | None = None


class StoredDocument(msgspec.Struct, kw_only=True):
    """A document of the package as the service keeps it."""

    kind: str
    filename: str
    content_type: str = ""
    size: int = 0


class DecisionOut(msgspec.Struct, kw_only=True):
    """The council's decision on the application."""

    outcome: str
    decided_on: date
    council_protocol: str = ""
    reason: str | None = None
    term_start: date | None = None
    term_end: date | None = None


class ApplicationCard(msgspec.Struct, kw_only=True):
    """An application as the applications service returns it."""

    id: UUID
    version: int
    organisation_id: UUID
    organisation_short_name: str
    applicant_email: str = ""
    site_kind: str
    site_kind_title: str
    topic: str
    status: str
    status_title: str
    allowed_actions: list[str] = msgspec.field(default_factory=list)
    checklist: list[ChecklistItem] = msgspec.field(default_factory=list)
    reviewer_name: str | None = None
    review_conclusion: str | None = None
    review_recommendation: str | None = None
    created_at: datetime
    submitted_at: datetime | None = None
    documents: list[StoredDocument] = msgspec.field(default_factory=list)
    decision: DecisionOut | None = None

    @property
    def editable(self) -> bool:
        return "edit" in self.allowed_actions

    def document(self, kind: str) -> StoredDocument | None:
        return next((doc for doc in self.documents if doc.kind == kind), None)

    @property
    def missing(self) -> list[str]:
        """What the package still lacks (the service's completeness rule of 000 §3.2)."""
        present = {doc.kind for doc in self.documents}
        items = [f"документ: {title}" for kind, title in DOCUMENTS.items() if kind not in present]
        items += [
            f"ответ на условие: {item.text}"
            for item in self.checklist
            if item.applicant_met is None
        ]
        return items


class Comment(msgspec.Struct, kw_only=True):
    """A comment on an application."""

    id: UUID
    visibility: str
    author: str
    text: str
    created_at: datetime


class AuditEntry(msgspec.Struct, kw_only=True):
    """One step of the application's history (the service's audit trail)."""

    at: datetime
    actor_name: str
    action: str
    before: dict[str, Any] = msgspec.field(default_factory=dict)
    after: dict[str, Any] = msgspec.field(default_factory=dict)
    reason: str = ""


class Term(msgspec.Struct, kw_only=True):
    min_months: int
    max_months: int
    citation: str = ""


class Leadership(msgspec.Struct, kw_only=True):
    rule_title: str = ""
    citation: str = ""
    co_leader_required: bool = False


class Condition(msgspec.Struct, kw_only=True):
    code: str
    text: str
    citation: str = ""


class SiteKind(msgspec.Struct, kw_only=True):
    """A kind of site and what its regulation requires (the registry's ``/site-kinds``)."""

    code: str
    title: str
    regulation: str
    level_title: str = ""
    decided_by: str = ""
    term: Term
    leader: Leadership
    eligibility: list[Condition] = msgspec.field(default_factory=list)
    notes: str = ""


class Organisation(msgspec.Struct, kw_only=True):
    """An organisation of the district (the registry)."""

    id: UUID
    short_name: str
    full_name: str = ""


class PersonCard(msgspec.Struct, kw_only=True):
    """A person's public card (the registry)."""

    id: UUID
    full_name: str
    position: str = ""
    staff_group: str = ""


@dataclass
class FormState:
    """What a form showed or was sent, and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 200

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)


def form_values(form: Mapping[str, Any]) -> dict[str, str]:
    """The text fields of a submitted form (files and the CSRF token left out)."""
    return {
        key: value.strip() if isinstance(value, str) else ""
        for key, value in form.items()
        if isinstance(value, str) and key != "csrf_token"
    }


def refusal(error: BackendRefusedError, fields: set[str]) -> FormState:
    """The service's refusal placed next to its field, or at the top of the form."""
    if error.status_code == 409 and error.field == "version":
        return FormState(errors={"form": STALE}, status_code=409)
    message = error.message
    if error.status_code == 403:
        message = f"Действие недоступно: {message}"
    key = error.field if error.field in fields else "form"
    return FormState(errors={key: message}, status_code=error.status_code)


def can_apply(visitor: Visitor) -> bool:
    """Whether the person may prepare an application."""
    return visitor.role in APPLICANT_ROLES


def is_staff(visitor: Visitor) -> bool:
    return visitor.role in STAFF


def version_of(values: Mapping[str, str]) -> int | None:
    raw = values.get("version", "")
    return int(raw) if raw.isdigit() else None


# --- reads -----------------------------------------------------------------------------


async def list_applications(
    applications: BackendClient, *, status: str | None
) -> list[ApplicationCard]:
    """Applications the person may see (a school's account: its own organisation's)."""
    params = {"status": status} if status else None
    return await applications.get_json("/applications", list[ApplicationCard], params)


async def get_application(applications: BackendClient, application_id: UUID) -> ApplicationCard:
    """One application; the service's 403/404 come back as refusals with its message."""
    return await applications.send("GET", f"/applications/{application_id}", ApplicationCard)


async def document_file(applications: BackendClient, application_id: UUID, kind: str) -> Download:
    """One document of the package, streamed from the applications service with the
    visitor's token. The application is read first, so that a refusal (another school's
    application) comes with the service's own reason rather than as a failed download."""
    application = await get_application(applications, application_id)
    if application.document(kind) is None:
        raise BackendNotFoundError(DOCUMENT_MISSING)
    return await applications.download(
        f"/applications/{application_id}/documents/{kind}", missing=DOCUMENT_MISSING
    )


async def site_kinds(registry: BackendClient) -> list[SiteKind]:
    return await registry.get_json("/site-kinds", list[SiteKind])


def kind_of(kinds: list[SiteKind], code: str) -> SiteKind | None:
    return next((kind for kind in kinds if kind.code == code), None)


async def organisations(registry: BackendClient) -> list[Organisation]:
    rows = await registry.get_json("/organisations", list[Organisation])
    return sorted(rows, key=lambda row: row.short_name)


async def organisation_name(registry: BackendClient, organisation_id: UUID) -> str:
    row = await registry.get_json(
        f"/organisations/{organisation_id}", Organisation, missing="Организация не найдена."
    )
    return row.short_name


async def methodists(registry: BackendClient) -> list[PersonCard]:
    """The IMC's methodists: who may carry out the expert review."""
    return await registry.get_json("/people", list[PersonCard], {"staff_group": "imc_methodist"})


async def comments(
    applications: BackendClient, visitor: Visitor, application_id: UUID
) -> list[Comment]:
    audience = READ_AUDIENCE.get(visitor.role, "staff")
    return await applications.get_json(
        f"/applications/{application_id}/comments", list[Comment], {"audience": audience}
    )


@dataclass
class HistoryLine:
    at: datetime
    title: str
    actor: str = ""
    reason: str = ""


async def history(
    applications: BackendClient, visitor: Visitor, application: ApplicationCard
) -> tuple[list[HistoryLine], str | None]:
    """The steps of the application: the audit trail for staff, the dates for others
    (the service shows its audit trail to the IMC's staff only)."""
    if is_staff(visitor):
        try:
            entries = await applications.get_json(
                "/audit", list[AuditEntry], {"application_id": str(application.id)}
            )
        except BackendError as error:
            return [], error.message
        lines = [
            HistoryLine(
                at=entry.at,
                title=ACTION_TITLES.get(entry.action, entry.action),
                actor=entry.actor_name,
                reason=entry.reason,
            )
            for entry in sorted(entries, key=lambda entry: entry.at)
        ]
        return lines, None
    lines = [HistoryLine(at=application.created_at, title="заявка создана")]
    if application.submitted_at:
        lines.append(HistoryLine(at=application.submitted_at, title="заявка подана"))
    return lines, None


# --- changes ---------------------------------------------------------------------------


def multipart(
    data: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]] | None = None
) -> list[tuple[str, Any]]:
    """A ``multipart/form-data`` body for httpx: the service takes its forms only so,
    text fields included (a part without a file name is a plain field)."""
    parts: list[tuple[str, Any]] = [(name, (None, value)) for name, value in data.items()]
    parts += [(name, upload) for name, upload in (files or {}).items()]
    return parts


async def create_draft(
    applications: BackendClient,
    *,
    organisation_id: UUID,
    site_kind: str,
    topic: str,
    applicant_email: str,
) -> ApplicationCard:
    data = {
        "organisation_id": str(organisation_id),
        "site_kind": site_kind,
        "topic": topic,
        "applicant_email": applicant_email,
        "submit": "false",
    }
    return await applications.send("POST", "/applications", ApplicationCard, files=multipart(data))


async def edit(
    applications: BackendClient,
    application_id: UUID,
    *,
    version: int | None,
    data: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> ApplicationCard:
    payload = dict(data)
    if version is not None:
        payload["version"] = str(version)
    return await applications.send(
        "PATCH",
        f"/applications/{application_id}",
        ApplicationCard,
        files=multipart(payload, files),
    )


def eligibility_answers(
    values: Mapping[str, str], conditions: list[ChecklistItem]
) -> tuple[str, dict[str, str]]:
    """The JSON the service takes for the answers, and the conditions left unanswered
    that the person had answered before (the service keeps an answer once given)."""
    answers: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for item in conditions:
        met = values.get(f"met_{item.code}", "")
        note = values.get(f"note_{item.code}", "")
        if met in ("yes", "no"):
            answers[item.code] = {"met": met == "yes", "note": note}
        elif item.applicant_met is not None:
            errors[f"eligibility.{item.code}"] = "Ответ на условие уже дан: выберите «да» или «нет»"
    return json.dumps(answers, ensure_ascii=False), errors


async def submit(
    applications: BackendClient, application_id: UUID, version: int | None
) -> ApplicationCard:
    return await applications.send(
        "POST",
        f"/applications/{application_id}/submit",
        ApplicationCard,
        json={"version": version},
    )


async def act(
    applications: BackendClient, application_id: UUID, action: str, body: dict[str, Any]
) -> ApplicationCard:
    """A staff's or the applicant's step: return, review, conclusion, withdraw."""
    return await applications.send(
        "POST", f"/applications/{application_id}/{action}", ApplicationCard, json=body
    )


async def add_comment(
    applications: BackendClient, application_id: UUID, *, text: str, visibility: str
) -> None:
    await applications.send(
        "POST",
        f"/applications/{application_id}/comments",
        Comment,
        json={"text": text, "visibility": visibility},
    )


def writable_visibility(visitor: Visitor) -> tuple[str, ...]:
    return WRITABLE_VISIBILITY.get(visitor.role, ("applicant", "staff", "council"))
