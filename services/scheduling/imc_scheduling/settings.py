"""Settings of the scheduling service."""

from imc_shared.settings import ServiceSettings, load_settings


class SchedulingSettings(ServiceSettings, frozen=True, kw_only=True):
    """Scheduling settings; everything comes from ``IMC_*`` variables."""


def get_settings() -> SchedulingSettings:
    """Read the service's settings from the environment."""
    return load_settings(SchedulingSettings, "scheduling")
