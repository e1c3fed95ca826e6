"""The registry pages in a real browser against the real stack: a methodist of Yaya finds
the demo school (typing its name in another case), opens its card and the site the flow
created, sees the road map's rows, downloads the order as PDF and lists the documents; a
teacher is refused the people of the registry, in Russian. Screenshots of the pages land
in ``tests/browser/artifacts/``."""

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.flow import wait_for
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e

CODE = "yaya"
ROWS = (
    "Установочный семинар для педагогов площадки",
    "Открытые занятия по функциональной грамотности",
)


def portal(stack: Stack) -> str:
    return str(stack.endpoints()[CODE]["services"]["portal"])


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def site_now(stack: Stack, api: httpx.Client, site_id: str) -> dict[str, Any]:
    """The site as the registry holds it now."""
    registry = stack.endpoints()[CODE]["services"]["registry"]
    return dict(api.get(f"{registry}/sites/{site_id}").json())


def road_map_rows(stack: Stack, api: httpx.Client, site: dict[str, Any]) -> list[str]:
    """The site's road map (opened on the status message) gets two rows, as the site's
    leader would plan them; their ids."""
    scheduling = stack.endpoints()[CODE]["services"]["scheduling"]
    roadmap = wait_for(
        "the site's road map",
        lambda: next(
            (r for r in api.get(scheduling + "/roadmaps").json() if r["site_id"] == site["id"]),
            None,
        ),
    )
    start = date.fromisoformat(roadmap["period_start"])
    ids = []
    for days, title in zip((30, 120), ROWS, strict=True):
        answer = api.post(
            f"{scheduling}/roadmaps/{roadmap['id']}/items",
            json={
                "title": title,
                "form": "seminar",
                "responsible_name": "Белова Марина Александровна",
                "deadline": (max(start, date.today()) + timedelta(days=days)).isoformat(),
            },
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return ids


async def test_a_methodist_finds_the_school_its_site_and_the_order(
    page: Page,
    phone_page: Page,
    stack: Stack,
    demo_data: dict,
    assigned: list[dict],
    portal_accounts: dict,
    api: httpx.Client,
    snapshot: Any,
) -> None:
    base = portal(stack)
    result = next(r for r in assigned if r["district"] == CODE)
    site, order = result["site"], result["document"]
    school = site["organisation_short_name"]
    assert "Яйская" in school  # the demo school the flow gave its status
    rows = road_map_rows(stack, api, site)
    password = demo.password(demo_data)

    await log_in(page, base, "metodist@yaya", password)
    await (
        page.get_by_role("navigation", name="Разделы портала")
        .get_by_role("link", name="Реестр", exact=True)
        .click()
    )
    await expect(page).to_have_url(base + "/organisations")

    # The name in another case: the registry finds it all the same.
    await page.get_by_label("Название").fill("яЙСКАЯ сош")
    await page.get_by_role("button", name="Найти").click()
    await expect(page.get_by_label("Название")).to_have_value("яЙСКАЯ сош")
    found = page.locator("#organisations tbody tr")
    await expect(found).to_have_count(2)  # СОШ № 1 and СОШ № 2, nothing else
    await expect(page.locator("main")).not_to_contain_text("Кайлинская")
    await snapshot(page, "registry-organisations")

    await page.get_by_role("link", name=school, exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(school)
    await expect(page.locator("#organisation-people")).to_contain_text(
        "Белова Марина Александровна"
    )
    await snapshot(page, "registry-organisation")

    await page.locator(f'[data-site-id="{site["id"]}"]').get_by_role("link").first.click()
    await expect(page).to_have_url(f"{base}/sites/{site['id']}")
    # Other end-to-end tests extend and end this status: the page shows it as it is now.
    now = site_now(stack, api, site["id"])
    facts = page.locator("#site-facts")
    await expect(facts).to_contain_text(now["status_title"])
    await expect(facts).to_contain_text(now["leader"]["full_name"])
    await expect(facts).to_contain_text(now["order_number"])
    road_map = page.locator("#roadmap-items tbody tr")
    await expect(road_map).to_have_count(2)
    for item_id, title in zip(rows, ROWS, strict=True):
        row = page.locator(f'tr[data-item-id="{item_id}"]')
        await expect(row).to_contain_text(title)
        await expect(row).to_contain_text("запланировано")
    await expect(page.locator("#roadmap-progress")).to_contain_text("Выполнено 0 из 2")
    await snapshot(page, "registry-site")

    # The order, streamed through the portal with the methodist's token.
    link = page.locator(f'tr[data-document-id="{order["id"]}"] a[data-format="pdf"]')
    async with page.expect_download() as waiting:
        await link.click()
    download = await waiting.value
    assert download.suggested_filename.endswith(".pdf")
    saved = await download.path()
    assert saved is not None
    content = await asyncio.to_thread(Path(saved).read_bytes)
    assert content.startswith(b"%PDF")

    await (
        page.get_by_role("navigation", name="Разделы портала")
        .get_by_role("link", name="Документы", exact=True)
        .click()
    )
    await expect(page).to_have_url(base + "/documents")
    await expect(page.locator(f'#documents tr[data-document-id="{order["id"]}"]')).to_contain_text(
        order["number"]
    )
    await snapshot(page, "registry-documents")

    # The site's page on a phone: readable without sideways scrolling.
    await log_in(phone_page, base, "metodist@yaya", password)
    await phone_page.goto(f"{base}/sites/{site['id']}")
    await expect(phone_page.locator("#roadmap-items tbody tr")).to_have_count(2)
    width = await phone_page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], width
    await snapshot(phone_page, "registry-site-phone")


async def test_a_teacher_is_refused_the_people_of_the_registry(
    page: Page, stack: Stack, demo_data: dict, portal_accounts: dict
) -> None:
    base = portal(stack)
    await log_in(page, base, "pedagog@yaya", demo.password(demo_data))
    answer = await page.goto(base + "/people")
    assert answer is not None and answer.status == 403
    await expect(page.get_by_role("heading", level=1)).to_have_text("Доступ закрыт")
    await expect(page.locator("main")).to_contain_text("Роль «педагог» не даёт доступа")
    # The registry's own pages stay open to the teacher, without the people's link.
    await page.goto(base + "/organisations")
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Реестр образовательных организаций"
    )
    await expect(page.locator('.registry-tabs a[href="/people"]')).to_have_count(0)
