"""Accounts, sessions, CSRF, throttling, the home page by role, and the signed tokens the
backends receive (checked by the services' own auth middleware), on SQLite and PostgreSQL."""

import asyncio
import contextlib
import io
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.testing import AsyncTestClient

from imc_portal import accounts as cli
from imc_portal.app import create_app
from imc_portal.db.models import Account, LoginSession
from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Principal, Role, current
from imc_shared.db import Database
from imc_shared.http import create_http_app
from imc_shared.settings import ServiceSettings

pytestmark = pytest.mark.timeout(120)

DISTRICT = "yaya"
PASSWORD = "правильный-пароль-1"
ORG_A = UUID("0194c1a2-7e00-7000-8000-0000000000a1")
ORG_B = UUID("0194c1a2-7e00-7000-8000-0000000000a2")
TEACHER = UUID("0194c1a2-7e00-7000-8000-0000000000c1")
EVENT_1 = "0194c1a2-7e00-7000-8000-0000000000e1"
EVENT_2 = "0194c1a2-7e00-7000-8000-0000000000e2"

SEEN: list[tuple[str, Principal]] = []
"""Who the fake services were told was asking, path by path."""


def _application(n: int, org: UUID, status: str, title: str) -> dict[str, Any]:
    return {
        "id": f"0194c1a2-7e00-7000-8000-00000000{n:04d}",
        "organisation_id": str(org),
        "organisation_short_name": "МБОУ «Яйская ООШ № 1»" if org == ORG_A else "МБОУ «Лицей»",
        "site_kind_title": "опорная (стажировочная) методическая площадка",
        "topic": f"Тема заявки {n}",
        "status": status,
        "status_title": title,
        "created_at": "2026-11-20T08:00:00Z",
        "submitted_at": "2026-11-21T08:00:00Z",
        "allowed_actions": [],
    }


APPLICATIONS = [
    _application(1, ORG_A, "submitted", "подана"),
    _application(2, ORG_B, "submitted", "подана"),
    _application(3, ORG_A, "under_review", "на рассмотрении"),
]


def _meeting(n: int, held_on: str, status: str, items: list[str]) -> dict[str, Any]:
    return {
        "id": f"0194c1a2-7e00-7000-8000-0000000d{n:04d}",
        "protocol_number": str(n),
        "held_on": held_on,
        "place": "МБУ «ИМЦ», каб. 5",
        "status": status,
        "items": [
            {"number": i + 1, "type_title": "присвоение статуса", "title": title}
            for i, title in enumerate(items)
        ],
    }


MEETINGS = [
    _meeting(1, "2026-11-02", "held", ["Прошедший вопрос"]),
    _meeting(3, "2026-12-20", "planned", ["Поздний вопрос"]),
    _meeting(2, "2026-12-01", "planned", ["О присвоении статуса МБОУ «Лицей»", "Разное"]),
]


def _event(event_id: str, title: str, starts: str, ends: str, status: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "title": title,
        "form_title": "семинар",
        "organiser_name": "МБУ «ИМЦ»",
        "venue": "актовый зал",
        "online_url": "",
        "starts_at": starts,
        "ends_at": ends,
        "capacity": 30,
        "status": status,
        "status_title": "запланировано",
        "seats_taken": 3,
    }


EVENTS = [
    _event(
        EVENT_2,
        "Мастер-класс по геометрии",
        "2026-11-30T05:00:00Z",
        "2026-11-30T07:00:00Z",
        "planned",
    ),
    _event(
        EVENT_1,
        "Семинар по функциональной грамотности",
        "2026-11-25T05:00:00Z",
        "2026-11-25T07:00:00Z",
        "planned",
    ),
]


def _seen(request: Request[Any, Any, Any]) -> None:
    SEEN.append((request.url.path, current(request)))


@get("/applications")
async def applications(
    request: Request[Any, Any, Any], status: FromQuery[str | None] = None
) -> Any:
    _seen(request)
    return [a for a in APPLICATIONS if status is None or a["status"] == status]


@get("/meetings")
async def meetings(request: Request[Any, Any, Any]) -> Any:
    _seen(request)
    return MEETINGS


@get("/events")
async def events(request: Request[Any, Any, Any], include_cancelled: FromQuery[bool] = True) -> Any:
    _seen(request)
    assert request.query_params.get("date_from")
    return EVENTS


