"""Use cases: documents rendered on request (certificates, internship statements, letters
of thanks), their verification numbers and their revocation.

A request names a template and gives its data. The document is made once per
(source key, template version): the source key is the caller's (e.g. «event:…:person:…»)
or, when absent, the checksum of the data, and the template version is the checksum of
the template file. Rendering and PDF conversion run outside any database transaction;
only the final insert is one short transaction (a concurrent twin loses on the unique
constraint and the winner is returned).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError

from imc_documents.db.models import Document
from imc_documents.domain.awards import (
    CERTIFICATE_TEMPLATE,
    STATEMENT_TEMPLATE,
    THANKS_TEMPLATE,
    CertificateData,
    StatementData,
    ThanksData,
    certificate_context,
    new_verification_number,
    normalise_number,
    statement_context,
    thanks_context,
)
from imc_documents.domain.common import NO_ORGANISATION, Letterhead, clip
from imc_documents.domain.orders import (
    LEADERS_TEMPLATE,
    REGULATION_TEMPLATE,
    LeadersOrderData,
    RegulationOrderData,
    leaders_order_context,
    regulation_order_context,
)
from imc_documents.domain.plans import (
    NOTE_TEMPLATE,
    REPORT_TEMPLATE,
    ROAD_MAP_TEMPLATE,
    WORK_PLAN_TEMPLATE,
    AnnualReportData,
    InformationNoteData,
    RoadMapData,
    WorkPlanData,
    note_context,
    report_context,
    road_map_context,
    work_plan_context,
)
from imc_documents.domain.transcripts import (
    TRANSCRIPT_TEMPLATE,
    TranscriptData,
    transcript_context,
)
from imc_documents.rendering.docx import TemplateError, render_docx
from imc_documents.rendering.pdf import PdfConversionError
from imc_documents.rendering.qr import qr_image
from imc_documents.services.generation import Converter
from imc_documents.services.library import TemplateLibrary
from imc_documents.templates import TEMPLATES_DIR
from imc_shared.db import Database
from imc_shared.errors import DomainError, InvalidInput, NotFound
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)

_NAMESPACE = uuid.UUID("6c1f0f4e-2b7a-5d39-9a51-1d0c8a3e7b21")


class ConversionFailed(DomainError):
    """LibreOffice could not make the PDF (a bulk job retries the item)."""

    status_code = 503
    code = "conversion_failed"


@dataclass(frozen=True)
class PaperTemplate:
    """A template that can be rendered on request."""

    name: str
    file: str
    title: str
    """Russian name of the document type."""
    data_type: type[msgspec.Struct]
    context: Callable[[Any, Letterhead, str, str], dict[str, Any]]
    """(data, letterhead, number, verify_url) → template variables."""
    person: Callable[[Any], str]
    verifiable: bool
    """Carries a QR code and is checked on the public verification page."""
    number_of: Callable[[Any], str] | None = None
    """The document's own number (an order's, from the orders journal); a short
    verification number is made when ``None``."""
    check: Callable[[Any], object] | None = None
    """Rules beyond the data's types (e.g. table rows of one width), checked on parse."""


_NO_LETTERHEAD: Letterhead = Letterhead(authority="")
"""For checking data only: the rules of a context do not depend on the letterhead."""

