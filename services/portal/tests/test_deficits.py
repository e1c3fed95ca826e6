"""The centre's page «Профессиональные дефициты педагогов» against a fake aggregator
served over real HTTP: figures by district and by subject, closure rates in Russian,
the day of each district's figures, the XLSX passed through, and who may open it."""

import re
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from litestar import Litestar, Request, Response, get
from litestar.params import FromPath, FromQuery

from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]
ZONE = "Asia/Novokuznetsk"  # UTC+7
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_BYTES = b"PK\x03\x04" + bytes(range(256)) * 300
ASSESSMENT = "Оценивание образовательных результатов обучающихся"
READING = "Формирование читательской грамотности"
DIGITAL = "Использование цифровых образовательных ресурсов"


def _line(
    code: str, title: str, subject: str, open_: int, closed: int, rate: float | None, teachers: int
) -> dict[str, Any]:
    return {
        "competency_code": code,
        "competency_title": title,
        "subject": subject,
        "subject_title": subject or "без привязки к предмету",
        "open": open_,
        "closed": closed,
        "closure_rate": rate,
        "teachers": teachers,
    }


# As the aggregator answers, but in an order the page must not keep: the page orders by
# names, never by figures.
DEFICITS: dict[str, Any] = {
    "districts": [
        {
            "code": "yaya",
            "name": "Яйский муниципальный округ",
            "reported": True,
            "version": 7,
            "as_of": "2026-11-20T18:30:00Z",  # 21.11 in Novokuznetsk
            "received_at": "2026-11-20T18:31:00Z",
            "teachers_with_routes": 12,
            "open": 7,
            "closed": 6,
            "closure_rate": 0.4615,
            "lines": [
                _line("digital", DIGITAL, "", 1, 3, 0.75, 4),
                _line("reading", READING, "русский язык", 1, 1, 0.5, 2),
                _line("assessment", ASSESSMENT, "математика", 5, 2, 0.2857, 6),
            ],
        },
        {
            "code": "tisul",
            "name": "Тисульский муниципальный округ",
            "reported": False,
            "version": None,
            "as_of": None,
            "received_at": None,
            "teachers_with_routes": 0,
            "open": 0,
            "closed": 0,
            "closure_rate": None,
            "lines": [],
        },
        {
            "code": "mariinsk",
            "name": "Мариинский муниципальный округ",
            "reported": True,
            "version": 2,
            "as_of": "2026-11-21T02:00:00Z",
            "received_at": "2026-11-21T02:00:05Z",
            "teachers_with_routes": 7,
            "open": 3,
            "closed": 1,
            "closure_rate": 0.25,
            "lines": [_line("assessment", ASSESSMENT, "математика", 3, 1, 0.25, 3)],
        },
    ],
    "subjects": [
        {
            "subject": "",
            "subject_title": "без привязки к предмету",
            "open": 1,
            "closed": 3,
            "closure_rate": 0.75,
            "lines": [_line("digital", DIGITAL, "", 1, 3, 0.75, 4)],
        },
        {
            "subject": "русский язык",
            "subject_title": "русский язык",
            "open": 1,
            "closed": 1,
            "closure_rate": 0.5,
            "lines": [_line("reading", READING, "русский язык", 1, 1, 0.5, 2)],
        },
        {
            "subject": "математика",
            "subject_title": "математика",
            "open": 8,
            "closed": 3,
            "closure_rate": 0.2727,
            "lines": [_line("assessment", ASSESSMENT, "математика", 8, 3, 0.2727, 9)],
        },
    ],
    "totals": {
        "districts": 3,
        "districts_reported": 2,
        "teachers_with_routes": 19,
        "open": 10,
        "closed": 7,
        "closure_rate": 0.4118,
    },
}
EMPTY: dict[str, Any] = {
    "districts": [],
    "subjects": [],
    "totals": {
        "districts": 0,
        "districts_reported": 0,
        "teachers_with_routes": 0,
        "open": 0,
        "closed": 0,
        "closure_rate": None,
    },
}
CALLS: list[tuple[str, str | None, bool]] = []
"""(path, district asked, whether the call carried a token), in order."""


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> dict[str, str]:
    return {"status": "ok"}


