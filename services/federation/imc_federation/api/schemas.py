"""HTTP schemas of the aggregator."""

from datetime import date, datetime
from uuid import UUID

import msgspec


class Person(msgspec.Struct, kw_only=True):
    """A leader or co-leader."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site of a district, as the centre knows it."""

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
    co_leader: Person | None
    order_number: str
    order_date: date
    received_at: datetime


class District(msgspec.Struct, kw_only=True):
    """A federated district and what the centre has from it."""

    code: str
    name: str
    sites: int
    last_message_at: datetime | None
