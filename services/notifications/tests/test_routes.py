"""The notifications use cases on a real database (SQLite and PostgreSQL): read models,
who is queued for which message, once; and delivery to a real local SMTP server."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import (
    APPLICATION_RETURNED,
    APPLICATION_SUBMITTED,
    DECISION_MADE,
    DOCUMENT_GENERATED,
    EVENT_REMINDER,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    REPORT_DUE,
    SITE_EXPIRED,
    SITE_EXPIRING,
    Envelope,
    MessageType,
)
from imc_contracts.examples import example
from imc_local.mailbox import start_mailbox
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import Notification, Person
from imc_notifications.services import notifications as use_cases
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.consumer import Rejected
from imc_shared.db import Database, migrate

ORG = UUID("0192f5a0-0000-7000-8000-000000000001")
LEADER = UUID("0192f5a0-0000-7000-8000-000000000007")
CO_LEADER = UUID("0192f5a0-0000-7000-8000-000000000017")
SCHOOL_EMAIL = "sosh1@yaya.example.ru"
LEADER_EMAIL = "ivanova@yaya.example.ru"
CO_LEADER_EMAIL = "petrova@imc.example.ru"
LETTERS = Letters(portal_url="https://imc.example.ru", sender="МБУ «ИМЦ»")


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_contacts(database: Database) -> None:
    """The registry's messages: the school, its leader and the IMC co-leader."""
    await feed(database, use_cases.upsert_recipient, envelope(ORGANISATION_UPSERTED))
    await feed(database, use_cases.upsert_person, envelope(PERSON_UPSERTED, email=LEADER_EMAIL))
    await feed(
        database,
        use_cases.upsert_person,
        envelope(
            PERSON_UPSERTED,
            person_id=CO_LEADER,
            full_name="Петрова Анна Сергеевна",
            staff_group="imc_methodist",
            email=CO_LEADER_EMAIL,
        ),
    )


async def queued(database: Database) -> list[Notification]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Notification).order_by(Notification.email))
        return list(rows.all())


async def test_person_read_model_follows_the_registry(database: Database) -> None:
    await feed(database, use_cases.upsert_person, envelope(PERSON_UPSERTED, email="a@b.ru"))
    await feed(
        database,
        use_cases.upsert_person,
        envelope(PERSON_UPSERTED, email="new@b.ru", archived=True),
    )
    async with database.sessions() as session:
        person = await session.get(Person, LEADER)
    assert person is not None
    assert (person.email, person.archived) == ("new@b.ru", True)


async def test_expiring_site_warns_leader_co_leader_and_school_once(database: Database) -> None:
    await with_contacts(database)
    warning = envelope(SITE_EXPIRING, leader_person_id=LEADER, co_leader_person_id=CO_LEADER)
    first = await feed(database, use_cases.queue_expiring_emails, warning, LETTERS)
    again = SITE_EXPIRING.new(warning.payload, district="yaya", source="test")
    second = await feed(database, use_cases.queue_expiring_emails, again, LETTERS)
    assert len(first) == 3
    assert second == []
    rows = await queued(database)
    assert sorted(r.email for r in rows) == sorted([LEADER_EMAIL, CO_LEADER_EMAIL, SCHOOL_EMAIL])
    assert all("Срок деятельности площадки заканчивается" in r.subject for r in rows)
    assert all(r.attachment_path is None for r in rows)
    # The 7-day warning is another event: it goes out again.
    week = envelope(
        SITE_EXPIRING, leader_person_id=LEADER, co_leader_person_id=CO_LEADER, days_left=7
    )
    assert len(await feed(database, use_cases.queue_expiring_emails, week, LETTERS)) == 3


async def test_unknown_or_archived_people_are_skipped(database: Database) -> None:
    await with_contacts(database)
    await feed(
        database,
        use_cases.upsert_person,
        envelope(PERSON_UPSERTED, email=LEADER_EMAIL, archived=True),
    )
    report = envelope(
        REPORT_DUE,
        leader_person_id=LEADER,
        co_leader_person_id=UUID("0192f5a0-0000-7000-8000-0000000000ff"),
        days_left=-2,
    )
    rows = await feed(database, use_cases.queue_report_emails, report, LETTERS)
    assert [r.email for r in rows] == [SCHOOL_EMAIL]
    assert rows[0].subject.startswith("Просрочен отчёт")


async def test_report_due_reaches_leader_and_school(database: Database) -> None:
    await with_contacts(database)
    rows = await feed(database, use_cases.queue_report_emails, envelope(REPORT_DUE), LETTERS)
    assert sorted(r.email for r in rows) == [LEADER_EMAIL, SCHOOL_EMAIL]
    assert "(осталось 7 дней)" in rows[0].body


