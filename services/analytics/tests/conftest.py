"""Fixtures of the analytics tests: a migrated database (SQLite and PostgreSQL), schools
announced by the registry, results files built the way regional centres publish them
(CSV in UTF-8 and Windows-1251, XLSX), an HTTP client, and fake documents, scheduling
and growth services behind httpx's MockTransport."""

import csv
import io
import json
import sys
from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID, uuid4

import httpx
import msgspec
import pytest
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_analytics.api.controllers import CONTROLLERS
from imc_analytics.app import MIGRATIONS
from imc_analytics.messaging.handlers import subscribe
from imc_analytics.services.neighbours import neighbours_of
from imc_analytics.settings import AnalyticsSettings
from imc_contracts import ORGANISATION_UPSERTED, Envelope, MessageType, OrganisationUpserted
from imc_shared import testing
from imc_shared.auth import TokenVerifier
from imc_shared.broker import Publisher, make_broker
from imc_shared.consumer import Consumers, Delivery, Handler
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app
from imc_shared.outbox import Outbox

DISTRICT = "yaya"
CENTRE = "buguruslan"
S1 = UUID("0192f5a0-0000-7000-8000-00000000a001")
S2 = UUID("0192f5a0-0000-7000-8000-00000000a002")
S3 = UUID("0192f5a0-0000-7000-8000-00000000a003")
S4 = UUID("0192f5a0-0000-7000-8000-00000000a004")  # in the registry, no results
TEACHER = UUID("0192f5a0-0000-7000-8000-00000000b001")
NAMES = {
    S1: (
        "МБОУ «Яйская СОШ № 1»",
        "Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 1»",
    ),
    S2: (
        "МБОУ «Яйская СОШ № 2»",
        "Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»",
    ),
    S3: (
        "МБОУ «Бекетовская ООШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Бекетовская основная "
        "общеобразовательная школа»",
    ),
    S4: (
        "МБОУ «Ишимская СОШ»",
        "Муниципальное бюджетное общеобразовательное учреждение «Ишимская СОШ»",
    ),
}
PARTICIPANTS = {S1: 20, S2: 10, S3: 10}
TASKS = (  # task, element, max score
    ("1", "1.1 Натуральные числа", 1),
    ("2", "1.1 Натуральные числа", 1),
    ("3", "2.1 Числа и вычисления", 2),
)
PERCENTS: dict[int, dict[UUID, tuple[int, int, int]]] = {
    # hand-computed in test_analysis.py
    2024: {S1: (80, 70, 60), S2: (60, 50, 40), S3: (40, 30, 20)},
    2025: {S1: (85, 70, 50), S2: (65, 50, 30), S3: (45, 30, 10)},
    2026: {S1: (90, 60, 40), S2: (70, 50, 30), S3: (50, 30, 10)},
}
HEADER = [
    "Код ОО",
    "Наименование ОО",
    "Экзамен",
    "Предмет",
    "Год",
    "Номер задания",
    "Элемент содержания",
    "Максимальный балл",
    "Средний процент выполнения",
    "Число участников",
]
CODES = {S1: "420101", S2: "420102", S3: "420103"}


def school(organisation_id: UUID, *, low_results: bool = False) -> OrganisationUpserted:
    short, full = NAMES[organisation_id]
    return OrganisationUpserted(
        organisation_id=organisation_id,
        full_name=full,
        short_name=short,
        kind="school",
        address="пгт Яя",
        email="school@example.ru",
        director_name="Петрова Н. И.",
        low_results=low_results,
    )


def envelope(message: MessageType[Any], payload: Any, **kwargs: Any) -> Envelope[Any]:
    return message.new(payload, district=DISTRICT, source="test", **kwargs)


