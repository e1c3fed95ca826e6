"""The council's pages and the orders journal against a fake applications service,
registry and documents service that keep state like the real ones (served over HTTP)."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, FromQuery

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
HEAD = "0194c1a2-7e00-7000-8000-00000000c001"
MEMBERS = [
    HEAD,
    "0194c1a2-7e00-7000-8000-00000000c002",
    "0194c1a2-7e00-7000-8000-00000000c003",
    "0194c1a2-7e00-7000-8000-00000000c004",
    "0194c1a2-7e00-7000-8000-00000000c005",
]
NAMES = {
    MEMBERS[0]: "Голованова Татьяна Викторовна",
    MEMBERS[1]: "Рябова Елена Геннадьевна",
    MEMBERS[2]: "Лаптева Светлана Николаевна",
    MEMBERS[3]: "Зайцева Ольга Петровна",
    MEMBERS[4]: "Тихонова Анна Викторовна",
}
SCHOOL = "0194c1a2-7e00-7000-8000-0000000000a2"
LEADER = "0194c1a2-7e00-7000-8000-00000000d001"
APPLICATION = "0194c1a2-7e00-7000-8000-00000000e001"
ORDER_DOC = "0194c1a2-7e00-7000-8000-00000000f001"

STATE: dict[str, Any] = {}


def card(person: str, name: str, organisation: str | None = None, group: str = "teacher") -> dict:
    return {
        "id": person,
        "full_name": name,
        "position": "методист",
        "staff_group": group,
        "organisation_id": organisation,
        "qualification_category": "none",
        "subjects": [],
        "email": "",
    }


def reset() -> None:
    STATE.clear()
    STATE.update(meetings={}, orders=[], documents=[], calls=[])


def refuse(message: str, field: str, status: int = 422) -> Response[Any]:
    return Response({"error": "invalid", "message": message, "field": field}, status_code=status)


def meeting_json(meeting: dict[str, Any]) -> dict[str, Any]:
    present = meeting["present"]
    total = len(MEMBERS) if present else 0
    return {**meeting, "members_total": total, "quorum": total > 0 and 2 * len(present) > total}


@get("/app/meetings")
async def list_meetings() -> list[dict[str, Any]]:
    return [meeting_json(m) for m in STATE["meetings"].values()]


@post("/app/meetings", status_code=201)
async def plan(request: Request[Any, Any, Any]) -> Response[Any]:
    body = await request.json()
    STATE["calls"].append(("plan", body))
    if not body["place"].strip():
        return refuse("Укажите место проведения заседания", "place")
    meeting = {
        "id": str(uuid4()),
        "version": 1,
        "protocol_number": body.get("protocol_number") or str(len(STATE["meetings"]) + 1),
        "held_on": body["held_on"],
        "place": body["place"],
        "status": "planned",
        "present": [],
        "chair_name": "",
        "secretary_name": "",
        "items": [],
    }
    STATE["meetings"][meeting["id"]] = meeting
    return Response(meeting_json(meeting), status_code=201)


@get("/app/meetings/{meeting_id:str}")
async def show_meeting(meeting_id: FromPath[str]) -> Response[Any]:
    meeting = STATE["meetings"].get(meeting_id)
    if meeting is None:
        return Response({"error": "not_found", "message": "Заседание не найдено"}, status_code=404)
    return Response(meeting_json(meeting))


@post("/app/meetings/{meeting_id:str}/attendance", status_code=200)
async def attendance(meeting_id: FromPath[str], request: Request[Any, Any, Any]) -> Any:
    body = await request.json()
    STATE["calls"].append(("attendance", body))
    meeting = STATE["meetings"][meeting_id]
    if body["secretary_id"] not in body["present"]:
        return refuse("Председатель и секретарь должны быть в числе присутствующих", "secretary_id")
    meeting.update(
        present=body["present"],
        chair_name=NAMES[body["chair_id"]],
        secretary_name=NAMES[body["secretary_id"]],
        version=meeting["version"] + 1,
    )
    return meeting_json(meeting)


@post("/app/meetings/{meeting_id:str}/items", status_code=200)
async def add_item(meeting_id: FromPath[str], request: Request[Any, Any, Any]) -> Any:
    body = await request.json()
    STATE["calls"].append(("item", body))
    meeting = STATE["meetings"][meeting_id]
    if body["type"] == "application" and body["leader_id"] != LEADER:
        return refuse("Работник не работает в организации-заявителе", "leader_id")
    meeting["items"].append(
        {
            "id": str(uuid4()),
            "number": len(meeting["items"]) + 1,
            "type": body["type"],
            "type_title": "заявка на присвоение статуса",
            "title": "О присвоении статуса ОСМП МБОУ «Яйская СОШ № 2»",
            "speaker": body["speaker"],
            "application_id": body.get("application_id"),
            "site_id": None,
            "organisation_short_name": "МБОУ «Яйская СОШ № 2»",
            "proposal": {},
            "votes_for": None,
            "votes_against": None,
            "abstained": None,
            "adopted": None,
            "decision_text": "",
            "order_id": None,
        }
    )
    return meeting_json(meeting)


@post("/app/meetings/{meeting_id:str}/items/{item_id:str}/vote", status_code=200)
async def vote(
    meeting_id: FromPath[str], item_id: FromPath[str], request: Request[Any, Any, Any]
) -> Any:
    body = await request.json()
    STATE["calls"].append(("vote", body))
    meeting = STATE["meetings"][meeting_id]
    present = len(meeting["present"])
    total = body["votes_for"] + body["votes_against"] + body["abstained"]
    if total > present:
        return refuse(
            f"Голосов ({total}) больше, чем присутствующих членов совета ({present})",
            "votes_for",
        )
    item = next(i for i in meeting["items"] if i["id"] == item_id)
    adopted = body["votes_for"] * 2 > present
    item.update(
        votes_for=body["votes_for"],
        votes_against=body["votes_against"],
        abstained=body["abstained"],
        adopted=adopted,
        decision_text="Присвоить статус." if adopted else f"Отказать. Причина: {body['reason']}",
    )
    return meeting_json(meeting)


@post("/app/meetings/{meeting_id:str}/close", status_code=200)
async def close(meeting_id: FromPath[str], request: Request[Any, Any, Any]) -> Any:
    STATE["calls"].append(("close", await request.json()))
    meeting = STATE["meetings"][meeting_id]
    meeting["status"] = "held"
    return meeting_json(meeting)


@get("/app/applications")
async def ready_applications() -> list[dict[str, Any]]:
    return [
        {
            "id": APPLICATION,
            "organisation_id": SCHOOL,
            "organisation_short_name": "МБОУ «Яйская СОШ № 2»",
            "site_kind": "osmp",
            "site_kind_title": "опорная (стажировочная) методическая площадка",
            "topic": "Наставничество",
            "status": "reviewed",
        }
    ]


@get("/app/sites")
async def lifecycle_sites() -> list[dict[str, Any]]:
    return []


@get("/app/orders")
async def orders() -> list[dict[str, Any]]:
    return list(STATE["orders"])


@post("/app/orders", status_code=201)
async def issue(request: Request[Any, Any, Any]) -> Any:
    body = await request.json()
    STATE["calls"].append(("order", body))
    for meeting in STATE["meetings"].values():
        for item in meeting["items"]:
            if item["id"] == body["item_id"]:
                order = {
                    "id": str(uuid4()),
                    "issuer": "education_department",
                    "year": 2026,
                    "number": "45-од",
                    "order_date": body.get("order_date", "2026-11-23"),
                    "kind": "assignment",
                    "item_id": item["id"],
                    "site_id": str(uuid4()),
                    "application_id": item["application_id"],
                    "signatory_name": "Начальник управления образования",
                    "signatory_position": "начальник",
                }
                item["order_id"] = order["id"]
                STATE["orders"].append(order)
                return order
    return refuse("Решение совета не найдено", "item_id", 404)


@get("/reg/structures")
async def structures() -> list[dict[str, Any]]:
    return [
        {
            "id": str(uuid4()),
            "kind": "methodical_council",
            "title": "Методический совет",
            "active": True,
            "head": card(HEAD, NAMES[HEAD], group="imc_methodist"),
            "members": [{"person": card(m, NAMES[m]), "role": ""} for m in MEMBERS[1:]],
        }
    ]


@get("/reg/people")
async def people(organisation_id: FromQuery[str | None] = None) -> list[dict[str, Any]]:
    if organisation_id == SCHOOL:
        return [card(LEADER, "Тихонова Анна Викторовна", SCHOOL, "administration")]
    return [card(MEMBERS[2], NAMES[MEMBERS[2]], group="imc_methodist")]


@get("/docs/documents")
async def documents() -> list[dict[str, Any]]:
    return list(STATE["documents"])


FAKE = Litestar(
    [
        list_meetings,
        plan,
        show_meeting,
        attendance,
        add_item,
        vote,
        close,
        ready_applications,
        lifecycle_sites,
        orders,
        issue,
        structures,
        people,
        documents,
    ],
    logging_config=None,
)


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(FAKE)
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    reset()


def settings(fake: Any) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="yaya",
        district_name="Яйский муниципальный округ",
        mode="district",
        registry_url=fake.url("reg"),
        applications_url=fake.url("app"),
        documents_url=fake.url("docs"),
        auth_signing_key=PORTAL_SIGNING_KEY,
    )


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def a_meeting(present: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    meeting = {
        "id": str(uuid4()),
        "version": 3,
        "protocol_number": "2",
        "held_on": "2026-11-25",
        "place": "зал заседаний ИМЦ",
        "status": "planned",
        "present": present or [],
        "chair_name": NAMES[HEAD] if present else "",
        "secretary_name": NAMES[MEMBERS[1]] if present else "",
        "items": [],
        **extra,
    }
    STATE["meetings"][meeting["id"]] = meeting
    return meeting


def an_item(meeting: dict[str, Any], **extra: Any) -> dict[str, Any]:
    item = {
        "id": str(uuid4()),
        "number": len(meeting["items"]) + 1,
        "type": "application",
        "type_title": "заявка на присвоение статуса",
        "title": "О присвоении статуса ОСМП МБОУ «Яйская СОШ № 2»",
        "speaker": "Лаптева С. Н., методист",
        "application_id": APPLICATION,
        "site_id": None,
        "organisation_short_name": "МБОУ «Яйская СОШ № 2»",
        "proposal": {},
        "votes_for": None,
        "votes_against": None,
        "abstained": None,
        "adopted": None,
        "decision_text": "",
        "order_id": None,
        **extra,
    }
    meeting["items"].append(item)
    return item


def calls(kind: str) -> list[Any]:
    return [body for name, body in STATE["calls"] if name == kind]


async def test_the_secretary_plans_a_meeting_and_sees_it_listed(fake: Any, portal: Any) -> None:
    async with portal(settings(fake), role=Role.COUNCIL_SECRETARY) as c:
        page = await c.get("/council")
        assert page.status_code == 200
        assert "Запланировать заседание" in page.text
        assert 'href="/council"' in page.text and 'href="/orders"' in page.text  # the nav
        # a place is required: the message stands next to the field, the date is kept
        refused = await c.post(
            "/council",
            data={"csrf_token": csrf(page.text), "held_on": "25.11.2026", "place": " "},
        )
        assert refused.status_code == 422
        assert 'id="schedule-place-error"' in refused.text
        assert 'aria-describedby="schedule-place-error"' in refused.text
        assert 'value="25.11.2026"' in refused.text
        assert calls("plan") == []
        done = await c.post(
            "/council",
            data={"csrf_token": csrf(page.text), "held_on": "2026-11-25", "place": "зал ИМЦ"},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert calls("plan") == [{"held_on": "2026-11-25", "place": "зал ИМЦ"}]
        meeting = await c.get(done.headers["location"])
        listed = await c.get("/council")
    assert "Заседание методического совета № 1 от 25.11.2026" in meeting.text
    assert "Заседание запланировано" in meeting.text
    assert "Заседание № 1 от 25.11.2026" in listed.text


async def test_the_quorum_is_stated_and_attendance_names_chair_and_secretary(
    fake: Any, portal: Any
) -> None:
    meeting = a_meeting()
    async with portal(settings(fake), role=Role.COUNCIL_SECRETARY, person_id=UUID(MEMBERS[1])) as c:
        page = await c.get(f"/council/{meeting['id']}")
        assert "Присутствие ещё не отмечено" in page.text
        assert "не менее 3 из 5" in page.text
        assert "Председатель и секретарь заседания должны быть в числе присутствующих" in page.text
        # the council's head chairs and the secretary (the visitor) keeps the protocol
        assert re.search(rf'<option value="{HEAD}" selected>', page.text)
        assert re.search(rf'<option value="{MEMBERS[1]}" selected>', page.text)
        token = csrf(page.text)
        # two of five: no quorum, the page says so and offers no vote
        answer = await c.post(
            f"/council/{meeting['id']}/attendance",
            data={
                "csrf_token": token,
                "version": "3",
                "present": [HEAD, MEMBERS[1]],
                "chair_id": HEAD,
                "secretary_id": MEMBERS[1],
            },
        )
        assert calls("attendance")[-1]["present"] == [HEAD, MEMBERS[1]]
        assert calls("attendance")[-1]["version"] == 3
        assert "Кворума нет: присутствуют 2 из 5 членов методического совета" in answer.text
        # a secretary not present: the service's message next to the secretary's field
        refused = await c.post(
            f"/council/{meeting['id']}/attendance",
            data={
                "csrf_token": token,
                "present": [HEAD, MEMBERS[2], MEMBERS[3]],
                "chair_id": HEAD,
                "secretary_id": MEMBERS[1],
            },
        )
        assert refused.status_code == 422
        assert 'id="attendance-secretary_id-error"' in refused.text
        # what was ticked stays ticked
        assert re.search(rf'value="{MEMBERS[3]}" checked', refused.text)
        ok = await c.post(
            f"/council/{meeting['id']}/attendance",
            data={
                "csrf_token": token,
                "present": [HEAD, MEMBERS[1], MEMBERS[2]],
                "chair_id": HEAD,
                "secretary_id": MEMBERS[1],
            },
        )
    assert "Кворум есть: присутствуют 3 из 5 членов методического совета" in ok.text


async def test_the_secretary_adds_an_application_and_a_wrong_leader_is_named(
    fake: Any, portal: Any
) -> None:
    meeting = a_meeting()
    async with portal(settings(fake), role=Role.COUNCIL_SECRETARY) as c:
        page = await c.get(f"/council/{meeting['id']}")
        assert "МБОУ «Яйская СОШ № 2» — опорная (стажировочная) методическая площадка" in page.text
        assert "Тихонова Анна Викторовна" in page.text
        form = {
            "csrf_token": csrf(page.text),
            "type": "application",
            "application_id": APPLICATION,
            "leader_id": MEMBERS[2],
            "co_leader_id": MEMBERS[2],
            "term_months": "24",
            "speaker": "Лаптева С. Н., методист",
        }
        refused = await c.post(f"/council/{meeting['id']}/items", data=form)
        assert refused.status_code == 422
        assert 'id="item-application-leader_id-error"' in refused.text
        assert "не работает в организации-заявителе" in refused.text
        added = await c.post(f"/council/{meeting['id']}/items", data={**form, "leader_id": LEADER})
    assert calls("item")[-1] == {
        "type": "application",
        "speaker": "Лаптева С. Н., методист",
        "application_id": APPLICATION,
        "leader_id": LEADER,
        "co_leader_id": MEMBERS[2],
        "term_months": 24,
    }
    assert "Вопрос включён в повестку" in added.text
    assert "1. О присвоении статуса ОСМП МБОУ «Яйская СОШ № 2»" in added.text


async def test_a_refusal_needs_a_reason_next_to_its_field(fake: Any, portal: Any) -> None:
    meeting = a_meeting(present=[HEAD, MEMBERS[1], MEMBERS[2]])
    item = an_item(meeting)
    async with portal(settings(fake), role=Role.COUNCIL_SECRETARY) as c:
        page = await c.get(f"/council/{meeting['id']}")
        assert "Кворум есть" in page.text
        form = {"csrf_token": csrf(page.text), "votes_for": "1", "votes_against": "2"}
        url = f"/council/{meeting['id']}/items/{item['id']}/vote"
        refused = await c.post(url, data=form)
        assert refused.status_code == 422
        assert f'id="vote-{item["id"]}-reason-error"' in refused.text
        assert "укажите причину отказа" in refused.text
        assert f'aria-describedby="vote-{item["id"]}-reason-error"' in refused.text
        assert calls("vote") == []  # nothing was sent
        # the counts typed are kept
        assert re.search(rf'id="vote-{item["id"]}-votes_against"[^>]*value="2"', refused.text)
        # more votes than present: the service's own message next to «за»
        too_many = await c.post(url, data={**form, "votes_for": "3", "reason": "x" * 10})
        assert too_many.status_code == 422
        assert f'id="vote-{item["id"]}-votes_for-error"' in too_many.text
        assert "больше, чем присутствующих" in too_many.text
        done = await c.post(url, data={**form, "reason": "Тема не соответствует приоритетам"})
    assert "Решение не принято" in done.text
    assert "Отказать. Причина: Тема не соответствует приоритетам" in done.text


async def test_closing_asks_for_confirmation_first(fake: Any, portal: Any) -> None:
    meeting = a_meeting(present=[HEAD, MEMBERS[1], MEMBERS[2]])
    item = an_item(meeting, votes_for=3, votes_against=0, abstained=0, adopted=True)
    item["decision_text"] = "Присвоить статус."
    async with portal(settings(fake), role=Role.COUNCIL_SECRETARY) as c:
        page = await c.get(f"/council/{meeting['id']}")
        assert f'action="/council/{meeting["id"]}/close"' in page.text
        confirm = await c.get(f"/council/{meeting['id']}/close")
        assert confirm.status_code == 200
        assert "После закрытия протокол не изменяется" in confirm.text
        assert "Да, закрыть заседание" in confirm.text
        token = csrf(confirm.text)
        # a POST without the confirmation only shows the question again
        unconfirmed = await c.post(f"/council/{meeting['id']}/close", data={"csrf_token": token})
        assert "Да, закрыть заседание" in unconfirmed.text
        assert calls("close") == []
        closed = await c.post(
            f"/council/{meeting['id']}/close",
            data={"csrf_token": token, "confirm": "yes", "version": "3"},
            follow_redirects=False,
        )
        assert closed.status_code == 303
        assert calls("close") == [{"version": 3}]
        pending = await c.get(closed.headers["location"])
        assert "Протокол готовится" in pending.text
        protocol_id = str(uuid4())
        STATE["documents"] += [
            {
                "id": protocol_id,
                "kind": "council_protocol",
                "title": "Протокол",
                "number": "2",
                "dated": "2026-11-25",
                "subject_id": meeting["id"],
            },
            {
                "id": ORDER_DOC,
                "kind": "council_extract",
                "title": "Выписка",
                "number": "2-1",
                "dated": "2026-11-25",
                "subject_id": item["id"],
            },
        ]
        after = await c.get(f"/council/{meeting['id']}")
    assert f'href="/documents/{protocol_id}/file.pdf"' in after.text
    assert f'href="/documents/{protocol_id}/file.docx"' in after.text
    assert f'href="/documents/{ORDER_DOC}/file.pdf"' in after.text
    assert "Решение принято" in after.text
    assert "Закрыть заседание" not in after.text  # a held meeting is not changed


async def test_a_council_member_reads_without_forms(fake: Any, portal: Any) -> None:
    meeting = a_meeting(present=[HEAD, MEMBERS[1], MEMBERS[2]])
    item = an_item(meeting)
    async with portal(settings(fake), role=Role.COUNCIL_MEMBER) as c:
        listed = await c.get("/council")
        page = await c.get(f"/council/{meeting['id']}")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        assert token
        refused = await c.post(
            f"/council/{meeting['id']}/items/{item['id']}/vote",
            data={"csrf_token": token.group(1), "votes_for": "3"},
        )
        closing = await c.get(f"/council/{meeting['id']}/close")
        journal = await c.get("/orders")
    assert listed.status_code == 200 and "Запланировать заседание" not in listed.text
    assert page.status_code == 200
    assert "О присвоении статуса ОСМП" in page.text and "Кворум есть" in page.text
    assert "открыта для просмотра" in page.text
    for form in (
        "Отметить присутствие",
        "Записать голосование",
        "Закрыть заседание",
        '<form method="post" action="/council',
    ):
        assert form not in page.text
    assert refused.status_code == 403 and calls("vote") == []
    assert closing.status_code == 403
    assert journal.status_code == 200 and "Издать приказ" not in journal.text


async def test_a_teacher_cannot_open_the_council(fake: Any, portal: Any) -> None:
    async with portal(settings(fake), role=Role.TEACHER) as c:
        page = await c.get("/council")
        orders_page = await c.get("/orders")
        home = await c.get("/public")
    assert page.status_code == 403 and orders_page.status_code == 403
    assert 'href="/council"' not in home.text


async def test_forms_without_the_csrf_token_are_refused(fake: Any, portal: Any) -> None:
    meeting = a_meeting(present=[HEAD, MEMBERS[1], MEMBERS[2]])
    item = an_item(meeting, votes_for=3, votes_against=0, abstained=0, adopted=True)
    async with portal(settings(fake), role=Role.METHODIST) as c:
        answers = [
            await c.post("/council", data={"held_on": "2026-11-25", "place": "зал"}),
            await c.post(f"/council/{meeting['id']}/close", data={"confirm": "yes"}),
            await c.post(
                f"/council/{meeting['id']}/items/{item['id']}/vote",
                data={"csrf_token": "не тот", "votes_for": "3"},
            ),
            await c.post("/orders", data={"item_id": item["id"]}),
        ]
    assert [a.status_code for a in answers] == [403] * 4
    assert all("Действие отклонено" in a.text for a in answers)
    assert STATE["calls"] == []


async def test_staff_issue_the_order_and_the_file_link_follows(fake: Any, portal: Any) -> None:
    meeting = a_meeting(present=[HEAD, MEMBERS[1], MEMBERS[2]], status="held")
    item = an_item(meeting, votes_for=3, votes_against=0, abstained=0, adopted=True)
    item["decision_text"] = "Присвоить МБОУ «Яйская СОШ № 2» статус."
    async with portal(settings(fake), role=Role.METHODIST) as c:
        page = await c.get("/orders")
        assert "Решения, по которым приказ не издан" in page.text
        assert "Приказ о присвоении статуса" in page.text
        assert "Издать приказ" in page.text
        issued = await c.post(
            "/orders",
            data={"csrf_token": csrf(page.text), "item_id": item["id"], "order_date": "2026-11-26"},
            follow_redirects=False,
        )
        assert issued.status_code == 303
        assert calls("order") == [{"item_id": item["id"], "order_date": "2026-11-26"}]
        journal = await c.get(issued.headers["location"])
        assert "Приказ издан" in journal.text
        assert "№&nbsp;45-од" in journal.text and "26.11.2026" in journal.text
        assert "Управление образования" in journal.text
        assert "О присвоении статуса ОСМП МБОУ «Яйская СОШ № 2»" in journal.text
        assert (
            "Приказ о присвоении статуса по решению методического совета, "
            "протокол № 2 от 25.11.2026" in journal.text
        )
        assert "готовится" in journal.text
        assert "Издать приказ" not in journal.text
        STATE["documents"].append(
            {
                "id": ORDER_DOC,
                "kind": "order_site_status",
                "title": "Приказ",
                "number": "45-од",
                "dated": "2026-11-26",
                "subject_id": STATE["orders"][0]["id"],
            }
        )
        ready = await c.get("/orders")
    assert f'href="/documents/{ORDER_DOC}/file.docx"' in ready.text
    assert f'href="/documents/{ORDER_DOC}/file.pdf"' in ready.text
    assert "готовится" not in ready.text


async def test_an_unknown_meeting_is_a_russian_404(fake: Any, portal: Any) -> None:
    async with portal(settings(fake), role=Role.METHODIST) as c:
        page = await c.get(f"/council/{uuid4()}")
    assert page.status_code == 404
    assert "Заседание методического совета не найдено" in page.text
