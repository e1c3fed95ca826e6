"""Settings of the portal: which instance it shows and where its data comes from."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    """Base URL of the district's registry, e.g. ``http://127.0.0.1:8001`` (district mode)."""
    federation_url: str = ""
    """Base URL of the centre's aggregator, e.g. ``http://127.0.0.1:8101`` (centre mode)."""
    site_title: str = ""
    """Name shown in the page header, e.g. «МБУ «ИМЦ» Яйского муниципального округа»;
    by default the instance name (``district_name``)."""
    time_zone: str = "Europe/Moscow"
    """IANA time zone in which times are shown to people, e.g. ``Asia/Yekaterinburg``."""
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

    @property
    def backend_url(self) -> str:
        """Base URL of the service the portal reads in its mode."""
        return self.registry_url if self.mode == "district" else self.federation_url

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
