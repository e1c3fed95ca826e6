"""The organisations import in a real browser against the real stack: a methodist of the
Mariinsk district uploads a cp1251 CSV with a bad row and sees the line and the reason,
then a clean XLSX, imports it and finds a new organisation in the registry search."""

import io
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e

HEADER = [
    "Полное наименование",
    "Краткое наименование",
    "Тип",
    "Адрес",
    "Директор",
    "Электронная почта",
    "Телефон",
    "ШНОР",
    "Неблагоприятные условия",
    "Резильентная",
]


def portal(stack: Stack, code: str) -> str:
    return str(stack.endpoints()[code]["services"]["portal"])


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def csv_cp1251(rows: list[list[str]]) -> bytes:
    """A CSV as Excel saves it in Russian Windows: «;», CRLF, Windows-1251."""
    return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode("cp1251")


def xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Организации"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_a_methodist_checks_a_bad_file_then_imports_a_clean_one(
    page: Page,
    stack: Stack,
    demo_data: dict,
    portal_accounts: dict,
    snapshot: Any,
    tmp_path: Path,
) -> None:
    base = portal(stack, "mariinsk")
    tag = secrets.token_hex(3)
    await log_in(page, base, "metodist@mariinsk", demo.password(demo_data))

    await page.goto(base + "/organisations")
    await page.get_by_role("link", name=re.compile("Загрузить организации из файла")).click()
    await expect(page).to_have_url(base + "/organisations/import")

    # a cp1251 CSV with a title row; line 4 has a broken e-mail
    bad = tmp_path / "организации.csv"
    bad.write_bytes(
        csv_cp1251(
            [
                ["Реестр образовательных организаций Мариинского округа"],
                HEADER,
                [
                    f"Муниципальное бюджетное общеобразовательное учреждение «Школа {tag}»",
                    f"МБОУ «Школа {tag}»",
                    "СОШ",
                    "г. Мариинск, ул. Школьная, 1",
                    "Смирнова Елена Викторовна",
                    f"school-{tag}@mariinsk.example.ru",
                    "",
                    "нет",
                    "",
                    "да",
                ],
                [
                    "Муниципальное бюджетное общеобразовательное учреждение "
                    f"«Школа с почтой {tag}»",
                    f"МБОУ «Школа с почтой {tag}»",
                    "СОШ",
                    "",
                    "",
                    "почта",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        )
    )
    await page.get_by_label("Файл с организациями").set_input_files(str(bad))
    await page.get_by_role("button", name="Проверить файл").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Проверка файла")
    row = page.locator('#import-errors tr[data-line="4"]')
    await expect(row).to_contain_text("Электронная почта")
    await expect(row).to_contain_text("адрес электронной почты «почта» указан неверно")
    await expect(page.locator("#import-errors tbody tr")).to_have_count(1)
    await expect(page.get_by_role("button", name=re.compile("^Загрузить"))).to_have_count(0)
    await snapshot(page, "import-check-errors")

    # a clean XLSX with two new organisations, uploaded from the check page's form
    names = [f"МБДОУ «Детский сад «Радуга-{tag}»»", f"МБУ ДО «Станция юннатов {tag}»"]
    clean = tmp_path / "организации.xlsx"
    clean.write_bytes(
        xlsx(
            [
                HEADER,
                [
                    "Муниципальное бюджетное дошкольное образовательное учреждение "
                    f"«Детский сад «Радуга-{tag}»»",
                    names[0],
                    "ДОУ",
                    "г. Мариинск, ул. Лесная, 3",
                    "Петрова Анна Ивановна",
                    f"raduga-{tag}@mariinsk.example.ru",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "Муниципальное бюджетное учреждение дополнительного образования "
                    f"«Станция юных натуралистов {tag}»",
                    names[1],
                    "УДО",
                    "г. Мариинск, ул. Советская, 10",
                    "Орлова Татьяна Николаевна",
                    f"sun-{tag}@mariinsk.example.ru",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        )
    )
    await page.get_by_label("Исправленный файл").set_input_files(str(clean))
    await page.get_by_role("button", name="Проверить файл").click()
    await expect(page.locator(".import-summary")).to_contain_text("без ошибок: 2")
    button = page.get_by_role("button", name="Загрузить 2 организации")
    await expect(button).to_be_visible()
    await button.click()
    await expect(page.locator(".import-done")).to_contain_text("Загружено 2")
    await snapshot(page, "import-done")

    await page.get_by_role("link", name="Вернуться к реестру организаций").click()
    await page.get_by_label("Название").fill(f"Радуга-{tag}")
    await page.get_by_role("button", name="Найти").click()
    found = page.locator("#organisations tbody tr")
    await expect(found).to_have_count(1)
    await expect(found).to_contain_text(names[0])
