"""The professional-growth loop on the real stack (issue 11): a needs survey finds a
teacher's deficit, the methodist builds her individual route around a seminar, the
scheduling service reports her attendance, the step completes by itself, the deficit is
closed with that evidence, her record of development shows it (and prints through the
documents service), and the centre's anonymous counts follow over federation without a
name crossing."""

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from imc_local.flow import Registered, wait_for
from imc_local.stack import Stack
from imc_shared.auth import Role

pytestmark = pytest.mark.e2e

TEACHER_NAME = "Гусева Ирина Павловна"
"""A teacher of МБОУ «Яйская СОШ № 2»; other tests drive Карпенко through the portal."""
COMPETENCY = "assessment"


def urls(stack: Stack, code: str) -> dict[str, str]:
    return {k: str(v) for k, v in stack.endpoints()[code]["services"].items()}


def school_year(today: date) -> str:
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def teacher(stack: Stack) -> dict[str, Any]:
    """The teacher as the registry knows her, once growth has heard of her too."""
    yaya = urls(stack, "yaya")
    with httpx.Client(auth=stack.auth("yaya", Role.METHODIST), timeout=30) as client:
        people = ok(client.get(yaya["registry"] + "/people/"))
        person = next(p for p in people if p["full_name"] == TEACHER_NAME)

        def known() -> bool:
            listed = ok(client.get(yaya["growth"] + "/teachers"))
            return any(t["person_id"] == person["id"] for t in listed)

        wait_for("growth to learn the registry's teachers", known)
    return dict(person)


