"""The analysis over HTTP on both databases: the live analysis and its charts, the list
for targeted help, a school's own view, who sees what (no ranking leaks), saved analyses
with causes and recommendations, approval and optimistic locking, the note printed by
a fake documents service, a problem made into a seminar or a deficit in one step."""

from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("world")

MATHS = {"exam": "oge", "subject": "Математика"}


@pytest.fixture
async def loaded(h: Any, client: Any, world: None) -> None:
    await h.load_three_years(client)


@pytest.mark.usefixtures("loaded")
async def test_live_analysis_for_staff(h: Any, client: Any) -> None:
    analysis = (await client.get("/analysis", params=MATHS)).json()
    assert [(p["kind"], p["code"], p["reasons"]) for p in analysis["problems"]] == [
        ("element", "2.1", ["below_threshold", "falling"]),
        ("task", "3", ["below_threshold", "falling"]),
    ]
    assert [(s["name"], s["reasons"]) for s in analysis["low_schools"]] == [
        ("МБОУ «Бекетовская ООШ»", ["below_mean"]),
        ("МБОУ «Яйская СОШ № 2»", ["registry_flag"]),
    ]
    task3 = next(t for t in analysis["tasks"] if t["code"] == "3")
    assert [s["name"] for s in task3["schools"]] == [
        "МБОУ «Бекетовская ООШ»",
        "МБОУ «Яйская СОШ № 1»",
        "МБОУ «Яйская СОШ № 2»",
    ]
    s3 = task3["schools"][0]["years"]
    assert [(y["percent"], y["district_mean"], y["diff"]) for y in s3] == [
        (20.0, 45.0, -25.0),
        (10.0, 35.0, -25.0),
        (10.0, 30.0, -20.0),
    ]
    two = (
        await client.get(
            "/analysis", params={**MATHS, "years": "2025,2026", "include_schools": "false"}
        )
    ).json()
    assert two["years"] == [2025, 2026]
    assert two["tasks"][0]["schools"] == []
    assert [p["reasons"] for p in two["problems"]] == [["below_threshold"], ["below_threshold"]]

    low = (await client.get("/analysis/low-results", params=MATHS)).json()
    assert low["margin"] == 15.0 and len(low["schools"]) == 2
    charts = (await client.get("/analysis/charts", params=MATHS)).json()
    assert [c["id"] for c in charts["charts"]] == ["dynamics", "tasks", "elements"]
    assert charts["charts"][0]["series"][0]["values"] == [52.5, 48.8, 46.3]
    schools = (await client.get("/schools")).json()
    assert [(s["name"], s["low_results"]) for s in schools] == [
        ("МБОУ «Бекетовская ООШ»", False),
        ("МБОУ «Яйская СОШ № 1»", False),
        ("МБОУ «Яйская СОШ № 2»", True),
    ]


@pytest.mark.usefixtures("loaded")
async def test_bad_queries(client: Any) -> None:
    response = await client.get("/analysis", params={"exam": "ВПР", "subject": "Математика"})
    assert response.status_code == 422 and response.json()["field"] == "exam"
    response = await client.get("/analysis", params={"exam": "oge", "subject": "Физика"})
    assert response.status_code == 404
    response = await client.get("/analysis", params={**MATHS, "years": "2019"})
    assert response.status_code == 404
    assert "2024, 2025, 2026" in response.json()["message"]
    response = await client.get("/analysis", params={**MATHS, "years": "двадцать"})
    assert response.status_code == 422


