"""Fixtures of the growth tests: a migrated database (SQLite and PostgreSQL), a world of
teachers and schools delivered as the registry announces them, an HTTP client."""

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_contracts import (
    ORGANISATION_UPSERTED,
    PERSON_UPSERTED,
    AttendanceRecorded,
    Envelope,
    EventChanged,
    MessageType,
    OrganisationUpserted,
    PersonUpserted,
)
from imc_growth.api.controllers import CONTROLLERS
from imc_growth.app import MIGRATIONS
from imc_growth.messaging.handlers import subscribe
from imc_growth.services.documents_client import DocumentsClient
from imc_growth.settings import GrowthSettings
from imc_shared import testing
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Handler
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore
from imc_shared.tables import outbox as outbox_table

DISTRICT = "yaya"
CENTRE_URI = "amqp://10.0.0.1:5672"
SCHOOL_1 = UUID("0192f5a0-0000-7000-8000-00000000a001")
SCHOOL_2 = UUID("0192f5a0-0000-7000-8000-00000000a002")
ANNA = UUID("0192f5a0-0000-7000-8000-00000000b001")  # mathematics, school 1
BORIS = UUID("0192f5a0-0000-7000-8000-00000000b002")  # history, school 1
VERA = UUID("0192f5a0-0000-7000-8000-00000000b003")  # mathematics + physics, school 2
GALINA = UUID("0192f5a0-0000-7000-8000-00000000b004")  # tutor, school 2, highest category
OUTBOX = Outbox(district=DISTRICT, source="growth")
ZONE = ZoneInfo("Asia/Novokuznetsk")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh growth database, migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def settings(database: Database, tmp_path: Path) -> GrowthSettings:
    """Settings of the Yaya district (not federated)."""
    return GrowthSettings(
        service="growth",
        district=DISTRICT,
        database_url=database.url,
        storage_dir=str(tmp_path / "files"),
        max_upload_bytes=64 * 1024,
        documents_url="http://documents.test",
        **testing.auth_settings(),
    )


def envelope(message: MessageType[Any], payload: Any, **kwargs: Any) -> Envelope[Any]:
    """A message as a neighbour would send it."""
    return message.new(payload, district=DISTRICT, source="test", **kwargs)


class Bus:
    """The growth subscribers, driven through the real inbox (idempotent delivery)."""

    def __init__(self, database: Database, settings: GrowthSettings) -> None:
        self.handlers: dict[str, Handler] = {}
        broker = make_broker(settings.broker_url)  # never connected
        self.consumers = Consumers(
            broker=broker, database=database, publisher=Publisher(broker), service="growth"
        )
        subscribe(self, outbox=OUTBOX, settings=settings)  # type: ignore[arg-type]

    def subscribe(
        self,
        message: MessageType[Any],
        handler: Handler,
        *,
        exchange: Any = None,
        name: str | None = None,
    ) -> str:
        queue = f"growth.{name or message.routing_key}"
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
        name = queue or f"growth.{message.routing_key}"
        delivery = Delivery(
            queue=name, routing_key=message.routing_key, headers=headers or {}, delivery_count=0
        )
        return await self.consumers._apply(name, item, delivery, self.handlers[name])

    async def send(self, message: MessageType[Any], payload: Any, **kwargs: Any) -> bool:
        return await self.deliver(message, envelope(message, payload), **kwargs)


@pytest.fixture
def bus(database: Database, settings: GrowthSettings) -> Bus:
    return Bus(database, settings)


