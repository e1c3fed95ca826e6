"""Federation benchmark: district commit -> centre read model, against raw aio-pika over
the same federation link, measured in the same run on the same private nodes.

Nodes (all private, under a temporary folder): a district node, a "districts" node
carrying one district per vhost (``district01`` …), and a centre node whose
``imc.districts`` is federated from the ``imc.events`` of every one of them; one private
PostgreSQL cluster (non-durable) holds the aggregator's and the districts' databases.

- raw: aio-pika publishes persistent messages with confirms to the district's
  ``imc.events``; an aio-pika consumer acks them from a quorum queue bound on the centre's
  ``imc.districts``. Latency: the publish time in a header -> the consumer's receive time.
- system: ``SiteStatusChanged`` (distinct site ids, version 1) written by an in-process
  :class:`Outbox` in transactions on the district's own database, relayed by
  :class:`OutboxRelay` to the district node, federated to the centre, stored by the
  aggregator (``imc_federation``, a real process). Latency: ``received_at -
  occurred_at`` of each row in the aggregator's database (read directly, for speed).
- scale: every vhost district with its own outbox, relay and database, all feeding the
  same aggregator; checks that every message arrived exactly once, and whether a message
  sent over one vhost's link may claim another vhost's district.

Each runs saturated (as fast as it goes, 50 per commit: throughput) and paced (5 per
commit, at one rate for every side: half the system's saturated throughput unless
``--rate``): latency without the queueing of a backlog. The raw side uses the system's
routing key, so it runs before the aggregator starts (saturated) and after it stopped
and its queues were deleted (paced). Prints one JSON line on stdout (progress goes to
stderr) and stores it under ``"federation"`` in ``var/bench/latest.json``.

Run: ``uv run python -m imc_local.bench_federation [--messages N] [--districts 20]
[--per-district M] [--rate R] [--paced-batch B] [--busy-wait] [--no-save]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from uuid import UUID, uuid4

import aio_pika
import asyncpg
import httpx
import msgspec
from faststream.rabbit import RabbitBroker

from imc_contracts import SITE_STATUS_CHANGED, SiteStatusChanged, names
from imc_contracts.examples import example
from imc_local.bench_support import (
    machine_info,
    many_districts_definitions,
    merge_latest,
    percentiles,
    vhost_upstream_uri,
    vhost_url,
)
from imc_local.definitions import centre_definitions, district_definitions, upstream_uri
from imc_local.keys import StackKeys
from imc_local.ports import free_port, free_ports
from imc_local.postgres import PostgresCluster, start_postgres
from imc_local.processes import ServiceProcess
from imc_local.rabbit import RabbitNode, start_rabbit_node, wait_ready
from imc_shared.broker import Publisher, declare_topology, make_broker
from imc_shared.db import Database
from imc_shared.outbox import Outbox, OutboxRelay
from imc_shared.tables import messaging_metadata

SERVICE_USER = "imc"
LINK_USER = "centre-link"
CENTRE = "centre"
DISTRICT = "bench"
RAW_QUEUE = "bench.raw"
RAW_KEY = SITE_STATUS_CHANGED.routing_key
"""The raw side uses the system's routing key: a link account may bind only the keys of
the federation allowlist. So the raw queue and the aggregator's never exist together."""
SENT_HEADER = "x-bench-sent-ns"
PROBE_HEADER = "x-bench-probe"
COMMIT_BATCH = 50
"""Messages per district transaction in the saturated runs."""
CENTRE_SINK = "bench.centre-sink"
PIPELINE = 200
"""Raw publishes in flight per confirmed batch when saturated (the relay's batch size)."""
PREFETCH = 16
"""The raw consumer's prefetch: the same as the services' consumers."""
ARRIVAL_TIMEOUT = 180.0
LINK_TIMEOUT = 90.0
POLL_SECONDS = 0.5
CLAIM_WAIT = 15.0
NO_BUSY_WAIT = "+sbwt none +sbwtdcpu none +sbwtdio none"
PAYLOAD: SiteStatusChanged = example(SITE_STATUS_CHANGED).payload


