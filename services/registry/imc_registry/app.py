"""Composition root of the registry."""

from pathlib import Path

from litestar import Litestar

from imc_registry.api.controllers import (
    CentreSiteController,
    OrganisationController,
    PersonController,
    PublicController,
    SiteController,
    SiteKindController,
    StructureController,
)
from imc_registry.messaging.handlers import subscribe
from imc_registry.settings import RegistrySettings, get_settings
from imc_shared.heartbeat import HeartbeatSender
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: RegistrySettings | None = None) -> Litestar:
    """Build the registry: its runtime, subscribers and HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    subscribe(runtime.consumers, outbox=runtime.outbox, settings=settings)
    if settings.heartbeat_seconds > 0:
        runtime.workers.append(
            HeartbeatSender(
                runtime.publisher,
                runtime.relay,
                district=settings.district,
                source=settings.service,
                interval=settings.heartbeat_seconds,
            )
        )
    return runtime.http_app(
        [
            OrganisationController,
            PersonController,
            StructureController,
            SiteController,
            PublicController,
            SiteKindController,
            CentreSiteController,
        ],
        title="Реестр — ИМЦ",
    )
