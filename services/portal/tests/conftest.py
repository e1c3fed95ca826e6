"""Fixtures: a real local HTTP server standing in for the registry and the aggregator.

It serves fixed JSON shaped exactly as the real services answer, under prefixes:
``/registry`` (a district with sites and the centre's inter-municipal sites),
``/empty`` (a district without sites),
``/federation`` (the centre), ``/centre-empty`` (a centre without data),
``/broken`` (answers 500), ``/garbled`` (wrong shape), ``/slow`` (answers too late).
The aggregator's event list honours its filters and its XLSX export sends fixed bytes
whose file name tells the report and district asked for.
"""

import asyncio
import contextlib
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import msgspec
import pytest
import uvicorn
from argon2 import PasswordHasher
from litestar import Litestar, Response, get
from litestar.params import FromPath, FromQuery
from litestar.testing import AsyncTestClient

from imc_portal.app import create_app
from imc_portal.services.accounts import AccountData, create_account
from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role
from imc_shared.db import Database

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
"""The portal's signing key in tests; its public half is in ``testing.public_keys()``."""
PASSWORD = "правильный-пароль-1"

YAYA_SITES: list[dict[str, Any]] = [
    {
        "id": "0194c1a2-7e00-7000-8000-000000000001",
        "organisation_id": "0194c1a2-7e00-7000-8000-0000000000a1",
        "organisation_short_name": "МБОУ «Яйская ООШ № 1»",
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская основная общеобразовательная школа № 1»",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Формирование функциональной грамотности обучающихся на уроках "
        "естественно-научного цикла",
        "term_start": "2026-10-15",
        "term_end": "2028-10-14",
        "leader": {
            "full_name": "Кузнецова Ольга Викторовна",
            "position": "заместитель директора по УВР",
        },
        "co_leader": {"full_name": "Смирнова Татьяна Ивановна", "position": "методист МБУ «ИМЦ»"},
        "order_number": "45-од",
        "order_date": "2026-10-15",
        "created_at": "2026-10-15T09:00:00Z",
    },
    {
        "id": "0194c1a2-7e00-7000-8000-000000000002",
        "organisation_id": "0194c1a2-7e00-7000-8000-0000000000a2",
        "organisation_short_name": "МБДОУ «Детский сад «Солнышко»",
        "organisation_full_name": "Муниципальное бюджетное дошкольное образовательное "
        "учреждение «Детский сад «Солнышко» пгт Яя",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "extended",
        "status_title": "продлена",
        "topic": "Ранняя профориентация дошкольников через сюжетно-ролевую игру",
        "term_start": "2025-09-01",
        "term_end": "2027-08-31",
        "leader": {"full_name": "Белова Наталья Сергеевна", "position": "заведующий"},
        "co_leader": {"full_name": "Смирнова Татьяна Ивановна", "position": "методист МБУ «ИМЦ»"},
        "order_number": "112",
        "order_date": "2025-08-28",
    },
]

INTERMUNICIPAL_SITES: list[dict[str, Any]] = [
    {
        "site_id": "0194c1a2-7e00-7000-8000-000000000301",
        "organisation_short_name": "МАОУ «Гимназия № 1»",
        "organisation_full_name": "Муниципальное автономное общеобразовательное учреждение "
        "«Гимназия № 1» г. Бугуруслана",
        "kind": "intermunicipal_resource",
        "kind_title": "межмуниципальный ресурсный центр",
        "status": "active",
        "status_title": "действует",
        "topic": "Подготовка обучающихся к итоговой аттестации по русскому языку",
        "term_start": "2026-09-01",
        "term_end": "2029-08-31",
        "leader": {"full_name": "Лебедева Марина Юрьевна", "position": "заместитель директора"},
        "co_leader": None,
        "order_number": "210-ммц",
        "order_date": "2026-08-27",
    },
    {
        "site_id": "0194c1a2-7e00-7000-8000-000000000302",
        "organisation_short_name": "МБОУ «Лицей № 1»",
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Лицей № 1» г. Бугуруслана",
        "kind": "intermunicipal_support",
        "kind_title": "межмуниципальная опорная площадка",
        "status": "extended",
        "status_title": "продлена",
        "topic": "Методическая и консультационная помощь учителям математики",
        "term_start": "2025-09-01",
        "term_end": "2027-08-31",
        "leader": {"full_name": "Гордеев Сергей Павлович", "position": "директор"},
        "co_leader": {"full_name": "Никитина Елена Олеговна", "position": "методист ММЦ"},
        "order_number": "96-ммц",
        "order_date": "2025-08-29",
        "version": 2,
    },
]
"""The centre's sites as a district's registry publishes them (``/public/centre-sites``)."""

