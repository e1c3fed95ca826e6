"""Composition root of the documents service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_documents.api.controllers import DocumentController
from imc_documents.messaging.handlers import subscribe
from imc_documents.rendering.pdf import PdfConverter
from imc_documents.services.generation import DocumentWriter
from imc_documents.settings import DocumentsSettings, get_settings
from imc_shared.runtime import Runtime
from imc_shared.storage import FileStore

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: DocumentsSettings | None = None) -> Litestar:
    """Build the documents service: runtime, subscribers and HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    store = FileStore(Path(settings.storage_dir))
    converter = PdfConverter(settings.soffice or None)
    writer = DocumentWriter(settings=settings, store=store, converter=converter)
    subscribe(runtime.consumers, outbox=runtime.outbox, writer=writer)
    return runtime.http_app(
        [DocumentController],
        title="Документы — ИМЦ",
        dependencies={"store": Provide(lambda: store, sync_to_thread=False)},
    )
