"""The portal's pages against a real local HTTP server standing in for its backends."""

import re
from typing import Any

import pytest

from imc_portal.settings import PortalSettings
from imc_portal.templating import plural, ru_date, ru_datetime, zone_label
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID

pytestmark = pytest.mark.timeout(60)

PORTAL_SIGNING_KEY = testing.keys()[PORTAL_KEY_ID][0]


def district_settings(url: str, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "registry_url": url,
        "auth_signing_key": PORTAL_SIGNING_KEY,
    }
    return PortalSettings(service="portal", **{**values, **extra})


def centre_settings(url: str, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "buguruslan-mmc",
        "district_name": "ММЦ г. Бугуруслана",
        "mode": "centre",
        "federation_url": url,
        "time_zone": "Asia/Yekaterinburg",
        "auth_signing_key": PORTAL_SIGNING_KEY,
    }
    return PortalSettings(service="portal", **{**values, **extra})


def site_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-site-id="([^"]+)"', html)


async def test_district_page_lists_the_sites(backends: Any, portal: Any) -> None:
    async with portal(district_settings(backends.url("registry"))) as client:
        response = await client.get("/sites")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<h1>Методические площадки — Яйский муниципальный округ</h1>" in html
    assert '<table id="sites"' in html
    # Sorted by organisation: the kindergarten («МБДОУ») before the school («МБОУ»).
    assert site_rows(html) == [
        "0194c1a2-7e00-7000-8000-000000000002",
        "0194c1a2-7e00-7000-8000-000000000001",
    ]
    assert 'title="Муниципальное бюджетное общеобразовательное учреждение' in html
    assert "МБОУ «Яйская ООШ № 1»" in html
    assert "Формирование функциональной грамотности" in html
    assert re.search(r"с&nbsp;<time[^>]*>15\.10\.2026</time> по&nbsp;<time[^>]*>14\.10\.2028", html)
    assert "№ 45-од от 15.10.2026" in html
    assert "№ 112 от 28.08.2025" in html
    assert "Кузнецова Ольга Викторовна" in html
    assert "заместитель директора по УВР" in html
    assert "методист МБУ «ИМЦ»" in html
    assert "действует" in html
    assert "продлена" in html
    assert "Всего: 2 площадки." in html
    assert "Площадок пока нет" not in html


async def test_district_page_escapes_backend_text(backends: Any, portal: Any) -> None:
    async with portal(
        district_settings(backends.url("registry"), district_name="<script>alert(1)</script>")
    ) as client:
        html = (await client.get("/sites")).text
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    # Quotes in names survive as text, escaped inside attributes.
    assert "«Яйская основная общеобразовательная школа № 1»" in html


async def test_district_page_without_sites(backends: Any, portal: Any) -> None:
    async with portal(district_settings(backends.url("empty"))) as client:
        response = await client.get("/sites")
    assert response.status_code == 200
    assert "Площадок пока нет" in response.text
    assert site_rows(response.text) == []
    # No centre's sites: no section, not even an empty heading.
    assert "Межмуниципальные площадки" not in response.text
    assert "centre-sites" not in response.text


async def test_district_page_shows_the_centres_intermunicipal_sites(
    backends: Any, portal: Any
) -> None:
    async with portal(district_settings(backends.url("registry"))) as client:
        response = await client.get("/sites")
    assert response.status_code == 200
    html = response.text
    own, centre = html.split('<h2 id="centre-sites-title">Межмуниципальные площадки</h2>')
    # The district's own table keeps its own rows; the centre's come after, by kind.
    assert site_rows(own) == [
        "0194c1a2-7e00-7000-8000-000000000002",
        "0194c1a2-7e00-7000-8000-000000000001",
    ]
    assert "data-centre-site-id" not in own
    assert site_rows(centre) == []
    assert re.findall(r'<tr data-centre-site-id="([^"]+)"', centre) == [
        "0194c1a2-7e00-7000-8000-000000000302",
        "0194c1a2-7e00-7000-8000-000000000301",
    ]
    assert "Всего в ММЦ: 2 площадки." in centre
    for text in (
        "межмуниципальная опорная площадка",
        "межмуниципальный ресурсный центр",
        "МБОУ «Лицей № 1»",
        "«Гимназия № 1» г. Бугуруслана",
        "Методическая и консультационная помощь учителям математики",
        "Гордеев Сергей Павлович",
        "Никитина Елена Олеговна",
        "методист ММЦ",
        "Лебедева Марина Юрьевна",
        "№ 96-ммц от 29.08.2025",
        "№ 210-ммц от 27.08.2026",
        "продлена",
    ):
        assert text in centre, text
    assert re.search(
        r"с&nbsp;<time[^>]*>01\.09\.2026</time> по&nbsp;<time[^>]*>31\.08\.2029", centre
    )


async def test_district_api_returns_the_sites(backends: Any, portal: Any) -> None:
    async with portal(district_settings(backends.url("registry"))) as client:
        response = await client.get("/api/sites")
    assert response.status_code == 200
    body = response.json()
    assert [site["organisation_short_name"] for site in body] == [
        "МБДОУ «Детский сад «Солнышко»",
        "МБОУ «Яйская ООШ № 1»",
    ]
    assert body[1]["term_start"] == "2026-10-15"
    assert body[1]["leader"] == {
        "full_name": "Кузнецова Ольга Викторовна",
        "position": "заместитель директора по УВР",
    }
    assert "created_at" not in body[1]  # unknown fields of the registry are dropped