CENTRE_SITES: list[dict[str, Any]] = [
    {
        "district": "buguruslan",
        "district_name": "Город Бугуруслан",
        "site_id": "0194c1a2-7e00-7000-8000-000000000101",
        "organisation_short_name": "МБОУ «СОШ № 2»",
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Средняя общеобразовательная школа № 2» г. Бугуруслана",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Подготовка к ОГЭ по математике: работа с обучающимися группы риска",
        "term_start": "2026-09-01",
        "term_end": "2027-08-31",
        "leader": {"full_name": "Павлова Ирина Геннадьевна", "position": "директор"},
        "co_leader": {"full_name": "Орлов Денис Андреевич", "position": "методист ИМЦ"},
        "order_number": "301-п",
        "order_date": "2026-08-25",
        "received_at": "2026-11-20T07:30:00Z",
    },
    {
        "district": "asekeevo",
        "district_name": "Асекеевский район",
        "site_id": "0194c1a2-7e00-7000-8000-000000000201",
        "organisation_short_name": "МОБУ «Асекеевская СОШ»",
        "organisation_full_name": "Муниципальное общеобразовательное бюджетное учреждение "
        "«Асекеевская средняя общеобразовательная школа»",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Наставничество молодых педагогов",
        "term_start": "2026-10-01",
        "term_end": "2027-09-30",
        "leader": {"full_name": "Ахметова Гульнара Рашитовна", "position": "заместитель директора"},
        "co_leader": {"full_name": "Иванов Пётр Сергеевич", "position": "методист РМК"},
        "order_number": "17",
        "order_date": "2026-09-28",
        "received_at": "2026-11-21T10:05:00Z",
    },
]

DISTRICTS: list[dict[str, Any]] = [
    {
        "code": "buguruslan",
        "name": "Город Бугуруслан",
        "sites": 1,
        "last_message_at": "2026-11-20T07:30:00Z",
    },
    {
        "code": "asekeevo",
        "name": "Асекеевский район",
        "sites": 1,
        "last_message_at": "2026-11-21T10:05:00Z",
    },
    {"code": "severnoe", "name": "Северный район", "sites": 0, "last_message_at": None},
]


LINKS: dict[str, dict[str, Any]] = {
    "asekeevo": {
        "district": "asekeevo",
        "district_name": "Асекеевский район",
        "state": "up",
        "state_title": "связь есть",
        "last_message_at": "2026-11-21T10:05:00Z",
        "last_heartbeat_at": "2026-11-21T10:06:00Z",
        "lag_seconds": 185,
        "down_for_seconds": None,
        "alert": False,
        "messages": 42,
        "rejected": 1,
    },
    "buguruslan": {
        "district": "buguruslan",
        "district_name": "Город Бугуруслан",
        "state": "down",
        "state_title": "нет связи",
        "last_message_at": "2026-11-20T07:30:00Z",
        "last_heartbeat_at": "2026-11-20T07:31:00Z",
        "lag_seconds": None,
        "down_for_seconds": 11400,
        "alert": True,
        "messages": 17,
        "rejected": 0,
    },
    "severnoe": {
        "district": "severnoe",
        "district_name": "Северный район",
        "state": "never",
        "state_title": "сообщений не было",
        "last_message_at": None,
        "last_heartbeat_at": None,
        "lag_seconds": None,
        "down_for_seconds": None,
        "alert": False,
        "messages": 0,
        "rejected": 0,
    },
}


def _event(district: str, number: int, **fields: Any) -> dict[str, Any]:
    names = {code: link["district_name"] for code, link in LINKS.items()}
    return {
        "district": district,
        "district_name": names[district],
        "event_id": f"0194c1a2-7e00-7000-8000-00000000e{number:03d}",
        "form_title": "семинар",
        "venue": "",
        "online_url": "",
        "hours": 2,
        "status": "planned",
        "status_title": "запланировано",
        "registered": 0,
        "capacity": None,
        "intermunicipal": False,
        **fields,
    }


