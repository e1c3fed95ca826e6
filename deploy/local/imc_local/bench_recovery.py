"""Consumer recovery benchmark: after a forced connection close, a graceful node restart
and a node crash (SIGKILL), how long until every queue of a service has its consumer
again, and whether every message was still handled exactly once.

One private RabbitMQ node (same data and port across restarts) and one service built
like every other (:class:`~imc_shared.runtime.Runtime` on SQLite: the shared consumers,
their watchdog, ``/ready``) subscribed to one quorum queue per message type. An observer
of its own (another user, plain connection) asks the broker for each queue's consumer
count with passive declares every 20 ms.

Per fault (median and max over ``--runs`` runs, seconds):

- ``connection_close`` (``rabbitmqctl close_all_connections``): from the observer seeing
  its own connection closed to every queue having a consumer again;
  ``in_process_s``: the service's own measure, from its channel closing to its
  consumers being back (the longest over its queues).
- ``node_restart`` (``rabbitmqctl stop``, then the same node again) and ``node_kill``
  (SIGKILL of the node's processes): from the node accepting connections again to
  every queue having a consumer (``recovery_s``); ``outage_s`` counts from the stop and
  includes the node's boot, so it depends on the machine more than on the client.
  Right after the node accepts connections the harness triggers an election on every
  quorum queue without a leader (:func:`elect_leaderless_quorum_queues`), as a node's
  start-up hook should: RabbitMQ 3.10 sometimes leaves a single-node quorum queue a
  follower with no leader after an unclean restart (rabbitmq-server#10070, ra#179);
  such a queue accepts no publish and no consume until an election, so without the
  hook its consumers never come back. ``elections_triggered`` counts those queues.
- ``ready_s``: from the same origin to the service's readiness being true again
  (``/ready``: consumers, broker and database).

"Every queue has a consumer" means both the broker's count (at least one, from the
observer) and the service's own view; right after a crash the broker may still count
the previous incarnation's consumers for a moment.

Messages are published before and after each fault (and while the service is away);
``messages`` gives how many were sent, lost and handled twice (both must be 0). Prints
one JSON line on stdout (progress on stderr) and stores it under ``"recovery"`` in
``var/bench/latest.json``.

Run: ``uv run python -m imc_local.bench_recovery [--runs 3] [--faults close,restart,kill]
[--no-save]``. The tests in ``shared/tests/test_consumer_recovery.py`` reuse the node,
service and observer helpers below.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aio_pika

from imc_contracts import (
    EVENT_CHANGED,
    PERSON_UPSERTED,
    ROADMAP_OPENED,
    SITE_STATUS_CHANGED,
    Envelope,
    MessageType,
    names,
)
from imc_contracts.envelope import encode
from imc_contracts.examples import example
from imc_local.bench_support import machine_info, merge_latest
from imc_local.definitions import (
    HASHING_ALGORITHM,
    VHOST,
    Definitions,
    district_definitions,
    password_hash,
)
from imc_local.rabbit import RabbitNode, start_rabbit_node
from imc_shared.broker import RECONNECT_SECONDS
from imc_shared.consumer import Delivery
from imc_shared.runtime import Runtime
from imc_shared.settings import ServiceSettings

SERVICE = "recovery"
DISTRICT = "yaya"
MESSAGES: tuple[MessageType[Any], ...] = (
    ROADMAP_OPENED,
    SITE_STATUS_CHANGED,
    PERSON_UPSERTED,
    EVENT_CHANGED,
)
SERVICE_USER = "imc-service"
PROBE_USER = "imc-probe"
POLL_SECONDS = 0.02
FAULTS = {"close": "connection_close", "restart": "node_restart", "kill": "node_kill"}

_MIGRATION_ENV = '''"""Alembic environment of the recovery probe: only the messaging tables."""

from imc_shared.db import run_migrations_env
from imc_shared.tables import messaging_metadata

run_migrations_env(messaging_metadata)
'''

_MIGRATION = '''"""The outbox and the inbox."""

from alembic import op

from imc_shared.tables import messaging_metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    messaging_metadata.create_all(op.get_bind())


def downgrade() -> None:
    messaging_metadata.drop_all(op.get_bind())
'''


def _say(text: str) -> None:
    print(f"[bench_recovery] {text}", file=sys.stderr, flush=True)


# --- the node -------------------------------------------------------------------------


@dataclass
class RecoveryNode:
    """A private district node with the service's user and an observer's user."""

    node: RabbitNode
    service_password: str
    probe_password: str

    @property
    def service_url(self) -> str:
        return self.node.url(SERVICE_USER, self.service_password)

    @property
    def probe_url(self) -> str:
        return self.node.url(PROBE_USER, self.probe_password)

    def close_connections(self) -> None:
        """Close every client connection, as an operator (or a broker failover) does."""
        self.node.ctl("close_all_connections", "imc recovery check")

    def withhold(self) -> None:
        """Take the service user's permissions: it cannot reconnect until given back."""
        self.node.ctl("clear_permissions", "-p", VHOST, SERVICE_USER)

    def give_back(self) -> None:
        """Restore the service user's permissions."""
        self.node.ctl("set_permissions", "-p", VHOST, SERVICE_USER, ".*", ".*", ".*")

    def stop(self) -> None:
        self.node.stop()


