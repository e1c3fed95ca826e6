"""One fixed example per message type: the source of the golden JSON files.

Regenerate the files with ``uv run python -m imc_contracts.examples``; the tests check
that the files and these examples agree in both directions.
"""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec

from imc_contracts import messages as m
from imc_contracts.envelope import Envelope, MessageType

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "golden"

_ORG = UUID("0192f5a0-0000-7000-8000-000000000001")
_APP = UUID("0192f5a0-0000-7000-8000-000000000002")
_DECISION = UUID("0192f5a0-0000-7000-8000-000000000003")
_SITE = UUID("0192f5a0-0000-7000-8000-000000000004")
_DOC = UUID("0192f5a0-0000-7000-8000-000000000005")
_ROADMAP = UUID("0192f5a0-0000-7000-8000-000000000006")
_PERSON = UUID("0192f5a0-0000-7000-8000-000000000007")
_ORDER = UUID("0192f5a0-0000-7000-8000-000000000008")
_MEETING = UUID("0192f5a0-0000-7000-8000-000000000009")
_REPORT = UUID("0192f5a0-0000-7000-8000-00000000000a")
_EVENT = UUID("0192f5a0-0000-7000-8000-00000000000b")
_REGISTRATION = UUID("0192f5a0-0000-7000-8000-00000000000c")
_PLAN = UUID("0192f5a0-0000-7000-8000-00000000000d")
_PLAN_ITEM = UUID("0192f5a0-0000-7000-8000-00000000000e")
_RESYNC = UUID("0192f5a0-0000-7000-8000-00000000000f")
_SURVEY = UUID("0192f5a0-0000-7000-8000-000000000010")
_ASSIGNMENT = UUID("0192f5a0-0000-7000-8000-000000000011")
_TUTOR = UUID("0192f5a0-0000-7000-8000-000000000012")
_RESOURCE = UUID("0192f5a0-0000-7000-8000-000000000013")
_CORRELATION = UUID("0192f5a0-0000-7000-8000-0000000000c0")
_LEADER = m.Leader(full_name="Иванова Ольга Петровна", position="заместитель директора по УВР")
_CO_LEADER = m.Leader(full_name="Петрова Анна Сергеевна", position="методист МБУ ИМЦ УО")
_TOPIC = "Формирование функциональной грамотности обучающихся"
_FULL_NAME = (
    "Муниципальное бюджетное общеобразовательное учреждение "
    "«Яйская средняя общеобразовательная школа № 1»"
)
_SHORT_NAME = "МБОУ «Яйская СОШ № 1»"

_RESOURCE_PUBLISHED = m.ResourcePublished(
    resource_id=_RESOURCE,
    version=2,
    title="Технологическая карта урока «Решение текстовых задач на движение»",
    summary="Урок математики в 5 классе с заданиями на формирование математической грамотности.",
    kind="lesson_plan",
    subject="математика",
    level="основное общее образование",
    tags=("функциональная грамотность", "5 класс"),
    licence="CC BY 4.0",
    author_name="Карпенко Юлия Сергеевна",
    organisation_name=_SHORT_NAME,
    reviewed_by="Лаптева Светлана Николаевна, методист",
    published_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    text="Технологическая карта урока. Цель урока: научить решать задачи на движение.",
    files=(
        m.ResourceFile(
            name="karta-uroka.txt",
            media_type="text/plain",
            size=12,
            sha256="0b6a1a8e1c0f1f5e0f3d2c8e4a1b7d9e5f2c3a4b6d8e0f1a2b3c4d5e6f7a8b9c",
            content=b"karta uroka\n",
        ),
    ),
)

