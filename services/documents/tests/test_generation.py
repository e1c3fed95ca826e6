"""The documents use cases on a real database (SQLite and PostgreSQL) with the service's
migrations: what each message renders, once, and how the register serves it over HTTP.

The PDF converter is replaced by a counting stand-in here (LibreOffice runs in
test_templates.py); everything else — templates, storage, outbox — is the real one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import msgspec
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    COUNCIL_MEETING_HELD,
    DECISION_MADE,
    DOCUMENT_GENERATED,
    ORDER_ISSUED,
    DocumentGenerated,
    Envelope,
    MessageType,
)
from imc_contracts.examples import example
from imc_documents.api.controllers import DocumentController
from imc_documents.app import MIGRATIONS
from imc_documents.db.models import Document
from imc_documents.domain.common import NO_ORGANISATION
from imc_documents.services.generation import DocumentWriter
from imc_documents.settings import DocumentsSettings
from imc_shared import testing
from imc_shared.consumer import Rejected
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore
from imc_shared.tables import outbox as outbox_table

FAKE_PDF = b"%PDF-1.7\n% stand-in\n"


class CountingConverter:
    """Stands in for LibreOffice: returns a fixed PDF and counts the conversions."""

    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return FAKE_PDF + str(self.calls).encode()


SETTINGS = DocumentsSettings(
    service="documents",
    district="yaya",
    district_name="Яйский муниципальный округ",
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
    **testing.auth_settings(),
)


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


@pytest.fixture
def converter() -> CountingConverter:
    return CountingConverter()


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def writer(store: FileStore, converter: CountingConverter) -> DocumentWriter:
    return DocumentWriter(settings=SETTINGS, store=store, converter=converter)  # type: ignore[arg-type]


OUTBOX = Outbox(district="yaya", source="documents")


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="applications")


async def announced(database: Database) -> list[DocumentGenerated]:
    async with database.sessions() as session:
        bodies = (
            await session.scalars(
                sa.select(outbox_table.c.body)
                .where(outbox_table.c.routing_key == DOCUMENT_GENERATED.routing_key)
                .order_by(outbox_table.c.created_at)
            )
        ).all()
    return [DOCUMENT_GENERATED.decode(body).payload for body in bodies]


async def documents(database: Database) -> list[Document]:
    async with database.sessions() as session:
        return list((await session.scalars(sa.select(Document))).all())


async def test_an_order_renders_once_and_is_announced(
    database: Database, writer: DocumentWriter, converter: CountingConverter, store: FileStore
) -> None:
    issued = envelope(ORDER_ISSUED)
    again = ORDER_ISSUED.new(issued.payload, district="yaya", source="applications")
    for message in (issued, again):  # republished under a new message id
        async with database.transaction() as session:
            await writer.issue_order(session, OUTBOX, message)

    assert converter.calls == 1
    [row] = await documents(database)
    assert row.kind == "order_site_status"
    assert row.subject_id == issued.payload.order_id
    assert row.number == "45-од"
    assert row.dated == date(2026, 10, 15)
    assert store.get(row.pdf_key).startswith(FAKE_PDF)
    assert store.get(row.docx_key).startswith(b"PK")
    [message] = await announced(database)
    assert message.kind == "order_site_status"
    assert message.subject_id == issued.payload.order_id
    assert message.organisation_id == issued.payload.organisation_id
    assert message.number == "45-од"
    assert message.title.startswith("О присвоении статуса опорной (стажировочной)")
    assert [f.format for f in message.files] == ["docx", "pdf"]
    assert message.files[1].path == f"/documents/{row.id}/file.pdf"


async def test_extension_and_termination_are_separate_documents(
    database: Database, writer: DocumentWriter
) -> None:
    base = example(ORDER_ISSUED).payload
    extension = envelope(
        ORDER_ISSUED,
        order_id=base.order_id.__class__(int=base.order_id.int + 1),
        kind="extension",
        number="61-од",
        term_end=date(2029, 10, 14),
        extension_months=12,
    )
    termination = envelope(
        ORDER_ISSUED,
        order_id=base.order_id.__class__(int=base.order_id.int + 2),
        kind="termination",
        number="77-од",
        grounds=("topic_irrelevant",),
        effective_on=date(2029, 1, 1),
    )
    for message in (extension, termination):
        async with database.transaction() as session:
            await writer.issue_order(session, OUTBOX, message)
    kinds = sorted((m.kind, m.number) for m in await announced(database))
    assert kinds == [("order_site_extension", "61-од"), ("order_site_termination", "77-од")]


async def test_a_termination_without_grounds_is_rejected_and_leaves_nothing(
    database: Database, writer: DocumentWriter, converter: CountingConverter
) -> None:
    with pytest.raises(Rejected, match="no grounds"):
        async with database.transaction() as session:
            await writer.issue_order(session, OUTBOX, envelope(ORDER_ISSUED, kind="termination"))
    assert converter.calls == 0
    assert await documents(database) == []
    assert await announced(database) == []


async def test_decisions_render_a_letter_only_for_a_refusal(
    database: Database, writer: DocumentWriter, converter: CountingConverter
) -> None:
    async with database.transaction() as session:
        assert await writer.refusal_letter(session, OUTBOX, envelope(DECISION_MADE)) is None
    assert converter.calls == 0  # an assignment's order comes with order.issued

    refused = envelope(DECISION_MADE, outcome="refused", reason="тема не соответствует")
    for _ in range(2):
        async with database.transaction() as session:
            await writer.refusal_letter(session, OUTBOX, refused)
    assert converter.calls == 1
    [message] = await announced(database)
    assert message.kind == "refusal_letter"
    assert message.subject_id == refused.payload.decision_id
    assert message.organisation_id == refused.payload.organisation_id


async def test_a_meeting_renders_its_protocol_and_one_extract_per_item(
    database: Database, writer: DocumentWriter, converter: CountingConverter
) -> None:
    held = envelope(COUNCIL_MEETING_HELD)
    for _ in range(2):
        async with database.transaction() as session:
            await writer.council_papers(session, OUTBOX, held)
    assert converter.calls == 2
    protocol, extract = await announced(database)
    assert protocol.kind == "council_protocol"
    assert protocol.subject_id == held.payload.meeting_id
    assert protocol.organisation_id == NO_ORGANISATION
    assert protocol.number == "2"
    assert extract.kind == "council_extract"
    assert extract.subject_id == held.payload.items[0].item_id
    assert extract.organisation_id == held.payload.items[0].organisation_id


async def test_register_and_downloads_over_http(
    database: Database, writer: DocumentWriter, store: FileStore
) -> None:
    async with database.transaction() as session:
        row = await writer.issue_order(session, OUTBOX, envelope(ORDER_ISSUED))
    # The test client serves the app on its own event loop: no pooled connection may
    # cross over from this one.
    await database.engine.dispose()
    app = create_http_app(
        [DocumentController],
        settings=SETTINGS,
        title="Документы",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth("yaya")
        listed = await client.get("/documents")
        assert listed.status_code == 200
        [entry] = listed.json()
        assert entry["kind"] == "order_site_status"
        assert entry["number"] == "45-од"
        pdf = await client.get(f"/documents/{row.id}/file.pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(FAKE_PDF)
        assert pdf.headers["content-type"] == "application/pdf"
        assert "prikaz-45-%D0%BE%D0%B4.pdf" in pdf.headers["content-disposition"]
        docx = await client.get(f"/documents/{row.id}/file.docx")
        assert docx.content.startswith(b"PK")
        missing = await client.get(f"/documents/{row.id}/file.odt")
        assert missing.status_code == 404


def test_subscriptions(writer: DocumentWriter) -> None:
    from imc_documents.messaging.handlers import subscribe

    class Recorder:
        def __init__(self) -> None:
            self.keys: list[str] = []

        def subscribe(self, message: MessageType[Any], handler: Any) -> None:
            self.keys.append(message.routing_key)

    from imc_contracts import ATTENDANCE_RECORDED
    from imc_documents.services.attendance import CertificateIssuer

    recorder = Recorder()
    issuer = CertificateIssuer(papers=None)  # type: ignore[arg-type]
    subscribe(recorder, outbox=OUTBOX, writer=writer, certificates=issuer)  # type: ignore[arg-type]
    assert sorted(recorder.keys) == sorted(
        m.routing_key
        for m in (ORDER_ISSUED, DECISION_MADE, COUNCIL_MEETING_HELD, ATTENDANCE_RECORDED)
    )
