"""Request and response shapes of the notifications HTTP API."""

from datetime import datetime
from uuid import UUID

import msgspec


class NotificationEntry(msgspec.Struct, kw_only=True):
    """One line of the delivery log."""

    id: UUID
    email: str
    subject: str
    status: str
    """queued, held (waits for a digest), sending, sent, failed, uncertain, muted, digested."""
    channel: str
    topic: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryEventOut(msgspec.Struct, kw_only=True):
    """A line of one notification's delivery log."""

    at: datetime
    status: str
    detail: str


class NotificationDetail(NotificationEntry, kw_only=True):
    """A notification with its delivery log."""

    addressee_id: UUID | None
    next_attempt_at: datetime
    digest_id: UUID | None
    events: list[DeliveryEventOut]


class DigestRun(msgspec.Struct, kw_only=True):
    """Run the digests as of ``now`` (default: the current time)."""

    now: datetime | None = None


class DigestResult(msgspec.Struct, kw_only=True):
    """The digests queued."""

    digests: list[UUID]


class InboxItemOut(msgspec.Struct, kw_only=True):
    """A message in a person's in-app inbox."""

    id: UUID
    topic: str
    topic_title: str
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(msgspec.Struct, kw_only=True):
    """A person's inbox: the unread count and the newest items."""

    person_id: UUID
    unread: int
    items: list[InboxItemOut]


class MarkedRead(msgspec.Struct, kw_only=True):
    """How many items were marked read; the unread count left."""

    marked: int
    unread: int


class TopicPreference(msgspec.Struct, kw_only=True):
    """How a person hears about one topic."""

    topic: str
    title: str
    channel: str
    cadence: str


class PreferencesOut(msgspec.Struct, kw_only=True):
    """A person's preferences and the choices available."""

    person_id: UUID
    max_user_id: int | None
    topics: list[TopicPreference]
    channels: dict[str, str]
    cadences: dict[str, str]


class PreferenceIn(msgspec.Struct, kw_only=True):
    """Set a topic's channel and cadence."""

    channel: str
    cadence: str


class MaxUserIn(msgspec.Struct, kw_only=True):
    """A person's MAX user id (``null`` to forget it)."""

    max_user_id: int | None
