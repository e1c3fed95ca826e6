"""Certificates of participation from attendance marks, on a real database (SQLite and
PostgreSQL): rendered once per registration (through the real LibreOffice when it is
installed), announced, revoked when the participant is later marked absent."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from imc_contracts import ATTENDANCE_RECORDED, DOCUMENT_GENERATED, DocumentGenerated, Envelope
from imc_contracts.examples import example
from imc_documents.app import MIGRATIONS
from imc_documents.db.models import AttendanceMark, Document
from imc_documents.domain.attendance import REVOKED_FOR_ABSENCE
from imc_documents.domain.common import NO_ORGANISATION, Letterhead
from imc_documents.rendering.pdf import PdfConverter, WarmConverter
from imc_documents.services.attendance import CertificateIssuer
from imc_documents.services.papers import PaperService
from imc_shared.db import Database, migrate
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore
from imc_shared.tables import outbox as outbox_table

HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
OUTBOX = Outbox(district="yaya", source="documents")
LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)


class CountingConverter:
    """Stands in for LibreOffice where the PDF's content does not matter."""

    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return b"%PDF-1.7 stand-in " + str(self.calls).encode()


@pytest.fixture
async def database(database_url: str) -> Any:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def issuer_for(database: Database, tmp_path: Path, converter: Any) -> CertificateIssuer:
    papers = PaperService(
        database=database,
        store=FileStore(tmp_path / "files"),
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url="https://imc.example",
    )
    return CertificateIssuer(papers=papers)


def mark(**changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(ATTENDANCE_RECORDED).payload, **changes)
    return ATTENDANCE_RECORDED.new(payload, district="yaya", source="scheduling")


async def record(database: Database, issuer: CertificateIssuer, message: Envelope[Any]) -> Any:
    async with database.transaction() as session:  # as the idempotent consumer does
        return await issuer.record(session, OUTBOX, message)


async def announced(database: Database) -> list[DocumentGenerated]:
    async with database.sessions() as session:
        bodies = (
            await session.scalars(
                sa.select(outbox_table.c.body).where(
                    outbox_table.c.routing_key == DOCUMENT_GENERATED.routing_key
                )
            )
        ).all()
    return [DOCUMENT_GENERATED.decode(body).payload for body in bodies]


async def certificates(database: Database) -> list[Document]:
    async with database.sessions() as session:
        return list((await session.scalars(sa.select(Document))).all())


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")
async def test_certificate_rendered_once_per_registration_with_name_and_hours(
    database: Database, tmp_path: Path
) -> None:
    async with WarmConverter(PdfConverter(), max_batch=4) as converter:
        issuer = issuer_for(database, tmp_path, converter)
        first = mark()
        await record(database, issuer, first)
        await record(database, issuer, mark())  # the same version again, a new message id
        await record(database, issuer, mark(version=2))  # an older mark
    [row] = await certificates(database)
    payload = first.payload
    assert (row.kind, row.subject_id) == ("certificate", payload.registration_id)
    assert row.person_id == payload.person_id  # a teacher downloads their own certificate
    assert row.organisation_id == payload.organisation_id
    assert row.person_name == "Карпенко Юлия Сергеевна"
    assert row.verification_number and row.revoked_at is None
    store = issuer.papers.store
    reader = PdfReader(io.BytesIO(store.get(row.pdf_key)))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    for phrase in ("СЕРТИФИКАТ", "Карпенко Юлия Сергеевна", "3 часа", row.verification_number):
        assert phrase in text, phrase
    assert "семинара" in text and "«10» декабря 2026 г." in text
    assert store.get(row.docx_key).startswith(b"PK")
    [message] = await announced(database)
    assert message.kind == "certificate"
    assert message.document_id == row.id
    assert message.subject_id == payload.registration_id
    assert message.organisation_id == payload.organisation_id
    assert [f.format for f in message.files] == ["docx", "pdf"]


async def test_absent_later_revokes_and_present_again_restores(
    database: Database, tmp_path: Path
) -> None:
    converter = CountingConverter()
    issuer = issuer_for(database, tmp_path, converter)
    await record(database, issuer, mark(version=1))
    await record(database, issuer, mark(version=2, attended=False))
    await record(database, issuer, mark(version=1))  # late redelivery of the older mark
    [row] = await certificates(database)
    assert row.revoked_at is not None and row.revoked_reason == REVOKED_FOR_ABSENCE
    await record(database, issuer, mark(version=3))
    [row] = await certificates(database)
    assert row.revoked_at is None and row.revoked_reason == ""
    assert converter.calls == 1  # never rendered again, never deleted
    assert len(await announced(database)) == 1
    async with database.sessions() as session:
        known = await session.get(AttendanceMark, row.subject_id)
    assert known is not None and (known.version, known.attended) == (3, True)
    assert known.document_id == row.id


async def test_absent_without_certificate_and_no_organisation(
    database: Database, tmp_path: Path
) -> None:
    converter = CountingConverter()
    issuer = issuer_for(database, tmp_path, converter)
    other = UUID("0192f5a0-0000-7000-8000-0000000000a1")
    assert await record(database, issuer, mark(attended=False)) is None
    await record(database, issuer, mark(registration_id=other, organisation_id=None, hours=0))
    [row] = await certificates(database)
    assert row.subject_id == other and row.organisation_id == NO_ORGANISATION
    [message] = await announced(database)
    assert message.organisation_id == NO_ORGANISATION
    assert converter.calls == 1
