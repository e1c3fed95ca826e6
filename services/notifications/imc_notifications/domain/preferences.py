"""Topics, channels and cadences: pure rules of who hears what, how and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

TOPICS: dict[str, str] = {
    "applications": "Заявки и решения",
    "deadlines": "Сроки и отчёты",
    "documents": "Документы",
    "events": "Мероприятия",
    "growth": "Профессиональное развитие",
}
"""Topic code → its Russian title (a topic groups message types)."""

CHANNELS: dict[str, str] = {
    "email": "Электронная почта",
    "inbox": "Только в личном кабинете",
    "max": "Мессенджер MAX",
    "webhook": "Внешняя система (вебхук)",
}
"""Channel code → its Russian title."""

CADENCES: dict[str, str] = {
    "immediate": "Сразу",
    "daily": "Ежедневная сводка",
    "weekly": "Еженедельная сводка",
    "mute": "Не уведомлять",
}
"""Cadence code → its Russian title."""

PUSH_CHANNELS = frozenset({"email", "max", "webhook"})
"""Channels that push a message out (and count against the rate limit)."""


@dataclass(frozen=True)
class Choice:
    """How an addressee wants to hear about one topic."""

    channel: str = "email"
    cadence: str = "immediate"


DEFAULT = Choice()
"""Without a stated preference: email, at once (what every school had before)."""


def address_key(email: str) -> UUID:
    """The addressee id of a bare email address (no person or organisation behind it)."""
    return uuid5(NAMESPACE_URL, "mailto:" + email.strip().lower())


def release_at(cadence: str, now: datetime, *, hour: int) -> datetime:
    """When a notification held for a digest goes out: the next daily release at ``hour``
    (UTC), or for a weekly digest the next Monday's."""
    today = datetime.combine(now.date(), time(hour), tzinfo=now.tzinfo)
    release = today if now < today else today + timedelta(days=1)
    if cadence == "weekly":
        release += timedelta(days=(7 - release.weekday()) % 7)
    return release


def rate_limited_until(recent: list[datetime], *, limit: int, now: datetime) -> datetime | None:
    """``None`` when one more push is allowed now; otherwise when it will be (an hour
    after the oldest of the last ``limit`` pushes in the past hour)."""
    window = [t for t in recent if t > now - timedelta(hours=1)]
    if limit <= 0 or len(window) < limit:
        return None
    window.sort()
    return window[-limit] + timedelta(hours=1)