@dataclass
class Infrastructure:
    """Everything started on this machine; :meth:`stop` ends all of it."""

    base_dir: Path
    passwords: dict[str, str]
    vhosts: list[str]
    nodes: dict[str, RabbitNode] = field(default_factory=dict)
    cluster: PostgresCluster | None = None
    cluster_start: Future[None] | None = None
    """The cluster's start in a worker thread; :meth:`stop` waits for it."""
    aggregator: ServiceProcess | None = None

    @property
    def district(self) -> RabbitNode:
        """The single district node (vhost ``/``)."""
        return self.nodes["district"]

    @property
    def many(self) -> RabbitNode:
        """The node carrying one district per vhost."""
        return self.nodes["many"]

    @property
    def centre(self) -> RabbitNode:
        """The centre node with the federated ``imc.districts``."""
        return self.nodes["centre"]

    def service_url(self, node: RabbitNode, vhost: str = "/") -> str:
        """The service user's AMQP URL of ``vhost`` on ``node``."""
        if vhost == "/":
            return node.url(SERVICE_USER, self.passwords["service"])
        return vhost_url(node.amqp_port, SERVICE_USER, self.passwords["service"], vhost)

    def postgres(self) -> PostgresCluster:
        """The running PostgreSQL cluster."""
        assert self.cluster is not None
        return self.cluster

    def stop(self) -> None:
        """Stop the aggregator, every node (in parallel) and the cluster; never raises."""
        if self.aggregator is not None:
            with contextlib.suppress(Exception):
                self.aggregator.stop()
        nodes = list(self.nodes.values())
        if nodes:
            with ThreadPoolExecutor(max_workers=len(nodes)) as pool:
                for future in [pool.submit(node.stop) for node in nodes]:
                    with contextlib.suppress(Exception):
                        future.result()
        if self.cluster_start is not None:
            # An interrupt can come while the cluster starts: let it finish, then stop it.
            with contextlib.suppress(Exception):
                self.cluster_start.result(timeout=120)
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.stop()


def start_infrastructure(infra: Infrastructure, unique: str) -> None:
    """Start the cluster and the three nodes (in parallel), filling ``infra`` as they go."""
    district_port, many_port, centre_port = free_ports(3)
    link = infra.passwords["link"]
    upstreams = {DISTRICT: upstream_uri("127.0.0.1", district_port, LINK_USER, link)}
    upstreams |= {
        vhost: vhost_upstream_uri("127.0.0.1", many_port, LINK_USER, link, vhost)
        for vhost in infra.vhosts
    }
    service = infra.passwords["service"]
    district = district_definitions(
        DISTRICT,
        service_user=SERVICE_USER,
        service_password=service,
        link_user=LINK_USER,
        link_password=link,
    )
    many = many_districts_definitions(
        infra.vhosts,
        service_user=SERVICE_USER,
        service_password=service,
        link_user=LINK_USER,
        link_password=link,
    )
    centre = centre_definitions(
        CENTRE, service_user=SERVICE_USER, service_password=service, upstreams=upstreams
    )
    specs = {
        "district": (district_port, district),
        "many": (many_port, many),
        "centre": (centre_port, centre),
    }

    def start_cluster() -> None:
        # Recorded by the worker itself: the main thread may be interrupted meanwhile.
        infra.cluster = start_postgres(infra.base_dir, durable=False)

    with ThreadPoolExecutor(max_workers=1) as pool:
        infra.cluster_start = pool.submit(start_cluster)
        for role, (port, definitions) in specs.items():
            infra.nodes[role] = start_rabbit_node(
                f"imc-benchfed-{role}-{unique}",
                infra.base_dir / "rabbitmq",
                definitions,
                amqp_port=port,
                wait=False,
            )
        infra.cluster_start.result()
    for node in infra.nodes.values():
        wait_ready(node)


def aggregator_process(infra: Infrastructure) -> ServiceProcess:
    """The centre's aggregator as ``stack.py`` describes it, fed by every district."""
    many_host = infra.many.host_url
    districts = {DISTRICT: {"name": "Тестовый округ", "upstream": infra.district.host_url}}
    districts |= {
        vhost: {"name": f"Тестовый округ {vhost[-2:]}", "upstream": f"{many_host}/{vhost}"}
        for vhost in infra.vhosts
    }
    port = free_port()
    env = {
        "IMC_DISTRICT": CENTRE,
        "IMC_DISTRICT_NAME": "Тестовый межмуниципальный центр",
        "IMC_HTTP_PORT": str(port),
        "IMC_BROKER_URL": infra.service_url(infra.centre),
        "IMC_DATABASE_URL": infra.postgres().url("centre_federation"),
        "IMC_LOG_JSON": os.environ.get("IMC_LOG_JSON", "true"),
        "IMC_DISTRICTS": json.dumps(districts, ensure_ascii=False),
        # Its HTTP API needs keys to start; the benchmark reads only the open /ready.
        **StackKeys.generate().service_env(),
    }
    return ServiceProcess(
        instance=CENTRE,
        service="federation",
        module="imc_federation",
        port=port,
        env=env,
        log_path=infra.base_dir / "logs" / "centre-federation.log",
    )


