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


def get_settings() -> NotificationsSettings:
    """Read the service's settings from the environment."""
    return load_settings(NotificationsSettings, "notifications")
