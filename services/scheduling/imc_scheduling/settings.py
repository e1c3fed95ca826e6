"""Settings of the scheduling service."""

from typing import Literal

import msgspec

from imc_shared.settings import ServiceSettings, load_settings


class District(msgspec.Struct, frozen=True, kw_only=True):
    """A district federated into the centre (the federation service reads the same)."""

    name: str
    """Human name, e.g. «Яйский муниципальный округ»."""
    upstream: str
    """The district's federation upstream URI as the centre's broker records it in
    ``x-received-from`` (no credentials), e.g. ``amqp://10.0.0.5:5672``."""


class SchedulingSettings(ServiceSettings, frozen=True, kw_only=True):
    """Scheduling settings; everything comes from ``IMC_*`` variables."""

    time_zone: str = "Asia/Novokuznetsk"
    """``IMC_TIME_ZONE``: the district's time zone; naive times in requests are read in it,
    texts and calendars show it."""
    scheduling_secret: str = ""
    """``IMC_SCHEDULING_SECRET``: signs personal check-in codes and private calendar
    tokens. Set a long random value in production (empty: a development key derived from
    the district code); changing it invalidates both."""
    reminder_lead_hours: int = 24
    """``IMC_REMINDER_LEAD_HOURS``: how long before an event its reminder is due."""
    reminder_poll_seconds: float = 60.0
    """``IMC_REMINDER_POLL_SECONDS``: how often the reminder scheduler looks for due work."""
    reminder_batch_size: int = 50
    """``IMC_REMINDER_BATCH_SIZE``: reminders claimed per pass."""
    roadmap_overdue_poll_seconds: float = 3600.0
    """``IMC_ROADMAP_OVERDUE_POLL_SECONDS``: how often the overdue job looks for road-map
    rows whose deadline passed unfulfilled (each row is alerted once, on the first pass
    after the deadline day in the district's time zone)."""
    public_url: str = ""
    """``IMC_PUBLIC_URL``: public address of this service as people (and the door's
    scanner) reach it, e.g. ``https://imc.yaya.example/scheduling``; personal check-in QR
    codes carry ``{public_url}/events/{id}/check-in?code=…`` (a relative address when
    empty)."""
    instance_kind: Literal["district", "centre"] = "district"
    """``IMC_INSTANCE_KIND``: ``district`` (an IMC) or ``centre`` (the ММЦ). The centre's
    events are inter-municipal and go down to the districts over ``imc.centre``."""
    centre_upstream: str = ""
    """``IMC_CENTRE_UPSTREAM``: AMQP URI of the centre's broker as this district's broker
    records it in ``x-received-from`` (e.g. ``amqp://10.0.0.1:5672``); empty: the district
    is not federated and takes no inter-municipal events from a centre."""

    districts: str = "{}"
    """``IMC_DISTRICTS`` (the centre): JSON object, district code -> {"name": ...,
    "upstream": ...}, as the federation service reads it. A district's registration for
    the centre's event is taken only over the link from that district's upstream."""

    @property
    def takes_centre_events(self) -> bool:
        """A federated district: it subscribes to the centre's inter-municipal events."""
        return self.instance_kind == "district" and bool(self.centre_upstream.strip())

    @property
    def takes_district_registrations(self) -> bool:
        """The centre: it records the districts' registrations for its events."""
        return self.instance_kind == "centre"

    def district_map(self) -> dict[str, District]:
        """The federated districts, parsed."""
        return msgspec.json.decode(self.districts, type=dict[str, District])


def get_settings() -> SchedulingSettings:
    """Read the service's settings from the environment."""
    settings = load_settings(SchedulingSettings, "scheduling")
    settings.district_map()  # fail at start on a bad value
    return settings


def signing_key(settings: SchedulingSettings) -> str:
    """The key of check-in codes and calendar tokens."""
    return settings.scheduling_secret or f"imc-scheduling-development-key:{settings.district}"