async def test_centre_page_groups_sites_by_district(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as client:
        response = await client.get("/sites")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Методические площадки округов — ММЦ г. Бугуруслана</h1>" in html
    headings = re.findall(r"<h2 id=\"district-[^\"]+-title\">([^<]+)</h2>", html)
    assert headings == ["Асекеевский район", "Город Бугуруслан", "Северный район"]
    rows = re.findall(r'<tr data-site-id="([^"]+)" data-district="([^"]+)"', html)
    assert rows == [
        ("0194c1a2-7e00-7000-8000-000000000201", "asekeevo"),
        ("0194c1a2-7e00-7000-8000-000000000101", "buguruslan"),
    ]
    # Each row sits in its district's section.
    asekeevo = html.index('id="district-asekeevo"')
    buguruslan = html.index('id="district-buguruslan"')
    assert asekeevo < html.index('data-district="asekeevo"', asekeevo) < buguruslan
    assert "№ 301-п от 25.08.2026" in html
    assert re.search(r"с&nbsp;<time[^>]*>01\.09\.2026</time> по&nbsp;<time[^>]*>31\.08\.2027", html)
    # The districts table: counts and the last message in the centre's zone (UTC+5).
    assert '<table id="districts"' in html
    assert "21.11.2026 15:05" in html
    assert "20.11.2026 12:30" in html
    assert "сообщений не было" in html
    assert "МСК+2" in html
    assert "Площадок пока нет" in html  # the Northern district has none


async def test_centre_api(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("federation"))) as client:
        sites = (await client.get("/api/sites")).json()
        districts = (await client.get("/api/districts")).json()
    assert [site["district"] for site in sites] == ["asekeevo", "buguruslan"]
    assert sites[0]["received_at"] == "2026-11-21T10:05:00Z"
    assert [district["code"] for district in districts] == ["asekeevo", "buguruslan", "severnoe"]


async def test_centre_page_without_data(backends: Any, portal: Any) -> None:
    async with portal(centre_settings(backends.url("centre-empty"))) as client:
        response = await client.get("/sites")
        home = await client.get("/centre")
    assert response.status_code == 200
    assert "Площадок пока нет" in response.text
    assert home.status_code == 200
    assert "Округов пока нет" in home.text
    assert "alert-banner" not in home.text


@pytest.mark.parametrize("mode", ["district", "centre"])
async def test_backend_down_gives_a_russian_error_page(
    mode: str, unused_port: int, portal: Any
) -> None:
    url = f"http://127.0.0.1:{unused_port}"
    settings = district_settings(url) if mode == "district" else centre_settings(url)
    async with portal(settings) as client:
        page = await client.get("/sites" if mode == "district" else "/centre")
        api = await client.get("/api/sites")
        ready = await client.get("/ready")
    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "Сведения временно недоступны" in page.text
    assert "сейчас недоступен" in page.text
    assert "Traceback" not in page.text
    assert page.headers["retry-after"] == "30"
    assert api.status_code == 503
    assert api.json()["error"] == "backend_unavailable"
    assert "недоступен" in api.json()["message"]
    assert ready.status_code == 503


async def test_backend_failure_and_bad_data(backends: Any, portal: Any) -> None:
    async with portal(district_settings(backends.url("broken"))) as c:
        broken = await c.get("/sites")
    assert broken.status_code == 503
    assert "временно не работает (ответ с кодом 500)" in broken.text
    async with portal(district_settings(backends.url("garbled"))) as c:
        garbled = await c.get("/sites")
    assert garbled.status_code == 502
    assert "прислал сведения в неожиданном виде" in garbled.text


async def test_slow_backend_times_out(backends: Any, portal: Any) -> None:
    settings = district_settings(backends.url("slow"), backend_timeout=0.3)
    async with portal(settings) as client:
        response = await client.get("/sites")
    assert response.status_code == 503
    assert "не ответил вовремя" in response.text


async def test_ready_when_backend_answers(backends: Any, portal: Any) -> None:
    async with portal(district_settings(backends.url("registry"))) as c:
        ready = await c.get("/ready")
        css = await c.get("/static/portal.css")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "registry": "ok", "database": "ok"}
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


def test_settings_refuse_a_bad_mode_or_a_missing_url() -> None:
    with pytest.raises(ValueError, match="IMC_MODE"):
        PortalSettings(
            service="portal",
            district="yaya",
            mode="region",
            registry_url="http://x",
            auth_signing_key=PORTAL_SIGNING_KEY,
        )
    with pytest.raises(ValueError, match="IMC_FEDERATION_URL"):
        PortalSettings(
            service="portal",
            district="yaya",
            mode="centre",
            registry_url="http://x",
            auth_signing_key=PORTAL_SIGNING_KEY,
        )
    with pytest.raises(ValueError, match="IMC_AUTH_SIGNING_KEY is required"):
        PortalSettings(service="portal", district="yaya", registry_url="http://x")
    service_key = testing.keys()["service"][0]
    with pytest.raises(ValueError, match="key id 'portal'"):
        PortalSettings(
            service="portal", district="yaya", registry_url="http://x", auth_signing_key=service_key
        )


def test_russian_filters() -> None:
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    assert ru_date(date(2026, 10, 5)) == "05.10.2026"
    assert ru_date(None) == "—"
    moment = datetime(2026, 11, 21, 22, 5, tzinfo=UTC)
    assert ru_datetime(moment, ZoneInfo("Asia/Novokuznetsk")) == "22.11.2026 05:05"
    assert zone_label(ZoneInfo("Europe/Moscow"), moment) == "МСК"
    assert zone_label(ZoneInfo("Asia/Novokuznetsk"), moment) == "МСК+4"
    assert zone_label(ZoneInfo("Europe/Kaliningrad"), moment) == "МСК−1"
    forms = ("площадка", "площадки", "площадок")
    assert [plural(n, *forms) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111)] == [
        "площадка",
        "площадки",
        "площадок",
        "площадок",
        "площадок",
        "площадка",
        "площадки",
        "площадок",
        "площадок",
    ]