@get("/{prefix:str}/deficits")
async def deficits(
    request: Request[Any, Any, Any], prefix: FromPath[str], district: FromQuery[str | None] = None
) -> Response[Any]:
    CALLS.append(("deficits", district, "authorization" in request.headers))
    if prefix == "broken":
        return Response({"error": "internal_error"}, status_code=500)
    if district and district not in {d["code"] for d in DEFICITS["districts"]}:
        return Response({"error": "not_found"}, status_code=404)
    return Response(EMPTY if prefix == "empty" else DEFICITS)


@get("/{prefix:str}/export/{filename:str}")
async def export(
    request: Request[Any, Any, Any],
    prefix: FromPath[str],
    filename: FromPath[str],
    district: FromQuery[str | None] = None,
) -> Response[Any]:
    CALLS.append((filename, district, "authorization" in request.headers))
    if filename != "deficits.xlsx" or (district and district != "yaya"):
        return Response({"error": "not_found"}, status_code=404)
    name = f"deficits-{district or 'all'}.xlsx"
    return Response(
        XLSX_BYTES,
        media_type=XLSX_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@pytest.fixture(scope="module")
def fake(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar([health, deficits, export], logging_config=None))
    server.start()
    yield server
    server.stop()


def settings_of(url: str, *, mode: str = "centre") -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="buguruslan-mmc" if mode == "centre" else "yaya",
        district_name="ММЦ г. Бугуруслана",
        mode=mode,
        federation_url=url,
        registry_url=url,
        time_zone=ZONE,
        auth_signing_key=PORTAL_SIGNING_KEY,
    )


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to its closing table or section."""
    start = html.index(f'id="{element_id}"')
    ends = [html.find(tag, start) for tag in ("</table>", "</section>")]
    return html[start : min(end for end in ends if end != -1)]


def cells(row_html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row_html, re.S)
    ]


def row(table: str, attribute: str, value: str) -> list[str]:
    found = re.search(rf'<tr {attribute}="{re.escape(value)}"[^>]*>(.*?)</tr>', table, re.S)
    assert found, f"no row {attribute}={value}"
    return cells(found.group(1))


async def test_the_page_shows_districts_subjects_and_totals(fake: Any, portal: Any) -> None:
    CALLS.clear()
    async with portal(settings_of(fake.url("fed"))) as c:
        response = await c.get("/deficits")
    assert response.status_code == 200, response.text
    html = response.text
    assert "<h1>Профессиональные дефициты педагогов</h1>" in html
    assert '<a href="/deficits" aria-current="page">Профессиональные дефициты</a>' in html
    note = section(html, "counts-only")
    assert "только количественные сведения" in note
    assert "фамилии педагогов и названия образовательных организаций не передаются" in note
    assert CALLS == [("deficits", None, True)]  # on the coordinator's behalf

    districts = section(html, "deficit-districts")
    # By name, whatever order the aggregator sent.
    assert re.findall(r'<tr data-district="([^"]+)"', districts) == ["mariinsk", "tisul", "yaya"]
    assert row(districts, "data-district", "yaya") == [
        "Яйский муниципальный округ",
        "21.11.2026",  # the day of the figures where the centre is
        "7",
        "6",
        "46,2 %",
        "12",
    ]
    assert '<time datetime="2026-11-21">21.11.2026</time>' in districts
    assert row(districts, "data-district", "mariinsk")[1:] == ["21.11.2026", "3", "1", "25 %", "7"]
    assert row(districts, "data-district", "tisul") == [
        "Тисульский муниципальный округ",
        "сведения не поступали",
        "—",
        "—",
        "—",
        "—",
    ]
    footer = districts[districts.index("<tfoot>") :]
    assert cells(footer) == [
        "Всего",
        "сведения от 2 из 3 округов",
        "10",
        "7",
        "41,2 %",
        "19",
    ]

    subjects = section(html, "deficit-subjects")
    assert re.findall(r'<tbody data-subject="([^"]*)"', subjects) == [
        "математика",
        "русский язык",
        "",  # the deficits found across subjects come last
    ]
    maths = subjects[subjects.index('data-subject="математика"') :]
    maths = maths[: maths.index("</tbody>")]
    assert cells(maths) == [
        "математика",
        "8",
        "3",
        "27,3 %",
        "",
        ASSESSMENT,
        "8",
        "3",
        "27,3 %",
        "9",
    ]
    assert "без привязки к предмету" in subjects

    # Each district that reported has its lines, by subject then competency.
    yaya = section(html, "deficits-yaya")
    assert re.findall(r'<tr data-competency="([^"]+)"', yaya) == [
        "assessment",
        "reading",
        "digital",
    ]
    assert row(yaya, "data-competency", "digital") == [
        "без привязки к предмету",
        DIGITAL,
        "1",
        "3",
        "75 %",
        "4",
    ]
    assert 'id="deficits-tisul"' not in html
    assert re.findall(r'href="(/deficits\.xlsx[^"]*)"', html) == [
        "/deficits.xlsx",
        "/deficits.xlsx?district=mariinsk",
        "/deficits.xlsx?district=yaya",
    ]
    # No person crosses: nothing in the page but counts and names of districts.
    assert "Иванова" not in html and "СОШ" not in html


async def test_the_xlsx_is_passed_through(fake: Any, portal: Any) -> None:
    CALLS.clear()
    async with portal(settings_of(fake.url("fed"))) as c:
        whole = await c.get("/deficits.xlsx")
        one = await c.get("/deficits.xlsx", params={"district": "yaya"})
        unknown = await c.get("/deficits.xlsx", params={"district": "nowhere"})
        odd = await c.get("/deficits.xlsx", params={"district": "a/b"})
    assert whole.status_code == 200
    assert whole.content == XLSX_BYTES
    assert whole.headers["content-type"] == XLSX_TYPE
    assert whole.headers["content-disposition"] == 'attachment; filename="deficits-all.xlsx"'
    assert one.headers["content-disposition"] == 'attachment; filename="deficits-yaya.xlsx"'
    assert unknown.status_code == 404
    assert "Округ с кодом «nowhere» не входит в межмуниципальный центр." in unknown.text
    assert odd.status_code == 404  # never reaches the aggregator
    assert CALLS == [
        ("deficits.xlsx", None, True),
        ("deficits.xlsx", "yaya", True),
        ("deficits.xlsx", "nowhere", True),
    ]


async def test_the_json_and_an_empty_centre(fake: Any, portal: Any) -> None:
    async with portal(settings_of(fake.url("fed"))) as c:
        data = (await c.get("/api/deficits")).json()
        one = await c.get("/api/deficits", params={"district": "nowhere"})
    assert data["totals"]["closure_rate"] == 0.4118
    assert [d["code"] for d in data["districts"]] == ["yaya", "tisul", "mariinsk"]
    assert one.status_code == 404
    async with portal(settings_of(fake.url("empty"))) as c:
        empty = await c.get("/deficits")
    assert empty.status_code == 200
    assert "Округов пока нет." in empty.text


async def test_an_unavailable_aggregator_gives_a_russian_page(fake: Any, portal: Any) -> None:
    async with portal(settings_of(fake.url("broken"))) as c:
        page = await c.get("/deficits")
    assert page.status_code == 503
    assert "<h1>Сведения временно недоступны</h1>" in page.text
    assert "временно не работает (ответ с кодом 500)" in page.text


@pytest.mark.parametrize(
    "role", [Role.METHODIST, Role.TEACHER, Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_MEMBER]
)
async def test_only_the_centre_coordinators_and_administrators_open_it(
    fake: Any, portal: Any, role: Role
) -> None:
    CALLS.clear()
    school = {"organisation_id": UUID(int=7)} if role is Role.SCHOOL_REPRESENTATIVE else {}
    async with portal(settings_of(fake.url("fed")), role=role, **school) as c:
        page = await c.get("/deficits")
        table = await c.get("/deficits.xlsx")
        data = await c.get("/api/deficits")
        home = await c.get("/")
    assert (page.status_code, table.status_code, data.status_code) == (403, 403, 403)
    assert "<h1>Доступ закрыт</h1>" in page.text
    assert 'href="/deficits"' not in home.text
    assert CALLS == []


async def test_the_administrator_of_the_centre_opens_it(fake: Any, portal: Any) -> None:
    async with portal(settings_of(fake.url("fed")), role=Role.DISTRICT_ADMIN) as c:
        page = await c.get("/deficits")
    assert page.status_code == 200


async def test_a_district_portal_has_no_such_page(fake: Any, portal: Any) -> None:
    async with portal(settings_of(fake.url("fed"), mode="district")) as c:
        page = await c.get("/deficits")
        home = await c.get("/")
    assert page.status_code == 404
    assert 'href="/deficits"' not in home.text
