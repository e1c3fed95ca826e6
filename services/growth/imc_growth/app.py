"""Composition root of the professional growth service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_growth.api.controllers import CONTROLLERS
from imc_growth.messaging.handlers import subscribe
from imc_growth.services.documents_client import DocumentsClient
from imc_growth.settings import GrowthSettings, get_settings
from imc_shared.auth import service_auth
from imc_shared.runtime import Runtime
from imc_shared.storage import FileStore

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: GrowthSettings | None = None) -> Litestar:
    """Build the growth service: runtime, subscribers, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    subscribe(runtime.consumers, outbox=runtime.outbox, settings=settings)
    documents = DocumentsClient(
        settings.documents_url,
        auth=service_auth(settings.auth_signing_key, settings.service, settings.district),
        timeout=settings.documents_timeout_seconds,
    )
    store = FileStore(Path(settings.storage_dir))
    return runtime.http_app(
        CONTROLLERS,
        title="Профессиональное развитие педагогов — ИМЦ",
        dependencies={
            "documents": Provide(lambda: documents, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
        },
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
    )