@get("/events/{event_id:str}/registrations")
async def registrations(request: Request[Any, Any, Any], event_id: FromPath[str]) -> Any:
    _seen(request)
    person = str(TEACHER) if event_id == EVENT_1 else "0194c1a2-7e00-7000-8000-0000000000c9"
    return [
        {
            "id": "0194c1a2-7e00-7000-8000-0000000000f1",
            "event_id": event_id,
            "person_id": person,
            "status": "registered",
            "status_title": "записан",
            "waiting_position": None,
        }
    ]


@get("/public/sites")
async def public_sites() -> Any:
    return [
        {
            "id": "0194c1a2-7e00-7000-8000-000000000001",
            "organisation_short_name": "МБОУ «Яйская ООШ № 1»",
            "kind": "osmp",
            "kind_title": "опорная (стажировочная) методическая площадка",
            "status_title": "действует",
            "topic": "Функциональная грамотность",
            "term_start": "2026-10-15",
            "term_end": "2028-10-14",
            "leader": "Кузнецова Ольга Викторовна",
            "co_leader": None,
            "order_number": "45-од",
            "order_date": "2026-10-15",
        }
    ]


@get("/public/centre-sites")
async def public_centre_sites() -> Any:
    return []


@pytest.fixture(scope="module")
def services(kit: Any) -> Iterator[Any]:
    """One fake of the district's services behind the real token check of every service."""
    settings = ServiceSettings(service="fake", district=DISTRICT, **testing.auth_settings())
    app = create_http_app(
        [applications, meetings, events, registrations, public_sites, public_centre_sites],
        settings=settings,
        title="fake",
    )
    server = kit.FakeBackends(app)
    server.start()
    yield server
    server.stop()


def settings_for(base: str, database_url: str, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": DISTRICT,
        "district_name": "Яйский муниципальный округ",
        "database_url": database_url,
        "registry_url": base,
        "applications_url": base,
        "scheduling_url": base,
        "auth_signing_key": testing.keys()[PORTAL_KEY_ID][0],
        "time_zone": "Asia/Novosibirsk",
    }
    return PortalSettings(service="portal", **{**values, **extra})


@contextlib.asynccontextmanager
async def opened(
    kit: Any, settings: PortalSettings, clock: Any = None, hasher: PasswordHasher | None = None
) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(settings, clock=clock or kit.Clock(), hasher=hasher or kit.fast_hasher())
    # Over HTTPS, as a browser would send Secure cookies back.
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as client:
        yield client


def base_of(services: Any) -> str:
    return f"http://127.0.0.1:{services.port}"


async def stored(database_url: str, login_key: str) -> Account:
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            found = await session.execute(sa.select(Account).where(Account.login_key == login_key))
            return found.scalar_one()
    finally:
        await database.dispose()


async def session_count(database_url: str) -> int:
    database = Database(database_url)
    try:
        async with database.sessions() as session:
            return int(
                (await session.execute(sa.select(sa.func.count(LoginSession.id_hash)))).scalar_one()
            )
    finally:
        await database.dispose()


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', html)
    return found.group(1) if found else ""


