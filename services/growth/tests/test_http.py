"""The growth HTTP API over a real database (both kinds), with the Litestar client: the
loop survey → deficit → route → attendance → step done → deficit closed with evidence →
transcript, and every refusal on the way."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from imc_contracts import (
    ATTENDANCE_RECORDED,
    DEFICITS_SUMMARISED,
    EVENT_CHANGED,
    SITE_STATUS_CHANGED,
    SURVEY_OPENED,
    TUTOR_APPOINTED,
    Leader,
    SiteStatusChanged,
)

pytestmark = pytest.mark.usefixtures("world")
PDF = b"%PDF-1.7\n% course certificate\n"


def _today() -> date:
    """Today in the district (Asia/Novokuznetsk), as the service counts it."""
    return datetime.now(ZoneInfo("Asia/Novokuznetsk")).date()


def _survey(h: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Мониторинг профессиональных потребностей учителей математики",
        "school_year": "2026/2027",
        "description": "Анкета ИМЦ (003 §4.1)",
        "closes_on": (_today() + timedelta(days=30)).isoformat(),
        "target": {"subjects": ["Математика"], "staff_groups": ["teacher"]},
        "questions": [
            {
                "kind": "single",
                "text": "Что вызывает наибольшие затруднения?",
                "options": [
                    {"key": "assess", "text": "Оценивание результатов", "competency": "assessment"},
                    {"key": "none", "text": "Затруднений нет"},
                ],
            },
            {
                "kind": "multiple",
                "text": "Какие темы вам интересны?",
                "required": False,
                "options": [
                    {
                        "key": "fl",
                        "text": "Функциональная грамотность",
                        "competency": "functional_literacy",
                    },
                    {"key": "gia", "text": "Подготовка к ГИА", "competency": "exam_preparation"},
                ],
            },
            {
                "kind": "scale",
                "text": "Оцените свою готовность работать с обучающимися с ОВЗ",
                "competency": "inclusive_education",
            },
            {"kind": "text", "text": "Ваши пожелания ИМЦ", "required": False},
        ],
    }
    body.update(overrides)
    return body


def _answers(survey: dict[str, Any], *values: Any) -> dict[str, Any]:
    return {
        "answers": {
            q["id"]: v for q, v in zip(survey["questions"], values, strict=False) if v is not None
        }
    }


async def test_competency_catalogue(client: Any, h: Any) -> None:
    listed = await client.get("/competencies", auth=h.as_role("council_member"))
    assert listed.status_code == 200, listed.text
    codes = [c["code"] for c in listed.json()]
    assert len(codes) == 10 and "functional_literacy" in codes and "gifted_children" in codes
    new = {
        "code": "school_management",
        "title": "Управление образовательной организацией",
        "keywords": ["управлен", "руководител"],
    }
    assert (
        await client.post("/competencies", json=new, auth=h.as_teacher(h.ANNA))
    ).status_code == 403
    created = await client.post("/competencies", json=new)
    assert created.status_code == 201, created.text
    again = await client.post("/competencies", json=new)
    assert again.status_code == 409 and "уже есть" in again.json()["message"]
    bad = await client.post("/competencies", json={**new, "code": "Управление"})
    assert bad.status_code == 422 and bad.json()["field"] == "code"
    row = created.json()
    changed = await client.patch(
        f"/competencies/{row['id']}", json={"active": False, "version": row["version"]}
    )
    assert changed.status_code == 200 and changed.json()["active"] is False
    stale = await client.patch(
        f"/competencies/{row['id']}", json={"title": "Другое", "version": row["version"]}
    )
    assert stale.status_code == 409
    active = await client.get("/competencies", params={"active_only": True})
    assert "school_management" not in [c["code"] for c in active.json()]


async def test_survey_monitoring_results_comparison_and_proposals(
    client: Any, database: Any, h: Any
) -> None:
    created = await client.post("/surveys", json=_survey(h))
    assert created.status_code == 201, created.text
    survey = created.json()
    assert survey["status"] == "draft" and len(survey["questions"]) == 4
    bad = await client.post(
        "/surveys",
        json=_survey(
            h,
            questions=[
                {
                    "kind": "single",
                    "text": "?",
                    "options": [
                        {"key": "a", "text": "a", "competency": "xx"},
                        {"key": "b", "text": "b"},
                    ],
                }
            ],
        ),
    )
    assert bad.status_code == 422 and "нет в каталоге" in bad.json()["message"]
    # Teachers do not see drafts nor answer them.
    assert (
        await client.get(f"/surveys/{survey['id']}", auth=h.as_teacher(h.ANNA))
    ).status_code == 404
    early = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "none", None, 5),
        auth=h.as_teacher(h.ANNA),
    )
    assert early.status_code == 409

    opened = await client.post(f"/surveys/{survey['id']}/open", json={"version": survey["version"]})
    assert opened.status_code == 200, opened.text
    assert opened.json()["recipients"] == 3
    [announced] = await h.sent(database, SURVEY_OPENED)
    assert {r.person_id for r in announced.recipients} == {h.ANNA, h.VERA, h.GALINA}
    assert (
        await client.patch(f"/surveys/{survey['id']}", json={"title": "Новое название"})
    ).status_code == 409

    # Boris teaches history: outside the target group.
    boris = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "none", None, 5),
        auth=h.as_teacher(h.BORIS),
    )
    assert boris.status_code == 422 and "целевую группу" in boris.json()["message"]
    assert (
        await client.get(f"/surveys/{survey['id']}", auth=h.as_teacher(h.BORIS))
    ).status_code == 404
    mine = await client.get("/surveys/mine", auth=h.as_teacher(h.ANNA))
    assert [m["survey"]["id"] for m in mine.json()] == [survey["id"]]
    assert mine.json()[0]["can_answer"] is True and mine.json()[0]["response"] is None
    # A staff-only listing stays closed to teachers and the council.
    assert (await client.get("/surveys", auth=h.as_teacher(h.ANNA))).status_code == 403
    assert (await client.get("/surveys", auth=h.as_role("council_member"))).status_code == 403

    missing = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "assess"),
        auth=h.as_teacher(h.ANNA),
    )
    assert missing.status_code == 422 and "обязательный вопрос 3" in missing.json()["message"]
    anna = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "none", ["fl"], 4),
        auth=h.as_teacher(h.ANNA),
    )
    assert anna.status_code == 200, anna.text
    edited = await client.put(
        f"/surveys/{survey['id']}/response",
        json={
            **_answers(survey, "assess", ["fl", "gia"], 2, "Больше практикумов"),
            "version": anna.json()["version"],
        },
        auth=h.as_teacher(h.ANNA),
    )
    assert (
        edited.status_code == 200
        and edited.json()["answers"][survey["questions"][0]["id"]] == "assess"
    )
    vera = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "none", [], 5),
        auth=h.as_teacher(h.VERA, h.SCHOOL_2),
    )
    assert vera.status_code == 200, vera.text
    own = await client.get(
        f"/surveys/{survey['id']}/response", auth=h.as_teacher(h.VERA, h.SCHOOL_2)
    )
    assert own.json()["person_id"] == str(h.VERA)
    # Proposals wait for the survey to close.
    assert (await client.get(f"/surveys/{survey['id']}/deficit-proposals")).status_code == 409

    closed = await client.post(f"/surveys/{survey['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = await client.put(
        f"/surveys/{survey['id']}/response",
        json=_answers(survey, "none", None, 5),
        auth=h.as_teacher(h.GALINA, h.SCHOOL_2),
    )
    assert late.status_code == 409

    results = (await client.get(f"/surveys/{survey['id']}/results")).json()
    assert (results["recipients"], results["respondents"], results["response_rate"]) == (
        3,
        2,
        0.6667,
    )
    first = results["district"][0]
    assert [(o["key"], o["count"], o["share"]) for o in first["options"]] == [
        ("assess", 1, 0.5),
        ("none", 1, 0.5),
    ]
    assert results["district"][2]["mean"] == 3.5
    assert results["district"][3]["texts"] == ["Больше практикумов"]
    assert [g["title"] for g in results["by_school"]] == [
        "МБОУ «Яйская СОШ № 1»",
        "МБОУ «Яйская СОШ № 2»",
    ]
    assert all(q["texts"] == [] for g in results["by_school"] for q in g["questions"])
    assert [(g["title"], g["respondents"]) for g in results["by_subject"]] == [
        ("математика", 2),
        ("физика", 1),
    ]

    proposals = (await client.get(f"/surveys/{survey['id']}/deficit-proposals")).json()
    assert sorted(p["competency_code"] for p in proposals) == [
        "assessment",
        "exam_preparation",
        "functional_literacy",
        "inclusive_education",
    ]
    assert {p["person_id"] for p in proposals} == {str(h.ANNA)}
    assert proposals[0]["subject"] == "математика" and not proposals[0]["recorded"]
    pick = {
        "items": [
            {"person_id": str(h.ANNA), "competency_code": "assessment", "subject": "математика"},
            {"person_id": str(h.ANNA), "competency_code": "inclusive_education"},
        ]
    }
    before = len(await h.sent(database, DEFICITS_SUMMARISED))
    confirmed = await client.post(f"/surveys/{survey['id']}/deficit-proposals", json=pick)
    assert confirmed.status_code == 200, confirmed.text
    assert [(d["competency_code"], d["source"], d["status"]) for d in confirmed.json()] == [
        ("assessment", "survey", "open"),
        ("inclusive_education", "survey", "open"),
    ]
    repeat = await client.post(f"/surveys/{survey['id']}/deficit-proposals", json=pick)
    assert [d["id"] for d in repeat.json()] == [d["id"] for d in confirmed.json()]
    assert len(await h.sent(database, DEFICITS_SUMMARISED)) == before + 1
    stranger = await client.post(
        f"/surveys/{survey['id']}/deficit-proposals",
        json={"items": [{"person_id": str(h.VERA), "competency_code": "assessment"}]},
    )
    assert stranger.status_code == 422
    marked = (await client.get(f"/surveys/{survey['id']}/deficit-proposals")).json()
    assert sorted(p["competency_code"] for p in marked if p["recorded"]) == [
        "assessment",
        "inclusive_education",
    ]

    # Next year: the same survey again, compared with this one.
    copy = await client.post(f"/surveys/{survey['id']}/copy", json={})
    assert copy.status_code == 201, copy.text
    repeat_survey = copy.json()
    assert (
        repeat_survey["school_year"] == "2027/2028" and repeat_survey["repeat_of"] == survey["id"]
    )
    assert [q["copied_from"] for q in repeat_survey["questions"]] == [
        q["id"] for q in survey["questions"]
    ]
    assert (await client.get(f"/surveys/{survey['id']}/comparison")).status_code == 422
    await client.post(f"/surveys/{repeat_survey['id']}/open")
    await client.put(
        f"/surveys/{repeat_survey['id']}/response",
        json=_answers(repeat_survey, "none", None, 5),
        auth=h.as_teacher(h.ANNA),
    )
    comparison = (await client.get(f"/surveys/{repeat_survey['id']}/comparison")).json()
    assert (comparison["previous_respondents"], comparison["respondents"]) == (2, 1)
    assert [
        (o["key"], o["previous_share"], o["current_share"], o["change"])
        for o in comparison["questions"][0]["options"]
    ] == [("assess", 0.5, 0.0, -50.0), ("none", 0.5, 1.0, 50.0)]
    assert (
        comparison["questions"][2]["previous_mean"],
        comparison["questions"][2]["current_mean"],
    ) == (3.5, 5.0)


async def test_the_loop_deficit_route_attendance_closure_transcript(
    client: Any, bus: Any, database: Any, documents: Any, h: Any
) -> None:
    source_date = _today().isoformat()
    deficit = await client.post(
        "/deficits",
        json={
            "person_id": str(h.ANNA),
            "competency_code": "assessment",
            "subject": "математика",
            "source": "results_analysis",
            "source_date": source_date,
            "source_ref": "ВПР по математике, 7 класс",
            "note": "Низкая объективность оценивания",
        },
    )
    assert deficit.status_code == 201, deficit.text
    deficit_id = deficit.json()["id"]
    assert deficit.json()["recorded_by"] == "Методистова Мария Ивановна"
    future = await client.post(
        "/deficits",
        json={
            "person_id": str(h.ANNA),
            "competency_code": "assessment",
            "source": "observation",
            "source_date": (_today() + timedelta(days=1)).isoformat(),
        },
    )
    assert future.status_code == 422 and future.json()["field"] == "source_date"
    unknown = await client.post(
        "/deficits",
        json={
            "person_id": str(uuid4()),
            "competency_code": "assessment",
            "source": "observation",
            "source_date": source_date,
        },
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "person_id"

    route = await client.post(
        "/routes", json={"person_id": str(h.ANNA), "school_year": "2026/2027"}
    )
    assert route.status_code == 201, route.text
    route_id = route.json()["id"]
    twice = await client.post(
        "/routes", json={"person_id": str(h.ANNA), "school_year": "2026/2027"}
    )
    assert twice.status_code == 409 and twice.json()["route_id"] == route_id
    goal = await client.post(
        f"/routes/{route_id}/goals",
        json={"title": "Освоить критериальное оценивание", "deficit_id": deficit_id},
    )
    assert goal.status_code == 201, goal.text
    goal_id = goal.json()["goals"][0]["id"]
    assert goal.json()["goals"][0]["deficit"]["competency_code"] == "assessment"
    vera_deficit = await client.post(
        "/deficits",
        json={
            "person_id": str(h.VERA),
            "competency_code": "assessment",
            "source": "observation",
            "source_date": source_date,
        },
    )
    foreign = await client.post(
        f"/routes/{route_id}/goals",
        json={"title": "Чужой дефицит", "deficit_id": vera_deficit.json()["id"]},
    )
    assert foreign.status_code == 422

    seminar = h.event_change(
        uuid4(),
        "Объективное оценивание образовательных результатов",
        subjects=("математика",),
        starts_at=datetime.now(UTC) - timedelta(days=2),
    )
    await bus.send(EVENT_CHANGED, seminar)
    unknown_event = await client.post(
        f"/routes/{route_id}/steps",
        json={"kind": "event", "goal_id": goal_id, "event_id": str(uuid4())},
    )
    assert unknown_event.status_code == 422 and unknown_event.json()["field"] == "event_id"
    not_internship = await client.post(
        f"/routes/{route_id}/steps",
        json={"kind": "internship", "goal_id": goal_id, "event_id": str(seminar.event_id)},
    )
    assert not_internship.status_code == 422
    step = await client.post(
        f"/routes/{route_id}/steps",
        json={
            "kind": "event",
            "goal_id": goal_id,
            "event_id": str(seminar.event_id),
            "deadline": (_today() + timedelta(days=30)).isoformat(),
        },
    )
    assert step.status_code == 201, step.text
    [planned] = step.json()["steps"]
    assert (planned["status"], planned["title"], planned["hours"]) == ("planned", seminar.title, 4)

    evidence = "Открытый урок 12.03: критериальное оценивание применено верно"
    refused = await client.post(f"/deficits/{deficit_id}/close", json={"evidence": evidence})
    assert refused.status_code == 422
    assert "а не отметкой" in refused.json()["message"] and refused.json()["field"] == "step_id"

    registration = uuid4()
    await bus.send(ATTENDANCE_RECORDED, h.attendance(seminar, h.ANNA, registration_id=registration))
    shown = (await client.get(f"/routes/{route_id}")).json()
    assert shown["steps"][0]["status"] == "done" and shown["steps_done"] == 1

    no_evidence = await client.post(f"/deficits/{deficit_id}/close", json={"evidence": "ок"})
    assert no_evidence.status_code == 422 and no_evidence.json()["field"] == "evidence"
    assert (
        await client.post(
            f"/deficits/{deficit_id}/close", json={"evidence": evidence}, auth=h.as_teacher(h.ANNA)
        )
    ).status_code == 403
    closed = await client.post(f"/deficits/{deficit_id}/close", json={"evidence": evidence})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closing_step_id"]) == ("closed", planned["id"])
    assert (
        await client.post(f"/deficits/{deficit_id}/close", json={"evidence": evidence})
    ).status_code == 409

    summaries = await h.sent(database, DEFICITS_SUMMARISED)
    assert [s.version for s in summaries] == list(range(1, len(summaries) + 1))
    assert [(r.subject, r.open, r.closed, r.teachers) for r in summaries[-1].rows] == [
        ("", 1, 0, 1),
        ("математика", 0, 1, 1),
    ]
    assert summaries[-1].teachers_with_routes == 1

    transcript = await client.get(f"/people/{h.ANNA}/transcript", auth=h.as_teacher(h.ANNA))
    assert transcript.status_code == 200, transcript.text
    record = transcript.json()
    assert [(e["title"], e["hours"]) for e in record["events"]] == [(seminar.title, 4)]
    assert record["closed_deficits"][0]["evidence"] == evidence
    assert record["total_hours"] == 4 and record["organisation"].endswith("«Яйская СОШ № 1»")

    printed = await client.post(f"/people/{h.ANNA}/transcript/print", auth=h.as_school(h.SCHOOL_1))
    assert printed.status_code == 200, printed.text
    assert printed.json()["created"] is True
    assert printed.json()["pdf_path"] == f"/documents/{printed.json()['document_id']}/file.pdf"
    [call] = documents.calls
    assert call["template"] == "teacher_transcript" and call["person_id"] == str(h.ANNA)
    assert call["organisation_id"] == str(h.SCHOOL_1)
    data = call["data"]
    assert set(data) == {
        "number",
        "issued_on",
        "teacher_name",
        "teacher_position",
        "organisation",
        "period",
        "events",
        "courses",
        "mentoring",
        "closed_deficits",
        "total_hours",
        "signatory_name",
        "signatory_position",
    }
    assert data["teacher_name"] == "Андреева Анна Петровна" and data["number"] == ""
    assert data["events"] == [
        {
            "title": seminar.title,
            "form": "семинар",
            "date": seminar.starts_at.astimezone(h.ZONE).date().isoformat(),
            "hours": 4,
            "certificate": "",
        }
    ]
    assert (
        data["closed_deficits"][0]["competency"]
        == "Оценивание образовательных результатов (математика)"
    )
    assert (data["signatory_name"], data["signatory_position"]) == ("Директор ИМЦ", "директор")
    again = await client.post(f"/people/{h.ANNA}/transcript/print")
    assert again.json()["created"] is False
    assert again.json()["document_id"] == printed.json()["document_id"]
    documents.fail = True
    down = await client.post(f"/people/{h.ANNA}/transcript/print")
    assert down.status_code == 502 and "Конвертер недоступен" in down.json()["message"]


async def test_course_evidence_upload_review_and_access(client: Any, h: Any) -> None:
    route = (
        await client.post("/routes", json={"person_id": str(h.ANNA), "school_year": "2026/2027"})
    ).json()
    no_hours = await client.post(
        f"/routes/{route['id']}/steps", json={"kind": "course", "title": "Курсы по ФГОС"}
    )
    assert no_hours.status_code == 422 and no_hours.json()["field"] == "hours"
    course = await client.post(
        f"/routes/{route['id']}/steps",
        json={
            "kind": "course",
            "title": "Реализация требований обновлённых ФГОС",
            "provider": "КРИПКиПРО",
            "hours": 36,
            "deadline": (_today() + timedelta(days=60)).isoformat(),
        },
    )
    assert course.status_code == 201, course.text
    step = course.json()["steps"][0]
    url = f"/routes/{route['id']}/steps/{step['id']}"

    def upload(name: str, content: bytes) -> dict[str, Any]:
        return {
            "files": {"file": (name, content, "application/octet-stream")},
            "data": {"comment": "Удостоверение о повышении квалификации"},
        }

    assert (await client.post(f"{url}/approve")).status_code == 409  # nothing sent yet
    other = await client.post(f"{url}/evidence", auth=h.as_teacher(h.BORIS), **upload("u.pdf", PDF))
    assert other.status_code == 403
    school = await client.post(
        f"{url}/evidence", auth=h.as_school(h.SCHOOL_1), **upload("u.pdf", PDF)
    )
    assert school.status_code == 403
    exe = await client.post(f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("u.exe", b"MZ"))
    assert exe.status_code == 422 and exe.json()["field"] == "file"
    fake = await client.post(f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("u.pdf", b"MZ"))
    assert fake.status_code == 422 and "повреждён" in fake.json()["message"]
    big = await client.post(
        f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("u.pdf", PDF + b"0" * 70_000)
    )
    assert big.status_code == 422 and "больше" in big.json()["message"]
    sent = await client.post(
        f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("Удостоверение.pdf", PDF)
    )
    assert sent.status_code == 200, sent.text
    submitted = sent.json()["steps"][0]
    assert submitted["status"] == "submitted"
    assert submitted["evidence"]["filename"] == "Удостоверение.pdf"
    waiting = await client.get("/routes", params={"awaiting_review": "true"})
    assert [r["id"] for r in waiting.json()] == [sent.json()["id"]]

    returned = await client.post(
        f"{url}/return", json={"reason": "Нет подписи и печати организации"}
    )
    assert returned.status_code == 200 and returned.json()["steps"][0]["status"] == "returned"
    assert (await client.post(f"{url}/approve")).status_code == 409
    await client.post(
        f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("Удостоверение.pdf", PDF)
    )
    approved = await client.post(f"{url}/approve", json={"completed_on": _today().isoformat()})
    assert approved.status_code == 200 and approved.json()["steps"][0]["status"] == "done"
    assert (await client.get("/routes", params={"awaiting_review": "true"})).json() == []
    assert (
        await client.post(f"{url}/evidence", auth=h.as_teacher(h.ANNA), **upload("u.pdf", PDF))
    ).status_code == 409

    download = await client.get(f"{url}/evidence", auth=h.as_school(h.SCHOOL_1))
    assert download.status_code == 200 and download.content == PDF
    assert "filename*=UTF-8''" in download.headers["content-disposition"]
    assert (await client.get(f"{url}/evidence", auth=h.as_school(h.SCHOOL_2))).status_code == 403
    transcript = (await client.get(f"/people/{h.ANNA}/transcript")).json()
    assert [(c["title"], c["hours"]) for c in transcript["courses"]] == [
        ("Реализация требований обновлённых ФГОС", 36)
    ]
    # A step past its deadline, not done, shows as missed.
    late = await client.post(
        f"/routes/{route['id']}/steps",
        json={
            "kind": "course",
            "title": "Цифровая образовательная среда",
            "hours": 16,
            "deadline": (_today() - timedelta(days=1)).isoformat(),
        },
    )
    statuses = {s["title"]: s["status_title"] for s in late.json()["steps"]}
    assert statuses["Цифровая образовательная среда"] == "срок пропущен"
    missed = next(x for x in late.json()["steps"] if x["status"] == "missed")
    moved = await client.patch(
        f"/routes/{route['id']}/steps/{missed['id']}",
        json={
            "deadline": (_today() + timedelta(days=14)).isoformat(),
            "version": missed["version"],
        },
    )
    assert moved.status_code == 200, moved.text
    assert {x["id"]: x["status"] for x in moved.json()["steps"]}[missed["id"]] == "planned"
    stale = await client.patch(
        f"/routes/{route['id']}/steps/{missed['id']}",
        json={"deadline": None, "version": missed["version"]},
    )
    assert stale.status_code == 409
    assert (
        await client.patch(
            f"/routes/{route['id']}/steps/{missed['id']}",
            json={"deadline": None},
            auth=h.as_teacher(h.ANNA),
        )
    ).status_code == 403


async def test_tutors_meetings_and_mentoring_hours(client: Any, database: Any, h: Any) -> None:
    body = {
        "kind": "mentor",
        "tutor_person_id": str(h.GALINA),
        "teacher_ids": [str(h.ANNA), str(h.VERA)],
        "topic": "Школа молодого педагога",
        "starts_on": (_today() - timedelta(days=30)).isoformat(),
    }
    assert (
        await client.post("/tutor-assignments", json={**body, "teacher_ids": [str(h.GALINA)]})
    ).status_code == 422
    assert (
        await client.post("/tutor-assignments", json=body, auth=h.as_teacher(h.GALINA, h.SCHOOL_2))
    ).status_code == 403
    created = await client.post("/tutor-assignments", json=body)
    assert created.status_code == 201, created.text
    assignment = created.json()
    [appointed] = await h.sent(database, TUTOR_APPOINTED)
    assert appointed.kind == "mentor" and appointed.tutor_name == "Гусева Галина Петровна"
    assert {t.person_id for t in appointed.teachers} == {h.ANNA, h.VERA}

    route = (
        await client.post("/routes", json={"person_id": str(h.ANNA), "school_year": "2026/2027"})
    ).json()
    elsewhere = await client.post(
        f"/routes/{route['id']}/steps",
        json={"kind": "mentoring", "assignment_id": str(uuid4()), "planned_hours": 3},
    )
    assert elsewhere.status_code == 422
    mentoring = await client.post(
        f"/routes/{route['id']}/steps",
        json={"kind": "mentoring", "assignment_id": assignment["id"], "planned_hours": 3},
    )
    assert mentoring.status_code == 201, mentoring.text
    assert mentoring.json()["steps"][0]["title"] == "Встречи с наставником: Гусева Галина Петровна"

    meeting = {
        "held_on": (_today() - timedelta(days=7)).isoformat(),
        "hours": 2,
        "topic": "Разбор открытого урока",
        "present": [str(h.ANNA), str(h.VERA)],
    }
    url = f"/tutor-assignments/{assignment['id']}/meetings"
    assert (await client.post(url, json=meeting, auth=h.as_teacher(h.ANNA))).status_code == 403
    assert (await client.post(url, json=meeting, auth=h.as_school(h.SCHOOL_2))).status_code == 403
    stranger = await client.post(
        url, json={**meeting, "present": [str(h.BORIS)]}, auth=h.as_teacher(h.GALINA, h.SCHOOL_2)
    )
    assert stranger.status_code == 422
    first = await client.post(url, json=meeting, auth=h.as_teacher(h.GALINA, h.SCHOOL_2))
    assert first.status_code == 201, first.text
    assert first.json()["meetings"][0]["recorded_by"] == "Педагог"
    steps = (await client.get(f"/routes/{route['id']}")).json()["steps"]
    assert (steps[0]["status"], steps[0]["met_hours"]) == ("planned", 2.0)
    await client.post(url, json={**meeting, "hours": 1, "present": [str(h.ANNA)]})
    steps = (await client.get(f"/routes/{route['id']}")).json()["steps"]
    assert (steps[0]["status"], steps[0]["met_hours"]) == ("done", 3.0)

    shown = (
        await client.get(
            f"/tutor-assignments/{assignment['id']}", auth=h.as_teacher(h.VERA, h.SCHOOL_2)
        )
    ).json()
    assert {t["full_name"]: t["hours"] for t in shown["teachers"]} == {
        "Андреева Анна Петровна": 3.0,
        "Власова Вера Сергеевна": 2.0,
    }
    assert (
        await client.get(f"/tutor-assignments/{assignment['id']}", auth=h.as_teacher(h.BORIS))
    ).status_code == 404
    assert [
        a["id"] for a in (await client.get("/tutor-assignments", auth=h.as_teacher(h.BORIS))).json()
    ] == []
    transcript = (await client.get(f"/people/{h.VERA}/transcript")).json()
    assert transcript["mentoring"] == [
        {
            "assignment_id": assignment["id"],
            "kind": "mentor",
            "kind_title": "наставник",
            "tutor_name": "Гусева Галина Петровна",
            "topic": "Школа молодого педагога",
            "hours": 2.0,
        }
    ]
    assert transcript["total_hours"] == 2.0


async def test_personal_data_is_not_open_to_every_role(client: Any, h: Any) -> None:
    today = _today().isoformat()
    for person in (h.ANNA, h.VERA):
        await client.post(
            "/deficits",
            json={
                "person_id": str(person),
                "competency_code": "upbringing",
                "source": "observation",
                "source_date": today,
            },
        )
        await client.post("/routes", json={"person_id": str(person), "school_year": "2026/2027"})
    anna_deficit = (await client.get("/deficits", params={"person_id": str(h.ANNA)})).json()[0]
    anna_route = (await client.get("/routes", params={"person_id": str(h.ANNA)})).json()[0]

    for role in ("council_member", "council_secretary", "service"):
        auth = h.as_role(role)
        for path in (
            "/deficits",
            "/routes",
            f"/deficits/{anna_deficit['id']}",
            f"/routes/{anna_route['id']}",
            f"/people/{h.ANNA}/transcript",
            "/teachers",
        ):
            assert (await client.get(path, auth=auth)).status_code == 403, (role, path)

    mine = await client.get("/deficits", auth=h.as_teacher(h.ANNA))
    assert [d["person_id"] for d in mine.json()] == [str(h.ANNA)]
    assert (
        await client.get("/deficits", params={"person_id": str(h.VERA)}, auth=h.as_teacher(h.ANNA))
    ).status_code == 403
    assert (
        await client.get(f"/routes/{anna_route['id']}", auth=h.as_teacher(h.VERA, h.SCHOOL_2))
    ).status_code == 403
    assert (
        await client.get(f"/people/{h.ANNA}/transcript", auth=h.as_teacher(h.BORIS))
    ).status_code == 403
    assert (
        await client.post(f"/people/{h.ANNA}/transcript/print", auth=h.as_teacher(h.BORIS))
    ).status_code == 403
    assert (await client.get("/teachers", auth=h.as_teacher(h.ANNA))).status_code == 403

    school = h.as_school(h.SCHOOL_1)
    assert [r["person_id"] for r in (await client.get("/routes", auth=school)).json()] == [
        str(h.ANNA)
    ]
    assert {d["person_id"] for d in (await client.get("/deficits", auth=school)).json()} == {
        str(h.ANNA)
    }
    assert (await client.get(f"/routes/{anna_route['id']}", auth=school)).status_code == 200
    assert (await client.get(f"/people/{h.VERA}/transcript", auth=school)).status_code == 403
    teachers = (await client.get("/teachers", auth=school)).json()
    assert {t["full_name"] for t in teachers} == {
        "Андреева Анна Петровна",
        "Борисов Борис Иванович",
    }
    everyone = (await client.get("/teachers", params={"subject": "Математика"})).json()
    assert len(everyone) == 3
    assert (await client.get("/summary", auth=h.as_teacher(h.ANNA))).status_code == 403
    summary = (await client.get("/summary", auth=h.as_role("service"))).json()
    assert summary["teachers_with_routes"] == 2 and summary["rows"][0]["teachers"] == 2
    assert (await client.get("/vocabulary", auth=h.as_role("council_member"))).status_code == 200


async def test_suggestions_for_an_open_deficit(
    client: Any, bus: Any, database: Any, settings: Any, h: Any
) -> None:
    deficit = (
        await client.post(
            "/deficits",
            json={
                "person_id": str(h.ANNA),
                "competency_code": "functional_literacy",
                "subject": "математика",
                "source": "diagnostic",
                "source_date": _today().isoformat(),
            },
        )
    ).json()
    soon = datetime.now(UTC) + timedelta(days=5)
    fits = h.event_change(
        uuid4(), "Формирование функциональной грамотности на уроках", starts_at=soon
    )
    by_subject = h.event_change(
        uuid4(),
        "Методическое объединение учителей",
        subjects=("Математика",),
        starts_at=soon + timedelta(days=1),
    )
    cancelled = h.event_change(uuid4(), "Функциональная грамотность: практикум", status="cancelled")
    past = h.event_change(
        uuid4(),
        "Функциональная грамотность: итоги",
        starts_at=datetime.now(UTC) - timedelta(days=5),
    )
    unrelated = h.event_change(uuid4(), "Воспитательная работа классного руководителя")
    for event in (fits, by_subject, cancelled, past, unrelated):
        await bus.send(EVENT_CHANGED, event)
    import msgspec

    federated = h.Bus(database, msgspec.structs.replace(settings, centre_upstream=h.CENTRE_URI))
    centre = h.event_change(
        uuid4(),
        "Межмуниципальная конференция: читательская грамотность",
        starts_at=soon + timedelta(days=2),
    )
    await federated.send(
        EVENT_CHANGED,
        centre,
        queue=f"growth.centre.{EVENT_CHANGED.routing_key}",
        headers={"x-received-from": [{"uri": h.CENTRE_URI}]},
    )
    site = SiteStatusChanged(
        site_id=uuid4(),
        organisation_id=h.SCHOOL_2,
        organisation_full_name="СОШ № 2",
        organisation_short_name="МБОУ «Яйская СОШ № 2»",
        kind="osmp",
        status="active",
        previous_status=None,
        topic="Развитие функциональной грамотности обучающихся",
        term_start=date(2026, 9, 1),
        term_end=date(2028, 8, 31),
        leader=Leader(full_name="Петрова Н. И.", position="директор"),
        co_leader=None,
        order_number="45-од",
        order_date=date(2026, 9, 1),
        decision_id=uuid4(),
        version=1,
    )
    await bus.send(SITE_STATUS_CHANGED, site)
    await bus.send(
        SITE_STATUS_CHANGED,
        SiteStatusChanged(
            **{**msgspec.structs.asdict(site), "site_id": uuid4(), "status": "terminated"}
        ),
    )

    found = await client.get(f"/deficits/{deficit['id']}/suggestions", auth=h.as_teacher(h.ANNA))
    assert found.status_code == 200, found.text
    events = found.json()["events"]
    assert [(e["title"], e["source"]) for e in events] == [
        (fits.title, "district"),
        (centre.title, "centre"),
        (by_subject.title, "district"),
    ]
    assert events[2]["matched"] == ["математика"]
    assert [s["site_id"] for s in found.json()["sites"]] == [str(site.site_id)]
    assert found.json()["sites"][0]["kind_title"] == "опорная (стажировочная) методическая площадка"
    assert (
        await client.get(f"/deficits/{deficit['id']}/suggestions", auth=h.as_teacher(h.BORIS))
    ).status_code == 403
    listed = (await client.get("/events")).json()
    assert {e["title"] for e in listed} == {
        fits.title,
        by_subject.title,
        centre.title,
        unrelated.title,
    }


async def test_openapi_and_the_composition_root(client: Any, settings: Any) -> None:
    from imc_growth.app import create_app

    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200, schema.text
    paths = schema.json()["paths"]
    for path in (
        "/surveys/{survey_id}/deficit-proposals",
        "/routes/{route_id}/steps/{step_id}/evidence",
        "/people/{person_id}/transcript/print",
        "/tutor-assignments/{assignment_id}/meetings",
        "/deficits/{deficit_id}/suggestions",
    ):
        assert path in paths, path
    app = create_app(settings)
    assert "/competencies" in {route.path for route in app.routes}
