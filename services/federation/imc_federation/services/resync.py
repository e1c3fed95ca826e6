"""Use cases: ask the districts to send their current state again."""

import asyncio
import contextlib
from collections.abc import Sequence
from uuid import UUID

import structlog

from imc_contracts import RESYNC_REQUESTED, ResyncRequested
from imc_contracts.envelope import new_message_id
from imc_federation.services.queries import districts_without_data
from imc_federation.settings import FederationSettings
from imc_shared.db import Database
from imc_shared.errors import InvalidInput
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


async def request_resync(
    *,
    database: Database,
    outbox: Outbox,
    settings: FederationSettings,
    districts: Sequence[str] = (),
    reason: str,
) -> UUID:
    """Publish a resync request on ``imc.centre`` (every district when none is named);
    returns the request's id."""
    federated = settings.district_map()
    unknown = sorted(set(districts) - set(federated))
    if unknown:
        raise InvalidInput(
            "Округа не входят в федерацию центра: " + ", ".join(f"«{code}»" for code in unknown),
            field="districts",
        )
    request_id = new_message_id()
    payload = ResyncRequested(
        request_id=request_id, districts=tuple(sorted(set(districts))), reason=reason
    )
    async with database.transaction() as session:
        # On imc.events: the centre's broker binds it down into imc.centre.
        await outbox.put(session, RESYNC_REQUESTED, payload)
    log.info("resync requested", request_id=str(request_id), districts=payload.districts)
    return request_id


async def resync_empty_districts(
    *, database: Database, outbox: Outbox, settings: FederationSettings
) -> UUID | None:
    """Ask the districts the read models hold nothing from for their state (one request)."""
    empty = await districts_without_data(database=database, settings=settings)
    if not empty:
        return None
    return await request_resync(
        database=database,
        outbox=outbox,
        settings=settings,
        districts=empty,
        reason="Сводные данные центра не содержат сведений от округа: запрошена повторная передача",
    )


class ResyncOnStart:
    """A worker that, once the broker is up, asks empty districts to resync."""

    def __init__(self, database: Database, outbox: Outbox, settings: FederationSettings) -> None:
        self.database = database
        self.outbox = outbox
        self.settings = settings
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> None:
        """Request a resync for the districts nothing is known from."""
        try:
            await resync_empty_districts(
                database=self.database, outbox=self.outbox, settings=self.settings
            )
        except Exception:
            log.exception("resync on start failed; POST /resync asks again")

    def start(self) -> None:
        """Start in the background (the runtime starts workers after the broker)."""
        if self.settings.resync_on_empty:
            self._task = asyncio.create_task(self.run_once(), name="federation-resync-on-start")

    async def stop(self) -> None:
        """Stop if still running."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
