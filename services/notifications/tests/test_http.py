"""The notifications HTTP API on a real database (SQLite and PostgreSQL): the in-app
inbox, preferences, unsubscribe links (valid, forged, expired), the delivery log and the
operator's digest run."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import msgspec
import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    REPORT_DUE,
    SITE_EXPIRING,
    Envelope,
    MessageType,
)
from imc_contracts.examples import example
from imc_notifications.api.controllers import (
    InboxController,
    NotificationController,
    PreferenceController,
    UnsubscribeController,
)
from imc_notifications.app import MIGRATIONS
from imc_notifications.services import notifications as use_cases
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.services.rendering import Tokens
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app

ORG = UUID("0192f5a0-0000-7000-8000-000000000001")
LEADER = UUID("0192f5a0-0000-7000-8000-000000000007")
LEADER_EMAIL = "ivanova@yaya.example.ru"
PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="МБУ «ИМЦ»")
Client = AsyncTestClient[Any]


def leader() -> httpx.Auth:
    """The site leader's own token (a teacher of the registry)."""
    return testing.auth("yaya", Role.TEACHER, person_id=LEADER, organisation_id=ORG)


def school() -> httpx.Auth:
    """A representative of the leader's school."""
    return testing.auth("yaya", Role.SCHOOL_REPRESENTATIVE, organisation_id=ORG)


