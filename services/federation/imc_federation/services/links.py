"""The background watcher that raises an alert when a federation link stays down."""

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime

import structlog

from imc_contracts import LINK_ALERT, LinkAlert
from imc_federation.domain.links import alert_changes
from imc_federation.domain.views import Link
from imc_federation.services.ingest import utc_now
from imc_federation.services.queries import list_links
from imc_federation.settings import FederationSettings
from imc_shared.db import Database
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


class LinkWatcher:
    """Looks at every link each ``link_watch_seconds``: logs an error once when a link
    enters the alert state and an info when it comes back, and announces both
    (LINK_ALERT) so the centre's coordinators are told."""

    def __init__(
        self,
        database: Database,
        settings: FederationSettings,
        *,
        outbox: Outbox | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.database = database
        self.settings = settings
        self.outbox = outbox
        self.clock = clock
        self.alerting: set[str] = set()
        self._task: asyncio.Task[None] | None = None

    async def check_once(self) -> list[Link]:
        """One look at the links; returns them."""
        links = await list_links(database=self.database, settings=self.settings, now=self.clock())
        by_code = {link.district: link for link in links}
        changes = alert_changes(self.alerting, by_code)
        for code in changes.entered:
            link = by_code[code]
            log.error(
                "federation link down",
                district=code,
                district_name=link.district_name,
                down_since=link.down_since.isoformat() if link.down_since else None,
                lag_seconds=link.lag_seconds,
            )
        for code in changes.recovered:
            log.info(
                "federation link recovered", district=code, lag_seconds=by_code[code].lag_seconds
            )
        self.alerting = (self.alerting | set(changes.entered)) - set(changes.recovered)
        await self._announce(
            [(by_code[code], True) for code in changes.entered]
            + [(by_code[code], False) for code in changes.recovered]
        )
        return links

    async def _announce(self, alerts: list[tuple[Link, bool]]) -> None:
        if self.outbox is None or not alerts:
            return
        async with self.database.transaction() as session:
            for link, raised in alerts:
                await self.outbox.put(
                    session,
                    LINK_ALERT,
                    LinkAlert(
                        district=link.district,
                        district_name=link.district_name,
                        raised=raised,
                        down_since=link.down_since,
                        lag_seconds=link.lag_seconds,
                    ),
                )

    async def _loop(self) -> None:
        while True:
            try:
                await self.check_once()
            except Exception:
                log.exception("link watch failed; retrying at the next interval")
            await asyncio.sleep(self.settings.link_watch_seconds)

    def start(self) -> None:
        """Start in the background."""
        self._task = asyncio.create_task(self._loop(), name="federation-link-watcher")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
