"""Delivery on a real database (SQLite and PostgreSQL) through real local servers: SMTP
with temporary and permanent failures, the MAX Bot API, a webhook receiver; duplicates,
a crash between send and record, the rate limit, digests and mute."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ssl
import subprocess
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa
from aiosmtpd.smtp import AuthResult, LoginPassword

from imc_contracts import (
    DECISION_MADE,
    DOCUMENT_GENERATED,
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    REPORT_DUE,
    SITE_EXPIRING,
    Envelope,
    MessageType,
)
from imc_contracts.examples import example
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import InboxItem, Notification, Person
from imc_notifications.services import notifications as use_cases
from imc_notifications.services import people
from imc_notifications.services.channels import MAX_TEXT_LIMIT
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.auth import Role, TokenVerifier
from imc_shared.db import Database, migrate

ORG = UUID("0192f5a0-0000-7000-8000-000000000001")
LEADER = UUID("0192f5a0-0000-7000-8000-000000000007")
SCHOOL_EMAIL = "sosh1@yaya.example.ru"
LEADER_EMAIL = "ivanova@yaya.example.ru"
PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="Директор МБУ «ИМЦ» Н. П. Орлова\nЯйский МО")
MAX_TOKEN = "test-max-token-123"
MAX_USER = 90210


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def settings_for(database: Database, **changes: Any) -> NotificationsSettings:
    base: dict[str, Any] = {
        "service": "notifications",
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "database_url": database.url,
        "mail_from": "imc@yaya.example.ru",
        "mail_from_name": "МБУ «ИМЦ»",
        "portal_url": PORTAL,
        "unsubscribe_secret": "s3cret-for-tests",
        "max_bot_token": MAX_TOKEN,
        **testing.auth_settings(),
    }
    return NotificationsSettings(**{**base, **changes})


def smtp_settings(database: Database, controller: Any, **changes: Any) -> NotificationsSettings:
    return settings_for(
        database, smtp_host=controller.hostname, smtp_port=controller.port, **changes
    )


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_contacts(database: Database) -> None:
    await feed(database, use_cases.upsert_recipient, envelope(ORGANISATION_UPSERTED))
    await feed(database, use_cases.upsert_person, envelope(PERSON_UPSERTED, email=LEADER_EMAIL))


async def rows(database: Database) -> list[Notification]:
    async with database.sessions() as session:
        result = await session.scalars(sa.select(Notification).order_by(Notification.created_at))
        return list(result.all())


async def log_of(database: Database, notification_id: UUID) -> list[tuple[str, str]]:
    async with database.sessions() as session:
        _, events = await people.notification_log(session, notification_id)
    return [(e.status, e.detail) for e in events]


def later(seconds: float) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


async def queue_warning(database: Database, **changes: Any) -> list[Notification]:
    fields: dict[str, Any] = {"leader_person_id": LEADER, "co_leader_person_id": None}
    warning = envelope(SITE_EXPIRING, **{**fields, **changes})
    return await feed(database, use_cases.queue_expiring_emails, warning, LETTERS)


# --- email ---------------------------------------------------------------------------


async def test_email_has_plain_html_attachment_and_unsubscribe_link(
    database: Database, smtp: Any, http_stub: Any
) -> None:
    await with_contacts(database)
    order = envelope(DOCUMENT_GENERATED)
    [pdf] = [f for f in order.payload.files if f.format == "pdf"]
    http_stub.files[pdf.path] = b"%PDF-1.7 order"
    [row] = await feed(database, use_cases.queue_document_email, order, LETTERS)
    controller, mailbox = smtp()
    worker = DeliveryWorker(
        database, smtp_settings(database, controller, documents_url=http_stub.url)
    )
    assert await worker.deliver_due() == 1
    [letter] = mailbox.to(SCHOOL_EMAIL)
    plain = letter.get_body(("plain",))
    html = letter.get_body(("html",))
    assert plain is not None and html is not None
    text, markup = plain.get_content(), html.get_content()
    assert "Директор МБУ «ИМЦ» Н. П. Орлова" in text
    assert f"Подробности — на портале: {PORTAL}" in text
    assert "Отписаться от них (вход на портал не нужен): " + PORTAL + "/unsubscribe?token=" in text
    assert f'<a href="{PORTAL}">Войти на портал' in markup
    assert "Отписаться от этих уведомлений</a>" in markup
    assert "Яйский муниципальный округ" in markup
    assert str(letter["List-Unsubscribe"]).startswith(f"<{PORTAL}/unsubscribe?token=")
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_filename() == "Приказ № 45-од.pdf"
    assert attachment.get_content() == b"%PDF-1.7 order"
    # The documents service is asked with this service's own short-lived token.
    [fetched] = [r for r in http_stub.requests if r.path == pdf.path]
    scheme, _, token = fetched.headers["authorization"].partition(" ")
    assert scheme == "Bearer"
    caller = TokenVerifier(testing.public_keys()).verify(token)
    assert (caller.role, caller.district, caller.subject) == (
        Role.SERVICE,
        "yaya",
        "notifications",
    )
    assert [s for s, _ in await log_of(database, row.id)] == ["queued", "sending", "sent"]


async def test_temporary_smtp_failure_is_retried_with_backoff(
    database: Database, smtp: Any
) -> None:
    await with_contacts(database)
    await queue_warning(database, leader_person_id=None)  # the school only
    controller, mailbox = smtp("451 4.3.0 Try again later")
    worker = DeliveryWorker(database, smtp_settings(database, controller))
    assert await worker.deliver_due() == 1
    [notification] = await rows(database)
    assert (notification.status, notification.attempts) == ("queued", 1)
    assert "451" in (notification.last_error or "")
    assert mailbox.messages == []
    # Not due before the backoff has passed; then it goes through.
    assert await worker.deliver_due() == 0
    assert await worker.deliver_due(now=later(6)) == 1
    assert len(mailbox.to(SCHOOL_EMAIL)) == 1
    [notification] = await rows(database)
    assert (notification.status, notification.attempts) == ("sent", 2)
    statuses = [s for s, _ in await log_of(database, notification.id)]
    assert statuses == ["queued", "sending", "retry", "sending", "sent"]


async def test_permanent_smtp_failure_is_not_retried(database: Database, smtp: Any) -> None:
    await with_contacts(database)
    await queue_warning(database, leader_person_id=None)
    controller, mailbox = smtp("550 5.1.1 Mailbox unavailable")
    worker = DeliveryWorker(database, smtp_settings(database, controller))
    assert await worker.deliver_due() == 1
    assert await worker.deliver_due(now=later(3600)) == 0
    [notification] = await rows(database)
    assert (notification.status, notification.attempts) == ("failed", 1)
    assert mailbox.refused == 1 and mailbox.messages == []
    [*_, (status, detail)] = await log_of(database, notification.id)
    assert status == "failed" and "550" in detail


async def test_a_message_delivered_twice_is_sent_once(database: Database, smtp: Any) -> None:
    await with_contacts(database)
    decision = envelope(DECISION_MADE, applicant_email="zav@school.ru")
    again = DECISION_MADE.new(decision.payload, district="yaya", source="test")
    assert len(await feed(database, use_cases.queue_decision_email, decision, LETTERS)) == 1
    assert await feed(database, use_cases.queue_decision_email, again, LETTERS) == []
    controller, mailbox = smtp()
    worker = DeliveryWorker(database, smtp_settings(database, controller))
    await worker.deliver_due()
    await worker.deliver_due(now=later(3600))
    assert len(mailbox.to("zav@school.ru")) == 1
    [letter] = mailbox.messages
    assert list(letter.iter_attachments()) == []


class Crash(BaseException):
    """The process dies (nothing in the worker catches it)."""


async def test_crash_between_send_and_record_is_not_resent_blindly(
    database: Database, smtp: Any
) -> None:
    await with_contacts(database)
    await queue_warning(database, leader_person_id=None)
    controller, mailbox = smtp()
    settings = smtp_settings(database, controller)
    worker = DeliveryWorker(database, settings)

    async def die(_: Notification) -> None:
        raise Crash

    worker.mark_sent = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await worker.deliver_due()
    assert len(mailbox.messages) == 1  # the server took it
    [notification] = await rows(database)
    assert notification.status == "sending"  # ...but we never recorded that

    restarted = DeliveryWorker(database, settings)
    assert await restarted.recover() == 1
    assert await restarted.deliver_due(now=later(3600)) == 0
    assert len(mailbox.messages) == 1  # not sent a second time
    [notification] = await rows(database)
    assert notification.status == "uncertain"
    [*_, (status, detail)] = await log_of(database, notification.id)
    assert status == "uncertain" and "Повторно не отправляется" in detail
    # An operator who checked with the school may send it again on purpose.
    async with database.transaction() as session:
        await people.resend(session, notification.id)
    assert await restarted.deliver_due() == 1
    assert len(mailbox.messages) == 2


async def test_crash_before_webhook_record_resends_with_the_same_delivery_id(
    database: Database, http_stub: Any
) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, ORG, "deadlines", "webhook", "immediate")
    await queue_warning(database, leader_person_id=None)
    settings = settings_for(database, webhook_url=http_stub.url + "/hook")
    worker = DeliveryWorker(database, settings)

    async def die(_: Notification) -> None:
        raise Crash

    worker.mark_sent = die  # type: ignore[method-assign]
    with pytest.raises(Crash):
        await worker.deliver_due()
    restarted = DeliveryWorker(database, settings)
    assert await restarted.recover() == 1
    assert await restarted.deliver_due() == 1
    first, second = http_stub.requests
    assert first.headers["x-imc-delivery"] == second.headers["x-imc-delivery"]
    [notification] = await rows(database)
    assert notification.status == "sent"


# --- webhook and MAX -------------------------------------------------------------------


async def test_webhook_posts_signed_json(database: Database, http_stub: Any) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, ORG, "deadlines", "webhook", "immediate")
    [row] = await queue_warning(database, leader_person_id=None)
    worker = DeliveryWorker(
        database, settings_for(database, webhook_url=http_stub.url + "/hook", webhook_secret="k")
    )
    assert await worker.deliver_due() == 1
    [request] = http_stub.requests
    assert (request.method, request.path) == ("POST", "/hook")
    expected = "sha256=" + hmac.new(b"k", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-imc-signature"] == expected
    body = request.json()
    assert body["notification_id"] == str(row.id) == request.headers["x-imc-delivery"]
    assert body["addressee_id"] == str(ORG)
    assert body["topic"] == "deadlines"
    assert body["subject"].startswith("Срок деятельности площадки заканчивается")
    assert body["portal_url"] == PORTAL


async def use_max(database: Database) -> None:
    async with database.transaction() as session:
        await people.set_max_user(session, LEADER, MAX_USER)
        await people.set_preference(session, LEADER, "deadlines", "max", "immediate")


NEW_MESSAGE_BODY_FIELDS = {"text", "attachments", "link", "notify", "format"}
"""``NewMessageBody`` of the MAX Bot API (POST /messages)."""


async def test_max_bot_sends_the_documented_request(database: Database, http_stub: Any) -> None:
    await with_contacts(database)
    await use_max(database)
    await queue_warning(database)
    worker = DeliveryWorker(database, settings_for(database, max_api_url=http_stub.url))
    # Two notifications: the leader's via MAX, the school's by email (no SMTP here).
    await worker.deliver_due()
    [request] = http_stub.requests
    # POST https://platform-api.max.ru/messages?user_id={user_id}
    assert (request.method, request.path) == ("POST", "/messages")
    assert request.query == {"user_id": [str(MAX_USER)]}
    # The token goes in the Authorization header as is (not in the query, no "Bearer").
    assert request.headers["authorization"] == MAX_TOKEN
    assert "access_token" not in request.query
    assert request.headers["content-type"].startswith("application/json")
    body = request.json()
    assert set(body) <= NEW_MESSAGE_BODY_FIELDS
    assert isinstance(body["text"], str) and 0 < len(body["text"]) <= MAX_TEXT_LIMIT
    assert body["notify"] is True
    assert body["text"].startswith("Срок деятельности площадки заканчивается")
    assert body["text"].endswith(f"Подробности — на портале: {PORTAL}")
    leader = next(r for r in await rows(database) if r.email == LEADER_EMAIL)
    assert (leader.channel, leader.status) == ("max", "sent")


async def test_max_errors_temporary_and_permanent(database: Database, http_stub: Any) -> None:
    await with_contacts(database)
    await use_max(database)
    await queue_warning(database)
    http_stub.answer(503, {"code": "service.unavailable"})
    http_stub.answer(400, {"code": "chat.denied", "message": "bot is blocked"})
    worker = DeliveryWorker(
        database,
        settings_for(database, max_api_url=http_stub.url, smtp_port=1),  # email fails too
    )
    await worker.deliver_due()
    leader = next(r for r in await rows(database) if r.email == LEADER_EMAIL)
    assert (leader.status, leader.attempts) == ("queued", 1)
    await worker.deliver_due(now=later(6))
    leader = next(r for r in await rows(database) if r.email == LEADER_EMAIL)
    assert leader.status == "failed" and "chat.denied" in (leader.last_error or "")
    assert len(http_stub.requests) == 2


# --- rate limit, digests, mute, inbox ---------------------------------------------------


async def test_rate_limit_defers_the_excess(database: Database, smtp: Any) -> None:
    await with_contacts(database)
    for days in (30, 7, 1):
        await queue_warning(database, leader_person_id=None, days_left=days)
    controller, mailbox = smtp()
    worker = DeliveryWorker(database, smtp_settings(database, controller, rate_limit_per_hour=2))
    assert await worker.deliver_due() == 3
    assert len(mailbox.messages) == 2
    deferred = [r for r in await rows(database) if r.status == "queued"]
    assert len(deferred) == 1
    assert [s for s, _ in await log_of(database, deferred[0].id)] == ["queued", "deferred"]
    assert await worker.deliver_due(now=later(30 * 60)) == 0  # still within the hour
    assert await worker.deliver_due(now=later(61 * 60)) == 1
    assert len(mailbox.messages) == 3


async def test_daily_digest_collects_held_items_into_one_email(
    database: Database, smtp: Any
) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, LEADER, "deadlines", "email", "daily")
    await queue_warning(database)
    await feed(database, use_cases.queue_report_emails, envelope(REPORT_DUE), LETTERS)
    held = [r for r in await rows(database) if r.status == "held"]
    assert {r.email for r in held} == {LEADER_EMAIL} and len(held) == 2
    release = held[0].next_attempt_at
    release = release if release.tzinfo else release.replace(tzinfo=UTC)
    assert release > datetime.now(UTC) and release.hour == 7
    controller, mailbox = smtp()
    worker = DeliveryWorker(database, smtp_settings(database, controller))
    await worker.deliver_due()
    assert mailbox.to(LEADER_EMAIL) == []  # the school got its two at once
    assert len(mailbox.to(SCHOOL_EMAIL)) == 2
    assert await worker.run_digests(now=release - timedelta(minutes=1)) == []
    [digest_id] = await worker.run_digests(now=release)
    assert await worker.run_digests(now=release) == []  # collected once
    await worker.deliver_due(now=release)
    [letter] = mailbox.to(LEADER_EMAIL)
    assert str(letter["Subject"]) == "Сводка уведомлений: Сроки и отчёты (2)"
    plain = letter.get_body(("plain",))
    assert plain is not None
    text = plain.get_content()
    for row in held:
        assert row.subject in text
    assert "Отписаться" in text
    after = {r.id: r for r in await rows(database)}
    assert all(after[r.id].status == "digested" for r in held)
    assert all(after[r.id].digest_id == digest_id for r in held)


async def test_muted_topic_sends_nothing_but_keeps_the_inbox(database: Database, smtp: Any) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, LEADER, "deadlines", "email", "mute")
    queued = await queue_warning(database)
    assert [r.email for r in queued] == [SCHOOL_EMAIL]
    [muted] = [r for r in await rows(database) if r.email == LEADER_EMAIL]
    assert muted.status == "muted"
    async with database.sessions() as session:
        unread, items = await people.inbox(session, LEADER)
    assert unread == 1 and items[0].subject == muted.subject


async def test_inbox_only_channel_records_without_pushing(database: Database) -> None:
    await with_contacts(database)
    async with database.transaction() as session:
        await people.set_preference(session, LEADER, "deadlines", "inbox", "immediate")
    await queue_warning(database)
    leader = next(r for r in await rows(database) if r.email == LEADER_EMAIL)
    assert (leader.channel, leader.status) == ("inbox", "sent")
    async with database.sessions() as session:
        count = await session.scalar(sa.select(sa.func.count()).select_from(InboxItem))
    assert count == 2  # the leader's and the school's


async def test_max_needs_a_max_user_id(database: Database) -> None:
    from imc_shared.errors import InvalidInput

    await with_contacts(database)
    with pytest.raises(InvalidInput) as error:
        async with database.transaction() as session:
            await people.set_preference(session, LEADER, "deadlines", "max", "immediate")
    assert error.value.field == "channel"
    async with database.sessions() as session:
        person = await session.get(Person, LEADER)
    assert person is not None and person.max_user_id is None


# --- TLS and authentication ------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl tool)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def authenticator(logins: list[str]) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"imc",
            b"pa55",
        )
        if ok:
            logins.append(mechanism)
        return AuthResult(success=ok)

    return check


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_smtp_with_tls_and_authentication(
    database: Database, smtp: Any, certificate: tuple[str, str], mode: str
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[str] = []
    options: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
        if mode == "starttls"
        # aiosmtpd does not know an implicit-TLS socket is encrypted: allow AUTH on it.
        else {"ssl_context": context, "auth_require_tls": False}
    )
    controller, mailbox = smtp(
        auth_required=True,
        authenticator=authenticator(logins),
        **options,
    )
    await with_contacts(database)
    await queue_warning(database, leader_person_id=None)
    worker = DeliveryWorker(
        database,
        smtp_settings(
            database,
            controller,
            smtp_user="imc",
            smtp_password="pa55",
            smtp_starttls=mode == "starttls",
            smtp_tls=mode == "tls",
            smtp_ca_file=cert,
        ),
    )
    assert await worker.deliver_due() == 1
    assert len(mailbox.messages) == 1 and logins
    statuses = sorted(r.status for r in await rows(database))
    assert statuses == ["sent"]
    [letter] = mailbox.messages
    assert letter.get_body(("html",)) is not None


async def test_background_worker_recovers_then_sends(database: Database, smtp: Any) -> None:
    await with_contacts(database)
    await queue_warning(database, leader_person_id=None)
    await queue_warning(database, leader_person_id=None, days_left=7)
    first, _ = await rows(database)
    async with database.transaction() as session:  # left "sending" by a dead process
        await session.execute(
            sa.update(Notification).where(Notification.id == first.id).values(status="sending")
        )
    controller, mailbox = smtp()
    worker = DeliveryWorker(database, smtp_settings(database, controller))
    worker.start()
    try:
        for _ in range(400):  # until both are settled (sent, or uncertain)
            if {r.status for r in await rows(database)} <= {"sent", "uncertain"}:
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
    assert len(mailbox.messages) == 1
    statuses = {r.id: r.status for r in await rows(database)}
    assert statuses[first.id] == "uncertain"
    assert sorted(statuses.values()) == ["sent", "uncertain"]