async def test_a_message_about_an_unknown_school_waits(database: Database) -> None:
    with pytest.raises(LookupError):
        await feed(database, use_cases.queue_expiring_emails, envelope(SITE_EXPIRING), LETTERS)
    with pytest.raises(LookupError):
        await feed(
            database, use_cases.queue_returned_email, envelope(APPLICATION_RETURNED), LETTERS
        )
    assert await queued(database) == []


async def test_expired_site_notice_goes_to_the_school_once(database: Database) -> None:
    await with_contacts(database)
    expired = envelope(SITE_EXPIRED)
    [row] = await feed(database, use_cases.queue_expired_email, expired, LETTERS)
    assert row.email == SCHOOL_EMAIL
    assert row.subject.startswith("Срок статуса истёк")
    assert await feed(database, use_cases.queue_expired_email, expired, LETTERS) == []


async def test_returned_application_goes_to_the_school(database: Database) -> None:
    await with_contacts(database)
    returned = envelope(APPLICATION_RETURNED)
    [row] = await feed(database, use_cases.queue_returned_email, returned, LETTERS)
    assert row.email == SCHOOL_EMAIL
    assert returned.payload.comment in row.body


async def test_decision_goes_to_the_applicant_or_the_school(database: Database) -> None:
    # With the application's contact address the school's record is not needed.
    refused = envelope(
        DECISION_MADE, outcome="refused", reason="нет плана", applicant_email="zav@school.ru"
    )
    [row] = await feed(database, use_cases.queue_decision_email, refused, LETTERS)
    assert row.email == "zav@school.ru"
    assert "Причина: нет плана" in row.body
    await with_contacts(database)
    assigned = envelope(DECISION_MADE, decision_id=UUID("0192f5a0-0000-7000-8000-000000000033"))
    [row] = await feed(database, use_cases.queue_decision_email, assigned, LETTERS)
    assert row.email == SCHOOL_EMAIL
    assert "Приказ о присвоении статуса будет издан" in row.body


async def test_documents_go_to_their_school_but_not_the_protocol(database: Database) -> None:
    await with_contacts(database)
    order = envelope(DOCUMENT_GENERATED)
    [row] = await feed(database, use_cases.queue_document_email, order, LETTERS)
    assert row.email == SCHOOL_EMAIL
    assert row.attachment_name == "Приказ № 45-од.pdf"
    [pdf] = [f for f in order.payload.files if f.format == "pdf"]
    assert row.attachment_path == pdf.path
    assert await feed(database, use_cases.queue_document_email, order, LETTERS) == []
    protocol = envelope(
        DOCUMENT_GENERATED,
        kind="council_protocol",
        document_id=UUID("0192f5a0-0000-7000-8000-000000000055"),
        organisation_id=UUID(int=0),
    )
    assert await feed(database, use_cases.queue_document_email, protocol, LETTERS) == []
    extract = envelope(
        DOCUMENT_GENERATED,
        kind="council_extract",
        number="2",
        document_id=UUID("0192f5a0-0000-7000-8000-000000000056"),
    )
    [row] = await feed(database, use_cases.queue_document_email, extract, LETTERS)
    assert row.attachment_name == "Выписка из протокола № 2.pdf"
    no_pdf = envelope(
        DOCUMENT_GENERATED,
        document_id=UUID("0192f5a0-0000-7000-8000-000000000057"),
        files=tuple(
            msgspec.structs.replace(f, format="docx", path=f.path.replace(".pdf", ".docx"))
            for f in order.payload.files
        ),
    )
    with pytest.raises(Rejected):
        await feed(database, use_cases.queue_document_email, no_pdf, LETTERS)


async def test_expiring_warning_is_delivered_over_smtp(database: Database) -> None:
    await with_contacts(database)
    warning = envelope(SITE_EXPIRING, leader_person_id=LEADER, co_leader_person_id=CO_LEADER)
    await feed(database, use_cases.queue_expiring_emails, warning, LETTERS)
    controller, mailbox = start_mailbox()
    try:
        settings = NotificationsSettings(
            service="notifications",
            district="yaya",
            database_url=database.url,
            smtp_host=controller.hostname,
            smtp_port=controller.port,
            mail_from="imc@yaya.example.ru",
            mail_from_name="МБУ «ИМЦ»",
            **testing.auth_settings(),
        )
        worker = DeliveryWorker(database, settings)
        assert await worker.deliver_due() == 3
        assert await worker.deliver_due() == 0
    finally:
        controller.stop()
    assert len(mailbox.messages) == 3
    [letter] = mailbox.to(LEADER_EMAIL)
    assert str(letter["Subject"]).startswith("Срок деятельности площадки заканчивается")
    plain = letter.get_body(("plain",))
    assert plain is not None
    body = plain.get_content()
    assert "Здравствуйте!" in body
    assert "(через 30 дней)" in body
    assert "не более чем на 12 месяцев" in body
    assert mailbox.to(CO_LEADER_EMAIL)
    assert mailbox.to(SCHOOL_EMAIL)
    assert {r.status for r in await queued(database)} == {"sent"}


