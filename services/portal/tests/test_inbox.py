"""The notifications inbox, the preferences and the unsubscribe link, against a fake
notifications service served over real HTTP (answers shaped as the real service answers)."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import jwt
import pytest
from litestar import Litestar, MediaType, Request, Response, get, post, put
from litestar.params import FromPath, FromQuery

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
PERSON = UUID("0194c1a2-7e00-7000-8000-0000000000b1")
SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a1")
OLD = UUID("0194c1a2-7e00-7000-8000-00000000d001")
NEW = UUID("0194c1a2-7e00-7000-8000-00000000d002")
READ = UUID("0194c1a2-7e00-7000-8000-00000000d003")
CHANNELS = {
    "email": "Электронная почта",
    "inbox": "Только в личном кабинете",
    "max": "Мессенджер MAX",
}
CADENCES = {"immediate": "Сразу", "daily": "Ежедневная сводка", "mute": "Не уведомлять"}
TOPICS = {"events": "Мероприятия", "documents": "Документы"}
GOOD_TOKEN = "good.token"


def _item(item_id: UUID, subject: str, created: str, read_at: str | None) -> dict[str, Any]:
    return {
        "id": str(item_id),
        "topic": "events",
        "topic_title": "Мероприятия",
        "subject": subject,
        "body": "Текст уведомления.",
        "link": "/calendar",
        "created_at": created,
        "read_at": read_at,
    }


class Notifications:
    """The fake service's state and what it was asked."""

    def __init__(self) -> None:
        self.items = [
            _item(READ, "Прочитанное уведомление", "2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z"),
            _item(OLD, "Старое непрочитанное", "2026-11-20T10:00:00Z", None),
            _item(NEW, "Место освободилось: участие подтверждено", "2026-11-23T08:00:00Z", None),
        ]
        self.choices = dict.fromkeys(TOPICS, ("email", "immediate"))
        self.calls: list[tuple[str, str, dict[str, str], dict[str, Any]]] = []
        self.puts: list[tuple[str, dict[str, Any]]] = []

    def note(self, request: Request[Any, Any, Any]) -> None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
        self.calls.append(
            (request.method, request.url.path, dict(request.query_params), dict(claims))
        )

    def preferences(self) -> dict[str, Any]:
        return {
            "person_id": str(PERSON),
            "max_user_id": None,
            "topics": [
                {"topic": t, "title": TOPICS[t], "channel": c, "cadence": k}
                for t, (c, k) in self.choices.items()
            ],
            "channels": CHANNELS,
            "cadences": CADENCES,
        }


STATE: dict[str, Notifications] = {}


@get("/notif/inbox")
async def inbox(request: Request[Any, Any, Any]) -> dict[str, Any]:
    state = STATE["n"]
    state.note(request)
    unread = sum(i["read_at"] is None for i in state.items)
    return {"person_id": str(PERSON), "unread": unread, "items": state.items}


@post("/notif/inbox/{item_id:uuid}/read", status_code=200)
async def read_one(request: Request[Any, Any, Any], item_id: FromPath[UUID]) -> dict[str, int]:
    state = STATE["n"]
    state.note(request)
    for item in state.items:
        if item["id"] == str(item_id):
            item["read_at"] = "2026-11-23T09:00:00Z"
    return {"marked": 1, "unread": sum(i["read_at"] is None for i in state.items)}


@post("/notif/inbox/read", status_code=200)
async def read_all(request: Request[Any, Any, Any]) -> dict[str, int]:
    state = STATE["n"]
    state.note(request)
    for item in state.items:
        item["read_at"] = item["read_at"] or "2026-11-23T09:00:00Z"
    return {"marked": 2, "unread": 0}


@get("/notif/preferences")
async def preferences(request: Request[Any, Any, Any]) -> dict[str, Any]:
    state = STATE["n"]
    state.note(request)
    return state.preferences()


@put("/notif/preferences/topics/{topic:str}")
async def set_topic(request: Request[Any, Any, Any], topic: FromPath[str]) -> dict[str, Any]:
    state = STATE["n"]
    state.note(request)
    body = await request.json()
    state.puts.append((topic, body))
    state.choices[topic] = (body["channel"], body["cadence"])
    return state.preferences()


@get("/notif/public/unsubscribe", media_type=MediaType.HTML)
async def unsubscribe(request: Request[Any, Any, Any], token: FromQuery[str] = "") -> Response[str]:
    STATE["n"].note(request)
    if token == GOOD_TOKEN:
        title = "Вы отписались от уведомлений"
        message = "Уведомления по теме «Мероприятия» больше не будут приходить на почту."
        status = 200
    else:
        title = "Не удалось отписаться"
        message = "Ссылка для отписки недействительна: она повреждена или подделана."
        status = 400
    html = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f'<h1 style="x">{title}</h1>\n<p>{message}</p><p><a href="/">Перейти</a></p></body></html>'
    )
    return Response(html, status_code=status, media_type=MediaType.HTML)


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> dict[str, str]:
    return {"status": "ok"}


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    app = Litestar(
        [inbox, read_one, read_all, preferences, set_topic, unsubscribe, health],
        logging_config=None,
    )
    server = kit.FakeBackends(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> Notifications:
    STATE["n"] = Notifications()
    return STATE["n"]


def settings_of(fake: Any) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="yaya",
        district_name="Яйский муниципальный округ",
        registry_url=fake.url("reg"),
        notifications_url=fake.url("notif"),
        time_zone="Asia/Novosibirsk",
        auth_signing_key=PORTAL_SIGNING_KEY,
    )


TEACHER = {"role": Role.TEACHER, "person_id": PERSON, "organisation_id": SCHOOL}


