"""Bulk certificates (start from the event page, progress, ZIP, retry) and the public plans
page, against fake scheduling, registry and documents services served over real HTTP
(answers shaped as the real services answer)."""

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novosibirsk"
EVENT = UUID("0194c1a2-7e00-7000-8000-00000000e101")
SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a1")
PLAN = UUID("0194c1a2-7e00-7000-8000-00000000f001")
ROADMAP = UUID("0194c1a2-7e00-7000-8000-00000000f101")


def _event() -> dict[str, Any]:
    return {
        "id": str(EVENT),
        "title": "Семинар «Функциональная грамотность»",
        "description": "",
        "form": "seminar",
        "form_title": "семинар",
        "level": "municipal",
        "level_title": "муниципальный",
        "organiser_kind": "imc",
        "organiser_kind_title": "ИМЦ",
        "organiser_id": None,
        "organiser_name": "МБУ ИМЦ",
        "venue": "",
        "online_url": "",
        # 20.11.2026 23:00 UTC is already 21.11.2026 in Novosibirsk
        "starts_at": "2026-11-20T23:00:00Z",
        "ends_at": "2026-11-21T01:00:00Z",
        "capacity": None,
        "hours": 3,
        "audience_subjects": [],
        "audience_categories": [],
        "audience_low_results": False,
        "audience_organisation_ids": [],
        "registration_opens_at": None,
        "registration_closes_at": None,
        "materials": [],
        "results": "",
        "responsible_person_id": None,
        "responsible_name": "",
        "status": "held",
        "status_title": "проведено",
        "series_id": None,
        "roadmap_item_id": None,
        "internship_id": None,
        "seats_taken": 3,
        "waiting": 0,
    }


def _registration(name: str, *, attended: bool, status: str = "confirmed", **extra: Any) -> Any:
    return {
        "id": str(uuid4()),
        "event_id": str(EVENT),
        "person_id": str(uuid4()),
        "full_name": name,
        "organisation_id": None,
        "registered_by": "self",
        "status": status,
        "status_title": "участие подтверждено",
        "waiting_position": None,
        "attended": attended,
        "attended_at": None,
        "checkin_method": "",
        "hours_credited": 0,
        "checkin_code": "code",
        "created_at": "2026-11-10T09:00:00Z",
        "confirmed_at": None,
        "cancelled_at": None,
        "cancelled_by": None,
        "cancelled_by_name": None,
        **extra,
    }


class State:
    """What the fake services hold and what they were asked."""

    def __init__(self) -> None:
        self.registrations = [
            _registration("Карпенко Юлия Сергеевна", attended=True, organisation_id=str(SCHOOL)),
            _registration("Андреева Анна Ивановна", attended=True),
            _registration("Неявкина Ольга Петровна", attended=False),
            _registration("Отменова Ирина", attended=True, status="cancelled"),
        ]
        self.posted: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.batch: dict[str, Any] | None = None
        self.retried = 0
        self.plans_public = True

    def view(self) -> dict[str, Any]:
        assert self.batch is not None
        return self.batch


STATE: dict[str, State] = {}


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    return dict(jwt.decode(token, options={"verify_signature": False})) if token else {}


def _batch(total: int, *, status: str, done: int, failed: int = 0) -> dict[str, Any]:
    finished = status in ("done", "failed")
    batch_id = "0194c1a2-7e00-7000-8000-00000000b001"
    return {
        "id": batch_id,
        "template": "certificate",
        "status": status,
        "total": total,
        "done": done,
        "failed": failed,
        "pending": total - done - failed,
        "percent": (done + failed) * 100 // total,
        "failures": [],
        "archive": f"/batches/{batch_id}/archive.zip" if finished else None,
        "created_at": "2026-11-23T09:00:00Z",
        "finished_at": "2026-11-23T09:01:00Z" if finished else None,
    }


@get("/sched/events/{event_id:uuid}")
async def show_event(event_id: FromPath[UUID]) -> Response[Any]:
    if event_id != EVENT:
        return Response(
            {"error": "not_found", "message": "Мероприятие не найдено"}, status_code=404
        )
    return Response(_event())


@get("/sched/events/{event_id:uuid}/registrations")
async def registrations(event_id: FromPath[UUID]) -> list[dict[str, Any]]:
    return STATE["s"].registrations


