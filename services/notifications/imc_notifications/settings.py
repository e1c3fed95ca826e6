"""Settings of the notifications service."""

from imc_shared.settings import ServiceSettings, load_settings


class NotificationsSettings(ServiceSettings, frozen=True, kw_only=True):
    """Notifications settings; everything comes from ``IMC_*`` variables."""

    smtp_host: str = "127.0.0.1"
    """SMTP server."""
    smtp_port: int = 25
    """SMTP port (587 with STARTTLS, 465 with TLS)."""
    smtp_user: str = ""
    """SMTP login; empty for none."""
    smtp_password: str = ""
    """SMTP password."""
    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS."""
    smtp_tls: bool = False
    """Connect over TLS from the start (port 465)."""
    smtp_ca_file: str = ""
    """CA bundle that signs the SMTP server's certificate (e.g. the district's own CA);
    empty: the system's trusted CAs."""
    mail_from: str = "imc@localhost"
    """Sender address of every email."""
    mail_from_name: str = "ИМЦ"
    """Sender name shown to people."""
    documents_url: str = "http://127.0.0.1:8004"
    """Base URL of the district's documents service (to fetch attachments)."""
    portal_url: str = "http://127.0.0.1:8000"
    """Where people log in to read the rest."""
    max_attempts: int = 5
    """Delivery attempts before a notification is marked failed."""
    signatory: str = ""
    """Who signs every message, e.g. «Директор МБУ «ИМЦ» И. И. Иванова»; empty: the sender
    name."""
    unsubscribe_secret: str = ""
    """Key that signs the unsubscribe links; set a long random value in production (empty:
    a development key derived from the district code, with a warning in the log)."""
    unsubscribe_url: str = ""
    """Public address of ``GET /public/unsubscribe`` of this service (open, no login); empty:
    ``portal_url`` + ``/unsubscribe`` (the portal passes it on to this service)."""
    unsubscribe_max_age_days: int = 365
    """How long an unsubscribe link stays valid."""
    rate_limit_per_hour: int = 20
    """Pushed messages (email, MAX, webhook) one recipient gets per hour at most; the
    rest are deferred, not dropped."""
    webhook_url: str = ""
    """Where the ``webhook`` channel POSTs JSON; empty: the channel is off."""
    webhook_secret: str = ""
    """Key of the HMAC-SHA256 signature in the ``X-IMC-Signature`` header."""
    max_api_url: str = "https://platform-api.max.ru"
    """Base URL of the MAX messenger's Bot API."""
    max_bot_token: str = ""
    """Token of the district's MAX bot (``Authorization`` header); empty: MAX is off."""
    digest_hour: int = 7
    """Hour (UTC) when daily and weekly (Monday) digests are released."""
    time_zone: str = "Asia/Novokuznetsk"
    """The district's time zone (IANA name): dates and times in messages are shown in it."""


def get_settings() -> NotificationsSettings:
    """Read the service's settings from the environment."""
    return load_settings(NotificationsSettings, "notifications")
