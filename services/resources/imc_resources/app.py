"""Composition root of the resources service (the bank of methodical resources)."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_resources.api.controllers import CONTROLLERS
from imc_resources.messaging.handlers import subscribe
from imc_resources.settings import ResourcesSettings, get_settings
from imc_shared.runtime import Runtime
from imc_shared.storage import FileStore

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: ResourcesSettings | None = None) -> Litestar:
    """Build the resources service: runtime, subscribers, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    store = FileStore(Path(settings.storage_dir))
    subscribe(runtime.consumers, outbox=runtime.outbox, settings=settings, store=store)
    return runtime.http_app(
        CONTROLLERS,
        title="Банк методических материалов — ИМЦ",
        dependencies={"store": Provide(lambda: store, sync_to_thread=False)},
        request_max_body_size=settings.request_limit,
    )
