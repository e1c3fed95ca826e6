"""Use case: a certificate of participation for every participant marked present.

Driven by ``scheduling.attendance.recorded``. The certificate is one per registration
(``kind="certificate"``, ``subject_id`` = the registration): the newest mark (by its
version) counts, a repeated or older mark changes nothing. A participant marked absent
later keeps the certificate on record but revoked (the verification page says so); marked
present again, the same certificate is valid again.

Like the orders, the certificate is rendered and converted inside the consumer's
transaction (the inbox row, the register entry and the announcement commit together);
the warm converter keeps that short.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import DOCUMENT_GENERATED, AttendanceRecorded, Envelope
from imc_documents.db.models import AttendanceMark, Document
from imc_documents.domain.attendance import (
    REVOKED_FOR_ABSENCE,
    certificate_data,
    is_newer,
    source_key,
)
from imc_documents.services.generation import generated_message
from imc_documents.services.papers import PAPERS, PaperService
from imc_shared.consumer import Rejected
from imc_shared.errors import InvalidInput
from imc_shared.outbox import Outbox

log = structlog.get_logger(__name__)


class CertificateIssuer:
    """Issues, revokes and restores certificates of participation from attendance marks."""

    def __init__(self, *, papers: PaperService) -> None:
        self.papers = papers

    async def record(
        self, session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
    ) -> Document | None:
        """Apply one attendance mark; the registration's certificate, if it has one."""
        mark: AttendanceRecorded = envelope.payload
        known = await session.get(AttendanceMark, mark.registration_id)
        if not is_newer(mark.version, known.version if known else None):
            log.info(
                "attendance mark not newer than the known one, ignored",
                registration_id=str(mark.registration_id),
                version=mark.version,
            )
            return await self._certificate(session, mark)
        if known is None:
            known = AttendanceMark(registration_id=mark.registration_id, version=mark.version)
            session.add(known)
        known.version = mark.version
        known.attended = mark.attended
        known.updated_at = datetime.now(UTC)
        document = await self._certificate(session, mark)
        if mark.attended:
            document = await self._issue(session, outbox, envelope, mark, document)
            known.document_id = document.id
        elif document is not None:
            _revoke(document)
        else:
            log.info("absent, no certificate to revoke", registration_id=str(mark.registration_id))
        return document

    async def _certificate(
        self, session: AsyncSession, mark: AttendanceRecorded
    ) -> Document | None:
        found: Document | None = await session.scalar(
            sa.select(Document).where(
                Document.kind == "certificate", Document.subject_id == mark.registration_id
            )
        )
        return found

    async def _issue(
        self,
        session: AsyncSession,
        outbox: Outbox,
        envelope: Envelope[Any],
        mark: AttendanceRecorded,
        existing: Document | None,
    ) -> Document:
        if existing is not None:
            if existing.revoked_at is not None and existing.revoked_reason == REVOKED_FOR_ABSENCE:
                existing.revoked_at = None
                existing.revoked_reason = ""
                log.info("certificate valid again", id=str(existing.id))
            return existing
        paper = PAPERS["certificate"]
        library = self.papers.library
        template = (
            await library.content(paper.file, session)
            if library is not None
            else (self.papers.templates / paper.file).read_bytes()
        )
        try:
            document = await self.papers.prepare(
                paper,
                certificate_data(mark),
                template,
                source_key=source_key(mark.registration_id),
                subject_id=mark.registration_id,
                organisation_id=mark.organisation_id,
                person_id=mark.person_id,
            )
        except InvalidInput as error:
            raise Rejected(f"certificate cannot be rendered: {error}") from error
        session.add(document)
        await session.flush()
        await outbox.put(session, DOCUMENT_GENERATED, generated_message(document), cause=envelope)
        log.info("certificate issued", id=str(document.id), number=document.number)
        return document


def _revoke(document: Document) -> None:
    if document.revoked_at is None:
        document.revoked_at = datetime.now(UTC)
        document.revoked_reason = REVOKED_FOR_ABSENCE
        log.info("certificate revoked: participant marked absent", id=str(document.id))
