"""The results import over HTTP on both databases: realistic CSV (UTF-8, Windows-1251,
«;» and «,») and XLSX files, the dry run reporting every bad row and writing nothing,
the all-or-nothing import, a re-import replacing a school's year."""

from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa

from imc_analytics.db.models import Result, ResultImport

pytestmark = pytest.mark.usefixtures("world")


async def count_results(h: Any, client: Any) -> int:
    rows = (await client.get("/results/available")).json()
    return sum(len(r["years"]) for r in rows)


async def stored(database: Any) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(Result)) or 0)


async def test_three_files_in_three_formats(h: Any, client: Any, database: Any) -> None:
    await h.load_three_years(client)
    assert await stored(database) == 27
    history = (await client.get("/results/imports")).json()
    assert [i["file_format"] for i in history] == ["xlsx", "csv", "csv"]
    assert history[0]["imported_by"] == "Методистова Мария Ивановна"
    assert history[0]["subjects"] == ["Математика"] and history[0]["years"] == [2026]
    available = (await client.get("/results/available")).json()
    assert available == [
        {
            "exam": "oge",
            "exam_title": "ОГЭ",
            "subject": "Математика",
            "years": [2024, 2025, 2026],
            "schools": 3,
        }
    ]
    analysis = (
        await client.get("/analysis", params={"exam": "ОГЭ", "subject": "математика"})
    ).json()
    assert analysis["years"] == [2024, 2025, 2026]
    tasks = {t["code"]: [y["mean"] for y in t["years"]] for t in analysis["tasks"]}
    assert tasks == {"1": [65.0, 70.0, 75.0], "2": [55.0, 55.0, 50.0], "3": [45.0, 35.0, 30.0]}
    assert [y["mean"] for y in analysis["total"]["years"]] == [52.5, 48.8, 46.3]


async def test_encodings_and_delimiters_are_recognised(h: Any, client: Any) -> None:
    for encoding, delimiter in (("cp1251", ";"), ("utf-8", ","), ("utf-8-sig", ";")):
        content = h.csv_bytes(h.result_rows(2025), encoding=encoding, delimiter=delimiter)
        report = (await h.upload(client, content, "results.csv", dry_run=True)).json()
        assert report["clean"], report
        assert report["encoding"] == ("utf-8-sig" if encoding == "utf-8-sig" else encoding)
        assert report["delimiter"] == delimiter
        assert report["header_line"] == 3
        assert report["total_rows"] == 9
        assert report["columns"][:3] == ["Код ОО", "Наименование ОО", "Экзамен"]


def bad_file_rows(h: Any) -> list[list[str]]:
    rows = h.result_rows(2026)  # lines 4..12 once written under the title and header
    rows[1][8] = "112"  # line 5: percent over 100
    rows[4][5] = ""  # line 8: task missing
    rows.append(list(rows[6]))  # line 13: repeats line 10
    unknown = list(rows[0])
    unknown[0], unknown[1] = "420199", 'МБОУ "Неизвестная СОШ №9"'
    rows.append(unknown)  # line 14: not in the registry
    return rows


async def test_dry_run_reports_every_bad_row_and_writes_nothing(
    h: Any, client: Any, database: Any
) -> None:
    content = h.csv_bytes(bad_file_rows(h), encoding="cp1251")
    response = await h.upload(client, content, "oge-2026.csv", dry_run=True)
    assert response.status_code == 200
    report = response.json()
    assert not report["clean"] and report["dry_run"]
    assert report["bad_lines"] == [5, 8, 13, 14]
    errors = {(e["line"], e["field"]): e for e in report["errors"]}
    assert set(errors) == {(5, "percent"), (8, "task"), (13, "task"), (14, "school_name")}
    assert "112" in errors[(5, "percent")]["message"]
    assert "от 0 до 100" in errors[(5, "percent")]["message"]
    assert errors[(5, "percent")]["column"] == "Средний процент выполнения"
    assert errors[(8, "task")]["message"] == "не заполнено поле «Номер задания»"
    assert "повторяет строку 10" in errors[(13, "task")]["message"]
    assert "не найдена в реестре" in errors[(14, "school_name")]["message"]
    assert "Неизвестная СОШ" in errors[(14, "school_name")]["message"]
    assert report["message"].startswith("Найдены ошибки в строках: 5, 8, 13, 14.")
    assert report["total_rows"] == 11 and report["valid_rows"] == 7
    assert await stored(database) == 0

    response = await h.upload(client, content, "oge-2026.csv", dry_run=False)
    assert response.status_code == 422
    assert response.json()["imported"] == 0
    assert await stored(database) == 0
    async with database.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(ResultImport)) == 0


async def test_xlsx_bad_rows(h: Any, client: Any, database: Any) -> None:
    rows = h.xlsx_rows(2026)
    rows[2][8] = 1.125  # shown by Excel as 113%
    rows[3][9] = "двадцать"  # participants not a number
    rows.append(list(rows[0]))  # repeats the first data line
    content = h.xlsx_bytes(rows, percent_column=8)
    report = (await h.upload(client, content, "oge.xlsx", dry_run=True)).json()
    assert report["file_format"] == "xlsx" and report["sheet"] == "ОГЭ"
    assert report["header_line"] == 3
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (6, "percent"),
        (7, "participants"),
        (13, "task"),
    ]
    assert "112.5" in report["errors"][0]["message"]
    assert await stored(database) == 0


