"""Fixtures of the resources tests: a migrated database (SQLite and PostgreSQL), people and
schools as the registry announces them, the subscribers driven through the real inbox,
an HTTP client, and real files (PDF, DOCX, PPTX, XLSX, ODT, MP4) made on the fly."""

import io
import json
import sys
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import UUID

import docx
import httpx
import msgspec
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    Envelope,
    MessageType,
    OrganisationUpserted,
    PersonUpserted,
)
from imc_resources.api.controllers import CONTROLLERS
from imc_resources.app import MIGRATIONS
from imc_resources.messaging.handlers import subscribe
from imc_resources.settings import ResourcesSettings
from imc_shared import testing
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Handler
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore
from imc_shared.tables import outbox as outbox_table

DISTRICT = "yaya"
DISTRICT_NAME = "Яйский муниципальный округ"
OTHER = "tisul"
OTHER_NAME = "Тисульский муниципальный округ"
CENTRE = "buguruslan"
CENTRE_NAME = "ММЦ г. Бугуруслан"
CENTRE_URI = "amqp://10.0.0.1:5672"
YAYA_URI = "amqp://10.0.0.5:5672"
TISUL_URI = "amqp://10.0.0.6:5672/tisul"
CENTRE_LINK = {"x-received-from": [{"uri": CENTRE_URI, "exchange": "imc.centre"}]}
YAYA_LINK = {"x-received-from": [{"uri": "amqp://10.0.0.5", "exchange": "imc.events"}]}
TISUL_LINK = {"x-received-from": [{"uri": TISUL_URI, "exchange": "imc.events"}]}

SCHOOL_1 = UUID("0192f5a0-0000-7000-8000-00000000a001")
SCHOOL_2 = UUID("0192f5a0-0000-7000-8000-00000000a002")
ANNA = UUID("0192f5a0-0000-7000-8000-00000000b001")  # mathematics, school 1
BORIS = UUID("0192f5a0-0000-7000-8000-00000000b002")  # history, school 1
VERA = UUID("0192f5a0-0000-7000-8000-00000000b003")  # school 2
SMALL = 64 * 1024


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh resources database, migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> ResourcesSettings:
    """Settings of the Yaya district, federated into the centre; small limits."""
    return ResourcesSettings(
        service="resources",
        district=DISTRICT,
        district_name=DISTRICT_NAME,
        database_url=database.url,
        storage_dir=str(tmp_path / "files"),
        centre_upstream=CENTRE_URI,
        max_file_bytes=SMALL,
        max_video_bytes=SMALL // 2,
        max_resource_bytes=2 * SMALL,
        max_share_bytes=2 * SMALL,
        **testing.auth_settings(),
    )


def centre_settings(settings: ResourcesSettings) -> ResourcesSettings:
    """The same database and store as the centre (ММЦ) with two districts."""
    return msgspec.structs.replace(
        settings,
        district=CENTRE,
        district_name=CENTRE_NAME,
        instance_kind="centre",
        centre_upstream="",
        districts=json.dumps(
            {
                DISTRICT: {"name": DISTRICT_NAME, "upstream": YAYA_URI},
                OTHER: {"name": OTHER_NAME, "upstream": TISUL_URI},
            }
        ),
    )


def envelope(
    message: MessageType[Any], payload: Any, *, district: str = DISTRICT, **kwargs: Any
) -> Envelope[Any]:
    """A message as a neighbour would send it."""
    return message.new(payload, district=district, source="test", **kwargs)