async def test_login_opens_a_session_with_a_safe_cookie(
    kit: Any, services: Any, database_url: str
) -> None:
    settings = settings_for(base_of(services), database_url, cookie_secure=True)
    async with opened(kit, settings) as client:
        first = await client.get("/sites?x=1", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=%2Fsites%3Fx%3D1"
        await kit.add_account(
            database_url, login="Metodist", role=Role.METHODIST, district=DISTRICT
        )
        answer = await kit.log_in(client, "metodist", PASSWORD, next="/public")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/public"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "imc_session=" in c)
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie or "samesite=lax" in cookie.lower()
        assert "Secure" in cookie
        # The database keeps the hash of the id, never the id itself.
        token = re.search(r"imc_session=([^;]+)", cookie).group(1).strip('"')  # type: ignore[union-attr]
        account = await stored(database_url, "metodist")
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        database = Database(database_url)
        async with database.sessions() as session:
            hashes = (await session.execute(sa.select(LoginSession.id_hash))).scalars().all()
        await database.dispose()
        assert token not in hashes and len(hashes) == 1
        # An absolute address elsewhere is never followed after the login.
        other = await kit.log_in(client, "metodist", PASSWORD, next="//evil.example/")
        assert other.headers["location"] == "/"


async def test_failed_login_says_why_next_to_the_field(
    kit: Any, services: Any, database_url: str
) -> None:
    async with opened(kit, settings_for(base_of(services), database_url)) as client:
        await kit.add_account(database_url, login="teacher1", role=Role.TEACHER, district=DISTRICT)
        wrong = await kit.log_in(client, "teacher1", "неверный-пароль")
        unknown = await kit.log_in(client, "nobody", "неверный-пароль")
        empty = await kit.log_in(client, "", "")
        home = await client.get("/", follow_redirects=False)
    assert wrong.status_code == 400
    assert field_error(wrong.text, "password").startswith("Неверный логин или пароль")
    assert 'value="teacher1"' in wrong.text  # the typed login is kept
    assert 'aria-describedby="password-error"' in wrong.text
    assert '<label for="login">Логин</label>' in wrong.text
    assert '<label for="password">Пароль</label>' in wrong.text
    assert 'name="viewport"' in wrong.text
    # An unknown login reads exactly like a wrong password.
    assert field_error(unknown.text, "password") == field_error(wrong.text, "password")
    assert field_error(empty.text, "login") == "Введите логин."
    assert "imc_session" not in "".join(wrong.headers.get_list("set-cookie"))
    assert home.status_code == 303


async def test_five_failures_lock_the_login_and_the_address(
    kit: Any, services: Any, database_url: str
) -> None:
    clock = kit.Clock()
    async with opened(kit, settings_for(base_of(services), database_url), clock) as client:
        await kit.add_account(
            database_url, login="secretary", role=Role.COUNCIL_SECRETARY, district=DISTRICT
        )
        await kit.add_account(
            database_url, login="member", role=Role.COUNCIL_MEMBER, district=DISTRICT
        )
        for _ in range(5):
            clock.advance(minutes=1)
            refused = await kit.log_in(client, "secretary", "не-тот-пароль")
            assert refused.status_code == 400
        # The right password no longer opens the account, nor another one from this address.
        locked = await kit.log_in(client, "SECRETARY", PASSWORD)
        neighbour = await kit.log_in(client, "member", PASSWORD)
        assert locked.status_code == 429
        message = field_error(locked.text, "login")
        assert message.startswith("Слишком много неудачных попыток входа")
        assert "через 15 минут" in message
        assert 'value="SECRETARY"' in locked.text
        assert neighbour.status_code == 429
        clock.advance(minutes=14)
        assert (await kit.log_in(client, "secretary", PASSWORD)).status_code == 429
        clock.advance(minutes=1, seconds=1)
        assert (await kit.log_in(client, "secretary", PASSWORD)).status_code == 303


async def test_sessions_end_when_idle_and_after_the_absolute_limit(
    kit: Any, services: Any, database_url: str
) -> None:
    clock = kit.Clock()
    settings = settings_for(base_of(services), database_url, scheduling_url="", applications_url="")
    async with opened(kit, settings, clock) as client:
        await kit.add_account(
            database_url, login="admin", role=Role.DISTRICT_ADMIN, district=DISTRICT
        )
        assert (await kit.log_in(client, "admin", PASSWORD)).status_code == 303
        clock.advance(minutes=29)
        assert (await client.get("/")).status_code == 200
        clock.advance(minutes=29)  # 58 minutes after the login, but never 30 idle
        assert (await client.get("/")).status_code == 200
        clock.advance(minutes=30, seconds=1)
        idle = await client.get("/", follow_redirects=False)
        assert idle.status_code == 303
        assert idle.headers["location"] == "/login?expired=1"
        notice = await client.get(idle.headers["location"])
        assert "Сеанс работы завершён" in notice.text
        assert await session_count(database_url) == 0

        assert (await kit.log_in(client, "admin", PASSWORD)).status_code == 303
        for _ in range(24):  # active every 29 minutes: 11 h 36 min in all
            clock.advance(minutes=29)
            assert (await client.get("/", follow_redirects=False)).status_code == 200
        clock.advance(minutes=29)
        ended = await client.get("/", follow_redirects=False)
        assert ended.status_code == 303
        assert "expired=1" in ended.headers["location"]


async def test_logout_ends_the_session_on_the_server(
    kit: Any, services: Any, database_url: str
) -> None:
    settings = settings_for(base_of(services), database_url, scheduling_url="", applications_url="")
    async with opened(kit, settings) as client:
        await kit.add_account(database_url, login="teacher2", role=Role.TEACHER, district=DISTRICT)
        login = await kit.log_in(client, "teacher2", PASSWORD)
        cookie = re.search(r"imc_session=([^;]+)", login.headers["set-cookie"]).group(1)  # type: ignore[union-attr]
        home = await client.get("/")
        out = await client.post(
            "/logout", data={"csrf_token": kit.csrf_of(home.text)}, follow_redirects=False
        )
        assert out.status_code == 303
        assert out.headers["location"] == "/login?logged_out=1"
        assert await session_count(database_url) == 0
        # The old cookie, replayed, opens nothing.
        client.cookies.set("imc_session", cookie)
        again = await client.get("/", follow_redirects=False)
        assert again.status_code == 303
        assert again.headers["location"].startswith("/login")


async def test_forms_without_the_right_csrf_token_are_refused(
    kit: Any, services: Any, database_url: str
) -> None:
    settings = settings_for(base_of(services), database_url, scheduling_url="", applications_url="")
    async with opened(kit, settings) as client:
        await kit.add_account(
            database_url, login="metodist", role=Role.METHODIST, district=DISTRICT
        )
        # The login form: without the token, or with one not matching its cookie.
        await client.get("/login")
        bare = await client.post("/login", data={"login": "metodist", "password": PASSWORD})
        forged = await client.post(
            "/login", data={"login": "metodist", "password": PASSWORD, "csrf_token": "forged"}
        )
        for refused in (bare, forged):
            assert refused.status_code == 403
            assert "Действие отклонено" in refused.text
            assert "проверочный код формы" in refused.text
        assert await session_count(database_url) == 0

        assert (await kit.log_in(client, "metodist", PASSWORD)).status_code == 303
        token = kit.csrf_of((await client.get("/")).text)
        missing = await client.post("/logout", data={})
        wrong = await client.post("/logout", data={"csrf_token": token[:-2] + "xx"})
        assert missing.status_code == wrong.status_code == 403
        assert "Действие отклонено" in missing.text
        assert await session_count(database_url) == 1
        # HTMX sends the token in a header.
        out = await client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
        assert out.status_code == 303
        assert await session_count(database_url) == 0


async def test_a_changed_argon2_setting_rehashes_on_login(
    kit: Any, services: Any, database_url: str
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    settings = settings_for(base_of(services), database_url, scheduling_url="", applications_url="")
    async with opened(kit, settings) as client:
        await kit.add_account(
            database_url, login="old", role=Role.METHODIST, district=DISTRICT, hasher=weak
        )
        before = (await stored(database_url, "old")).password_hash
        assert (await kit.log_in(client, "old", PASSWORD)).status_code == 303
    after = (await stored(database_url, "old")).password_hash
    assert "m=512" in before
    assert after != before and after.startswith("$argon2id$")
    assert not kit.fast_hasher().check_needs_rehash(after)
    assert kit.fast_hasher().verify(after, PASSWORD)


async def test_backends_receive_a_token_for_the_account(
    kit: Any, services: Any, database_url: str
) -> None:
    SEEN.clear()
    async with opened(kit, settings_for(base_of(services), database_url)) as client:
        account_id = await kit.add_account(
            database_url,
            login="school",
            role=Role.SCHOOL_REPRESENTATIVE,
            district=DISTRICT,
            name="Кузнецова Ольга Викторовна",
            organisation_id=ORG_A,
        )
        assert (await kit.log_in(client, "school", PASSWORD)).status_code == 303
        home = await client.get("/")
    assert home.status_code == 200
    principals = dict(SEEN)
    assert set(principals) == {"/applications", "/events"}
    who = principals["/applications"]
    assert who.subject == str(account_id)
    assert who.role is Role.SCHOOL_REPRESENTATIVE
    assert who.district == DISTRICT
    assert who.organisation_id == ORG_A
    assert who.name == "Кузнецова Ольга Викторовна"
    html = home.text
    assert "Здравствуйте, Ольга Викторовна!" in html
    assert "представитель образовательной организации" in html
    # Only the organisation's own applications, each with its status.
    block = html[html.index('id="org-applications-block"') : html.index('id="events-block"')]
    assert re.findall(r'data-application-id="([^"]+)"', block) == [
        APPLICATIONS[0]["id"],
        APPLICATIONS[2]["id"],
    ]
    assert "на рассмотрении" in block and "подана" in block
    assert "Тема заявки 2" not in html


async def test_home_page_by_role(kit: Any, services: Any, database_url: str) -> None:
    async with opened(kit, settings_for(base_of(services), database_url)) as client:
        for login, role, extra in (
            ("metodist", Role.METHODIST, {}),
            ("secretary", Role.COUNCIL_SECRETARY, {}),
            ("teacher", Role.TEACHER, {"person_id": TEACHER}),
        ):
            await kit.add_account(database_url, login=login, role=role, district=DISTRICT, **extra)
        pages = {}
        for login in ("metodist", "secretary", "teacher"):
            assert (await kit.log_in(client, login, PASSWORD)).status_code == 303
            pages[login] = (await client.get("/")).text
    staff = pages["metodist"]
    assert "методист" in staff
    review = staff[staff.index('id="review-block"') : staff.index('id="events-block"')]
    assert re.findall(r'data-application-id="([^"]+)"', review) == [
        APPLICATIONS[0]["id"],
        APPLICATIONS[1]["id"],
    ]
    assert re.findall(r'<li class="card" data-event-id="([^"]+)"', staff) == [EVENT_1, EVENT_2]
    assert "25.11.2026 12:00–14:00" in staff  # Novosibirsk time, Russian dates

    secretary = pages["secretary"]
    assert "секретарь методического совета" in secretary
    assert "01.12.2026" in secretary and "О присвоении статуса МБОУ «Лицей»" in secretary
    assert "Поздний вопрос" not in secretary and "Прошедший вопрос" not in secretary
    assert 'id="review-block"' not in secretary

    teacher = pages["teacher"]
    assert 'id="review-block"' not in teacher
    cards = re.findall(r'data-event-id="([^"]+)">(.*?)</li>', teacher, re.S)
    assert [event for event, _ in cards] == [EVENT_1, EVENT_2]
    assert "Вы записаны: записан" in cards[0][1]
    assert "Вы не записаны." in cards[1][1]


async def test_home_page_survives_a_backend_that_is_down(
    kit: Any, services: Any, database_url: str, unused_port: int
) -> None:
    settings = settings_for(
        base_of(services), database_url, scheduling_url=f"http://127.0.0.1:{unused_port}"
    )
    async with opened(kit, settings) as client:
        await kit.add_account(
            database_url, login="metodist", role=Role.METHODIST, district=DISTRICT
        )
        await kit.log_in(client, "metodist", PASSWORD)
        home = await client.get("/")
    assert home.status_code == 200
    assert 'id="events-unavailable"' in home.text
    assert "Сервис мероприятий сейчас недоступен." in home.text
    assert "Мероприятия сейчас не показаны." in home.text
    assert APPLICATIONS[0]["id"] in home.text  # the other block still shows


async def test_public_catalogue_needs_no_login(kit: Any, services: Any, database_url: str) -> None:
    async with opened(kit, settings_for(base_of(services), database_url)) as client:
        public = await client.get("/public")
        health = await client.get("/health")
        schema = await client.get("/schema", follow_redirects=False)
    assert public.status_code == 200
    assert "Кузнецова Ольга Викторовна" in public.text
    assert 'href="/login"' in public.text
    assert health.status_code == 200
    assert schema.status_code == 303


async def test_a_teacher_cannot_open_the_centre_pages(
    kit: Any, services: Any, database_url: str
) -> None:
    settings = settings_for(
        base_of(services),
        database_url,
        mode="centre",
        district="buguruslan",
        federation_url=base_of(services),
        applications_url="",
        scheduling_url="",
    )
    async with opened(kit, settings) as client:
        await kit.add_account(
            database_url, login="teacher", role=Role.TEACHER, district="buguruslan"
        )
        await kit.add_account(
            database_url, login="coord", role=Role.CENTRE_COORDINATOR, district="buguruslan"
        )
        await kit.log_in(client, "teacher", PASSWORD)
        pages = [
            await client.get(p) for p in ("/centre", "/sites", "/districts/x", "/api/dashboard")
        ]
        home = await client.get("/")
        await kit.log_in(client, "coord", PASSWORD)
        coordinator_home = await client.get("/")
    for page in pages:
        assert page.status_code == 403
    assert "Доступ закрыт" in pages[0].text
    assert "Роль «педагог» не даёт доступа" in pages[0].text
    assert 'href="/centre"' not in home.text
    assert 'href="/centre"' in coordinator_home.text
    assert "Открыть сводку по округам" in coordinator_home.text


def test_cli_creates_loads_and_disables_accounts(tmp_path: Path, database_url: str) -> None:
    env = {"IMC_DATABASE_URL": database_url, "IMC_DISTRICT": DISTRICT}
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts = [
        {
            "login": "Admin",
            "password": "пароль-админа-1",
            "role": "district_admin",
            "name": "Иванов Иван Иванович",
        },
        {
            "login": "school",
            "password": "пароль-школы-1",
            "role": "school_representative",
            "name": "Петрова Анна Сергеевна",
            "organisation_id": str(ORG_A),
        },
    ]
    file = tmp_path / "accounts.json"
    file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["load", str(file)], env=env, hasher=hasher, out=out) == 0
    assert "создано 2, обновлено 0" in out.getvalue()

    accounts[0] = {
        **accounts[0],
        "login": "ADMIN",
        "role": "methodist",
        "name": "Иванов Иван Петрович",
        "password": "новый-пароль-1",
    }
    file.write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["load", str(file)], env=env, hasher=hasher, out=out) == 0
    assert "создано 0, обновлено 2" in out.getvalue()
    admin = asyncio.run(stored(database_url, "admin"))
    assert (admin.login, admin.role, admin.full_name, admin.district) == (
        "ADMIN",
        "methodist",
        "Иванов Иван Петрович",
        DISTRICT,
    )
    assert hasher.verify(admin.password_hash, "новый-пароль-1")
    assert asyncio.run(stored(database_url, "school")).organisation_id == ORG_A

    err = io.StringIO()
    weak = cli.main(
        ["create", "--login", "t", "--role", "teacher", "--name", "Сидоров Пётр Ильич"],
        env=env,
        hasher=hasher,
        stdin=io.StringIO("короткий\n"),
        err=err,
    )
    assert weak == 1
    assert "Пароль слишком короткий: нужно не менее 10 символов." in err.getvalue()
    password_file = tmp_path / "password.txt"
    password_file.write_text("достаточно-длинный\n", encoding="utf-8")
    out = io.StringIO()
    created = cli.main(
        [
            "create",
            "--login",
            "t",
            "--role",
            "teacher",
            "--name",
            "Сидоров Пётр Ильич",
            "--password-file",
            str(password_file),
        ],
        env=env,
        hasher=hasher,
        out=out,
    )
    assert created == 0 and "Создана учётная запись «t» (педагог" in out.getvalue()
    err = io.StringIO()
    assert (
        cli.main(
            ["create", "--login", "T", "--role", "service", "--name", "Служба"],
            env=env,
            hasher=hasher,
            stdin=io.StringIO("достаточно-длинный\n"),
            err=err,
        )
        == 1
    )
    assert "Неизвестная роль «service»" in err.getvalue()
    assert cli.main(["disable", "--login", "T"], env=env, hasher=hasher, out=io.StringIO()) == 0
    assert asyncio.run(stored(database_url, "t")).active is False
    assert asyncio.run(stored(database_url, "t")).password_hash.startswith("$argon2id$")


def test_settings_are_read_from_the_environment() -> None:
    env = {
        "IMC_DISTRICT": DISTRICT,
        "IMC_REGISTRY_URL": "http://registry",
        "IMC_AUTH_SIGNING_KEY": testing.keys()[PORTAL_KEY_ID][0],
        "IMC_COOKIE_SECURE": "true",
        "IMC_SESSION_IDLE_MINUTES": "20",
        "IMC_SESSION_ABSOLUTE_HOURS": "8",
        "IMC_APPLICATIONS_URL": "http://applications",
    }
    from imc_shared.settings import load_settings

    settings = load_settings(PortalSettings, "portal", env)
    assert settings.cookie_secure is True
    assert (settings.session_idle_minutes, settings.session_absolute_hours) == (20, 8)
    assert settings.applications_url == "http://applications"
    assert msgspec.structs.replace(settings, cookie_secure=False).cookie_secure is False
