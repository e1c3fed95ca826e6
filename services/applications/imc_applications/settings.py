"""Settings of the applications service."""

from imc_shared.settings import ServiceSettings, load_settings


class ApplicationsSettings(ServiceSettings, frozen=True, kw_only=True):
    """Applications settings; everything comes from ``IMC_*`` variables."""

    registry_url: str = "http://127.0.0.1:8001"
    """Base URL of the district's registry (to check organisations)."""
    storage_dir: str = "var/files/applications"
    """Folder where uploaded application documents are stored."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """Largest accepted document."""


def get_settings() -> ApplicationsSettings:
    """Read the service's settings from the environment."""
    return load_settings(ApplicationsSettings, "applications")
