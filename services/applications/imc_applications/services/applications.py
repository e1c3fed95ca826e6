"""Use cases of an application: draft, submit, return, expert review, comments, withdrawal."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_applications.db.models import Application, ApplicationDocument, Comment, Site
from imc_applications.domain import checklist
from imc_applications.domain.documents import REQUIRED_DOCUMENTS, check_document, check_topic
from imc_applications.domain.lifecycle import LIVE_SITE_STATES, application_step
from imc_applications.services import audit
from imc_applications.services.audit import Actor
from imc_applications.services.registry_client import RegistryClient
from imc_contracts import (
    APPLICATION_RETURNED,
    APPLICATION_SUBMITTED,
    ApplicationReturned,
    ApplicationSubmitted,
    SubmittedDocument,
)
from imc_contracts.site_kinds import SITE_KINDS, rules_of
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

VISIBILITY = {"applicant": "заявителю", "staff": "сотрудникам ИМЦ", "council": "членам совета"}
AUDIENCES = {
    "applicant": ("applicant",),
    "staff": ("applicant", "staff", "council"),
    "council": ("applicant", "council"),
}


@dataclass(frozen=True)
class Upload:
    """One uploaded file."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class Draft:
    """What the applicant fills in; ``None`` keeps what the application already has."""

    topic: str | None = None
    applicant_email: str | None = None
    eligibility: dict[str, Any] | None = None
    uploads: dict[str, Upload] | None = None


def snapshot(application: Application) -> dict[str, Any]:
    """The fields an audit record compares."""
    return {
        "status": application.status,
        "topic": application.topic,
        "documents": sorted(doc.sha256 for doc in application.documents),
        "reviewer_id": application.reviewer_id,
        "review_recommendation": application.review_recommendation,
        "site_id": application.site_id,
    }


@asynccontextmanager
async def transition(
    session: AsyncSession, actor: Actor, application: Application, action: str, *, reason: str = ""
) -> AsyncIterator[None]:
    """Move ``application`` by ``action`` (409 if its state does not allow it), let the
    body make the changes that go with it, then write the audit record of the step."""
    before = snapshot(application)
    application.status = application_step(application.status, action)
    yield
    await session.flush()
    audit.record(
        session,
        actor,
        entity="application",
        entity_id=application.id,
        action=action,
        before=before,
        after=snapshot(application),
        reason=reason,
        application_id=application.id,
        site_id=application.site_id,
    )


async def step(
    session: AsyncSession, actor: Actor, application: Application, action: str, *, reason: str = ""
) -> None:
    """A transition that changes nothing but the state."""
    async with transition(session, actor, application, action, reason=reason):
        pass


