"""Settings of the professional growth service."""

from typing import Literal

from imc_shared.settings import ServiceSettings, load_settings


class GrowthSettings(ServiceSettings, frozen=True, kw_only=True):
    """Growth settings; everything comes from ``IMC_*`` variables."""

    time_zone: str = "Asia/Novokuznetsk"
    """``IMC_TIME_ZONE``: the district's time zone: what «today» is for deadlines, survey
    closing dates and the transcript's date."""
    documents_url: str = "http://127.0.0.1:8004"
    """``IMC_DOCUMENTS_URL``: base URL of the district's documents service (the printed
    transcript is rendered there)."""
    instance_kind: Literal["district", "centre"] = "district"
    """``IMC_INSTANCE_KIND``: ``district`` (an IMC) or ``centre`` (the ММЦ)."""
    centre_upstream: str = ""
    """``IMC_CENTRE_UPSTREAM``: AMQP URI of the centre's broker as this district's broker
    records it in ``x-received-from``; empty: the district is not federated and takes no
    inter-municipal events (nor resync requests over a link) from a centre."""
    storage_dir: str = "var/files/growth"
    """``IMC_STORAGE_DIR``: folder where teachers' evidence files (course certificates)
    are stored."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """``IMC_MAX_UPLOAD_BYTES``: largest accepted evidence file."""
    signatory_name: str = "Директор ИМЦ"
    """``IMC_SIGNATORY_NAME``: who signs a printed transcript."""
    signatory_position: str = "директор"
    """``IMC_SIGNATORY_POSITION``: their position."""
    documents_timeout_seconds: float = 60.0
    """``IMC_DOCUMENTS_TIMEOUT_SECONDS``: how long a transcript may take to render."""

    @property
    def takes_centre_events(self) -> bool:
        """A federated district: it reads the centre's inter-municipal events."""
        return self.instance_kind == "district" and bool(self.centre_upstream.strip())


def get_settings() -> GrowthSettings:
    """Read the service's settings from the environment."""
    return load_settings(GrowthSettings, "growth")
