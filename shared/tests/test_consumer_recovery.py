"""Consumers come back after a forced connection close and after a node restart, on a
real RabbitMQ node, and ``/ready`` says when they are away. The bounds are generous
correctness bounds; ``python -m imc_local.bench_recovery`` measures the times."""

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from litestar.testing import AsyncTestClient

from imc_local.bench_recovery import (
    Observer,
    RecoveryNode,
    RecoveryService,
    build_service,
    elect_leaderless_quorum_queues,
    publish,
    start_node,
    wait_handled,
)
from imc_local.rabbit import RABBITMQ_BIN
from imc_shared import testing

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(240)]

BOUND = 60.0
"""Every queue has its consumer again within this long (a correctness bound)."""

_names = itertools.count(1)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecoveryNode]:
    if not RABBITMQ_BIN.exists():
        pytest.fail("RabbitMQ is not installed: run deploy/local/install-system-deps.sh")
    started = start_node(tmp_path_factory.mktemp("recovery"))
    yield started
    started.stop()


Service = tuple[RecoveryService, AsyncTestClient[Any]]


@pytest.fixture
async def service(node: RecoveryNode, tmp_path: Path) -> AsyncIterator[Service]:
    """A service on its own queues, its HTTP app started (which starts the runtime)."""
    probe = build_service(
        tmp_path / "service",
        node.service_url,
        service=f"recovery{next(_names)}",
        **testing.auth_settings(),
    )
    app = probe.runtime.http_app([], title="Проверка потребителей")
    async with AsyncTestClient(app, timeout=30) as client:
        yield probe, client


async def _ready(client: AsyncTestClient[Any]) -> tuple[int, dict[str, Any]]:
    answer = await client.get("/ready")
    return answer.status_code, answer.json()


async def _until(
    client: AsyncTestClient[Any], ready: bool, within: float = BOUND
) -> dict[str, Any]:
    """Poll ``/ready`` until it answers 200 (``ready``) or 503; returns its body."""
    deadline = time.monotonic() + within
    while True:
        status, body = await _ready(client)
        if (status == 200) is ready:
            assert body["ready"] is ready
            return body
        assert time.monotonic() < deadline, f"/ready still {status} after {within} s: {body}"
        await asyncio.sleep(0.05)


async def _wait(condition: Callable[[], bool], within: float = BOUND) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"not within {within} s"
        await asyncio.sleep(0.02)


async def _broker_counts_consumers(node: RecoveryNode, queues: list[str]) -> None:
    observer = Observer(node.probe_url, queues)
    try:
        await observer.wait_consuming(within=BOUND)
    finally:
        await observer.close()


def _all_consuming(body: dict[str, Any], queues: list[str]) -> bool:
    subscriptions = body["consumers"]["subscriptions"]
    return set(subscriptions) == set(queues) and all(
        subscriptions[queue]["consuming"] for queue in queues
    )


async def _handled_once(probe: RecoveryService, ids: list[str]) -> None:
    await wait_handled(probe, ids, within=BOUND)
    await asyncio.sleep(0.5)  # a redelivery would show up as a second effect
    assert probe.twice(ids) == []


async def test_consumers_come_back_after_the_broker_closes_the_connection(
    node: RecoveryNode, service: Service
) -> None:
    probe, client = service
    body = await _until(client, ready=True)
    assert body["consumers"]["consuming"] is True
    assert _all_consuming(body, probe.queues)
    before = await publish(node.probe_url)
    await wait_handled(probe, before, within=BOUND)
    seen = probe.interruptions()

    started = time.monotonic()
    await asyncio.to_thread(node.close_connections)
    during = await publish(node.probe_url)
    await _wait(lambda: probe.interruptions() >= seen + len(probe.queues))
    body = await _until(client, ready=True)
    assert time.monotonic() - started < BOUND
    await _broker_counts_consumers(node, probe.queues)
    for queue in probe.queues:
        state = body["consumers"]["subscriptions"][queue]
        assert state["consuming"] is True
        assert state["interruptions"] == 1
        assert 0 < state["last_interruption_seconds"] < BOUND

    after = await publish(node.probe_url)
    await _handled_once(probe, before + during + after)