def subjects(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title inbox-subject">([^<]+)</h2>', html)


async def test_the_inbox_lists_unread_first_with_the_count(
    fake: Any, state: Notifications, portal: Any
) -> None:
    async with portal(settings_of(fake), **TEACHER) as c:
        page = await c.get("/inbox")
    assert page.status_code == 200
    assert subjects(page.text) == [
        "Место освободилось: участие подтверждено",
        "Старое непрочитанное",
        "Прочитанное уведомление",
    ]
    assert '<span class="badge badge-count">2 непрочитанных</span>' in page.text
    assert "23.11.2026 15:00" in page.text  # in the district's time
    assert '<a href="/calendar">Подробнее</a>' in page.text
    assert '<a href="/inbox" aria-current="page">Уведомления</a>' in page.text
    method, path, params, claims = state.calls[0]
    assert (method, path) == ("GET", "/notif/inbox")
    assert "organisation" not in params
    assert claims["person"] == str(PERSON)


async def test_marking_one_and_all_read(
    fake: Any, state: Notifications, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), **TEACHER) as c:
        page = await c.get("/inbox")
        one = await c.post(
            f"/inbox/{OLD}/read",
            data={"csrf_token": kit.csrf_of(page.text)},
            follow_redirects=False,
        )
        assert one.status_code == 303
        assert one.headers["location"] == "/inbox?notice=read"
        after = await c.get(one.headers["location"])
        assert "Уведомление отмечено как прочитанное." in after.text
        assert '<span class="badge badge-count">1 непрочитанное</span>' in after.text
        every = await c.post("/inbox/read", data={"csrf_token": kit.csrf_of(page.text)})
    assert str(every.url).endswith("/inbox?notice=all-read")
    assert "Все уведомления отмечены как прочитанные." in every.text
    assert "badge-count" not in every.text
    posted = [(m, p) for m, p, _, _ in state.calls if m == "POST"]
    assert posted == [("POST", f"/notif/inbox/{OLD}/read"), ("POST", "/notif/inbox/read")]


async def test_marking_read_without_the_csrf_token_is_refused(
    fake: Any, state: Notifications, portal: Any
) -> None:
    async with portal(settings_of(fake), **TEACHER) as c:
        answer = await c.post("/inbox/read", data={})
    assert answer.status_code == 403
    assert "Форма не прошла проверку безопасности" in answer.text
    assert not [call for call in state.calls if call[0] == "POST"]


async def test_preferences_are_a_form_and_only_changes_are_sent(
    fake: Any, state: Notifications, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), **TEACHER) as c:
        page = await c.get("/inbox")
        html = page.text
        assert "<legend>Мероприятия</legend>" in html
        assert '<label for="channel-events">Способ доставки</label>' in html
        assert '<option value="max">Мессенджер MAX</option>' in html
        form = {
            "csrf_token": kit.csrf_of(html),
            "channel-events": "inbox",
            "cadence-events": "daily",
            "channel-documents": "email",
            "cadence-documents": "immediate",
        }
        answer = await c.post("/inbox/preferences", data=form, follow_redirects=False)
        assert answer.headers["location"] == "/inbox?notice=preferences"
        after = await c.get(answer.headers["location"])
        wrong = await c.post("/inbox/preferences", data={**form, "channel-documents": "pigeon"})
    assert state.puts == [("events", {"channel": "inbox", "cadence": "daily"})]
    assert "Настройки уведомлений сохранены." in after.text
    assert '<option value="inbox" selected>Только в личном кабинете</option>' in after.text
    assert wrong.status_code == 422
    assert 'aria-describedby="channel-documents-error"' in wrong.text
    assert "Выберите способ доставки для темы «Документы» из списка." in wrong.text
    assert len(state.puts) == 1


async def test_an_account_without_a_person_has_no_inbox(
    fake: Any, state: Notifications, portal: Any
) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        page = await c.get("/inbox")
    assert page.status_code == 200
    assert "не связана с человеком из реестра" in page.text
    assert state.calls == []


async def test_a_school_representative_reads_the_school_inbox(
    fake: Any, state: Notifications, portal: Any
) -> None:
    async with portal(
        settings_of(fake), role=Role.SCHOOL_REPRESENTATIVE, organisation_id=SCHOOL
    ) as c:
        page = await c.get("/inbox")
    assert "Уведомления вашей образовательной организации." in page.text
    assert {params.get("organisation") for _, _, params, _ in state.calls} == {"true"}


async def test_unsubscribe_works_without_a_login(
    fake: Any, state: Notifications, kit: Any, tmp_path: Any
) -> None:
    import msgspec
    from litestar.testing import AsyncTestClient

    from imc_portal.app import create_app

    settings = msgspec.structs.replace(
        settings_of(fake), database_url=f"sqlite+aiosqlite:///{tmp_path}/portal.db"
    )
    async with AsyncTestClient(app=create_app(settings, hasher=kit.fast_hasher())) as client:
        done = await client.get("/unsubscribe", params={"token": GOOD_TOKEN})
        bad = await client.get("/unsubscribe", params={"token": "forged"})
        empty = await client.get("/unsubscribe")
    assert done.status_code == 200
    assert "<h1>Вы отписались от уведомлений</h1>" in done.text
    assert "по теме «Мероприятия» больше не будут приходить" in done.text
    assert bad.status_code == 400
    assert "<h1>Не удалось отписаться</h1>" in bad.text
    assert "Ссылка для отписки недействительна" in bad.text
    assert empty.status_code == 400
    assert "В ссылке нет кода отписки." in empty.text
    # passed on as it came, without a token of a person
    assert [(p, q) for _, p, q, _ in state.calls] == [
        ("/notif/public/unsubscribe", {"token": GOOD_TOKEN}),
        ("/notif/public/unsubscribe", {"token": "forged"}),
    ]
    assert all(claims == {} for *_, claims in state.calls)
