"""The federation topology on real nodes: two hops up to a regional centre, the
allowlist enforced by the district's broker, and link accounts confined to their link."""

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import aio_pika
import aiormq
import pytest

from imc_contracts import EVENT_CHANGED, PERSON_UPSERTED, SITE_STATUS_CHANGED
from imc_contracts.names import CENTRE_EXCHANGE, DISTRICTS_EXCHANGE, EVENTS_EXCHANGE
from imc_local.definitions import (
    Upstream,
    centre_definitions,
    district_account,
    district_definitions,
    parent_account,
    upstream_uri,
)
from imc_local.links import list_links
from imc_local.ports import free_ports
from imc_local.rabbit import RABBITMQ_BIN, RabbitNode, start_rabbit_node, wait_ready

SERVICE, SERVICE_PASSWORD = "imc", "service-secret"
LINK, LINK_PASSWORD = "centre-link", "link-secret"
DISTRICT_PASSWORD, REGION_PASSWORD = "district-secret", "region-secret"
DEADLINE = 60.0


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RabbitNode]]:
    """A district (yaya) federated into a centre, itself federated into a region."""
    if not RABBITMQ_BIN.exists():
        pytest.fail("RabbitMQ is not installed: run deploy/local/install-system-deps.sh")
    base = tmp_path_factory.mktemp("topology")
    ports = dict(zip(("yaya", "centre", "region"), free_ports(3), strict=True))
    names = {code: f"topo-{code}-{os.getpid()}" for code in ports}
    definitions = {
        "yaya": district_definitions(
            "yaya",
            service_user=SERVICE,
            service_password=SERVICE_PASSWORD,
            link_user=LINK,
            link_password=LINK_PASSWORD,
            centre=Upstream(
                "centre",
                upstream_uri("127.0.0.1", ports["centre"], "district-yaya", DISTRICT_PASSWORD),
                exchange=CENTRE_EXCHANGE,
            ),
        ),
        "centre": centre_definitions(
            "centre",
            service_user=SERVICE,
            service_password=SERVICE_PASSWORD,
            upstreams={"yaya": upstream_uri("127.0.0.1", ports["yaya"], LINK, LINK_PASSWORD)},
            district_accounts={
                "yaya": district_account("yaya", DISTRICT_PASSWORD, downstream=names["yaya"])
            },
            parent_account=parent_account(
                "region-link", REGION_PASSWORD, downstream=names["region"]
            ),
        ),
        "region": centre_definitions(
            "region",
            service_user=SERVICE,
            service_password=SERVICE_PASSWORD,
            upstreams={
                "centre": Upstream(
                    "centre",
                    upstream_uri("127.0.0.1", ports["centre"], "region-link", REGION_PASSWORD),
                    exchange=DISTRICTS_EXCHANGE,
                    max_hops=2,
                )
            },
        ),
    }
    started: dict[str, RabbitNode] = {}
    try:
        for code, port in ports.items():
            started[code] = start_rabbit_node(
                names[code], base, definitions[code], amqp_port=port, wait=False
            )
        for node in started.values():
            wait_ready(node)
        yield started
    finally:
        for node in started.values():
            node.stop()


async def _connect(node: RabbitNode, user: str = SERVICE, password: str = SERVICE_PASSWORD) -> Any:
    return await aio_pika.connect(node.url(user, password))


