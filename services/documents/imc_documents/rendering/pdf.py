"""Convert DOCX to PDF with LibreOffice running headless.

:class:`PdfConverter` starts ``soffice --headless --convert-to pdf`` in a fresh
temporary directory: :meth:`PdfConverter.convert` for one document,
:meth:`PdfConverter.convert_many` for many documents in *one* LibreOffice run
(its start-up, about 1.5 s on two cores, is paid once instead of per document).
The converter keeps its own LibreOffice user profile (``-env:UserInstallation``)
so that it works as root, does not hand the job to another running LibreOffice
and can run next to other converters; the profile is reused by every run, so it
is initialised only once. A lock makes one converter run one LibreOffice at a time.

:class:`WarmConverter` is the long-lived worker the service uses: it has the
same ``convert`` method, but queues the documents and converts whatever is
queued together in one LibreOffice run (up to ``max_batch`` documents, waiting
``window`` seconds for company), so concurrent requests, the papers of one
council meeting and bulk jobs share start-ups.

Why not a LibreOffice listening on a socket (``--accept``, unoserver): that
needs the ``uno`` Python module, which the service's Python does not have; a
second ``soffice --convert-to`` with the same profile does hand its job to a
running instance, but in headless mode that instance quits after the job.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import shutil
import signal
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

DEFAULT_TIMEOUT_SECONDS = 120.0
PER_DOCUMENT_TIMEOUT_SECONDS = 10.0
"""Extra time a batch run gets for each document it converts."""
_ZIP_MAGIC = b"PK\x03\x04"


class PdfConversionError(RuntimeError):
    """LibreOffice failed to convert a document, or did not finish in time."""


class ConverterUnavailableError(PdfConversionError):
    """No LibreOffice executable (``soffice`` or ``libreoffice``) was found."""


def find_soffice() -> str:
    """Return the path of the LibreOffice executable on PATH (``soffice``, then ``libreoffice``)."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise ConverterUnavailableError(
        "LibreOffice не найден: нет soffice или libreoffice в PATH "
        "(Debian: apt-get install libreoffice-writer-nogui fonts-liberation2)"
    )


def _prepare(workdir: Path, docx: bytes) -> Path:
    source = workdir / "document.docx"
    source.write_bytes(docx)
    (workdir / "out").mkdir()
    return source


def _read_result(workdir: Path) -> bytes | None:
    result = workdir / "out" / "document.pdf"
    return result.read_bytes() if result.exists() else None


def _prepare_many(workdir: Path, documents: Sequence[bytes]) -> list[Path]:
    (workdir / "out").mkdir()
    sources = []
    for index, docx in enumerate(documents):
        source = workdir / f"d{index:05d}.docx"
        source.write_bytes(docx)
        sources.append(source)
    return sources


def _read_many(workdir: Path, count: int) -> list[bytes | None]:
    results: list[bytes | None] = []
    for index in range(count):
        result = workdir / "out" / f"d{index:05d}.pdf"
        results.append(result.read_bytes() if result.exists() else None)
    return results