PAPERS: dict[str, PaperTemplate] = {
    "certificate": PaperTemplate(
        name="certificate",
        file=CERTIFICATE_TEMPLATE,
        title="Сертификат участника",
        data_type=CertificateData,
        context=lambda d, lh, n, url: certificate_context(d, lh, number=n, verify_url=url),
        person=lambda d: d.participant_name,
        verifiable=True,
    ),
    "internship_statement": PaperTemplate(
        name="internship_statement",
        file=STATEMENT_TEMPLATE,
        title="Справка о прохождении стажировки",
        data_type=StatementData,
        context=lambda d, lh, n, url: statement_context(d, lh, number=n, verify_url=url),
        person=lambda d: d.participant_name,
        verifiable=True,
    ),
    "letter_of_thanks": PaperTemplate(
        name="letter_of_thanks",
        file=THANKS_TEMPLATE,
        title="Благодарственное письмо",
        data_type=ThanksData,
        context=lambda d, lh, n, _url: thanks_context(d, lh, number=n),
        person=lambda d: d.recipient_name,
        verifiable=False,
    ),
    "order_regulation": PaperTemplate(
        name="order_regulation",
        file=REGULATION_TEMPLATE,
        title="Приказ об утверждении положения",
        data_type=RegulationOrderData,
        context=lambda d, lh, _n, _url: regulation_order_context(d, lh),
        person=lambda d: d.regulation_title,
        verifiable=False,
        number_of=lambda d: d.order_number,
    ),
    "order_site_leaders": PaperTemplate(
        name="order_site_leaders",
        file=LEADERS_TEMPLATE,
        title="Приказ о назначении руководителей методических площадок",
        data_type=LeadersOrderData,
        context=lambda d, lh, _n, _url: leaders_order_context(d, lh),
        person=lambda d: "; ".join(s.site for s in d.sites),
        verifiable=False,
        number_of=lambda d: d.order_number,
    ),
    "road_map": PaperTemplate(
        name="road_map",
        file=ROAD_MAP_TEMPLATE,
        title="Дорожная карта методической площадки",
        data_type=RoadMapData,
        context=lambda d, lh, _n, _url: road_map_context(d, lh),
        person=lambda d: d.site,
        verifiable=False,
        number_of=lambda d: d.number.strip(),
        check=lambda d: road_map_context(d, _NO_LETTERHEAD),
    ),
    "work_plan": PaperTemplate(
        name="work_plan",
        file=WORK_PLAN_TEMPLATE,
        title="План работы на учебный год",
        data_type=WorkPlanData,
        context=lambda d, lh, _n, _url: work_plan_context(d, lh),
        person=lambda d: d.subject.strip() or d.period,
        verifiable=False,
        number_of=lambda d: d.number.strip(),
        check=lambda d: work_plan_context(d, _NO_LETTERHEAD),
    ),
    "information_note": PaperTemplate(
        name="information_note",
        file=NOTE_TEMPLATE,
        title="Информационная справка",
        data_type=InformationNoteData,
        context=lambda d, lh, _n, _url: note_context(d, lh),
        person=lambda d: d.title,
        verifiable=False,
        number_of=lambda d: d.number.strip(),
        check=lambda d: note_context(d, _NO_LETTERHEAD),
    ),
    "annual_report": PaperTemplate(
        name="annual_report",
        file=REPORT_TEMPLATE,
        title="Анализ работы за учебный год",
        data_type=AnnualReportData,
        context=lambda d, lh, _n, _url: report_context(d, lh),
        person=lambda d: d.subject.strip() or d.period,
        verifiable=False,
        number_of=lambda d: d.number.strip(),
        check=lambda d: report_context(d, _NO_LETTERHEAD),
    ),
    "teacher_transcript": PaperTemplate(
        name="teacher_transcript",
        file=TRANSCRIPT_TEMPLATE,
        title="Справка о профессиональном развитии педагогического работника",
        data_type=TranscriptData,
        context=lambda d, lh, n, url: transcript_context(d, lh, number=n, verify_url=url),
        person=lambda d: d.teacher_name,
        verifiable=True,
        check=lambda d: transcript_context(d, _NO_LETTERHEAD, number="", verify_url=""),
    ),
}

