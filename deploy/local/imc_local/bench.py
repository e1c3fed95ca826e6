"""``make bench``: speed of the messaging core, as ratios against a baseline measured in
the same run on the same private RabbitMQ node.

- publish: the outbox relay (SQLite rows -> confirmed, persistent, mandatory publishes)
  against raw aio-pika publishing the same bodies pipelined with confirms;
- consume: idempotent consumers (decode, inbox insert and commit on SQLite, ack) against a
  raw aio-pika consumer that only acks.
"""

import asyncio
import tempfile
import time
from pathlib import Path

import aio_pika
import msgspec

from imc_contracts import ROADMAP_OPENED, names
from imc_contracts.examples import example
from imc_local.definitions import district_definitions
from imc_local.rabbit import start_rabbit_node
from imc_shared.broker import Publisher, consumer_queue, declare_topology, make_broker
from imc_shared.consumer import Consumers
from imc_shared.db import Database
from imc_shared.outbox import Outbox, OutboxRelay
from imc_shared.tables import messaging_metadata

COUNT = 2000


async def _raw_publish(url: str, bodies: list[bytes], key: str) -> float:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        exchange = await channel.get_exchange(names.EVENTS_EXCHANGE)
        started = time.perf_counter()
        await asyncio.gather(
            *(
                exchange.publish(
                    aio_pika.Message(body, delivery_mode=2), routing_key=key, mandatory=True
                )
                for body in bodies
            )
        )
        return time.perf_counter() - started


async def _purge(url: str, queue: str) -> None:
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        await (await channel.get_queue(queue)).purge()


async def _raw_consume(url: str, queue: str, count: int) -> float:
    connection = await aio_pika.connect(url)
    done = asyncio.Event()
    seen = 0
    async with connection:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=16)
        source = await channel.get_queue(queue)
        started = time.perf_counter()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal seen
            await message.ack()
            seen += 1
            if seen >= count:
                done.set()

        await source.consume(on_message)
        await done.wait()
        return time.perf_counter() - started


async def measure(url: str, workdir: Path) -> dict[str, float]:
    """Run both comparisons; return seconds per side."""
    database = Database(f"sqlite+aiosqlite:///{workdir}/bench.db")
    async with database.engine.begin() as connection:
        await connection.run_sync(messaging_metadata.create_all)
    broker = make_broker(url)
    await broker.connect()
    await declare_topology(broker)
    queue = names.queue_name("bench", ROADMAP_OPENED.routing_key)
    declared = await broker.declare_queue(consumer_queue(queue, ROADMAP_OPENED.routing_key))
    await declared.bind(names.EVENTS_EXCHANGE, routing_key=ROADMAP_OPENED.routing_key)
    payload = example(ROADMAP_OPENED).payload

    writer = Outbox(district="bench", source="bench")
    async with database.transaction() as session:
        for _ in range(COUNT):
            await writer.put(session, ROADMAP_OPENED, payload)
    relay = OutboxRelay(database, Publisher(broker), batch_size=200)
    started = time.perf_counter()
    while await relay.relay_once():
        pass
    relay_seconds = time.perf_counter() - started
    await _purge(url, queue)

    bodies = [
        msgspec.json.encode(ROADMAP_OPENED.new(payload, district="bench", source="bench"))
        for _ in range(COUNT)
    ]
    raw_publish = await _raw_publish(url, bodies, ROADMAP_OPENED.routing_key)
    raw_consume = await _raw_consume(url, queue, COUNT)

    await _raw_publish(url, bodies, ROADMAP_OPENED.routing_key)
    consumers = Consumers(
        broker=broker, database=database, publisher=Publisher(broker), service="bench"
    )
    handled = asyncio.Event()

    async def handler(*_: object) -> None:
        if consumers.stats.handled + 1 >= COUNT:
            handled.set()

    consumers.subscribe(ROADMAP_OPENED, handler)
    await consumers.declare_dead_letter_queues()
    started = time.perf_counter()
    await broker.start()
    await asyncio.wait_for(handled.wait(), timeout=300)
    consume_seconds = time.perf_counter() - started
    await broker.stop()
    await database.dispose()
    return {
        "relay": relay_seconds,
        "raw_publish": raw_publish,
        "consume": consume_seconds,
        "raw_consume": raw_consume,
    }


def main() -> None:
    """Start a private node, measure, print ratios."""
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        node = start_rabbit_node(
            f"imc-bench-{time.time_ns()}",
            workdir,
            district_definitions(
                "bench",
                service_user="imc",
                service_password="bench",  # noqa: S106 - a throwaway local node
                link_user="link",
                link_password="link",  # noqa: S106
            ),
        )
        try:
            result = asyncio.run(measure(node.url("imc", "bench"), workdir))
        finally:
            node.stop()
    print(f"{COUNT} messages, one private RabbitMQ node, SQLite")
    print(
        f"publish: outbox relay {COUNT / result['relay']:.0f}/s, raw aio-pika "
        f"{COUNT / result['raw_publish']:.0f}/s, "
        f"ratio {result['relay'] / result['raw_publish']:.2f}x the baseline's time"
    )
    print(
        f"consume: idempotent consumer {COUNT / result['consume']:.0f}/s, raw ack "
        f"{COUNT / result['raw_consume']:.0f}/s, ratio "
        f"{result['consume'] / result['raw_consume']:.2f}x the baseline's time"
    )


if __name__ == "__main__":
    main()