# --- raw aio-pika ---------------------------------------------------------------------


class RawConsumer:
    """An aio-pika consumer on the centre: a quorum queue bound on ``imc.districts``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.probes: dict[str, Any] = {}
        self.latencies: list[float] = []
        self.expected = 0
        self.last_ns = 0
        self.done = asyncio.Event()
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._queue: aio_pika.abc.AbstractQueue | None = None
        self._tag = ""

    async def open(self) -> None:
        """Declare and bind the queue (the binding then propagates upstream), consume."""
        self._connection = await aio_pika.connect_robust(self.url)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.declare_queue(
            RAW_QUEUE, durable=True, arguments={"x-queue-type": "quorum"}
        )
        await queue.bind(names.DISTRICTS_EXCHANGE, routing_key=RAW_KEY)
        self._queue = queue
        self._tag = await queue.consume(self._on_message)

    async def close(self) -> None:
        """Delete the queue (its binding, upstream too, goes with it) and disconnect."""
        if self._connection is not None:
            with contextlib.suppress(Exception):
                if self._queue is not None:
                    await self._queue.cancel(self._tag)
                channel = await self._connection.channel()
                await channel.queue_delete(RAW_QUEUE)
            await self._connection.close()
            self._connection = None

    def arm(self, expected: int) -> None:
        """Start counting a new run of ``expected`` messages."""
        self.latencies = []
        self.expected = expected
        self.done.clear()

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        now = time.time_ns()
        headers = message.headers or {}
        await message.ack()
        probe = headers.get(PROBE_HEADER)
        if probe is not None:
            self.probes[_text(probe)] = headers.get("x-received-from")
            return
        sent = headers.get(SENT_HEADER)
        if not isinstance(sent, int):
            return
        self.latencies.append((now - sent) / 1e9)
        self.last_ns = now
        if len(self.latencies) >= self.expected:
            self.done.set()


class RawPublisher:
    """aio-pika publishing persistent messages with confirms to ``imc.events``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._exchange: aio_pika.abc.AbstractExchange | None = None

    async def open(self) -> None:
        """Connect and open a confirming channel."""
        self._connection = await aio_pika.connect_robust(self.url)
        channel = await self._connection.channel(publisher_confirms=True)
        self._exchange = await channel.get_exchange(names.EVENTS_EXCHANGE)

    async def close(self) -> None:
        """Close the connection."""
        if self._connection is not None:
            await self._connection.close()

    async def publish(self, body: bytes, headers: dict[str, Any]) -> None:
        """Publish one message and wait for its confirm."""
        assert self._exchange is not None
        message = aio_pika.Message(
            body, headers=headers, delivery_mode=aio_pika.DeliveryMode.PERSISTENT
        )
        await self._exchange.publish(message, routing_key=RAW_KEY, mandatory=True)


async def wait_for_link(publisher: RawPublisher, consumer: RawConsumer) -> Any:
    """Publish probes until one reaches the centre (the binding has propagated upstream);
    return the ``x-received-from`` the centre's broker recorded on it."""
    deadline = time.monotonic() + LINK_TIMEOUT
    tokens: list[str] = []
    while time.monotonic() < deadline:
        tokens.append(uuid4().hex)
        await publisher.publish(b"probe", {PROBE_HEADER: tokens[-1]})
        for _ in range(10):
            await asyncio.sleep(0.05)
            arrived = [t for t in tokens if t in consumer.probes]
            if arrived:
                return consumer.probes[arrived[0]]
    where = publisher.url.rsplit("@", 1)[-1]
    raise TimeoutError(f"no probe from {where} in {LINK_TIMEOUT} s")


