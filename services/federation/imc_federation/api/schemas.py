"""HTTP schemas of the aggregator: the views of :mod:`imc_federation.domain.views` and
the bodies it accepts."""

from uuid import UUID

import msgspec

from imc_federation.domain.views import (
    Dashboard,
    DeficitLine,
    Deficits,
    DeficitTotals,
    District,
    DistrictDashboard,
    DistrictDeficits,
    Event,
    Link,
    Participation,
    Person,
    Plan,
    Site,
    SubjectDeficits,
)

__all__ = [
    "Dashboard",
    "DeficitLine",
    "DeficitTotals",
    "Deficits",
    "District",
    "DistrictDashboard",
    "DistrictDeficits",
    "Event",
    "Link",
    "Participation",
    "Person",
    "Plan",
    "ResyncAccepted",
    "ResyncIn",
    "Site",
    "SubjectDeficits",
]


class ResyncIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /resync``: which districts to ask (none: all) and why."""

    reason: str
    districts: list[str] = msgspec.field(default_factory=list)


class ResyncAccepted(msgspec.Struct, kw_only=True):
    """The resync request was written; it leaves with the outbox."""

    request_id: UUID
