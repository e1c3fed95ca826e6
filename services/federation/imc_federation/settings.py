"""Settings of the centre's aggregator."""

import msgspec

from imc_shared.settings import ServiceSettings, load_settings


class District(msgspec.Struct, frozen=True, kw_only=True):
    """A district federated into the centre."""

    name: str
    """Human name, e.g. «Яйский муниципальный округ»."""
    upstream: str
    """The federation upstream's URI as the centre's broker records it in
    ``x-received-from`` (no credentials), e.g. ``amqp://10.0.0.5:5672``."""


class FederationSettings(ServiceSettings, frozen=True, kw_only=True):
    """Aggregator settings; everything comes from ``IMC_*`` variables."""

    districts: str = "{}"
    """``IMC_DISTRICTS``: JSON object: district code -> {"name": ..., "upstream": ...}."""
    time_zone: str = "Asia/Novokuznetsk"
    """``IMC_TIME_ZONE``: the centre's time zone: what «today» is for overdue plan items
    and upcoming events, and how times are written in exported tables."""
    heartbeat_missed: int = 3
    """``IMC_HEARTBEAT_MISSED``: a link is down after this many heartbeat intervals of
    silence."""
    link_down_alert_seconds: int = 300
    """``IMC_LINK_DOWN_ALERT_SECONDS``: a link down longer than this raises an alert
    (an error in the log, ``alert`` in ``/links``)."""
    link_watch_seconds: float = 15.0
    """``IMC_LINK_WATCH_SECONDS``: how often the link watcher looks at the links."""
    resync_on_empty: bool = True
    """``IMC_RESYNC_ON_EMPTY``: on start, ask the districts the read models hold nothing
    from to send their current state again."""

    def district_map(self) -> dict[str, District]:
        """The federated districts, parsed."""
        return msgspec.json.decode(self.districts, type=dict[str, District])

    def district_names(self) -> dict[str, str]:
        """Names of the federated districts and of the centre itself, by code."""
        names = {code: d.name for code, d in self.district_map().items()}
        names.setdefault(self.district, self.district_name or self.district)
        return names


def get_settings() -> FederationSettings:
    """Read the service's settings from the environment."""
    settings = load_settings(FederationSettings, "federation")
    settings.district_map()  # fail at start on a bad value
    return settings