EVENTS: list[dict[str, Any]] = [
    _event(
        "asekeevo",
        1,
        title="Наставничество: первые шаги молодого педагога",
        form_title="постоянно действующий семинар",
        starts_at="2026-11-25T05:00:00Z",
        ends_at="2026-11-25T07:00:00Z",
        venue="МОБУ «Асекеевская СОШ», актовый зал",
        organiser_name="РМК Асекеевского района",
        registered=12,
        capacity=30,
    ),
    _event(
        "buguruslan",
        2,
        title="Межмуниципальная конференция «Функциональная грамотность»",
        form_title="конференция",
        starts_at="2026-11-25T09:00:00Z",
        ends_at="2026-11-25T12:00:00Z",
        online_url="https://vk.com/imc-conference",
        organiser_name="ММЦ г. Бугуруслана",
        hours=4,
        registered=57,
        intermunicipal=True,
    ),
    _event(
        "asekeevo",
        3,
        title="Мастер-класс по решению задач ОГЭ",
        form_title="мастер-класс",
        starts_at="2026-12-02T06:30:00Z",
        ends_at="2026-12-02T08:00:00Z",
        venue="Кабинет № 14",
        online_url="javascript:alert(1)",
        organiser_name="МОБУ «Асекеевская СОШ»",
        hours=1.5,
        status="cancelled",
        status_title="отменено",
    ),
]

DASHBOARD: dict[str, Any] = {
    "districts": [
        {
            "code": "buguruslan",
            "name": "Город Бугуруслан",
            "sites": 1,
            "events_upcoming": 1,
            "plans": 2,
            "plan_percent_done": 62.5,
            "registrations": 140,
            "attended": 121,
            "hours": 362,
            "link": LINKS["buguruslan"],
        },
        {
            "code": "asekeevo",
            "name": "Асекеевский район",
            "sites": 1,
            "events_upcoming": 2,
            "plans": 1,
            "plan_percent_done": 40,
            "registrations": 35,
            "attended": 30,
            "hours": 71.5,
            "link": LINKS["asekeevo"],
        },
        {
            "code": "severnoe",
            "name": "Северный район",
            "sites": 0,
            "events_upcoming": 0,
            "plans": 0,
            "plan_percent_done": None,
            "registrations": 0,
            "attended": 0,
            "hours": 0,
            "link": LINKS["severnoe"],
        },
    ],
    "totals": {
        "sites": 2,
        "events_upcoming": 3,
        "registrations": 175,
        "attended": 151,
        "hours": 433.5,
    },
}

ASEKEEVO_DASHBOARD: dict[str, Any] = {
    "code": "asekeevo",
    "name": "Асекеевский район",
    "link": LINKS["asekeevo"],
    "sites": [
        CENTRE_SITES[1],
        {
            **CENTRE_SITES[1],
            "site_id": "0194c1a2-7e00-7000-8000-000000000202",
            "organisation_short_name": "МОБУ «Аксютинская СОШ»",
            "kind": "innovation",
            "kind_title": "региональная инновационная площадка",
            "topic": "Цифровая образовательная среда сельской школы",
            "leader": {"full_name": "Закирова Алсу Ринатовна", "position": "директор"},
        },
    ],
    "events": [
        {k: v for k, v in event.items() if k not in ("district", "district_name")}
        for event in EVENTS
        if event["district"] == "asekeevo"
    ],
    "plans": [
        {
            "plan_id": "0194c1a2-7e00-7000-8000-0000000000f1",
            "kind_title": "план работы ИМЦ",
            "title": "План работы РМК на 2026/2027 учебный год",
            "school_year": "2026/2027",
            "subject": "",
            "status": "approved",
            "items_total": 10,
            "items_done": 4,
            "items_overdue": 2,
            "percent_done": 40,
        }
    ],
    # The aggregator's order is by figures; the portal must not keep it.
    "participation_by_school": [
        {
            "organisation_short_name": "МОБУ «Асекеевская СОШ»",
            "registrations": 20,
            "attended": 18,
            "hours": 40,
        },
        {
            "organisation_short_name": "МОБУ «Аксютинская СОШ»",
            "registrations": 15,
            "attended": 12,
            "hours": 31.5,
        },
    ],
    "participation_by_subject": [
        {"subject": "математика", "registrations": 22, "attended": 19, "hours": 45},
        {"subject": "биология", "registrations": 13, "attended": 11, "hours": 26.5},
    ],
}