def person(
    person_id: UUID,
    full_name: str,
    *,
    organisation_id: UUID | None = SCHOOL_1,
    subjects: tuple[str, ...] = ("математика",),
    position: str = "учитель",
    staff_group: str = "teacher",
    category: str = "first",
    archived: bool = False,
) -> PersonUpserted:
    return PersonUpserted(
        person_id=person_id,
        full_name=full_name,
        position=position,
        staff_group=staff_group,  # type: ignore[arg-type]
        organisation_id=organisation_id,
        qualification_category=category,  # type: ignore[arg-type]
        subjects=subjects,
        archived=archived,
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


def event_change(
    event_id: UUID,
    title: str,
    *,
    version: int = 1,
    starts_at: datetime | None = None,
    form: str = "seminar",
    form_title: str = "семинар",
    hours: int = 4,
    status: str = "planned",
    subjects: tuple[str, ...] = (),
) -> EventChanged:
    start = starts_at or datetime.now(UTC) + timedelta(days=10)
    return EventChanged(
        event_id=event_id,
        version=version,
        title=title,
        form=form,
        form_title=form_title,
        level="municipal",
        organiser_kind="imc",
        organiser_id=None,
        organiser_name="ИМЦ",
        venue="ИМЦ, актовый зал",
        online_url="",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=None,
        hours=hours,
        audience_subjects=subjects,
        status=status,  # type: ignore[arg-type]
    )


def attendance(
    event: EventChanged,
    person_id: UUID,
    *,
    registration_id: UUID | None = None,
    attended: bool = True,
    version: int = 1,
    full_name: str = "Андреева Анна Петровна",
) -> AttendanceRecorded:
    return AttendanceRecorded(
        registration_id=registration_id or uuid4(),
        version=version,
        event_id=event.event_id,
        event_title=event.title,
        form_title=event.form_title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        hours=event.hours,
        person_id=person_id,
        full_name=full_name,
        organisation_id=SCHOOL_1,
        attended=attended,
    )


World = Callable[[], Awaitable[None]]


@pytest.fixture
async def world(bus: Bus) -> None:
    """Two schools and four teachers, as the registry announced them."""
    await bus.send(ORGANISATION_UPSERTED, school(SCHOOL_1, "МБОУ «Яйская СОШ № 1»"))
    await bus.send(ORGANISATION_UPSERTED, school(SCHOOL_2, "МБОУ «Яйская СОШ № 2»"))
    await bus.send(PERSON_UPSERTED, person(ANNA, "Андреева Анна Петровна"))
    await bus.send(PERSON_UPSERTED, person(BORIS, "Борисов Борис Иванович", subjects=("история",)))
    await bus.send(
        PERSON_UPSERTED,
        person(
            VERA,
            "Власова Вера Сергеевна",
            organisation_id=SCHOOL_2,
            subjects=("математика", "физика"),
            category="none",
        ),
    )
    await bus.send(
        PERSON_UPSERTED,
        person(
            GALINA,
            "Гусева Галина Петровна",
            organisation_id=SCHOOL_2,
            subjects=("математика",),
            category="highest",
        ),
    )


async def sent(database: Database, message: MessageType[Any]) -> list[Any]:
    """Payloads of every outbox row of ``message``, oldest first."""
    async with database.sessions() as session:
        rows = await session.execute(
            sa.select(outbox_table.c.body)
            .where(outbox_table.c.routing_key == message.routing_key)
            .order_by(outbox_table.c.created_at, outbox_table.c.id)
        )
        return [message.decode(body).payload for (body,) in rows.all()]


Client = AsyncTestClient[Any]


class FakeDocuments:
    """The documents service's render endpoint, as growth calls it."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.seen: dict[str, str] = {}
        self.fail = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        import json

        if self.fail:
            return httpx.Response(503, json={"message": "Конвертер недоступен"})
        assert request.url.path == "/documents/render"
        assert request.headers["authorization"].startswith("Bearer ")
        body = json.loads(request.content)
        self.calls.append(body)
        created = body["source_key"] not in self.seen
        document_id = self.seen.setdefault(body["source_key"], str(uuid4()))
        return httpx.Response(
            201 if created else 200,
            json={
                "id": document_id,
                "kind": "teacher_transcript",
                "title": "Сведения о профессиональном развитии педагога",
                "number": "",
                "dated": body["data"]["issued_on"],
            },
        )


@pytest.fixture
def documents() -> FakeDocuments:
    return FakeDocuments()


@pytest.fixture
async def client(
    database: Database, settings: GrowthSettings, documents: FakeDocuments
) -> AsyncIterator[Client]:
    """The growth HTTP app as staff (a methodist) of the district."""
    from imc_shared.auth import service_auth

    docs = DocumentsClient(
        settings.documents_url,
        auth=service_auth(settings.auth_signing_key, "growth", DISTRICT),
        transport=httpx.MockTransport(documents.handler),
    )
    store = FileStore(Path(settings.storage_dir))
    own = Database(database.url)  # the test client runs the app on its own loop
    app = create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Профессиональное развитие",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(lambda: OUTBOX, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "documents": Provide(lambda: docs, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as test_client:
        test_client.auth = testing.auth(DISTRICT, "methodist", name="Методистова Мария Ивановна")
        yield test_client
    await own.dispose()


def as_teacher(person_id: UUID, organisation_id: UUID = SCHOOL_1) -> httpx.Auth:
    return testing.auth(
        DISTRICT,
        "teacher",
        person_id=person_id,
        organisation_id=organisation_id,
        name="Педагог",
    )


def as_school(organisation_id: UUID) -> httpx.Auth:
    return testing.auth(DISTRICT, "school_representative", organisation_id=organisation_id)


def as_role(role: str) -> httpx.Auth:
    return testing.auth(DISTRICT, role)


@pytest.fixture
def h() -> Any:
    """This module: the helpers and constants above (tests cannot import a conftest)."""
    return sys.modules[__name__]
