"""The background loop that runs the daily checks (expiry, warnings, report reminders)."""

import asyncio
import contextlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import structlog

from imc_applications.services.sites import run_daily_checks
from imc_applications.settings import ApplicationsSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


def district_today(time_zone: str) -> date:
    """Today's date in the district."""
    return datetime.now(ZoneInfo(time_zone)).date()


class DailyChecks:
    """Runs :func:`run_daily_checks` at start and then every ``lifecycle_interval_seconds``."""

    def __init__(self, database: Database, outbox: Outbox, settings: ApplicationsSettings) -> None:
        self.database = database
        self.outbox = outbox
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    async def run_once(self, today: date | None = None) -> None:
        """One pass, as of ``today`` (the district's date by default)."""
        await run_daily_checks(
            database=self.database,
            outbox=self.outbox,
            district=self.settings.district,
            today=today or district_today(self.settings.time_zone),
            warning_days=self.settings.warning_days(),
            reminder_days=self.settings.reminder_days(),
        )

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("daily checks failed; retrying at the next interval")
            await asyncio.sleep(self.settings.lifecycle_interval_seconds)

    def start(self) -> None:
        """Start in the background."""
        self._task = asyncio.create_task(self._loop(), name="daily-checks")

    async def stop(self) -> None:
        """Stop; the next start catches up (every check is idempotent)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