PAYLOADS: dict[str, msgspec.Struct] = {
    m.ORGANISATION_UPSERTED.routing_key: m.OrganisationUpserted(
        organisation_id=_ORG,
        full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        short_name="МБОУ «Яйская СОШ № 1»",
        kind="school",
        address="пгт Яя, ул. Школьная, 1",
        email="sosh1@yaya.example.ru",
        director_name="Смирнова Елена Викторовна",
        low_results=False,
        unfavourable_conditions=True,
        resilient=False,
    ),
    m.APPLICATION_SUBMITTED.routing_key: m.ApplicationSubmitted(
        application_id=_APP,
        organisation_id=_ORG,
        organisation_short_name="МБОУ «Яйская СОШ № 1»",
        site_kind="osmp",
        topic=_TOPIC,
        documents=(
            m.SubmittedDocument(
                kind="statement",
                filename="zayavlenie.pdf",
                content_type="application/pdf",
                size=10240,
                sha256="a" * 64,
            ),
        ),
    ),
    m.DECISION_MADE.routing_key: m.DecisionMade(
        decision_id=_DECISION,
        application_id=_APP,
        organisation_id=_ORG,
        organisation_full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        organisation_short_name="МБОУ «Яйская СОШ № 1»",
        site_kind="osmp",
        topic=_TOPIC,
        outcome="assigned",
        decided_on=date(2026, 10, 14),
        council_protocol="протокол № 2 от 14.10.2026",
        term_years=2,
        term_start=date(2026, 10, 15),
        term_end=date(2028, 10, 14),
        leader=_LEADER,
        co_leader=_CO_LEADER,
        order_number="45-од",
        order_date=date(2026, 10, 15),
    ),
    m.SITE_STATUS_CHANGED.routing_key: m.SiteStatusChanged(
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская средняя общеобразовательная школа № 1»",
        organisation_short_name="МБОУ «Яйская СОШ № 1»",
        kind="osmp",
        status="active",
        previous_status=None,
        topic=_TOPIC,
        term_start=date(2026, 10, 15),
        term_end=date(2028, 10, 14),
        leader=_LEADER,
        co_leader=_CO_LEADER,
        order_number="45-од",
        order_date=date(2026, 10, 15),
        decision_id=_DECISION,
        version=1,
    ),
    m.DOCUMENT_GENERATED.routing_key: m.DocumentGenerated(
        document_id=_DOC,
        kind="order_site_status",
        title="О присвоении статуса опорной (стажировочной) методической площадки",
        number="45-од",
        organisation_id=_ORG,
        subject_id=_DECISION,
        files=(
            m.GeneratedFile(
                format="pdf", path=f"/documents/{_DOC}/file.pdf", size=35120, sha256="b" * 64
            ),
        ),
    ),
    m.PERSON_UPSERTED.routing_key: m.PersonUpserted(
        person_id=_PERSON,
        full_name="Иванова Ольга Петровна",
        position="заместитель директора по УВР",
        staff_group="administration",
        organisation_id=_ORG,
        qualification_category="highest",
        subjects=("математика",),
        email="ivanova@yaya.example.ru",
    ),
    m.APPLICATION_RETURNED.routing_key: m.ApplicationReturned(
        application_id=_APP,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        site_kind="osmp",
        topic=_TOPIC,
        comment="Дополните информационную справку результатами за 2025/2026 учебный год.",
        returned_on=date(2026, 9, 20),
    ),
    m.ORDER_ISSUED.routing_key: m.OrderIssued(
        order_id=_ORDER,
        kind="assignment",
        number="45-од",
        order_date=date(2026, 10, 15),
        issuer="Муниципальное бюджетное учреждение «Информационно-методический центр "
        "Управления образования администрации Яйского муниципального округа»",
        signatory=m.Leader(full_name="Кузнецова Марина Ивановна", position="директор"),
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_full_name=_FULL_NAME,
        organisation_short_name=_SHORT_NAME,
        site_kind="osmp",
        topic=_TOPIC,
        term_start=date(2026, 10, 15),
        term_end=date(2028, 10, 14),
        leader=_LEADER,
        co_leader=_CO_LEADER,
        decision_id=_DECISION,
        council_protocol="протокол № 2 от 14.10.2026",
        application_id=_APP,
    ),
    m.SITE_EXPIRING.routing_key: m.SiteExpiring(
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        site_kind="osmp",
        topic=_TOPIC,
        term_end=date(2028, 10, 14),
        days_left=30,
        leader=_LEADER,
        co_leader=_CO_LEADER,
        leader_person_id=_PERSON,
    ),
    m.SITE_EXPIRED.routing_key: m.SiteExpired(
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        site_kind="osmp",
        term_end=date(2028, 10, 14),
        expired_on=date(2028, 10, 15),
    ),
    m.REPORT_DUE.routing_key: m.ReportDue(
        report_id=_REPORT,
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        title="Отчёт о мониторинге результатов деятельности ОСМП за первое полугодие",
        due_on=date(2027, 4, 15),
        days_left=7,
        leader=_LEADER,
        co_leader=_CO_LEADER,
        leader_person_id=_PERSON,
    ),
    m.COUNCIL_MEETING_HELD.routing_key: m.CouncilMeetingHeld(
        meeting_id=_MEETING,
        protocol_number="2",
        held_on=date(2026, 10, 14),
        place="пгт Яя",
        chair="Кузнецова Марина Ивановна",
        secretary="Орлова Татьяна Николаевна",
        members_total=7,
        members_present=(
            "Кузнецова Марина Ивановна",
            "Орлова Татьяна Николаевна",
            "Петрова Анна Сергеевна",
            "Соколова Ирина Васильевна",
            "Морозов Алексей Игоревич",
        ),
        quorum=True,
        items=(
            m.AgendaItemResult(
                item_id=_DECISION,
                number=1,
                type="application",
                title="О присвоении статуса опорной (стажировочной) методической площадки "
                "МБОУ «Яйская СОШ № 1»",
                speaker="Петрова Анна Сергеевна, методист",
                tally=m.VoteTally(votes_for=5, votes_against=0, abstained=0),
                adopted=True,
                decision_text="Присвоить МБОУ «Яйская СОШ № 1» статус опорной (стажировочной) "
                "методической площадки по теме «" + _TOPIC + "» на срок два года.",
                organisation_id=_ORG,
                organisation_short_name=_SHORT_NAME,
                application_id=_APP,
            ),
        ),
    ),
    m.EVENT_REMINDER.routing_key: m.EventReminder(
        reminder_id=_REPORT,
        event_id=_MEETING,
        title="Формирование функциональной грамотности на уроках математики",
        form_title="мастер-класс",
        starts_at=datetime(2026, 12, 2, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 2, 8, 30, tzinfo=UTC),
        venue="МБОУ «Яйская СОШ № 1», кабинет 21",
        text="Напоминаем: 02.12.2026 14:00–15:30 — мастер-класс «Формирование функциональной "
        "грамотности на уроках математики». Место проведения: МБОУ «Яйская СОШ № 1», "
        "кабинет 21.",
        recipients=(m.ReminderRecipient(person_id=_PERSON, full_name="Иванова Ольга Петровна"),),
    ),
    m.EVENT_CHANGED.routing_key: m.EventChanged(
        event_id=_EVENT,
        version=3,
        title="Формирование функциональной грамотности: читательская грамотность",
        form="seminar",
        form_title="семинар",
        level="municipal",
        organiser_kind="site",
        organiser_id=_SITE,
        organiser_name=_SHORT_NAME,
        venue="пгт Яя, ул. Школьная, 1, актовый зал",
        online_url="",
        starts_at=datetime(2026, 12, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 10, 0, tzinfo=UTC),
        capacity=30,
        hours=3,
        audience_subjects=("русский язык", "литература"),
        audience_categories=("teacher",),
        status="planned",
        registered=12,
        waiting=0,
        attended=0,
    ),
    m.PARTICIPATION_CHANGED.routing_key: m.ParticipationChanged(
        registration_id=_REGISTRATION,
        version=2,
        event_id=_EVENT,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        subjects=("русский язык",),
        status="confirmed",
        attended=True,
        hours_credited=3,
    ),
    m.PLAN_CHANGED.routing_key: m.PlanChanged(
        plan_id=_PLAN,
        version=5,
        kind="imc",
        title="План работы МБУ ИМЦ УО на 2026/2027 учебный год",
        school_year="2026/2027",
        subject="",
        status="approved",
        items=(
            m.PlanItemState(
                item_id=_PLAN_ITEM,
                title="Семинар для заместителей директоров по УВР",
                deadline=date(2026, 11, 30),
                done_on=date(2026, 11, 20),
            ),
        ),
    ),
    m.HEARTBEAT.routing_key: m.Heartbeat(sequence=42, interval_seconds=15, outbox_backlog=0),
    m.RESYNC_REQUESTED.routing_key: m.ResyncRequested(
        request_id=_RESYNC, districts=("yaya",), reason="свод центра восстановлен с нуля"
    ),
    m.CENTRE_REGISTRATION_REQUESTED.routing_key: m.CentreRegistrationRequested(
        registration_id=_REGISTRATION,
        version=1,
        event_id=_EVENT,
        person_id=_PERSON,
        full_name="Карпенко Юлия Сергеевна",
        position="учитель математики",
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        status="requested",
    ),
    m.CENTRE_REGISTRATION_DECIDED.routing_key: m.CentreRegistrationDecided(
        registration_id=_REGISTRATION,
        version=1,
        event_id=_EVENT,
        district="yaya",
        status="waiting",
        queue_number=2,
    ),
    m.DEFICITS_SUMMARISED.routing_key: m.DeficitsSummarised(
        version=7,
        as_of=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        teachers_with_routes=12,
        rows=(
            m.DeficitCount(
                competency_code="assessment",
                competency_title="Оценивание образовательных результатов обучающихся",
                subject="математика",
                open=5,
                closed=2,
                teachers=6,
            ),
        ),
    ),
    m.SURVEY_OPENED.routing_key: m.SurveyOpened(
        survey_id=_SURVEY,
        title="Мониторинг профессиональных и информационных потребностей педагогов",
        school_year="2026/2027",
        closes_on=date(2026, 12, 15),
        recipients=(m.SurveyRecipient(person_id=_PERSON, full_name="Карпенко Юлия Сергеевна"),),
    ),
    m.TUTOR_APPOINTED.routing_key: m.TutorAppointed(
        assignment_id=_ASSIGNMENT,
        kind="tutor",
        tutor_person_id=_TUTOR,
        tutor_name="Белова Марина Александровна",
        teachers=(m.SurveyRecipient(person_id=_PERSON, full_name="Карпенко Юлия Сергеевна"),),
        topic="Подготовка обучающихся к ОГЭ по математике",
        starts_on=date(2026, 12, 1),
        ends_on=date(2027, 5, 31),
    ),
    m.RESOURCE_PUBLISHED.routing_key: _RESOURCE_PUBLISHED,
    m.RESOURCE_WITHDRAWN.routing_key: m.ResourceWithdrawn(
        resource_id=_RESOURCE, version=3, reason="Материал заменён новой редакцией"
    ),
    m.BANK_ENTRY_CHANGED.routing_key: m.BankEntryChanged(
        resource_id=_RESOURCE,
        version=2,
        origin_district="yaya",
        origin_district_name="Яйский муниципальный округ",
        status="published",
        resource=_RESOURCE_PUBLISHED,
    ),
    m.ATTENDANCE_RECORDED.routing_key: m.AttendanceRecorded(
        registration_id=_REGISTRATION,
        version=3,
        event_id=_EVENT,
        event_title="Формирование функциональной грамотности: читательская грамотность",
        form_title="семинар",
        starts_at=datetime(2026, 12, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 10, 0, tzinfo=UTC),
        hours=3,
        person_id=_PERSON,
        full_name="Карпенко Юлия Сергеевна",
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        attended=True,
    ),
    m.ROADMAP_ITEM_OVERDUE.routing_key: m.RoadmapItemOverdue(
        roadmap_id=_ROADMAP,
        item_id=_PLAN_ITEM,
        site_id=_SITE,
        organisation_id=_ORG,
        organisation_short_name=_SHORT_NAME,
        title="Открытые уроки по смысловому чтению",
        deadline=date(2026, 11, 20),
        responsible_name="Белова Марина Александровна",
        responsible_person_id=_PERSON,
        days_overdue=3,
    ),
    m.REGISTRATION_CHANGED.routing_key: m.RegistrationChanged(
        registration_id=_REGISTRATION,
        version=2,
        event_id=_EVENT,
        event_title="Формирование функциональной грамотности: читательская грамотность",
        form_title="семинар",
        starts_at=datetime(2026, 12, 10, 7, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 10, 10, 0, tzinfo=UTC),
        venue="пгт Яя, ул. Школьная, 1, актовый зал",
        person_id=_PERSON,
        full_name="Карпенко Юлия Сергеевна",
        status="confirmed",
        previous_status="waiting",
    ),
    m.COUNCIL_MEETING_SCHEDULED.routing_key: m.CouncilMeetingScheduled(
        meeting_id=_MEETING,
        protocol_number="3",
        held_on=date(2026, 12, 3),
        place="МБУ ИМЦ УО Яйского округа, каб. 5",
        members=(m.MeetingMember(person_id=_PERSON, full_name="Лаптева Светлана Николаевна"),),
    ),
    m.LINK_ALERT.routing_key: m.LinkAlert(
        district="yaya",
        district_name="Яйский муниципальный округ",
        raised=True,
        down_since=datetime(2026, 11, 23, 6, 40, tzinfo=UTC),
        lag_seconds=1260.0,
    ),
    m.ROADMAP_OPENED.routing_key: m.RoadmapOpened(
        roadmap_id=_ROADMAP,
        site_id=_SITE,
        organisation_id=_ORG,
        title="Дорожная карта ОСМП МБОУ «Яйская СОШ № 1»",
    ),
}


def example(message: MessageType[Any]) -> Envelope[Any]:
    """The fixed example envelope of ``message``."""
    return Envelope(
        id=UUID("0192f5a0-0000-7000-8000-0000000000e0"),
        type=message.type,
        version=message.version,
        occurred_at=datetime(2026, 10, 15, 9, 30, tzinfo=UTC),
        district="yaya",
        source=message.type.split(".", 1)[0],
        correlation_id=_CORRELATION,
        causation_id=None,
        payload=PAYLOADS[message.routing_key],
    )


def golden_path(message: MessageType[Any]) -> Path:
    """Where the golden JSON of ``message`` lives."""
    return GOLDEN_DIR / f"{message.routing_key}.json"


def write_golden() -> None:
    """Write every golden file from the examples."""
    GOLDEN_DIR.mkdir(exist_ok=True)
    for message in m.ALL_MESSAGES:
        data = msgspec.json.format(msgspec.json.encode(example(message)), indent=2)
        golden_path(message).write_bytes(data + b"\n")


if __name__ == "__main__":
    write_golden()