def test_survey_deficit_route_attendance_closure_transcript_and_centre(
    stack: Stack, registered: dict[str, Registered]
) -> None:
    yaya, centre = urls(stack, "yaya"), urls(stack, "buguruslan")
    person = teacher(stack)
    person_id, organisation_id = person["id"], person["organisation_id"]
    staff = httpx.Client(auth=stack.auth("yaya", Role.METHODIST), timeout=60)
    own = httpx.Client(
        auth=stack.auth(
            "yaya",
            Role.TEACHER,
            name=TEACHER_NAME,
            person_id=person_id,
            organisation_id=organisation_id,
        ),
        timeout=60,
    )
    growth, scheduling = yaya["growth"], yaya["scheduling"]
    year = school_year(datetime.now(UTC).date())

    # The needs survey: the teacher says assessment is hard for her.
    survey = ok(
        staff.post(
            growth + "/surveys",
            json={
                "title": "Мониторинг профессиональных затруднений (проверка цикла)",
                "school_year": year,
                "target": {"organisation_ids": [organisation_id]},
                "questions": [
                    {
                        "kind": "single",
                        "text": "Что вызывает у вас наибольшие затруднения?",
                        "options": [
                            {
                                "key": "a",
                                "text": "Оценивание образовательных результатов",
                                "competency": COMPETENCY,
                            },
                            {"key": "b", "text": "Затруднений нет"},
                        ],
                    }
                ],
            },
        ),
        201,
    )
    ok(staff.post(f"{growth}/surveys/{survey['id']}/open", json={}))
    mine = ok(own.get(growth + "/surveys/mine"))
    asked = next(m for m in mine if m["survey"]["id"] == survey["id"])
    assert asked["can_answer"] and asked["response"] is None
    question = asked["survey"]["questions"][0]["id"]
    ok(own.put(f"{growth}/surveys/{survey['id']}/response", json={"answers": {question: "a"}}))
    ok(staff.post(f"{growth}/surveys/{survey['id']}/close", json={}))
    results = ok(staff.get(f"{growth}/surveys/{survey['id']}/results"))
    assert results["respondents"] == 1

    proposals = ok(staff.get(f"{growth}/surveys/{survey['id']}/deficit-proposals"))
    proposal = next(p for p in proposals if p["person_id"] == person_id)
    assert proposal["competency_code"] == COMPETENCY and not proposal["recorded"]
    recorded = ok(
        staff.post(
            f"{growth}/surveys/{survey['id']}/deficit-proposals",
            json={"items": [{"person_id": person_id, "competency_code": COMPETENCY}]},
        )
    )
    deficit = next(d for d in recorded if d["person_id"] == person_id)
    assert deficit["status"] == "open"

    # Her route: a goal on that deficit and a seminar on assessment as its step.
    starts = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=4, minute=0, second=0, microsecond=0
    )
    event = ok(
        staff.post(
            scheduling + "/events/",
            json={
                "title": "Семинар «Объективное оценивание образовательных результатов»",
                "form": "seminar",
                "level": "municipal",
                "organiser_kind": "imc",
                "organiser_name": "МБУ ИМЦ УО Яйского округа",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=3)).isoformat(),
                "venue": "МБУ ИМЦ, актовый зал (проверка маршрута)",
                "hours": 3,
            },
        ),
        201,
    )
    wait_for(
        "growth to hear of the seminar",
        lambda: any(e["event_id"] == event["id"] for e in ok(staff.get(growth + "/events"))),
    )
    suggested = ok(staff.get(f"{growth}/deficits/{deficit['id']}/suggestions"))
    assert any(e["event_id"] == event["id"] for e in suggested["events"]), suggested

    route = ok(
        staff.post(growth + "/routes", json={"person_id": person_id, "school_year": year}), 201
    )
    with_goal = ok(
        staff.post(
            f"{growth}/routes/{route['id']}/goals",
            json={"title": "Освоить критериальное оценивание", "deficit_id": deficit["id"]},
        ),
        201,
    )
    goal = next(g for g in with_goal["goals"] if (g["deficit"] or {}).get("id") == deficit["id"])
    with_step = ok(
        staff.post(
            f"{growth}/routes/{route['id']}/steps",
            json={"kind": "event", "goal_id": goal["id"], "event_id": event["id"]},
        ),
        201,
    )
    step = next(s for s in with_step["steps"] if s["event_id"] == event["id"])
    assert step["status"] == "planned"

    early = staff.post(
        f"{growth}/deficits/{deficit['id']}/close",
        json={"evidence": "Педагог освоила критериальное оценивание"},
    )
    assert early.status_code == 422, early.text
    assert "а не отметкой" in early.json()["message"]

    # She registers, the seminar takes place, the organiser marks her present.
    ok(
        own.post(
            f"{scheduling}/events/{event['id']}/registrations",
            json={
                "person_id": person_id,
                "full_name": TEACHER_NAME,
                "organisation_id": organisation_id,
            },
        ),
        201,
    )
    past = (datetime.now(UTC) - timedelta(days=1)).replace(
        hour=4, minute=0, second=0, microsecond=0
    )
    ok(
        staff.patch(
            f"{scheduling}/events/{event['id']}",
            json={
                "starts_at": past.isoformat(),
                "ends_at": (past + timedelta(hours=3)).isoformat(),
            },
        )
    )
    ok(
        staff.post(
            f"{scheduling}/events/{event['id']}/attendance",
            json={"person_ids": [person_id], "attended": True},
        )
    )

    def step_done() -> bool:
        steps = ok(own.get(f"{growth}/routes/{route['id']}"))["steps"]
        return next(s for s in steps if s["id"] == step["id"])["status"] == "done"

    wait_for("the attendance to complete the route step", step_done)

    closed = ok(
        staff.post(
            f"{growth}/deficits/{deficit['id']}/close",
            json={
                "evidence": "Посетила семинар, провела открытый урок с критериальным оцениванием",
                "step_id": step["id"],
            },
        )
    )
    assert closed["status"] == "closed"

    # Her record of development: the seminar with its hours and the closed deficit.
    record = ok(own.get(f"{growth}/people/{person_id}/transcript"))
    text = str(record)
    assert "Объективное оценивание образовательных результатов" in text
    assert "Оценивание образовательных результатов" in text
    assert record["total_hours"] >= 3
    printed = ok(own.post(f"{growth}/people/{person_id}/transcript/print"))
    documents = yaya["documents"]
    pdf = own.get(f"{documents}/documents/{printed['document_id']}/file.pdf")
    assert pdf.status_code == 200, pdf.text
    pages = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "СПРАВКА" in pages and "Гусева" in pages

    # The centre: counts only, and they include this closed deficit.
    coordinator = httpx.Client(auth=stack.auth("buguruslan"), timeout=30)

    def centre_counts() -> dict[str, Any] | None:
        view = ok(coordinator.get(centre["federation"] + "/deficits"))
        district = next(d for d in view["districts"] if d["code"] == "yaya")
        lines = [line for line in district["lines"] if line["competency_code"] == COMPETENCY]
        if district["reported"] and any(line["closed"] >= 1 for line in lines):
            return dict(view)
        return None

    view = wait_for("the centre to count the closed deficit", centre_counts)
    raw = str(view)
    assert TEACHER_NAME not in raw and person_id not in raw and organisation_id not in raw
    for client in (staff, own, coordinator):
        client.close()
