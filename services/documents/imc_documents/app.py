"""Composition root of the documents service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_documents.api.controllers import (
    BatchController,
    DocumentController,
    RenderController,
    RevokeController,
    TemplateController,
    VerifyController,
)
from imc_documents.messaging.handlers import subscribe
from imc_documents.rendering.pdf import PdfConverter, WarmConverter
from imc_documents.services.attendance import CertificateIssuer
from imc_documents.services.batches import BatchRunner, BatchService
from imc_documents.services.generation import DocumentWriter, letterhead
from imc_documents.services.library import TemplateLibrary
from imc_documents.services.papers import PaperService
from imc_documents.settings import DocumentsSettings, get_settings
from imc_shared.runtime import Runtime
from imc_shared.storage import FileStore

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: DocumentsSettings | None = None) -> Litestar:
    """Build the documents service: runtime, subscribers and HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    store = FileStore(Path(settings.storage_dir))
    profile_root = Path(settings.converter_profile_dir) if settings.converter_profile_dir else None
    converter = WarmConverter(
        [
            PdfConverter(
                settings.soffice or None,
                timeout=settings.converter_timeout,
                profile_dir=profile_root / str(index) if profile_root else None,
            )
            for index in range(max(1, settings.converter_instances))
        ],
        max_batch=settings.converter_batch_size,
        window=settings.converter_batch_window,
    )
    runtime.workers.append(converter)
    library = TemplateLibrary(database=runtime.database, store=store)
    writer = DocumentWriter(settings=settings, store=store, converter=converter, library=library)
    papers = PaperService(
        database=runtime.database,
        store=store,
        converter=converter,
        letterhead=letterhead(settings),
        district=settings.district_name or settings.district,
        verify_base_url=settings.public_url,
        library=library,
    )
    batches = BatchService(
        database=runtime.database,
        papers=papers,
        store=store,
        group_size=settings.converter_batch_size,
        max_attempts=settings.batch_max_attempts,
    )
    runtime.workers.append(BatchRunner(batches))
    subscribe(
        runtime.consumers,
        outbox=runtime.outbox,
        writer=writer,
        certificates=CertificateIssuer(papers=papers),
    )
    return runtime.http_app(
        [
            RenderController,
            VerifyController,
            RevokeController,
            BatchController,
            TemplateController,
            DocumentController,
        ],
        title="Документы — ИМЦ",
        dependencies={
            "store": Provide(lambda: store, sync_to_thread=False),
            "papers": Provide(lambda: papers, sync_to_thread=False),
            "batches": Provide(lambda: batches, sync_to_thread=False),
            "library": Provide(lambda: library, sync_to_thread=False),
        },
    )