BUGURUSLAN_DASHBOARD: dict[str, Any] = {
    "code": "buguruslan",
    "name": "Город Бугуруслан",
    "link": LINKS["buguruslan"],
    "sites": [],
    "events": [],
    "plans": [],
    "participation_by_school": [],
    "participation_by_subject": [],
}

EXPORT_BYTES = b"PK\x03\x04" + bytes(range(256)) * 800
"""What the fake aggregator sends for any report: more than one chunk of a stream."""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> Response[dict[str, str]]:
    """Liveness of every fake backend but the broken one."""
    return Response({"status": "ok"}, status_code=500 if prefix == "broken" else 200)


@get("/{prefix:str}/sites")
async def sites(prefix: FromPath[str]) -> Response[Any]:
    """Sites as the registry or the aggregator returns them."""
    return await _answer(
        prefix,
        {"registry": YAYA_SITES, "empty": [], "federation": CENTRE_SITES, "centre-empty": []},
    )


@get("/{prefix:str}/public/centre-sites")
async def public_centre_sites(prefix: FromPath[str]) -> Response[Any]:
    """The centre's inter-municipal sites as a district's registry publishes them."""
    return await _answer(prefix, {"registry": INTERMUNICIPAL_SITES, "empty": []})


@get("/{prefix:str}/districts")
async def districts(prefix: FromPath[str]) -> Response[Any]:
    """Districts as the aggregator returns them."""
    return await _answer(prefix, {"federation": DISTRICTS, "centre-empty": []})


@get("/{prefix:str}/links")
async def links(prefix: FromPath[str]) -> Response[Any]:
    """Link states as the aggregator returns them."""
    return await _answer(prefix, {"federation": list(LINKS.values())})


@get("/{prefix:str}/dashboard")
async def dashboard(prefix: FromPath[str]) -> Response[Any]:
    """The centre's dashboard as the aggregator returns it."""
    empty = {"districts": [], "totals": dict.fromkeys(DASHBOARD["totals"], 0)}
    return await _answer(prefix, {"federation": DASHBOARD, "centre-empty": empty})


@get("/{prefix:str}/dashboard/{code:str}")
async def district_dashboard(prefix: FromPath[str], code: FromPath[str]) -> Response[Any]:
    """One district's dashboard; 404 for a district the fake does not know."""
    known = {"asekeevo": ASEKEEVO_DASHBOARD, "buguruslan": BUGURUSLAN_DASHBOARD}
    if prefix == "federation" and code not in known:
        return Response({"error": "not_found", "message": "Округ не найден"}, status_code=404)
    return await _answer(prefix, {"federation": known.get(code)})


@get("/{prefix:str}/events")
async def events(
    prefix: FromPath[str],
    district: FromQuery[str | None] = None,
    date_from: FromQuery[str | None] = None,
    date_to: FromQuery[str | None] = None,
) -> Response[Any]:
    """Events of all districts, filtered as the aggregator filters them (dates in UTC)."""
    chosen = [
        event
        for event in EVENTS
        if (not district or event["district"] == district)
        and (not date_from or event["starts_at"][:10] >= date_from)
        and (not date_to or event["starts_at"][:10] <= date_to)
    ]
    return await _answer(prefix, {"federation": chosen})


