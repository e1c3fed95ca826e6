"""An application through the portal in a real browser against the real stack: the
demo school's representative fills the wizard (real DOCX files uploaded), sees what is
missing, submits; the district's methodist opens it and writes the expert review.
Screenshots of every step land in ``tests/browser/artifacts/``."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from imc_local import demo
from imc_local.flow import application_package
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e

KIND = "innovation_school"
"""A status the demo school neither has nor applies for in the demo flow (that is ОСМП)."""
TOPIC = "Цифровая образовательная среда как условие индивидуализации обучения в Яйской СОШ № 1"


def portal(stack: Stack, code: str) -> str:
    return str(stack.endpoints()[code]["services"]["portal"])


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def package(tmp_path: Path, organisation: str) -> dict[str, Path]:
    """The three documents of 000 §3.2 as files on disk, built as `make flow` builds them."""
    files = {}
    for kind, (name, content, _) in application_package(organisation, TOPIC).items():
        path = tmp_path / name
        path.write_bytes(content)
        files[kind] = path
    return files


async def test_a_school_applies_through_the_wizard_and_the_methodist_reviews(
    page: Page,
    phone_page: Page,
    browser: Browser,
    stack: Stack,
    demo_data: dict,
    portal_accounts: dict,
    snapshot: Any,
    tmp_path: Path,
) -> None:
    base = portal(stack, "yaya")
    password = demo.password(demo_data)
    school = "МБОУ «Яйская СОШ № 1»"

    # --- the school's representative: the wizard -------------------------------------
    await log_in(page, base, "shkola@yaya", password)
    await (
        page.get_by_role("navigation", name="Разделы портала")
        .get_by_role("link", name="Заявки")
        .click()
    )
    await expect(page).to_have_url(base + "/applications")
    await page.get_by_role("link", name="Новая заявка").click()
    await expect(page.get_by_role("heading", name="Шаг 1. Вид площадки")).to_be_visible()
    await expect(page.locator("main")).to_contain_text(
        "на срок от одного до двух лет (п. 3.3 Положения об ОСМП)"
    )
    await page.get_by_label("Инновационная школа", exact=True).check()
    await snapshot(page, "applications-wizard-1-kind")
    await page.get_by_role("button", name="Далее").click()

    await expect(page.get_by_role("heading", name="Шаг 2. Тема и контактный адрес")).to_be_visible()
    await expect(page.locator("main")).to_contain_text(school)
    # too short a topic: the service's refusal next to the field, the text kept
    await page.get_by_label("Тема площадки").fill("Цифра")
    await page.get_by_role("button", name="Сохранить и продолжить").click()
    await expect(page.locator("#topic-error")).to_contain_text("не короче 10 символов")
    await expect(page.get_by_label("Тема площадки")).to_have_value("Цифра")
    await snapshot(page, "applications-wizard-2-topic-refused")
    await page.get_by_label("Тема площадки").fill(TOPIC)
    await snapshot(page, "applications-wizard-2-topic")
    await page.get_by_role("button", name="Сохранить и продолжить").click()

    await expect(page.get_by_role("heading", name=re.compile("Шаг 3. Документы"))).to_be_visible()
    await expect(page.locator("main")).to_contain_text("Черновик заявки сохранён.")
    match = re.search(r"/applications/([0-9a-f-]{36})/documents", page.url)
    assert match, page.url
    application_id = match.group(1)
    files = package(tmp_path, school)
    await page.get_by_label("Заявление с указанием темы").set_input_files(files["statement"])
    await page.get_by_label("Информационная справка").set_input_files(files["information_note"])
    await page.get_by_label("План работы площадки").set_input_files(files["work_plan"])
    await snapshot(page, "applications-wizard-3-documents")
    await page.get_by_role("button", name="Сохранить и продолжить").click()

    await expect(
        page.get_by_role("heading", name="Шаг 4. Условия присвоения статуса")
    ).to_be_visible()
    # before answering: the checklist says what is missing
    await page.get_by_role("link", name="Проверка и подача").click()
    missing = page.locator("#missing")
    await expect(missing).to_contain_text("ответ на условие")
    await expect(missing).not_to_contain_text("документ:")
    await expect(page.locator('[data-document="work_plan"]')).to_contain_text("plan.docx")
    await snapshot(page, "applications-checklist-missing")

    await page.get_by_role("link", name="Условия").click()
    answers = page.locator('input[type="radio"][value="yes"]')
    count = await answers.count()
    assert count == 4  # the four conditions of 004 for an innovation school
    for index in range(count):
        await answers.nth(index).check()
    await page.locator("textarea").first.fill("Подтверждается информационной справкой.")
    await snapshot(page, "applications-wizard-4-conditions")
    await page.get_by_role("button", name="Сохранить и продолжить").click()

    await expect(page.get_by_role("heading", name="Проверка и подача")).to_be_visible()
    await expect(page.locator("#complete")).to_contain_text("Пакет документов полон")
    await snapshot(page, "applications-checklist")
    await page.get_by_role("button", name="Подать заявку").click()

    await expect(page).to_have_url(re.compile(rf"/applications/{application_id}\?notice=submitted"))
    await expect(page.locator("#application-status")).to_have_text("подана")
    await expect(page.locator("#documents")).to_contain_text("zayavlenie.docx")
    await snapshot(page, "applications-submitted")

    # the school writes for the applicant audience
    await page.get_by_label("Новый комментарий").fill("Готовы представить опыт на семинаре.")
    await page.get_by_role("button", name="Добавить комментарий").click()
    await expect(page.locator("#comments")).to_contain_text("Готовы представить опыт")

    # --- the wizard on a phone: nothing wider than the screen ------------------------
    await log_in(phone_page, base, "shkola@yaya", password)
    await phone_page.goto(base + "/applications/new")
    await expect(phone_page.get_by_role("heading", name="Шаг 1. Вид площадки")).to_be_visible()
    width = await phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, width
    await snapshot(phone_page, "applications-wizard-phone")

    # --- the district's methodist, in a browser of their own: the expert review ------
    context = await browser.new_context(
        locale="ru-RU", timezone_id="Asia/Novokuznetsk", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(15_000)
    try:
        methodist = await context.new_page()
        await log_in(methodist, base, "metodist@yaya", password)
        await methodist.goto(base + "/applications?status=submitted")
        await methodist.locator(f'[data-application-id="{application_id}"] a').first.click()
        await expect(methodist.locator("#application-status")).to_have_text("подана")
        await expect(methodist.locator("#comments")).to_contain_text("Готовы представить опыт")
        option = methodist.locator("#reviewer_id option", has_text="Лаптева Светлана Николаевна")
        value = await option.get_attribute("value")
        assert value
        await methodist.get_by_label("Курирующий методист").select_option(value)
        await methodist.get_by_role("button", name="Передать на экспертизу").click()
        await expect(methodist.locator("#application-status")).to_have_text("на экспертизе")

        await methodist.get_by_label("Заключение", exact=True).fill(
            "Школа имеет опыт инновационной деятельности по заявленной теме; пакет документов "
            "полон. Рекомендуется присвоить статус инновационной школы."
        )
        await methodist.get_by_label("Присвоить статус", exact=True).check()
        confirms = methodist.locator('input[type="radio"][id$="-yes"][name^="confirm_"]')
        for index in range(await confirms.count()):
            await confirms.nth(index).check()
        await snapshot(methodist, "applications-review-form")
        await methodist.get_by_role("button", name="Записать заключение").click()

        await expect(methodist.locator("main")).to_contain_text("Экспертное заключение записано.")
        await expect(methodist.locator("#application-status")).to_have_text("экспертиза завершена")
        await expect(methodist.locator("#recommendation")).to_have_text("присвоить статус")
        await expect(methodist.locator("#checklist")).to_contain_text("подтверждено")
        await expect(methodist.locator("#history")).to_contain_text("экспертиза завершена")
        await snapshot(methodist, "applications-reviewed")
    finally:
        await context.close()

    # the school sees the outcome of the review on its own page
    await page.goto(f"{base}/applications/{application_id}")
    await expect(page.locator("#application-status")).to_have_text("экспертиза завершена")
    await expect(page.locator("#staff-actions")).to_have_count(0)
