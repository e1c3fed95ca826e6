"""Jinja2 templates of the messages (plain text and HTML) and the unsubscribe tokens."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

import jinja2
import structlog
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from imc_notifications.domain.preferences import TOPICS
from imc_notifications.settings import NotificationsSettings

log = structlog.get_logger(__name__)

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("imc_notifications", "templates"),
    autoescape=jinja2.select_autoescape(["html.j2"]),
    keep_trailing_newline=True,
)


def render(template: str, **context: object) -> str:
    """Render one of the package's templates."""
    return _ENV.get_template(template).render(**context)


def signature(settings: NotificationsSettings) -> str:
    """Who signs every message: the signatory (or the sender's name) and the district."""
    lines = [settings.signatory or settings.mail_from_name]
    if settings.district_name and settings.district_name not in lines[0]:
        lines.append(settings.district_name)
    return "\n".join(lines)


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid unsubscribe token says: mute ``topic`` for ``addressee_id``."""

    addressee_id: UUID
    topic: str


class InvalidToken(Exception):
    """The unsubscribe token is forged, damaged or expired."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Tokens:
    """Signed unsubscribe tokens (itsdangerous, secret from the settings)."""

    SALT = "imc-notifications-unsubscribe"

    def __init__(self, settings: NotificationsSettings) -> None:
        secret = settings.unsubscribe_secret
        if not secret:
            log.warning("IMC_UNSUBSCRIBE_SECRET is not set: unsubscribe links use a dev key")
            secret = f"imc-development-only-{settings.district}"
        self._serializer = URLSafeTimedSerializer(secret, salt=self.SALT)
        self._max_age = settings.unsubscribe_max_age_days * 86400
        base = settings.unsubscribe_url or settings.portal_url.rstrip("/") + "/unsubscribe"
        self._base = base

    def make(self, addressee_id: UUID, topic: str) -> str:
        """A token that mutes ``topic`` for ``addressee_id``."""
        return self._serializer.dumps({"a": str(addressee_id), "t": topic})

    def link(self, addressee_id: UUID, topic: str) -> str:
        """The unsubscribe link put in emails."""
        return f"{self._base}?token={self.make(addressee_id, topic)}"

    def read(self, token: str) -> Unsubscribe:
        """Check the token; raise :class:`InvalidToken` with a Russian message."""
        try:
            data = self._serializer.loads(token, max_age=self._max_age)
        except SignatureExpired as error:
            raise InvalidToken(
                "Срок действия ссылки для отписки истёк. Измените настройки уведомлений "
                "на портале или воспользуйтесь ссылкой из более позднего письма."
            ) from error
        except BadSignature as error:
            raise InvalidToken(
                "Ссылка для отписки недействительна: она повреждена или подделана. "
                "Скопируйте ссылку из письма полностью."
            ) from error
        try:
            result = Unsubscribe(addressee_id=UUID(data["a"]), topic=str(data["t"]))
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidToken("Ссылка для отписки недействительна.") from error
        if result.topic not in TOPICS:
            raise InvalidToken("Ссылка для отписки недействительна: неизвестная тема.")
        return result