async def run_raw(
    publisher: RawPublisher,
    consumer: RawConsumer,
    count: int,
    rate: float | None,
    batch: int = PIPELINE,
) -> dict[str, Any]:
    """Publish ``count`` messages, ``batch`` at a time (each batch confirmed before the
    next), as fast as possible or paced at ``rate``; time their arrival at the centre."""
    body = msgspec.json.encode(SITE_STATUS_CHANGED.new(PAYLOAD, district=DISTRICT, source="raw"))
    chunk = batch
    consumer.arm(count)
    start = time.time_ns()
    for offset in range(0, count, chunk):
        if rate:
            await _pace(start / 1e9, offset, rate)
        size = min(chunk, count - offset)
        await asyncio.gather(
            *(publisher.publish(body, {SENT_HEADER: time.time_ns()}) for _ in range(size))
        )
    await asyncio.wait_for(consumer.done.wait(), timeout=ARRIVAL_TIMEOUT)
    seconds = (consumer.last_ns - start) / 1e9
    return _figures(count, seconds, consumer.latencies, rate)


# --- the system: outbox, relay, federation, aggregator ---------------------------------


@dataclass
class DistrictOutbox:
    """One district's side in this process: its database, outbox and relay."""

    code: str
    database: Database
    broker: RabbitBroker
    relay: OutboxRelay
    outbox: Outbox

    @classmethod
    async def open(cls, code: str, database_url: str, broker_url: str) -> DistrictOutbox:
        """Create the outbox table, connect to the district's broker, start the relay."""
        database = Database(database_url)
        async with database.engine.begin() as connection:
            await connection.run_sync(messaging_metadata.create_all)
        broker = make_broker(broker_url)
        await broker.connect()
        await declare_topology(broker)
        relay = OutboxRelay(database, Publisher(broker))
        database.on_commit(relay.wake)
        relay.start()
        return cls(code, database, broker, relay, Outbox(district=code, source="registry"))

    async def write(
        self,
        count: int,
        *,
        batch: int = COMMIT_BATCH,
        rate: float | None = None,
        start: float | None = None,
    ) -> list[UUID]:
        """Commit ``count`` site changes, ``batch`` per transaction, as fast as possible
        or paced at ``rate`` per second from ``start``; return their site ids."""
        start = time.time() if start is None else start
        ids: list[UUID] = []
        for offset in range(0, count, batch):
            if rate:
                await _pace(start, offset, rate)
            async with self.database.transaction() as session:
                for _ in range(min(batch, count - offset)):
                    site_id = uuid4()
                    change = msgspec.structs.replace(PAYLOAD, site_id=site_id, version=1)
                    await self.outbox.put(session, SITE_STATUS_CHANGED, change)
                    ids.append(site_id)
        return ids

    async def close(self) -> None:
        """Stop the relay, close the broker and the database."""
        await self.relay.stop()
        await self.broker.stop()
        await self.database.dispose()


