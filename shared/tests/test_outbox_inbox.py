"""Outbox and inbox on a real SQLite database (the relay's publisher is a fake here;
the end-to-end tests publish to real RabbitMQ nodes)."""

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from imc_contracts import ROADMAP_OPENED
from imc_contracts.examples import example
from imc_shared.broker import make_broker
from imc_shared.consumer import Consumers, Delivery
from imc_shared.db import Database
from imc_shared.outbox import Outbox, OutboxRelay
from imc_shared.tables import inbox, messaging_metadata, outbox


class FakePublisher:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.fail = False

    async def publish(self, **message: Any) -> None:
        if self.fail:
            raise ConnectionError("broker away")
        self.sent.append(message)


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/test.db")
    async with db.engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all)
    return db


async def pending(database: Database) -> int:
    async with database.sessions() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )
    return int(count or 0)


async def test_a_rolled_back_change_leaves_no_message(database: Database) -> None:
    writer = Outbox(district="yaya", source="scheduling")
    payload = example(ROADMAP_OPENED).payload

    async def failing_change() -> None:
        async with database.transaction() as session:
            await writer.put(session, ROADMAP_OPENED, payload)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await failing_change()
    assert await pending(database) == 0
    async with database.transaction() as session:
        envelope = await writer.put(session, ROADMAP_OPENED, payload)
    assert await pending(database) == 1
    assert envelope.district == "yaya"
    assert envelope.source == "scheduling"


async def test_relay_publishes_with_the_message_id_and_keeps_failures(database: Database) -> None:
    writer = Outbox(district="yaya", source="scheduling")
    async with database.transaction() as session:
        envelope = await writer.put(session, ROADMAP_OPENED, example(ROADMAP_OPENED).payload)
    publisher = FakePublisher()
    relay = OutboxRelay(database, publisher)  # type: ignore[arg-type]
    publisher.fail = True
    with pytest.raises(RuntimeError, match="1 of 1 publishes failed"):
        await relay.relay_once()
    assert await pending(database) == 1
    publisher.fail = False
    assert await relay.relay_once() == 1
    assert await pending(database) == 0
    assert publisher.sent[0]["message_id"] == str(envelope.id)
    assert publisher.sent[0]["routing_key"] == ROADMAP_OPENED.routing_key
    assert ROADMAP_OPENED.decode(publisher.sent[0]["body"]) == envelope
    assert await relay.relay_once() == 0


async def test_inbox_applies_a_message_once(database: Database) -> None:
    consumers = Consumers(
        broker=make_broker("amqp://127.0.0.1:1/"),
        database=database,
        publisher=FakePublisher(),
        service="test",
    )  # type: ignore[arg-type]
    calls: list[str] = []

    async def handler(session: Any, envelope: Any, delivery: Delivery) -> None:
        calls.append(str(envelope.id))

    envelope = example(ROADMAP_OPENED)
    delivery = Delivery(
        queue="test.q", routing_key=envelope.routing_key, headers={}, delivery_count=0
    )
    assert await consumers._apply("test.q", envelope, delivery, handler) is True
    assert await consumers._apply("test.q", envelope, delivery, handler) is False
    assert await consumers._apply("other.q", envelope, delivery, handler) is True
    assert len(calls) == 2
    async with database.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(inbox)) == 2


async def test_a_failing_handler_leaves_no_inbox_record(database: Database) -> None:
    consumers = Consumers(
        broker=make_broker("amqp://127.0.0.1:1/"),
        database=database,
        publisher=FakePublisher(),
        service="test",
    )  # type: ignore[arg-type]

    async def failing(session: Any, envelope: Any, delivery: Delivery) -> None:
        raise ValueError("boom")

    envelope = example(ROADMAP_OPENED)
    delivery = Delivery(queue="q", routing_key="k", headers={}, delivery_count=0)
    with pytest.raises(ValueError, match="boom"):
        await consumers._apply("q", envelope, delivery, failing)
    async with database.sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(inbox)) == 0