async def test_ready_is_false_while_the_consumers_cannot_come_back(
    node: RecoveryNode, service: Service
) -> None:
    """The broker closes the connection and refuses the service's user for a while:
    ``/ready`` answers 503 naming the queues without a consumer; messages published
    meanwhile wait in the queues and are each handled once after the user is let in."""
    probe, client = service
    await _until(client, ready=True)
    await asyncio.to_thread(node.withhold)
    try:
        await asyncio.to_thread(node.close_connections)
        body = await _until(client, ready=False)
        subscriptions = body["consumers"]["subscriptions"]
        assert body["consumers"]["consuming"] is False
        assert all(subscriptions[queue]["consuming"] is False for queue in probe.queues)
        assert all(subscriptions[queue]["down_seconds"] >= 0 for queue in probe.queues)
        away = await publish(node.probe_url)
        await asyncio.sleep(2)  # several reconnect attempts, all refused
        status, body = await _ready(client)
        assert status == 503, body
        assert probe.missing(away) == away
    finally:
        await asyncio.to_thread(node.give_back)

    body = await _until(client, ready=True)
    assert _all_consuming(body, probe.queues)
    await _broker_counts_consumers(node, probe.queues)
    await _handled_once(probe, away)


async def test_consumers_come_back_after_the_node_restarts(
    node: RecoveryNode, service: Service
) -> None:
    probe, client = service
    await _until(client, ready=True)
    before = await publish(node.probe_url)
    await wait_handled(probe, before, within=BOUND)

    await asyncio.to_thread(node.node.stop)
    status, body = await _ready(client)
    assert status == 503
    assert body["broker"] == "unavailable"
    assert body["consumers"]["consuming"] is False
    await asyncio.to_thread(node.node.start_again)
    up = time.monotonic()
    # The start-up hook every node needs with RabbitMQ 3.10 (see the function).
    await asyncio.to_thread(elect_leaderless_quorum_queues, node.node)
    during = await publish(node.probe_url)
    body = await _until(client, ready=True)
    assert time.monotonic() - up < BOUND
    assert _all_consuming(body, probe.queues)
    await _broker_counts_consumers(node, probe.queues)

    after = await publish(node.probe_url)
    await _handled_once(probe, before + during + after)


async def test_the_watchdog_brings_back_a_consumer_the_library_forgot(
    node: RecoveryNode, tmp_path: Path
) -> None:
    """A consumer gone while its channel stays open, and that aio-pika will not restore
    (as some library versions lose consumers): the watchdog consumes again."""
    probe = build_service(tmp_path / "service", node.service_url, service="recovery-forgot")
    consumers = probe.runtime.consumers
    consumers.watchdog.repair_after = 1.0
    await probe.runtime.start()
    try:
        await _wait(lambda: all(state.ok for state in consumers.states.values()))
        subscriber = consumers._subscriptions[0].subscriber
        queue, tag = subscriber._queue_obj, subscriber._consumer_tag
        queue._consumers.pop(tag)  # aio-pika forgets it, so it will not restore it
        channel = await aio_pika.Channel.get_underlay_channel(queue.channel)
        await channel.basic_cancel(tag)

        checks = await probe.runtime.readiness()
        assert checks["ready"] is False
        assert checks["consumers"]["subscriptions"][queue.name]["consuming"] is False
        away = await publish(node.probe_url)
        await _wait(lambda: consumers.states[queue.name].ok)
        checks = await probe.runtime.readiness()
        assert checks["ready"] is True, checks
        assert checks["consumers"]["subscriptions"][queue.name]["resubscribed"] == 1
        assert subscriber._consumer_tag == tag
        await _broker_counts_consumers(node, probe.queues)
        await _handled_once(probe, away)
    finally:
        await probe.runtime.stop()
