"""Importing organisations from a table: the check (the registry's dry run), then the import.

The file a person uploads is checked by the registry (``POST /organisations/import`` with
``dry_run=true``); when it is clean the portal keeps it in a folder of its own, keyed by a
random id and the account that uploaded it, so that the «Загрузить» button sends the very
same bytes without a second upload. A kept file is removed after the import, or an hour
after the upload, whichever comes first.
"""

import json
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import msgspec
from sqlalchemy.engine import make_url

from imc_portal.clients import BackendClient
from imc_portal.settings import PortalSettings

SUFFIXES = {
    ".csv": "text/csv",
    ".txt": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
"""File types the registry reads, by the end of the file name."""
ACCEPT = (
    ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
KEEP_FOR = timedelta(hours=1)
IMPORT_PATH = "/organisations/import"


class ImportProblem(msgspec.Struct, kw_only=True):
    """One reason a line of the file cannot be imported (as the registry reports it)."""

    line: int
    field: str | None = None
    column: str | None = None
    message: str


class ImportResult(msgspec.Struct, kw_only=True):
    """The registry's import report (the part the pages show)."""

    dry_run: bool
    clean: bool
    message: str
    file_format: str = ""
    total_rows: int = 0
    valid_rows: int = 0
    imported: int = 0
    bad_lines: list[int] = msgspec.field(default_factory=list)
    errors: list[ImportProblem] = msgspec.field(default_factory=list)


class FileRejected(ValueError):
    """The uploaded file cannot be sent to the registry; ``message`` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_file(filename: str, content: bytes, *, max_mb: int) -> str:
    """The media type to send ``content`` as, or :class:`FileRejected` saying why not."""
    suffix = Path(filename).suffix.lower()
    if not filename:
        raise FileRejected("Выберите файл CSV или XLSX.")
    if suffix not in SUFFIXES:
        raise FileRejected(
            f"Файл «{filename}» не подходит: загрузите таблицу в формате CSV или XLSX."
        )
    if not content:
        raise FileRejected(f"Файл «{filename}» пустой.")
    if len(content) > max_mb * 1024 * 1024:
        raise FileRejected(f"Файл «{filename}» больше {max_mb} МБ: загрузите файл поменьше.")
    return SUFFIXES[suffix]


async def send_file(
    registry: BackendClient, filename: str, content: bytes, *, dry_run: bool
) -> ImportResult:
    """The registry's report on the file; it imports only when ``dry_run`` is false.

    A refusal (a file the registry cannot read, an unclean file at the real import) is
    :class:`~imc_portal.clients.BackendRefusedError` with the registry's message.
    """
    media_type = SUFFIXES.get(Path(filename).suffix.lower(), "application/octet-stream")
    return await registry.send(
        "POST",
        IMPORT_PATH,
        ImportResult,
        files={"file": (filename, content, media_type)},
        params={"dry_run": "true" if dry_run else "false"},
    )


@dataclass(frozen=True)
class KeptFile:
    """An uploaded file waiting for its import."""

    filename: str
    content: bytes


def uploads_dir(settings: PortalSettings) -> Path:
    """Where the portal keeps uploaded tables: next to its SQLite database, else in the
    system's temporary folder (one folder per instance)."""
    url = make_url(settings.database_url)
    if url.drivername.startswith("sqlite") and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / "imports"
    return Path(tempfile.gettempdir()) / f"imc-portal-{settings.district}-imports"


class UploadStore:
    """Uploaded files kept on disk for one hour, each readable only by its uploader."""

    def __init__(self, root: Path, clock: Callable[[], datetime]) -> None:
        self.root = root
        self.clock = clock

    def _folder(self, account_id: UUID, key: str) -> Path | None:
        if not key or not all(c.isalnum() or c in "-_" for c in key):
            return None
        return self.root / f"{account_id}-{key}"

    def keep(self, account_id: UUID, filename: str, content: bytes) -> str:
        """Keep the file; the random key that finds it again (for this account only)."""
        self.purge()
        key = secrets.token_urlsafe(24)
        folder = self._folder(account_id, key)
        assert folder is not None
        folder.mkdir(parents=True, mode=0o700)
        (folder / "content").write_bytes(content)
        meta = {"filename": filename, "kept_at": self.clock().isoformat()}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        return key

    def take(self, account_id: UUID, key: str) -> KeptFile | None:
        """The kept file, if it is this account's and not older than an hour."""
        self.purge()
        folder = self._folder(account_id, key)
        if folder is None or not folder.is_dir():
            return None
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
            return KeptFile(str(meta["filename"]), (folder / "content").read_bytes())
        except (OSError, ValueError, KeyError):
            return None

    def forget(self, account_id: UUID, key: str) -> None:
        """Remove the kept file (after its import)."""
        folder = self._folder(account_id, key)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def purge(self) -> None:
        """Remove every file kept for more than an hour."""
        if not self.root.is_dir():
            return
        now = self.clock()
        for folder in self.root.iterdir():
            try:
                meta = json.loads((folder / "meta.json").read_text("utf-8"))
                expired = now - datetime.fromisoformat(meta["kept_at"]) > KEEP_FOR
            except (OSError, ValueError, KeyError, TypeError):
                # Being written right now, or left broken: judged by the folder's age.
                try:
                    expired = time.time() - folder.stat().st_mtime > KEEP_FOR.total_seconds()
                except OSError:
                    continue
            if expired:
                shutil.rmtree(folder, ignore_errors=True)