def check_version(current: int, expected: int | None, what: str = "Заявка") -> None:
    """Refuse a change made on a stale copy (optimistic locking)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{what} изменена другим пользователем (версия {current}, у вас {expected}); "
            "обновите страницу и повторите действие",
            field="version",
            details={"current_version": current},
        )


async def load(
    session: AsyncSession, district: str, application_id: UUID, *, lock: bool = False
) -> Application:
    """One application of ``district`` or :class:`NotFound`."""
    application = await session.get(Application, application_id, with_for_update=lock)
    if application is None or application.district != district:
        raise NotFound("Заявка не найдена", field="application_id")
    return application


def _check_uploads(uploads: dict[str, Upload], max_bytes: int) -> dict[str, tuple[Upload, str]]:
    checked = {}
    for kind, upload in uploads.items():
        if kind not in REQUIRED_DOCUMENTS:
            raise InvalidInput(f"Неизвестный вид документа: {kind}", field=kind)
        if upload.content or upload.filename:
            checked[kind] = (
                upload,
                check_document(kind, upload.filename, upload.content, max_bytes),
            )
    return checked


def _store_documents(
    session: AsyncSession,
    application: Application,
    checked: dict[str, tuple[Upload, str]],
    store: FileStore,
) -> None:
    existing = {doc.kind: doc for doc in application.documents}
    for kind, (upload, content_type) in checked.items():
        key, digest = store.put(upload.content)
        document = existing.get(kind)
        if document is None:
            document = ApplicationDocument(application_id=application.id, kind=kind)
            session.add(document)
            application.documents.append(document)
        document.filename = upload.filename
        document.content_type = content_type
        document.size = len(upload.content)
        document.sha256 = digest
        document.storage_key = key


def _check_email(email: str) -> str:
    cleaned = email.strip()
    if cleaned and ("@" not in cleaned or " " in cleaned or len(cleaned) > 254):
        raise InvalidInput("Адрес электронной почты указан неверно", field="applicant_email")
    return cleaned


def completeness(application: Application) -> list[str]:
    """What the package of 000 §3.2 still lacks, in words."""
    present = {doc.kind for doc in application.documents}
    missing = [title for kind, title in REQUIRED_DOCUMENTS.items() if kind not in present]
    missing += [f"ответ на условие: {text}" for text in checklist.unanswered(application.checklist)]
    return missing


async def create_application(
    *,
    database: Database,
    outbox: Outbox,
    registry: RegistryClient,
    store: FileStore,
    district: str,
    actor: Actor,
    organisation_id: UUID,
    site_kind: str,
    draft: Draft,
    submit: bool,
    max_bytes: int,
) -> Application:
    """Start an application (a draft, or submitted at once when the package is complete)."""
    if site_kind not in SITE_KINDS:
        raise InvalidInput(
            "Неизвестный вид площадки; допустимо: " + ", ".join(SITE_KINDS), field="site_kind"
        )
    rules = rules_of(site_kind)
    topic = check_topic(draft.topic or "")
    email = _check_email(draft.applicant_email or "")
    answers = checklist.answer(checklist.blank(rules), draft.eligibility or {})
    checked = _check_uploads(draft.uploads or {}, max_bytes)
    organisation = await registry.organisation(organisation_id)
    async with database.transaction() as session:
        await _check_no_open_application(session, district, organisation.id, site_kind)
        application = Application(
            district=district,
            organisation_id=organisation.id,
            organisation_full_name=organisation.full_name,
            organisation_short_name=organisation.short_name,
            applicant_email=email or organisation.email,
            site_kind=site_kind,
            topic=topic,
            status="draft",
            checklist=answers,
            documents=[],
        )
        session.add(application)
        await session.flush()
        _store_documents(session, application, checked, store)
        audit.record(
            session,
            actor,
            entity="application",
            entity_id=application.id,
            action="create",
            before={},
            after=snapshot(application),
            application_id=application.id,
        )
        if submit:
            await _submit(session, outbox, application, actor)
    return await get_application(
        database=database, district=district, application_id=application.id
    )


async def _check_no_open_application(
    session: AsyncSession, district: str, organisation_id: UUID, site_kind: str
) -> None:
    live = await session.scalar(
        sa.select(Site.term_end).where(
            Site.district == district,
            Site.organisation_id == organisation_id,
            Site.kind == site_kind,
            Site.status.in_(LIVE_SITE_STATES),
        )
    )
    if live is not None:
        raise Conflict(
            f"Организация уже имеет этот статус до {live:%d.%m.%Y}; по окончании срока его "
            "можно продлить или подать новую заявку",
            field="organisation_id",
        )
    open_states = ("draft", "submitted", "returned", "under_review", "reviewed", "scheduled")
    clash = await session.scalar(
        sa.select(Application.id).where(
            Application.district == district,
            Application.organisation_id == organisation_id,
            Application.site_kind == site_kind,
            Application.status.in_(open_states),
        )
    )
    if clash is not None:
        raise Conflict(
            "У организации уже есть незавершённая заявка на этот статус", field="organisation_id"
        )


async def _submit(
    session: AsyncSession, outbox: Outbox, application: Application, actor: Actor
) -> None:
    missing = completeness(application)
    if missing:
        raise InvalidInput(
            "Пакет документов неполон (п. 3.2 Положения): не хватает — " + "; ".join(missing),
            field="documents",
            details={"missing": missing},
        )
    async with transition(session, actor, application, "submit"):
        application.submitted_at = datetime.now(UTC)
    await outbox.put(
        session,
        APPLICATION_SUBMITTED,
        ApplicationSubmitted(
            application_id=application.id,
            organisation_id=application.organisation_id,
            organisation_short_name=application.organisation_short_name,
            site_kind=application.site_kind,  # type: ignore[arg-type]
            topic=application.topic,
            documents=tuple(
                SubmittedDocument(
                    kind=doc.kind,  # type: ignore[arg-type]
                    filename=doc.filename,
                    content_type=doc.content_type,
                    size=doc.size,
                    sha256=doc.sha256,
                )
                for doc in application.documents
            ),
        ),
    )


async def edit_application(
    *,
    database: Database,
    store: FileStore,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
    draft: Draft,
    max_bytes: int,
) -> Application:
    """Change a draft or a returned application."""
    checked = _check_uploads(draft.uploads or {}, max_bytes)
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        async with transition(session, actor, application, "edit"):
            if draft.topic is not None:
                application.topic = check_topic(draft.topic)
            if draft.applicant_email is not None:
                application.applicant_email = _check_email(draft.applicant_email)
            if draft.eligibility is not None:
                application.checklist = checklist.answer(application.checklist, draft.eligibility)
            _store_documents(session, application, checked, store)
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def submit_application(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
) -> Application:
    """Submit a draft, or resubmit a returned application."""
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        application_step(application.status, "submit")
        await _submit(session, outbox, application, actor)
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def return_application(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
    comment: str,
    today: date,
) -> Application:
    """Return the application to the school for more information; the comment is theirs."""
    text = " ".join(comment.split())
    if len(text) < 10:
        raise InvalidInput("Укажите, что заявителю нужно дополнить или исправить", field="comment")
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        async with transition(session, actor, application, "return", reason=text):
            session.add(
                Comment(
                    application_id=application.id,
                    visibility="applicant",
                    author=actor.name,
                    text=text,
                )
            )
        await outbox.put(
            session,
            APPLICATION_RETURNED,
            ApplicationReturned(
                application_id=application.id,
                organisation_id=application.organisation_id,
                organisation_short_name=application.organisation_short_name,
                site_kind=application.site_kind,  # type: ignore[arg-type]
                topic=application.topic,
                comment=text,
                returned_on=today,
            ),
        )
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def start_review(
    *,
    database: Database,
    registry: RegistryClient,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
    reviewer_id: UUID,
) -> Application:
    """Hand the application to the curating methodist for the expert review."""
    reviewer = await registry.person(reviewer_id, field="reviewer_id")
    if reviewer.staff_group != "imc_methodist":
        raise InvalidInput(
            f"{reviewer.full_name} не является методистом ИМЦ; экспертизу проводит "
            "курирующий методист",
            field="reviewer_id",
        )
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        async with transition(session, actor, application, "start_review"):
            application.reviewer_id = reviewer.id
            application.reviewer_name = reviewer.full_name
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def conclude_review(
    *,
    database: Database,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
    conclusion: str,
    recommendation: str,
    confirmed: dict[str, bool],
) -> Application:
    """Record the methodist's written conclusion; the application is ready for the council."""
    text = conclusion.strip()
    if len(text) < 20:
        raise InvalidInput(
            "Напишите экспертное заключение (не короче 20 символов)", field="conclusion"
        )
    if recommendation not in ("assign", "refuse"):
        raise InvalidInput(
            "Рекомендация: присвоить статус (assign) или отказать (refuse)",
            field="recommendation",
        )
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        async with transition(session, actor, application, "conclude_review", reason=text):
            application.review_conclusion = text
            application.review_recommendation = recommendation
            application.checklist = checklist.confirm(application.checklist, confirmed)
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def withdraw_application(
    *,
    database: Database,
    district: str,
    actor: Actor,
    application_id: UUID,
    version: int | None,
    reason: str,
) -> Application:
    """The applicant withdraws the application."""
    async with database.transaction() as session:
        application = await load(session, district, application_id, lock=True)
        check_version(application.version, version)
        await step(session, actor, application, "withdraw", reason=reason.strip())
    return await get_application(
        database=database, district=district, application_id=application_id
    )