FIELD_TITLES = {
    "participant_name": "ФИО участника",
    "participant_position": "должность участника",
    "participant_organisation": "организация участника",
    "event_title": "название мероприятия",
    "event_form": "форма мероприятия",
    "event_date": "дата мероприятия",
    "event_end_date": "дата окончания мероприятия",
    "hours": "объём в часах",
    "issued_on": "дата выдачи",
    "site_name": "площадка стажировки",
    "program_title": "программа стажировки",
    "start_date": "дата начала стажировки",
    "end_date": "дата окончания стажировки",
    "recipient_name": "ФИО получателя",
    "recipient_position": "должность получателя",
    "recipient_organisation": "организация получателя",
    "addressee": "обращение",
    "reason": "за что благодарность",
    "order_number": "номер приказа (из журнала приказов)",
    "order_date": "дата приказа",
    "purpose": "преамбула (цель или основание)",
    "signatory_name": "ФИО подписывающего",
    "signatory_position": "должность подписывающего",
    "regulation_title": "название положения",
    "sites": "площадки и их руководители",
    "number": "регистрационный номер",
    "site": "площадка (в родительном падеже)",
    "period": "период (учебный год)",
    "rows": "мероприятия дорожной карты",
    "activity": "мероприятие",
    "form": "форма проведения",
    "responsible": "ответственные",
    "deadline": "сроки исполнения",
    "result": "ожидаемый результат",
    "state": "отметка о выполнении",
    "fulfilled": "отметка о выполнении",
    "sections": "разделы",
    "items": "мероприятия раздела",
    "title": "наименование",
    "heading": "заголовок раздела",
    "paragraphs": "абзацы текста",
    "tables": "таблицы",
    "columns": "заголовки столбцов таблицы",
    "executor": "исполнитель",
    "subject": "чья работа (организация)",
    "teacher_name": "ФИО педагогического работника",
    "teacher_position": "должность педагогического работника",
    "organisation": "образовательная организация",
    "total_hours": "общий объём часов",
    "events": "мероприятия",
    "date": "дата",
    "certificate": "документ об участии (сертификат)",
    "courses": "курсы повышения квалификации",
    "provider": "организация, проводившая обучение",
    "completed_on": "дата окончания обучения",
    "mentoring": "тьюторское сопровождение и наставничество",
    "kind": "вид сопровождения (тьютор или наставник)",
    "tutor": "ФИО тьютора (наставника)",
    "topic": "тема",
    "closed_deficits": "преодолённые профессиональные дефициты",
    "competency": "компетенция (профессиональный дефицит)",
    "closed_on": "дата преодоления дефицита",
    "evidence": "подтверждение преодоления дефицита",
}

_MISSING = re.compile(r"missing required field `([^`]+)`")
_PATH = re.compile(r"at `\$\.([A-Za-z_]+)")
_AT = re.compile(r"at `\$([^`]+)`")
_UNKNOWN = re.compile(r"unknown field `([^`]+)`")


def parse_data(template: str, data: Mapping[str, Any]) -> msgspec.Struct:
    """Validate ``data`` for ``template``; :class:`InvalidInput` names the field in Russian."""
    paper = paper_template(template)
    try:
        parsed = msgspec.convert(dict(data), paper.data_type, strict=False)
    except msgspec.ValidationError as error:
        text = str(error)
        if match := _MISSING.search(text):
            name = match.group(1)
            at = _AT.search(text)
            prefix = f"data{at.group(1)}" if at else "data"
            raise InvalidInput(
                f"Не заполнено обязательное поле «{FIELD_TITLES.get(name, name)}» "
                f"({prefix.removeprefix('data').lstrip('.')}{'.' if at else ''}{name}) "
                f"для шаблона «{paper.title}»",
                field=f"{prefix}.{name}",
            ) from error
        if match := _UNKNOWN.search(text):
            name = match.group(1)
            raise InvalidInput(
                f"Шаблон «{paper.title}» не знает поля {name}", field=f"data.{name}"
            ) from error
        name = match.group(1) if (match := _PATH.search(text)) else ""
        label = FIELD_TITLES.get(name, name)
        raise InvalidInput(
            f"Неверное значение поля «{label}» ({name}): ожидается "
            + ("дата ГГГГ-ММ-ДД" if "date" in text or name.endswith(("date", "_on")) else text),
            field=f"data.{name}" if name else "data",
        ) from error
    for field in msgspec.structs.fields(paper.data_type):
        value = getattr(parsed, field.name)
        if field.required and isinstance(value, str) and not value.strip():
            raise InvalidInput(
                f"Не заполнено обязательное поле «{FIELD_TITLES.get(field.name, field.name)}» "
                f"({field.name}) для шаблона «{paper.title}»",
                field=f"data.{field.name}",
            )
        if field.name == "sites" and not value:
            raise InvalidInput("Укажите хотя бы одну площадку", field="data.sites")
        if field.name == "hours" and value is not None and value <= 0:
            raise InvalidInput("Объём в часах должен быть положительным", field="data.hours")
    _no_blank_nested(parsed, "data", paper.title)
    if paper.check is not None:
        paper.check(parsed)
    return parsed


