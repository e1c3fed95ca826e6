"""The events calendar and an event's page with registration, against a fake scheduling
service and registry served over real HTTP (answers shaped as the real services answer)."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from litestar import Litestar, Request, Response, delete, get, post
from litestar.params import FromPath

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novosibirsk"  # UTC+7, as at Yaya
SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a1")
OTHER_SCHOOL = UUID("0194c1a2-7e00-7000-8000-0000000000a2")
TEACHER = UUID("0194c1a2-7e00-7000-8000-0000000000b1")
COLLEAGUE = UUID("0194c1a2-7e00-7000-8000-0000000000b2")
STRANGER = UUID("0194c1a2-7e00-7000-8000-0000000000b3")
SEMINAR = UUID("0194c1a2-7e00-7000-8000-00000000e001")
MASTER_CLASS = UUID("0194c1a2-7e00-7000-8000-00000000e002")
CLOSED = UUID("0194c1a2-7e00-7000-8000-00000000e003")
CENTRE_EVENT = UUID("0194c1a2-7e00-7000-8000-00000000c001")
CLOSED_MESSAGE = "Регистрация на мероприятие закрыта 20.11.2026"

FORMS = [
    {"code": "seminar", "title": "семинар"},
    {"code": "master_class", "title": "мастер-класс"},
    {"code": "conference", "title": "конференция"},
]
PEOPLE = [
    {"id": str(TEACHER), "full_name": "Карпенко Юлия Сергеевна", "organisation_id": str(SCHOOL)},
    {"id": str(COLLEAGUE), "full_name": "Андреева Анна Ивановна", "organisation_id": str(SCHOOL)},
    {
        "id": str(STRANGER),
        "full_name": "Чужой Пётр Петрович",
        "organisation_id": str(OTHER_SCHOOL),
    },
]
for _person in PEOPLE:
    _person.update(
        position="учитель",
        staff_group="teachers",
        qualification_category="",
        subjects=[],
        email="",
    )


def _event(event_id: UUID, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(event_id),
        "title": "Семинар",
        "description": "",
        "form": "seminar",
        "form_title": "семинар",
        "level": "municipal",
        "level_title": "муниципальный",
        "organiser_kind": "imc",
        "organiser_kind_title": "ИМЦ",
        "organiser_id": None,
        "organiser_name": "МБУ ИМЦ УО Яйского округа",
        "venue": "",
        "online_url": "",
        "starts_at": "2026-11-25T03:00:00Z",
        "ends_at": "2026-11-25T05:00:00Z",
        "capacity": None,
        "hours": 2,
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
        "status": "planned",
        "status_title": "запланировано",
        "series_id": None,
        "roadmap_item_id": None,
        "internship_id": None,
        "seats_taken": 0,
        "waiting": 0,
        **fields,
    }


class Scheduling:
    """The fake scheduling service's state: events, registrations, what it was asked."""

    def __init__(self) -> None:
        self.events = {
            SEMINAR: _event(
                SEMINAR,
                title="Функциональная грамотность на уроках биологии",
                venue="МБОУ «Яйская СОШ № 1», кабинет 12",
                capacity=2,
                description="Разбор заданий PISA.\nПриносите ноутбуки.",
            ),
            MASTER_CLASS: _event(
                MASTER_CLASS,
                title="Мастер-класс «Смысловое чтение»",
                form="master_class",
                form_title="мастер-класс",
                starts_at="2026-12-03T04:00:00Z",
                ends_at="2026-12-03T06:00:00Z",
                online_url="https://sferum.ru/room",
                capacity=1,
            ),
            CLOSED: _event(CLOSED, title="Закрытый семинар", starts_at="2026-11-26T03:00:00Z"),
        }
        self.registrations: dict[UUID, list[dict[str, Any]]] = {e: [] for e in self.events}
        self.list_params: list[dict[str, str]] = []
        self.posted: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.cancelled: list[UUID] = []
        self.centre_calls = 0
        self.centre_registrations: list[dict[str, Any]] = []
        self.centre_posted: list[dict[str, Any]] = []
        self.withdrawn: list[UUID] = []

    def counted(self, event_id: UUID) -> dict[str, Any]:
        rows = self.registrations[event_id]
        return {
            **self.events[event_id],
            "seats_taken": sum(r["status"] == "confirmed" for r in rows),
            "waiting": sum(r["status"] == "waitlisted" for r in rows),
        }

    def rows(self, event_id: UUID) -> list[dict[str, Any]]:
        position, out = 0, []
        for row in self.registrations[event_id]:
            if row["status"] == "waitlisted":
                position += 1
                out.append({**row, "waiting_position": position})
            else:
                out.append({**row, "waiting_position": None})
        return out

    def add(self, event_id: UUID, person_id: UUID, name: str, **extra: Any) -> dict[str, Any]:
        event = self.counted(event_id)
        full = event["capacity"] is not None and event["seats_taken"] >= event["capacity"]
        row = {
            "id": str(uuid4()),
            "event_id": str(event_id),
            "person_id": str(person_id),
            "full_name": name,
            "organisation_id": None,
            "registered_by": "self",
            "status": "waitlisted" if full else "confirmed",
            "status_title": "в листе ожидания" if full else "участие подтверждено",
            "attended": False,
            "attended_at": None,
            "checkin_method": "",
            "hours_credited": 0,
            "checkin_code": "code",
            "created_at": "2026-11-23T09:00:00Z",
            "confirmed_at": None,
            "cancelled_at": None,
            **extra,
        }
        self.registrations[event_id].append(row)
        return row


