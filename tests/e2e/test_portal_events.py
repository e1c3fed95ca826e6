"""The events calendar in a real browser against the real stack: a teacher finds a full
event, registers, lands on the waiting list and cancels; the methodist sees both
registrations. Screenshots land in ``tests/browser/artifacts/``."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.stack import Stack
from imc_shared.auth import Role

pytestmark = pytest.mark.e2e

TEACHER_NAME = "Карпенко Юлия Сергеевна"


def services(stack: Stack, code: str) -> dict[str, str]:
    return {k: str(v) for k, v in stack.endpoints()[code]["services"].items()}


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def full_event(stack: Stack) -> tuple[dict[str, Any], str]:
    """A seminar at Yaya with one seat, taken by another demo person; its title and the
    name of the one who took the seat."""
    urls = services(stack, "yaya")
    auth = stack.auth("yaya", Role.METHODIST)
    with httpx.Client(auth=auth, timeout=30) as client:
        people = client.get(urls["registry"] + "/people/")
        people.raise_for_status()
        other = next(p for p in people.json() if p["full_name"] != TEACHER_NAME)
        begins = (datetime.now(UTC) + timedelta(days=9)).replace(
            hour=4, minute=0, second=0, microsecond=0
        )
        created = client.post(
            urls["scheduling"] + "/events/",
            json={
                "title": "Семинар «Смысловое чтение на уроках биологии» (проверка записи)",
                "form": "seminar",
                "level": "municipal",
                "organiser_kind": "imc",
                "organiser_name": "МБУ ИМЦ УО Яйского округа",
                "starts_at": begins.isoformat(),
                "ends_at": (begins + timedelta(hours=2)).isoformat(),
                "venue": "МБОУ «Яйская СОШ № 1», кабинет 12",
                "capacity": 1,
                "hours": 2,
            },
        )
        assert created.status_code == 201, created.text
        event = created.json()
        taken = client.post(
            f"{urls['scheduling']}/events/{event['id']}/registrations",
            json={
                "person_id": other["id"],
                "full_name": other["full_name"],
                "organisation_id": other["organisation_id"],
                "registered_by": "school",
            },
        )
        assert taken.status_code == 201, taken.text
        assert taken.json()["status"] == "confirmed"
    return event, str(other["full_name"])


async def test_a_teacher_joins_the_waiting_list_of_a_full_event_and_cancels(
    page: Page,
    phone_page: Page,
    stack: Stack,
    demo_data: dict,
    portal_accounts: dict,
    snapshot: Any,
) -> None:
    event, other = full_event(stack)
    base = services(stack, "yaya")["portal"]
    password = demo.password(demo_data)

    await log_in(page, base, "pedagog@yaya", password)
    await (
        page.get_by_role("navigation", name="Разделы портала")
        .get_by_role("link", name="Мероприятия")
        .click()
    )
    await expect(page.get_by_role("heading", level=1)).to_have_text("Мероприятия")
    card = page.locator(f'li[data-event-id="{event["id"]}"]')
    await expect(card).to_contain_text("занято 1 из 1")
    await expect(card).to_contain_text("мест нет")
    await expect(card).to_contain_text("семинар")
    await expect(card).to_contain_text("МБОУ «Яйская СОШ № 1», кабинет 12")
    await snapshot(page, "events-calendar")

    await card.get_by_role("link", name=event["title"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(event["title"])
    await expect(page.locator("#full-warning")).to_contain_text("лист ожидания")
    # a teacher does not see who else registered
    await expect(page.locator("main")).not_to_contain_text(other)
    await page.get_by_role("button", name="Записаться").click()
    await expect(page.locator("#notice")).to_have_text(
        "Свободных мест нет: вы записаны в лист ожидания."
    )
    await expect(page.locator("#own-status")).to_contain_text("Вы в листе ожидания")
    await expect(page.locator("#own-status")).to_contain_text("ваш номер в очереди — 1")
    await snapshot(page, "events-event-waiting")

    await log_in(phone_page, base, "pedagog@yaya", password)
    await phone_page.goto(base + "/calendar")
    await expect(phone_page.locator(f'li[data-event-id="{event["id"]}"]')).to_be_visible()
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the calendar scrolls sideways on a phone ({width} px)"
    await snapshot(phone_page, "events-calendar-phone")

    # the methodist sees both registrations: the seat and the waiting list
    await phone_page.get_by_role("button", name="Выйти").click()
    await log_in(phone_page, base, "metodist@yaya", password)
    await phone_page.goto(f"{base}/calendar/{event['id']}")
    await expect(phone_page.locator("#confirmed-list")).to_contain_text(other)
    await expect(phone_page.locator("#waiting-list")).to_contain_text(TEACHER_NAME)
    await expect(phone_page.get_by_role("button", name="Записаться")).to_have_count(0)

    await page.get_by_role("button", name="Отменить запись").click()
    await expect(page.locator("#notice")).to_have_text("Ваша регистрация отменена.")
    await expect(page.get_by_role("button", name="Записаться")).to_be_visible()
    await phone_page.reload()
    await expect(phone_page.locator("#waiting-list")).to_have_count(0)
    await expect(phone_page.locator("#registrations")).to_contain_text("Лист ожидания (0)")
