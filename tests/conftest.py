"""Browser tests: Playwright driving Debian's Chromium, headless.

Playwright's bundled browsers are never downloaded (no ``playwright install``): the tests
drive the system's Chromium (``deploy/local/install-system-deps.sh`` installs it;
``IMC_CHROMIUM`` points elsewhere). The async API is used so browser tests share the
session's event loop with every other async test of the run.

Fixtures: ``browser`` (one Chromium for the session), ``page`` (a desktop page, Russian
locale, 1280×800), ``phone_page`` (a phone, 390×844, touch). ``snapshot(page, name)``
saves a full-page PNG under ``tests/browser/artifacts/`` — the screenshots of the main
pages the CI keeps as artifacts.
"""

import os
import re
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

ARTIFACTS = Path(__file__).parent / "browser" / "artifacts"
LOCALE = "ru-RU"
TIME_ZONE = "Asia/Novokuznetsk"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


def chromium_path() -> str:
    """The Chromium to drive: ``IMC_CHROMIUM`` or Debian's ``chromium``."""
    configured = os.environ.get("IMC_CHROMIUM", "")
    found = configured or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.fail(
            f"Chromium not found at {found}: run deploy/local/install-system-deps.sh "
            "or set IMC_CHROMIUM"
        )
    return found


def chromium_args() -> list[str]:
    # A small /dev/shm (containers) crashes tabs; root cannot use the sandbox.
    args = ["--disable-dev-shm-usage"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole session."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=chromium_args()
        )
        yield launched
        await launched.close()


async def _context(browser: Browser, **options: Any) -> BrowserContext:
    context = await browser.new_context(locale=LOCALE, timezone_id=TIME_ZONE, **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """A desktop page in a fresh context: Russian locale, the district's time zone."""
    context = await _context(browser, viewport=DESKTOP)
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def phone_page(browser: Browser) -> AsyncIterator[Page]:
    """A phone's page (390×844, touch, 3× pixels) in a fresh context."""
    context = await _context(
        browser, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    yield await context.new_page()
    await context.close()


async def snapshot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``tests/browser/artifacts/<name>.png``."""
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-")
    assert safe, f"a screenshot needs a file name, not {name!r}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{safe}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


Snapshot = Callable[[Page, str], Awaitable[Path]]


@pytest.fixture(name="snapshot")
def snapshot_fixture() -> Snapshot:
    """:func:`snapshot` for tests (a conftest is not imported by name)."""
    return snapshot
