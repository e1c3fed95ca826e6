"""Settings of the registry service."""

from imc_shared.settings import ServiceSettings, load_settings


class RegistrySettings(ServiceSettings, frozen=True, kw_only=True):
    """Registry settings; everything comes from ``IMC_*`` variables."""

    heartbeat_seconds: int = 0
    """Publish a heartbeat for the centre's link status every so many seconds
    (0: off, for a district not federated into a centre)."""


def get_settings() -> RegistrySettings:
    """Read the registry's settings from the environment."""
    return load_settings(RegistrySettings, "registry")