class Bus:
    """The analytics subscribers, driven through the real inbox (idempotent delivery)."""

    def __init__(self, database: Database) -> None:
        self.handlers: dict[str, Handler] = {}
        broker = make_broker("amqp://guest:guest@127.0.0.1:5672/")  # never connected
        self.consumers = Consumers(
            broker=broker, database=database, publisher=Publisher(broker), service="analytics"
        )
        subscribe(self)  # type: ignore[arg-type]

    def subscribe(self, message: MessageType[Any], handler: Handler, **_: Any) -> str:
        queue = f"analytics.{message.routing_key}"
        self.handlers[queue] = handler
        return queue

    async def deliver(self, message: MessageType[Any], item: Envelope[Any]) -> bool:
        name = f"analytics.{message.routing_key}"
        delivery = Delivery(
            queue=name, routing_key=message.routing_key, headers={}, delivery_count=0
        )
        return await self.consumers._apply(name, item, delivery, self.handlers[name])

    async def send(self, message: MessageType[Any], payload: Any) -> bool:
        return await self.deliver(message, envelope(message, payload))


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh analytics database, migrated to head."""
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def make_settings(database: Database, **overrides: Any) -> AnalyticsSettings:
    values: dict[str, Any] = {
        "service": "analytics",
        "district": DISTRICT,
        "district_name": "Яйский муниципальный округ",
        "database_url": database.url,
        "documents_url": "http://documents.test",
        "scheduling_url": "http://scheduling.test",
        "growth_url": "http://growth.test",
        **testing.auth_settings(),
    }
    values.update(overrides)
    return AnalyticsSettings(**values)


@pytest.fixture
def settings(database: Database) -> AnalyticsSettings:
    """Settings of the Yaya district."""
    return make_settings(database)


@pytest.fixture
def bus(database: Database) -> Bus:
    return Bus(database)


@pytest.fixture
async def world(bus: Bus) -> None:
    """Four schools of the district as the registry announced them; the second is a
    school with low educational results (ШНОР)."""
    await bus.send(ORGANISATION_UPSERTED, school(S1))
    await bus.send(ORGANISATION_UPSERTED, school(S2, low_results=True))
    await bus.send(ORGANISATION_UPSERTED, school(S3))
    await bus.send(ORGANISATION_UPSERTED, school(S4))


# --- files --------------------------------------------------------------------------


def result_rows(
    year: int, *, schools: Sequence[UUID] = (S1, S2, S3), percents: Any = None
) -> list[list[str]]:
    """Data rows of one year: code, name (as the regional centre spells it), exam, subject,
    year, task, element, max, percent (Russian decimal comma), participants."""
    table = percents or PERCENTS[year]
    rows = []
    for sid in schools:
        for (task, element, max_score), percent in zip(TASKS, table[sid], strict=True):
            rows.append(
                [
                    CODES[sid],
                    # the region's spelling: other quotes, no space after «№»
                    NAMES[sid][0].replace("«", '"').replace("»", '"').replace("№ ", "№"),
                    "ОГЭ",
                    "Математика",
                    str(year),
                    task,
                    element,
                    str(max_score),
                    f"{percent:.1f}".replace(".", ","),
                    str(PARTICIPANTS[sid]),
                ]
            )
    return rows


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = HEADER,
    encoding: str = "utf-8",
    delimiter: str = ";",
    title: str | None = "Результаты ОГЭ по заданиям в разрезе образовательных организаций",
) -> bytes:
    """A CSV as Excel saves it (a title line above the header)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if title:
        writer.writerow([title])
        writer.writerow([])
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    header: Sequence[str] = HEADER,
    percent_column: int | None = None,
    title: str | None = "Результаты ОГЭ по математике, 2026 год",
) -> bytes:
    """An XLSX with a merged title above the header; ``percent_column`` (0-based) holds
    fractions formatted as percent, the way Excel keeps «90%»."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "ОГЭ"
    start = 1
    if title:
        sheet.cell(row=1, column=1, value=title)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        start = 3
    for column, text in enumerate(header, start=1):
        sheet.cell(row=start, column=column, value=text)
    for r, row in enumerate(rows, start=start + 1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if percent_column is not None and c - 1 == percent_column:
                cell.number_format = "0%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_rows(year: int) -> list[list[Any]]:
    """The year's rows with numbers as numbers and the percent as a fraction."""
    return [
        [
            *row[:4],
            int(row[4]),
            int(row[5]),
            row[6],
            int(row[7]),
            float(row[8].replace(",", ".")) / 100,
            int(row[9]),
        ]
        for row in result_rows(year)
    ]


# --- clients and fake neighbours ------------------------------------------------------


