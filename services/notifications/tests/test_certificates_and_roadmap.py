"""Certificates of participation mailed to their participant and overdue road-map rows
alerted to those concerned, on a real database (SQLite and PostgreSQL) and through a real
local SMTP server; once per recipient, as each person's preferences say."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import (
    ATTENDANCE_RECORDED,
    DOCUMENT_GENERATED,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    ROADMAP_ITEM_OVERDUE,
    Envelope,
    GeneratedFile,
    MessageType,
)
from imc_contracts.examples import example
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import Notification
from imc_notifications.services import notifications as use_cases
from imc_notifications.services import people
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.db import Database, migrate

PERSON = UUID("0192f5a0-0000-7000-8000-000000000007")  # the examples' teacher
METHODIST = UUID("0192f5a0-0000-7000-8000-000000000017")
REGISTRATION = UUID("0192f5a0-0000-7000-8000-00000000000c")
CERTIFICATE = UUID("0192f5a0-0000-7000-8000-0000000000c1")
TEACHER_EMAIL = "karpenko@yaya.example.ru"
METHODIST_EMAIL = "petrova@imc.example.ru"
SCHOOL_EMAIL = "sosh1@yaya.example.ru"
PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="МБУ «ИМЦ»")
PDF_PATH = f"/documents/{CERTIFICATE}/file.pdf"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_contacts(database: Database) -> None:
    """The school, the teacher and an IMC methodist, as the registry announces them."""
    await feed(database, use_cases.upsert_recipient, envelope(ORGANISATION_UPSERTED))
    teacher = envelope(PERSON_UPSERTED, email=TEACHER_EMAIL, staff_group="teacher")
    await feed(database, use_cases.upsert_person, teacher)
    methodist = envelope(
        PERSON_UPSERTED,
        person_id=METHODIST,
        full_name="Петрова Анна Сергеевна",
        staff_group="imc_methodist",
        email=METHODIST_EMAIL,
    )
    await feed(database, use_cases.upsert_person, methodist)


def certificate() -> Envelope[Any]:
    return envelope(
        DOCUMENT_GENERATED,
        document_id=CERTIFICATE,
        kind="certificate",
        title="Сертификат участника: Карпенко Юлия Сергеевна",
        number="7KQ2-M9XD",
        subject_id=REGISTRATION,
        files=(GeneratedFile(format="pdf", path=PDF_PATH, size=20, sha256="c" * 64),),
    )


async def rows(database: Database) -> list[Notification]:
    async with database.sessions() as session:
        result = await session.scalars(sa.select(Notification).order_by(Notification.email))
        return list(result.all())


async def test_certificate_is_mailed_to_its_participant_once_with_the_pdf(
    database: Database, smtp: Any, http_stub: Any
) -> None:
    await with_contacts(database)
    generated = certificate()
    with pytest.raises(LookupError):  # whose registration it is not known yet: retried
        await feed(database, use_cases.queue_document_email, generated, LETTERS)
    await feed(database, use_cases.upsert_participation, envelope(ATTENDANCE_RECORDED))
    older = envelope(ATTENDANCE_RECORDED, version=1, event_title="Старое название")
    await feed(database, use_cases.upsert_participation, older)
    [row] = await feed(database, use_cases.queue_document_email, generated, LETTERS)
    again = DOCUMENT_GENERATED.new(generated.payload, district="yaya", source="documents")
    assert await feed(database, use_cases.queue_document_email, again, LETTERS) == []
    assert (row.email, row.topic) == (TEACHER_EMAIL, "documents")
    http_stub.files[PDF_PATH] = b"%PDF-1.7 certificate"
    controller, mailbox = smtp()
    settings = NotificationsSettings(
        service="notifications",
        district="yaya",
        database_url=database.url,
        mail_from="imc@yaya.example.ru",
        portal_url=PORTAL,
        unsubscribe_secret="s3cret-for-tests",
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        documents_url=http_stub.url,
        **testing.auth_settings(),
    )
    assert await DeliveryWorker(database, settings).deliver_due() == 1
    [letter] = mailbox.messages
    assert TEACHER_EMAIL in str(letter["To"])
    subject = "Сертификат участника: «Формирование функциональной грамотности: читательская"
    assert str(letter["Subject"]).startswith(subject)
    plain = letter.get_body(("plain",))
    assert plain is not None
    text = plain.get_content()
    assert "Благодарим вас за участие в мероприятии: семинар «Формирование" in text
    assert "сертификат участника № 7KQ2-M9XD" in text
    assert "/unsubscribe?token=" in text
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_filename() == "Сертификат участника № 7KQ2-M9XD.pdf"
    assert attachment.get_content() == b"%PDF-1.7 certificate"


async def test_certificate_respects_the_participants_preferences(database: Database) -> None:
    await with_contacts(database)
    await feed(database, use_cases.upsert_participation, envelope(ATTENDANCE_RECORDED))
    async with database.transaction() as session:
        await people.set_preference(session, PERSON, "documents", "email", "mute")
    assert await feed(database, use_cases.queue_document_email, certificate(), LETTERS) == []
    [row] = await rows(database)
    assert (row.email, row.status) == (TEACHER_EMAIL, "muted")
    async with database.sessions() as session:
        unread, items = await people.inbox(session, PERSON)
    assert unread == 1 and items[0].subject.startswith("Сертификат участника")


async def test_overdue_row_alerts_responsible_methodists_and_school_once(
    database: Database,
) -> None:
    await with_contacts(database)
    overdue = envelope(ROADMAP_ITEM_OVERDUE)
    queued = await feed(database, use_cases.queue_overdue_emails, overdue, LETTERS)
    assert sorted(n.email for n in queued) == sorted([TEACHER_EMAIL, METHODIST_EMAIL, SCHOOL_EMAIL])
    assert {n.topic for n in queued} == {"deadlines"}
    again = ROADMAP_ITEM_OVERDUE.new(overdue.payload, district="yaya", source="scheduling")
    assert await feed(database, use_cases.queue_overdue_emails, again, LETTERS) == []
    row = queued[0]
    assert row.subject == (
        "Просрочен пункт дорожной карты: «Открытые уроки по смысловому чтению» "
        "(МБОУ «Яйская СОШ № 1»)"
    )
    assert "площадки на базе МБОУ «Яйская СОШ № 1»: «Открытые уроки" in row.body
    assert "Срок выполнения: 20.11.2026 (просрочка — 3 дня)." in row.body
    assert "Ответственный: Белова Марина Александровна." in row.body


async def test_overdue_row_respects_preferences_and_an_unknown_responsible(
    database: Database,
) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, METHODIST, "deadlines", "email", "daily")
    overdue = envelope(ROADMAP_ITEM_OVERDUE, responsible_person_id=None, days_overdue=1)
    queued = await feed(database, use_cases.queue_overdue_emails, overdue, LETTERS)
    assert {(n.email, n.status) for n in queued} == {
        (METHODIST_EMAIL, "held"),
        (SCHOOL_EMAIL, "queued"),
    }
    assert "(просрочка — 1 день)" in queued[0].body