class CentreReadModel:
    """The aggregator's database, read directly."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._connection: Any = None

    async def open(self) -> None:
        """Connect."""
        self._connection = await asyncpg.connect(self.dsn)

    async def close(self) -> None:
        """Disconnect."""
        if self._connection is not None:
            await self._connection.close()

    async def count(self, ids: Sequence[UUID]) -> int:
        """How many of ``ids`` have a row."""
        query = "SELECT count(*) FROM centre_sites WHERE site_id = ANY($1::uuid[])"
        return int(await self._connection.fetchval(query, list(ids)))

    async def rows(self, ids: Sequence[UUID]) -> list[Any]:
        """``site_id, district, occurred_at, received_at`` of the rows of ``ids``."""
        query = (
            "SELECT site_id, district, occurred_at, received_at FROM centre_sites "
            "WHERE site_id = ANY($1::uuid[])"
        )
        return list(await self._connection.fetch(query, list(ids)))

    async def total(self) -> int:
        """Every row of the read model."""
        return int(await self._connection.fetchval("SELECT count(*) FROM centre_sites"))

    async def arrived_since(self, codes: Sequence[str], since: datetime) -> int:
        """Rows of ``codes`` received since ``since``: a cheap upper bound of arrivals."""
        query = (
            "SELECT count(*) FROM centre_sites WHERE district = ANY($1::text[]) "
            "AND received_at >= $2"
        )
        return int(await self._connection.fetchval(query, list(codes), since))

    async def wait_for(self, ids: Sequence[UUID], codes: Sequence[str], since: datetime) -> None:
        """Poll until every id has a row; raise ``TimeoutError`` with the count seen.

        The arrival times come from the rows, not from this loop: it only has to notice
        the end, so it polls twice a second with a cheap count (looking every id up
        would take CPU from what is being measured), then checks the ids once.
        """
        deadline = time.monotonic() + ARRIVAL_TIMEOUT
        seen = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            if await self.arrived_since(codes, since) < len(ids):
                continue
            seen = await self.count(ids)
            if seen >= len(ids):
                return
        raise TimeoutError(f"{seen} of {len(ids)} messages reached the read model")


async def warm_up(districts: Sequence[DistrictOutbox], centre: CentreReadModel) -> int:
    """Send one change per district until each district has one in the read model.

    Until the aggregator's binding has propagated to an upstream, that district's
    messages go to its ``imc.unroutable``: so send again until one arrives. Returns how
    many warm-up messages were sent.
    """
    pending = {district.code: district for district in districts}
    sent: dict[str, list[UUID]] = {code: [] for code in pending}
    deadline = time.monotonic() + 120
    while pending and time.monotonic() < deadline:
        for code, district in pending.items():
            sent[code] += await district.write(1)
        await asyncio.sleep(1.5)
        for code in list(pending):
            if await centre.count(sent[code]):
                del pending[code]
    if pending:
        raise TimeoutError(f"no warm-up message arrived from {sorted(pending)}")
    return sum(len(ids) for ids in sent.values())


async def run_system(
    districts: Sequence[DistrictOutbox],
    centre: CentreReadModel,
    per_district: int,
    rate: float | None,
    batch: int = COMMIT_BATCH,
) -> tuple[dict[str, Any], list[UUID]]:
    """Every district writes ``per_district`` changes, ``batch`` per transaction
    (together paced at ``rate``, the districts' commits interleaved); time them into the
    read model. Returns the figures and the site ids written."""
    start = time.time()
    since = datetime.fromtimestamp(start, UTC)
    share = rate / len(districts) if rate else None
    written = await asyncio.gather(
        *(
            district.write(
                per_district,
                batch=batch,
                rate=share,
                start=start + index * batch / rate if rate else start,
            )
            for index, district in enumerate(districts)
        )
    )
    ids = [site_id for chunk in written for site_id in chunk]
    await centre.wait_for(ids, [district.code for district in districts], since)
    rows = await centre.rows(ids)
    latencies = [(row["received_at"] - row["occurred_at"]).total_seconds() for row in rows]
    seconds = max(row["received_at"] for row in rows).timestamp() - start
    figures = _figures(len(ids), seconds, latencies, rate)
    figures["transaction_size"] = batch
    return figures, ids


async def exactly_once(
    centre: CentreReadModel, ids: Sequence[UUID], codes: Sequence[str]
) -> dict[str, Any]:
    """Whether every id arrived once, in the district that wrote it, and nothing else."""
    rows = await centre.rows(ids)
    wanted = set(ids)
    found = [row["site_id"] for row in rows]
    per_district: dict[str, int] = {}
    for row in rows:
        per_district[row["district"]] = per_district.get(row["district"], 0) + 1
    expected = len(ids) // len(codes)
    return {
        "sent": len(ids),
        "rows": len(rows),
        "distinct_site_ids": len(set(found)),
        "missing": len(wanted - set(found)),
        "districts_complete": sum(per_district.get(code) == expected for code in codes),
        "ok": len(rows) == len(set(found)) == len(wanted),
    }


async def cross_vhost_claim(
    sender: DistrictOutbox, claimed: str, centre: CentreReadModel
) -> dict[str, Any]:
    """Send one change over ``sender``'s link claiming district ``claimed`` (another
    vhost of the same node): does the aggregator's origin check let it in?"""
    site_id = uuid4()
    change = msgspec.structs.replace(PAYLOAD, site_id=site_id, version=1)
    async with sender.database.transaction() as session:
        await Outbox(district=claimed, source="registry").put(session, SITE_STATUS_CHANGED, change)
    deadline = time.monotonic() + CLAIM_WAIT
    accepted = False
    while not accepted and time.monotonic() < deadline:
        await asyncio.sleep(POLL_SECONDS)
        accepted = await centre.count([site_id]) > 0
    return {"sent_over": sender.code, "claimed": claimed, "accepted": accepted}


