"""The scheduling HTTP API over a real database (both kinds), with the Litestar client."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import uuid4

import icalendar
import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import SITE_STATUS_CHANGED, Leader, SiteStatusChanged
from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.services.roadmaps import open_roadmap
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

Client = AsyncTestClient[Any]

SEMINAR = {
    "title": "Смысловое чтение на уроках истории",
    "form": "permanent_seminar",
    "level": "municipal",
    "organiser_kind": "imc",
    "organiser_name": "ИМЦ Яйского округа",
    "venue": "ИМЦ, актовый зал",
    "starts_at": "2027-03-17T15:00:00",
    "ends_at": "2027-03-17T16:30:00",
    "capacity": 1,
    "hours": 2,
    "audience_subjects": ["история"],
    "audience_categories": ["teacher", "young_teacher"],
    "audience_low_results": True,
    "materials": [{"title": "Программа", "url": "https://imc.example.ru/p.pdf"}],
}


@pytest.fixture
async def client(database: Database, settings: SchedulingSettings) -> AsyncIterator[Client]:
    app = create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Мероприятия",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "outbox": Provide(
                lambda: Outbox(district="yaya", source="scheduling"), sync_to_thread=False
            ),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(settings.district)
        yield test_client


async def test_event_crud_with_russian_errors(client: Client) -> None:
    created = await client.post("/events", json=SEMINAR)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["starts_at"] == "2027-03-17T08:00:00Z"
    assert event["form_title"] == "постоянно действующий семинар"
    assert event["level_title"] == "муниципальный"
    assert event["materials"] == [{"title": "Программа", "url": "https://imc.example.ru/p.pdf"}]
    bad = await client.post("/events", json={**SEMINAR, "form": "лекция", "venue": "Другое"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "form"
    assert "Неизвестная форма мероприятия" in bad.json()["message"]
    clash = await client.post(
        "/events", json={**SEMINAR, "title": "Другое", "venue": "ИМЦ, Актовый зал"}
    )
    assert clash.status_code == 409
    assert "«Смысловое чтение на уроках истории» 17.03.2027 15:00–16:30" in clash.json()["message"]
    assert clash.json()["clashes"][0]["event_id"] == event["id"]
    moved = await client.patch(
        f"/events/{event['id']}",
        json={"starts_at": "2027-03-18T15:00:00+07:00", "ends_at": "2027-03-18T16:00:00+07:00"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["title"] == SEMINAR["title"]
    assert moved.json()["starts_at"] == "2027-03-18T08:00:00Z"
    listed = await client.get(
        "/events", params={"date_from": "2027-03-18T00:00:00", "date_to": "2027-03-19T00:00:00"}
    )
    assert [e["id"] for e in listed.json()] == [event["id"]]
    assert (await client.get("/events", params={"date_to": "2027-03-18T00:00:00"})).json() == []
    missing = await client.get(f"/events/{uuid4()}")
    assert missing.status_code == 404
    cancelled = await client.post(f"/events/{event['id']}/cancel", json={"reason": "карантин"})
    assert cancelled.json()["status_title"] == "отменено"
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200, schema.text
    assert "/events/{event_id}/registrations" in schema.json()["paths"]
    forms = (await client.get("/vocabulary/event-forms")).json()
    assert {"code": "internship", "title": "стажировка"} in forms


async def test_registration_waiting_list_check_in_and_hours(client: Client) -> None:
    event = (await client.post("/events", json=SEMINAR)).json()
    first, second = uuid4(), uuid4()
    one = await client.post(
        f"/events/{event['id']}/registrations",
        json={"person_id": str(first), "full_name": "Андреева Анна Петровна"},
    )
    assert one.status_code == 201, one.text
    assert one.json()["status_title"] == "участие подтверждено"
    two = await client.post(
        f"/events/{event['id']}/registrations",
        json={
            "person_id": str(second),
            "full_name": "Борисова Вера",
            "registered_by": "school",
            "organisation_id": str(uuid4()),
        },
    )
    assert two.json()["status"] == "waitlisted"
    assert two.json()["waiting_position"] == 1
    again = await client.post(
        f"/events/{event['id']}/registrations",
        json={"person_id": str(first), "full_name": "Андреева"},
    )
    assert again.status_code == 409
    cancelled = await client.post(f"/events/{event['id']}/registrations/{one.json()['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert [p["person_id"] for p in cancelled.json()["promoted"]] == [str(second)]
    shown = (await client.get(f"/events/{event['id']}")).json()
    assert (shown["seats_taken"], shown["waiting"]) == (1, 0)
    early = await client.post(
        f"/events/{event['id']}/check-in", json={"code": two.json()["checkin_code"]}
    )
    assert early.status_code == 409
    assert "за 30 минут" in early.json()["message"]
    garbled = await client.post(f"/events/{event['id']}/check-in", json={"code": "xyz"})
    assert garbled.status_code == 422
    assert garbled.json()["field"] == "code"
    hours = (await client.get(f"/people/{second}/hours")).json()
    assert hours == {"person_id": str(second), "total_hours": 0, "events": []}


async def test_calendar_feeds_are_valid_rfc5545(
    client: Client, settings: SchedulingSettings
) -> None:
    site = uuid4()
    person = uuid4()
    at_site = (
        await client.post(
            "/events",
            json={
                **SEMINAR,
                "organiser_kind": "site",
                "organiser_id": str(site),
                "form": "master_class",
                "title": "Мастер-класс; «Проект», этап 1",
            },
        )
    ).json()
    online = (
        await client.post(
            "/events",
            json={
                **SEMINAR,
                "venue": "",
                "online_url": "https://vk.example/room",
                "starts_at": "2027-04-01T10:00:00",
                "ends_at": "2027-04-01T11:00:00",
            },
        )
    ).json()
    await client.post(
        f"/events/{online['id']}/registrations",
        json={"person_id": str(person), "full_name": "Петрова"},
    )
    await client.post(f"/events/{online['id']}/cancel", json={})

    district = await client.get("/calendar/district.ics")
    assert district.status_code == 200
    assert district.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(district.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    items = calendar.walk("VEVENT")
    assert len(items) == 2
    for item in items:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in item
    by_uid = {str(i["UID"]).split("@")[0]: i for i in items}
    assert str(by_uid[at_site["id"]]["SUMMARY"]) == "Мастер-класс; «Проект», этап 1"
    assert by_uid[at_site["id"]].decoded("DTSTART").isoformat() == "2027-03-17T08:00:00+00:00"
    assert str(by_uid[online["id"]]["STATUS"]) == "CANCELLED"
    for line in district.content.split(b"\r\n"):
        assert len(line) <= 75  # folded lines (RFC 5545 §3.1)

    site_feed = icalendar.Calendar.from_ical(
        (await client.get(f"/calendar/sites/{site}/events.ics")).content
    )
    assert [str(i["UID"]).split("@")[0] for i in site_feed.walk("VEVENT")] == [at_site["id"]]

    feed = f"/public/calendar/people/{person}/events.ics"
    denied = await client.get(feed, params={"token": "guess"}, auth=None)
    assert denied.status_code == 404
    token = (await client.get(f"/people/{person}/feed-token")).json()
    assert token["path"].startswith(feed)
    # A calendar app subscribes without a login: the private token is the key.
    mine = await client.get(token["path"], auth=None)
    assert mine.status_code == 200
    assert [
        str(i["UID"]).split("@")[0]
        for i in icalendar.Calendar.from_ical(mine.content).walk("VEVENT")
    ] == [online["id"]]


async def test_site_activation_opens_roadmap_and_rows_track_progress(
    client: Client, database: Database
) -> None:
    site = uuid4()
    change = SiteStatusChanged(
        site_id=site,
        organisation_id=uuid4(),
        organisation_full_name="Муниципальное бюджетное общеобразовательное учреждение «СОШ № 1»",
        organisation_short_name="МБОУ «СОШ № 1»",
        kind="osmp",
        status="active",
        previous_status=None,
        topic="Функциональная грамотность",
        term_start=date(2026, 9, 1),
        term_end=date(2029, 8, 31),
        leader=Leader(full_name="Иванова И. И.", position="директор"),
        co_leader=None,
        order_number="12",
        order_date=date(2026, 9, 1),
        decision_id=uuid4(),
    )
    envelope = SITE_STATUS_CHANGED.new(
        change, district="yaya", source="registry", correlation_id=uuid4(), causation_id=None
    )
    outbox = Outbox(district="yaya", source="scheduling")
    own = Database(database.url)  # the client's app runs on its own event loop
    try:
        async with own.transaction() as session:
            await open_roadmap(session, outbox, envelope)
    finally:
        await own.dispose()
    roadmaps = (await client.get("/roadmaps")).json()
    assert roadmaps[0]["site_id"] == str(site)
    assert roadmaps[0]["period_end"] == "2029-08-31"
    roadmap_id = roadmaps[0]["id"]
    row = await client.post(
        f"/roadmaps/{roadmap_id}/items",
        json={
            "title": "Серия мастер-классов",
            "form": "master_class",
            "responsible_name": "Петрова И. И.",
            "deadline": "2027-03-31",
            "expected_result": "Сборник разработок",
        },
    )
    assert row.status_code == 201, row.text
    assert row.json()["state"] == "planned"
    assert row.json()["quarter"] == "2027-Q1"
    bad = await client.post(
        f"/roadmaps/{roadmap_id}/items",
        json={
            "title": "X",
            "form": "master_class",
            "responsible_name": "",
            "deadline": "2027-03-31",
        },
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "responsible_name"
    await client.post("/events", json={**SEMINAR, "roadmap_item_id": row.json()["id"]})
    items = (await client.get(f"/roadmaps/{roadmap_id}/items")).json()
    assert items[0]["events"][0]["title"] == SEMINAR["title"]
    overdue = await client.get("/roadmaps/overdue")
    assert overdue.status_code == 200
    assert overdue.json() == []  # the deadline is still ahead
    progress = (await client.get(f"/roadmaps/{roadmap_id}/progress")).json()
    assert progress["quarters"] == [
        {"quarter": "2027-Q1", "planned": 1, "done": 0, "cancelled": 0, "overdue": 0, "total": 1}
    ]
