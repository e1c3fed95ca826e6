"""Composition root of the notifications service."""

from pathlib import Path

from litestar import Litestar
from litestar.di import Provide

from imc_notifications.api.controllers import (
    InboxController,
    NotificationController,
    PreferenceController,
    UnsubscribeController,
)
from imc_notifications.messaging.handlers import subscribe
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.settings import NotificationsSettings, get_settings
from imc_shared.runtime import Runtime

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: NotificationsSettings | None = None) -> Litestar:
    """Build the notifications service: runtime, subscribers, mail worker, HTTP app."""
    settings = settings or get_settings()
    runtime = Runtime(settings, migrations=MIGRATIONS)
    subscribe(runtime.consumers, settings=settings)
    delivery = DeliveryWorker(runtime.database, settings)
    runtime.database.on_commit(delivery.wake)
    runtime.workers.append(delivery)
    return runtime.http_app(
        [NotificationController, InboxController, PreferenceController, UnsubscribeController],
        title="Уведомления — ИМЦ",
        dependencies={"delivery": Provide(lambda: delivery, sync_to_thread=False)},
    )
