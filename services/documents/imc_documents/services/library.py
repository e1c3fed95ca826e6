"""Use cases: the district's own templates — upload a replacement for any template (checked
before it is stored), list the versions, roll back to an older one or to the built-in.

The variables a template may use are those its documents are rendered with, learnt by
building each template's data from sample messages and sample requests; the same samples
render the upload once as a trial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import msgspec
import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import COUNCIL_MEETING_HELD, DECISION_MADE, ORDER_ISSUED
from imc_contracts.examples import example
from imc_documents.db.models import TemplateVersion
from imc_documents.domain.awards import (
    CertificateData,
    StatementData,
    ThanksData,
    certificate_context,
    statement_context,
    thanks_context,
)
from imc_documents.domain.common import Letterhead
from imc_documents.domain.letter import refusal_document
from imc_documents.domain.order import order_document
from imc_documents.domain.orders import (
    LeadersOrderData,
    RegulationOrderData,
    SiteLeaders,
    leaders_order_context,
    regulation_order_context,
)
from imc_documents.domain.plans import (
    AnnualReportData,
    FigureTable,
    InformationNoteData,
    PlanItem,
    PlanSection,
    RoadMapData,
    RoadMapRow,
    TextSection,
    WorkPlanData,
    note_context,
    report_context,
    road_map_context,
    work_plan_context,
)
from imc_documents.domain.protocol import extract_document, protocol_document
from imc_documents.domain.transcripts import (
    TranscriptData,
    TranscriptEvent,
    TranscriptMentoring,
    transcript_context,
)
from imc_documents.rendering.check import TemplateRejected, check_template
from imc_documents.rendering.docx import Image
from imc_documents.rendering.qr import qr_image
from imc_documents.templates import TEMPLATES_DIR
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)

TITLES = {
    "order_site_status": "Приказ о присвоении статуса площадки",
    "order_site_extension": "Приказ о продлении срока деятельности площадки",
    "order_site_termination": "Приказ о прекращении деятельности площадки",
    "refusal_letter": "Письмо об отказе в присвоении статуса",
    "council_protocol": "Протокол заседания методического совета",
    "council_extract": "Выписка из протокола",
    "certificate": "Сертификат участника",
    "internship_statement": "Справка о прохождении стажировки",
    "letter_of_thanks": "Благодарственное письмо",
    "order_regulation": "Приказ об утверждении положения",
    "order_site_leaders": "Приказ о назначении руководителей методических площадок",
    "road_map": "Дорожная карта методической площадки",
    "work_plan": "План работы на учебный год",
    "information_note": "Информационная справка",
    "annual_report": "Анализ работы за учебный год",
    "teacher_transcript": "Справка о профессиональном развитии педагогического работника",
}
"""Every template a district may replace."""
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

_SAMPLE_LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)
_URL = "https://imc.example/verify/7KQ2-M9XD"


@cache
def samples() -> dict[str, list[dict[str, Any]]]:
    """Sample data of every template (several where the data varies)."""
    lh = _SAMPLE_LETTERHEAD
    order = example(ORDER_ISSUED).payload
    orders = [
        order_document(order, lh),
        order_document(msgspec.structs.replace(order, kind="extension", extension_months=12), lh),
        order_document(
            msgspec.structs.replace(
                order, kind="termination", grounds=("term_over",), effective_on=date(2028, 10, 15)
            ),
            lh,
        ),
    ]
    refused = msgspec.structs.replace(
        example(DECISION_MADE).payload, outcome="refused", reason="не представлен план работы"
    )
    meeting = example(COUNCIL_MEETING_HELD).payload
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in TITLES}
    for spec in orders:
        found[spec.template.removesuffix(".docx")].append(spec.context)
    found["refusal_letter"].append(refusal_document(refused, lh, date(2026, 10, 16)).context)
    found["council_protocol"].append(protocol_document(meeting, lh).context)
    found["council_extract"].extend(
        extract_document(meeting, item, lh).context for item in meeting.items
    )
    certificate = CertificateData(
        participant_name="Кузнецова Мария Ивановна",
        event_title="Формирующее оценивание",
        event_date=date(2021, 12, 20),
        hours=6,
    )
    found["certificate"].append(
        certificate_context(certificate, lh, number="7KQ2-M9XD", verify_url=_URL)
    )
    statement = StatementData(
        participant_name="Петров Пётр Сергеевич",
        participant_position="учитель физики",
        participant_organisation="МБОУ «СОШ № 1»",
        site_name="МБОУ «СОШ № 7»",
        program_title="Наставничество",
        start_date=date(2021, 12, 13),
        end_date=date(2021, 12, 20),
        hours=36,
    )
    found["internship_statement"].append(
        statement_context(statement, lh, number="7KQ2-M9XD", verify_url=_URL)
    )
    thanks = ThanksData(
        recipient_name="Соколова Анна Викторовна",
        addressee="Уважаемая Анна Викторовна!",
        reason="активное участие",
        issued_on=date(2021, 12, 24),
    )
    found["letter_of_thanks"].append(thanks_context(thanks, lh, number="БП-1"))
    common: dict[str, Any] = {
        "order_number": "1531",
        "order_date": date(2021, 12, 20),
        "purpose": "В целях профессионального развития педагогических работников",
        "signatory_name": "Иванова Ирина Петровна",
        "signatory_position": "начальник управления образования",
    }
    for points, appendix in (([], []), (["Разместить положение на сайте."], ["1. Общие"])):
        found["order_regulation"].append(
            regulation_order_context(
                RegulationOrderData(
                    **common,
                    regulation_title="о муниципальной стажировочной площадке",
                    points=points,
                    appendix=appendix,
                ),
                lh,
            )
        )
    found["order_site_leaders"].append(
        leaders_order_context(
            LeadersOrderData(
                **common,
                sites=[
                    SiteLeaders(site="ОСМП", leader_name="Кузнецова О.В.", leader_position="зам"),
                    SiteLeaders(
                        site="ОСМП 2",
                        leader_name="Петров П.П.",
                        leader_position="директор",
                        co_leader_name="Сергеева Е.Н.",
                        co_leader_position="методист",
                    ),
                ],
            ),
            lh,
        )
    )
    _plan_samples(found, lh)
    return found


def _plan_samples(found: dict[str, list[dict[str, Any]]], lh: Letterhead) -> None:
    """Road map, plan, note and report: with and without their optional parts."""
    on = date(2025, 9, 1)
    row = RoadMapRow(
        activity="Семинар", form="семинар", responsible="Кузнецова О.В.", deadline="октябрь"
    )
    for topic, leader in (("", ""), ("Наставничество", "Кузнецова Ольга Викторовна")):
        found["road_map"].append(
            road_map_context(
                RoadMapData(
                    issued_on=on,
                    site="площадки",
                    period="2025/2026 учебный год",
                    topic=topic,
                    leader_name=leader,
                    rows=[row, msgspec.structs.replace(row, result="план", state="выполнено")],
                ),
                lh,
            )
        )
    item = PlanItem(title="Совет", form="заседание", responsible="Орлова Т.Н.", deadline="май")
    found["work_plan"].append(
        work_plan_context(
            WorkPlanData(
                issued_on=on,
                period="2025/2026 учебный год",
                sections=[
                    PlanSection(title="Организационная работа", items=[item]),
                    PlanSection(title="Методическая работа", items=[item, item]),
                ],
            ),
            lh,
        )
    )
    table = FigureTable(title="Мероприятия", columns=["Квартал", "Число"], rows=[["I", 3]])
    sections = [
        TextSection(paragraphs=["Текст."]),
        TextSection(heading="1. Итоги", paragraphs=["Текст."], tables=[table]),
    ]
    for number, executor in (("", ""), ("12", "Сергеева Е.Н., 2-15-07")):
        found["information_note"].append(
            note_context(
                InformationNoteData(
                    issued_on=on,
                    number=number,
                    title="о проведении семинара",
                    sections=sections,
                    executor=executor,
                ),
                lh,
            )
        )
    found["annual_report"].append(
        report_context(
            AnnualReportData(issued_on=on, period="2024/2025 учебный год", sections=sections), lh
        )
    )
    transcript = TranscriptData(
        issued_on=on,
        teacher_name="Карпенко Юлия Сергеевна",
        teacher_position="учитель математики",
        organisation="МБОУ «Яйская СОШ № 1»",
        period="2024/2025 учебный год",
        events=[
            TranscriptEvent(
                title="Формирующее оценивание", form="семинар", date=on, hours=6, certificate="7KQ2"
            )
        ],
        mentoring=[
            TranscriptMentoring(kind="тьютор", tutor="Белова Марина Александровна", hours=4)
        ],
        total_hours=10,
    )
    found["teacher_transcript"].append(
        transcript_context(transcript, lh, number="7KQ2-M9XD", verify_url=_URL)
    )


_IMAGES = {
    "certificate": ("qr",),
    "internship_statement": ("qr",),
    "teacher_transcript": ("qr",),
}


def allowed_variables(name: str) -> frozenset[str]:
    """The variables template ``name`` may use."""
    keys: set[str] = set(_IMAGES.get(name, ()))
    for context in samples()[name]:
        keys.update(context)
    return frozenset(keys)


@dataclass(frozen=True)
class TemplateInfo:
    """A template and its versions."""

    name: str
    title: str
    active_version: int
    """0: the built-in template."""
    versions: list[TemplateVersion]
    variables: list[str]


class TemplateLibrary:
    """The templates in force: the district's active version, or the built-in one."""

    def __init__(self, *, database: Database, store: FileStore) -> None:
        self.database = database
        self.store = store

    async def content(self, file: str, session: AsyncSession | None = None) -> bytes:
        """The bytes of the template in force for ``file`` (e.g. ``certificate.docx``)."""
        name = file.removesuffix(".docx")
        query = sa.select(TemplateVersion.file_key).where(
            TemplateVersion.template == name, TemplateVersion.active.is_(True)
        )
        if session is not None:
            key = await session.scalar(query)
        else:
            async with self.database.sessions() as own:
                key = await own.scalar(query)
        return self.store.get(key) if key else (TEMPLATES_DIR / f"{name}.docx").read_bytes()

    @staticmethod
    def known(name: str) -> str:
        """``name`` if it is a template, else :class:`NotFound`."""
        if name not in TITLES:
            raise NotFound(
                f"Шаблона «{name}» нет; есть: {', '.join(sorted(TITLES))}", field="template"
            )
        return name

    async def info(self, name: str) -> TemplateInfo:
        """The template, its versions (newest first) and the variables it may use."""
        self.known(name)
        async with self.database.sessions() as session:
            versions = list(
                (
                    await session.scalars(
                        sa.select(TemplateVersion)
                        .where(TemplateVersion.template == name)
                        .order_by(TemplateVersion.version.desc())
                    )
                ).all()
            )
        active = next((v.version for v in versions if v.active), 0)
        return TemplateInfo(
            name=name,
            title=TITLES[name],
            active_version=active,
            versions=versions,
            variables=sorted(allowed_variables(name)),
        )

    async def upload(self, name: str, content: bytes, comment: str = "") -> TemplateVersion:
        """Check ``content`` and store it as the next version, in force at once."""
        self.known(name)
        if not content:
            raise InvalidInput("Файл шаблона пуст", field="file")
        if len(content) > MAX_TEMPLATE_BYTES:
            raise InvalidInput("Файл шаблона больше 5 МБ", field="file")
        images: dict[str, Image] = {key: qr_image(_URL) for key in _IMAGES.get(name, ())}
        try:
            for sample in samples()[name]:
                check_template(
                    content,
                    name=name,
                    allowed=allowed_variables(name),
                    sample=sample,
                    images=images,
                )
        except TemplateRejected as error:
            raise InvalidInput(
                error.message,
                field="file",
                details={
                    "variable": error.variable,
                    "paragraph": error.paragraph,
                    **error.details,
                },
            ) from error
        key, digest = self.store.put(content)
        try:
            async with self.database.transaction() as session:
                latest = await session.scalar(
                    sa.select(sa.func.max(TemplateVersion.version)).where(
                        TemplateVersion.template == name
                    )
                )
                await session.execute(
                    sa.update(TemplateVersion)
                    .where(TemplateVersion.template == name)
                    .values(active=False)
                )
                version = TemplateVersion(
                    template=name,
                    version=(latest or 0) + 1,
                    file_key=key,
                    sha256=digest,
                    size=len(content),
                    comment=comment.strip()[:500],
                    active=True,
                )
                session.add(version)
        except IntegrityError as error:
            raise Conflict(
                "Шаблон одновременно загрузили дважды; повторите загрузку", field="file"
            ) from error
        log.info("template uploaded", template=name, version=version.version, sha256=digest)
        return version

    async def rollback(self, name: str, version: int) -> TemplateInfo:
        """Put ``version`` in force (0: the built-in template)."""
        self.known(name)
        async with self.database.transaction() as session:
            if version:
                exists = await session.scalar(
                    sa.select(TemplateVersion.id).where(
                        TemplateVersion.template == name, TemplateVersion.version == version
                    )
                )
                if exists is None:
                    raise NotFound(f"У шаблона «{name}» нет версии {version}", field="version")
            await session.execute(
                sa.update(TemplateVersion)
                .where(TemplateVersion.template == name)
                .values(active=TemplateVersion.version == version)
            )
        log.info("template rolled back", template=name, version=version)
        return await self.info(name)

    async def version_file(self, name: str, version: int) -> bytes:
        """The file of one version (0: the built-in template)."""
        self.known(name)
        if version == 0:
            return (TEMPLATES_DIR / f"{name}.docx").read_bytes()
        async with self.database.sessions() as session:
            key = await session.scalar(
                sa.select(TemplateVersion.file_key).where(
                    TemplateVersion.template == name, TemplateVersion.version == version
                )
            )
        if key is None:
            raise NotFound(f"У шаблона «{name}» нет версии {version}", field="version")
        return self.store.get(key)
