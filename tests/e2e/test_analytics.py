"""Exam-results analysis on the real stack (issue 12): Yaya's methodist checks a file of
ОГЭ results by task (a bad row is reported and nothing is written), imports it, finds the
weak content element, saves the analysis with a recommendation, exports it through the
documents service to a DOCX/PDF note, and turns the problem into a seminar in the
calendar in one step (once, however often she clicks)."""

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from imc_local.flow import Registered
from imc_local.stack import Stack
from imc_shared.auth import Role

pytestmark = pytest.mark.e2e

HEADER = (
    "Наименование ОО;Экзамен;Предмет;Год;Номер задания;Элемент содержания;"
    "Максимальный балл;Средний процент выполнения;Число участников"
)
SCHOOLS = ("МБОУ «Яйская СОШ № 1»", "МБОУ «Яйская СОШ № 2»", "МБОУ «Кайлинская ООШ»")
TASKS = (
    ("1", "1.1 Числа и вычисления", 1, (82, 79, 75)),
    ("2", "3.2 Уравнения и неравенства", 1, (64, 61, 58)),
    ("3", "7.4 Геометрические фигуры на плоскости", 2, (41, 37, 33)),
)
"""Task, content element, maximum points, percent solved by each school (the third
element stays under the 50 % threshold every year)."""


def results_csv(*, bad: bool = False) -> bytes:
    lines = [HEADER]
    for year, shift in (("2024", -3), ("2025", 0)):
        for index, school in enumerate(SCHOOLS):
            for task, element, points, solved in TASKS:
                row = (school, "ОГЭ", "математика", year, task, element, points)
                lines.append(";".join(map(str, (*row, solved[index] + shift, 20 + index))))
    if bad:
        lines.append(f"{SCHOOLS[0]};ОГЭ;математика;2025;4;1.1 Числа и вычисления;1;140;20")
        lines.append(
            "МБОУ «Несуществующая СОШ»;ОГЭ;математика;2025;1;1.1 Числа и вычисления;1;50;5"
        )
    return ("\n".join(lines) + "\n").encode("cp1251")


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def test_results_are_checked_imported_analysed_exported_and_become_a_seminar(
    stack: Stack, registered: dict[str, Registered]
) -> None:
    services = {k: str(v) for k, v in stack.endpoints()["yaya"]["services"].items()}
    analytics = services["analytics"]
    staff = httpx.Client(auth=stack.auth("yaya", Role.METHODIST), timeout=120)
    teacher = httpx.Client(auth=stack.auth("yaya", Role.TEACHER), timeout=30)

    before = ok(staff.get(analytics + "/results/available"))
    csv = ("ogje-matematika.csv", results_csv(bad=True), "text/csv")
    checked = ok(staff.post(analytics + "/results/import", files={"file": csv}))
    assert checked["dry_run"] and not checked["clean"]
    fields = {(e["line"], e["field"]) for e in checked["errors"]}
    assert len(checked["errors"]) == 2, checked["errors"]
    assert all(line > 1 for line, _ in fields)
    refused = staff.post(
        analytics + "/results/import", params={"dry_run": "false"}, files={"file": csv}
    )
    assert refused.status_code == 422
    assert ok(staff.get(analytics + "/results/available")) == before

    good = ("ogje-matematika.csv", results_csv(), "text/csv")
    assert ok(staff.post(analytics + "/results/import", files={"file": good}))["clean"]
    imported = ok(
        staff.post(analytics + "/results/import", params={"dry_run": "false"}, files={"file": good})
    )
    assert imported["imported"] == 2 * len(SCHOOLS) * len(TASKS)
    assert teacher.get(analytics + "/analysis", params={"exam": "oge"}).status_code == 403

    query = {"exam": "oge", "subject": "математика"}
    analysis = ok(staff.get(analytics + "/analysis", params=query))
    weak = [e for e in analysis["elements"] if e["below_threshold"]]
    assert [e for e in weak if "7.4" in str(e)], analysis["elements"]
    charts = ok(staff.get(analytics + "/analysis/charts", params=query))
    assert {c["id"] for c in charts["charts"]} >= {"dynamics", "tasks", "elements"}

    saved = ok(
        staff.post(analytics + "/analyses", json={"exam": "oge", "subject": "математика"}), 201
    )
    problem = next(p for p in saved["problems"] if "7.4" in str(p))
    edited = ok(
        staff.patch(
            f"{analytics}/analyses/{saved['id']}/problems/{problem['id']}",
            json={
                "version": problem["version"],
                "causes": "Мало заданий на построение в 7–8 классах",
                "recommendations": "Провести практикум по решению планиметрических задач",
            },
        )
    )
    changed = next(p for p in edited["problems"] if p["id"] == problem["id"])
    assert changed["recommendations"].startswith("Провести практикум")

    exported = ok(staff.post(f"{analytics}/analyses/{saved['id']}/export"))
    pdf = staff.get(f"{services['documents']}/documents/{exported['document_id']}/file.pdf")
    assert pdf.status_code == 200, pdf.text
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "планиметрических задач" in text.replace("\n", " ")
    assert not any(school.split("«")[1].split("»")[0] in text for school in SCHOOLS)

    starts = (datetime.now(UTC) + timedelta(days=30)).replace(
        hour=5, minute=0, second=0, microsecond=0
    )
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "venue": "МБУ ИМЦ, кабинет 5",
    }
    made = staff.post(
        f"{analytics}/analyses/{saved['id']}/problems/{problem['id']}/event", json=body
    )
    assert made.status_code == 201, made.text
    again = ok(
        staff.post(f"{analytics}/analyses/{saved['id']}/problems/{problem['id']}/event", json=body)
    )
    assert again["created"] is False
    event_id = made.json()["remote_id"]
    event = ok(staff.get(f"{services['scheduling']}/events/{event_id}"))
    assert "Геометрические фигуры" in event["title"]
    for client in (staff, teacher):
        client.close()
