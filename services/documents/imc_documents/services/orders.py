"""Use case: render the order that confirms a site status (000 §3.3), store it, announce it."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    DOCUMENT_GENERATED,
    DecisionMade,
    DocumentGenerated,
    Envelope,
    GeneratedFile,
)
from imc_documents.db.models import Document
from imc_documents.domain.order import OSMP_TITLE, SiteOrderData, order_context
from imc_documents.rendering.docx import render_docx
from imc_documents.rendering.pdf import PdfConverter
from imc_documents.settings import DocumentsSettings
from imc_shared.consumer import Rejected
from imc_shared.db import Database
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ORDER_TEMPLATE = "order_site_status.docx"
ORDER_TITLE = "О присвоении статуса опорной (стажировочной) методической площадки"


def order_data(decision: DecisionMade, settings: DocumentsSettings) -> SiteOrderData:
    """The order's content: the decision plus the letterhead from settings."""
    if decision.outcome != "assigned":
        raise Rejected("a refusal has no order")
    required = (
        decision.term_start,
        decision.term_end,
        decision.term_years,
        decision.leader,
        decision.co_leader,
        decision.order_number,
        decision.order_date,
    )
    if any(value is None for value in required):
        raise Rejected("the assignment lacks its term, leaders or order number")
    assert decision.leader and decision.co_leader and decision.order_number
    assert decision.term_start and decision.term_end and decision.term_years
    assert decision.order_date
    return SiteOrderData(
        authority=settings.authority,
        district_name=settings.district_name,
        place=settings.place,
        order_number=decision.order_number,
        order_date=decision.order_date,
        organisation_full_name=decision.organisation_full_name,
        organisation_short_name=decision.organisation_short_name,
        site_kind_title=OSMP_TITLE,
        topic=decision.topic,
        term_start=decision.term_start,
        term_end=decision.term_end,
        term_years=decision.term_years,
        leader_name=decision.leader.full_name,
        leader_position=decision.leader.position,
        co_leader_name=decision.co_leader.full_name,
        co_leader_position=decision.co_leader.position,
        signatory_position=settings.signatory_position,
        signatory_name=settings.signatory_name,
        council_protocol=decision.council_protocol,
    )


class OrderIssuer:
    """Renders orders into DOCX and PDF and registers them."""

    def __init__(
        self, *, settings: DocumentsSettings, store: FileStore, converter: PdfConverter
    ) -> None:
        self.settings = settings
        self.store = store
        self.converter = converter

    async def issue(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
    ) -> Document | None:
        """Issue the order of an assignment decision, once per decision."""
        decision: DecisionMade = envelope.payload
        if decision.outcome != "assigned":
            return None
        existing = await session.scalar(
            sa.select(Document).where(
                Document.kind == "order_site_status", Document.subject_id == decision.decision_id
            )
        )
        if existing is not None:
            return existing
        data = order_data(decision, self.settings)
        docx = render_docx(TEMPLATES / ORDER_TEMPLATE, order_context(data))
        pdf = await self.converter.convert(docx)
        docx_key, docx_sha = self.store.put(docx)
        pdf_key, pdf_sha = self.store.put(pdf)
        document = Document(
            kind="order_site_status",
            subject_id=decision.decision_id,
            organisation_id=decision.organisation_id,
            title=f"{ORDER_TITLE} {decision.organisation_short_name}",
            number=data.order_number,
            dated=data.order_date,
            template=ORDER_TEMPLATE,
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
        return document


def generated_message(document: Document) -> DocumentGenerated:
    """The message announcing a stored document."""
    return DocumentGenerated(
        document_id=document.id,
        kind="order_site_status",
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


async def list_documents(*, database: Database) -> list[Document]:
    """The register of generated documents, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Document).order_by(Document.created_at.desc()))
        return list(rows.all())


async def get_document(*, database: Database, document_id: Any) -> Document | None:
    """One document, or ``None``."""
    async with database.sessions() as session:
        return await session.get(Document, document_id)