_ELECT_LEADERLESS = (
    "[begin {Name, _} = amqqueue:get_pid(Q), "
    "case ra_leaderboard:lookup_leader(Name) of "
    "undefined -> ra:trigger_election({Name, node()}), element(4, amqqueue:get_name(Q)); "
    "_ -> none end "
    "end || Q <- rabbit_amqqueue:list(), amqqueue:get_type(Q) =:= rabbit_quorum_queue]."
)


def elect_leaderless_quorum_queues(node: RabbitNode) -> list[str]:
    """Trigger an election on each quorum queue of ``node`` that has no leader.

    RabbitMQ 3.10 (Ra 2.0) sometimes restarts a single-member quorum queue as a follower
    that never calls an election, above all after an unclean stop (rabbitmq-server#10070,
    ra#179): publishes to it are never confirmed and a consume on it times out after a
    minute, crashing the channel. Run right after a node starts; harmless for queues
    with a leader (they are left alone) and for queues still electing. Returns the
    names of the queues it woke.
    """
    try:
        output = node.ctl("eval", _ELECT_LEADERLESS, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return ["(timeout)"]
    return re.findall(r'<<"([^"]*)">>', output)


def node_definitions(service_password: str, probe_password: str) -> Definitions:
    """A district node's definitions plus a full-rights observer user."""
    definitions = district_definitions(
        DISTRICT,
        service_user=SERVICE_USER,
        service_password=service_password,
        link_user="imc-link",
        link_password=secrets.token_urlsafe(12),
    )
    definitions["users"].append(
        {
            "name": PROBE_USER,
            "password_hash": password_hash(probe_password),
            "hashing_algorithm": HASHING_ALGORITHM,
            "tags": [],
            "limits": {},
        }
    )
    definitions["permissions"].append(
        {"user": PROBE_USER, "vhost": VHOST, "configure": ".*", "write": ".*", "read": ".*"}
    )
    return definitions


def start_node(base_dir: Path, name: str | None = None) -> RecoveryNode:
    """Start a private node under ``base_dir`` and wait until it has booted."""
    service_password, probe_password = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    node = start_rabbit_node(
        name or f"imc-recovery-{os.getpid()}-{secrets.token_hex(2)}",
        base_dir,
        node_definitions(service_password, probe_password),
    )
    return RecoveryNode(node, service_password, probe_password)


# --- the service ----------------------------------------------------------------------


def write_migrations(folder: Path) -> Path:
    """An Alembic folder creating only the outbox and inbox tables."""
    (folder / "versions").mkdir(parents=True, exist_ok=True)
    (folder / "env.py").write_text(_MIGRATION_ENV)
    (folder / "versions" / "0001_messaging.py").write_text(_MIGRATION)
    return folder


@dataclass
class RecoveryService:
    """A service built as every service is, whose handlers count their effects."""

    runtime: Runtime
    effects: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def queues(self) -> list[str]:
        return self.runtime.consumers.queues

    def interruptions(self) -> int:
        """How many times the service saw a consumer vanish, over all its queues."""
        return sum(state.interruptions for state in self.runtime.consumers.states.values())

    def longest_interruption(self) -> float | None:
        """The longest of the queues' last interruptions, as the service measured it."""
        figures = [
            state.last_interruption_seconds
            for state in self.runtime.consumers.states.values()
            if state.last_interruption_seconds is not None
        ]
        return max(figures) if figures else None

    def missing(self, ids: Sequence[str]) -> list[str]:
        return [i for i in ids if self.effects[i] == 0]

    def twice(self, ids: Sequence[str]) -> list[str]:
        return [i for i in ids if self.effects[i] > 1]


def build_service(
    folder: Path,
    broker_url: str,
    *,
    service: str = SERVICE,
    log_level: str = "WARNING",
    **settings: Any,
) -> RecoveryService:
    """A :class:`Runtime` on SQLite in ``folder`` subscribed to every type of ``MESSAGES``."""
    folder.mkdir(parents=True, exist_ok=True)
    runtime = Runtime(
        ServiceSettings(
            service=service,
            district=DISTRICT,
            database_url=f"sqlite+aiosqlite:///{folder}/service.db",
            broker_url=broker_url,
            log_level=log_level,
            **settings,
        ),
        migrations=write_migrations(folder / "migrations"),
    )
    probe = RecoveryService(runtime)

    async def handler(_session: Any, envelope: Envelope[Any], _delivery: Delivery) -> None:
        probe.effects[str(envelope.id)] += 1

    for message in MESSAGES:
        runtime.consumers.subscribe(message, handler)
    return probe


# --- the observer and the publisher ---------------------------------------------------


class Observer:
    """A plain connection of its own asking the broker each queue's consumer count."""

    def __init__(self, url: str, queues: Sequence[str]) -> None:
        self.url = url
        self.queues = list(queues)
        self._connection: aio_pika.abc.AbstractConnection | None = None
        self._channel: aio_pika.abc.AbstractChannel | None = None

    async def counts(self) -> dict[str, int] | None:
        """Each queue's consumer count, or None while the broker cannot be asked."""
        try:
            if self._connection is None or self._connection.is_closed:
                self._connection = await aio_pika.connect(self.url, timeout=2)
                self._channel = None
            if self._channel is None or self._channel.is_closed:
                self._channel = await self._connection.channel(publisher_confirms=False)
            result = {}
            for queue in self.queues:
                declared = await self._channel.declare_queue(queue, passive=True, timeout=2)
                result[queue] = declared.declaration_result.consumer_count or 0
            return result
        except Exception:
            await self.close()
            return None

    async def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # the broker may be gone already
                await asyncio.wait_for(connection.close(), timeout=2)

    async def wait_for(
        self, condition: Callable[[dict[str, int] | None], bool], within: float
    ) -> float:
        """Poll until ``condition(counts)``; returns the monotonic time it first held."""
        deadline = time.monotonic() + within
        while True:
            counts = await self.counts()
            now = time.monotonic()
            if condition(counts):
                return now
            if now > deadline:
                raise TimeoutError(f"not within {within} s; last counts: {counts}")
            await asyncio.sleep(POLL_SECONDS)

    async def wait_consuming(self, within: float) -> float:
        """Until every queue has at least one consumer."""
        return await self.wait_for(lambda c: c is not None and min(c.values()) >= 1, within)

    async def wait_reachable(self, within: float) -> float:
        """Until the broker answers again (after a restart)."""
        return await self.wait_for(lambda c: c is not None, within)

    async def wait_lost(self, within: float) -> float:
        """Until the broker cannot be asked or some queue has no consumer."""
        return await self.wait_for(lambda c: c is None or min(c.values()) == 0, within)


async def wait_back(service: RecoveryService, observer: Observer, within: float) -> float:
    """Until the broker counts a consumer on every queue and the service agrees."""

    def back(counts: dict[str, int] | None) -> bool:
        states = service.runtime.consumers.states.values()
        return counts is not None and min(counts.values()) >= 1 and all(s.ok for s in states)

    return await observer.wait_for(back, within)


async def publish(url: str, per_type: int = 1, *, within: float = 30.0) -> list[str]:
    """Publish ``per_type`` new messages of each of ``MESSAGES`` (persistent, confirmed;
    raises ``TimeoutError`` if the broker does not confirm them ``within`` seconds)."""
    return await asyncio.wait_for(_publish(url, per_type), timeout=within)


async def _publish(url: str, per_type: int) -> list[str]:
    ids: list[str] = []
    connection = await aio_pika.connect(url, timeout=10)
    try:
        channel = await connection.channel(publisher_confirms=True)
        events = await channel.get_exchange(names.EVENTS_EXCHANGE, ensure=False)
        for _ in range(per_type):
            for message in MESSAGES:
                envelope = message.new(example(message).payload, district=DISTRICT, source="probe")
                await events.publish(
                    aio_pika.Message(
                        encode(envelope),
                        message_id=str(envelope.id),
                        correlation_id=str(envelope.correlation_id),
                        content_type="application/json",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=message.routing_key,
                    mandatory=True,
                )
                ids.append(str(envelope.id))
    finally:
        await connection.close()
    return ids


async def wait_handled(service: RecoveryService, ids: Sequence[str], within: float) -> None:
    """Until every message of ``ids`` had its effect (raises with the missing ones)."""
    deadline = time.monotonic() + within
    while service.missing(ids):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not handled within {within} s: {service.missing(ids)}")
        await asyncio.sleep(0.05)


# --- the benchmark --------------------------------------------------------------------


async def _ready_after(service: RecoveryService, seen: int, within: float) -> float:
    """The monotonic time the service, having seen the fault, is ready again."""
    deadline = time.monotonic() + within
    while True:
        if service.interruptions() > seen:
            checks = await service.runtime.readiness()
            if checks["ready"]:
                return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready within {within} s")
        await asyncio.sleep(POLL_SECONDS)


async def _fault(
    kind: str, node: RecoveryNode, service: RecoveryService, observer: Observer, sent: list[str]
) -> dict[str, float | None]:
    """Inject one fault; measure until consumers and readiness are back."""
    sent += await publish(node.probe_url)
    seen = service.interruptions()
    started = time.monotonic()
    electing: asyncio.Task[list[str]] | None = None
    if kind == "close":
        closing = asyncio.create_task(asyncio.to_thread(node.close_connections))
        origin = await observer.wait_lost(within=60)
        await closing
    else:
        await asyncio.to_thread(node.node.stop if kind == "restart" else node.node.kill)
        await asyncio.to_thread(node.node.start_again, wait=False)
        origin = await observer.wait_reachable(within=180)
        electing = asyncio.create_task(asyncio.to_thread(elect_leaderless_quorum_queues, node.node))
    ready = asyncio.create_task(_ready_after(service, seen, within=120))
    sent += await publish(node.probe_url)
    back = await wait_back(service, observer, within=120)
    ready_at = await ready
    sent += await publish(node.probe_url)
    sample: dict[str, float | None] = {
        "recovery_s": back - origin,
        "ready_s": ready_at - origin,
        "in_process_s": service.longest_interruption(),
    }
    if electing is not None:
        sample["outage_s"] = back - started
        sample["elections_triggered"] = float(len(await electing))
    return sample


def _summary(samples: list[dict[str, float | None]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for key in samples[0]:
        values = [v for s in samples if (v := s[key]) is not None]
        if not values:
            continue
        if not key.endswith("_s"):
            summary[key] = int(sum(values))
            continue
        name = key.removesuffix("_s")
        summary[f"{name}_median_s"] = round(statistics.median(values), 3)
        summary[f"{name}_max_s"] = round(max(values), 3)
        summary[f"{name}_samples_s"] = [round(v, 3) for v in values]
    return summary


async def measure(node: RecoveryNode, folder: Path, runs: int, faults: list[str]) -> dict[str, Any]:
    """Run every fault ``runs`` times against one service; figures and message counts."""
    service = build_service(folder, node.service_url, log_level="ERROR")
    await service.runtime.start()
    # The observer's refused connections while the node is down would flood stderr.
    for name in ("aiormq", "aio_pika"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    observer = Observer(node.probe_url, service.queues)
    sent: list[str] = []
    samples: dict[str, list[dict[str, float | None]]] = {kind: [] for kind in faults}
    try:
        await wait_back(service, observer, within=60)
        for run in range(1, runs + 1):
            for kind in faults:
                sample = await _fault(kind, node, service, observer, sent)
                samples[kind].append(sample)
                rounded = {k: None if v is None else round(v, 3) for k, v in sample.items()}
                _say(f"run {run} {FAULTS[kind]}: {json.dumps(rounded)}")
        await wait_handled(service, sent, within=120)
        await asyncio.sleep(1)  # let a late redelivery show up as a duplicate
    finally:
        await observer.close()
        await asyncio.wait_for(service.runtime.stop(), timeout=60)
    stats = service.runtime.consumers.stats
    return {
        **{FAULTS[kind]: _summary(samples[kind]) for kind in faults},
        "messages": {
            "sent": len(sent),
            "lost": len(service.missing(sent)),
            "handled_twice": len(service.twice(sent)),
            "redelivered_and_deduplicated": stats.duplicates,
            "resubscribed_by_watchdog": sum(
                s.resubscribed for s in service.runtime.consumers.states.values()
            ),
        },
    }


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m imc_local.bench_recovery")
    parser.add_argument("--runs", type=int, default=3, help="runs per fault (median of them)")
    parser.add_argument(
        "--faults", default="close,restart,kill", help="comma-separated: close, restart, kill"
    )
    parser.add_argument("--no-save", action="store_true", help="do not write latest.json")
    args = parser.parse_args(argv)
    args.faults = [f.strip() for f in args.faults.split(",") if f.strip()]
    unknown = set(args.faults) - set(FAULTS)
    if unknown or not args.faults:
        parser.error(f"unknown faults: {sorted(unknown)}; choose from {sorted(FAULTS)}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    """Start a node, measure, print one JSON line, clean up whatever happens."""
    args = _parse(argv)
    started = time.monotonic()
    base_dir = Path(tempfile.mkdtemp(prefix="imc-bench-recovery-"))
    node: RecoveryNode | None = None
    try:
        _say(f"starting a RabbitMQ node under {base_dir}")
        node = start_node(base_dir)
        figures = asyncio.run(measure(node, base_dir / "service", args.runs, args.faults))
    finally:
        if node is not None:
            node.stop()
        shutil.rmtree(base_dir, ignore_errors=True)
    report = {
        "benchmark": "recovery",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "setup": {
            "node": "one private RabbitMQ node (same data and port across restarts)",
            "service": f"imc_shared Runtime on SQLite, {len(MESSAGES)} quorum queues, "
            "one shared channel (FastStream default channel)",
            "client": f"aio-pika robust connection, reconnect every {RECONNECT_SECONDS} s; "
            "consumer watchdog",
            "observer": f"passive declares every {POLL_SECONDS * 1000:.0f} ms, own user",
            "runs": args.runs,
        },
        **figures,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    if not args.no_save:
        _say(f"stored under 'recovery' in {merge_latest('recovery', report)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
