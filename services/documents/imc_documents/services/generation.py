"""Use cases: render the documents the lifecycle messages call for, store them and
announce each as :data:`DOCUMENT_GENERATED` in the same transaction.

Each document is rendered once per subject (``kind`` + ``subject_id``: the order, the
decision, the meeting or the agenda item); a repeated message finds it and renders nothing.
"""

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    DOCUMENT_GENERATED,
    CouncilMeetingHeld,
    DecisionMade,
    DocumentGenerated,
    Envelope,
    GeneratedFile,
    OrderIssued,
)
from imc_documents.db.models import Document
from imc_documents.domain.common import DocumentKind, DocumentSpec, Letterhead
from imc_documents.domain.letter import refusal_document
from imc_documents.domain.order import InvalidOrder, order_document
from imc_documents.domain.protocol import extract_document, protocol_document
from imc_documents.rendering.docx import TemplateError, render_docx
from imc_documents.services.library import TemplateLibrary
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import TEMPLATES_DIR
from imc_shared.consumer import Rejected
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)


def letterhead(settings: DocumentsSettings) -> Letterhead:
    """The IMC's letterhead from the settings."""
    return Letterhead(
        authority=settings.authority,
        district_name=settings.district_name,
        place=settings.place,
        signatory_name=settings.signatory_name,
        signatory_position=settings.signatory_position,
    )


class Converter(Protocol):
    """Turns DOCX bytes into PDF bytes (:class:`~imc_documents.rendering.pdf.PdfConverter`,
    :class:`~imc_documents.rendering.pdf.WarmConverter`)."""

    async def convert(self, docx: bytes) -> bytes:
        """Convert one DOCX document."""
        ...


class DocumentWriter:
    """Renders documents into DOCX and PDF, stores and registers them, announces them."""

    def __init__(
        self,
        *,
        settings: DocumentsSettings,
        store: FileStore,
        converter: Converter,
        templates: Path = TEMPLATES_DIR,
        library: TemplateLibrary | None = None,
    ) -> None:
        self.library = library
        self.settings = settings
        self.letterhead = letterhead(settings)
        self.store = store
        self.converter = converter
        self.templates = templates

    async def issue_order(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
    ) -> Document:
        """The order of an :class:`OrderIssued` message (assignment, extension, termination)."""
        order: OrderIssued = envelope.payload
        try:
            spec = order_document(order, self.letterhead)
        except (InvalidOrder, KeyError) as error:
            raise Rejected(f"order {order.number} cannot be written: {error}") from error
        return await self.write(session, outbox, envelope, spec)

    async def refusal_letter(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
    ) -> Document | None:
        """The letter to the school for a refused application; nothing for an assignment
        (its order comes with :class:`OrderIssued`)."""
        decision: DecisionMade = envelope.payload
        if decision.outcome != "refused":
            return None
        try:
            spec = refusal_document(decision, self.letterhead, envelope.occurred_at.date())
        except KeyError as error:
            raise Rejected(f"unknown site kind: {error}") from error
        return await self.write(session, outbox, envelope, spec)

    async def council_papers(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
    ) -> list[Document]:
        """The protocol of a council meeting and one extract per agenda item.

        The papers still missing are converted to PDF together (one LibreOffice run
        with a batching converter) rather than one after another.
        """
        meeting: CouncilMeetingHeld = envelope.payload
        specs = [protocol_document(meeting, self.letterhead)]
        specs += [extract_document(meeting, item, self.letterhead) for item in meeting.items]
        return await self.write_many(session, outbox, envelope, specs)

    async def write(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any], spec: DocumentSpec
    ) -> Document:
        """Render, store, register and announce ``spec`` unless it exists already."""
        (document,) = await self.write_many(session, outbox, envelope, [spec])
        return document

    async def write_many(
        self,
        session: AsyncSession,
        outbox: Outbox,
        envelope: Envelope[Any],
        specs: Sequence[DocumentSpec],
    ) -> list[Document]:
        """Render, store, register and announce every spec that does not exist yet;
        the PDFs of the new ones are converted concurrently (batched by the converter)."""
        found: dict[int, Document] = {}
        rendered: dict[int, bytes] = {}
        for index, spec in enumerate(specs):
            existing = await session.scalar(
                sa.select(Document).where(
                    Document.kind == spec.kind, Document.subject_id == spec.subject_id
                )
            )
            if existing is not None:
                log.info("document exists, not rendered again", kind=spec.kind, id=str(existing.id))
                found[index] = existing
                continue
            try:
                template: Path | bytes = (
                    await self.library.content(spec.template, session)
                    if self.library is not None
                    else self.templates / spec.template
                )
                rendered[index] = render_docx(template, spec.context, name=spec.template)
            except TemplateError as error:
                raise Rejected(str(error)) from error
        pdfs = await asyncio.gather(*(self.converter.convert(docx) for docx in rendered.values()))
        for (index, docx), pdf in zip(rendered.items(), pdfs, strict=True):
            found[index] = await self._register(session, outbox, envelope, specs[index], docx, pdf)
        return [found[index] for index in range(len(specs))]

    async def _register(
        self,
        session: AsyncSession,
        outbox: Outbox,
        envelope: Envelope[Any],
        spec: DocumentSpec,
        docx: bytes,
        pdf: bytes,
    ) -> Document:
        docx_key, docx_sha = self.store.put(docx)
        pdf_key, pdf_sha = self.store.put(pdf)
        document = Document(
            kind=spec.kind,
            subject_id=spec.subject_id,
            organisation_id=spec.organisation_id,
            title=spec.title,
            number=spec.number,
            dated=spec.dated,
            template=spec.template,
            docx_key=docx_key,
            docx_sha256=docx_sha,
            docx_size=len(docx),
            pdf_key=pdf_key,
            pdf_sha256=pdf_sha,
            pdf_size=len(pdf),
        )
        session.add(document)
        await session.flush()
        await outbox.put(session, DOCUMENT_GENERATED, generated_message(document), cause=envelope)
        log.info("document generated", kind=spec.kind, id=str(document.id))
        return document


def generated_message(document: Document) -> DocumentGenerated:
    """The message announcing a stored document."""
    return DocumentGenerated(
        document_id=document.id,
        kind=cast(DocumentKind, document.kind),
        title=document.title,
        number=document.number,
        organisation_id=document.organisation_id,
        subject_id=document.subject_id,
        files=(
            GeneratedFile(
                format="docx",
                path=f"/documents/{document.id}/file.docx",
                size=document.docx_size,
                sha256=document.docx_sha256,
            ),
            GeneratedFile(
                format="pdf",
                path=f"/documents/{document.id}/file.pdf",
                size=document.pdf_size,
                sha256=document.pdf_sha256,
            ),
        ),
    )
