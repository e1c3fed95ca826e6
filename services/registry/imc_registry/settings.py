"""Settings of the registry service."""

from imc_shared.settings import ServiceSettings, load_settings


class RegistrySettings(ServiceSettings, frozen=True, kw_only=True):
    """Registry settings; everything comes from ``IMC_*`` variables."""

    heartbeat_seconds: int = 0
    """Publish a heartbeat for the centre's link status every so many seconds
    (0: off, for a district not federated into a centre)."""
    centre_upstream: str = ""
    """``IMC_CENTRE_UPSTREAM``: AMQP URI of the centre's broker as this district's broker
    records it in ``x-received-from`` (e.g. ``amqp://10.0.0.1:5672``); empty: the district
    is not federated and takes no inter-municipal sites from a centre."""

    @property
    def takes_centre_sites(self) -> bool:
        """A federated district: it keeps the centre's inter-municipal sites."""
        return bool(self.centre_upstream.strip())


def get_settings() -> RegistrySettings:
    """Read the registry's settings from the environment."""
    return load_settings(RegistrySettings, "registry")
