"""The centre's pages (dashboard, district, calendar, exports) against a fake aggregator
served over real HTTP (see conftest)."""

import re
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from imc_portal.api.schemas import Link
from imc_portal.settings import PortalSettings
from imc_portal.templating import (
    link_note,
    ru_duration,
    ru_long_date,
    ru_number,
    ru_percent,
    web_url,
)
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]

ZONE = "Asia/Yekaterinburg"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNREACHABLE = "Сводный реестр межмуниципального центра сейчас недоступен."


def centre_settings(url: str) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district="buguruslan-mmc",
        district_name="ММЦ г. Бугуруслана",
        mode="centre",
        federation_url=url,
        time_zone=ZONE,
        auth_signing_key=PORTAL_SIGNING_KEY,
    )


def section(html: str, element_id: str) -> str:
    """The HTML of the element with ``element_id`` up to its closing table or section."""
    start = html.index(f'id="{element_id}"')
    ends = [html.find(tag, start) for tag in ("</table>", "</section>")]
    return html[start : min(end for end in ends if end != -1)]


def row_headers(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', html, re.S)
    ]


async def test_dashboard_shows_every_district_with_links_and_totals(
    backends: Any, portal: Any
) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        response = await c.get("/centre")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Сводка по округам — ММЦ г. Бугуруслана</h1>" in html
    table = section(html, "dashboard")
    assert "<caption>Сведения по округам (время — МСК+2)</caption>" in table
    # By name, whatever order the aggregator sends; each name leads to its page.
    rows = re.findall(r'<tr data-district="([^"]+)"', table)
    assert rows == ["asekeevo", "buguruslan", "severnoe"]
    assert '<a href="/districts/asekeevo">Асекеевский район</a>' in table
    assert "отставание 3 мин" in table
    assert "связь прервана 3 ч 10 мин назад" in table
    assert "сообщений не было" in table
    assert "20.11.2026 12:30" in table  # the last message in the centre's zone
    assert re.findall(r'<tr data-district="([^"]+)" class="row-alert"', table) == ["buguruslan"]
    assert "62,5 %" in table and "40 %" in table
    assert "2 плана" in table
    assert ">71,5<" in table
    footer = table[table.index("<tfoot>") :]
    assert [
        re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", footer)
    ] == [
        "",
        "2",
        "3",
        "",
        "175",
        "151",
        "433,5",
    ]
    exports = re.findall(r'href="(/export/[^"]+)"', html)
    assert exports == [
        f"/export/{name}.xlsx" for name in ("sites", "events", "plans", "participation", "links")
    ]
    assert 'aria-current="page">Сводка по округам<' in html


