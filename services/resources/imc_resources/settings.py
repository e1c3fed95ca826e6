"""Settings of the resources service (the bank of methodical resources)."""

from typing import Literal

import msgspec

from imc_shared.settings import ServiceSettings, load_settings

MB = 1024 * 1024


class District(msgspec.Struct, frozen=True, kw_only=True):
    """A district federated into the centre (the federation service reads the same)."""

    name: str
    """Human name, e.g. «Яйский муниципальный округ»."""
    upstream: str
    """The district's federation upstream URI as the centre's broker records it in
    ``x-received-from`` (no credentials), e.g. ``amqp://10.0.0.5:5672``."""


class ResourcesSettings(ServiceSettings, frozen=True, kw_only=True):
    """Resources settings; everything comes from ``IMC_*`` variables."""

    instance_kind: Literal["district", "centre"] = "district"
    """``IMC_INSTANCE_KIND``: ``district`` (an IMC) or ``centre`` (the ММЦ, which keeps
    the bank of best resources of all its districts)."""
    centre_upstream: str = ""
    """``IMC_CENTRE_UPSTREAM``: AMQP URI of the centre's broker as this district's broker
    records it in ``x-received-from``; empty: the district is not federated, keeps no copy
    of the centre's bank and cannot publish to it."""
    districts: str = "{}"
    """``IMC_DISTRICTS`` (the centre): JSON object, district code -> {"name": ...,
    "upstream": ...}, as the federation service reads it. A district's publication is
    taken only over the link from that district's upstream."""
    storage_dir: str = "var/files/resources"
    """``IMC_STORAGE_DIR``: folder of the files of resources (own and the centre's bank)."""
    max_file_bytes: int = 10 * MB
    """``IMC_MAX_FILE_BYTES``: largest file of a resource."""
    max_video_bytes: int = 10 * MB
    """``IMC_MAX_VIDEO_BYTES``: largest video (MP4) of a recording."""
    max_resource_bytes: int = 20 * MB
    """``IMC_MAX_RESOURCE_BYTES``: all files of one resource together."""
    max_share_bytes: int = 20 * MB
    """``IMC_MAX_SHARE_BYTES``: the files of a resource published to the centre's bank
    travel whole inside the message; a larger resource is refused."""
    max_text_chars: int = 200_000
    """``IMC_MAX_TEXT_CHARS``: searchable text kept per resource (extracted from files)."""
    relay_batch_size: int = 10
    """``IMC_RELAY_BATCH_SIZE``: outbox rows per confirmed batch; small, because a
    publication carries its files (up to ``max_share_bytes`` each)."""

    @property
    def is_centre(self) -> bool:
        """The ММЦ: it keeps the bank and sends its changes down."""
        return self.instance_kind == "centre"

    @property
    def takes_centre_events(self) -> bool:
        """A federated district: it keeps a copy of the centre's bank."""
        return self.instance_kind == "district" and bool(self.centre_upstream.strip())

    def district_map(self) -> dict[str, District]:
        """The federated districts, parsed."""
        return msgspec.json.decode(self.districts, type=dict[str, District])

    @property
    def request_limit(self) -> int:
        """Largest HTTP body: one file per upload, plus the form's overhead."""
        return max(self.max_file_bytes, self.max_video_bytes) + MB


def get_settings() -> ResourcesSettings:
    """Read the service's settings from the environment."""
    settings = load_settings(ResourcesSettings, "resources")
    settings.district_map()  # fail at start on a bad value
    return settings