class Bus:
    """The resources subscribers, driven through the real inbox (idempotent delivery)."""

    def __init__(self, database: Database, settings: ResourcesSettings) -> None:
        self.handlers: dict[str, Handler] = {}
        self.outbox = Outbox(district=settings.district, source="resources")
        broker = make_broker(settings.broker_url)  # never connected
        self.consumers = Consumers(
            broker=broker, database=database, publisher=Publisher(broker), service="resources"
        )
        store = FileStore(Path(settings.storage_dir))
        subscribe(self, outbox=self.outbox, settings=settings, store=store)  # type: ignore[arg-type]

    def subscribe(
        self,
        message: MessageType[Any],
        handler: Handler,
        *,
        exchange: Any = None,
        name: str | None = None,
    ) -> str:
        queue = f"resources.{name or message.routing_key}"
        self.handlers[queue] = handler
        return queue

    async def deliver(
        self,
        message: MessageType[Any],
        item: Envelope[Any],
        *,
        queue: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> bool:
        """Hand ``item`` to the queue's handler; False when the inbox knew it."""
        name = queue or f"resources.{message.routing_key}"
        delivery = Delivery(
            queue=name, routing_key=message.routing_key, headers=headers or {}, delivery_count=0
        )
        return await self.consumers._apply(name, item, delivery, self.handlers[name])

    async def send(
        self, message: MessageType[Any], payload: Any, *, district: str = DISTRICT, **kwargs: Any
    ) -> bool:
        return await self.deliver(message, envelope(message, payload, district=district), **kwargs)


@pytest.fixture
def bus(database: Database, settings: ResourcesSettings) -> Bus:
    return Bus(database, settings)


def person(
    person_id: UUID, full_name: str, *, organisation_id: UUID | None = SCHOOL_1
) -> PersonUpserted:
    return PersonUpserted(
        person_id=person_id,
        full_name=full_name,
        position="учитель",
        staff_group="teacher",
        organisation_id=organisation_id,
        qualification_category="first",
        subjects=("математика",),
    )


def school(organisation_id: UUID, short_name: str) -> OrganisationUpserted:
    return OrganisationUpserted(
        organisation_id=organisation_id,
        full_name=f"Муниципальное бюджетное общеобразовательное учреждение {short_name[5:]}",
        short_name=short_name,
        kind="school",
        address="пгт Яя",
        email="school@example.ru",
        director_name="Петрова Н. И.",
    )


@pytest.fixture
async def world(bus: Bus) -> None:
    """Two schools and three teachers, as the registry announced them."""
    await bus.send(ORGANISATION_UPSERTED, school(SCHOOL_1, "МБОУ «Яйская СОШ № 1»"))
    await bus.send(ORGANISATION_UPSERTED, school(SCHOOL_2, "МБОУ «Яйская СОШ № 2»"))
    await bus.send(PERSON_UPSERTED, person(ANNA, "Андреева Анна Петровна"))
    await bus.send(PERSON_UPSERTED, person(BORIS, "Борисов Борис Иванович"))
    await bus.send(
        PERSON_UPSERTED, person(VERA, "Власова Вера Сергеевна", organisation_id=SCHOOL_2)
    )


async def envelopes(database: Database, message: MessageType[Any]) -> list[Envelope[Any]]:
    """Every outbox row of ``message`` as the envelope the relay would publish, oldest
    first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [message.decode(body) for (body,) in rows.all()]


async def sent(database: Database, message: MessageType[Any]) -> list[Any]:
    """Payloads of every outbox row of ``message``, oldest first."""
    return [e.payload for e in await envelopes(database, message)]


# --- files ------------------------------------------------------------------------------


def pdf(text: str) -> bytes:
    """A one-page PDF whose text is ``text`` (Cyrillic in Windows-1251 with a ToUnicode
    map, as word processors write it)."""
    ops = ["BT", "/F1 12 Tf", "50 780 Td", "14 TL"]
    for line in text.split("\n"):
        raw = line.encode("cp1251")
        raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append("(" + raw.decode("latin-1") + ") Tj T*")
    ops.append("ET")
    content = "\n".join(ops).encode("latin-1")
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        b"2 beginbfrange\n<20> <7E> <0020>\n<C0> <FF> <0410>\nendbfrange\n"
        b"1 beginbfchar\n<A8> <0401>\nendbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"endstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def package(parts: dict[str, bytes], *, first: str | None = None) -> bytes:
    """A ZIP package with ``parts`` (``first`` stored first, uncompressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first, parts[first], compress_type=zipfile.ZIP_STORED)
        for name, content in parts.items():
            if name != first:
                archive.writestr(name, content)
    return out.getvalue()


def pptx_file() -> bytes:
    return package(
        {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p:presentation/>"}
    )


def xlsx_file() -> bytes:
    return package({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odt_file() -> bytes:
    return package(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
        first="mimetype",
    )


def mp4_file(size: int = 4096) -> bytes:
    head = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    return head + b"\x00" * (size - len(head))


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


# --- HTTP -------------------------------------------------------------------------------

Client = AsyncTestClient[Any]


def make_app(database: Database, settings: ResourcesSettings) -> Any:
    store = FileStore(Path(settings.storage_dir))
    outbox = Outbox(district=settings.district, source="resources")
    return create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Банк методических материалов",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "outbox": Provide(lambda: outbox, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
        },
        request_max_body_size=settings.request_limit,
    )


@pytest.fixture
async def client(database: Database, settings: ResourcesSettings) -> AsyncIterator[Client]:
    """The resources HTTP app of the district as a methodist."""
    own = Database(database.url)  # the test client runs the app on its own loop
    async with AsyncTestClient(make_app(own, settings)) as test_client:
        test_client.auth = as_role("methodist", name="Лаптева Светлана Николаевна")
        yield test_client
    await own.dispose()


@pytest.fixture
async def centre_client(database: Database, settings: ResourcesSettings) -> AsyncIterator[Client]:
    """The centre's resources HTTP app (same database) as its coordinator."""
    own = Database(database.url)
    async with AsyncTestClient(make_app(own, centre_settings(settings))) as test_client:
        test_client.auth = testing.auth(CENTRE, "centre_coordinator", name="Кузнецова Ирина")
        yield test_client
    await own.dispose()


def as_teacher(person_id: UUID, organisation_id: UUID = SCHOOL_1) -> httpx.Auth:
    return testing.auth(
        DISTRICT,
        "teacher",
        person_id=person_id,
        organisation_id=organisation_id,
        name="Андреева Анна Петровна",
    )


def as_school(organisation_id: UUID) -> httpx.Auth:
    return testing.auth(
        DISTRICT, "school_representative", organisation_id=organisation_id, name="Директор"
    )


def as_role(role: str, **claims: Any) -> httpx.Auth:
    return testing.auth(DISTRICT, role, **claims)


def upload(name: str, content: bytes, **data: Any) -> dict[str, Any]:
    """Keyword arguments of a multipart upload of one file."""
    return {
        "files": {"file": (name, content, "application/octet-stream")},
        "data": {k: str(v) for k, v in data.items()},
    }


@pytest.fixture
def h() -> Any:
    """This module: the helpers and constants above (tests cannot import a conftest)."""
    return sys.modules[__name__]
