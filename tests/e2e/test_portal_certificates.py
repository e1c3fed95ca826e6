"""Certificates in bulk in a real browser against the real stack: the methodist starts the
certificates of a past event's two attendees from the event's page, watches the progress
page until the job is done and downloads the ZIP of the PDFs. Screenshots land in
``tests/browser/artifacts/``."""

import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from imc_local import demo
from imc_local.stack import Stack
from imc_shared.auth import Role

pytestmark = pytest.mark.e2e


def services(stack: Stack, code: str) -> dict[str, str]:
    return {k: str(v) for k, v in stack.endpoints()[code]["services"].items()}


async def log_in(page: Page, base: str, login: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Логин").fill(login)
    await page.get_by_label("Пароль").fill(password)
    await page.get_by_role("button", name="Войти").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def past_event_with_two_attendees(stack: Stack) -> tuple[dict[str, Any], list[str]]:
    """A seminar at Yaya: two people registered while it was ahead, then it is moved to
    two days ago (registration closes at the start) and both are marked present."""
    urls = services(stack, "yaya")
    scheduling = urls["scheduling"]
    with httpx.Client(auth=stack.auth("yaya", Role.METHODIST), timeout=30) as client:
        people = client.get(urls["registry"] + "/people/")
        people.raise_for_status()
        chosen = [p for p in people.json() if p.get("organisation_id")][:2]
        assert len(chosen) == 2, people.text
        ahead = (datetime.now(UTC) + timedelta(days=12)).replace(
            hour=4, minute=0, second=0, microsecond=0
        )
        created = client.post(
            scheduling + "/events/",
            json={
                "title": "Семинар «Наставничество в школе» (проверка сертификатов)",
                "form": "seminar",
                "level": "municipal",
                "organiser_kind": "imc",
                "organiser_name": "МБУ ИМЦ УО Яйского округа",
                "starts_at": ahead.isoformat(),
                "ends_at": (ahead + timedelta(hours=2)).isoformat(),
                "venue": "МБУ ИМЦ, актовый зал (проверка сертификатов)",
                "hours": 2,
            },
        )
        assert created.status_code == 201, created.text
        event = created.json()
        for person in chosen:
            registered = client.post(
                f"{scheduling}/events/{event['id']}/registrations",
                json={
                    "person_id": person["id"],
                    "full_name": person["full_name"],
                    "organisation_id": person["organisation_id"],
                    "registered_by": "school",
                },
            )
            assert registered.status_code == 201, registered.text
        past = (datetime.now(UTC) - timedelta(days=2)).replace(
            hour=4, minute=0, second=0, microsecond=0
        )
        moved = client.patch(
            f"{scheduling}/events/{event['id']}",
            json={
                "starts_at": past.isoformat(),
                "ends_at": (past + timedelta(hours=2)).isoformat(),
            },
        )
        assert moved.status_code == 200, moved.text
        marked = client.post(
            f"{scheduling}/events/{event['id']}/attendance",
            json={"person_ids": [p["id"] for p in chosen], "attended": True},
        )
        assert marked.status_code == 200, marked.text
        assert all(r["attended"] for r in marked.json())
        rows = client.get(f"{scheduling}/events/{event['id']}/registrations").json()
        assert sum(r["attended"] for r in rows) == 2
    return event, [str(p["full_name"]) for p in chosen]


async def test_the_methodist_issues_certificates_and_downloads_the_zip(
    page: Page,
    stack: Stack,
    demo_data: dict,
    portal_accounts: dict,
    snapshot: Any,
    tmp_path: Any,
) -> None:
    event, names = past_event_with_two_attendees(stack)
    base = services(stack, "yaya")["portal"]

    await log_in(page, base, "metodist@yaya", demo.password(demo_data))
    await page.goto(f"{base}/calendar/{event['id']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(event["title"])
    for name in names:
        await expect(page.locator("#confirmed-list")).to_contain_text(name)
    await page.get_by_role("button", name="Выдать сертификаты участникам").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Выдача сертификатов участникам"
    )
    assert "/certificates/batches/" in page.url
    await expect(page.locator("#batch-total")).to_have_text("2")
    await expect(page.locator("#batch-progress")).to_be_visible()
    await snapshot(page, "certificates-progress")

    # the page reloads itself every 2 s until the job is finished
    await expect(page.locator("#batch")).to_have_attribute("data-status", "done", timeout=180_000)
    await expect(page.locator("#batch-done")).to_have_text("2")
    await expect(page.locator("#batch-failed")).to_have_text("0")
    await expect(page.locator("#batch-refresh")).to_have_count(0)
    await expect(page.locator("#batch-retry")).to_have_count(0)
    await snapshot(page, "certificates-done")

    async with page.expect_download() as started:
        await page.get_by_role("link", name="Скачать архив сертификатов (ZIP)").click()
    download = await started.value
    saved = tmp_path / "certificates.zip"
    await download.save_as(saved)
    assert zipfile.is_zipfile(saved)
    with zipfile.ZipFile(saved) as pack:
        pdfs = [n for n in pack.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 2, pack.namelist()
        for name in pdfs:
            assert pack.read(name).startswith(b"%PDF")
