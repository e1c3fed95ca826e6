"""Professional growth: teachers are asked to answer a needs survey, a tutor (педагог-тьютор)
or mentor (наставник) hears whom they accompany and each teacher who accompanies them —
in Russian, one letter per person, once, as each person's preferences for the topic
«Профессиональное развитие» say, over a real local SMTP server (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa

from imc_contracts import (
    PERSON_UPSERTED,
    SURVEY_OPENED,
    TUTOR_APPOINTED,
    Envelope,
    MessageType,
)
from imc_contracts.examples import example
from imc_contracts.messages import SurveyRecipient
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import DeliveryEvent, InboxItem, Notification
from imc_notifications.domain import texts
from imc_notifications.domain.preferences import TOPICS
from imc_notifications.messaging.handlers import subscribe
from imc_notifications.services import notifications as use_cases
from imc_notifications.services import people
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.services.rendering import Tokens
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.db import Database, migrate

PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="Директор МБУ «ИМЦ» Н. П. Орлова\nЯйский МО")
SURVEY = UUID("0192f5a0-0000-7000-8000-0000000000c1")
ASSIGNMENT = UUID("0192f5a0-0000-7000-8000-0000000000c2")
TUTOR = UUID("0192f5a0-0000-7000-8000-0000000000d0")
KARPENKO = UUID("0192f5a0-0000-7000-8000-0000000000d1")
SEDOVA = UUID("0192f5a0-0000-7000-8000-0000000000d2")
NO_EMAIL = UUID("0192f5a0-0000-7000-8000-0000000000d3")
STRANGER = UUID("0192f5a0-0000-7000-8000-0000000000ff")
PEOPLE = {
    TUTOR: ("Белова Марина Александровна", "belova@school1.example.ru"),
    KARPENKO: ("Карпенко Юлия Сергеевна", "karpenko@school1.example.ru"),
    SEDOVA: ("Седова Анна Игоревна", "sedova@school2.example.ru"),
    NO_EMAIL: ("Зуев Павел Андреевич", ""),
}
TITLE = "Мониторинг профессиональных и информационных потребностей педагогов"
OGE = "Подготовка обучающихся к ОГЭ по математике"


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


def again(message: Envelope[Any]) -> Envelope[Any]:
    """The same payload published once more, under a new message id."""
    kind = SURVEY_OPENED if message.type == SURVEY_OPENED.type else TUTOR_APPOINTED
    return kind.new(message.payload, district="yaya", source="test")


def teachers(*ids: UUID) -> tuple[SurveyRecipient, ...]:
    return tuple(SurveyRecipient(person_id=i, full_name=PEOPLE[i][0]) for i in ids)


def survey(*ids: UUID, **changes: Any) -> Envelope[Any]:
    return envelope(
        SURVEY_OPENED,
        survey_id=SURVEY,
        title=TITLE,
        recipients=(*teachers(*ids), SurveyRecipient(person_id=STRANGER, full_name="нет")),
        **changes,
    )


def appointment(kind: str, *ids: UUID, **changes: Any) -> Envelope[Any]:
    return envelope(
        TUTOR_APPOINTED,
        assignment_id=ASSIGNMENT,
        kind=kind,
        tutor_person_id=TUTOR,
        tutor_name=PEOPLE[TUTOR][0],
        teachers=teachers(*ids),
        **changes,
    )


async def feed(database: Database, use_case: Any, message: Envelope[Any]) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, LETTERS)


async def with_people(database: Database) -> None:
    for person_id, (name, address) in PEOPLE.items():
        upserted = envelope(PERSON_UPSERTED, person_id=person_id, full_name=name, email=address)
        async with database.transaction() as session:
            await use_cases.upsert_person(session, upserted)


async def mute(database: Database, person_id: UUID) -> None:
    async with database.transaction() as session:
        await people.set_preference(session, person_id, "growth", "email", "mute")


async def rows(database: Database) -> list[Notification]:
    async with database.sessions() as session:
        found = await session.scalars(sa.select(Notification).order_by(Notification.email))
        return list(found.all())


def plain_and_html(letter: Any) -> tuple[str, str]:
    plain, html = letter.get_body(("plain",)), letter.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


# --- texts -----------------------------------------------------------------------


def test_the_survey_letter_asks_to_answer_by_the_closing_date() -> None:
    opened = survey(KARPENKO).payload
    text = texts.survey_opened(opened, portal_url=PORTAL + "/", sender="ИМЦ")
    assert text.subject == f"Просим заполнить анкету «{TITLE}» до 15.12.2026"
    assert text.body.startswith("Здравствуйте!\n\n")
    assert (
        "Проводится мониторинг профессиональных и информационных потребностей "
        "педагогических работников на 2026/2027 учебный год." in text.body
    )
    assert f"Просим вас ответить на вопросы анкеты «{TITLE}» на портале." in text.body
    assert "Срок заполнения анкеты — до «15» декабря 2026 г." in text.body
    assert f"Заполнить анкету: {PORTAL}/growth/surveys/{SURVEY}\n" in text.body
    assert "Подробности — на портале" not in text.body  # the survey's own link instead
    assert "г.." not in text.body
    assert text.body.endswith("отвечать на него не нужно.\n")

    open_ended = msgspec.structs.replace(opened, closes_on=None, school_year="")
    text = texts.survey_opened(open_ended, portal_url="", sender="ИМЦ")
    assert text.subject == f"Просим заполнить анкету «{TITLE}»"
    assert "педагогических работников.\n" in text.body
    assert "Срок заполнения" not in text.body and "учебный год" not in text.body
    assert "Анкета размещена на портале." in text.body and "http" not in text.body


def test_a_tutor_and_a_mentor_are_worded_each_in_their_own_terms() -> None:
    tutor = texts.tutor_appointed(
        appointment("tutor", KARPENKO, SEDOVA).payload, portal_url=PORTAL, sender="ИМЦ"
    )
    assert tutor.subject == "Вы назначены педагогом-тьютором"
    assert (
        "Вы назначены педагогом-тьютором.\n"
        "Вам поручено сопровождение педагогов:\n"
        "— Карпенко Юлия Сергеевна\n"
        "— Седова Анна Игоревна\n"
        f"Тема: «{OGE}».\n"
        "Срок: с «01» декабря 2026 г. по «31» мая 2027 г.\n\n"
        "Просим связаться с педагогами и согласовать план работы." in tutor.body
    )
    assert f"Подробности — на портале: {PORTAL}" in tutor.body

    mentor = texts.tutor_appointed(
        appointment("mentor", SEDOVA, topic="", ends_on=None).payload, portal_url="", sender=""
    )
    assert mentor.subject == "Вы назначены наставником"
    assert (
        "Вы назначены наставником.\n"
        "Вам поручено сопровождение педагога: Седова Анна Игоревна.\n"
        "Срок: с «01» декабря 2026 г. (дата окончания не установлена).\n\n"
        "Просим связаться с педагогом и согласовать план работы." in mentor.body
    )
    assert "Тема" not in mentor.body and "тьютор" not in mentor.body
    assert all(".." not in t.body for t in (tutor, mentor))

    taught = texts.tutor_assigned_to_teacher(
        appointment("tutor", KARPENKO).payload, portal_url=PORTAL, sender="ИМЦ"
    )
    assert taught.subject == "Вам назначен педагог-тьютор"
    assert (
        "Вам назначен педагог-тьютор: Белова Марина Александровна.\n"
        f"Тема: «{OGE}».\n"
        "Срок: с «01» декабря 2026 г. по «31» мая 2027 г.\n\n"
        "С вопросами по теме сопровождения обращайтесь к своему педагогу-тьютору." in taught.body
    )
    mentored = texts.tutor_assigned_to_teacher(
        appointment("mentor", KARPENKO).payload, portal_url=PORTAL, sender="ИМЦ"
    )
    assert mentored.subject == "Вам назначен наставник"
    assert "Вам назначен наставник: Белова Марина Александровна." in mentored.body
    assert "обращайтесь к своему наставнику." in mentored.body
    assert "тьютор" not in mentored.body


def test_the_topic_is_offered_among_the_preferences() -> None:
    assert TOPICS["growth"] == "Профессиональное развитие"


def test_both_messages_are_subscribed() -> None:
    subscribed: list[str] = []

    class Recording:
        def subscribe(self, message: MessageType[Any], handler: Any) -> None:
            subscribed.append(message.routing_key)

    settings = NotificationsSettings(
        service="notifications", district="yaya", **testing.auth_settings()
    )
    subscribe(Recording(), settings=settings)  # type: ignore[arg-type]
    assert {SURVEY_OPENED.routing_key, TUTOR_APPOINTED.routing_key} <= set(subscribed)
    assert len(subscribed) == len(set(subscribed))


# --- the survey ------------------------------------------------------------------


async def test_each_teacher_is_asked_once_and_a_muted_one_is_not_mailed(
    database: Database, smtp: Any
) -> None:
    await with_people(database)
    await mute(database, SEDOVA)
    opened = survey(KARPENKO, SEDOVA, NO_EMAIL)
    queued = await feed(database, use_cases.queue_survey_invitations, opened)
    assert [(n.email, n.status, n.topic) for n in queued] == [
        ("karpenko@school1.example.ru", "queued", "growth")
    ]
    assert [(r.email, r.status) for r in await rows(database)] == [
        ("karpenko@school1.example.ru", "queued"),
        ("sedova@school2.example.ru", "muted"),  # in her inbox only
    ]
    # The same message again, under a new id: nothing new.
    assert await feed(database, use_cases.queue_survey_invitations, again(opened)) == []
    assert len(await rows(database)) == 2

    async with database.sessions() as session:
        _, [item] = await people.inbox(session, KARPENKO)
        _, [muted_item] = await people.inbox(session, SEDOVA)
        events = await session.scalars(sa.select(DeliveryEvent.detail))
        details = list(events.all())
    assert item.topic == "growth" and item.link == f"/growth/surveys/{SURVEY}"
    assert item.subject == f"Просим заполнить анкету «{TITLE}» до 15.12.2026"
    assert muted_item.subject == item.subject
    assert "тема отключена адресатом; сообщение только в личном кабинете" in details

    controller, mailbox = smtp()
    settings = settings_for(database, controller)
    assert await DeliveryWorker(database, settings).deliver_due() == 1
    [letter] = mailbox.messages
    assert "karpenko@school1.example.ru" in str(letter["To"])
    assert str(letter["Subject"]) == f"Просим заполнить анкету «{TITLE}» до 15.12.2026"
    text, markup = plain_and_html(letter)
    assert "Срок заполнения анкеты — до «15» декабря 2026 г." in text
    assert f'<a href="{PORTAL}/growth/surveys/{SURVEY}"' in markup
    assert "«Профессиональное развитие»" in markup
    assert await DeliveryWorker(database, settings).deliver_due() == 0
    assert mailbox.to("sedova@school2.example.ru") == []


async def test_a_survey_sent_again_reaches_only_new_teachers_and_a_new_date_all(
    database: Database,
) -> None:
    await with_people(database)
    first = await feed(database, use_cases.queue_survey_invitations, survey(KARPENKO))
    assert [n.email for n in first] == ["karpenko@school1.example.ru"]
    widened = await feed(database, use_cases.queue_survey_invitations, survey(KARPENKO, SEDOVA))
    assert [n.email for n in widened] == ["sedova@school2.example.ru"]
    extended = survey(KARPENKO, SEDOVA, closes_on=date(2026, 12, 25))
    told = await feed(database, use_cases.queue_survey_invitations, extended)
    assert sorted(n.email for n in told) == [
        "karpenko@school1.example.ru",
        "sedova@school2.example.ru",
    ]
    assert all("до «25» декабря 2026 г." in n.body for n in told)
    async with database.sessions() as session:
        unread, _ = await people.inbox(session, KARPENKO)
    assert unread == 2


# --- the tutor -------------------------------------------------------------------


async def test_the_tutor_and_each_teacher_hear_of_the_appointment_once(
    database: Database, smtp: Any
) -> None:
    await with_people(database)
    await mute(database, SEDOVA)
    appointed = appointment("mentor", KARPENKO, SEDOVA, NO_EMAIL)
    queued = await feed(database, use_cases.queue_tutor_appointment, appointed)
    assert sorted((n.email, n.subject) for n in queued) == [
        ("belova@school1.example.ru", "Вы назначены наставником"),
        ("karpenko@school1.example.ru", "Вам назначен наставник"),
    ]
    assert [(r.email, r.status, r.topic) for r in await rows(database)] == [
        ("belova@school1.example.ru", "queued", "growth"),
        ("karpenko@school1.example.ru", "queued", "growth"),
        ("sedova@school2.example.ru", "muted", "growth"),
    ]
    assert await feed(database, use_cases.queue_tutor_appointment, again(appointed)) == []
    assert len(await rows(database)) == 3
    async with database.sessions() as session:
        items = await session.scalars(sa.select(InboxItem))
        inboxes = sorted((i.addressee_id, i.subject) for i in items.all())
    assert inboxes == sorted(
        [
            (TUTOR, "Вы назначены наставником"),
            (KARPENKO, "Вам назначен наставник"),
            (SEDOVA, "Вам назначен наставник"),
        ]
    )

    controller, mailbox = smtp()
    settings = settings_for(database, controller)
    assert await DeliveryWorker(database, settings).deliver_due() == 2
    [to_tutor] = mailbox.to("belova@school1.example.ru")
    text, _ = plain_and_html(to_tutor)
    assert (
        "Вы назначены наставником.\n"
        "Вам поручено сопровождение педагогов:\n"
        "— Карпенко Юлия Сергеевна\n"
        "— Седова Анна Игоревна\n"
        "— Зуев Павел Андреевич\n" in text
    )
    [to_teacher] = mailbox.to("karpenko@school1.example.ru")
    text, _ = plain_and_html(to_teacher)
    assert "Вам назначен наставник: Белова Марина Александровна." in text
    assert "Срок: с «01» декабря 2026 г. по «31» мая 2027 г." in text
    assert mailbox.to("sedova@school2.example.ru") == []

    # The teacher's letter carries the link that mutes the topic for them.
    token = text.split("/unsubscribe?token=")[1].split()[0]
    request = Tokens(settings).read(token)
    assert (request.addressee_id, request.topic) == (KARPENKO, "growth")


async def test_a_teacher_added_later_is_told_and_the_tutor_gets_the_new_list(
    database: Database,
) -> None:
    await with_people(database)
    await feed(database, use_cases.queue_tutor_appointment, appointment("tutor", KARPENKO))
    widened = appointment("tutor", KARPENKO, SEDOVA)
    queued = await feed(database, use_cases.queue_tutor_appointment, widened)
    assert sorted(n.email for n in queued) == [
        "belova@school1.example.ru",
        "sedova@school2.example.ru",
    ]
    to_tutor = next(n for n in queued if n.addressee_id == TUTOR)
    assert "— Карпенко Юлия Сергеевна\n— Седова Анна Игоревна" in to_tutor.body
    assert "педагогом-тьютором" in to_tutor.body
    assert len(await rows(database)) == 4


async def test_the_growth_messages_pass_through_the_subscribed_handlers(
    database: Database,
) -> None:
    await with_people(database)
    handlers: dict[str, Any] = {}

    class Recording:
        def subscribe(self, message: MessageType[Any], handler: Any) -> None:
            handlers[message.routing_key] = handler

    settings = NotificationsSettings(
        service="notifications", district="yaya", portal_url=PORTAL, **testing.auth_settings()
    )
    subscribe(Recording(), settings=settings)  # type: ignore[arg-type]
    for message in (survey(KARPENKO), appointment("tutor", SEDOVA)):
        async with database.transaction() as session:
            await handlers[message.routing_key](session, message, None)
    assert [(r.email, r.subject) for r in await rows(database)] == [
        ("belova@school1.example.ru", "Вы назначены педагогом-тьютором"),
        ("karpenko@school1.example.ru", f"Просим заполнить анкету «{TITLE}» до 15.12.2026"),
        ("sedova@school2.example.ru", "Вам назначен педагог-тьютор"),
    ]