@get("/reg/organisations/{organisation_id:uuid}")
async def organisation(organisation_id: FromPath[UUID]) -> dict[str, Any]:
    return {"id": str(organisation_id), "short_name": "МБОУ «Яйская ООШ № 1»"}


@post("/docs/batches")
async def create_batch(request: Request[Any, Any, Any]) -> Response[Any]:
    state = STATE["s"]
    body = await request.json()
    state.posted.append((body, _claims(request)))
    state.batch = _batch(len(body["items"]), status="running", done=0)
    return Response(state.batch, status_code=202)


@get("/docs/batches/{batch_id:uuid}")
async def show_batch(batch_id: FromPath[UUID]) -> Response[Any]:
    state = STATE["s"]
    if state.batch is None or state.batch["id"] != str(batch_id):
        return Response({"error": "not_found", "message": "Задание не найдено"}, status_code=404)
    return Response(state.batch)


@post("/docs/batches/{batch_id:uuid}/retry", status_code=202)
async def retry_batch(batch_id: FromPath[UUID]) -> dict[str, Any]:
    state = STATE["s"]
    state.retried += 1
    state.batch = {**state.view(), "status": "running", "failed": 0, "failures": []}
    return state.batch


ZIP_BYTES: dict[str, bytes] = {}


@get("/docs/batches/{batch_id:uuid}/archive.zip")
async def archive(batch_id: FromPath[UUID]) -> Response[bytes]:
    return Response(
        ZIP_BYTES["zip"],
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="certificate-{batch_id}.zip"'},
    )


def _plan() -> dict[str, Any]:
    row = {
        "id": str(uuid4()),
        "roadmap_id": str(ROADMAP),
        "site_id": str(uuid4()),
        "roadmap_title": "Дорожная карта ОСМП на 2026/2027 учебный год",
        "organisation_short_name": "МБОУ «Яйская ООШ № 1»",
        "title": "Открытые уроки по естественно-научной грамотности",
        "deadline": "2027-02-15",
        "state": "planned",
        "state_title": "запланировано",
    }
    return {
        "id": str(PLAN),
        "kind": "imc",
        "kind_title": "план работы ИМЦ",
        "title": "План работы МБУ ИМЦ на 2026/2027 учебный год",
        "school_year": "2026/2027",
        "subject": "",
        "status": "published",
        "status_title": "опубликован",
        "approved_by": "директор МБУ ИМЦ",
        "approval_document": "приказ № 12-од",
        "approved_on": "2026-09-01",
        "published_at": "2026-09-02T03:00:00Z",
        "sections": [
            {
                "id": str(uuid4()),
                "position": 1,
                "title": "Работа с педагогическими кадрами",
                "items": [
                    {
                        "id": str(uuid4()),
                        "position": 1,
                        "title": "Муниципальный семинар по функциональной грамотности",
                        "form": "seminar",
                        "form_title": "семинар",
                        "responsible_name": "Смирнова Т. И.",
                        "responsible_person_id": None,
                        "deadline": "2027-02-20",
                        "deadline_text": "",
                        "expected_result": "методические рекомендации",
                        "done_on": None,
                        "done_note": "",
                        "roadmap_rows": [row],
                        "linked_rows_done": 0,
                        "linked_rows_total": 1,
                    }
                ],
            }
        ],
    }


@get("/sched/public/plans")
async def public_plans(request: Request[Any, Any, Any]) -> Response[Any]:
    if "authorization" in request.headers:
        return Response(
            {"error": "unexpected", "message": "public read with a token"}, status_code=400
        )
    if not STATE["s"].plans_public:
        return Response({"error": "down", "message": "down"}, status_code=500)
    return Response([{**_plan(), "sections": []}])


