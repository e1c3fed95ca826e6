"""The centre's HTTP API over a real database (both kinds): views, XLSX exports, resync,
and the link watcher's alert."""

import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient
from openpyxl import load_workbook
from structlog.testing import capture_logs

from imc_contracts import (
    EVENT_CHANGED,
    HEARTBEAT,
    LINK_ALERT,
    PARTICIPATION_CHANGED,
    PLAN_CHANGED,
    RESYNC_REQUESTED,
    SITE_STATUS_CHANGED,
    Envelope,
    EventChanged,
    Heartbeat,
    Leader,
    MessageType,
    ParticipationChanged,
    PlanChanged,
    PlanItemState,
    SiteStatusChanged,
    names,
)
from imc_federation.api.controllers import CentreController
from imc_federation.services.links import LinkWatcher
from imc_federation.services.resync import resync_empty_districts
from imc_federation.settings import FederationSettings
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.tables import outbox as outbox_table

Client = AsyncTestClient[Any]
Deliver = Any
NOW = datetime.now(UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def new(message: MessageType[Any], payload: Any, district: str = "yaya") -> Envelope[Any]:
    return message.new(payload, district=district, source="test")


def site(n: int, kind: str, org: str) -> SiteStatusChanged:
    return SiteStatusChanged(
        site_id=UUID(int=n),
        organisation_id=UUID(int=100 + n),
        organisation_full_name=f"Муниципальное бюджетное общеобразовательное учреждение {org}",
        organisation_short_name=f"МБОУ {org}",
        kind=kind,  # type: ignore[arg-type]
        status="active",
        previous_status=None,
        topic="Наставничество в образовательной организации",
        term_start=date(2026, 9, 1),
        term_end=date(2029, 8, 31),
        leader=Leader(full_name="Иванова Анна Петровна", position="директор"),
        co_leader=Leader(full_name="Петров Олег Иванович", position="заместитель директора"),
        order_number="45-од",
        order_date=date(2026, 8, 25),
        decision_id=UUID(int=9),
        version=1,
    )


def event(n: int, title: str, starts: datetime, *, intermunicipal: bool = False) -> EventChanged:
    return EventChanged(
        event_id=UUID(int=n),
        version=1,
        title=title,
        form="seminar",
        form_title="семинар",
        level="intermunicipal" if intermunicipal else "municipal",
        organiser_kind="imc",
        organiser_id=None,
        organiser_name="ИМЦ",
        venue="ИМЦ, актовый зал",
        online_url="",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=None,
        hours=2,
        audience_subjects=("история",),
        status="planned",
        registered=2,
        intermunicipal=intermunicipal,
    )


def registration(
    n: int, school: str, subjects: tuple[str, ...], attended: bool
) -> ParticipationChanged:
    return ParticipationChanged(
        registration_id=UUID(int=n),
        version=1,
        event_id=UUID(int=1),
        organisation_id=None,
        organisation_short_name=school,
        subjects=subjects,
        status="confirmed",
        attended=attended,
        hours_credited=2 if attended else 0,
    )


PLAN = PlanChanged(
    plan_id=UUID(int=500),
    version=2,
    kind="imc",
    title="План работы ИМЦ на 2026/2027 учебный год",
    school_year="2026/2027",
    subject="",
    status="approved",
    items=(
        PlanItemState(
            item_id=UUID(int=1),
            title="Август",
            deadline=date(2020, 8, 30),
            done_on=date(2020, 8, 29),
        ),
        PlanItemState(item_id=UUID(int=2), title="Сентябрь", deadline=date(2020, 9, 30)),
        PlanItemState(item_id=UUID(int=3), title="Будущее", deadline=date(2099, 5, 30)),
        PlanItemState(item_id=UUID(int=4), title="Без срока", deadline=None),
    ),
)


@pytest.fixture
async def seeded(deliver: Deliver) -> None:
    """Two districts' sites, a calendar with the centre's event, registrations, a plan."""
    messages = [
        (new(SITE_STATUS_CHANGED, site(1, "osmp", "«Яйская СОШ № 1»")), "link"),
        (new(SITE_STATUS_CHANGED, site(2, "internship", "«СОШ № 5»"), "mariinsk"), "link"),
        (
            new(EVENT_CHANGED, event(1, "Смысловое чтение", datetime(2099, 3, 17, 8, tzinfo=UTC))),
            "link",
        ),
        (
            new(EVENT_CHANGED, event(2, "Прошедший семинар", datetime(2020, 3, 17, 8, tzinfo=UTC))),
            "link",
        ),
        (
            new(
                EVENT_CHANGED,
                event(
                    3,
                    "Межмуниципальная конференция",
                    datetime(2099, 4, 1, 3, tzinfo=UTC),
                    intermunicipal=True,
                ),
                "buguruslan",
            ),
            None,
        ),
        (
            new(
                PARTICIPATION_CHANGED,
                registration(11, "МБОУ «Яйская СОШ № 1»", ("история", "обществознание"), True),
            ),
            "link",
        ),
        (
            new(
                PARTICIPATION_CHANGED,
                registration(12, "МБОУ «Яйская СОШ № 2»", ("история",), False),
            ),
            "link",
        ),
        (new(PLAN_CHANGED, PLAN), "link"),
        (new(HEARTBEAT, Heartbeat(sequence=1, interval_seconds=15)), "link"),
    ]
    for envelope, via in messages:
        assert await deliver(envelope, via=via) is None
    assert (
        await deliver(new(SITE_STATUS_CHANGED, site(3, "osmp", "«Чужая»")), via="amqp://10.0.0.6")
        is not None
    )


@pytest.fixture
async def client(database: Database, settings: FederationSettings) -> AsyncIterator[Client]:
    own = Database(database.url)  # the app's connections live in the client's own loop
    outbox = Outbox(district=settings.district, source="federation")
    app = create_http_app(
        [CentreController],
        settings=settings,
        title="Свод",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(lambda: outbox, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(settings.district, Role.CENTRE_COORDINATOR)
        yield test_client
    await own.dispose()


async def test_lists_and_dashboards_across_districts(client: Client, seeded: None) -> None:
    sites = (await client.get("/sites")).json()
    assert [(s["district"], s["organisation_short_name"], s["kind_title"]) for s in sites] == [
        ("mariinsk", "МБОУ «СОШ № 5»", "муниципальная стажировочная площадка"),
        ("yaya", "МБОУ «Яйская СОШ № 1»", "опорная (стажировочная) методическая площадка"),
    ]
    assert sites[1]["district_name"] == "Яйский муниципальный округ"
    assert sites[1]["status_title"] == "действует"
    assert [
        s["site_id"] for s in (await client.get("/sites", params={"kind": "internship"})).json()
    ] == [str(UUID(int=2))]
    assert (
        await client.get("/sites", params={"district": "yaya", "status": "terminated"})
    ).json() == []

    events = (await client.get("/events")).json()
    assert [e["title"] for e in events] == [
        "Прошедший семинар",
        "Смысловое чтение",
        "Межмуниципальная конференция",
    ]
    inter = (await client.get("/events", params={"intermunicipal": "true"})).json()
    assert [(e["district"], e["level_title"]) for e in inter] == [
        ("buguruslan", "межмуниципальный")
    ]
    day = (
        await client.get("/events", params={"date_from": "2099-03-17", "date_to": "2099-03-17"})
    ).json()
    assert [e["title"] for e in day] == ["Смысловое чтение"]

    [plan] = (
        await client.get("/plans", params={"district": "yaya", "school_year": "2026/2027"})
    ).json()
    fulfilment = [plan[k] for k in ("items_total", "items_done", "items_overdue", "percent_done")]
    assert fulfilment == [4, 1, 1, 25.0]
    assert plan["kind_title"] == "план работы ИМЦ"
    assert [i["overdue"] for i in plan["items"]] == [False, True, False, False]

    by_subject = (await client.get("/participation", params={"by": "subject"})).json()
    assert [
        (r["district"], r["name"], r["registrations"], r["attended"], r["hours"])
        for r in by_subject
    ] == [
        ("yaya", "история", 2, 1, 2),
        ("yaya", "обществознание", 1, 1, 2),
    ]
    bad = await client.get("/participation", params={"by": "rank"})
    assert bad.status_code == 422 and "Группировка" in bad.json()["message"]

    districts = {d["code"]: d for d in (await client.get("/districts")).json()}
    assert {
        k: (d["sites"], d["events"], d["plans"], d["registrations"]) for k, d in districts.items()
    } == {
        "mariinsk": (1, 0, 0, 0),
        "yaya": (1, 2, 1, 2),
    }
    assert districts["yaya"]["link"]["state"] == "up"
    assert districts["mariinsk"]["link"]["state_title"] == "связь не устанавливалась"
    links = (await client.get("/links")).json()
    assert [(k["district"], k["state"], k["rejected"]) for k in links] == [
        ("mariinsk", "never", 0),
        ("yaya", "up", 1),
    ]

    whole = (await client.get("/dashboard")).json()
    assert [(d["code"], d["link"]["state"]) for d in whole["districts"]] == [
        ("mariinsk", "never"),
        ("yaya", "up"),
    ]
    line = whole["districts"][1]
    assert (line["sites"], line["events_upcoming"], line["plan_percent_done"]) == (1, 1, 25.0)
    assert whole["districts"][0]["plan_percent_done"] is None
    centre = whole["centre"]
    assert (centre["code"], centre["name"], centre["events"]) == (
        "buguruslan",
        "Межмуниципальный методический центр",
        1,
    )
    totals = whole["totals"]
    assert (
        totals["sites"],
        totals["events"],
        totals["events_upcoming"],
        totals["registrations"],
        totals["hours"],
    ) == (2, 3, 2, 2, 2)
    assert whole["links"] == {"up": 1, "down": 0, "never": 1, "alert": 0}

    yaya = (await client.get("/dashboard/yaya")).json()
    assert yaya["sites_by_kind"] == [
        {
            "kind": "osmp",
            "kind_title": "опорная (стажировочная) методическая площадка",
            "sites": 1,
            "active": 1,
        }
    ]
    [own_site] = yaya["sites"]
    assert (own_site["term_end"], own_site["leader"]["full_name"]) == (
        "2029-08-31",
        "Иванова Анна Петровна",
    )
    assert [e["title"] for e in yaya["events"]] == [
        "Смысловое чтение",
        "Межмуниципальная конференция",
    ]
    assert yaya["plans"][0]["percent_done"] == 25.0
    assert yaya["participation_by_school"] == [
        {
            "organisation_short_name": "МБОУ «Яйская СОШ № 1»",
            "registrations": 1,
            "attended": 1,
            "hours": 2,
        },
        {
            "organisation_short_name": "МБОУ «Яйская СОШ № 2»",
            "registrations": 1,
            "attended": 0,
            "hours": 0,
        },
    ]
    assert [(r["subject"], r["registrations"]) for r in yaya["participation_by_subject"]] == [
        ("история", 2),
        ("обществознание", 1),
    ]
    assert (await client.get("/dashboard/buguruslan")).json()["link"] is None
    assert yaya["link"]["state"] == "up"
    for path in ("/dashboard/tisul", "/events?district=tisul", "/export/sites.xlsx?district=tisul"):
        missing = await client.get(path)
        assert missing.status_code == 404, path
        assert "«tisul» не входит в федерацию" in missing.json()["message"]


async def test_xlsx_exports_have_russian_headers_and_rows(client: Client, seeded: None) -> None:
    response = await client.get("/export/sites.xlsx", params={"district": "yaya"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"sites.xlsx\"; filename*=UTF-8''")
    assert unquote(disposition.split("''", 1)[1]) == "Площадки — Яйский муниципальный округ.xlsx"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Округ", "Образовательная организация", "Вид площадки", "Тема", "Статус")
    assert rows[1:] == [
        (
            "Яйский муниципальный округ",
            "МБОУ «Яйская СОШ № 1»",
            "опорная (стажировочная) методическая площадка",
            "Наставничество в образовательной организации",
            "действует",
            datetime(2026, 9, 1),
            datetime(2029, 8, 31),
            "Иванова Анна Петровна, директор",
            "Петров Олег Иванович, заместитель директора",
            "№ 45-од от 25.08.2026",
        )
    ]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40

    expected = {
        "events": ("Начало", 3),
        "plans": ("Учебный год", 1),
        "participation": ("Образовательная организация", 2),
        "links": ("Состояние", 2),
    }
    for report, (header, count) in expected.items():
        table = await client.get(f"/export/{report}.xlsx")
        assert table.status_code == 200, report
        book = load_workbook(io.BytesIO(table.content)).active
        assert book is not None
        lines = list(book.iter_rows(values_only=True))
        assert lines[0][1] == header and len(lines) - 1 == count, report
    events = load_workbook(io.BytesIO((await client.get("/export/events.xlsx")).content)).active
    assert events is not None
    assert events["B2"].value == datetime(2020, 3, 17, 15, 0)  # shown in the centre's zone
    unknown = await client.get("/export/salaries.xlsx")
    assert unknown.status_code == 404
    assert "Отчёт «salaries» не найден" in unknown.json()["message"]


async def test_the_centre_reads_for_every_role_and_only_staff_resync(
    client: Client, database: Database, settings: FederationSettings, seeded: None
) -> None:
    centre = settings.district
    for role in (Role.TEACHER, Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_MEMBER, Role.SERVICE):
        read = await client.get("/sites", auth=testing.auth(centre, role))
        assert read.status_code == 200, role
        assert len(read.json()) == 2
    body = {"districts": ["yaya"], "reason": "Центр восстановлен"}
    for role in (Role.TEACHER, Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_SECRETARY, Role.SERVICE):
        refused = await client.post("/resync", json=body, auth=testing.auth(centre, role))
        assert refused.status_code == 403, role
    assert "не даёт права" in refused.json()["message"]
    # A district's account reaches nothing of the centre, not even as its administrator.
    district = await client.get("/sites", auth=testing.auth("yaya", Role.DISTRICT_ADMIN))
    assert district.status_code == 403
    assert "другому району" in district.json()["message"]
    district_resync = await client.post(
        "/resync", json=body, auth=testing.auth("yaya", Role.CENTRE_COORDINATOR)
    )
    assert district_resync.status_code == 403
    assert (await client.get("/sites", auth=None)).status_code == 401
    assert (await client.post("/resync", json=body, auth=None)).status_code == 401
    assert (await client.get("/health", auth=None)).status_code == 200
    async with database.sessions() as session:
        assert (await session.scalar(sa.select(sa.func.count()).select_from(outbox_table))) == 0
    methodist = await client.post("/resync", json=body, auth=testing.auth(centre, Role.METHODIST))
    assert methodist.status_code == 202


async def test_resync_writes_the_request_to_the_outbox_on_imc_centre(
    client: Client, database: Database, settings: FederationSettings, deliver: Deliver
) -> None:
    accepted = await client.post(
        "/resync", json={"districts": ["yaya"], "reason": "Центр восстановлен"}
    )
    assert accepted.status_code == 202, accepted.text
    request_id = accepted.json()["request_id"]
    refused = await client.post("/resync", json={"districts": ["tisul"], "reason": "—"})
    assert refused.status_code == 422 and "«tisul»" in refused.json()["message"]
    assert (await client.post("/resync", json={"reason": "  "})).status_code == 422

    # on start: one request for the districts nothing is known from
    assert await deliver(new(SITE_STATUS_CHANGED, site(1, "osmp", "«Яйская СОШ № 1»"))) is None
    outbox = Outbox(district=settings.district, source="federation")
    await resync_empty_districts(database=database, outbox=outbox, settings=settings)
    async with database.sessions() as session:
        rows = (
            (await session.execute(sa.select(outbox_table).order_by(outbox_table.c.id)))
            .mappings()
            .all()
        )
    assert [(r["exchange"], r["routing_key"]) for r in rows] == [
        (names.EVENTS_EXCHANGE, RESYNC_REQUESTED.routing_key)
    ] * 2
    first, second = (RESYNC_REQUESTED.decode(r["body"]) for r in rows)
    assert str(first.payload.request_id) == request_id
    assert (first.district, first.payload.districts, first.payload.reason) == (
        "buguruslan",
        ("yaya",),
        "Центр восстановлен",
    )
    assert second.payload.districts == ("mariinsk",)
    assert msgspec.json.decode(rows[1]["body"])["source"] == "federation"


async def test_link_watcher_alerts_once_and_notes_the_recovery(
    database: Database, settings: FederationSettings, deliver: Deliver
) -> None:
    assert await deliver(new(HEARTBEAT, Heartbeat(sequence=1, interval_seconds=15))) is None
    clock = [NOW + timedelta(seconds=10)]
    outbox = Outbox(district="buguruslan", source="federation")
    watcher = LinkWatcher(database, settings, outbox=outbox, clock=lambda: clock[0])
    with capture_logs() as logs:
        await watcher.check_once()
        clock[0] = NOW + timedelta(minutes=30)
        await watcher.check_once()
        await watcher.check_once()
        assert await deliver(new(HEARTBEAT, Heartbeat(sequence=2, interval_seconds=15))) is None
        clock[0] = datetime.now(UTC) + timedelta(seconds=1)
        await watcher.check_once()
    events = [
        (e["event"], e["log_level"], e.get("district"))
        for e in logs
        if "federation link" in e["event"]
    ]
    assert events == [
        ("federation link down", "error", "yaya"),
        ("federation link recovered", "info", "yaya"),
    ]
    async with database.sessions() as session:
        bodies = (
            await session.scalars(
                sa.select(outbox_table.c.body).where(
                    outbox_table.c.routing_key == LINK_ALERT.routing_key
                )
            )
        ).all()
    alerts = [LINK_ALERT.decode(body).payload for body in bodies]
    assert [(a.district, a.raised) for a in alerts] == [("yaya", True), ("yaya", False)]