async def aggregator_stats(process: ServiceProcess) -> dict[str, Any]:
    """The aggregator's consumer counters from ``/ready``."""
    async with httpx.AsyncClient(timeout=10) as client:
        checks = (await client.get(f"{process.url}/ready")).json()
    consumers = checks.get("consumers", {}) if isinstance(checks, dict) else {}
    return {key: consumers.get(key) for key in ("handled", "duplicates", "dead_lettered", "queues")}


# --- the whole run ---------------------------------------------------------------------


async def measure(infra: Infrastructure, args: argparse.Namespace) -> dict[str, Any]:
    """Raw saturated, then the system (one link, then every vhost district), then raw
    paced at the system's paced rate; the raw queue and the aggregator never overlap."""
    cluster = infra.postgres()
    district_raw = RawPublisher(infra.service_url(infra.district))
    vhost_raw = RawPublisher(infra.service_url(infra.many, infra.vhosts[0]))
    outboxes: list[DistrictOutbox] = []
    centre = CentreReadModel(cluster.url("centre_federation").replace("+asyncpg", ""))
    consumer = RawConsumer(infra.service_url(infra.centre))
    try:
        await district_raw.open()
        await vhost_raw.open()
        await consumer.open()
        origins = {
            "district_node": await wait_for_link(district_raw, consumer),
            "vhost": await wait_for_link(vhost_raw, consumer),
        }
        _say(f"raw: {args.messages} messages, saturated")
        raw_saturated = await run_raw(district_raw, consumer, args.messages, None)
        await consumer.close()

        aggregator = await _start_aggregator(infra)
        codes = [DISTRICT, *infra.vhosts]
        broker_urls = [infra.service_url(infra.district)] + [
            infra.service_url(infra.many, vhost) for vhost in infra.vhosts
        ]
        for code, url in zip(codes, broker_urls, strict=True):
            outboxes.append(await DistrictOutbox.open(code, cluster.url(f"district_{code}"), url))
        await centre.open()
        result = await _system_phases(outboxes, centre, args)
        stats = await aggregator_stats(aggregator)
        stats["read_model_rows"] = await centre.total()
        stats["handled_equals_rows"] = stats.get("handled") == stats["read_model_rows"]

        rate, paced = result["system"]["paced"]["offered_rate"], result["paced_messages"]
        _say(f"raw: {paced} messages paced at {rate}/s (aggregator stopped, queues deleted)")
        await asyncio.to_thread(aggregator.stop)
        await _delete_queues(infra.service_url(infra.centre), stats.get("queues") or [])
        await consumer.open()
        await wait_for_link(district_raw, consumer)
        raw_paced = await run_raw(district_raw, consumer, paced, rate, args.paced_batch)
    finally:
        for district in outboxes:
            with contextlib.suppress(Exception):
                await district.close()
        for closable in (centre, district_raw, vhost_raw, consumer):
            with contextlib.suppress(Exception):
                await closable.close()
    system = result["system"]
    return {
        "x_received_from": {
            **_origins(origins, infra),
            "cross_vhost_claim": result["cross_vhost_claim"],
        },
        "raw": {"saturated": raw_saturated, "paced": raw_paced},
        "system": system,
        "ratios": {
            "throughput_system_to_raw": _ratio(system["saturated"], raw_saturated, "msgs_per_s"),
            "paced_p50_system_to_raw": _ratio(system["paced"], raw_paced, "p50_ms"),
            "paced_p95_system_to_raw": _ratio(system["paced"], raw_paced, "p95_ms"),
        },
        "scale": result["scale"],
        "aggregator": stats,
    }


async def _start_aggregator(infra: Infrastructure) -> ServiceProcess:
    """Create the databases, give ``imc.centre`` a queue, start the aggregator."""
    cluster = infra.postgres()
    codes = [DISTRICT, *infra.vhosts]
    for database in ["centre_federation", *(f"district_{code}" for code in codes)]:
        await asyncio.to_thread(cluster.create_database, database)
    await _bind_centre_sink(infra.service_url(infra.centre))
    aggregator = infra.aggregator = aggregator_process(infra)
    aggregator.start()
    await asyncio.to_thread(aggregator.wait_ready, 120.0)
    return aggregator


async def _bind_centre_sink(url: str) -> None:
    """A queue on the centre's ``imc.centre``, standing in for the districts' side.

    The aggregator asks the districts for a resync when it starts; in production their
    links have bound ``imc.centre``. Here nothing would, the mandatory publish would be
    returned, and the aggregator's relay would retry it after every commit, slowing the
    consumer that is being measured.
    """
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(
            CENTRE_SINK, durable=True, arguments={"x-max-length": 1000}
        )
        await queue.bind(names.CENTRE_EXCHANGE, routing_key="#")


