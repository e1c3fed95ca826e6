"""A teacher hears of their registration, council members of a meeting — each once,
in Russian, over a real local SMTP server, as their preferences say (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import (
    COUNCIL_MEETING_SCHEDULED,
    PERSON_UPSERTED,
    REGISTRATION_CHANGED,
    Envelope,
    MeetingMember,
    MessageType,
)
from imc_contracts.examples import example
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import Notification
from imc_notifications.domain import texts
from imc_notifications.services import notifications as use_cases
from imc_notifications.services import people
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.services.rendering import Tokens
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.db import Database, migrate

TEACHER = UUID("0192f5a0-0000-7000-8000-000000000007")  # the example person
MEMBER = UUID("0192f5a0-0000-7000-8000-000000000017")
STRANGER = UUID("0192f5a0-0000-7000-8000-0000000000ff")
TEACHER_EMAIL = "karpenko@yaya.example.ru"
MEMBER_EMAIL = "lapteva@imc.example.ru"
PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="Директор МБУ «ИМЦ» Н. П. Орлова\nЯйский МО")
EVENT = "семинар «Формирование функциональной грамотности: читательская грамотность»"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def settings_for(database: Database, controller: Any) -> NotificationsSettings:
    return NotificationsSettings(
        service="notifications",
        district="yaya",
        district_name="Яйский муниципальный округ",
        database_url=database.url,
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        mail_from="imc@yaya.example.ru",
        portal_url=PORTAL,
        unsubscribe_secret="s3cret-for-tests",
        **testing.auth_settings(),
    )


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_people(database: Database) -> None:
    for person, name, email in (
        (TEACHER, "Карпенко Юлия Сергеевна", TEACHER_EMAIL),
        (MEMBER, "Лаптева Светлана Николаевна", MEMBER_EMAIL),
    ):
        upserted = envelope(PERSON_UPSERTED, person_id=person, full_name=name, email=email)
        await feed(database, use_cases.upsert_person, upserted)


def plain_and_html(letter: Any) -> tuple[str, str]:
    plain, html = letter.get_body(("plain",)), letter.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


async def statuses(database: Database) -> list[tuple[str, str]]:
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Notification).order_by(Notification.created_at))
        return [(r.email, r.status) for r in rows.all()]


def registration(version: int, status: str, **changes: Any) -> Envelope[Any]:
    return envelope(REGISTRATION_CHANGED, version=version, status=status, **changes)


async def test_the_teacher_hears_of_each_registration_change_once(
    database: Database, smtp: Any
) -> None:
    await with_people(database)
    waiting = registration(1, "waiting", previous_status=None, queue_number=2)
    moved_up = registration(2, "confirmed", previous_status="waiting")
    cancelled = registration(
        3,
        "cancelled",
        previous_status="confirmed",
        venue="",
        online_url="https://vk.com/call/join/abc",
        reason="Мероприятие отменено: болезнь лектора",
    )
    for change in (waiting, moved_up, cancelled):
        [row] = await feed(database, use_cases.queue_registration_email, change, LETTERS)
        assert (row.email, row.topic) == (TEACHER_EMAIL, "events")
    again = REGISTRATION_CHANGED.new(moved_up.payload, district="yaya", source="test")
    assert await feed(database, use_cases.queue_registration_email, again, LETTERS) == []

    controller, mailbox = smtp()
    assert await DeliveryWorker(database, settings_for(database, controller)).deliver_due() == 3
    letters = {str(m["Subject"]): plain_and_html(m) for m in mailbox.to(TEACHER_EMAIL)}
    assert sorted(letters) == sorted(
        [
            f"Лист ожидания: {EVENT}",
            f"Освободилось место: {EVENT}",
            f"Мероприятие отменено: {EVENT}",
        ]
    )
    text, markup = letters[f"Лист ожидания: {EVENT}"]
    assert "вы включены в лист ожидания, ваше место в очереди — 2." in text
    # 07:00–10:00 UTC is 14:00–17:00 in Novokuznetsk time.
    assert "Дата и время: 10.12.2026, 14:00–17:00 (время местное)." in text
    assert "Место проведения: пгт Яя, ул. Школьная, 1, актовый зал." in text
    assert "Директор МБУ «ИМЦ» Н. П. Орлова\nЯйский МО" in text
    assert "Яйский муниципальный округ" in markup and "ваше место в очереди — 2" in markup
    text, _ = letters[f"Освободилось место: {EVENT}"]
    assert "переведены из листа ожидания в число участников. Место за вами" in text
    text, markup = letters[f"Мероприятие отменено: {EVENT}"]
    assert "Ваша регистрация на мероприятие " + EVENT + " отменена." in text
    assert "Причина: Мероприятие отменено: болезнь лектора." in text
    assert "Ссылка для подключения: https://vk.com/call/join/abc" in text
    assert "Место проведения" not in text
    assert '<a href="https://vk.com/call/join/abc"' in markup

    # The unsubscribe link of the letter mutes the topic: the next change is not mailed.
    token = re.search(r"/unsubscribe\?token=(\S+)", text)
    assert token is not None
    request = Tokens(settings_for(database, controller)).read(token.group(1))
    assert (request.addressee_id, request.topic) == (TEACHER, "events")
    async with database.transaction() as session:
        await people.unsubscribe(session, request)
    registered = registration(4, "confirmed", previous_status="cancelled")
    assert await feed(database, use_cases.queue_registration_email, registered, LETTERS) == []
    assert (await statuses(database))[-1] == (TEACHER_EMAIL, "muted")
    assert await DeliveryWorker(database, settings_for(database, controller)).deliver_due() == 0
    assert len(mailbox.messages) == 3


def test_a_plain_confirmation_is_worded_as_such() -> None:
    change = example(REGISTRATION_CHANGED).payload
    confirmed = msgspec.structs.replace(change, previous_status=None)
    text = texts.registration_changed(
        confirmed, zone=ZoneInfo("Europe/Moscow"), portal_url="", sender="ИМЦ"
    )
    assert text.subject == f"Регистрация подтверждена: {EVENT}"
    assert f"Ваша регистрация на мероприятие {EVENT} подтверждена." in text.body
    assert "10.12.2026, 10:00–13:00 (время местное)" in text.body
    cancelled = msgspec.structs.replace(change, status="cancelled", reason="")
    worded = texts.registration_changed(cancelled, zone=ZoneInfo("UTC"), portal_url="", sender="")
    assert worded.subject.startswith("Регистрация отменена: ")
    assert "Причина" not in worded.body


async def test_the_teacher_is_told_who_cancelled_their_registration(database: Database) -> None:
    await with_people(database)
    by_school = registration(
        2,
        "cancelled",
        previous_status="confirmed",
        cancelled_by="school",
        cancelled_by_name="Кузнецова Марина Петровна",
    )
    [row] = await feed(database, use_cases.queue_registration_email, by_school, LETTERS)
    assert (row.email, row.subject) == (TEACHER_EMAIL, f"Регистрация отменена: {EVENT}")
    async with database.sessions() as session:
        bodies = [r.body for r in await session.scalars(sa.select(Notification))]
    assert bodies and all(
        "Запись отменена представителем образовательной организации "
        "(Кузнецова Марина Петровна)." in body
        for body in bodies
    )
    assert all("Причина" not in body for body in bodies)


def test_each_canceller_is_worded_with_the_reason() -> None:
    change = msgspec.structs.replace(
        example(REGISTRATION_CHANGED).payload, status="cancelled", previous_status="confirmed"
    )

    def body(**changes: Any) -> str:
        told = msgspec.structs.replace(change, **changes)
        return texts.registration_changed(told, zone=ZoneInfo("UTC"), portal_url="", sender="").body

    by_self = body(cancelled_by="self", cancelled_by_name="", reason="")
    assert "Запись отменена вами." in by_self
    assert "организатором" not in by_self and "Причина" not in by_self
    by_event = body(
        cancelled_by="organiser",
        cancelled_by_name="Сидорова Ольга Викторовна",
        reason="Мероприятие отменено: болезнь лектора",
    )
    assert (
        "Запись отменена организатором (Сидорова Ольга Викторовна).\n"
        "Причина: Мероприятие отменено: болезнь лектора." in by_event
    )
    nameless = body(cancelled_by="organiser", cancelled_by_name=" ", reason="")
    assert "Запись отменена организатором." in nameless
    unknown = body(cancelled_by="", cancelled_by_name="", reason="")
    assert "Запись отменена" not in unknown
    assert texts.cancelled_by_text("school", "") == (
        "Запись отменена представителем образовательной организации."
    )


async def test_each_council_member_is_invited_once_as_they_chose(
    database: Database, smtp: Any
) -> None:
    await with_people(database)
    async with database.transaction() as session:
        await people.set_preference(session, MEMBER, "applications", "email", "daily")
    meeting = envelope(
        COUNCIL_MEETING_SCHEDULED,
        members=(
            MeetingMember(person_id=TEACHER, full_name="Карпенко Юлия Сергеевна"),
            MeetingMember(person_id=MEMBER, full_name="Лаптева Светлана Николаевна"),
            MeetingMember(person_id=STRANGER, full_name="нет в реестре"),
        ),
    )
    queued = await feed(database, use_cases.queue_meeting_invitations, meeting, LETTERS)
    assert sorted((n.email, n.status, n.topic) for n in queued) == [
        (TEACHER_EMAIL, "queued", "applications"),
        (MEMBER_EMAIL, "held", "applications"),  # waits for the daily digest
    ]
    again = COUNCIL_MEETING_SCHEDULED.new(meeting.payload, district="yaya", source="test")
    assert await feed(database, use_cases.queue_meeting_invitations, again, LETTERS) == []

    controller, mailbox = smtp()
    assert await DeliveryWorker(database, settings_for(database, controller)).deliver_due() == 1
    [letter] = mailbox.messages
    assert TEACHER_EMAIL in str(letter["To"])
    assert str(letter["Subject"]) == "Заседание методического совета 03.12.2026"
    text, markup = plain_and_html(letter)
    assert (
        "Заседание методического совета (протокол № 3) состоится 03.12.2026, "
        "место проведения: МБУ ИМЦ УО Яйского округа, каб. 5." in text
    )
    assert "Заседание методического совета (протокол № 3)" in markup
    assert "Отписаться от этих уведомлений</a>" in markup
