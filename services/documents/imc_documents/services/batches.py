"""Use cases: bulk jobs — many documents of one template in one job, with progress,
retries and a ZIP of the results.

A job is stored with all its items before any is rendered (a refused item refuses the
whole job with its position and field, so nothing is half-registered). A background
runner renders the pending items through :class:`PaperService` — each item once per
(source key, template version), so a job posted or run again never duplicates a
document — in groups the batching converter turns into few LibreOffice runs. A failing
item is tried up to ``max_attempts`` times, then reported as failed with its error; it
is never skipped silently, and ``retry`` puts the failed items back in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError

from imc_documents.db.models import Batch, BatchItem, Document
from imc_documents.services.papers import (
    PaperService,
    RenderRequest,
    data_key,
    paper_template,
    parse_data,
)
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)

MAX_ITEMS = 5000


@dataclass(frozen=True)
class NewItem:
    """One item of a posted job: its data and optional source key."""

    data: Mapping[str, Any]
    source_key: str = ""


@dataclass(frozen=True)
class FailedItem:
    """An item that gave up, as the progress report shows it."""

    position: int
    source_key: str
    attempts: int
    error: str


@dataclass(frozen=True)
class Progress:
    """Where a job stands."""

    batch: Batch
    done: int
    failed: int
    pending: int
    failures: list[FailedItem]

    @property
    def percent(self) -> int:
        """Share of the items finished (made or given up), 0–100."""
        total = self.batch.total
        return 100 if total == 0 else (self.done + self.failed) * 100 // total


def _job_key(template: str, keys: Sequence[str]) -> str:
    digest = hashlib.sha256(json.dumps([template, list(keys)]).encode()).hexdigest()
    return f"items:{digest}"


class BatchService:
    """Creates jobs, runs their items, reports progress and builds the archive."""

    def __init__(
        self,
        *,
        database: Database,
        papers: PaperService,
        store: FileStore,
        group_size: int = 50,
        max_attempts: int = 3,
    ) -> None:
        self.database = database
        self.papers = papers
        self.store = store
        self.group_size = max(1, group_size)
        self.max_attempts = max(1, max_attempts)
        self.wake = asyncio.Event()

    async def create(
        self,
        template: str,
        items: Sequence[NewItem],
        *,
        key: str = "",
        organisation_id: UUID | None = None,
    ) -> tuple[Batch, bool]:
        """Store a job and its items (or find the same job); ``True`` when created."""
        paper_template(template)
        if not items:
            raise InvalidInput("В задании нет ни одного документа", field="items")
        if len(items) > MAX_ITEMS:
            raise InvalidInput(f"В одном задании не больше {MAX_ITEMS} документов", field="items")
        keys: list[str] = []
        for position, item in enumerate(items):
            try:
                parse_data(template, item.data)
            except InvalidInput as error:
                raise InvalidInput(
                    f"Документ № {position + 1}: {error.message}",
                    field=f"items[{position}].{error.field}",
                ) from error
            source_key = item.source_key.strip() or data_key(item.data)
            if len(source_key) > 200:
                raise InvalidInput(
                    "Ключ источника длиннее 200 символов", field=f"items[{position}].source_key"
                )
            keys.append(source_key)
        if len(set(keys)) != len(keys):
            twin = next(i for i, k in enumerate(keys) if keys.index(k) != i)
            raise InvalidInput(
                f"Документ № {twin + 1} повторяет документ № {keys.index(keys[twin]) + 1}",
                field=f"items[{twin}]",
            )
        job_key = key.strip() or _job_key(template, keys)
        existing = await self._by_key(job_key)
        if existing is not None:
            if existing.template != template:
                raise Conflict("Задание с этим ключом уже создано для другого шаблона", field="key")
            return existing, False
        batch = Batch(
            key=job_key, template=template, total=len(items), organisation_id=organisation_id
        )
        try:
            async with self.database.transaction() as session:
                session.add(batch)
                await session.flush()
                session.add_all(
                    BatchItem(
                        batch_id=batch.id,
                        position=position,
                        source_key=source_key,
                        data=dict(item.data),
                    )
                    for position, (item, source_key) in enumerate(zip(items, keys, strict=True))
                )
        except IntegrityError:
            twin_batch = await self._by_key(job_key)
            if twin_batch is None:
                raise
            return twin_batch, False
        self.wake.set()
        log.info("bulk job created", id=str(batch.id), template=template, total=len(items))
        return batch, True

    async def _by_key(self, key: str) -> Batch | None:
        async with self.database.sessions() as session:
            found: Batch | None = await session.scalar(sa.select(Batch).where(Batch.key == key))
            return found

    async def progress(self, batch_id: UUID) -> Progress:
        """The job's counts and its failed items."""
        async with self.database.sessions() as session:
            batch = await session.get(Batch, batch_id)
            if batch is None:
                raise NotFound("Задание не найдено", field="batch_id")
            counts = dict(
                (
                    await session.execute(
                        sa.select(BatchItem.status, sa.func.count())
                        .where(BatchItem.batch_id == batch_id)
                        .group_by(BatchItem.status)
                    )
                ).all()
            )
            failed_rows = (
                await session.scalars(
                    sa.select(BatchItem)
                    .where(BatchItem.batch_id == batch_id, BatchItem.status == "failed")
                    .order_by(BatchItem.position)
                )
            ).all()
        return Progress(
            batch=batch,
            done=counts.get("done", 0),
            failed=counts.get("failed", 0),
            pending=counts.get("pending", 0),
            failures=[
                FailedItem(
                    position=row.position,
                    source_key=row.source_key,
                    attempts=row.attempts,
                    error=row.error,
                )
                for row in failed_rows
            ],
        )

    async def retry(self, batch_id: UUID) -> Progress:
        """Put the job's failed items back in the queue with fresh attempts."""
        async with self.database.transaction() as session:
            batch = await session.get(Batch, batch_id)
            if batch is None:
                raise NotFound("Задание не найдено", field="batch_id")
            result = await session.execute(
                sa.update(BatchItem)
                .where(BatchItem.batch_id == batch_id, BatchItem.status == "failed")
                .values(status="pending", attempts=0)
            )
            if result.rowcount:  # type: ignore[attr-defined]
                batch.status = "running"
                batch.finished_at = None
        self.wake.set()
        return await self.progress(batch_id)

    async def run_pending(self) -> int:
        """Render every pending item of every unfinished job; return how many were tried."""
        tried = 0
        while True:
            async with self.database.sessions() as session:
                rows = (
                    await session.execute(
                        sa.select(BatchItem, Batch.template, Batch.organisation_id)
                        .join(Batch, Batch.id == BatchItem.batch_id)
                        .where(BatchItem.status == "pending")
                        .order_by(Batch.created_at, BatchItem.batch_id, BatchItem.position)
                        .limit(self.group_size)
                    )
                ).all()
            if not rows:
                await self._finish_jobs()
                return tried
            await self._mark_running({row[0].batch_id for row in rows})
            await asyncio.gather(*(self._run_item(*row) for row in rows))
            tried += len(rows)
            await self._finish_jobs()

    async def _mark_running(self, batch_ids: set[UUID]) -> None:
        async with self.database.transaction() as session:
            await session.execute(
                sa.update(Batch)
                .where(Batch.id.in_(batch_ids), Batch.status == "pending")
                .values(status="running")
            )

    async def _run_item(self, item: BatchItem, template: str, organisation_id: UUID | None) -> None:
        try:
            rendered = await self.papers.render(
                RenderRequest(
                    template=template,
                    data=item.data,
                    source_key=item.source_key,
                    organisation_id=organisation_id,
                )
            )
        except Exception as error:  # reported on the item, retried, never dropped
            attempts = item.attempts + 1
            status = "failed" if attempts >= self.max_attempts else "pending"
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            log.warning(
                "bulk item failed", batch=str(item.batch_id), position=item.position, error=message
            )
            async with self.database.transaction() as session:
                await session.execute(
                    sa.update(BatchItem)
                    .where(BatchItem.id == item.id)
                    .values(status=status, attempts=attempts, error=message[:1000])
                )
            return
        async with self.database.transaction() as session:
            await session.execute(
                sa.update(BatchItem)
                .where(BatchItem.id == item.id)
                .values(
                    status="done",
                    attempts=item.attempts + 1,
                    error="",
                    document_id=rendered.document.id,
                )
            )

    async def _finish_jobs(self) -> None:
        """Close the running jobs with nothing pending: done, or failed if an item gave up."""
        async with self.database.transaction() as session:
            running = (
                await session.scalars(sa.select(Batch).where(Batch.status == "running"))
            ).all()
            for batch in running:
                statuses = set(
                    (
                        await session.scalars(
                            sa.select(BatchItem.status)
                            .where(BatchItem.batch_id == batch.id)
                            .distinct()
                        )
                    ).all()
                )
                if "pending" in statuses:
                    continue
                batch.status = "failed" if "failed" in statuses else "done"
                batch.finished_at = datetime.now(UTC)
                log.info("bulk job finished", id=str(batch.id), status=batch.status)

    async def archive(self, batch_id: UUID) -> tuple[Batch, bytes]:
        """A ZIP of the job's documents (PDF and DOCX of each) once the job is finished."""
        progress = await self.progress(batch_id)
        batch = progress.batch
        if batch.status not in ("done", "failed"):
            raise Conflict(
                f"Задание ещё выполняется: готово {progress.done} из {batch.total} "
                f"({progress.percent}%)",
                field="batch_id",
            )
        async with self.database.sessions() as session:
            rows = (
                await session.execute(
                    sa.select(BatchItem.position, Document)
                    .join(Document, Document.id == BatchItem.document_id)
                    .where(BatchItem.batch_id == batch_id, BatchItem.status == "done")
                    .order_by(BatchItem.position)
                )
            ).all()
        return batch, await asyncio.to_thread(self._zip, rows, progress)

    def _zip(self, rows: Sequence[Any], progress: Progress) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for position, document in rows:
                stem = f"{position + 1:04d}-{document.number or document.id}"
                archive.writestr(f"pdf/{stem}.pdf", self.store.get(document.pdf_key))
                archive.writestr(f"docx/{stem}.docx", self.store.get(document.docx_key))
            if progress.failures:
                lines = [
                    f"Документ № {f.position + 1} ({f.source_key}): не сформирован после "
                    f"{f.attempts} попыток: {f.error}"
                    for f in progress.failures
                ]
                archive.writestr("ОШИБКИ.txt", "\n".join(lines) + "\n")
        return buffer.getvalue()


class BatchRunner:
    """The background worker running the pending items of bulk jobs."""

    def __init__(self, service: BatchService, *, idle_seconds: float = 5.0) -> None:
        self.service = service
        self.idle_seconds = idle_seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start in the running event loop."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._loop(), name="imc-documents-batches"
            )

    async def stop(self) -> None:
        """Stop; unfinished items stay pending for the next start."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            self.service.wake.clear()
            try:
                await self.service.run_pending()
            except Exception:
                log.exception("bulk runner failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.service.wake.wait(), self.idle_seconds)