@get("/{prefix:str}/export/{filename:str}")
async def export(
    prefix: FromPath[str], filename: FromPath[str], district: FromQuery[str | None] = None
) -> Response[Any]:
    """Fixed bytes as an XLSX attachment named after the report and the district."""
    report = filename.removesuffix(".xlsx")
    if prefix != "federation":
        return await _answer(prefix, {})
    known = report in {"sites", "events", "plans", "participation", "links"}
    if not known or (district and district not in LINKS):
        return Response({"error": "not_found"}, status_code=404)
    name = f"{report}-{district or 'all'}.xlsx"
    return Response(
        EXPORT_BYTES,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def _answer(prefix: str, data: dict[str, Any]) -> Response[Any]:
    if prefix == "broken":
        return Response({"error": "internal_error"}, status_code=500)
    if prefix == "garbled":
        return Response([{"id": "not a site"}])
    if prefix == "slow":
        await asyncio.sleep(2)
    return Response(data.get(prefix, []))


class FakeBackends:
    """A uvicorn server on a free local port, run in a background thread."""

    def __init__(self, app: Litestar | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        handlers = [
            health,
            sites,
            public_centre_sites,
            districts,
            links,
            dashboard,
            district_dashboard,
            events,
            export,
        ]
        app = app or Litestar(handlers, logging_config=None)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def url(self, prefix: str) -> str:
        """Base URL of one fake backend."""
        return f"http://127.0.0.1:{self.port}/{prefix}"

    def start(self) -> None:
        """Start serving and wait until the server listens."""
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake backend did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))


@pytest.fixture
def unused_port() -> int:
    """A local port nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def backends() -> Iterator[FakeBackends]:
    """The fake backends, served for the whole session."""
    server = FakeBackends()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def export_bytes() -> bytes:
    """What the fake aggregator sends for every XLSX report."""
    return EXPORT_BYTES


def fast_hasher() -> PasswordHasher:
    """argon2id with small parameters: the same checks, a fraction of the time."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def csrf_of(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no csrf_token field"
    return found.group(1)


async def log_in(client: AsyncTestClient[Any], login: str, password: str, **extra: str) -> Any:
    """Fill in and send the login form as a fresh browser would."""
    client.cookies.clear()
    form = await client.get("/login")
    data = {"login": login, "password": password, "csrf_token": csrf_of(form.text), **extra}
    return await client.post("/login", data=data, follow_redirects=False)


async def add_account(
    database_url: str,
    *,
    login: str,
    role: Role,
    district: str,
    name: str = "Орлова Татьяна Николаевна",
    password: str = PASSWORD,
    organisation_id: UUID | None = None,
    person_id: UUID | None = None,
    hasher: PasswordHasher | None = None,
) -> UUID:
    """An account straight in the portal's (migrated) database; its id."""
    database = Database(database_url)
    try:
        account = await create_account(
            database,
            AccountData.checked(
                login=login,
                full_name=name,
                role=role,
                organisation_id=organisation_id,
                person_id=person_id,
            ),
            password,
            district=district,
            hasher=hasher or fast_hasher(),
        )
    finally:
        await database.dispose()
    return account.id


Portal = Callable[..., contextlib.AbstractAsyncContextManager[AsyncTestClient[Any]]]


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    """``async with portal(settings, role=...) as client``: the portal on its own SQLite
    database with one account of ``role``, logged in through the form."""

    @contextlib.asynccontextmanager
    async def open_portal(
        settings: PortalSettings,
        *,
        role: Role | None = None,
        clock: Callable[[], datetime] | None = None,
        **account: Any,
    ) -> AsyncIterator[AsyncTestClient[Any]]:
        url = f"sqlite+aiosqlite:///{tmp_path}/portal-{time.monotonic_ns()}.db"
        settings = msgspec.structs.replace(settings, database_url=url)
        role = role or (Role.CENTRE_COORDINATOR if settings.is_centre else Role.METHODIST)
        app = create_app(settings, hasher=fast_hasher(), **({"clock": clock} if clock else {}))
        async with AsyncTestClient(app=app) as client:
            await add_account(url, login="user", role=role, district=settings.district, **account)
            answer = await log_in(client, "user", PASSWORD)
            assert answer.status_code == 303, answer.text
            yield client

    return open_portal


@pytest.fixture(scope="session")
def kit() -> SimpleNamespace:
    """The helpers above, for test modules (conftest is not importable by name)."""
    return SimpleNamespace(
        FakeBackends=FakeBackends,
        Clock=Clock,
        fast_hasher=fast_hasher,
        log_in=log_in,
        csrf_of=csrf_of,
        add_account=add_account,
        PASSWORD=PASSWORD,
        PORTAL_SIGNING_KEY=PORTAL_SIGNING_KEY,
    )
