"""The organisations import pages against a fake registry served over real HTTP.

The fake answers ``POST /organisations/import`` as the registry does (its report shape,
its 400 for an unreadable file, its 422 for an unclean real import) and records every
call: the ``dry_run`` asked, the role of the token, the bytes received.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import jwt
import pytest
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import UploadFile

from imc_portal.services.imports import UploadStore
from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role

pytestmark = pytest.mark.timeout(60)

HEADER = "Полное наименование;Краткое наименование;Тип;Электронная почта\r\n"
CLEAN = (
    HEADER + "Муниципальное бюджетное общеобразовательное учреждение «Школа № 7»;"
    "МБОУ «Школа № 7»;СОШ;s7@yaya.example.ru\r\n"
    "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 9»;"
    "МБДОУ «Детский сад № 9»;ДОУ;ds9@yaya.example.ru\r\n"
).encode("cp1251")
BAD = (HEADER + "Школа с плохой почтой;СОШ № 5;СОШ;почта\r\n").encode("cp1251")
UNREADABLE = b"just; some; words\r\n"


class Calls:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []


CALLS = Calls()


def _report(*, dry_run: bool, clean: bool, rows: int, imported: int = 0) -> dict[str, Any]:
    errors = (
        []
        if clean
        else [
            {
                "line": 2,
                "field": "email",
                "column": "Электронная почта",
                "message": "адрес электронной почты «почта» указан неверно",
            }
        ]
    )
    if not clean:
        message = "Найдены ошибки в строках: 2. Ничего не загружено — исправьте файл"
    elif dry_run:
        message = f"Ошибок нет: можно загрузить организаций — {rows}"
    else:
        message = f"Загружено организаций: {imported}"
    return {
        "dry_run": dry_run,
        "clean": clean,
        "message": message,
        "file_format": "csv",
        "encoding": "cp1251",
        "delimiter": ";",
        "sheet": None,
        "header_line": 1,
        "columns": ["full_name", "short_name", "kind", "email"],
        "total_rows": rows,
        "valid_rows": rows - (0 if clean else 1),
        "imported": imported,
        "bad_lines": [] if clean else [2],
        "errors": errors,
        "rows": [],
    }


@post("/registry/organisations/import", status_code=200)
async def import_file(request: Request[Any, Any, Any]) -> Response[Any]:
    header = request.headers.get("authorization", "")
    claims = jwt.decode(header[7:], options={"verify_signature": False}) if header else {}
    form = await request.form()
    upload = form.get("file")
    assert isinstance(upload, UploadFile)
    content = await upload.read()
    dry_run = request.query_params.get("dry_run", "true") == "true"
    CALLS.seen.append(
        {
            "dry_run": dry_run,
            "role": claims.get("role"),
            "filename": upload.filename,
            "content": content,
        }
    )
    if content == UNREADABLE:
        return Response(
            {
                "error": "invalid_input",
                "message": "В строке заголовков 1 нет столбцов: «Полное наименование»",
                "field": "file",
            },
            status_code=400,
        )
    clean = content == CLEAN
    rows = 2 if clean else 1
    report = _report(dry_run=dry_run, clean=clean, rows=rows, imported=rows if clean else 0)
    if not dry_run and clean:
        return Response(report)
    return Response(report, status_code=422 if not dry_run else 200)


@get("/registry/organisations")
async def organisations() -> list[Any]:
    return []


@get("/{prefix:str}/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@pytest.fixture(scope="module")
def services(kit: Any) -> Iterator[Any]:
    server = kit.FakeBackends(Litestar([import_file, organisations, health], logging_config=None))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_calls() -> None:
    CALLS.seen.clear()


def settings_of(services: Any, **extra: Any) -> PortalSettings:
    values: dict[str, Any] = {
        "district": "yaya",
        "district_name": "Яйский муниципальный округ",
        "mode": "district",
        "registry_url": services.url("registry"),
        "auth_signing_key": testing.keys()[PORTAL_KEY_ID][0],
    }
    return PortalSettings(service="portal", **{**values, **extra})


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def upload(client: Any, name: str, content: bytes, csrf: str | None = None) -> Any:
    if csrf is None:
        csrf = csrf_of((await client.get("/organisations/import")).text)
    return await client.post(
        "/organisations/import",
        data={"csrf_token": csrf},
        files={"file": (name, content, "text/csv")},
    )


def database_of(tmp_path: Path) -> Path:
    return next(tmp_path.glob("portal-*.db"))


def kept(tmp_path: Path) -> list[Path]:
    root = tmp_path / "imports"
    return sorted(root.iterdir()) if root.is_dir() else []


async def test_the_organisations_page_links_the_import_for_staff_only(
    services: Any, portal: Any
) -> None:
    async with portal(settings_of(services), role=Role.METHODIST) as client:
        form = await client.get("/organisations/import")
        listing = await client.get("/organisations")
    assert listing.status_code == 200, listing.text
    assert 'href="/organisations/import"' in listing.text
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    assert '<label for="import-file">' in form.text
    assert "<progress" in form.text and "Файл проверяется…" in form.text


async def test_dry_run_errors_are_shown_with_their_lines(
    services: Any, portal: Any, tmp_path: Path
) -> None:
    async with portal(settings_of(services)) as client:
        page = await upload(client, "организации.csv", BAD)
    assert page.status_code == 200, page.text
    assert [call["dry_run"] for call in CALLS.seen] == [True]
    assert CALLS.seen[0]["role"] == "methodist"
    assert CALLS.seen[0]["content"] == BAD
    assert CALLS.seen[0]["filename"] == "организации.csv"
    html = page.text
    row = re.search(r'<tr data-line="2">(.*?)</tr>', html, re.S)
    assert row, html
    assert ">2</th>" in row.group(1)
    assert "Электронная почта" in row.group(1)
    assert "адрес электронной почты «почта» указан неверно" in row.group(1)
    assert "Найдены ошибки в строках: 2" in html
    assert "Загрузить 1" not in html  # no import button for a file with errors
    assert "/organisations/import/" not in html.replace('action="/organisations/import"', "")
    assert kept(tmp_path) == []  # nothing kept for a bad file


async def test_clean_file_then_the_button_imports_it_without_dry_run(
    services: Any, portal: Any, tmp_path: Path
) -> None:
    async with portal(settings_of(services)) as client:
        page = await upload(client, "организации.csv", CLEAN)
        assert page.status_code == 200, page.text
        assert "Загрузить 2 организации" in page.text
        action = re.search(r'action="(/organisations/import/[^"]+)"', page.text)
        assert action, page.text
        assert len(kept(tmp_path)) == 1
        done = await client.post(
            action.group(1), data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
        )
        assert done.status_code == 303, done.text
        assert kept(tmp_path) == []  # the kept file is gone after the import
        final = await client.get(done.headers["location"])
        # the same button again: the file is gone, a Russian message
        again = await client.post(action.group(1), data={"csrf_token": csrf_of(page.text)})
    assert [(c["dry_run"], c["content"]) for c in CALLS.seen] == [(True, CLEAN), (False, CLEAN)]
    assert "Загружено 2 организации" in final.text
    assert 'href="/organisations"' in final.text
    assert again.status_code == 410
    assert "Файл для загрузки не найден" in again.text
    assert len(CALLS.seen) == 2


async def test_another_account_cannot_use_the_kept_file(
    services: Any, portal: Any, tmp_path: Path, kit: Any
) -> None:
    async with portal(settings_of(services)) as client:
        page = await upload(client, "организации.csv", CLEAN)
        action = re.search(r'action="(/organisations/import/[^"]+)"', page.text)
        assert action
        database = database_of(tmp_path)
        await kit.add_account(
            f"sqlite+aiosqlite:///{database}", login="other", role=Role.METHODIST, district="yaya"
        )
        assert (await kit.log_in(client, "other", kit.PASSWORD)).status_code == 303
        home = await client.get("/organisations/import")
        refused = await client.post(action.group(1), data={"csrf_token": csrf_of(home.text)})
    assert refused.status_code == 410
    assert [c["dry_run"] for c in CALLS.seen] == [True]
    assert len(kept(tmp_path)) == 1  # still there for its owner


async def test_registry_refusal_and_bad_files_are_shown_next_to_the_field(
    services: Any, portal: Any
) -> None:
    async with portal(settings_of(services, max_upload_mb=1)) as client:
        unreadable = await upload(client, "орг.csv", UNREADABLE)
        wrong_type = await upload(client, "приказ.pdf", b"%PDF-1.7")
        too_large = await upload(client, "большой.csv", b"a;b\r\n" * 300_000)
        empty = await upload(client, "пустой.csv", b"")
        # more than the whole request may carry ((3 × 1 + 1) MB): refused before the page
        huge = await upload(client, "огромный.csv", b"a;b\r\n" * 1_000_000)
    assert huge.status_code == 413
    assert "Слишком большой файл" in huge.text and "меньшего размера" in huge.text
    for page, words in [
        (unreadable, "В строке заголовков 1 нет столбцов"),
        (wrong_type, "загрузите таблицу в формате CSV или XLSX"),
        (too_large, "больше 1 МБ"),
        (empty, "пустой"),
    ]:
        assert page.status_code == 422, page.text
        error = re.search(
            r'<p class="field-error" id="import-file-error"[^>]*>([^<]+)</p>', page.text
        )
        assert error and words in error.group(1), page.text
        assert 'aria-describedby="import-file-error import-file-hint"' in page.text
    assert len(CALLS.seen) == 1  # only the readable-type file went to the registry


async def test_csrf_is_required_on_both_forms(services: Any, portal: Any) -> None:
    async with portal(settings_of(services)) as client:
        refused = await upload(client, "организации.csv", CLEAN, csrf="not-the-token")
        page = await upload(client, "организации.csv", CLEAN)
        action = re.search(r'action="(/organisations/import/[^"]+)"', page.text)
        assert action
        run_refused = await client.post(action.group(1), data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    assert "проверку безопасности" in refused.text
    assert run_refused.status_code == 403
    assert [c["dry_run"] for c in CALLS.seen] == [True]  # never imported


async def test_a_teacher_gets_403(services: Any, portal: Any) -> None:
    async with portal(settings_of(services), role=Role.TEACHER) as client:
        form = await client.get("/organisations/import")
        home = await client.get("/")
        posted = await upload(client, "организации.csv", CLEAN, csrf=csrf_of(home.text))
        organisations = await client.get("/organisations")
    assert form.status_code == 403
    assert "Доступ закрыт" in form.text
    assert posted.status_code == 403
    assert CALLS.seen == []
    assert 'href="/organisations/import"' not in organisations.text


def test_kept_files_expire_after_an_hour(tmp_path: Path) -> None:
    now = [datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]
    store = UploadStore(tmp_path / "imports", lambda: now[0])
    account = uuid4()
    key = store.keep(account, "орг.csv", CLEAN)
    assert store.take(account, key) is not None
    assert store.take(uuid4(), key) is None
    assert store.take(account, "../" + key) is None
    now[0] += timedelta(minutes=61)
    assert store.take(account, key) is None
    assert list((tmp_path / "imports").iterdir()) == []
