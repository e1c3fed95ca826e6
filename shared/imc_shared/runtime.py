"""The composition root every service shares: database, broker, outbox, consumers, HTTP.

A service builds one :class:`Runtime`, subscribes its handlers, and asks for its HTTP
app; start-up migrates the database, connects the broker, declares the topology, starts
the consumers (and their watchdog) and the outbox relay, in that order. ``/ready`` is
false while any of the service's queues lacks this process's consumer.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import structlog
import uvicorn
from litestar import Litestar
from litestar.di import Provide
from litestar.types import ControllerRouterHandler

from imc_shared.broker import Publisher, declare_topology, make_broker
from imc_shared.consumer import Consumers
from imc_shared.db import Database, migrate
from imc_shared.http import create_http_app
from imc_shared.logging import configure_logging
from imc_shared.outbox import Outbox, OutboxRelay
from imc_shared.settings import ServiceSettings

log = structlog.get_logger(__name__)


class Worker(Protocol):
    """A background loop a service runs beside its consumers (e.g. a mail sender)."""

    def start(self) -> None:
        """Start in the background."""

    async def stop(self) -> None:
        """Stop; unfinished work stays for the next start."""


class Runtime:
    """Everything one service process owns, wired once."""

    def __init__(self, settings: ServiceSettings, *, migrations: Path) -> None:
        configure_logging(
            service=settings.service,
            district=settings.district,
            level=settings.log_level,
            json=settings.log_json,
        )
        self.settings = settings
        self.migrations = migrations
        self.database = Database(settings.database_url)
        self.broker = make_broker(settings.broker_url)
        self.publisher = Publisher(self.broker)
        self.outbox = Outbox(district=settings.district, source=settings.service)
        self.relay = OutboxRelay(
            self.database,
            self.publisher,
            batch_size=settings.relay_batch_size,
            idle_seconds=settings.relay_idle_seconds,
        )
        self.database.on_commit(self.relay.wake)
        self.consumers = Consumers(
            broker=self.broker,
            database=self.database,
            publisher=self.publisher,
            service=settings.service,
        )
        self.workers: list[Worker] = [self.relay]
        self.started = False

    async def start(self) -> None:
        """Migrate, connect, declare, consume, relay."""
        await migrate(self.database.url, self.migrations)
        await self.broker.connect()
        await declare_topology(self.broker)
        await self.consumers.declare_dead_letter_queues()
        await self.broker.start()
        self.consumers.watchdog.start()
        for worker in self.workers:
            worker.start()
        self.started = True
        log.info("service started", queues=self.consumers.queues)

    async def stop(self) -> None:
        """Stop relaying and consuming; close connections."""
        for worker in reversed(self.workers):
            await worker.stop()
        await self.consumers.watchdog.stop()
        await self.broker.stop()
        await self.database.dispose()
        log.info("service stopped")

    async def readiness(self) -> dict[str, Any]:
        """What ``/ready`` reports: database, broker, outbox backlog, consumers.

        Ready needs the database, the broker connection and, on every subscribed queue,
        this process's consumer (``consumers.subscriptions`` gives each queue's state).
        """
        checks: dict[str, Any] = {}
        try:
            await self.database.ping()
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"error: {error}"
        broker_ok = self.started and await self.broker.ping(timeout=2.0)
        checks["broker"] = "ok" if broker_ok else "unavailable"
        try:
            checks["outbox_backlog"] = await self.relay.backlog()
        except Exception:
            checks["outbox_backlog"] = None
        consuming, subscriptions = await self.consumers.health()
        consuming = consuming and self.started
        checks["consumers"] = {
            "queues": self.consumers.queues,
            "consuming": consuming,
            "handled": self.consumers.stats.handled,
            "duplicates": self.consumers.stats.duplicates,
            "dead_lettered": self.consumers.stats.dead_lettered,
            "subscriptions": subscriptions,
        }
        checks["ready"] = checks["database"] == "ok" and broker_ok and consuming
        return checks

    def http_app(
        self,
        route_handlers: Sequence[ControllerRouterHandler],
        *,
        title: str,
        dependencies: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Litestar:
        """The service's Litestar app: its routes, ``/health``, ``/ready``, OpenAPI."""
        runtime = self
        base: dict[str, Any] = {
            "database": Provide(lambda: runtime.database, sync_to_thread=False),
            "outbox": Provide(lambda: runtime.outbox, sync_to_thread=False),
            "settings": Provide(lambda: runtime.settings, sync_to_thread=False),
        }
        return create_http_app(
            route_handlers,
            settings=self.settings,
            title=title,
            readiness=self.readiness,
            dependencies={**base, **(dependencies or {})},
            on_startup=[self.start],
            on_shutdown=[self.stop],
            **kwargs,
        )


def serve(app: Litestar, settings: ServiceSettings) -> None:
    """Run ``app`` with uvicorn on the configured address until interrupted."""
    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