class World(msgspec.Struct):
    database: Database
    settings: NotificationsSettings
    delivery: DeliveryWorker
    client: Client


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    await migrate(database_url, MIGRATIONS)
    database = Database(database_url)
    settings = NotificationsSettings(
        service="notifications",
        district="yaya",
        district_name="Яйский муниципальный округ",
        database_url=database_url,
        portal_url=PORTAL,
        unsubscribe_secret="http-test-secret",
        smtp_port=1,
        **testing.auth_settings(),
    )
    # The test client serves the app on its own event loop: it gets its own pool.
    served = Database(database_url)
    delivery = DeliveryWorker(served, settings)
    app = create_http_app(
        [NotificationController, InboxController, PreferenceController, UnsubscribeController],
        settings=settings,
        title="Уведомления",
        dependencies={
            "database": Provide(lambda: served, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "delivery": Provide(lambda: delivery, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth(settings.district)
        yield World(database=database, settings=settings, delivery=delivery, client=client)
    await database.dispose()
    with contextlib.suppress(Exception):
        await served.dispose()


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_messages(database: Database) -> None:
    await feed(database, use_cases.upsert_recipient, envelope(ORGANISATION_UPSERTED))
    await feed(database, use_cases.upsert_person, envelope(PERSON_UPSERTED, email=LEADER_EMAIL))
    await feed(
        database,
        use_cases.queue_expiring_emails,
        envelope(SITE_EXPIRING, leader_person_id=LEADER, co_leader_person_id=None),
        LETTERS,
    )
    await feed(database, use_cases.queue_report_emails, envelope(REPORT_DUE), LETTERS)


async def test_inbox_shows_unread_count_and_marks_read(world: World) -> None:
    await with_messages(world.database)
    client = world.client
    response = await client.get("/inbox", auth=leader())
    assert response.status_code == 200
    inbox = response.json()
    assert inbox["person_id"] == str(LEADER)
    assert inbox["unread"] == 2 and len(inbox["items"]) == 2
    first = inbox["items"][0]
    assert first["topic"] == "deadlines" and first["topic_title"] == "Сроки и отчёты"
    assert first["link"] == PORTAL and first["read_at"] is None
    marked = await client.post(f"/inbox/{first['id']}/read", auth=leader())
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 1}
    # Someone else's item is not found in the caller's inbox.
    other = await client.post(
        f"/inbox/{first['id']}/read", params={"organisation": "true"}, auth=school()
    )
    assert other.status_code == 404 and other.json()["field"] == "item_id"
    everything = await client.post("/inbox/read", auth=leader())
    assert everything.json() == {"marked": 1, "unread": 0}
    assert (await client.get("/inbox", auth=leader())).json()["unread"] == 0
    # The school's inbox, under the organisation's id, is its representative's to read.
    shared = await client.get("/inbox", params={"organisation": "true"}, auth=school())
    assert shared.json()["person_id"] == str(ORG) and shared.json()["unread"] == 2
    refused = await client.get("/inbox", params={"organisation": "true"}, auth=leader())
    assert refused.status_code == 403
    assert "только её представитель" in refused.json()["message"]
    # The inbox is always the caller's own: a person_id in the query changes nothing.
    mine = await client.get("/inbox", params={"person_id": str(ORG)}, auth=leader())
    assert mine.json()["person_id"] == str(LEADER)


async def test_inbox_and_preferences_need_a_person(world: World) -> None:
    await with_messages(world.database)
    client = world.client
    # The district administrator's account here is not linked to a registry person.
    for method, path in (
        ("GET", "/inbox"),
        ("POST", "/inbox/read"),
        ("GET", "/preferences"),
    ):
        answer = await client.request(method, path)
        assert answer.status_code == 403, path
        assert "не связана с человеком из реестра" in answer.json()["message"]
    service = testing.auth("yaya", Role.SERVICE, person_id=LEADER)
    assert (await client.get("/inbox", auth=service)).status_code == 403
    assert (await client.get("/inbox", auth=None)).status_code == 401
    stranger = testing.auth("mariinsk", Role.TEACHER, person_id=LEADER)
    assert (await client.get("/inbox", auth=stranger)).status_code == 403


async def test_delivery_log_is_for_staff(world: World) -> None:
    await with_messages(world.database)
    client = world.client
    for who in (leader(), school(), testing.auth("yaya", Role.COUNCIL_SECRETARY)):
        assert (await client.get("/notifications", auth=who)).status_code == 403
    rows = await client.get("/notifications", auth=testing.auth("yaya", Role.METHODIST))
    assert rows.status_code == 200 and rows.json()
    one = rows.json()[0]["id"]
    assert (await client.get(f"/notifications/{one}", auth=leader())).status_code == 403
    resend = await client.post(f"/notifications/{one}/resend", auth=leader())
    assert resend.status_code == 403
    digests = await client.post("/notifications/digests", json={}, auth=leader())
    assert digests.status_code == 403


async def test_preferences_read_and_set(world: World) -> None:
    await with_messages(world.database)
    client = world.client
    shown = (await client.get("/preferences", auth=leader())).json()
    assert [t["topic"] for t in shown["topics"]] == [
        "applications",
        "deadlines",
        "documents",
        "events",
        "growth",
    ]
    assert all((t["channel"], t["cadence"]) == ("email", "immediate") for t in shown["topics"])
    assert shown["cadences"]["weekly"] == "Еженедельная сводка"
    changed = await client.put(
        "/preferences/topics/deadlines",
        json={"channel": "email", "cadence": "weekly"},
        auth=leader(),
    )
    assert changed.status_code == 200
    deadlines = next(t for t in changed.json()["topics"] if t["topic"] == "deadlines")
    assert deadlines["cadence"] == "weekly"
    bad = await client.put(
        "/preferences/topics/deadlines",
        json={"channel": "telegram", "cadence": "mute"},
        auth=leader(),
    )
    assert bad.status_code == 422 and bad.json()["field"] == "channel"
    unknown = await client.put(
        "/preferences/topics/weather",
        json={"channel": "email", "cadence": "mute"},
        auth=leader(),
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "topic"
    max_first = await client.put(
        "/preferences/topics/documents",
        json={"channel": "max", "cadence": "immediate"},
        auth=leader(),
    )
    assert max_first.status_code == 422 and "MAX" in max_first.json()["message"]
    assert (await client.put("/preferences/max", json={"max_user_id": 77}, auth=leader())).json()[
        "max_user_id"
    ] == 77
    max_now = await client.put(
        "/preferences/topics/documents",
        json={"channel": "max", "cadence": "immediate"},
        auth=leader(),
    )
    assert max_now.status_code == 200
    nobody = testing.auth("yaya", Role.TEACHER, person_id=UUID(int=5))
    unknown_person = await client.put("/preferences/max", json={"max_user_id": 1}, auth=nobody)
    assert unknown_person.status_code == 404
    # Nobody sets another person's choices: the token says whose they are.
    colleague = testing.auth("yaya", Role.TEACHER, person_id=UUID(int=6))
    theirs = await client.get("/preferences", auth=colleague)
    assert theirs.json()["person_id"] == str(UUID(int=6)) and theirs.json()["max_user_id"] is None


async def test_unsubscribe_link_mutes_the_topic_without_login(world: World) -> None:
    client = world.client
    token = Tokens(world.settings).make(LEADER, "deadlines")
    page = await client.get("/public/unsubscribe", params={"token": token}, auth=None)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Вы отписались от уведомлений" in page.text
    assert "«Сроки и отчёты»" in page.text
    shown = (await client.get("/preferences", auth=leader())).json()
    deadlines = next(t for t in shown["topics"] if t["topic"] == "deadlines")
    assert deadlines["cadence"] == "mute"
    # The next warning reaches the inbox only.
    await with_messages(world.database)
    rows = (await client.get("/notifications")).json()
    to_leader = [r for r in rows if r["email"] == LEADER_EMAIL]
    assert to_leader and {r["status"] for r in to_leader} == {"muted"}


async def test_forged_or_expired_unsubscribe_link_is_refused(world: World) -> None:
    client = world.client
    token = Tokens(world.settings).make(LEADER, "deadlines")
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    page = await client.get("/public/unsubscribe", params={"token": forged}, auth=None)
    assert page.status_code == 400
    assert "недействительна" in page.text
    other_key = msgspec.structs.replace(world.settings, unsubscribe_secret="another")
    foreign = Tokens(other_key).make(LEADER, "deadlines")
    assert (
        await client.get("/public/unsubscribe", params={"token": foreign}, auth=None)
    ).status_code == 400
    assert (await client.get("/public/unsubscribe", auth=None)).status_code == 400
    real_time = time.time
    try:
        time.time = lambda: real_time() + 400 * 86400  # type: ignore[assignment]
        expired = await client.get("/public/unsubscribe", params={"token": token}, auth=None)
    finally:
        time.time = real_time  # type: ignore[assignment]
    assert expired.status_code == 400
    assert "Срок действия ссылки для отписки истёк" in expired.text
    shown = (await client.get("/preferences", auth=leader())).json()
    assert {t["cadence"] for t in shown["topics"]} == {"immediate"}


async def test_delivery_log_and_digest_run_over_http(world: World) -> None:
    client = world.client
    await client.put(
        "/preferences/topics/deadlines",
        json={"channel": "email", "cadence": "daily"},
        auth=leader(),
    )
    await with_messages(world.database)
    rows = (await client.get("/notifications")).json()
    held = [r for r in rows if r["status"] == "held"]
    assert len(held) == 2
    detail = (await client.get(f"/notifications/{held[0]['id']}")).json()
    assert detail["channel"] == "email" and detail["topic"] == "deadlines"
    [event] = detail["events"]
    assert event["status"] == "held" and "ждёт сводки" in event["detail"]
    missing = await client.get(f"/notifications/{UUID(int=9)}")
    assert missing.status_code == 404
    soon = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    run = await client.post("/notifications/digests", json={"now": soon})
    assert run.status_code == 200
    [digest_id] = run.json()["digests"]
    digest = (await client.get(f"/notifications/{digest_id}")).json()
    assert digest["status"] == "queued" and digest["subject"].startswith("Сводка уведомлений")
    after = (await client.get(f"/notifications/{held[0]['id']}")).json()
    assert after["status"] == "digested" and after["digest_id"] == digest_id
    again = await client.post("/notifications/digests", json={"now": soon})
    assert again.json() == {"digests": []}
