"""The person's notifications: the in-app inbox, their preferences, and the unsubscribe
link from emails (passed to the notifications service without a login)."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from uuid import UUID

import msgspec

from imc_portal.clients import BackendClient, BackendError, BackendRefusedError
from imc_portal.services.sessions import Visitor
from imc_shared.auth import Role

INBOX_LIMIT = 200

NOTICES = {
    "read": "Уведомление отмечено как прочитанное.",
    "all-read": "Все уведомления отмечены как прочитанные.",
    "preferences": "Настройки уведомлений сохранены.",
}
"""What the page says after a change (``?notice=...``)."""

NOT_LINKED = (
    "Ваша учётная запись не связана с человеком из реестра, поэтому личных уведомлений нет. "
    "Если это ошибка, обратитесь к администратору информационно-методического центра."
)
UNSUBSCRIBE_FAILED = "Не удалось отписаться"
UNSUBSCRIBE_DONE = "Вы отписались от уведомлений"
MISSING_LINK_CODE = "В ссылке нет кода отписки. Скопируйте ссылку из письма полностью."


class InboxItem(msgspec.Struct, kw_only=True):
    """A message of the in-app inbox."""

    id: UUID
    topic: str
    topic_title: str = ""
    subject: str
    body: str = ""
    link: str = ""
    created_at: datetime
    read_at: datetime | None = None

    @property
    def unread(self) -> bool:
        """Whether the person has not read it yet."""
        return self.read_at is None


class InboxAnswer(msgspec.Struct, kw_only=True):
    """``GET /inbox`` of the notifications service."""

    unread: int
    items: list[InboxItem]


class TopicPreference(msgspec.Struct, kw_only=True):
    """How the person hears about one topic."""

    topic: str
    title: str
    channel: str
    cadence: str


class Preferences(msgspec.Struct, kw_only=True):
    """``GET /preferences``: the choices per topic and what may be chosen."""

    topics: list[TopicPreference]
    channels: dict[str, str]
    cadences: dict[str, str]


@dataclass(frozen=True)
class InboxPage:
    """What the inbox page shows."""

    unread: int
    items: list[InboxItem]
    preferences: Preferences | None
    organisation: bool
    preferences_error: str = ""


@dataclass(frozen=True)
class Unsubscribed:
    """What the unsubscribe page says."""

    ok: bool
    title: str
    message: str


def addressee_params(visitor: Visitor) -> dict[str, str] | None:
    """Whose inbox the visitor reads: their own (``{}``), their school's (a school
    representative without a person of their own), or none (``None``)."""
    if visitor.person_id is not None:
        return {}
    if visitor.role is Role.SCHOOL_REPRESENTATIVE and visitor.organisation_id is not None:
        return {"organisation": "true"}
    return None


def unread_first(items: list[InboxItem]) -> list[InboxItem]:
    """Unread first, each part newest first."""
    return sorted(items, key=lambda i: (not i.unread, -i.created_at.timestamp()))


async def inbox_page(*, notifications: BackendClient, visitor: Visitor) -> InboxPage | None:
    """The visitor's inbox and preferences; None when the account has no addressee."""
    params = addressee_params(visitor)
    if params is None:
        return None
    answer, preferences = await asyncio.gather(
        notifications.get_json("/inbox", InboxAnswer, {**params, "limit": str(INBOX_LIMIT)}),
        notifications.get_json("/preferences", Preferences, params),
        return_exceptions=True,
    )
    if isinstance(answer, BaseException):
        raise answer
    failure, choices = "", None
    if isinstance(preferences, BackendError):
        failure = preferences.message
    elif isinstance(preferences, BaseException):
        raise preferences
    else:
        choices = preferences
    return InboxPage(
        unread=answer.unread,
        items=unread_first(answer.items),
        preferences=choices,
        organisation=bool(params),
        preferences_error=failure,
    )


async def mark_read(
    *, notifications: BackendClient, visitor: Visitor, item_id: UUID | None
) -> None:
    """Mark one item (or, without an id, every item) read."""
    params = addressee_params(visitor)
    if params is None:
        raise BackendRefusedError(NOT_LINKED, status=403)
    path = f"/inbox/{item_id}/read" if item_id else "/inbox/read"
    await notifications.send("POST", path, dict[str, int], params=params)


async def save_preferences(
    *, notifications: BackendClient, visitor: Visitor, form: Mapping[str, str]
) -> None:
    """Set every topic's channel and cadence from the form (``channel-<topic>``,
    ``cadence-<topic>``); only the changed ones are sent."""
    params = addressee_params(visitor)
    if params is None:
        raise BackendRefusedError(NOT_LINKED, status=403)
    current = await notifications.get_json("/preferences", Preferences, params)
    for topic in current.topics:
        channel = form.get(f"channel-{topic.topic}", topic.channel)
        cadence = form.get(f"cadence-{topic.topic}", topic.cadence)
        if channel not in current.channels:
            raise BackendRefusedError(
                f"Выберите способ доставки для темы «{topic.title}» из списка.",
                status=422,
                field=f"channel-{topic.topic}",
            )
        if cadence not in current.cadences:
            raise BackendRefusedError(
                f"Выберите, как часто присылать уведомления по теме «{topic.title}».",
                status=422,
                field=f"cadence-{topic.topic}",
            )
        if (channel, cadence) != (topic.channel, topic.cadence):
            await notifications.send(
                "PUT",
                f"/preferences/topics/{topic.topic}",
                dict[str, object],
                json={"channel": channel, "cadence": cadence},
                params=params,
            )


class _PageText(HTMLParser):
    """The heading and the first paragraph of the service's small HTML answer."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = ""
        self.paragraph = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if (tag == "h1" and not self.heading) or (tag == "p" and not self.paragraph):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.heading += data
        elif self._in == "p":
            self.paragraph += data


async def unsubscribe(*, notifications: BackendClient, token: str) -> Unsubscribed:
    """Pass the email's token to the notifications service and say what it answered."""
    if not token:
        return Unsubscribed(ok=False, title=UNSUBSCRIBE_FAILED, message=MISSING_LINK_CODE)
    status, html = await notifications.fetch_text("/public/unsubscribe", {"token": token})
    text = _PageText()
    text.feed(html)
    ok = status == 200
    if status >= 500 or (not ok and status != 400):
        raise BackendError(
            f"{notifications.title} не смог обработать ссылку (ответ с кодом {status})."
        )
    default = UNSUBSCRIBE_DONE if ok else UNSUBSCRIBE_FAILED
    return Unsubscribed(
        ok=ok,
        title=" ".join(text.heading.split()) or default,
        message=" ".join(text.paragraph.split()),
    )
