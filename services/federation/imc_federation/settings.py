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
    """JSON object: district code -> {"name": ..., "upstream": ...}."""

    def district_map(self) -> dict[str, District]:
        """The federated districts, parsed."""
        return msgspec.json.decode(self.districts, type=dict[str, District])


def get_settings() -> FederationSettings:
    """Read the service's settings from the environment."""
    settings = load_settings(FederationSettings, "federation")
    settings.district_map()  # fail at start on a bad value
    return settings
