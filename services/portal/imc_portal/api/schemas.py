"""What the portal reads from the registry and the aggregator, and what it serves.

Unknown fields are ignored, so a backend may add fields without breaking the portal.
"""

from datetime import date, datetime
from uuid import UUID

import msgspec


class Person(msgspec.Struct, kw_only=True):
    """A leader or co-leader of a site."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site of the district as the registry returns it (``GET /sites``)."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person | None = None
    order_number: str
    order_date: date


class CentreSite(msgspec.Struct, kw_only=True):
    """A site of some district as the centre's aggregator returns it (``GET /sites``)."""

    district: str
    district_name: str
    site_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Person
    co_leader: Person | None = None
    order_number: str
    order_date: date
    received_at: datetime


class District(msgspec.Struct, kw_only=True):
    """A district known to the centre (``GET /districts`` of the aggregator)."""

    code: str
    name: str
    sites: int
    last_message_at: datetime | None = None