@pytest.mark.usefixtures("loaded")
async def test_school_sees_only_itself_beside_the_mean(h: Any, client: Any) -> None:
    own = await client.get(f"/schools/{h.S2}/results", params=MATHS, auth=h.as_school(h.S2))
    assert own.status_code == 200
    view = own.json()
    assert view["name"] == "МБОУ «Яйская СОШ № 2»"
    assert [(y["percent"], y["district_mean"], y["diff"]) for y in view["total"]["years"]] == [
        (47.5, 52.5, -5.0),
        (43.8, 48.8, -5.0),
        (45.0, 46.3, -1.3),
    ]
    assert [y["change"] for y in view["total"]["years"]] == [None, -3.8, 1.3]
    text = own.text
    for other in (h.S1, h.S3):
        assert str(other) not in text
        assert h.NAMES[other][0].split("«")[1].rstrip("»") not in text
    assert "low_results" not in text and "registry_flag" not in text

    # another school's results, the analysis, the lists: refused
    refused = [
        ("GET", f"/schools/{h.S1}/results", MATHS),
        ("GET", "/analysis", MATHS),
        ("GET", "/analysis/charts", MATHS),
        ("GET", "/analysis/low-results", MATHS),
        ("GET", "/schools", None),
        ("GET", "/analyses", None),
        ("GET", "/results/imports", None),
    ]
    for method, path, params in refused:
        response = await client.request(method, path, params=params, auth=h.as_school(h.S2))
        assert response.status_code == 403, path
    available = (await client.get("/results/available", auth=h.as_school(h.S2))).json()
    assert available[0]["schools"] == 1
    # a school representative whose account names no organisation
    response = await client.get(
        f"/schools/{h.S2}/results", params=MATHS, auth=h.as_role("school_representative")
    )
    assert response.status_code == 403
    assert "не указана образовательная организация" in response.json()["message"]


@pytest.mark.usefixtures("loaded")
async def test_nobody_else_gets_anything(h: Any, client: Any) -> None:
    for role in ("teacher", "council_member", "council_secretary"):
        for path, params in (
            (f"/schools/{h.S1}/results", MATHS),
            ("/analysis", MATHS),
            ("/results/available", None),
            ("/vocabulary", None),
        ):
            response = await client.get(path, params=params, auth=h.as_role(role))
            assert response.status_code == 403, (role, path)
    response = await client.get("/analysis", params=MATHS, auth=None)
    assert response.status_code == 401
    response = await client.get("/analysis", params=MATHS, auth=h.as_role("methodist", "mariinsk"))
    assert response.status_code == 403
    # staff of every kind read it
    for role in ("district_admin", "methodist", "centre_coordinator"):
        assert (
            await client.get("/analysis", params=MATHS, auth=h.as_role(role))
        ).status_code == 200


async def test_means_of_too_few_schools_are_hidden_from_a_school(h: Any, client: Any) -> None:
    rows = h.result_rows(2026, schools=(h.S1, h.S2))
    assert (await h.upload(client, h.csv_bytes(rows), "two.csv", dry_run=False)).status_code == 200
    own = (
        await client.get(f"/schools/{h.S2}/results", params=MATHS, auth=h.as_school(h.S2))
    ).json()
    assert own["hidden_means"]
    assert own["total"]["years"][0]["district_mean"] is None
    assert own["total"]["years"][0]["percent"] == 45.0
    staff = (await client.get(f"/schools/{h.S2}/results", params=MATHS)).json()
    assert staff["total"]["years"][0]["district_mean"] == 53.3  # (57.5·20 + 45·10)/30


