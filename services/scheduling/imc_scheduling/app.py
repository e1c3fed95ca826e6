"""Composition root of the scheduling service."""

from pathlib import Path

from litestar import Litestar

from imc_scheduling.api.controllers import RoadmapController
from imc_scheduling.messaging.handlers import subscribe
from imc_scheduling.settings import SchedulingSettings, get_settings
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: SchedulingSettings | None = None) -> Litestar:
    """Build the scheduling service: runtime, subscribers and HTTP app."""
    runtime = Runtime(settings or get_settings(), migrations=MIGRATIONS)
    subscribe(runtime.consumers, outbox=runtime.outbox)
    return runtime.http_app([RoadmapController], title="Мероприятия и планы — ИМЦ")
