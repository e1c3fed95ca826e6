"""The browser tier works here: Playwright's driver starts Debian's Chromium, a page
served over HTTP is filled in and submitted, and screenshots land in the artifacts."""

import struct
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.async_api import Page, expect

FORM = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Запись на семинар</title></head>
<body>
<h1>Запись на семинар</h1>
<form action="/register" method="get">
  <label>ФИО <input name="full_name" required></label>
  <label>Категория
    <select name="category">
      <option value="first">первая</option>
      <option value="highest">высшая</option>
    </select>
  </label>
  <label><input type="checkbox" name="consent" value="yes" required>
    Согласен на обработку персональных данных</label>
  <button type="submit">Записаться</button>
</form>
<p id="hint"></p>
<script>
  document.querySelector("input[name=full_name]").addEventListener("input", (e) => {
    document.getElementById("hint").textContent = "Символов: " + e.target.value.length;
  });
</script>
</body></html>"""


class Site(BaseHTTPRequestHandler):
    """The form at ``/``; ``/register`` answers with what was sent."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == "/":
            self._send(200, FORM)
        elif parts.path == "/register":
            query = parse_qs(parts.query)
            name = escape(query.get("full_name", [""])[0])
            category = escape(query.get("category", [""])[0])
            consent = escape(query.get("consent", ["no"])[0])
            self._send(
                200,
                '<!doctype html><html lang="ru"><meta charset="utf-8"><title>Готово</title>'
                f'<p id="done">Записан: {name}; категория: {category}; согласие: {consent}</p>',
            )
        else:
            self._send(404, "<p>Не найдено</p>")

    def _send(self, status: int, html: str) -> None:
        body = html.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_a_form_is_filled_and_sent(page: Page, site: str, snapshot: Any) -> None:
    await page.goto(site)
    await expect(page).to_have_title("Запись на семинар")
    assert await page.evaluate("navigator.language") == "ru-RU"
    await page.get_by_label("ФИО").fill("Сидоров Пётр Ильич")
    await expect(page.locator("#hint")).to_have_text("Символов: 18")
    await page.get_by_label("Категория").select_option("highest")
    await page.get_by_role("button", name="Записаться").click()
    # the browser's own validation keeps the form until consent is given
    await expect(page.locator("h1")).to_have_text("Запись на семинар")
    await page.get_by_label("Согласен на обработку персональных данных").check()
    await page.get_by_role("button", name="Записаться").click()
    await expect(page.locator("#done")).to_have_text(
        "Записан: Сидоров Пётр Ильич; категория: highest; согласие: yes"
    )
    assert page.url.startswith(f"{site}/register?")

    path = await snapshot(page, "smoke-desktop")
    width, height = png_size(path.read_bytes())
    assert (width, height) == (1280, 800)


async def test_a_phone_sees_the_form_at_its_width(
    phone_page: Page, site: str, snapshot: Any
) -> None:
    await phone_page.goto(site)
    assert await phone_page.evaluate("window.innerWidth") == 390
    await phone_page.get_by_label("ФИО").tap()
    await phone_page.keyboard.type("Иванова")
    await expect(phone_page.locator("#hint")).to_have_text("Символов: 7")

    path = await snapshot(phone_page, "smoke-phone")
    width, height = png_size(path.read_bytes())
    assert width == 390 * 3
    assert height >= 844 * 3
