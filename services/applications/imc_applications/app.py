"""Composition root of the applications service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_applications.api.controllers import (
    ApplicationController,
    AuditController,
    LifecycleController,
    MeetingController,
    OrderController,
    ReportController,
    SiteController,
)
from imc_applications.services.daily import DailyChecks
from imc_applications.services.registry_client import RegistryClient
from imc_applications.settings import ApplicationsSettings, get_settings
from imc_shared.auth import service_auth
from imc_shared.runtime import Runtime
from imc_shared.storage import FileStore

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: ApplicationsSettings | None = None) -> Litestar:
    """Build the applications service: its runtime, daily checks and HTTP app."""
    settings = settings or get_settings()
    settings.issuer_table()  # a malformed issuers table stops the service at start
    runtime = Runtime(settings, migrations=MIGRATIONS)
    runtime.workers.append(DailyChecks(runtime.database, runtime.outbox, settings))
    registry = RegistryClient(
        settings.registry_url,
        auth=service_auth(settings.auth_signing_key, settings.service, settings.district),
    )
    store = FileStore(Path(settings.storage_dir))
    return runtime.http_app(
        [
            ApplicationController,
            MeetingController,
            OrderController,
            SiteController,
            ReportController,
            AuditController,
            LifecycleController,
        ],
        title="Заявки и решения — ИМЦ",
        dependencies={
            "registry": Provide(lambda: registry, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
        },
        request_max_body_size=3 * settings.max_upload_bytes + 1024 * 1024,
    )