@get("/sched/public/plans/{plan_id:uuid}")
async def public_plan(plan_id: FromPath[UUID]) -> dict[str, Any]:
    return _plan()


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> dict[str, str]:
    return {"status": "ok"}


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    app = Litestar(
        [
            show_event,
            registrations,
            organisation,
            create_batch,
            show_batch,
            retry_batch,
            archive,
            public_plans,
            public_plan,
            health,
        ],
        logging_config=None,
    )
    server = kit.FakeBackends(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> State:
    STATE["s"] = State()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as pack:
        pack.writestr("0001-AB12.pdf", b"%PDF-1.7 one")
        pack.writestr("0002-CD34.pdf", b"%PDF-1.7 two")
    ZIP_BYTES["zip"] = buffer.getvalue()
    return STATE["s"]


def settings_of(fake: Any) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="yaya",
        district_name="Яйский муниципальный округ",
        mode="district",
        time_zone=ZONE,
        auth_signing_key=PORTAL_SIGNING_KEY,
        registry_url=fake.url("reg"),
        scheduling_url=fake.url("sched"),
        documents_url=fake.url("docs"),
    )


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def _start(client: Any) -> Any:
    page = await client.get(f"/calendar/{EVENT}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return await client.post(
        f"/calendar/{EVENT}/certificates",
        data={"csrf_token": token.group(1)},
        follow_redirects=False,
    )


BATCH_PAGE = "/certificates/batches/0194c1a2-7e00-7000-8000-00000000b001"


async def test_methodist_starts_the_certificates_of_the_attendees(
    fake: Any, state: State, portal: Any
) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        answer = await _start(c)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BATCH_PAGE}?event={EVENT}"
    [(body, claims)] = state.posted
    assert claims["role"] == "methodist"
    assert body["template"] == "certificate"
    assert body["key"] == f"event:{EVENT}:certificates"
    # only the confirmed registrations marked present
    first, second = body["items"]
    assert first["source_key"] == f"registration:{state.registrations[0]['id']}"
    assert first["data"] == {
        "participant_name": "Карпенко Юлия Сергеевна",
        "participant_organisation": "МБОУ «Яйская ООШ № 1»",
        "event_title": "Семинар «Функциональная грамотность»",
        "event_form": "семинар",
        "event_date": "2026-11-21",  # the local day, not the UTC one
        "event_end_date": "2026-11-21",
        "issued_on": "2026-11-21",
        "hours": 3,
    }
    assert second["data"]["participant_name"] == "Андреева Анна Ивановна"
    assert "participant_organisation" not in second["data"]


