"""Notifications HTTP controllers: the delivery log."""

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, get

from imc_notifications.services.notifications import list_notifications
from imc_shared.db import Database


class NotificationEntry(msgspec.Struct, kw_only=True):
    """One line of the delivery log."""

    id: UUID
    email: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class NotificationController(Controller):
    """The delivery log."""

    path = "/notifications"
    tags = ["notifications"]

    @get("/", summary="Delivery log")
    async def index(self, database: Database) -> list[NotificationEntry]:
        async with database.sessions() as session:
            rows = await list_notifications(session)
        return [
            NotificationEntry(**{f: getattr(r, f) for f in NotificationEntry.__struct_fields__})
            for r in rows
        ]
