"""Bulk jobs on a real database (SQLite and PostgreSQL): progress, retries, the ZIP, and
no duplicates when a job is posted or run again. LibreOffice is replaced by a stand-in
that can be told to fail for some participants."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_documents.api.controllers import BatchController
from imc_documents.app import MIGRATIONS
from imc_documents.db.models import Batch, BatchItem, Document
from imc_documents.domain.common import Letterhead
from imc_documents.services.batches import BatchRunner, BatchService, NewItem
from imc_documents.services.papers import PaperService
from imc_documents.settings import DocumentsSettings
from imc_shared import testing
from imc_shared.db import Database, migrate
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.http import create_http_app
from imc_shared.storage import FileStore

LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)


class FlakyConverter:
    """Fails for documents whose text holds a name in ``failures`` (n more times each)."""

    def __init__(self) -> None:
        self.calls = 0
        self.failures: dict[str, int] = {}

    async def convert(self, docx: bytes) -> bytes:
        self.calls += 1
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            text = archive.read("word/document.xml").decode()
        for name, left in self.failures.items():
            if name in text and left > 0:
                self.failures[name] = left - 1
                raise RuntimeError(f"LibreOffice упал на документе {name}")
        return b"%PDF-1.7 stand-in " + str(self.calls).encode()


def item(name: str, **changes: Any) -> NewItem:
    data = {
        "participant_name": name,
        "event_title": "Методический день учителей математики",
        "event_date": "2021-12-20",
        "hours": 4,
        **changes,
    }
    return NewItem(data=data, source_key=f"event:7:person:{name}")


NAMES = ["Кузнецова Мария Ивановна", "Петров Пётр Сергеевич", "Смирнова Анна Олеговна"]


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


@pytest.fixture
def converter() -> FlakyConverter:
    return FlakyConverter()


@pytest.fixture
def batches(database: Database, tmp_path: Path, converter: FlakyConverter) -> BatchService:
    store = FileStore(tmp_path / "files")
    papers = PaperService(
        database=database,
        store=store,
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url="https://imc.example",
    )
    return BatchService(database=database, papers=papers, store=store, group_size=2, max_attempts=3)


async def count(database: Database, model: Any) -> int:
    async with database.sessions() as session:
        return int(await session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


async def test_a_job_runs_retries_reports_and_zips(
    batches: BatchService, converter: FlakyConverter, database: Database
) -> None:
    converter.failures = {NAMES[1]: 2, "Лебедев": 99}
    batch, created = await batches.create("certificate", [*map(item, NAMES), item("Лебедев Олег")])
    assert created and batch.total == 4
    progress = await batches.progress(batch.id)
    assert (progress.batch.status, progress.pending, progress.percent) == ("pending", 4, 0)
    with pytest.raises(Conflict, match="ещё выполняется"):
        await batches.archive(batch.id)

    await batches.run_pending()
    progress = await batches.progress(batch.id)
    # Petrov failed twice and succeeded on the third try; Lebedev gave up after three.
    assert (progress.done, progress.failed, progress.pending, progress.percent) == (3, 1, 0, 100)
    assert progress.batch.status == "failed"
    [failure] = progress.failures
    assert failure.position == 3 and failure.attempts == 3
    assert "Лебедев" in failure.error
    _, content = await batches.archive(batch.id)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        errors = archive.read("ОШИБКИ.txt").decode()
    assert sum(n.startswith("pdf/") for n in names) == 3
    assert sum(n.startswith("docx/") for n in names) == 3
    assert names[0].startswith("pdf/0001-")
    assert "Документ № 4" in errors and "3 попыток" in errors

    converter.failures = {}
    progress = await batches.retry(batch.id)
    assert progress.pending == 1 and progress.batch.status == "running"
    await batches.run_pending()
    progress = await batches.progress(batch.id)
    assert (progress.done, progress.failed, progress.batch.status) == (4, 0, "done")
    assert await count(database, Document) == 4


async def test_posting_or_running_again_never_duplicates(
    batches: BatchService, converter: FlakyConverter, database: Database
) -> None:
    first, created = await batches.create("certificate", [item(n) for n in NAMES])
    await batches.run_pending()
    calls = converter.calls
    again, created_again = await batches.create("certificate", [item(n) for n in NAMES])
    assert created and not created_again and again.id == first.id
    # A new job (its own key) for overlapping people reuses their documents.
    other, created_other = await batches.create(
        "certificate", [item(NAMES[0]), item("Новикова Ольга")], key="event:7:second-wave"
    )
    assert created_other
    await batches.run_pending()
    assert converter.calls == calls + 1
    assert await count(database, Document) == 4
    assert await count(database, Batch) == 2
    progress = await batches.progress(other.id)
    assert (progress.done, progress.batch.status) == (2, "done")
    assert await batches.run_pending() == 0


async def test_a_bad_item_refuses_the_whole_job(batches: BatchService, database: Database) -> None:
    bad = NewItem(data={"event_title": "Семинар", "event_date": "2021-12-20"}, source_key="x")
    with pytest.raises(InvalidInput) as caught:
        await batches.create("certificate", [item(NAMES[0]), bad])
    assert caught.value.field == "items[1].data.participant_name"
    assert "Документ № 2" in caught.value.message
    with pytest.raises(InvalidInput) as twin:
        await batches.create("certificate", [item(NAMES[0]), item(NAMES[0])])
    assert twin.value.field == "items[1]"
    with pytest.raises(InvalidInput) as empty:
        await batches.create("certificate", [])
    assert empty.value.field == "items"
    assert await count(database, Batch) == 0
    assert await count(database, BatchItem) == 0


async def test_bulk_jobs_over_http(batches: BatchService, database: Database) -> None:
    await database.engine.dispose()
    # The runner works on the app's event loop, as in the service.
    runner = BatchRunner(batches, idle_seconds=0.05)
    app = create_http_app(
        [BatchController],
        settings=DocumentsSettings(service="documents", district="yaya", **testing.auth_settings()),
        title="Документы",
        dependencies={"batches": Provide(lambda: batches, sync_to_thread=False)},
        on_startup=[runner.start],
        on_shutdown=[runner.stop],
    )
    body = {
        "template": "certificate",
        "key": "event:7",
        "items": [{"data": item(n).data, "source_key": item(n).source_key} for n in NAMES],
    }
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth("yaya")
        created = await client.post("/batches", json=body)
        assert created.status_code == 202, created.text
        job = created.json()
        assert (job["total"], job["percent"], job["archive"]) == (3, 0, None)
        early = await client.get(f"/batches/{job['id']}/archive.zip")
        assert early.status_code in (200, 409)  # 409 while the runner is still at it
        for _ in range(400):
            shown = (await client.get(f"/batches/{job['id']}")).json()
            if shown["status"] in ("done", "failed"):
                break
            await asyncio.sleep(0.05)
        assert (shown["status"], shown["done"], shown["percent"]) == ("done", 3, 100)
        archive = await client.get(shown["archive"])
        assert archive.status_code == 200
        assert archive.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
            assert len(zipped.namelist()) == 6
        again = await client.post("/batches", json=body)
        assert again.status_code == 200 and again.json()["id"] == job["id"]
        bad = await client.post(
            "/batches", json={"template": "certificate", "items": [{"data": {"hours": 2}}]}
        )
        assert bad.status_code == 422
        assert "items[0].data." in bad.text