def test_subscriptions_and_no_separate_order_letter() -> None:
    from imc_contracts import (
        ATTENDANCE_RECORDED,
        COUNCIL_MEETING_SCHEDULED,
        LINK_ALERT,
        ORDER_ISSUED,
        REGISTRATION_CHANGED,
        ROADMAP_ITEM_OVERDUE,
        SURVEY_OPENED,
        TUTOR_APPOINTED,
    )
    from imc_notifications.messaging.handlers import subscribe

    class Recorder:
        def __init__(self) -> None:
            self.keys: list[str] = []

        def subscribe(self, message: MessageType[Any], handler: Any) -> None:
            self.keys.append(message.routing_key)

    recorder = Recorder()
    plain = NotificationsSettings(
        service="notifications", district="yaya", **testing.auth_settings()
    )
    subscribe(recorder, settings=plain)  # type: ignore[arg-type]
    assert ORDER_ISSUED.routing_key not in recorder.keys  # the order comes as a document
    assert sorted(recorder.keys) == sorted(
        m.routing_key
        for m in (
            ORGANISATION_UPSERTED,
            PERSON_UPSERTED,
            DOCUMENT_GENERATED,
            APPLICATION_SUBMITTED,
            APPLICATION_RETURNED,
            DECISION_MADE,
            SITE_EXPIRING,
            SITE_EXPIRED,
            REPORT_DUE,
            EVENT_REMINDER,
            ATTENDANCE_RECORDED,
            ROADMAP_ITEM_OVERDUE,
            REGISTRATION_CHANGED,
            COUNCIL_MEETING_SCHEDULED,
            LINK_ALERT,
            SURVEY_OPENED,
            TUTOR_APPOINTED,
        )
    )


async def test_event_reminder_reaches_each_registered_participant_once(
    database: Database,
) -> None:
    from imc_contracts import ReminderRecipient

    await with_contacts(database)
    reminder = envelope(
        EVENT_REMINDER,
        recipients=(
            ReminderRecipient(person_id=LEADER, full_name="Иванова Ольга Петровна"),
            ReminderRecipient(person_id=CO_LEADER, full_name="Петрова Анна Сергеевна"),
            ReminderRecipient(person_id=ORG, full_name="нет в реестре"),
        ),
    )
    first = await feed(database, use_cases.queue_event_reminders, reminder, LETTERS)
    again = EVENT_REMINDER.new(reminder.payload, district="yaya", source="test")
    assert await feed(database, use_cases.queue_event_reminders, again, LETTERS) == []
    assert sorted(n.email for n in first) == sorted([LEADER_EMAIL, CO_LEADER_EMAIL])
    assert "Напоминание: мастер-класс" in first[0].subject


async def test_submitted_application_reaches_the_centres_coordinators(
    database: Database,
) -> None:
    await with_contacts(database)  # the co-leader is an IMC methodist
    await feed(
        database,
        use_cases.upsert_person,
        envelope(
            PERSON_UPSERTED,
            person_id=UUID("0192f5a0-0000-7000-8000-000000000027"),
            full_name="Сидорова Ольга Ивановна",
            staff_group="imc_methodist",
            email="sidorova@imc.example.ru",
            archived=True,
        ),
    )
    submitted = envelope(APPLICATION_SUBMITTED)
    [row] = await feed(database, use_cases.queue_submitted_emails, submitted, LETTERS)
    assert row.email == CO_LEADER_EMAIL  # not the teacher leader, not the archived methodist
    assert row.subject.startswith("Новая заявка: ")
    assert "Проверьте комплектность заявки" in row.body
    assert await feed(database, use_cases.queue_submitted_emails, submitted, LETTERS) == []


async def test_a_link_alert_reaches_the_centres_coordinators_once(database: Database) -> None:
    from imc_contracts import LINK_ALERT

    await with_contacts(database)  # the co-leader is an IMC methodist (a coordinator)
    down = envelope(LINK_ALERT)
    [row] = await feed(database, use_cases.queue_link_alert, down, LETTERS)
    assert row.email == CO_LEADER_EMAIL
    assert row.subject == "Нет связи с округом: Яйский муниципальный округ"
    assert "продолжает работать" in row.body
    assert await feed(database, use_cases.queue_link_alert, down, LETTERS) == []
    back = envelope(LINK_ALERT, raised=False)
    [again] = await feed(database, use_cases.queue_link_alert, back, LETTERS)
    assert again.subject.startswith("Связь с округом восстановлена")
