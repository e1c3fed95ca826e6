"""Professional growth in a real browser against the real stack: the demo teacher answers
the needs survey from her home page and sends the certificate of her course; the
methodist accepts it, tries to close the deficit without saying what proves it (the page
keeps the form and names the field), closes it with evidence and prints the teacher's
record of development. Screenshots land in ``tests/browser/artifacts/``."""

from typing import Any

import pytest
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
"""A small PDF, as a scanned certificate of a course would be."""


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


async def test_a_teacher_answers_and_sends_evidence_the_methodist_closes_the_deficit(
    page: Page,
    phone_page: Page,
    stack: Stack,
    demo_data: dict,
    portal_accounts: dict,
    snapshot: Any,
) -> None:
    base = str(stack.endpoints()["yaya"]["services"]["portal"])
    password = demo.password(demo_data)
    growth = demo_data["districts"][0]["growth"]

    # The teacher: the survey waits on her home page.
    await log_in(page, base, "pedagog@yaya", password)
    surveys = page.locator("#home-surveys")
    await expect(surveys).to_contain_text(growth["survey"]["title"])
    await surveys.get_by_role("link", name=growth["survey"]["title"]).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(growth["survey"]["title"])
    await page.get_by_role("button", name="Отправить ответы").click()
    await expect(page.locator("#answers-error-summary")).to_be_visible()  # required ones
    await page.get_by_label("Оценивание образовательных результатов обучающихся").check()
    await page.get_by_label("Формирование функциональной грамотности").check()
    scale = page.locator('fieldset[data-question-kind="scale"]')
    await scale.get_by_label("2", exact=True).check()
    await page.get_by_label("индивидуальная консультация").check()
    await page.get_by_role("button", name="Отправить ответы").click()
    await expect(page.locator("#answer-state")).to_contain_text("Ваши ответы сохранены")
    await snapshot(page, "growth-survey-answered")

    # Her route: the course step takes the certificate.
    await page.goto(base + "/growth/route")
    course = growth["route"]["course"]["title"]
    await expect(page.locator("main")).to_contain_text(course)
    upload = page.locator('input[type="file"][name="file"]').first
    await upload.set_input_files(
        {"name": "udostoverenie.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    await page.locator('button[id^="send-evidence-"]').first.click()
    await expect(page.locator("main")).to_contain_text("udostoverenie.pdf")
    await snapshot(page, "growth-route-teacher")
    await log_in(phone_page, base, "pedagog@yaya", password)
    await phone_page.goto(base + "/growth/route")
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 420, width
    await snapshot(phone_page, "growth-route-phone")

    # The methodist: the certificate waits for her; she accepts it.
    await page.context.clear_cookies()
    await log_in(page, base, "metodist@yaya", password)
    pending = page.locator("#home-pending-evidence")
    await expect(pending).to_contain_text("Карпенко Юлия Сергеевна")
    await pending.get_by_role("link").first.click()
    await page.locator('button[id^="approve-"]').first.click()
    await expect(page.locator("main")).to_contain_text("выполнен")
    await snapshot(page, "growth-route-methodist")

    # The deficit: not closed without evidence, then closed with it.
    await page.goto(base + "/growth/deficits?status=open")
    row = page.locator("tr", has_text="Карпенко Юлия Сергеевна")
    await row.get_by_role("link", name="Оценивание образовательных результатов").first.click()
    await page.locator("#close-deficit").click()
    await expect(page.locator("#close-evidence-error")).to_be_visible()
    evidence = "Курсы пройдены; на открытом уроке критерии оценивания доведены до обучающихся"
    await page.locator("#close-evidence").fill(evidence)
    await page.locator("#close-deficit").click()
    await expect(page.locator("main")).to_contain_text("устранён")
    await snapshot(page, "growth-deficit-closed")

    # Her record of development, printed.
    await page.goto(base + "/growth/teachers")
    await page.get_by_role("link", name="Карпенко Юлия Сергеевна").first.click()
    await page.locator("#transcript-link").click()
    await expect(page.locator("main")).to_contain_text(course)
    await page.locator("#print-transcript").click()
    await expect(page.locator("#printed-pdf")).to_be_visible(timeout=60_000)
    await snapshot(page, "growth-transcript")
    async with page.expect_download() as download:
        await page.locator("#printed-docx").click()
    assert (await download.value).suggested_filename.endswith(".docx")
