"""Composition root of the exam-results analysis service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_analytics.api.controllers import CONTROLLERS
from imc_analytics.messaging.handlers import subscribe
from imc_analytics.services.neighbours import neighbours_of
from imc_analytics.settings import AnalyticsSettings, get_settings
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: AnalyticsSettings | None = None) -> Litestar:
    """Build the analytics service: runtime, subscribers, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    subscribe(runtime.consumers)
    neighbours = neighbours_of(settings)
    return runtime.http_app(
        CONTROLLERS,
        title="Анализ результатов ГИА — ИМЦ",
        dependencies={"neighbours": Provide(lambda: neighbours, sync_to_thread=False)},
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
    )