async def saved(client: Any, **extra: Any) -> dict[str, Any]:
    response = await client.post("/analyses", json={**MATHS, **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.usefixtures("loaded")
async def test_saved_analysis_with_causes_and_recommendations(h: Any, client: Any) -> None:
    analysis = await saved(client)
    assert analysis["title"] == "Анализ результатов ОГЭ по предмету «Математика» за 2024–2026 гг."
    assert analysis["status"] == "draft" and analysis["status_title"] == "черновик"
    assert [p["code"] for p in analysis["problems"]] == ["2.1", "3"]
    problem = analysis["problems"][0]
    assert problem["reason_titles"] == [
        "средний процент выполнения ниже порогового",
        "результат снижается три года подряд",
    ]
    assert [y["mean"] for y in problem["years"]] == [45.0, 35.0, 30.0]
    assert analysis["figures"]["tasks"][0]["schools"] == []
    assert [s["name"] for s in analysis["figures"]["low_schools"]] == [
        "МБОУ «Бекетовская ООШ»",
        "МБОУ «Яйская СОШ № 2»",
    ]
    path = f"/analyses/{analysis['id']}"
    written = await client.patch(
        f"{path}/problems/{problem['id']}",
        json={
            "version": problem["version"],
            "causes": "Недостаточная отработка действий с дробями в 5–6 классах.",
            "recommendations": "Включить задания на вычисления в каждый урок; РМО — практикум.",
        },
    )
    assert written.status_code == 200
    stale = await client.patch(
        f"{path}/problems/{problem['id']}", json={"version": problem["version"], "causes": "x"}
    )
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    renamed = await client.patch(f"{path}/problems/{problem['id']}", json={"title": "Другое"})
    assert renamed.status_code == 422

    updated = await client.patch(
        path,
        json={
            "version": analysis["version"],
            "conclusions": "Результаты по разделу «Числа и вычисления» снижаются.",
            "recommendations": "Провести семинар для учителей математики.",
        },
    )
    assert updated.status_code == 200
    version = updated.json()["version"]
    stale = await client.patch(path, json={"version": analysis["version"], "title": "X"})
    assert stale.status_code == 409

    named = await client.post(
        f"{path}/problems",
        json={"title": "Низкая мотивация выпускников", "causes": "Нет профориентации"},
    )
    assert named.status_code == 201
    custom = named.json()["problems"][-1]
    assert custom["kind"] == "custom" and custom["position"] == 2
    version = named.json()["version"]

    # the methodist may not approve; the head of the IMC does
    assert (await client.post(f"{path}/approve", json={"version": version})).status_code == 403
    admin = h.as_role("district_admin", name="Сладкова Наталья Александровна")
    approved = await client.post(f"{path}/approve", json={"version": version}, auth=admin)
    assert approved.status_code == 200
    body = approved.json()
    assert body["status"] == "approved"
    assert body["approved_by"] == "Сладкова Наталья Александровна"
    # frozen
    frozen = await client.patch(path, json={"conclusions": "иначе"})
    assert frozen.status_code == 409
    assert (await client.post(f"{path}/recount", json={})).status_code == 409
    assert (
        await client.post(f"{path}/approve", json={"version": body["version"]}, auth=admin)
    ).status_code == 409
    reopened = await client.post(f"{path}/reopen", json={"version": body["version"]}, auth=admin)
    assert reopened.json()["status"] == "draft"
    listed = (await client.get("/analyses", params={"subject": "математика"})).json()
    assert [(a["id"], a["problems"]) for a in listed] == [(analysis["id"], 3)]


@pytest.mark.usefixtures("loaded")
async def test_recount_keeps_what_was_written(h: Any, client: Any) -> None:
    analysis = await saved(client)
    path = f"/analyses/{analysis['id']}"
    element = analysis["problems"][0]
    await client.patch(f"{path}/problems/{element['id']}", json={"causes": "Пробелы в вычислениях"})
    # better results for task 3 arrive: the problems are no longer found
    better = {s: (p[0], p[1], 80) for s, p in h.PERCENTS[2026].items()}
    rows = h.result_rows(2026, percents=better)
    assert (await h.upload(client, h.csv_bytes(rows), "r.csv", dry_run=False)).status_code == 200
    recounted = (await client.post(f"{path}/recount", json={})).json()
    problems = {p["code"]: p for p in recounted["problems"]}
    assert set(problems) == {"2.1"}  # the task's problem had nothing written: dropped
    assert problems["2.1"]["found"] is False
    assert problems["2.1"]["causes"] == "Пробелы в вычислениях"
    task3 = next(t for t in recounted["figures"]["tasks"] if t["code"] == "3")
    assert task3["years"][2]["mean"] == 80.0


@pytest.mark.usefixtures("loaded")
async def test_export_through_the_documents_service(h: Any, client: Any, neighbours: Any) -> None:
    analysis = await saved(client)
    path = f"/analyses/{analysis['id']}"
    problem = analysis["problems"][0]
    await client.patch(
        f"{path}/problems/{problem['id']}",
        json={"causes": "Пробелы в вычислениях", "recommendations": "Практикум для РМО"},
    )
    response = await client.post(f"{path}/export")
    assert response.status_code == 200, response.text
    printed = response.json()
    assert printed["created"] is True
    assert printed["docx_path"] == f"/documents/{printed['document_id']}/file.docx"
    assert printed["pdf_path"].endswith("/file.pdf")
    host, url, body, _ = neighbours.calls[-1]
    assert (host, url) == ("documents.test", "/documents/render")
    assert body["template"] == "information_note"
    assert body["source_key"] == f"analysis:{analysis['id']}:v{printed['analysis_version']}"
    # the caller's own token went along, not the service's
    principal = neighbours.principal()
    assert principal.role == "methodist"
    assert principal.name == "Методистова Мария Ивановна"
    data = body["data"]
    assert (
        data["title"]
        == "об итогах анализа результатов ОГЭ по предмету «Математика» за 2024–2026 гг."
    )
    assert data["executor"] == "Методистова Мария Ивановна"
    headings = [s["heading"] for s in data["sections"]]
    assert headings[:3] == [
        "1. Общие сведения",
        "2. Результаты выполнения заданий",
        "3. Результаты по элементам содержания",
    ]
    assert "4.1. 2.1 Числа и вычисления" in headings
    problem_section = data["sections"][headings.index("4.1. 2.1 Числа и вычисления")]
    assert problem_section["paragraphs"] == [
        "Средний процент выполнения в 2026 г. — 30 %; ниже порогового значения (50 %); "
        "результат снижается три года подряд (45 % → 35 % → 30 %).",
        "Причины: Пробелы в вычислениях",
        "Рекомендации: Практикум для РМО",
    ]
    tasks_table = data["sections"][1]["tables"][0]
    assert tasks_table["columns"] == [
        "№ задания",
        "Элемент содержания",
        "Макс. балл",
        "2024 г., %",
        "2025 г., %",
        "2026 г., %",
        "Изменение, п. п.",
    ]
    assert tasks_table["rows"][2] == ["3", "2.1 Числа и вычисления", 2, 45.0, 35.0, 30.0, -15.0]
    # no school is named in a note that circulates
    text = str(body)
    for sid in (h.S1, h.S2, h.S3):
        assert h.NAMES[sid][0] not in text
    assert "нуждающихся в адресной методической помощи по предмету, — 2" in text

    again = (await client.post(f"{path}/export")).json()
    assert again["created"] is False and again["document_id"] == printed["document_id"]
    shown = (await client.get(path)).json()
    assert shown["document"]["document_id"] == printed["document_id"]
    assert shown["version"] == printed["analysis_version"]  # printing is not an edit

    neighbours.fail["documents.test"] = h.httpx.Response(503, json={"message": "Нет конвертера"})
    failed = await client.post(f"{path}/export")
    assert failed.status_code == 502
    assert "Нет конвертера" in failed.json()["message"]
    neighbours.fail["documents.test"] = h.httpx.Response(403, json={"message": "Роль не даёт"})
    assert (await client.post(f"{path}/export")).status_code == 403
    assert (await client.post(f"{path}/export", auth=h.as_school(h.S1))).status_code == 403


@pytest.mark.usefixtures("loaded")
async def test_a_problem_becomes_a_seminar_once(h: Any, client: Any, neighbours: Any) -> None:
    analysis = await saved(client)
    problem = analysis["problems"][0]  # element 2.1
    path = f"/analyses/{analysis['id']}/problems/{problem['id']}/event"
    await client.patch(
        f"/analyses/{analysis['id']}/problems/{problem['id']}",
        json={"recommendations": "Разобрать вычислительные приёмы"},
    )
    body = {"starts_at": "2027-03-17T15:00:00", "venue": "ИМЦ, актовый зал"}
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    action = response.json()
    assert action["kind"] == "event" and action["state"] == "done" and action["created"]
    sent = neighbours.bodies("scheduling.test")
    assert len(sent) == 1
    event = sent[0]
    assert event["title"] == (
        "Семинар «Числа и вычисления»: трудные вопросы ОГЭ по предмету «Математика»"
    )
    assert event["form"] == "seminar" and event["level"] == "municipal"
    assert event["organiser_kind"] == "imc" and event["organiser_name"] == "ИМЦ"
    assert event["starts_at"] == "2027-03-17T15:00:00"
    assert event["ends_at"] == "2027-03-17T17:00:00"
    assert event["audience_subjects"] == ["Математика"]
    assert "Разобрать вычислительные приёмы" in event["description"]
    assert neighbours.principal().role == "methodist"
    assert action["remote_id"] and action["title"] == event["title"]

    repeat = await client.post(path, json=body)
    assert repeat.status_code == 200 and repeat.json()["created"] is False
    assert repeat.json()["remote_id"] == action["remote_id"]
    assert len(neighbours.bodies("scheduling.test")) == 1
    shown = (await client.get(f"/analyses/{analysis['id']}")).json()
    assert shown["problems"][0]["actions"][0]["remote_id"] == action["remote_id"]


@pytest.mark.usefixtures("loaded")
async def test_a_refused_seminar_leaves_no_link(h: Any, client: Any, neighbours: Any) -> None:
    analysis = await saved(client)
    problem = analysis["problems"][1]
    path = f"/analyses/{analysis['id']}/problems/{problem['id']}/event"
    response = await client.post(path, json={"starts_at": "2027-03-17T15:00:00"})
    assert response.status_code == 422 and response.json()["field"] == "venue"
    neighbours.fail["scheduling.test"] = h.httpx.Response(
        409, json={"message": "Место занято другим мероприятием", "field": "venue"}
    )
    body = {"starts_at": "2027-03-17T15:00:00", "venue": "ИМЦ"}
    response = await client.post(path, json=body)
    assert response.status_code == 409
    assert "Место занято" in response.json()["message"]
    del neighbours.fail["scheduling.test"]
    response = await client.post(path, json={**body, "title": "Семинар по заданию 3"})
    assert response.status_code == 201
    assert neighbours.bodies("scheduling.test")[-1]["title"] == "Семинар по заданию 3"
    assert (await client.post(path, json=body, auth=h.as_school(h.S1))).status_code == 403


@pytest.mark.usefixtures("loaded")
async def test_a_problem_becomes_a_teachers_deficit(h: Any, client: Any, neighbours: Any) -> None:
    analysis = await saved(client)
    problem = analysis["problems"][1]  # task 3
    path = f"/analyses/{analysis['id']}/problems/{problem['id']}/deficits"
    body = {"person_id": str(h.TEACHER), "competency_code": "exam_preparation"}
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    action = response.json()
    assert action["title"] == "Андреева Анна Петровна: Подготовка обучающихся к ГИА"
    sent = neighbours.bodies("growth.test")[0]
    assert sent["source"] == "results_analysis"
    assert sent["person_id"] == str(h.TEACHER)
    assert sent["subject"] == "Математика"
    assert sent["source_ref"] == (
        "Анализ результатов ОГЭ, Математика, 2024–2026 гг.: Задание 3 (2.1 Числа и вычисления)"
    )
    assert neighbours.principal().role == "methodist"
    again = await client.post(path, json=body)
    assert again.status_code == 200 and not again.json()["created"]
    assert len(neighbours.bodies("growth.test")) == 1
    other = await client.post(path, json={**body, "person_id": str(h.S4)})
    assert other.status_code == 201
    assert len(neighbours.bodies("growth.test")) == 2
    neighbours.fail["growth.test"] = h.httpx.Response(
        422, json={"message": "Педагог не найден в реестре района", "field": "person_id"}
    )
    refused = await client.post(path, json={**body, "person_id": str(h.S3)})
    assert refused.status_code == 422 and refused.json()["field"] == "person_id"
    neighbours.fail["growth.test"] = h.httpx.Response(500, text="boom")
    assert (await client.post(path, json={**body, "person_id": str(h.S3)})).status_code == 502
    # a draft with links cannot be deleted
    deleted = await client.delete(f"/analyses/{analysis['id']}")
    assert deleted.status_code == 409


@pytest.mark.usefixtures("loaded")
async def test_delete_draft_and_custom_problem(client: Any) -> None:
    analysis = await saved(client, title="Рабочий вариант")
    assert analysis["title"] == "Рабочий вариант"
    path = f"/analyses/{analysis['id']}"
    named = (await client.post(f"{path}/problems", json={"title": "Пропуски уроков"})).json()
    custom = named["problems"][-1]
    found = named["problems"][0]
    assert (await client.delete(f"{path}/problems/{found['id']}")).status_code == 409
    removed = await client.delete(f"{path}/problems/{custom['id']}")
    assert removed.status_code == 200 and len(removed.json()["problems"]) == 2
    assert (await client.delete(path)).status_code == 204
    assert (await client.get(path)).status_code == 404


async def test_vocabulary(client: Any, h: Any) -> None:
    vocabulary = (await client.get("/vocabulary")).json()
    headers = {item["field"]: item for item in vocabulary["headers"]}
    assert headers["percent"]["title"] == "Средний процент выполнения"
    assert "% выполнения" in headers["percent"]["accepted"]
    assert headers["task"]["required"] and not headers["district"]["required"]
    assert vocabulary["threshold"] == 50.0 and vocabulary["margin"] == 15.0
    assert (await client.get("/vocabulary", auth=h.as_school(h.S1))).status_code == 200


@pytest.mark.usefixtures("loaded")
async def test_a_seminar_being_planned_is_not_planned_twice(
    h: Any, client: Any, neighbours: Any, database: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from imc_analytics.db.models import ProblemAction

    analysis = await saved(client)
    problem = analysis["problems"][0]
    async with database.transaction() as session:  # another click, still waiting for scheduling
        session.add(
            ProblemAction(
                problem_id=h.UUID(problem["id"]), kind="event", target="event", state="pending"
            )
        )
    path = f"/analyses/{analysis['id']}/problems/{problem['id']}/event"
    body = {"starts_at": "2027-03-17T15:00:00", "venue": "ИМЦ"}
    busy = await client.post(path, json=body)
    assert busy.status_code == 409 and "уже создаётся" in busy.json()["message"]
    assert neighbours.bodies("scheduling.test") == []
    async with database.transaction() as session:  # that process died long ago
        await session.execute(
            sa.update(ProblemAction).values(created_at=datetime.now(UTC) - timedelta(minutes=10))
        )
    retried = await client.post(path, json=body)
    assert retried.status_code == 201 and retried.json()["state"] == "done"
    assert len(neighbours.bodies("scheduling.test")) == 1


async def test_openapi_and_the_composition_root(h: Any, client: Any, settings: Any) -> None:
    from imc_analytics.app import create_app

    schema = await client.get("/schema/openapi.json", auth=None)
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/analyses/{analysis_id}/problems/{problem_id}/event" in paths
    assert "/schools/{school_id}/results" in paths
    app = create_app(settings)  # wires everything; nothing connects before start-up
    assert any(getattr(r, "path", "") == "/results/import" for r in app.routes)
