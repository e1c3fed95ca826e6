"""The inter-municipal centre: one file covers the schools of all its districts with a
district column; each school is compared with its own district's mean; the charts carry
a series per district; a seminar planned there is inter-municipal.

2026, tasks 1 and 2 (max 1; elements 1.1 and 2.1):
  Асекеевский: A1 (20 participants) 80 / 40 → 60; A2 (10) 50 / 20 → 35;
               mean (60·20 + 35·10)/30 = 51.7; task 1 (80·20 + 50·10)/30 = 70
  Абдулинский: B1 (10) 70 / 60 → 65; B2 (10) 30 / 20 → 25; mean 45; task 1 50
  the centre as a whole: (1200 + 350 + 650 + 250)/50 = 49
"""

from typing import Any

import pytest

from imc_analytics.settings import AnalyticsSettings

HEADER = ["Район", "Код ОО", "Наименование ОО", "Экзамен", "Предмет", "Год", "№ задания",
          "КЭС", "Макс. балл", "% выполнения", "Кол-во участников"]  # fmt: skip
SCHOOLS = {
    "A1": ("Асекеевский район", "560101", "МОБУ «Асекеевская СОШ»", 20, (80, 40)),
    "A2": ("asekeevo", "560102", "МОБУ «Старокульшариповская ООШ»", 10, (50, 20)),
    "B1": ("Абдулинский район", "560201", "МОБУ «Абдулинская СОШ № 1»", 10, (70, 60)),
    "B2": ("abdulino", "560202", "МОБУ «Артемьевская СОШ»", 10, (30, 20)),
}


def rows(year: int = 2026) -> list[list[str]]:
    out = []
    for district, code, name, participants, percents in SCHOOLS.values():
        for task, element, percent in zip(("1", "2"), ("1.1", "2.1"), percents, strict=True):
            out.append(
                [
                    district,
                    code,
                    name,
                    "ОГЭ",
                    "математика",
                    str(year),
                    task,
                    element,
                    "1",
                    str(percent),
                    str(participants),
                ]
            )
    return out


@pytest.fixture
def centre(database: Any, h: Any) -> AnalyticsSettings:
    return h.make_settings(
        database,
        instance_kind="centre",
        district=h.CENTRE,
        district_name="г. Бугуруслан",
        districts='{"asekeevo": {"name": "Асекеевский район"}, '
        '"abdulino": {"name": "Абдулинский район"}}',
        low_results_min_years=1,
    )


@pytest.fixture
async def at_centre(database: Any, centre: AnalyticsSettings, neighbours: Any, h: Any) -> Any:
    from litestar.testing import AsyncTestClient

    app, own = h.app_for(database, centre, neighbours)
    async with AsyncTestClient(app) as test_client:
        test_client.auth = h.as_role("centre_coordinator", h.CENTRE, name="Иванова Ольга Петровна")
        yield test_client
    await own.dispose()


MATHS = {"exam": "oge", "subject": "Математика"}