async def add_comment(
    *,
    database: Database,
    district: str,
    actor: Actor,
    application_id: UUID,
    text: str,
    visibility: str,
) -> Comment:
    """Comment on an application for the applicant, the staff or the council."""
    if visibility not in VISIBILITY:
        raise InvalidInput(
            "Видимость комментария: applicant, staff или council", field="visibility"
        )
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("Комментарий пуст", field="text")
    async with database.transaction() as session:
        application = await load(session, district, application_id)
        comment = Comment(
            application_id=application.id, visibility=visibility, author=actor.name, text=cleaned
        )
        session.add(comment)
    return comment


async def list_comments(
    *, database: Database, district: str, application_id: UUID, audience: str
) -> list[Comment]:
    """The comments ``audience`` may read."""
    if audience not in AUDIENCES:
        raise InvalidInput("Аудитория: applicant, staff или council", field="audience")
    async with database.sessions() as session:
        await load(session, district, application_id)
        rows = await session.scalars(
            sa.select(Comment)
            .where(
                Comment.application_id == application_id,
                Comment.visibility.in_(AUDIENCES[audience]),
            )
            .order_by(Comment.created_at)
        )
        return list(rows.all())


async def get_application(
    *, database: Database, district: str, application_id: UUID
) -> Application:
    """One application of ``district`` with its documents and decision."""
    async with database.sessions() as session:
        return await load(session, district, application_id)


def document_of(application: Application, kind: str) -> ApplicationDocument:
    """The stored document of the package of one kind (``statement``,
    ``information_note``, ``work_plan``) or :class:`NotFound`."""
    for document in application.documents:
        if document.kind == kind:
            return document
    title = REQUIRED_DOCUMENTS.get(kind)
    raise NotFound(
        f"В заявке нет документа: {title}" if title else f"Неизвестный вид документа «{kind}»",
        field="document_kind",
    )


async def list_applications(
    *,
    database: Database,
    district: str,
    status: str | None = None,
    organisation_id: UUID | None = None,
) -> list[Application]:
    """Applications of ``district`` (of one organisation when given), newest first."""
    statement = sa.select(Application).where(Application.district == district)
    if status:
        statement = statement.where(Application.status == status)
    if organisation_id is not None:
        statement = statement.where(Application.organisation_id == organisation_id)
    async with database.sessions() as session:
        rows = await session.scalars(statement.order_by(Application.created_at.desc()))
        return list(rows.all())