async def test_the_event_page_offers_the_certificates_to_staff_only(
    fake: Any, state: State, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        staff_page = (await c.get(f"/calendar/{EVENT}")).text
    async with portal(settings_of(fake), role=Role.TEACHER, person_id=uuid4()) as c:
        teacher_page = (await c.get(f"/calendar/{EVENT}")).text
    assert "Выдать сертификаты участникам" in staff_page
    assert f'action="/calendar/{EVENT}/certificates"' in staff_page
    assert "Выдать сертификаты участникам" not in teacher_page


async def test_a_teacher_may_not_start_a_batch(fake: Any, state: State, portal: Any) -> None:
    async with portal(settings_of(fake), role=Role.TEACHER, person_id=uuid4()) as c:
        answer = await _start(c)
        progress = await c.get(BATCH_PAGE)
    assert answer.status_code == 403
    assert progress.status_code == 403
    assert state.posted == []


async def test_starting_without_the_csrf_token_is_refused(
    fake: Any, state: State, portal: Any
) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        answer = await c.post(f"/calendar/{EVENT}/certificates", data={}, follow_redirects=False)
        forged = await c.post(
            f"/calendar/{EVENT}/certificates", data={"csrf_token": "x"}, follow_redirects=False
        )
    assert answer.status_code == 403
    assert forged.status_code == 403
    assert "проверку безопасности" in answer.text
    assert state.posted == []


async def test_nobody_present_is_said_in_russian(fake: Any, state: State, portal: Any) -> None:
    state.registrations = [_registration("Неявкина Ольга Петровна", attended=False)]
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        answer = await _start(c)
    assert answer.status_code == 409
    assert "сертификаты выдавать некому" in text(answer.text)
    assert state.posted == []


async def test_progress_refreshes_while_running_and_stops_when_done(
    fake: Any, state: State, portal: Any
) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        await _start(c)
        state.batch = _batch(2, status="running", done=1)
        running = await c.get(f"{BATCH_PAGE}?event={EVENT}")
        state.batch = _batch(2, status="done", done=2)
        done = await c.get(f"{BATCH_PAGE}?event={EVENT}")
        download = await c.get(f"{BATCH_PAGE}/archive.zip")
    assert running.status_code == 200
    assert running.headers["refresh"] == "2"
    assert '<meta http-equiv="refresh" content="2">' in running.text
    assert '<progress id="batch-progress" max="2" value="1">' in running.text
    assert "Сформировано 1 из 2" in text(running.text)
    assert "archive.zip" not in running.text
    assert done.status_code == 200
    assert "refresh" not in done.headers
    assert 'http-equiv="refresh"' not in done.text
    assert "завершено" in text(done.text)
    assert f'href="{BATCH_PAGE}/archive.zip"' in done.text
    assert "batch-retry" not in done.text  # nothing failed
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert "certificate-" in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as pack:
        assert sorted(pack.namelist()) == ["0001-AB12.pdf", "0002-CD34.pdf"]


async def test_failed_items_are_listed_and_retried(fake: Any, state: State, portal: Any) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        await _start(c)
        failed_key = f"registration:{state.registrations[1]['id']}"
        state.batch = {
            **_batch(2, status="failed", done=1, failed=1),
            "failures": [
                {
                    "position": 1,
                    "source_key": failed_key,
                    "attempts": 3,
                    "error": "PDF не сформирован: конвертер недоступен",
                }
            ],
        }
        page = await c.get(f"{BATCH_PAGE}?event={EVENT}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        no_token = await c.post(f"{BATCH_PAGE}/retry", data={}, follow_redirects=False)
        retried = await c.post(
            f"{BATCH_PAGE}/retry",
            data={"csrf_token": token.group(1), "event": str(EVENT)},
            follow_redirects=False,
        )
        after = await c.get(retried.headers["location"])
    shown = text(page.text)
    assert "Не удалось сформировать (1)" in shown
    assert (
        "Сертификат № 2 (Андреева Анна Ивановна): PDF не сформирован: конвертер недоступен" in shown
    )
    assert "попыток: 3" in shown
    assert 'id="batch-retry"' in page.text
    assert "refresh" not in page.headers
    assert no_token.status_code == 403
    assert retried.status_code == 303
    assert retried.headers["location"] == f"{BATCH_PAGE}?notice=retried&event={EVENT}"
    assert state.retried == 1
    assert after.headers["refresh"] == "2"  # running again
    assert "отправлены на повторное формирование" in after.text


async def test_an_unknown_batch_is_a_russian_404(fake: Any, state: State, portal: Any) -> None:
    async with portal(settings_of(fake), role=Role.METHODIST) as c:
        answer = await c.get("/certificates/batches/0194c1a2-7e00-7000-8000-00000000b999")
    assert answer.status_code == 404
    assert "Задание на выдачу сертификатов не найдено" in answer.text


async def test_public_plans_without_login(fake: Any, state: State, kit: Any, tmp_path: Any) -> None:
    import msgspec
    from litestar.testing import AsyncTestClient

    from imc_portal.app import create_app

    settings = msgspec.structs.replace(
        settings_of(fake), database_url=f"sqlite+aiosqlite:///{tmp_path}/public.db"
    )
    app = create_app(settings, hasher=kit.fast_hasher())
    async with AsyncTestClient(app=app) as client:
        page = await client.get("/public/plans", follow_redirects=False)
        catalogue = await client.get("/public", follow_redirects=False)
        state.plans_public = False
        down = await client.get("/public/plans", follow_redirects=False)
    assert page.status_code == 200
    shown = text(page.text)
    assert "План работы МБУ ИМЦ на 2026/2027 учебный год" in shown
    assert "Утверждён 01.09.2026 (директор МБУ ИМЦ), приказ № 12-од" in shown
    assert "Муниципальный семинар по функциональной грамотности" in shown
    assert "20.02.2027" in shown
    assert "Дорожные карты методических площадок" in shown
    assert "МБОУ «Яйская ООШ № 1»: Дорожная карта ОСМП" in shown
    assert "15.02.2027 — Открытые уроки по естественно-научной грамотности" in shown
    assert 'href="/public/plans"' in catalogue.text
    assert down.status_code == 200
    assert "Планы работы временно недоступны" in down.text