async def test_centre_import_and_analysis(h: Any, at_centre: Any) -> None:
    content = h.csv_bytes(rows(), header=HEADER, encoding="cp1251")
    report = (await h.upload(at_centre, content, "mmc.csv", dry_run=False)).json()
    assert report["clean"], report["errors"]
    assert {(g["district"], g["school"]) for g in report["groups"]} == {
        ("asekeevo", "МОБУ «Асекеевская СОШ»"),
        ("asekeevo", "МОБУ «Старокульшариповская ООШ»"),
        ("abdulino", "МОБУ «Абдулинская СОШ № 1»"),
        ("abdulino", "МОБУ «Артемьевская СОШ»"),
    }
    whole = (await at_centre.get("/analysis", params=MATHS)).json()
    assert [y["mean"] for y in whole["total"]["years"]] == [49.0]
    assert [(d["district"], d["years"][0]["mean"]) for d in whole["districts"]] == [
        ("asekeevo", 51.7),
        ("abdulino", 45.0),
    ]
    # each school against its own district's mean
    low = {s["name"]: s["years"][0] for s in whole["low_schools"]}
    assert set(low) == {"МОБУ «Артемьевская СОШ»", "МОБУ «Старокульшариповская ООШ»"}
    assert low["МОБУ «Артемьевская СОШ»"]["district_mean"] == 45.0
    assert low["МОБУ «Артемьевская СОШ»"]["diff"] == -20.0
    assert low["МОБУ «Старокульшариповская ООШ»"]["diff"] == -16.7

    one = (await at_centre.get("/analysis", params={**MATHS, "district": "abdulino"})).json()
    assert one["district"] == "abdulino" and one["districts"] == []
    assert [y["mean"] for y in one["total"]["years"]] == [45.0]
    assert [t["years"][0]["mean"] for t in one["tasks"]] == [50.0, 40.0]
    by_name = await at_centre.get("/analysis", params={**MATHS, "district": "Асекеевский район"})
    assert [y["mean"] for y in by_name.json()["total"]["years"]] == [51.7]
    unknown = await at_centre.get("/analysis", params={**MATHS, "district": "Бузулукский"})
    assert unknown.status_code == 422

    charts = {
        c["id"]: c for c in (await at_centre.get("/analysis/charts", params=MATHS)).json()["charts"]
    }
    assert [s["name"] for s in charts["dynamics"]["series"]] == [
        "ММЦ в целом",
        "Асекеевский район",
        "Абдулинский район",
    ]
    per_district = charts["districts_elements"]
    assert per_district["categories"] == ["1.1", "2.1"]
    assert [(s["key"], s["values"]) for s in per_district["series"]] == [
        ("asekeevo", [70.0, 33.3]),
        ("abdulino", [50.0, 40.0]),
    ]
    schools = (await at_centre.get("/schools", params={"district": "abdulino"})).json()
    b2 = next(s for s in schools if s["name"] == "МОБУ «Артемьевская СОШ»")
    assert b2["organisation_id"] is None
    view = (await at_centre.get(f"/schools/{b2['school_id']}/results", params=MATHS)).json()
    assert [(y["percent"], y["district_mean"]) for y in view["total"]["years"]] == [(25.0, 45.0)]


async def test_centre_rows_need_a_known_district(h: Any, at_centre: Any) -> None:
    bad = rows()
    bad[0][0] = "Бузулукский район"
    bad[1][0] = ""
    report = (
        await h.upload(at_centre, h.csv_bytes(bad, header=HEADER), "m.csv", dry_run=True)
    ).json()
    assert [(e["line"], e["field"]) for e in report["errors"]] == [(4, "district"), (5, "district")]
    assert "не входит в межмуниципальный центр" in report["errors"][0]["message"]
    assert report["errors"][1]["message"] == "не заполнено поле «Округ»"
    no_column = [r[1:] for r in rows()]
    response = await h.upload(
        at_centre, h.csv_bytes(no_column, header=HEADER[1:]), "m.csv", dry_run=True
    )
    assert response.status_code == 422 and "«Округ»" in response.json()["message"]


async def test_a_centre_seminar_is_intermunicipal(h: Any, at_centre: Any, neighbours: Any) -> None:
    content = h.csv_bytes(rows(), header=HEADER)
    assert (await h.upload(at_centre, content, "m.csv", dry_run=False)).status_code == 200
    saved = (await at_centre.post("/analyses", json={**MATHS, "district": "abdulino"})).json()
    assert saved["title"].endswith("за 2026 г. (Абдулинский район)")
    assert saved["district_name"] == "Абдулинский район"
    problem = saved["problems"][0]  # 2.1: 40 % in Абдулинский район
    assert (problem["kind"], problem["code"]) == ("element", "2.1")
    response = await at_centre.post(
        f"/analyses/{saved['id']}/problems/{problem['id']}/event",
        json={"starts_at": "2027-04-14T10:00:00+05:00", "online_url": "https://imc.example/live"},
    )
    assert response.status_code == 201, response.text
    event = neighbours.bodies("scheduling.test")[-1]
    assert event["level"] == "intermunicipal" and event["organiser_name"] == "ММЦ"
    assert neighbours.principal().role == "centre_coordinator"
