"""The methodical council in a real browser against the real stack: a school's
application, prepared over the API up to the finished expert review, goes through a
meeting the council's secretary keeps in the portal (planning, agenda, attendance,
vote, closing), the protocol appears, a methodist issues the order on /orders, its file
appears and the new site shows on /sites. Screenshots land in tests/browser/artifacts/."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from playwright.async_api import Locator, Page, expect

from imc_local import demo, flow
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e

DISTRICT = "yaya"
SCHOOL = "МБОУ «Яйская СОШ № 2»"
LEADER = "Тихонова Анна Викторовна"
METHODIST = "Лаптева Светлана Николаевна"
TOPIC = "Наставничество молодых педагогов в сельской школе"
WAIT_SECONDS = 120


def portal(stack: Stack, code: str) -> str:
    return str(stack.endpoints()[code]["services"]["portal"])


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.context.clear_cookies()
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


async def reload_until(page: Page, found: Callable[[], Locator], what: str) -> Locator:
    """Reload the page until ``found()`` matches something (the backends work by
    messages: the protocol, the order's file and the site come a little later)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        locator = found()
        if await locator.count() > 0:
            return locator
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not appear within {WAIT_SECONDS} s")
        await asyncio.sleep(1)
        await page.reload()


def prepare_application(stack: Stack, demo_data: dict, registered: dict) -> dict[str, Any]:
    """As flow.py does: the school applies and the methodist finishes the expert review."""
    district = next(d for d in demo_data["districts"] if d["code"] == DISTRICT)
    client = flow.DistrictClient(stack.endpoints()[DISTRICT]["services"], stack.auth(DISTRICT))
    ids: flow.Registered = registered[DISTRICT]
    assert any(o["short_name"] == SCHOOL for o in district["organisations"])
    application = client.submit(ids.organisations[SCHOOL], TOPIC, SCHOOL, "osmp")
    reviewed = client.review(application, ids.people[METHODIST])
    assert reviewed["status"] == "reviewed", reviewed
    return reviewed


async def test_a_meeting_decides_an_application_and_the_order_follows(
    page: Page,
    phone_page: Page,
    stack: Stack,
    demo_data: dict,
    registered: dict,
    portal_accounts: dict,
    snapshot: Callable[[Page, str], Awaitable[Any]],
) -> None:
    application = prepare_application(stack, demo_data, registered)
    people = registered[DISTRICT].people
    base = portal(stack, DISTRICT)
    password = demo.password(demo_data)

    # the council's secretary plans a meeting
    await log_in(page, base, f"sekretar@{DISTRICT}", password)
    await (
        page.get_by_role("navigation")
        .get_by_role("link", name="Методический совет", exact=True)
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Методический совет")
    await page.get_by_label("Место проведения").fill("зал заседаний ИМЦ")
    await page.get_by_role("button", name="Запланировать заседание").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Заседание методического совета №"
    )
    await expect(page.locator("#meeting-status")).to_have_text("запланировано")

    # the application goes on the agenda with its leader and co-leader
    await page.locator("#item-application-application_id").select_option(application["id"])
    await page.locator("#item-application-leader_id").select_option(people[LEADER])
    await page.locator("#item-application-co_leader_id").select_option(people[METHODIST])
    await page.locator("#item-application-term_months").fill("24")
    await page.locator("#item-application-speaker").fill(f"{METHODIST}, методист")
    await page.get_by_role("button", name="Включить заявку в повестку").click()
    item = page.locator(".council-item").filter(has_text=SCHOOL)
    await expect(item).to_contain_text("О присвоении статуса")

    # everyone is present: the quorum is there
    boxes = page.locator('input[name="present"]')
    members = await boxes.count()
    assert members >= 3
    for index in range(members):
        await boxes.nth(index).check()
    await page.get_by_role("button", name="Отметить присутствие").click()
    await expect(page.locator("#quorum")).to_contain_text(
        f"Кворум есть: присутствуют {members} из {members}"
    )

    # the vote: everyone for
    await item.locator('input[name="votes_for"]').fill(str(members))
    await item.locator('input[name="votes_against"]').fill("0")
    await item.locator('input[name="abstained"]').fill("0")
    await item.get_by_role("button", name="Записать голосование").click()
    item = page.locator(".council-item").filter(has_text=SCHOOL)
    await expect(item.locator(".council-decision")).to_contain_text("Решение принято")
    await snapshot(page, "council-meeting-before-close")

    # closing asks first
    await page.get_by_role("button", name="Закрыть заседание").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Закрыть заседание")
    await expect(page.locator("#close-warning")).to_contain_text("протокол не изменяется")
    await page.get_by_role("button", name="Да, закрыть заседание").click()
    await expect(page.locator("#meeting-status")).to_have_text("проведено")
    await expect(page.locator(".council-decision")).to_contain_text("Присвоить")
    protocol = await reload_until(
        page, lambda: page.locator('#protocol-link a[data-format="pdf"]'), "the protocol"
    )
    href = await protocol.get_attribute("href")
    assert href and href.startswith("/documents/")
    answer = await page.request.get(base + href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    await expect(page.locator(".extract-link a").first).to_be_visible()
    await snapshot(page, "council-meeting-closed")
    meeting_url = page.url.split("?")[0]

    # a methodist issues the order; its file comes from the documents service
    await log_in(page, base, f"metodist@{DISTRICT}", password)
    await page.get_by_role("navigation").get_by_role("link", name="Приказы", exact=True).click()
    decision = page.locator("#awaiting .council-item").filter(has_text=SCHOOL)
    await decision.get_by_role("button", name="Издать приказ").click()
    await expect(page.locator(".notice")).to_contain_text("Приказ издан")
    row = page.locator("#orders tr[data-order-id]").filter(has_text=SCHOOL)
    await expect(row).to_contain_text("о присвоении статуса")
    file_link = await reload_until(
        page,
        lambda: (
            page.locator("#orders tr[data-order-id]")
            .filter(has_text=SCHOOL)
            .locator('a[data-format="docx"]')
        ),
        "the order's file",
    )
    href = await file_link.get_attribute("href")
    assert href
    answer = await page.request.get(base + href)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    await snapshot(page, "orders-journal")

    # the site is in the district's list
    await page.goto(base + "/sites")
    site = await reload_until(
        page, lambda: page.locator("tr[data-site-id]").filter(has_text=SCHOOL), "the site"
    )
    await expect(site).to_contain_text(LEADER)

    # a council member reads the meeting on a phone: no forms, nothing wider than the screen
    await log_in(phone_page, base, f"chlen-soveta@{DISTRICT}", password)
    await phone_page.goto(meeting_url)
    await expect(phone_page.locator("#meeting-status")).to_have_text("проведено")
    await expect(phone_page.locator("#protocol-link a").first).to_be_visible()
    assert await phone_page.locator('form[method="post"][action^="/council"]').count() == 0
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    await snapshot(phone_page, "council-meeting-member-phone")
    await phone_page.goto(base + "/orders")
    await expect(phone_page.locator("#orders tr[data-order-id]").first).to_be_visible()
    await expect(phone_page.get_by_role("button", name="Издать приказ")).to_have_count(0)
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