async def _probe_until(
    publish_exchange: Any, routing_key: str, queue: Any, deadline: float = DEADLINE
) -> Any:
    """Publish probes until one arrives in ``queue``; returns it."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        await publish_exchange.publish(
            aio_pika.Message(b"probe", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=routing_key,
        )
        got = await _get(queue, 1.0)
        if got is not None:
            return got
    pytest.fail(f"nothing arrived on {routing_key} within {deadline} s")


async def _get(queue: Any, within: float) -> Any:
    end = time.monotonic() + within
    while time.monotonic() < end:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return message
        await asyncio.sleep(0.1)
    return None


@pytest.mark.timeout(180)
async def test_district_and_centre_messages_reach_a_regional_centre(
    nodes: dict[str, RabbitNode],
) -> None:
    region, centre, yaya = (
        await _connect(nodes["region"]),
        await _connect(nodes["centre"]),
        (await _connect(nodes["yaya"])),
    )
    try:
        queue = await (await region.channel()).declare_queue(exclusive=True)
        await queue.bind(DISTRICTS_EXCHANGE, SITE_STATUS_CHANGED.routing_key)
        await queue.bind(DISTRICTS_EXCHANGE, EVENT_CHANGED.routing_key)
        district_events = await (await yaya.channel()).get_exchange(EVENTS_EXCHANGE)
        two_hops = await _probe_until(district_events, SITE_STATUS_CHANGED.routing_key, queue)
        hops = two_hops.headers["x-received-from"]
        assert [str(hop["uri"]) for hop in hops] == [
            nodes["centre"].host_url,
            nodes["yaya"].host_url,
        ]
        centre_events = await (await centre.channel()).get_exchange(EVENTS_EXCHANGE)
        one_hop = await _probe_until(centre_events, EVENT_CHANGED.routing_key, queue)
        assert [str(hop["uri"]) for hop in one_hop.headers["x-received-from"]] == [
            nodes["centre"].host_url
        ]
    finally:
        for connection in (region, centre, yaya):
            await connection.close()


@pytest.mark.timeout(180)
async def test_inter_municipal_messages_go_down_and_a_district_account_is_confined(
    nodes: dict[str, RabbitNode],
) -> None:
    yaya, centre = await _connect(nodes["yaya"]), await _connect(nodes["centre"])
    try:
        queue = await (await yaya.channel()).declare_queue(exclusive=True)
        await queue.bind(CENTRE_EXCHANGE, EVENT_CHANGED.routing_key)
        centre_events = await (await centre.channel()).get_exchange(EVENTS_EXCHANGE)
        down = await _probe_until(centre_events, EVENT_CHANGED.routing_key, queue)
        assert str(down.headers["x-received-from"][0]["uri"]) == nodes["centre"].host_url
    finally:
        await yaya.close()
        await centre.close()

    account = await _connect(nodes["centre"], "district-yaya", DISTRICT_PASSWORD)
    try:
        for exchange in (CENTRE_EXCHANGE, DISTRICTS_EXCHANGE, EVENTS_EXCHANGE):
            channel = await account.channel(publisher_confirms=True)
            target = await channel.get_exchange(exchange, ensure=False)
            with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
                await target.publish(aio_pika.Message(b"forged"), routing_key="x")
        channel = await account.channel()
        with pytest.raises(aiormq.exceptions.ChannelAccessRefused):
            await channel.declare_queue("federation.someone-else")
    finally:
        await account.close()


@pytest.mark.timeout(240)
async def test_the_districts_broker_refuses_to_send_what_is_not_on_the_allowlist(
    nodes: dict[str, RabbitNode],
) -> None:
    centre, yaya = await _connect(nodes["centre"]), await _connect(nodes["yaya"])
    ctl = nodes["centre"].ctl
    try:
        channel = await centre.channel()
        allowed = await channel.declare_queue(exclusive=True)
        await allowed.bind(DISTRICTS_EXCHANGE, SITE_STATUS_CHANGED.routing_key)
        district_events = await (await yaya.channel()).get_exchange(EVENTS_EXCHANGE)
        await _probe_until(district_events, SITE_STATUS_CHANGED.routing_key, allowed)

        personal = await channel.declare_queue(exclusive=True)
        await personal.bind(DISTRICTS_EXCHANGE, PERSON_UPSERTED.routing_key)
        status = _wait_status(ctl, "ACCESS_REFUSED")
        assert PERSON_UPSERTED.routing_key in status
        await district_events.publish(
            aio_pika.Message(b"teacher", delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=PERSON_UPSERTED.routing_key,
        )
        assert await _get(personal, 3.0) is None

        await personal.delete(if_unused=False, if_empty=False)
        _wait_status(ctl, "running")
        await _probe_until(district_events, SITE_STATUS_CHANGED.routing_key, allowed)
        assert {row["name"]: row["status"] for row in list_links(ctl)} == {"yaya": "running"}
    finally:
        await centre.close()
        await yaya.close()


def _wait_status(ctl: Any, text: str) -> str:
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        status: str = ctl("eval", "rabbit_federation_status:status().")
        if text in status:
            return status
        time.sleep(0.5)
    pytest.fail(f"federation status never showed {text!r}")