async def test_a_task_described_two_ways(h: Any, client: Any) -> None:
    rows = h.result_rows(2026)
    rows[3][7] = "2"  # school 2, task 1: max 2 where school 1 says 1
    rows[4][6] = "1.2 Дроби"  # school 2, task 2: another element
    report = (await h.upload(client, h.csv_bytes(rows), "oge.csv", dry_run=True)).json()
    messages = {(e["line"], e["field"]): e["message"] for e in report["errors"]}
    assert "в строке 4 — 1, здесь — 2" in messages[(7, "max_score")]
    assert "«1.1»" in messages[(8, "element")] and "«1.2»" in messages[(8, "element")]


async def test_missing_headers_and_unreadable_files(h: Any, client: Any) -> None:
    header = [c for c in h.HEADER if c not in ("Число участников", "Максимальный балл")]
    rows = [[*r[:7], r[8]] for r in h.result_rows(2026)]
    response = await h.upload(client, h.csv_bytes(rows, header=header), "f.csv", dry_run=True)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "file"
    assert "«Максимальный балл»" in body["message"] and "«Число участников»" in body["message"]

    fractions = h.xlsx_rows(2026)  # fractions without the percent format: 0.9 is not 0.9 %
    response = await h.upload(client, h.xlsx_bytes(fractions), "f.xlsx", dry_run=True)
    assert response.status_code == 422
    assert "похоже, это доли" in response.json()["message"]

    response = await h.upload(client, b"%PDF-1.7 not a table", "results.pdf", dry_run=True)
    assert response.status_code == 422
    assert "CSV или XLSX" in response.json()["message"]
    response = await h.upload(client, b"\xd0\xcf\x11\xe0old", "results.xls", dry_run=True)
    assert "XLS" in response.json()["message"]
    response = await client.post("/results/import", files={"other": ("a.csv", b"x")})
    assert response.status_code == 422


async def test_reimport_replaces_the_school_year(h: Any, client: Any, database: Any) -> None:
    await h.load_three_years(client)
    changed = {**h.PERCENTS[2026], h.S1: (100, 100, 100)}
    rows = h.result_rows(2026, schools=(h.S1,), percents=changed)
    dry = (await h.upload(client, h.csv_bytes(rows), "fix.csv", dry_run=True)).json()
    assert dry["clean"] and [g["replaces"] for g in dry["groups"]] == [True]
    assert "будут заменены" in dry["message"]
    done = await h.upload(client, h.csv_bytes(rows), "fix.csv", dry_run=False)
    assert done.status_code == 200 and done.json()["imported"] == 3
    assert await stored(database) == 27
    analysis = (
        await client.get("/analysis", params={"exam": "oge", "subject": "Математика"})
    ).json()
    task1 = next(t for t in analysis["tasks"] if t["code"] == "1")
    # 2026: (100·20 + 70·10 + 50·10)/40 = 80
    assert task1["years"][2]["mean"] == 80.0
    history = (await client.get("/results/imports")).json()
    assert history[0]["replaced"] == 1


async def test_codes_learned_and_registry_ids(h: Any, client: Any) -> None:
    await h.upload(client, h.csv_bytes(h.result_rows(2025)), "named.csv", dry_run=False)
    # a later file gives codes only: the import knows them now
    header = [c for c in h.HEADER if c != "Наименование ОО"]
    rows = [[r[0], *r[2:]] for r in h.result_rows(2026)]
    report = (
        await h.upload(client, h.csv_bytes(rows, header=header), "c.csv", dry_run=True)
    ).json()
    assert report["clean"], report["errors"]
    assert {g["school"] for g in report["groups"]} == {h.NAMES[s][0] for s in (h.S1, h.S2, h.S3)}
    rows[0][0] = "999999"
    report = (
        await h.upload(client, h.csv_bytes(rows, header=header), "c.csv", dry_run=True)
    ).json()
    assert report["errors"][0]["field"] == "school_code"
    assert "ещё не встречался" in report["errors"][0]["message"]

    header = ["Идентификатор организации", *h.HEADER[2:]]
    rows = [[str(h.S1), *r[2:]] for r in h.result_rows(2026, schools=(h.S1,))]
    rows[1][0] = str(uuid4())
    rows[2][0] = "не-идентификатор"
    report = (
        await h.upload(client, h.csv_bytes(rows, header=header), "i.csv", dry_run=True)
    ).json()
    assert [(e["line"], e["field"]) for e in report["errors"]] == [
        (5, "organisation_id"),
        (6, "organisation_id"),
    ]
    assert "не найдена в реестре" in report["errors"][0]["message"]
    assert "указан неверно" in report["errors"][1]["message"]


async def test_import_is_for_staff_only(h: Any, client: Any) -> None:
    content = h.csv_bytes(h.result_rows(2026))
    for auth in (h.as_school(h.S1), h.as_role("teacher"), h.as_role("council_member")):
        response = await client.post(
            "/results/import", files={"file": ("a.csv", content)}, auth=auth
        )
        assert response.status_code == 403