def _no_blank_nested(value: Any, path: str, title: str) -> None:
    """Refuse a blank required text inside nested data (a road map row, a plan item)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _no_blank_nested(item, f"{path}[{index}]", title)
        return
    if not isinstance(value, msgspec.Struct):
        return
    for field in msgspec.structs.fields(value):
        inner = getattr(value, field.name)
        where = f"{path}.{field.name}"
        if path != "data" and field.required and isinstance(inner, str) and not inner.strip():
            raise InvalidInput(
                f"Не заполнено обязательное поле «{FIELD_TITLES.get(field.name, field.name)}» "
                f"({where.removeprefix('data.')}) для шаблона «{title}»",
                field=where,
            )
        _no_blank_nested(inner, where, title)


def paper_template(template: str) -> PaperTemplate:
    """The template called ``template`` or :class:`InvalidInput` listing the known ones."""
    try:
        return PAPERS[template]
    except KeyError:
        known = ", ".join(sorted(PAPERS))
        raise InvalidInput(
            f"Неизвестный шаблон «{template}»; доступны: {known}", field="template"
        ) from None


def template_version(content: bytes) -> str:
    """The version of a template: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(content).hexdigest()[:16]


def data_key(data: Mapping[str, Any]) -> str:
    """The source key of data given without one: the checksum of its canonical JSON."""
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return "data:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class RenderRequest:
    """What to render: template, raw data, optional caller key and organisation."""

    template: str
    data: Mapping[str, Any]
    source_key: str = ""
    organisation_id: UUID | None = None
    person_id: UUID | None = None
    """The registry person the document is issued to, when the caller knows them."""


@dataclass(frozen=True)
class Rendered:
    """The stored document and whether this request created it."""

    document: Document
    created: bool


