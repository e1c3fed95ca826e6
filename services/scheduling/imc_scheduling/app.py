"""Composition root of the scheduling service."""

from pathlib import Path

import structlog
from litestar import Litestar

from imc_scheduling.api.controllers import CONTROLLERS
from imc_scheduling.messaging.handlers import subscribe
from imc_scheduling.services.overdue import RoadmapOverdueJob
from imc_scheduling.services.reminders import ReminderScheduler, publishing_sender
from imc_scheduling.settings import SchedulingSettings, get_settings
from imc_shared.runtime import Runtime

log = structlog.get_logger(__name__)
MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: SchedulingSettings | None = None) -> Litestar:
    """Build the scheduling service: runtime, subscribers, reminder scheduler, road-map
    overdue alerts, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    subscribe(runtime.consumers, outbox=runtime.outbox, settings=settings)
    if not settings.scheduling_secret:
        log.warning("IMC_SCHEDULING_SECRET is empty: check-in codes use a development key")
    runtime.workers.append(
        ReminderScheduler(runtime.database, settings, send=publishing_sender(runtime.outbox))
    )
    runtime.workers.append(RoadmapOverdueJob(runtime.database, settings, runtime.outbox))
    return runtime.http_app(CONTROLLERS, title="Мероприятия и планы — ИМЦ")
