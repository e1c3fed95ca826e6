"""Attendance announced for certificates, personal check-in QR codes, overdue road-map
alerts sent once, road-map rows agreed with the IMC plan — on both databases."""

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    ATTENDANCE_RECORDED,
    PARTICIPATION_CHANGED,
    ROADMAP_ITEM_OVERDUE,
    MessageType,
)
from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.api.schemas import RoadmapItemIn
from imc_scheduling.db.models import Registration, Roadmap, RoadmapItem
from imc_scheduling.domain.events import checkin_code
from imc_scheduling.services import events, registrations, roadmaps
from imc_scheduling.services.checkin_qr import qr_svg
from imc_scheduling.services.overdue import RoadmapOverdueJob
from imc_scheduling.settings import SchedulingSettings
from imc_shared import testing
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

OUTBOX = Outbox(district="yaya", source="scheduling")
BEFORE = datetime(2027, 3, 1, tzinfo=UTC)
PUBLIC_URL = "https://imc.yaya.example/"
Client = AsyncTestClient[Any]


class Killed(RuntimeError):
    """The job «dies» after claiming, before sending."""


async def _sent(database: Database, message: MessageType[Any]) -> list[Any]:
    """Payloads of every outbox row of ``message``, oldest first."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [message.decode(body).payload for body in rows.all()]


async def _register(database: Database, event_id: UUID, name: str) -> Registration:
    row, _ = await registrations.register(
        database=database,
        outbox=OUTBOX,
        event_id=event_id,
        person_id=uuid4(),
        full_name=name,
        organisation_id=None,
        registered_by="self",
        now=BEFORE,
    )
    return row


async def _roadmap(database: Database) -> Roadmap:
    async with database.transaction() as session:
        roadmap = Roadmap(
            site_id=uuid4(),
            organisation_id=uuid4(),
            organisation_short_name="МБОУ «СОШ № 1»",
            title="Дорожная карта ОСМП МБОУ «СОШ № 1»",
            topic="Функциональная грамотность",
            period_start=date(2026, 9, 1),
            period_end=date(2028, 8, 31),
        )
        session.add(roadmap)
    return roadmap


def _row(title: str, deadline: date, plan_item_id: UUID | None = None) -> RoadmapItemIn:
    return RoadmapItemIn(
        title=title,
        form="master_class",
        responsible_name="Петрова И. И.",
        responsible_person_id=uuid4(),
        deadline=deadline,
        plan_item_id=plan_item_id,
    )


async def _held(
    database: Database, settings: SchedulingSettings, event_in: Any, item_id: UUID
) -> None:
    """An event fulfilling the row, held with one participant present."""
    event = await events.create_event(
        database=database,
        outbox=OUTBOX,
        settings=settings,
        data=event_in(roadmap_item_id=item_id, capacity=None),
    )
    row = await _register(database, event.id, "Андреева А. А.")
    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=event.id,
        person_ids=[row.person_id],
        attended=True,
        now=event.ends_at,
    )


async def test_attendance_is_announced_for_rows_that_change_with_their_version(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in(capacity=None)
    )
    a = await _register(database, event.id, "Андреева Анна Петровна")
    b = await _register(database, event.id, "Борисова Вера")
    c = await _register(database, event.id, "Власова Галина")
    during = event.starts_at + timedelta(minutes=10)

    async def mark(people: list[Registration], attended: bool) -> None:
        await registrations.mark_attendance(
            database=database,
            outbox=OUTBOX,
            event_id=event.id,
            person_ids=[p.person_id for p in people],
            attended=attended,
            now=during,
        )

    async def check_in() -> None:
        await registrations.self_check_in(
            database=database,
            outbox=OUTBOX,
            secret="test-secret",
            event_id=event.id,
            code=checkin_code("test-secret", c.id),
            now=during,
        )

    await mark([a, b], True)
    await mark([a], True)  # a repeat changes nothing
    await mark([b], False)
    await check_in()
    await check_in()
    sent = await _sent(database, ATTENDANCE_RECORDED)
    assert [(p.registration_id, p.attended, p.hours) for p in sent] == [
        (a.id, True, 2),
        (b.id, True, 2),
        (b.id, False, 0),
        (c.id, True, 2),
    ]
    first = next(p for p in sent if p.registration_id == a.id)
    assert (first.full_name, first.person_id, first.event_id) == (
        "Андреева Анна Петровна",
        a.person_id,
        event.id,
    )
    assert (first.event_title, first.form_title) == (event.title, "постоянно действующий семинар")
    assert (first.starts_at, first.ends_at) == (event.starts_at, event.ends_at)
    participation = {
        (p.registration_id, p.version): p.attended
        for p in await _sent(database, PARTICIPATION_CHANGED)
    }
    for payload in sent:  # the same version as the registration's change
        assert participation[(payload.registration_id, payload.version)] == payload.attended
    assert [p.version for p in sent if p.registration_id == b.id] == [2, 3]


async def test_overdue_alert_once_per_row_across_crashes_passes_and_workers(
    database: Database, settings: SchedulingSettings, event_in: Any
) -> None:
    roadmap = await _roadmap(database)
    add = roadmaps.add_item
    late = await add(
        database=database, roadmap_id=roadmap.id, data=_row("Семинар", date(2027, 2, 1))
    )
    eve = await add(database=database, roadmap_id=roadmap.id, data=_row("Игра", date(2027, 3, 31)))
    done = await add(database=database, roadmap_id=roadmap.id, data=_row("МК", date(2027, 3, 20)))
    await add(database=database, roadmap_id=roadmap.id, data=_row("Конференция", date(2027, 12, 1)))
    await _held(database, settings, event_in, done.id)
    now = datetime(2027, 3, 31, 18, tzinfo=UTC)  # 01:00 on 1 April in the district

    async def die(claimed: list[UUID]) -> None:
        assert len(claimed) == 3  # done, but looked at again
        raise Killed

    with pytest.raises(Killed):
        await RoadmapOverdueJob(database, settings, OUTBOX, after_claim=die).run_once(now=now)
    assert await _sent(database, ROADMAP_ITEM_OVERDUE) == []

    workers = [Database(database.url) for _ in range(3)]
    try:
        sent = await asyncio.gather(
            *(RoadmapOverdueJob(db, settings, OUTBOX).run_once(now=now) for db in workers)
        )
    finally:
        for db in workers:
            await db.dispose()
    assert sorted(sent) == [0, 0, 2]
    job = RoadmapOverdueJob(database, settings, OUTBOX)
    assert await job.run_once(now=now + timedelta(days=1)) == 0
    alerts = sorted(await _sent(database, ROADMAP_ITEM_OVERDUE), key=lambda p: p.deadline)
    assert [(p.item_id, p.days_overdue) for p in alerts] == [(late.id, 59), (eve.id, 1)]
    assert (alerts[0].site_id, alerts[0].organisation_short_name, alerts[0].title) == (
        roadmap.site_id,
        "МБОУ «СОШ № 1»",
        "Семинар",
    )
    assert alerts[0].responsible_person_id == late.responsible_person_id
    rows = await roadmaps.items_with_state(
        database=database, roadmap_id=roadmap.id, today=date(2027, 4, 1)
    )
    notified = {i.id for i, _, _ in rows if i.overdue_notified_at == now}
    assert notified == {late.id, eve.id}


@pytest.fixture
async def client(
    database: Database, settings: SchedulingSettings
) -> AsyncIterator[tuple[Client, SchedulingSettings]]:
    own = Database(database.url)  # the client's app runs on its own event loop
    served = msgspec.structs.replace(settings, public_url=PUBLIC_URL)
    app = create_http_app(
        CONTROLLERS,
        settings=served,
        title="Мероприятия",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(lambda: OUTBOX, sync_to_thread=False),
            "settings": Provide(lambda: served, sync_to_thread=False),
        },
    )
    try:
        async with AsyncTestClient(app) as test_client:
            test_client.auth = testing.auth(served.district)
            yield test_client, served
    finally:
        await own.dispose()


async def test_personal_qr_code_only_with_the_registrations_own_code(
    client: tuple[Client, SchedulingSettings], database: Database, event_in: Any
) -> None:
    http, settings = client
    event = await events.create_event(
        database=database, outbox=OUTBOX, settings=settings, data=event_in()
    )
    mine = await _register(database, event.id, "Андреева")
    other = await _register(database, event.id, "Борисова")
    code = checkin_code("test-secret", mine.id)
    path = f"/events/{event.id}/registrations/{mine.id}/qr.svg"
    shown = await http.get(path, params={"token": code})
    assert shown.status_code == 200, shown.text
    assert shown.headers["content-type"].startswith("image/svg+xml")
    assert ET.fromstring(shown.content).tag  # noqa: S314 (our own reply) == "{http://www.w3.org/2000/svg}svg"
    expected = f"https://imc.yaya.example/events/{event.id}/check-in?code={code}"
    assert shown.content == qr_svg(expected)
    for token in ("", "garbled", checkin_code("test-secret", other.id)):
        refused = await http.get(path, params={"token": token})
        assert refused.status_code == 404
        assert refused.json()["message"].startswith("QR-код не найден")
    elsewhere = await http.get(
        f"/events/{uuid4()}/registrations/{mine.id}/qr.svg", params={"token": code}
    )
    assert elsewhere.status_code == 404
    await registrations.cancel_registration(
        database=database, outbox=OUTBOX, event_id=event.id, registration_id=mine.id, now=BEFORE
    )
    cancelled = await http.get(path, params={"token": code})
    assert cancelled.status_code == 409
    assert "Регистрация отменена" in cancelled.json()["message"]


async def test_roadmap_rows_agreed_with_the_imc_plan(
    client: tuple[Client, SchedulingSettings], database: Database, event_in: Any
) -> None:
    http, settings = client

    async def plan_with_item(kind: str, **extra: str) -> tuple[str, str]:
        body = {"kind": kind, "title": "План", "school_year": "2026/2027", **extra}
        plan = (await http.post("/plans", json=body)).json()
        section = await http.post(f"/plans/{plan['id']}/sections", json={"title": "Раздел"})
        item = {
            "title": "Методические мастерские",
            "responsible_name": "Орлова",
            "deadline_text": "в течение года",
        }
        tree = await http.post(
            f"/plans/{plan['id']}/sections/{section.json()['sections'][0]['id']}/items", json=item
        )
        return plan["id"], tree.json()["sections"][0]["items"][0]["id"]

    plan_id, item_id = await plan_with_item("imc")
    _, subject_item = await plan_with_item("subject", subject="математика")
    roadmap = await _roadmap(database)
    url = f"/roadmaps/{roadmap.id}/items"
    row = {"title": "Мастер-класс", "form": "master_class", "responsible_name": "Петрова"}
    for wrong, message in (
        (subject_item, "согласуется с планом работы ИМЦ"),
        (str(uuid4()), "не найден"),
    ):
        refused = await http.post(
            url, json={**row, "deadline": "2027-03-31", "plan_item_id": wrong}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "plan_item_id"
        assert message in refused.json()["message"]
    done = await http.post(url, json={**row, "deadline": "2027-03-31", "plan_item_id": item_id})
    assert done.status_code == 201, done.text
    assert done.json()["plan_item_id"] == item_id
    late = await http.post(url, json={**row, "deadline": "2026-10-01", "plan_item_id": item_id})
    await http.post(url, json={**row, "deadline": "2027-05-01"})  # not agreed with any item
    await _held(database, settings, event_in, UUID(done.json()["id"]))

    plan = (await http.get(f"/plans/{plan_id}")).json()
    item = plan["sections"][0]["items"][0]
    assert [(r["id"], r["state"]) for r in item["roadmap_rows"]] == [
        (late.json()["id"], "overdue"),
        (done.json()["id"], "done"),
    ]
    assert item["roadmap_rows"][1]["state_title"] == "выполнено"
    assert item["roadmap_rows"][0]["site_id"] == str(roadmap.site_id)
    assert (item["linked_rows_done"], item["linked_rows_total"]) == (1, 2)
    assert item["done_on"] is None  # the item is fulfilled only when marked so
    async with database.sessions() as session:
        linked = await session.scalar(
            sa.select(sa.func.count())
            .select_from(RoadmapItem)
            .where(RoadmapItem.plan_item_id == UUID(item_id))
        )
    assert linked == 2
