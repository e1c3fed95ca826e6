"""The portal in a real browser (Playwright driving Debian's Chromium) against the real
stack: people log in with the demo accounts `make run` loads and see what awaits them.
Screenshots of the pages land in ``tests/browser/artifacts/``."""

import re
from typing import Any

import pytest
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e


def portal(stack: Stack, code: str) -> str:
    return str(stack.endpoints()[code]["services"]["portal"])


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()


def person(demo_data: dict, code: str, login: str) -> dict[str, Any]:
    instance = next(i for i in demo.instances(demo_data) if i["code"] == code)
    return next(a for a in instance["accounts"] if a["login"] == login)


async def test_a_methodist_logs_in_is_told_what_is_wrong_and_logs_out(
    page: Page, stack: Stack, demo_data: dict, portal_accounts: dict, snapshot: Any
) -> None:
    base = portal(stack, "yaya")
    await page.goto(base + "/sites")
    await expect(page).to_have_url(base + "/login?next=%2Fsites")
    await snapshot(page, "login")

    await log_in(page, base, "metodist@yaya", "не тот пароль")
    # the typed login stays in the form; the message stands next to the password
    await expect(page.get_by_label("Логин")).to_have_value("metodist@yaya")
    await expect(page.locator("#password-error")).to_be_visible()
    await snapshot(page, "login-wrong-password")

    await log_in(page, base, "metodist@yaya", demo.password(demo_data))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    await expect(page.locator("body")).to_contain_text("методист")
    await snapshot(page, "home-methodist")

    await page.get_by_role("button", name="Выйти").click()
    await expect(page).to_have_url(re.compile(re.escape(base) + r"/login(\?.*)?$"))
    await expect(page.locator("main")).to_contain_text("Вы вышли")
    await page.goto(base + "/sites")
    await expect(page).to_have_url(base + "/login?next=%2Fsites")


async def test_the_centre_coordinator_sees_sites_of_both_districts(
    page: Page,
    stack: Stack,
    demo_data: dict,
    assigned: list[dict],
    portal_accounts: dict,
    snapshot: Any,
) -> None:
    base = portal(stack, "buguruslan")
    await log_in(page, base, "koordinator@buguruslan", demo.password(demo_data))
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    await snapshot(page, "home-centre-coordinator")

    await page.goto(base + "/sites")
    for result in assigned:
        row = page.locator(f'tr[data-site-id="{result["site"]["id"]}"]')
        await expect(row).to_have_attribute("data-district", result["district"])
        await expect(row).to_contain_text(result["site"]["organisation_short_name"])
    await snapshot(page, "centre-sites")

    await page.goto(base + "/centre")
    # every district with the state of its link
    for name in ("Яйский муниципальный округ", "Мариинский"):
        await expect(page.locator("main")).to_contain_text(name)
    await expect(page.locator("main")).to_contain_text("связь есть")
    await snapshot(page, "centre-dashboard")


async def test_a_teacher_sees_the_calendar_and_cannot_open_the_centre_pages(
    page: Page, stack: Stack, demo_data: dict, portal_accounts: dict, snapshot: Any
) -> None:
    base = portal(stack, "buguruslan")
    await log_in(page, base, "pedagog@buguruslan", demo.password(demo_data))
    teacher = person(demo_data, "buguruslan", "pedagog@buguruslan")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    await expect(page.locator("body")).to_contain_text("педагог")
    # the centre's demo calendar has events ahead; the teacher's block lists them
    await expect(page.locator("[data-event-id]").first).to_be_visible()
    await snapshot(page, "home-teacher")
    assert teacher["role"] == "teacher"

    response = await page.goto(base + "/centre")
    assert response is not None
    assert response.status == 403
    await expect(page.locator("main")).to_contain_text("Доступ закрыт")


async def test_the_public_catalogue_needs_no_login_and_fits_a_phone(
    phone_page: Page, stack: Stack, assigned: list[dict], snapshot: Any
) -> None:
    # the centre's own inter-municipal site: no other test changes its status
    lyceum = assigned[-1]
    base = portal(stack, lyceum["district"])
    await phone_page.goto(base + "/public")
    row = phone_page.locator(f'[data-site-id="{lyceum["site"]["id"]}"]')
    await expect(row).to_be_visible()
    # nothing wider than the phone's screen
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    await snapshot(phone_page, "public-catalogue-phone")
