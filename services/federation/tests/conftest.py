"""Fixtures of the aggregator's tests: a migrated database (SQLite and PostgreSQL), the
centre's settings with two federated districts, and a way to deliver messages."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import msgspec
import pytest

from imc_contracts import Envelope
from imc_federation.app import MIGRATIONS
from imc_federation.messaging.handlers import FOLDS
from imc_federation.services.ingest import Intake, RejectionLog
from imc_federation.settings import FederationSettings
from imc_shared import testing
from imc_shared.consumer import Delivery, Rejected
from imc_shared.db import Database, migrate

CENTRE = "buguruslan"
UPSTREAMS = {"yaya": "amqp://10.0.0.5:5672", "mariinsk": "amqp://10.0.0.6:5672"}
DISTRICTS = {
    "yaya": {"name": "Яйский муниципальный округ", "upstream": UPSTREAMS["yaya"]},
    "mariinsk": {"name": "Мариинский муниципальный округ", "upstream": UPSTREAMS["mariinsk"]},
}


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh aggregator database, migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def settings(database: Database) -> FederationSettings:
    """The centre «buguruslan» with the districts Yaya and Mariinsk."""
    return FederationSettings(
        service="federation",
        district=CENTRE,
        district_name="Межмуниципальный методический центр",
        database_url=database.url,
        districts=msgspec.json.encode(DISTRICTS).decode(),
        **testing.auth_settings(),
    )


@pytest.fixture
def intake(database: Database, settings: FederationSettings) -> Intake:
    """What the handlers fold messages with."""
    return Intake(
        own_district=settings.district,
        upstreams={code: d.upstream for code, d in settings.district_map().items()},
        rejections=RejectionLog(database),
    )


def received_from(uri: str) -> dict[str, Any]:
    """Headers of a message that came over the federation link from ``uri``."""
    return {
        "x-received-from": [
            {"uri": uri, "exchange": "imc.events", "cluster-name": "x", "redelivered": False}
        ]
    }


Deliver = Callable[..., Awaitable[str | None]]


@pytest.fixture
def deliver(database: Database, intake: Intake) -> Deliver:
    """``await deliver(envelope, via=uri|None)``: fold one message as the consumer does (in
    one transaction, rolled back on refusal); returns the refusal reason or ``None``."""

    async def run(envelope: Envelope[Any], *, via: str | None = "link") -> str | None:
        headers = received_from(UPSTREAMS[envelope.district]) if via == "link" else {}
        if via not in ("link", None):
            headers = received_from(via)
        delivery = Delivery(
            queue=f"federation.districts.{envelope.routing_key}",
            routing_key=envelope.routing_key,
            headers=headers,
            delivery_count=0,
        )
        fold = FOLDS[envelope.routing_key]
        try:
            async with database.transaction() as session:
                await fold(session, envelope, delivery, intake=intake)
        except Rejected as error:
            await intake.rejections.drain()
            return str(error)
        return None

    return run