async def test_dashboard_warns_of_districts_whose_link_is_down(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        html = (await c.get("/centre")).text
    banner = section(html, "alert-title")
    assert html.index('class="alert-banner" role="alert"') < html.index('id="dashboard"')
    assert "Нет связи с округом" in banner
    assert re.findall(r'data-alert-district="([^"]+)"', banner) == ["buguruslan"]
    assert "связь прервана 3 ч 10 мин назад; последнее сообщение" in banner
    assert "Асекеевский район" not in banner


async def test_district_page(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        response = await c.get("/districts/asekeevo")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Асекеевский район</h1>" in html
    assert "alert-banner" not in html
    link = section(html, "link-title")
    assert "связь есть" in link and "отставание 3 мин" in link
    assert "<dd>42</dd>" in link and "<dd>1</dd>" in link
    # Sites by kind, kinds by name, with terms and leaders.
    sites = section(html, "sites-title")
    assert re.findall(r'<h3 id="kind-([^"]+)">([^<]+)</h3>', html) == [
        ("osmp", "Опорная (стажировочная) методическая площадка"),
        ("innovation", "Региональная инновационная площадка"),
    ]
    assert "Всего: 2 площадки." in sites
    assert "Ахметова Гульнара Рашитовна" in html and "Закирова Алсу Ринатовна" in html
    assert re.search(r"с&nbsp;<time[^>]*>01\.10\.2026</time> по&nbsp;<time[^>]*>30\.09\.2027", html)
    # Upcoming events in order, in the centre's zone; an unsafe address is no link.
    events = section(html, "events")
    assert re.findall(r'data-event-id="[^"]+e(\d+)"', events) == ["001", "003"]
    assert "25.11.2026 10:00–12:00" in events
    assert "12 из 30" in events
    assert "отменено" in events and ">1,5<" in events
    assert "javascript:" not in html
    # Plans with fulfilment.
    plans = section(html, "plans")
    assert "План работы РМК на 2026/2027 учебный год" in plans
    assert "утверждён" in plans and "4 из 10" in plans and "40 %" in plans
    assert 'class="num overdue">2<' in plans
    # Participation: by name, never by figures, though the aggregator sent it by figures.
    schools = section(html, "participation-schools")
    assert row_headers(schools) == ["МОБУ «Аксютинская СОШ»", "МОБУ «Асекеевская СОШ»", "Всего"]
    assert "Организации в алфавитном порядке" in schools
    assert ">35<" in schools and ">71,5<" in schools
    assert row_headers(section(html, "participation-subjects")) == ["биология", "математика"]
    assert re.findall(r'href="(/export/[^"]+)"', html) == [
        f"/export/{name}.xlsx?district=asekeevo"
        for name in ("sites", "events", "plans", "participation", "links")
    ]


async def test_district_page_with_a_link_down_and_no_data(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        html = (await c.get("/districts/buguruslan")).text
    banner = section(html, "alert-title")
    assert "Город Бугуруслан" in banner and "связь прервана 3 ч 10 мин назад" in banner
    assert "Площадок пока нет." in html
    assert "Предстоящих мероприятий нет." in html
    assert "Планов работы пока нет." in html


async def test_unknown_district_is_not_found(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        unknown = await c.get("/districts/nowhere")
        odd = await c.get("/districts/a.b")
        api = await c.get("/api/dashboard/nowhere")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("text/html")
    assert "<h1>Сведения не найдены</h1>" in unknown.text
    assert "Округ с кодом «nowhere» не входит в межмуниципальный центр." in unknown.text
    assert "retry-after" not in unknown.headers
    assert odd.status_code == 404
    assert "«a.b»" in odd.text
    assert api.status_code == 404
    assert api.json()["error"] == "not_found"


async def test_calendar_groups_events_by_day(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        response = await c.get("/events", params={"date_from": "2026-11-01"})
        one = await c.get("/events", params={"date_from": "2026-11-01", "district": "asekeevo"})
        later = await c.get("/events", params={"date_from": "2026-11-30", "date_to": "2026-12-31"})
    assert response.status_code == 200
    html = response.text
    assert "с 01.11.2026" in html
    days = re.findall(r'<h2 id="day-([^"]+)"><time[^>]*>([^<]+)</time>', html)
    assert days == [
        ("2026-11-25", "25 ноября 2026 г., среда"),
        ("2026-12-02", "2 декабря 2026 г., среда"),
    ]
    first = section(html, "events-2026-11-25")
    assert re.findall(r'data-district="([^"]+)"', first) == ["asekeevo", "buguruslan"]
    assert "10:00–12:00" in first and "14:00–17:00" in first
    assert '<a href="/districts/buguruslan">Город Бугуруслан</a>' in first
    assert re.findall(
        r'data-event-id="[^"]+e(\d+)" data-district="[^"]+" class="intermunicipal"', html
    ) == ["002"]
    assert 'href="https://vk.com/imc-conference"' in first
    assert "Всего: 3 мероприятия." in html
    # The filters reach the aggregator and stay chosen on the page.
    assert re.findall(r'data-event-id="[^"]+e(\d+)"', one.text) == ["001", "003"]
    assert '<option value="asekeevo" selected>' in one.text
    assert 'href="/export/events.xlsx?district=asekeevo"' in one.text
    assert re.findall(r'data-event-id="[^"]+e(\d+)"', later.text) == ["003"]
    assert "по 31.12.2026" in later.text


async def test_calendar_starts_today_by_default(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("centre-empty"))) as c:
        response = await c.get("/events")
    today = datetime.now(UTC).astimezone(ZoneInfo(ZONE)).date()
    assert response.status_code == 200
    assert f'name="date_from" value="{today.isoformat()}"' in response.text
    assert "Мероприятий за этот период нет." in response.text


async def test_export_passes_the_file_through(
    backends: Any, export_bytes: bytes, portal: Any
) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        whole = await c.get("/export/sites.xlsx")
        one = await c.get("/export/plans.xlsx", params={"district": "asekeevo"})
        unknown = await c.get("/export/salaries.xlsx")
        csv = await c.get("/export/sites.csv")
        nowhere = await c.get("/export/sites.xlsx", params={"district": "nowhere"})
    assert whole.status_code == 200
    assert whole.content == export_bytes
    assert whole.headers["content-type"] == XLSX_TYPE
    assert whole.headers["content-disposition"] == 'attachment; filename="sites-all.xlsx"'
    assert one.content == export_bytes
    assert one.headers["content-disposition"] == 'attachment; filename="plans-asekeevo.xlsx"'
    assert unknown.status_code == 404
    assert "Отчёта «salaries» в межмуниципальном центре нет." in unknown.text
    assert csv.status_code == 404
    assert nowhere.status_code == 404
    assert "Округ с кодом «nowhere» не входит в межмуниципальный центр." in nowhere.text


async def test_aggregator_unreachable_gives_russian_pages(
    unused_port: int, backends: Any, portal: Any
) -> None:
    settings = centre_settings(f"http://127.0.0.1:{unused_port}")
    async with portal(settings) as c:
        pages = [
            await c.get(path)
            for path in ("/centre", "/districts/asekeevo", "/events", "/export/sites.xlsx")
        ]
    for page in pages:
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>Сведения временно недоступны</h1>" in page.text
        assert UNREACHABLE in page.text
        assert page.headers["retry-after"] == "30"
    async with portal(centre_settings(backends.url("broken"))) as c:
        broken = await c.get("/export/links.xlsx")
    assert broken.status_code == 503
    assert "временно не работает (ответ с кодом 500)" in broken.text


async def test_centre_api(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as c:
        dashboard = (await c.get("/api/dashboard")).json()
        district = (await c.get("/api/dashboard/asekeevo")).json()
        events = (await c.get("/api/events", params={"district": "buguruslan"})).json()
    assert dashboard["totals"]["hours"] == 433.5
    assert dashboard["districts"][0]["link"]["alert"] is True
    assert district["link"]["lag_seconds"] == 185
    assert [event["title"] for event in events] == [
        "Межмуниципальная конференция «Функциональная грамотность»"
    ]


def test_russian_wording_of_figures() -> None:
    assert [ru_duration(s) for s in (40, 185, 3600, 11400, 90000, 172800)] == [
        "40 с",
        "3 мин",
        "1 ч",
        "3 ч 10 мин",
        "1 сут 1 ч",
        "2 сут",
    ]
    assert [ru_number(v) for v in (None, 0, 12, 12.5, 12480, 71.25)] == [
        "—",
        "0",
        "12",
        "12,5",
        "12 480",
        "71,2",
    ]
    assert ru_percent(62.5) == "62,5 %"
    assert ru_percent(None) == "—"
    assert ru_long_date(date(2026, 11, 23)) == "23 ноября 2026 г., понедельник"
    assert web_url(" https://vk.com/x ") == "https://vk.com/x"
    assert web_url("javascript:alert(1)") == ""
    link = Link(
        district="x", district_name="X", state="up", state_title="связь есть", lag_seconds=5
    )
    assert link_note(link) == "отставание менее минуты"
    down = Link(district="x", district_name="X", state="down", state_title="нет связи")
    assert link_note(down) == ""
    never = Link(district="x", district_name="X", state="never", state_title="не было")
    assert link_note(never) == ""
