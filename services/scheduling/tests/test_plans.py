"""Annual plans over HTTP: draft, sections, items, approval, publication, public view."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

Client = AsyncTestClient[Any]


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


async def test_plan_from_draft_to_public_view(client: Client) -> None:
    bad = await client.post(
        "/plans", json={"kind": "subject", "title": "План РМО", "school_year": "2026/2027"}
    )
    assert bad.status_code == 422
    assert bad.json()["field"] == "subject"
    wrong_year = await client.post(
        "/plans", json={"kind": "imc", "title": "План", "school_year": "2026-2027"}
    )
    assert wrong_year.json()["field"] == "school_year"
    created = await client.post(
        "/plans",
        json={"kind": "mmc", "title": "План работы ММЦ", "school_year": "2026/2027"},
    )
    assert created.status_code == 201, created.text
    plan = created.json()
    assert (plan["kind_title"], plan["status_title"]) == ("план работы ММЦ", "проект")
    pid = plan["id"]
    empty = await client.post(
        f"/plans/{pid}/approve",
        json={
            "approved_by": "начальник Управления образованием",
            "approval_document": "приказ от 28.08.2026 № 101",
            "approved_on": "2026-08-28",
        },
    )
    assert empty.status_code == 409
    with_section = await client.post(
        f"/plans/{pid}/sections", json={"title": "Подготовка обучающихся к ГИА"}
    )
    section_id = with_section.json()["sections"][0]["id"]
    item = {
        "title": "Постоянно действующий практикум для учителей математики",
        "form": "practicum",
        "responsible_name": "Сидорова О. В.",
        "deadline_text": "ежемесячно",
        "expected_result": "Рост среднего балла ОГЭ",
    }
    added = await client.post(f"/plans/{pid}/sections/{section_id}/items", json=item)
    assert added.status_code == 201, added.text
    late = await client.post(
        f"/plans/{pid}/sections/{section_id}/items", json={**item, "deadline": "2027-10-01"}
    )
    assert late.status_code == 422
    assert late.json()["field"] == "deadline"
    no_deadline = await client.post(
        f"/plans/{pid}/sections/{section_id}/items", json={**item, "deadline_text": ""}
    )
    assert no_deadline.json()["field"] == "deadline"
    await client.post(
        f"/plans/{pid}/sections/{section_id}/items",
        json={**item, "title": "Пробный ОГЭ", "form": "", "deadline": "2027-03-15"},
    )
    assert (await client.get(f"/public/plans/{pid}")).status_code == 404
    unapproved = await client.post(f"/plans/{pid}/publish")
    assert unapproved.status_code == 409
    approved = await client.post(
        f"/plans/{pid}/approve",
        json={
            "approved_by": "начальник Управления образованием",
            "approval_document": "приказ от 28.08.2026 № 101",
            "approved_on": "2026-08-28",
        },
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status_title"] == "утверждён"
    frozen = await client.post(f"/plans/{pid}/sections", json={"title": "Ещё раздел"})
    assert frozen.status_code == 409
    published = await client.post(f"/plans/{pid}/publish")
    assert published.json()["status"] == "published"
    public = (await client.get(f"/public/plans/{pid}")).json()
    items = public["sections"][0]["items"]
    assert [(i["position"], i["title"]) for i in items] == [
        (1, item["title"]),
        (2, "Пробный ОГЭ"),
    ]
    assert items[0]["form_title"] == "практикум"
    assert [p["id"] for p in (await client.get("/public/plans")).json()] == [pid]


async def test_self_check_in_now_credits_hours(client: Client) -> None:
    """An event starting in ten minutes: the personal code checks the teacher in."""
    start = datetime.now(UTC) + timedelta(minutes=10)
    event = (
        await client.post(
            "/events",
            json={
                "title": "Открытое занятие «Дроби»",
                "form": "open_lesson",
                "level": "school",
                "organiser_kind": "imc",
                "venue": "СОШ № 2, каб. 5",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(minutes=45)).isoformat(),
                "hours": 1,
            },
        )
    ).json()
    person = uuid4()
    registration = (
        await client.post(
            f"/events/{event['id']}/registrations",
            json={"person_id": str(person), "full_name": "Морозова Е. А."},
        )
    ).json()
    checked = await client.post(
        f"/events/{event['id']}/check-in", json={"code": registration["checkin_code"]}
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["checkin_method"] == "self"
    hours = (await client.get(f"/people/{person}/hours")).json()
    assert hours["total_hours"] == 1
    assert hours["events"][0]["form_title"] == "открытое занятие"
    more = await client.patch(f"/events/{event['id']}", json={"hours": 2})
    assert more.status_code == 200, more.text
    assert (await client.get(f"/people/{person}/hours")).json()["total_hours"] == 2


async def test_internship_over_http(client: Client) -> None:
    site = str(uuid4())
    created = await client.post(
        "/internships", json={"title": "Наставничество молодых педагогов", "site_id": site}
    )
    assert created.status_code == 201, created.text
    iid = created.json()["id"]
    day = await client.post(
        "/events",
        json={
            "title": "Стажировка, день 1",
            "form": "internship",
            "level": "municipal",
            "organiser_kind": "site",
            "organiser_id": site,
            "venue": "СОШ № 7",
            "starts_at": "2027-04-05T09:00:00",
            "ends_at": "2027-04-05T15:00:00",
            "hours": 6,
            "internship_id": iid,
        },
    )
    assert day.status_code == 201, day.text
    person = str(uuid4())
    await client.post(
        f"/internships/{iid}/participants", json={"person_id": person, "full_name": "Котова"}
    )
    fixed = await client.post(f"/internships/{iid}/fix-group")
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert [d["title"] for d in body["days"]] == ["Стажировка, день 1"]
    assert body["participants"][0]["outcome_title"] == "стажировка продолжается"
    registered = (await client.get(f"/events/{day.json()['id']}/registrations")).json()
    assert [r["person_id"] for r in registered] == [person]
    late_day = await client.post(
        "/events",
        json={
            "title": "Стажировка, день 2",
            "form": "internship",
            "level": "municipal",
            "organiser_kind": "site",
            "organiser_id": site,
            "venue": "СОШ № 7",
            "starts_at": "2027-04-06T09:00:00",
            "ends_at": "2027-04-06T15:00:00",
            "internship_id": iid,
        },
    )
    assert late_day.status_code == 409
