"""Private PostgreSQL clusters and RabbitMQ nodes, with federation from a district."""

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import aio_pika
import asyncpg
import pytest

from imc_contracts.names import DISTRICTS_EXCHANGE, EVENTS_EXCHANGE, SITE_STATUS_CHANGED_V1
from imc_local.definitions import centre_definitions, district_definitions, upstream_uri
from imc_local.ports import free_ports
from imc_local.postgres import PG_BIN, start_postgres
from imc_local.rabbit import RABBITMQ_BIN, RabbitNode, start_rabbit_node, wait_ready

SERVICE_USER, SERVICE_PASSWORD = "imc-service", "service-secret"
LINK_USER, LINK_PASSWORD = "imc-link", "link-secret"
FEDERATION_DEADLINE = 60.0


async def test_postgres_cluster_serves_a_database(tmp_path: Path) -> None:
    if not PG_BIN.exists():
        pytest.fail("PostgreSQL 15 is not installed: run deploy/local/install-system-deps.sh")
    started = time.monotonic()
    cluster = start_postgres(tmp_path, durable=False)
    print(f"postgres started in {time.monotonic() - started:.1f} s on port {cluster.port}")
    try:
        assert cluster.port != 5432
        cluster.create_database("imc_test")
        url = cluster.url("imc_test")
        assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{cluster.port}/imc_test"
        connection = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            assert await connection.fetchval("SELECT 1") == 1
        finally:
            await connection.close()
    finally:
        cluster.stop()
    assert not cluster.is_running()


@pytest.fixture
def district_and_centre(tmp_path: Path) -> Iterator[tuple[RabbitNode, RabbitNode]]:
    """A district node and a centre node federating ``imc.districts`` from it."""
    if not RABBITMQ_BIN.exists():
        pytest.fail("RabbitMQ is not installed: run deploy/local/install-system-deps.sh")
    district_port, centre_port = free_ports(2)
    district_defs = district_definitions(
        "yaya",
        service_user=SERVICE_USER,
        service_password=SERVICE_PASSWORD,
        link_user=LINK_USER,
        link_password=LINK_PASSWORD,
    )
    centre_defs = centre_definitions(
        "centre",
        service_user=SERVICE_USER,
        service_password=SERVICE_PASSWORD,
        upstreams={"yaya": upstream_uri("127.0.0.1", district_port, LINK_USER, LINK_PASSWORD)},
    )
    nodes: list[RabbitNode] = []
    try:
        started = time.monotonic()
        for name, definitions, port in (
            (f"imc-yaya-{os.getpid()}", district_defs, district_port),
            (f"imc-centre-{os.getpid()}", centre_defs, centre_port),
        ):
            nodes.append(start_rabbit_node(name, tmp_path, definitions, amqp_port=port, wait=False))
        for node in nodes:
            wait_ready(node)
        print(f"two RabbitMQ nodes booted in {time.monotonic() - started:.1f} s")
        yield nodes[0], nodes[1]
    finally:
        for node in nodes:
            node.stop()


@pytest.mark.timeout(150)
async def test_district_events_reach_the_centre(
    district_and_centre: tuple[RabbitNode, RabbitNode],
) -> None:
    district, centre = district_and_centre
    assert {district.amqp_port, centre.amqp_port}.isdisjoint({5672})
    for node in (district, centre):
        assert "rabbitmq_federation" in node.ctl("eval", "rabbit_plugins:active().")
    assert "federation-upstream" in centre.ctl("list_parameters")

    with pytest.raises(aio_pika.exceptions.ProbableAuthenticationError):
        await aio_pika.connect(f"amqp://guest:guest@127.0.0.1:{district.amqp_port}/")

    centre_connection = await aio_pika.connect(centre.url(SERVICE_USER, SERVICE_PASSWORD))
    district_connection = await aio_pika.connect(district.url(SERVICE_USER, SERVICE_PASSWORD))
    try:
        centre_channel = await centre_connection.channel()
        queue = await centre_channel.declare_queue(exclusive=True)
        await queue.bind(DISTRICTS_EXCHANGE, SITE_STATUS_CHANGED_V1)  # allowlisted keys only
        district_channel = await district_connection.channel()
        events = await district_channel.get_exchange(EVENTS_EXCHANGE)

        started = time.monotonic()
        await _wait_for_federation(events, queue, centre)
        print(f"federation link carried a message after {time.monotonic() - started:.1f} s")

        await queue.purge()
        await events.publish(
            aio_pika.Message(b"site 42 closed", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=SITE_STATUS_CHANGED_V1,
        )
        message = await _get(queue, within=10)
        assert message is not None
        assert message.body == b"site 42 closed"
        received_from = message.headers["x-received-from"]
        print(f"x-received-from: {received_from!r}")
        assert isinstance(received_from, list)
        first = received_from[0]
        assert isinstance(first, dict)
        assert str(district.amqp_port) in str(first["uri"])
    finally:
        await centre_connection.close()
        await district_connection.close()


async def _wait_for_federation(
    events: aio_pika.abc.AbstractExchange, queue: aio_pika.abc.AbstractQueue, centre: RabbitNode
) -> None:
    """Publish probes on the district until one arrives at the centre."""
    deadline = time.monotonic() + FEDERATION_DEADLINE
    while time.monotonic() < deadline:
        await events.publish(
            aio_pika.Message(b"probe", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=SITE_STATUS_CHANGED_V1,
        )
        if await _get(queue, within=1.0) is not None:
            return
    status = centre.ctl("eval", "rabbit_federation_status:status().", check=False)
    pytest.fail(f"federation link not up after {FEDERATION_DEADLINE} s; status: {status}")


async def _get(
    queue: aio_pika.abc.AbstractQueue, *, within: float
) -> aio_pika.abc.AbstractIncomingMessage | None:
    """The next message of ``queue`` (acknowledged), or None after ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return message
        await asyncio.sleep(0.1)
    return None
