"""Composition root of the centre's aggregator."""

from pathlib import Path

from litestar import Litestar

from imc_federation.api.controllers import CentreController
from imc_federation.messaging.handlers import subscribe
from imc_federation.settings import FederationSettings, get_settings
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: FederationSettings | None = None) -> Litestar:
    """Build the aggregator: runtime, subscribers on ``imc.districts``, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    upstreams = {code: d.upstream for code, d in settings.district_map().items()}
    subscribe(runtime.consumers, upstreams=upstreams)
    return runtime.http_app([CentreController], title="Межмуниципальный центр — свод")