class PaperService:
    """Renders, stores and verifies documents made on request."""

    def __init__(
        self,
        *,
        database: Database,
        store: FileStore,
        converter: Converter,
        letterhead: Letterhead,
        district: str,
        verify_base_url: str,
        templates: Path = TEMPLATES_DIR,
        library: TemplateLibrary | None = None,
    ) -> None:
        self.library = library
        self.database = database
        self.store = store
        self.converter = converter
        self.letterhead = letterhead
        self.district = district
        self.verify_base_url = verify_base_url.rstrip("/")
        self.templates = templates

    def verify_url(self, number: str) -> str:
        """Where the QR code of ``number`` leads."""
        return f"{self.verify_base_url}/public/verify/{number}"

    async def render(self, request: RenderRequest) -> Rendered:
        """Render the request's document unless it exists for this source and template."""
        paper = paper_template(request.template)
        data = parse_data(request.template, request.data)
        template_bytes = (
            await self.library.content(paper.file)
            if self.library is not None
            else (self.templates / paper.file).read_bytes()
        )
        version = template_version(template_bytes)
        source_key = request.source_key.strip() or data_key(request.data)
        if len(source_key) > 200:
            raise InvalidInput("Ключ источника длиннее 200 символов", field="source_key")
        subject_id = uuid.uuid5(_NAMESPACE, f"{paper.name}|{version}|{source_key}")
        existing = await self._find(paper.name, subject_id)
        if existing is not None:
            return Rendered(existing, created=False)
        document = await self.prepare(
            paper,
            data,
            template_bytes,
            source_key=source_key,
            subject_id=subject_id,
            organisation_id=request.organisation_id,
            person_id=request.person_id,
        )
        try:
            async with self.database.transaction() as session:
                session.add(document)
        except IntegrityError:
            twin = await self._find(paper.name, subject_id)
            if twin is None:
                raise
            return Rendered(twin, created=False)
        log.info("document rendered on request", kind=paper.name, id=str(document.id))
        return Rendered(document, created=True)

    async def prepare(
        self,
        paper: PaperTemplate,
        data: Any,
        template_bytes: bytes,
        *,
        source_key: str,
        subject_id: UUID,
        organisation_id: UUID | None,
        person_id: UUID | None = None,
    ) -> Document:
        """Render ``data`` with ``template_bytes`` into DOCX and PDF, store both files and
        return the register entry, not yet added to any session."""
        number = paper.number_of(data) if paper.number_of else new_verification_number()
        url = self.verify_url(number)
        context = paper.context(data, self.letterhead, number, url)
        images = {"qr": qr_image(url)} if paper.verifiable else None
        try:
            docx = await asyncio.to_thread(
                render_docx, template_bytes, context, images=images, name=paper.file
            )
        except TemplateError as error:
            raise InvalidInput(str(error), field="template") from error
        try:
            pdf = await self.converter.convert(docx)
        except PdfConversionError as error:
            raise ConversionFailed(
                f"Не удалось получить PDF документа «{paper.title}»: {error}", field="template"
            ) from error
        docx_key, docx_sha = self.store.put(docx)
        pdf_key, pdf_sha = self.store.put(pdf)
        person = paper.person(data).strip()
        return Document(
            kind=paper.name,
            subject_id=subject_id,
            organisation_id=organisation_id or NO_ORGANISATION,
            title=clip(f"{paper.title}: {person}"),
            number=number,
            dated=_issued_on(data),
            template=paper.file,
            docx_key=docx_key,
            docx_sha256=docx_sha,
            docx_size=len(docx),
            pdf_key=pdf_key,
            pdf_sha256=pdf_sha,
            pdf_size=len(pdf),
            source_key=source_key,
            template_version=template_version(template_bytes),
            verification_number=number if paper.verifiable else None,
            person_name=clip(person, 300),
            person_id=person_id,
            district=clip(self.district, 300),
        )

    async def _find(self, kind: str, subject_id: UUID) -> Document | None:
        async with self.database.sessions() as session:
            found: Document | None = await session.scalar(
                sa.select(Document).where(Document.kind == kind, Document.subject_id == subject_id)
            )
            return found

    async def verification(self, number: str) -> Document | None:
        """The verifiable document numbered ``number`` (any spelling), or ``None``."""
        normal = normalise_number(number)
        if not normal:
            return None
        async with self.database.sessions() as session:
            found: Document | None = await session.scalar(
                sa.select(Document).where(Document.verification_number == normal)
            )
            return found

    async def revoke(self, number: str, reason: str) -> Document:
        """Mark the document numbered ``number`` revoked (again: keeps the first revocation)."""
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Укажите причину отзыва документа", field="reason")
        normal = normalise_number(number)
        async with self.database.transaction() as session:
            document = (
                await session.scalar(
                    sa.select(Document).where(Document.verification_number == normal)
                )
                if normal
                else None
            )
            if document is None:
                raise NotFound(f"Документ с номером {number} не найден", field="number")
            if document.revoked_at is None:
                document.revoked_at = datetime.now(UTC)
                document.revoked_reason = clip(reason)
            return document


def _issued_on(data: Any) -> Any:
    for name in ("issued_on", "order_date", "event_end_date", "end_date", "event_date"):
        value = getattr(data, name, None)
        if value is not None:
            return value
    raise InvalidInput("Не указана дата документа", field="data.issued_on")
