"""Settings of the registry service."""

from imc_shared.settings import ServiceSettings, load_settings


class RegistrySettings(ServiceSettings, frozen=True, kw_only=True):
    """Registry settings; everything comes from ``IMC_*`` variables."""


def get_settings() -> RegistrySettings:
    """Read the registry's settings from the environment."""
    return load_settings(RegistrySettings, "registry")