async def _system_phases(
    outboxes: Sequence[DistrictOutbox], centre: CentreReadModel, args: argparse.Namespace
) -> dict[str, Any]:
    """Warm up, then the single link (saturated, paced) and the vhost districts
    (saturated, paced), checking the vhost districts' messages arrived exactly once."""
    warm = await warm_up(outboxes, centre)
    _say(f"system: {args.messages} messages, saturated (warm-up sent {warm})")
    saturated, _ = await run_system(outboxes[:1], centre, args.messages, None)
    rate = args.rate or max(1, round(saturated["msgs_per_s"] * args.paced_share))
    paced = args.paced_messages or args.messages // 2
    batch = args.paced_batch
    _say(f"system: {paced} messages paced at {rate}/s, {batch} per commit")
    paced_figures, _ = await run_system(outboxes[:1], centre, paced, rate, batch)

    vhosts = outboxes[1:]
    _say(f"scale: {len(vhosts)} districts x {args.per_district}, saturated, then paced")
    scale_saturated, ids = await run_system(vhosts, centre, args.per_district, None)
    each = max(batch, paced // len(vhosts))
    scale_paced, paced_ids = await run_system(vhosts, centre, each, rate, batch)
    check = await exactly_once(centre, ids + paced_ids, [d.code for d in vhosts])
    claim = await cross_vhost_claim(vhosts[0], vhosts[1].code, centre) if len(vhosts) > 1 else None
    return {
        "cross_vhost_claim": claim,
        "paced_messages": paced,
        "system": {"saturated": saturated, "paced": paced_figures},
        "scale": {
            "districts": len(vhosts),
            "one_node_one_vhost_per_district": True,
            "saturated": {**scale_saturated, "messages_per_district": args.per_district},
            "paced": {**scale_paced, "messages_per_district": each},
            "exactly_once": check,
        },
    }


async def _delete_queues(url: str, queues: Sequence[str]) -> None:
    """Delete the stopped aggregator's queues, so the raw run has the broker to itself."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)


def _origins(origins: dict[str, Any], infra: Infrastructure) -> dict[str, Any]:
    """What the centre's broker wrote into ``x-received-from``, and what it means."""
    uris = {key: _received_uri(value) for key, value in origins.items()}
    vhost_uri = uris["vhost"] or ""
    return {
        "uri": uris,
        "raw": {key: _plain(value) for key, value in origins.items()},
        "vhost_in_uri": vhost_uri.rstrip("/").endswith(infra.vhosts[0]),
        "credentials_in_uri": any(
            infra.passwords["link"] in (uri or "") or "@" in (uri or "") for uri in uris.values()
        ),
    }


def _received_uri(entries: Any) -> str | None:
    if not entries:
        return None
    first = entries[0]
    uri = first.get("uri") if isinstance(first, dict) else None
    return None if uri is None else _text(uri)


def _plain(value: Any) -> Any:
    """``value`` with bytes as text, for JSON."""
    if isinstance(value, bytes | bytearray):
        return value.decode(errors="replace")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes | bytearray) else str(value)


def _figures(
    count: int, seconds: float, latencies: Sequence[float], rate: float | None
) -> dict[str, Any]:
    return {
        "messages": count,
        "offered_rate": rate,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(count / seconds, 1) if seconds > 0 else None,
        **percentiles(latencies),
    }


def _ratio(system: dict[str, Any], raw: dict[str, Any], key: str) -> float | None:
    if not system.get(key) or not raw.get(key):
        return None
    return round(system[key] / raw[key], 3)


async def _pace(start: float, offset: int, rate: float) -> None:
    """Sleep until message number ``offset`` is due at ``rate`` per second."""
    delay = start + offset / rate - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