class FakeNeighbours:
    """The documents, scheduling and growth services as analytics calls them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any], str]] = []
        self.documents: dict[str, str] = {}
        self.fail: dict[str, httpx.Response] = {}
        self.verifier = TokenVerifier(testing.public_keys())

    def principal(self, index: int = -1) -> Any:
        """Who the call was made as (its bearer token, verified)."""
        token = self.calls[index][3].removeprefix("Bearer ")
        return self.verifier.verify(token)

    def bodies(self, host: str) -> list[dict[str, Any]]:
        return [body for h, _, body, _ in self.calls if h == host]

    def handler(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        body = json.loads(request.content)
        self.calls.append((host, request.url.path, body, request.headers.get("authorization", "")))
        if host in self.fail:
            return self.fail[host]
        if host == "documents.test":
            assert request.url.path == "/documents/render"
            created = body["source_key"] not in self.documents
            document_id = self.documents.setdefault(body["source_key"], str(uuid4()))
            return httpx.Response(
                201 if created else 200,
                json={
                    "id": document_id,
                    "kind": "information_note",
                    "title": "Информационная справка",
                    "number": "",
                    "dated": body["data"]["issued_on"],
                },
            )
        if host == "scheduling.test":
            assert request.url.path == "/events/"
            return httpx.Response(
                201,
                json={
                    "id": str(uuid4()),
                    "title": body["title"],
                    "starts_at": body["starts_at"] + ("" if "+" in body["starts_at"] else "+07:00"),
                },
            )
        if host == "growth.test":
            assert request.url.path == "/deficits"
            return httpx.Response(
                201,
                json={
                    "id": str(uuid4()),
                    "full_name": "Андреева Анна Петровна",
                    "competency_title": "Подготовка обучающихся к ГИА",
                    **body,
                },
            )
        return httpx.Response(404, json={"message": "Не найдено"})


@pytest.fixture
def neighbours() -> FakeNeighbours:
    return FakeNeighbours()


Client = AsyncTestClient[Any]


def app_for(database: Database, settings: AnalyticsSettings, fake: FakeNeighbours) -> Any:
    own = Database(database.url)  # the test client runs the app on its own loop
    clients = neighbours_of(settings, transport=httpx.MockTransport(fake.handler))
    app = create_http_app(
        CONTROLLERS,
        settings=settings,
        title="Анализ результатов ГИА",
        dependencies={
            "database": Provide(lambda: own, sync_to_thread=False),
            "outbox": Provide(
                lambda: Outbox(district=settings.district, source="analytics"),
                sync_to_thread=False,
            ),
            "settings": Provide(lambda: settings, sync_to_thread=False),
            "neighbours": Provide(lambda: clients, sync_to_thread=False),
        },
        request_max_body_size=settings.max_upload_bytes + 1024 * 1024,
    )
    return app, own


@pytest.fixture
async def client(
    database: Database, settings: AnalyticsSettings, neighbours: FakeNeighbours
) -> AsyncIterator[Client]:
    """The analytics HTTP app as a methodist of the district."""
    app, own = app_for(database, settings, neighbours)
    async with AsyncTestClient(app) as test_client:
        test_client.auth = as_role("methodist", name="Методистова Мария Ивановна")
        yield test_client
    await own.dispose()


def as_role(role: str, district: str = DISTRICT, **claims: Any) -> httpx.Auth:
    return testing.auth(district, role, **claims)


def as_school(organisation_id: UUID) -> httpx.Auth:
    return testing.auth(DISTRICT, "school_representative", organisation_id=organisation_id)


async def upload(client: Client, content: bytes, filename: str, *, dry_run: bool) -> httpx.Response:
    return await client.post(
        "/results/import",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (filename, content, "application/octet-stream")},
    )


async def load_three_years(client: Client) -> None:
    """2024 as UTF-8 CSV with counts of solvers, 2025 as Windows-1251 CSV, 2026 as XLSX."""
    solved_header = [*HEADER[:8], "Число выполнивших", "Число участников"]
    rows_2024 = []
    for row in result_rows(2024):
        participants = int(row[9])
        percent = float(row[8].replace(",", "."))
        rows_2024.append([*row[:8], str(round(percent * participants / 100)), row[9]])
    files = [
        ("ogemath2024.csv", csv_bytes(rows_2024, header=solved_header, delimiter=",")),
        ("ogemath2025.csv", csv_bytes(result_rows(2025), encoding="cp1251")),
        ("ogemath2026.xlsx", xlsx_bytes(xlsx_rows(2026), percent_column=8)),
    ]
    for name, content in files:
        response = await upload(client, content, name, dry_run=False)
        assert response.status_code == 200, response.text
        assert response.json()["imported"] == 9, response.text


def decode(response: httpx.Response) -> Any:
    return msgspec.json.decode(response.content)


@pytest.fixture
def h() -> Any:
    """This module: the helpers and constants above (tests cannot import a conftest)."""
    return sys.modules[__name__]