class PdfConverter:
    """Converts DOCX bytes to PDF bytes with a headless LibreOffice.

    ``soffice`` defaults to the executable found on PATH; ``profile_dir`` to a
    private temporary directory removed by :meth:`close`. Conversions through
    one converter are serialised by an asyncio lock.
    """

    def __init__(
        self,
        soffice: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        profile_dir: Path | None = None,
    ) -> None:
        """Locate LibreOffice and set up the private user profile directory."""
        self.soffice = soffice or find_soffice()
        self.timeout = timeout
        self._owns_profile = profile_dir is None
        self.profile_dir = profile_dir or Path(tempfile.mkdtemp(prefix="imc-lo-profile-"))
        self._lock = asyncio.Lock()

    def _command(self, sources: Sequence[Path], outdir: Path) -> list[str]:
        return [
            self.soffice,
            f"-env:UserInstallation={self.profile_dir.resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            *(str(source) for source in sources),
        ]

    async def convert(self, docx: bytes) -> bytes:
        """Convert one DOCX document to PDF and return the PDF bytes.

        Raises :class:`PdfConversionError` when the input is not a ZIP (DOCX)
        file, when LibreOffice fails or produces no PDF, or when it runs longer
        than ``timeout`` seconds (the process group is killed).
        """
        if not docx.startswith(_ZIP_MAGIC):
            raise PdfConversionError("Это не документ DOCX: содержимое не является ZIP-архивом")
        async with self._lock:
            workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="imc-lo-job-"))
            try:
                source = await asyncio.to_thread(_prepare, workdir, docx)
                return await self._run(source, workdir)
            finally:
                await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def convert_many(self, documents: Sequence[bytes]) -> list[bytes | PdfConversionError]:
        """Convert several DOCX documents in one LibreOffice run.

        Returns one result per document, in order: the PDF bytes, or the
        :class:`PdfConversionError` of that document. A document LibreOffice
        could not convert in the shared run is tried once more on its own (which
        also names its error), so one broken document never fails the others and
        is never silently dropped. When the shared run itself fails (a crash, a
        timeout) the batch is split in halves and each half is tried again.
        """
        results: list[bytes | PdfConversionError | None] = [None] * len(documents)
        valid = []
        for index, docx in enumerate(documents):
            if docx.startswith(_ZIP_MAGIC):
                valid.append(index)
            else:
                results[index] = PdfConversionError(
                    "Это не документ DOCX: содержимое не является ZIP-архивом"
                )
        converted = await self._convert_indexed([documents[i] for i in valid])
        for index, result in zip(valid, converted, strict=True):
            results[index] = result
        return [r if r is not None else PdfConversionError("нет результата") for r in results]

    async def _convert_indexed(
        self, documents: Sequence[bytes]
    ) -> list[bytes | PdfConversionError]:
        if not documents:
            return []
        if len(documents) == 1:
            try:
                return [await self.convert(documents[0])]
            except PdfConversionError as error:
                return [error]
        try:
            produced = await self._run_many(documents)
        except PdfConversionError:
            middle = len(documents) // 2
            return await self._convert_indexed(documents[:middle]) + await self._convert_indexed(
                documents[middle:]
            )
        results: list[bytes | PdfConversionError] = []
        for docx, pdf in zip(documents, produced, strict=True):
            if pdf:
                results.append(pdf)
                continue
            try:
                results.append(await self.convert(docx))
            except PdfConversionError as error:
                results.append(error)
        return results

    async def _run_many(self, documents: Sequence[bytes]) -> list[bytes | None]:
        async with self._lock:
            workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="imc-lo-batch-"))
            try:
                sources = await asyncio.to_thread(_prepare_many, workdir, documents)
                timeout = self.timeout + PER_DOCUMENT_TIMEOUT_SECONDS * len(documents)
                await self._soffice(sources, workdir, timeout)
                return await asyncio.to_thread(_read_many, workdir, len(documents))
            finally:
                await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def _run(self, source: Path, workdir: Path) -> bytes:
        returncode, output = await self._soffice([source], workdir, self.timeout)
        pdf = await asyncio.to_thread(_read_result, workdir)
        if returncode != 0 or not pdf:
            raise PdfConversionError(
                f"LibreOffice завершился с кодом {returncode} без PDF: {output}"
            )
        return pdf

    async def _soffice(
        self, sources: Sequence[Path], workdir: Path, limit: float
    ) -> tuple[int | None, str]:
        """Run LibreOffice on ``sources``; return its exit code and its output."""
        env = dict(os.environ, HOME=str(self.profile_dir))
        process = await asyncio.create_subprocess_exec(
            *self._command(sources, workdir / "out"),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=workdir,
            env=env,
            start_new_session=True,  # own process group: a timeout kills soffice.bin too
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), limit)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise PdfConversionError(
                f"LibreOffice не преобразовал документ в PDF за {limit:g} с"
            ) from None
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
        return process.returncode, (stderr or stdout).decode(errors="replace").strip()

    def close(self) -> None:
        """Remove the private profile directory if this converter created it."""
        if self._owns_profile:
            shutil.rmtree(self.profile_dir, ignore_errors=True)

    async def __aenter__(self) -> PdfConverter:
        """Use the converter in ``async with``; the profile is removed on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Remove the private profile directory."""
        self.close()


@dataclass
class _Job:
    docx: bytes
    future: asyncio.Future[bytes] = field(repr=False)


