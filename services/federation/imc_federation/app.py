"""Composition root of the centre's aggregator."""

from pathlib import Path

from litestar import Litestar

from imc_federation.api.controllers import CentreController
from imc_federation.messaging.handlers import subscribe
from imc_federation.services.ingest import Intake, RejectionLog
from imc_federation.services.links import LinkWatcher
from imc_federation.services.resync import ResyncOnStart
from imc_federation.settings import FederationSettings, get_settings
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: FederationSettings | None = None) -> Litestar:
    """Build the aggregator: runtime, subscribers on ``imc.districts``, the link watcher,
    the resync on start, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    intake = Intake(
        own_district=settings.district,
        upstreams={code: d.upstream for code, d in settings.district_map().items()},
        rejections=RejectionLog(runtime.database),
        outbox=runtime.outbox,
    )
    subscribe(runtime.consumers, intake=intake)
    # Workers start after migrations and the broker: the resync request finds the
    # schema in place and the relay ready to publish it.
    runtime.workers.append(ResyncOnStart(runtime.database, runtime.outbox, settings))
    runtime.workers.append(LinkWatcher(runtime.database, settings, outbox=runtime.outbox))
    return runtime.http_app([CentreController], title="Межмуниципальный центр — свод")
