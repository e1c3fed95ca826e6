"""Settings of the portal: which instance it shows and where its data comes from."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from imc_portal.proxies import Network, parse_networks
from imc_shared.auth import PORTAL_KEY_ID, parse_signing_key
from imc_shared.settings import ServiceSettings, load_settings

MODES = ("district", "centre")


class PortalSettings(ServiceSettings, frozen=True, kw_only=True):
    """Portal settings; everything comes from ``IMC_*`` variables.

    Keyword-only and frozen like :class:`ServiceSettings` (msgspec inherits that).
    """

    mode: str = "district"
    """``district``: one district's sites from its registry; ``centre``: all districts'
    sites from the centre's aggregator (federation)."""
    registry_url: str = ""
    """Base URL of the instance's registry, e.g. ``http://127.0.0.1:8001`` (required in
    district mode; in centre mode it feeds the public catalogue)."""
    applications_url: str = ""
    """Base URL of the applications service (applications, council meetings)."""
    scheduling_url: str = ""
    """Base URL of the scheduling service (events, registrations)."""
    documents_url: str = ""
    """Base URL of the documents service."""
    notifications_url: str = ""
    """Base URL of the notifications service."""
    growth_url: str = ""
    """Base URL of the growth service (needs surveys, deficits, routes, tutors)."""
    analytics_url: str = ""
    """Base URL of the analytics service (state exam results and their analysis)."""
    resources_url: str = ""
    """Base URL of the resources service (the bank of best methodical resources)."""
    federation_url: str = ""
    """Base URL of the centre's aggregator, e.g. ``http://127.0.0.1:8101`` (centre mode)."""
    cookie_secure: bool = False
    """``IMC_COOKIE_SECURE``: send the session cookie over HTTPS only (set it in production
    behind TLS; off by default so the local launcher works over plain HTTP)."""
    session_idle_minutes: int = 30
    """A session ends after this many minutes without a request."""
    session_absolute_hours: int = 12
    """A session ends this many hours after the login, whatever happens."""
    login_max_failures: int = 5
    """Failed logins (for one login or from one address) that lock further attempts."""
    login_lock_minutes: int = 15
    """The window in which failures count, and how long the lock lasts."""
    trusted_proxies: str = ""
    """``IMC_TRUSTED_PROXIES``: the reverse proxies in front of the portal, comma-separated
    IP addresses or CIDR networks, e.g. ``127.0.0.1, 10.0.0.0/8``. A request from one of
    them is counted (for login throttling and in the logs) against the client address its
    ``X-Forwarded-For`` names: walking the header from the right, the first address that
    is not a trusted proxy. Empty (the default): the header is ignored and the direct peer
    is the client, which behind a proxy makes everyone share the proxy's address."""
    site_title: str = ""
    """Name shown in the page header, e.g. «МБУ «ИМЦ» Яйского муниципального округа»;
    by default the instance name (``district_name``)."""
    time_zone: str = "Europe/Moscow"
    """IANA time zone in which times are shown to people, e.g. ``Asia/Yekaterinburg``."""
    max_upload_mb: int = 10
    """Largest file a person may upload through the portal, in megabytes (the applications
    service's own limit, ``IMC_MAX_UPLOAD_BYTES``, should be the same); a form may carry
    three such files."""
    backend_timeout: float = 5.0
    """Seconds to wait for the registry or the aggregator before giving up."""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"IMC_MODE must be one of {', '.join(MODES)}, not {self.mode!r}")
        if not self.backend_url:
            variable = "IMC_REGISTRY_URL" if self.mode == "district" else "IMC_FEDERATION_URL"
            raise ValueError(f"{variable} is required in {self.mode} mode")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"IMC_TIME_ZONE: unknown time zone {self.time_zone!r}") from error
        if self.backend_timeout <= 0:
            raise ValueError("IMC_BACKEND_TIMEOUT must be positive")
        if not self.auth_signing_key.strip():
            raise ValueError(
                "IMC_AUTH_SIGNING_KEY is required: the portal signs a token for every call "
                "(python -m imc_shared.auth keygen portal)"
            )
        kid, _ = parse_signing_key(self.auth_signing_key)
        if kid != PORTAL_KEY_ID:
            raise ValueError(
                f"IMC_AUTH_SIGNING_KEY must be the portal's key (key id {PORTAL_KEY_ID!r}), "
                f"not {kid!r}"
            )
        for name in ("session_idle_minutes", "session_absolute_hours"):
            if getattr(self, name) <= 0:
                raise ValueError(f"IMC_{name.upper()} must be positive")
        if self.login_max_failures <= 0 or self.login_lock_minutes <= 0:
            raise ValueError("IMC_LOGIN_MAX_FAILURES and IMC_LOGIN_LOCK_MINUTES must be positive")
        try:
            parse_networks(self.trusted_proxies)
        except ValueError as error:
            raise ValueError(
                f"IMC_TRUSTED_PROXIES must be comma-separated IP addresses or CIDR networks: "
                f"{error}"
            ) from error

    @property
    def backend_url(self) -> str:
        """Base URL of the service the portal reads in its mode."""
        return self.registry_url if self.mode == "district" else self.federation_url

    @property
    def trusted_networks(self) -> tuple[Network, ...]:
        """``trusted_proxies`` parsed (checked at start, so it parses)."""
        return parse_networks(self.trusted_proxies)

    @property
    def is_centre(self) -> bool:
        """The portal of the centre (ММЦ) rather than of a district."""
        return self.mode == "centre"

    @property
    def instance_name(self) -> str:
        """Human name of the instance: the district or the centre."""
        return self.district_name or self.district

    @property
    def header_title(self) -> str:
        """What the page header says."""
        return self.site_title or self.instance_name


def get_settings() -> PortalSettings:
    """Read the portal's settings from the environment."""
    return load_settings(PortalSettings, "portal")