def _say(text: str) -> None:
    print(f"[bench_federation] {text}", file=sys.stderr, flush=True)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m imc_local.bench_federation")
    parser.add_argument("--messages", type=int, default=1000, help="saturated runs, one link")
    parser.add_argument("--districts", type=int, default=20, help="vhost districts (scale)")
    parser.add_argument(
        "--per-district", type=int, default=100, help="saturated scale run, per district"
    )
    parser.add_argument("--paced-messages", type=int, default=0, help="default: messages / 2")
    parser.add_argument("--rate", type=float, default=0.0, help="paced rate, messages/s")
    parser.add_argument(
        "--paced-batch", type=int, default=5, help="messages per commit (raw: per batch), paced"
    )
    parser.add_argument(
        "--paced-share", type=float, default=0.5, help="paced rate / saturated system rate"
    )
    parser.add_argument(
        "--busy-wait",
        action="store_true",
        help="keep the Erlang schedulers' busy waiting (RabbitMQ's default)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not write latest.json")
    args = parser.parse_args(argv)
    if not 1 <= args.districts <= 99:
        parser.error("--districts must be between 1 and 99")
    return args


class Interrupt:
    """SIGINT/SIGTERM handler: stop the infrastructure at once (in a thread), then raise
    ``KeyboardInterrupt`` in the main thread; later signals are ignored.

    Stopping first matters: a task that outlives the interrupt fails fast against
    stopped nodes instead of running on while ``asyncio.run`` waits for it.
    """

    def __init__(self, infra: Infrastructure) -> None:
        self.infra = infra
        self.stopper: threading.Thread | None = None

    def __call__(self, signum: int, _: FrameType | None) -> None:
        if self.stopper is not None:
            return  # already stopping: let the clean-up finish
        _say(f"signal {signum}: stopping everything")
        self.stopper = threading.Thread(target=self.infra.stop, name="bench-stop")
        self.stopper.start()
        raise KeyboardInterrupt(f"signal {signum}")

    def join(self) -> None:
        """Wait for the stop the signal began."""
        if self.stopper is not None:
            self.stopper.join()


def main(argv: Sequence[str] | None = None) -> None:
    """Start everything, measure, print one JSON line, clean up whatever happens."""
    args = _parse(argv)
    started = time.monotonic()
    base_dir = Path(tempfile.mkdtemp(prefix="imc-bench-federation-"))
    infra = Infrastructure(
        base_dir=base_dir,
        passwords={"service": secrets.token_urlsafe(12), "link": secrets.token_urlsafe(12)},
        vhosts=[f"district{index:02d}" for index in range(1, args.districts + 1)],
    )
    # Our own SIGINT handler also keeps asyncio.run from installing its own, which only
    # cancels the main task (seen to be swallowed on the way, the run going on).
    interrupt = Interrupt(infra)
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    erl_flags = os.environ.get("ERL_FLAGS")
    if not args.busy_wait:
        # Three brokers share the cores here; spinning schedulers would take them from
        # everything else (each node has its own host in production). The nodes inherit
        # ERL_FLAGS from this process's environment.
        os.environ["ERL_FLAGS"] = f"{erl_flags or ''} {NO_BUSY_WAIT}".strip()
    try:
        _say(f"starting PostgreSQL and 3 RabbitMQ nodes under {base_dir}")
        start_infrastructure(infra, f"{os.getpid()}-{secrets.token_hex(2)}")
        figures = asyncio.run(measure(infra, args))
    finally:
        _say("stopping everything")
        interrupt.join()
        infra.stop()
        shutil.rmtree(base_dir, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        if erl_flags is None:
            os.environ.pop("ERL_FLAGS", None)
        else:
            os.environ["ERL_FLAGS"] = erl_flags
    report = {
        "benchmark": "federation",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "setup": {
            "nodes": "district (vhost /), districts (one vhost per district), centre",
            "federation": "centre imc.districts <- imc.events of every upstream, on-confirm",
            "postgres": "one private cluster, fsync off; one database per district",
            "raw_queue": "quorum, prefetch 16, ack per message",
            "erlang_busy_wait": "default" if args.busy_wait else NO_BUSY_WAIT,
            "raw_publish": f"persistent, mandatory, confirms; {PIPELINE} in flight "
            f"(paced: {args.paced_batch} per batch)",
            "centre_sink": f"queue {CENTRE_SINK} on imc.centre takes the aggregator's "
            "resync request (the districts' links would bind it)",
            "system": f"outbox {COMMIT_BATCH} per commit (paced: {args.paced_batch}) -> "
            "relay -> federation -> "
            "imc_federation consumer -> centre_sites",
        },
        **figures,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    if not args.no_save:
        _say(f"stored under 'federation' in {merge_latest('federation', report)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
