"""Fixtures: a real local HTTP server standing in for the registry and the aggregator.

It serves fixed JSON shaped exactly as the real services answer, under prefixes:
``/registry`` (a district with sites), ``/empty`` (a district without sites),
``/federation`` (the centre), ``/broken`` (answers 500), ``/garbled`` (wrong shape),
``/slow`` (answers too late).
"""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from litestar import Litestar, Response, get
from litestar.params import FromPath

YAYA_SITES: list[dict[str, Any]] = [
    {
        "id": "0194c1a2-7e00-7000-8000-000000000001",
        "organisation_id": "0194c1a2-7e00-7000-8000-0000000000a1",
        "organisation_short_name": "МБОУ «Яйская ООШ № 1»",
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская основная общеобразовательная школа № 1»",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Формирование функциональной грамотности обучающихся на уроках "
        "естественно-научного цикла",
        "term_start": "2026-10-15",
        "term_end": "2028-10-14",
        "leader": {
            "full_name": "Кузнецова Ольга Викторовна",
            "position": "заместитель директора по УВР",
        },
        "co_leader": {"full_name": "Смирнова Татьяна Ивановна", "position": "методист МБУ «ИМЦ»"},
        "order_number": "45-од",
        "order_date": "2026-10-15",
        "created_at": "2026-10-15T09:00:00Z",
    },
    {
        "id": "0194c1a2-7e00-7000-8000-000000000002",
        "organisation_id": "0194c1a2-7e00-7000-8000-0000000000a2",
        "organisation_short_name": "МБДОУ «Детский сад «Солнышко»",
        "organisation_full_name": "Муниципальное бюджетное дошкольное образовательное "
        "учреждение «Детский сад «Солнышко» пгт Яя",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "extended",
        "status_title": "продлена",
        "topic": "Ранняя профориентация дошкольников через сюжетно-ролевую игру",
        "term_start": "2025-09-01",
        "term_end": "2027-08-31",
        "leader": {"full_name": "Белова Наталья Сергеевна", "position": "заведующий"},
        "co_leader": {"full_name": "Смирнова Татьяна Ивановна", "position": "методист МБУ «ИМЦ»"},
        "order_number": "112",
        "order_date": "2025-08-28",
    },
]

CENTRE_SITES: list[dict[str, Any]] = [
    {
        "district": "buguruslan",
        "district_name": "Город Бугуруслан",
        "site_id": "0194c1a2-7e00-7000-8000-000000000101",
        "organisation_short_name": "МБОУ «СОШ № 2»",
        "organisation_full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Средняя общеобразовательная школа № 2» г. Бугуруслана",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Подготовка к ОГЭ по математике: работа с обучающимися группы риска",
        "term_start": "2026-09-01",
        "term_end": "2027-08-31",
        "leader": {"full_name": "Павлова Ирина Геннадьевна", "position": "директор"},
        "co_leader": {"full_name": "Орлов Денис Андреевич", "position": "методист ИМЦ"},
        "order_number": "301-п",
        "order_date": "2026-08-25",
        "received_at": "2026-11-20T07:30:00Z",
    },
    {
        "district": "asekeevo",
        "district_name": "Асекеевский район",
        "site_id": "0194c1a2-7e00-7000-8000-000000000201",
        "organisation_short_name": "МОБУ «Асекеевская СОШ»",
        "organisation_full_name": "Муниципальное общеобразовательное бюджетное учреждение "
        "«Асекеевская средняя общеобразовательная школа»",
        "kind": "osmp",
        "kind_title": "опорная (стажировочная) методическая площадка",
        "status": "active",
        "status_title": "действует",
        "topic": "Наставничество молодых педагогов",
        "term_start": "2026-10-01",
        "term_end": "2027-09-30",
        "leader": {"full_name": "Ахметова Гульнара Рашитовна", "position": "заместитель директора"},
        "co_leader": {"full_name": "Иванов Пётр Сергеевич", "position": "методист РМК"},
        "order_number": "17",
        "order_date": "2026-09-28",
        "received_at": "2026-11-21T10:05:00Z",
    },
]

DISTRICTS: list[dict[str, Any]] = [
    {
        "code": "buguruslan",
        "name": "Город Бугуруслан",
        "sites": 1,
        "last_message_at": "2026-11-20T07:30:00Z",
    },
    {
        "code": "asekeevo",
        "name": "Асекеевский район",
        "sites": 1,
        "last_message_at": "2026-11-21T10:05:00Z",
    },
    {"code": "severnoe", "name": "Северный район", "sites": 0, "last_message_at": None},
]


@get("/{prefix:str}/health")
async def health(prefix: FromPath[str]) -> Response[dict[str, str]]:
    """Liveness of every fake backend but the broken one."""
    return Response({"status": "ok"}, status_code=500 if prefix == "broken" else 200)


@get("/{prefix:str}/sites")
async def sites(prefix: FromPath[str]) -> Response[Any]:
    """Sites as the registry or the aggregator returns them."""
    return await _answer(
        prefix,
        {"registry": YAYA_SITES, "empty": [], "federation": CENTRE_SITES, "centre-empty": []},
    )


@get("/{prefix:str}/districts")
async def districts(prefix: FromPath[str]) -> Response[Any]:
    """Districts as the aggregator returns them."""
    return await _answer(prefix, {"federation": DISTRICTS, "centre-empty": []})


async def _answer(prefix: str, data: dict[str, Any]) -> Response[Any]:
    if prefix == "broken":
        return Response({"error": "internal_error"}, status_code=500)
    if prefix == "garbled":
        return Response([{"id": "not a site"}])
    if prefix == "slow":
        await asyncio.sleep(2)
    return Response(data.get(prefix, []))


class FakeBackends:
    """A uvicorn server on a free local port, run in a background thread."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        app = Litestar([health, sites, districts], logging_config=None)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def url(self, prefix: str) -> str:
        """Base URL of one fake backend."""
        return f"http://127.0.0.1:{self.port}/{prefix}"

    def start(self) -> None:
        """Start serving and wait until the server listens."""
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the fake backend did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving."""
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))


@pytest.fixture
def unused_port() -> int:
    """A local port nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def backends() -> Iterator[FakeBackends]:
    """The fake backends, served for the whole session."""
    server = FakeBackends()
    server.start()
    yield server
    server.stop()