class WarmConverter:
    """A long-lived converter worker: queued documents are converted in batches.

    ``convert`` has the interface of :meth:`PdfConverter.convert`; the document
    waits in a queue, and one background task converts everything queued (up to
    ``max_batch`` documents, after waiting ``window`` seconds for more) in one
    LibreOffice run with the converter's reused profile. ``start``/``stop`` make
    it a runtime worker; ``convert`` starts it on first use as well.
    """

    def __init__(
        self,
        converter: PdfConverter | Sequence[PdfConverter],
        *,
        max_batch: int = 50,
        window: float = 0.05,
    ) -> None:
        """Wrap ``converter`` (several: one LibreOffice each, working in parallel);
        batches hold at most ``max_batch`` documents."""
        self.converters = [converter] if isinstance(converter, PdfConverter) else list(converter)
        if not self.converters:
            raise ValueError("WarmConverter needs at least one PdfConverter")
        self.converter = self.converters[0]
        self.max_batch = max(1, max_batch)
        self.window = max(0.0, window)
        self._queue: asyncio.Queue[_Job] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.batches = 0
        """How many LibreOffice batch runs the worker made (for logs and tests)."""

    def start(self) -> None:
        """Start the background tasks (in the running event loop), one per LibreOffice."""
        if not self._tasks or all(task.done() for task in self._tasks):
            queue: asyncio.Queue[_Job] = asyncio.Queue()
            self._queue = queue
            loop = asyncio.get_running_loop()
            self._tasks = [
                loop.create_task(self._loop(queue, converter), name=f"imc-converter-{index}")
                for index, converter in enumerate(self.converters)
            ]

    async def stop(self) -> None:
        """Stop the worker; waiting conversions fail; the profile is removed if owned."""
        tasks, queue = self._tasks, self._queue
        self._tasks, self._queue = [], None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        while queue is not None and not queue.empty():
            job = queue.get_nowait()
            if not job.future.done():
                job.future.set_exception(PdfConversionError("Преобразователь PDF остановлен"))
        for converter in self.converters:
            converter.close()

    async def convert(self, docx: bytes) -> bytes:
        """Convert one DOCX document to PDF in the next batch."""
        if not docx.startswith(_ZIP_MAGIC):
            raise PdfConversionError("Это не документ DOCX: содержимое не является ZIP-архивом")
        self.start()
        assert self._queue is not None
        job = _Job(docx, asyncio.get_running_loop().create_future())
        self._queue.put_nowait(job)
        return await job.future

    async def convert_many(self, documents: Sequence[bytes]) -> list[bytes | PdfConversionError]:
        """Convert many documents (batched by the worker); one result per document."""
        results = await asyncio.gather(
            *(self.convert(docx) for docx in documents), return_exceptions=True
        )
        out: list[bytes | PdfConversionError] = []
        for result in results:
            if isinstance(result, bytes | PdfConversionError):
                out.append(result)
            elif isinstance(result, BaseException):
                raise result
        return out

    async def warm_up(self) -> None:
        """Initialise the LibreOffice profile now rather than on the first document."""
        import docx  # python-docx, a dependency of docxtpl

        buffer = io.BytesIO()
        docx.Document().save(buffer)
        await self.convert(buffer.getvalue())

    async def _loop(self, queue: asyncio.Queue[_Job], converter: PdfConverter) -> None:
        while True:
            batch = [await queue.get()]
            if queue.qsize() < self.max_batch - 1 and self.window:
                await asyncio.sleep(self.window)
            while len(batch) < self.max_batch and not queue.empty():
                batch.append(queue.get_nowait())
            batch = [job for job in batch if not job.future.done()]
            if not batch:
                continue
            self.batches += 1
            try:
                results = await converter.convert_many([job.docx for job in batch])
            except asyncio.CancelledError:
                for job in batch:
                    if not job.future.done():
                        job.future.set_exception(
                            PdfConversionError("Преобразователь PDF остановлен")
                        )
                raise
            except Exception as error:  # never let the worker die with futures pending
                results = [PdfConversionError(f"Ошибка преобразования в PDF: {error}")] * len(batch)
            for job, result in zip(batch, results, strict=True):
                if job.future.done():
                    continue
                if isinstance(result, bytes):
                    job.future.set_result(result)
                else:
                    job.future.set_exception(result)

    async def __aenter__(self) -> WarmConverter:
        """Start the worker."""
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the worker and remove an owned profile."""
        await self.stop()