STATE: dict[str, Scheduling] = {}


def _claims(request: Request[Any, Any, Any]) -> dict[str, Any]:
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    return dict(jwt.decode(token, options={"verify_signature": False}))


@get("/sched/events")
async def list_events(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    params = dict(request.query_params)
    state = STATE["s"]
    state.list_params.append(params)
    chosen = [state.counted(e) for e in state.events]
    if "form" in params:
        chosen = [e for e in chosen if e["form"] == params["form"]]
    return chosen


@get("/sched/vocabulary/event-forms")
async def forms() -> list[dict[str, str]]:
    return FORMS


@get("/sched/centre-events/{event_id:uuid}/registrations")
async def centre_registrations(event_id: FromPath[UUID]) -> list[dict[str, Any]]:
    return [r for r in STATE["s"].centre_registrations if r["event_id"] == str(event_id)]


@post("/sched/centre-events/{event_id:uuid}/registrations")
async def centre_register(request: Request[Any, Any, Any], event_id: FromPath[UUID]) -> Any:
    state = STATE["s"]
    body = await request.json()
    state.centre_posted.append(body)
    row = {
        "id": str(uuid4()),
        "event_id": str(event_id),
        "person_id": body["person_id"],
        "full_name": body["full_name"],
        "position": body.get("position", ""),
        "organisation_id": body.get("organisation_id"),
        "organisation_short_name": "",
        "status": "requested",
        "status_title": "заявка направлена в ММЦ",
        "queue_number": None,
        "reason": "",
        "created_at": "2026-11-23T09:00:00Z",
        "updated_at": "2026-11-23T09:00:00Z",
    }
    state.centre_registrations.append(row)
    return row


@delete(
    "/sched/centre-events/{event_id:uuid}/registrations/{registration_id:uuid}", status_code=200
)
async def centre_withdraw(
    event_id: FromPath[UUID], registration_id: FromPath[UUID]
) -> dict[str, Any]:
    state = STATE["s"]
    row = next(r for r in state.centre_registrations if r["id"] == str(registration_id))
    row.update(status="cancelled", status_title="регистрация отменена")
    state.withdrawn.append(registration_id)
    return row


@get("/sched/centre-events")
async def centre_events() -> list[dict[str, Any]]:
    STATE["s"].centre_calls += 1
    return [
        {
            "event_id": str(CENTRE_EVENT),
            "version": 1,
            "title": "Межмуниципальная конференция «Наставничество»",
            "form": "conference",
            "form_title": "конференция",
            "level": "intermunicipal",
            "level_title": "межмуниципальный",
            "organiser_name": "ММЦ г. Бугуруслана",
            "venue": "",
            "online_url": "https://vk.com/imc",
            "starts_at": "2026-12-10T05:00:00Z",
            "ends_at": "2026-12-10T08:00:00Z",
            "capacity": 100,
            "hours": 4,
            "audience_subjects": [],
            "audience_categories": [],
            "status": "planned",
            "status_title": "запланировано",
            "registered": 40,
            "waiting": 0,
            "centre": "buguruslan",
        }
    ]


def _missing() -> Response[Any]:
    return Response(
        {"error": "not_found", "message": "Мероприятие не найдено", "field": "event_id"},
        status_code=404,
    )


@get("/sched/events/{event_id:uuid}")
async def show_event(event_id: FromPath[UUID]) -> Response[Any]:
    state = STATE["s"]
    return Response(state.counted(event_id)) if event_id in state.events else _missing()


@get("/sched/events/{event_id:uuid}/registrations")
async def registrations(event_id: FromPath[UUID]) -> Response[Any]:
    state = STATE["s"]
    return Response(state.rows(event_id)) if event_id in state.events else _missing()


@post("/sched/events/{event_id:uuid}/registrations")
async def register(request: Request[Any, Any, Any], event_id: FromPath[UUID]) -> Response[Any]:
    state = STATE["s"]
    body = await request.json()
    state.posted.append((body, _claims(request)))
    if event_id == CLOSED:
        return Response(
            {"error": "conflict", "message": CLOSED_MESSAGE, "field": "event_id"},
            status_code=409,
        )
    row = state.add(
        event_id,
        UUID(body["person_id"]),
        body["full_name"],
        organisation_id=body.get("organisation_id"),
        registered_by=body.get("registered_by", "self"),
    )
    return Response(next(r for r in state.rows(event_id) if r["id"] == row["id"]), status_code=201)


@post("/sched/events/{event_id:uuid}/registrations/{registration_id:uuid}/cancel")
async def cancel(event_id: FromPath[UUID], registration_id: FromPath[UUID]) -> Response[Any]:
    state = STATE["s"]
    row = next(r for r in state.registrations[event_id] if r["id"] == str(registration_id))
    row.update(status="cancelled", status_title="регистрация отменена")
    state.cancelled.append(registration_id)
    return Response({"registration": row, "promoted": []}, status_code=200)


@get("/reg/people")
async def people(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    organisation = request.query_params.get("organisation_id")
    return [p for p in PEOPLE if not organisation or p["organisation_id"] == organisation]


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> dict[str, str]:
    return {"status": "ok"}


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    app = Litestar(
        [
            list_events,
            forms,
            centre_events,
            centre_registrations,
            centre_register,
            centre_withdraw,
            show_event,
            registrations,
            register,
            cancel,
            people,
            health,
        ],
        logging_config=None,
    )
    server = kit.FakeBackends(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def state() -> Scheduling:
    STATE["s"] = Scheduling()
    return STATE["s"]


def settings_of(fake: Any, *, mode: str = "district") -> PortalSettings:
    urls = {
        "registry_url": fake.url("reg"),
        "scheduling_url": fake.url("sched"),
        "federation_url": fake.url("fed"),
    }
    return PortalSettings(
        service="portal",
        district="yaya",
        district_name="Яйский муниципальный округ",
        mode=mode,
        time_zone=ZONE,
        auth_signing_key=PORTAL_SIGNING_KEY,
        **urls,
    )


def clock(kit: Any) -> Any:
    return kit.Clock()  # 23.11.2026 09:00 UTC


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


TEACHER_ACCOUNT = {
    "role": Role.TEACHER,
    "name": "Карпенко Юлия Сергеевна",
    "person_id": TEACHER,
    "organisation_id": SCHOOL,
}
SCHOOL_ACCOUNT = {
    "role": Role.SCHOOL_REPRESENTATIVE,
    "name": "Белова Марина Александровна",
    "organisation_id": SCHOOL,
}


async def test_calendar_groups_events_by_month_with_the_centre_events(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    state.add(SEMINAR, COLLEAGUE, "Андреева Анна Ивановна")
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        response = await c.get("/calendar")
    assert response.status_code == 200
    html = response.text
    # months in order with Russian names; the centre's event in December
    assert re.findall(r'<h2 id="month-([0-9-]+)">([^<]+)</h2>', html) == [
        ("2026-11", "Ноябрь 2026"),
        ("2026-12", "Декабрь 2026"),
    ]
    page = text(html)
    assert "25.11.2026 10:00–12:00" in page  # 03:00 UTC in Novosibirsk time
    assert "МБОУ «Яйская СОШ № 1», кабинет 12" in page
    assert "МБУ ИМЦ УО Яйского округа" in page
    assert "занято 1 из 2" in page
    assert "мастер-класс" in page
    card = html[html.index(f'data-event-id="{CENTRE_EVENT}"') :]
    assert "межмуниципальное" in card[: card.index("</li>")]
    assert f'href="/calendar/{SEMINAR}"' in html
    assert f'href="/calendar/centre/{CENTRE_EVENT}"' in html
    # upcoming only, cancelled ones left out
    params = state.list_params[-1]
    assert params["include_cancelled"] == "false"
    assert params["date_from"].startswith("2026-11-23T09:00:00")
    # nav items of the area
    assert '<a href="/calendar" aria-current="page">Мероприятия</a>' in html
    assert '<a href="/inbox">Уведомления</a>' in html


async def test_calendar_filters_by_month_and_form_with_a_plain_get_form(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        response = await c.get("/calendar", params={"month": "2026-12", "form": "master_class"})
    html = response.text
    assert '<form class="filters" method="get" action="/calendar"' in html
    assert '<option value="2026-12" selected>Декабрь 2026</option>' in html
    assert '<option value="master_class" selected>мастер-класс</option>' in html
    assert '<label for="filter-month">Месяц</label>' in html
    params = state.list_params[-1]
    assert params["form"] == "master_class"
    assert params["date_from"] == "2026-12-01T00:00:00+07:00"
    assert params["date_to"].startswith("2026-12-31T23:59:59")
    assert "Мастер-класс «Смысловое чтение»" in html
    assert "Функциональная грамотность" not in html
    assert "Межмуниципальная конференция" not in html  # another form


async def test_the_centre_calendar_reads_its_own_events_only(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake, mode="centre"), clock=clock(kit)) as c:
        response = await c.get("/calendar")
        other = await c.get("/calendar", params={"month": "garbage"})
    assert response.status_code == 200
    assert "Функциональная грамотность" in response.text
    assert state.centre_calls == 0
    assert other.status_code == 200


async def test_a_teacher_registers_sees_the_confirmation_and_cancels(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(f"/calendar/{SEMINAR}")
        assert page.status_code == 200
        assert ">Записаться</button>" in page.text
        assert "Приносите ноутбуки." in page.text
        answer = await c.post(
            f"/calendar/{SEMINAR}/register",
            data={"csrf_token": kit.csrf_of(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/calendar/{SEMINAR}?notice=registered"
        body, claims = state.posted[-1]
        # the person and the name come from the session, not from the form
        assert body["person_id"] == str(TEACHER)
        assert body["full_name"] == "Карпенко Юлия Сергеевна"
        assert body["registered_by"] == "self"
        assert claims["person"] == str(TEACHER) and claims["role"] == "teacher"
        shown = await c.get(answer.headers["location"])
        assert "Вы зарегистрированы на мероприятие." in shown.text
        assert "Участие подтверждено." in shown.text
        assert ">Записаться</button>" not in shown.text
        registration = state.registrations[SEMINAR][-1]["id"]
        cancelled = await c.post(
            f"/calendar/{SEMINAR}/registrations/{registration}/cancel",
            data={"csrf_token": kit.csrf_of(shown.text)},
            follow_redirects=False,
        )
        assert cancelled.headers["location"] == f"/calendar/{SEMINAR}?notice=cancelled"
        after = await c.get(cancelled.headers["location"])
    assert state.cancelled == [UUID(registration)]
    assert "Ваша регистрация отменена." in after.text
    assert ">Записаться</button>" in after.text


async def test_a_full_event_puts_the_teacher_on_the_waiting_list(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    state.add(MASTER_CLASS, COLLEAGUE, "Андреева Анна Ивановна")
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(f"/calendar/{MASTER_CLASS}")
        assert "Все места заняты: при записи вы попадёте в лист ожидания" in page.text
        answer = await c.post(
            f"/calendar/{MASTER_CLASS}/register",
            data={"csrf_token": kit.csrf_of(page.text)},
        )
    assert answer.status_code == 200
    assert str(answer.url).endswith("?notice=waitlisted")
    page_text = text(answer.text)
    assert "Свободных мест нет: вы записаны в лист ожидания." in page_text
    assert "Вы в листе ожидания , ваш номер в очереди — 1." in page_text
    assert ">Отменить запись</button>" in answer.text


async def test_a_refusal_of_the_service_is_shown_in_russian(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(f"/calendar/{CLOSED}")
        answer = await c.post(
            f"/calendar/{CLOSED}/register", data={"csrf_token": kit.csrf_of(page.text)}
        )
    assert answer.status_code == 409
    assert f'<p class="form-error" role="alert" id="refusal">{CLOSED_MESSAGE}</p>' in answer.text
    assert "Закрытый семинар" in answer.text


async def test_a_form_without_the_csrf_token_is_refused(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        answer = await c.post(f"/calendar/{SEMINAR}/register", data={"csrf_token": "чужой"})
    assert answer.status_code == 403
    assert "Форма не прошла проверку безопасности" in answer.text
    assert state.posted == []


async def test_a_teacher_does_not_see_the_registrations_list(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    state.add(MASTER_CLASS, COLLEAGUE, "Андреева Анна Ивановна")
    state.add(MASTER_CLASS, STRANGER, "Чужой Пётр Петрович")
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(f"/calendar/{MASTER_CLASS}")
    assert page.status_code == 200
    assert "Андреева" not in page.text and "Чужой" not in page.text
    assert 'id="registrations"' not in page.text
    assert "Лист ожидания (" not in page.text


async def test_staff_see_the_registrations_and_the_waiting_list(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    state.add(MASTER_CLASS, COLLEAGUE, "Андреева Анна Ивановна")
    state.add(MASTER_CLASS, STRANGER, "Чужой Пётр Петрович")
    async with portal(settings_of(fake), clock=clock(kit), role=Role.METHODIST) as c:
        page = await c.get(f"/calendar/{MASTER_CLASS}")
        refused = await c.post(
            f"/calendar/{MASTER_CLASS}/register", data={"csrf_token": kit.csrf_of(page.text)}
        )
    html = page.text
    confirmed = html[html.index('id="confirmed-list"') : html.index("</ol>")]
    waiting = html[html.index('id="waiting-list"') :]
    assert "Андреева Анна Ивановна" in confirmed and "Чужой" not in confirmed
    assert "Чужой Пётр Петрович" in waiting[: waiting.index("</ol>")]
    assert "Зарегистрированы (1)" in html and "Лист ожидания (1)" in html
    assert ">Записаться</button>" not in html
    # registering oneself is a teacher's action
    assert refused.status_code == 403
    assert state.posted == []


async def test_a_school_registers_a_person_of_its_own_organisation(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **SCHOOL_ACCOUNT) as c:
        page = await c.get(f"/calendar/{SEMINAR}")
        html = page.text
        assert '<label for="person_id">Записать работника</label>' in html
        assert "Андреева Анна Ивановна" in html and "Карпенко Юлия Сергеевна" in html
        assert "Чужой" not in html  # another school's person is not offered
        foreign = await c.post(
            f"/calendar/{SEMINAR}/register-colleague",
            data={"csrf_token": kit.csrf_of(html), "person_id": str(STRANGER)},
        )
        assert foreign.status_code == 422
        assert 'aria-describedby="person_id-error"' in foreign.text
        assert "Выберите работника своей образовательной организации из списка." in foreign.text
        assert state.posted == []
        answer = await c.post(
            f"/calendar/{SEMINAR}/register-colleague",
            data={"csrf_token": kit.csrf_of(html), "person_id": str(COLLEAGUE)},
            follow_redirects=False,
        )
        assert answer.headers["location"] == f"/calendar/{SEMINAR}?notice=colleague-registered"
        after = await c.get(answer.headers["location"])
    body, claims = state.posted[-1]
    assert body == {
        "person_id": str(COLLEAGUE),
        "full_name": "Андреева Анна Ивановна",
        "organisation_id": str(SCHOOL),
        "registered_by": "school",
    }
    assert claims["role"] == "school_representative"
    listed = after.text[after.text.index('id="organisation-registrations"') :]
    assert "Андреева Анна Ивановна — участие подтверждено" in listed
    assert "Работник организации зарегистрирован на мероприятие." in after.text


async def test_an_unknown_event_is_a_russian_not_found_page(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(f"/calendar/{uuid4()}")
    assert page.status_code == 404
    assert "Мероприятие не найдено: возможно, его удалили" in page.text


async def test_a_teacher_requests_a_place_at_the_centre_event_and_withdraws(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    base = f"/calendar/centre/{CENTRE_EVENT}"
    async with portal(settings_of(fake), clock=clock(kit), **TEACHER_ACCOUNT) as c:
        page = await c.get(base)
        assert page.status_code == 200
        assert "Межмуниципальная конференция «Наставничество»" in page.text
        assert "занято 40 из 100" in text(page.text)
        answer = await c.post(
            f"{base}/register",
            data={"csrf_token": kit.csrf_of(page.text)},
            follow_redirects=False,
        )
        assert answer.headers["location"] == f"{base}?notice=requested"
        shown = await c.get(answer.headers["location"])
        assert "Заявка направлена в межмуниципальный центр." in shown.text
        registration = state.centre_registrations[-1]["id"]
        withdrawn = await c.post(
            f"{base}/registrations/{registration}/cancel",
            data={"csrf_token": kit.csrf_of(shown.text)},
            follow_redirects=False,
        )
        assert withdrawn.headers["location"] == f"{base}?notice=cancelled"
    assert state.centre_posted == [
        {
            "person_id": str(TEACHER),
            "full_name": "Карпенко Юлия Сергеевна",
            "organisation_id": str(SCHOOL),
            "position": "",
        }
    ]
    assert state.withdrawn == [UUID(registration)]
    assert state.posted == []  # nothing went to the district's own events


async def test_staff_see_the_requests_for_the_centre_event(
    fake: Any, state: Scheduling, portal: Any, kit: Any
) -> None:
    async with portal(settings_of(fake), clock=clock(kit), **SCHOOL_ACCOUNT) as c:
        page = await c.get(f"/calendar/centre/{CENTRE_EVENT}")
        await c.post(
            f"/calendar/centre/{CENTRE_EVENT}/register-colleague",
            data={"csrf_token": kit.csrf_of(page.text), "person_id": str(COLLEAGUE)},
        )
    assert state.centre_posted[-1]["position"] == "учитель"
    async with portal(settings_of(fake), clock=clock(kit), role=Role.METHODIST) as c:
        staff = await c.get(f"/calendar/centre/{CENTRE_EVENT}")
        missing = await c.get(f"/calendar/centre/{SEMINAR}")
    listed = staff.text[staff.text.index('id="requested-list"') :]
    assert "Андреева Анна Ивановна" in listed[: listed.index("</ol>")]
    assert missing.status_code == 404
