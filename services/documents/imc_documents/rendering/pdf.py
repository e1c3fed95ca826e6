"""Convert DOCX to PDF with LibreOffice running headless, one process per document.

Each conversion starts ``soffice --headless --convert-to pdf`` in a fresh
temporary directory. The converter keeps its own LibreOffice user profile
(``-env:UserInstallation``) so that it works as root, does not hand the job to
another running LibreOffice and can run next to other converters; a lock makes
one converter run one conversion at a time. The first conversion with a new
profile is slower, because LibreOffice initialises the profile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path
from types import TracebackType

DEFAULT_TIMEOUT_SECONDS = 120.0
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

    def _command(self, source: Path, outdir: Path) -> list[str]:
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
            str(source),
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

    async def _run(self, source: Path, workdir: Path) -> bytes:
        env = dict(os.environ, HOME=str(self.profile_dir))
        process = await asyncio.create_subprocess_exec(
            *self._command(source, workdir / "out"),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=workdir,
            env=env,
            start_new_session=True,  # own process group: a timeout kills soffice.bin too
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), self.timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise PdfConversionError(
                f"LibreOffice не преобразовал документ в PDF за {self.timeout:g} с"
            ) from None
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
        pdf = await asyncio.to_thread(_read_result, workdir)
        if process.returncode != 0 or not pdf:
            output = (stderr or stdout).decode(errors="replace").strip()
            raise PdfConversionError(
                f"LibreOffice завершился с кодом {process.returncode} без PDF: {output}"
            )
        return pdf

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
