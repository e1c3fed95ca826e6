"""HTTP schemas of the scheduling service."""

from datetime import date, datetime
from uuid import UUID

import msgspec

from imc_scheduling.db.models import Roadmap as RoadmapRow


class Roadmap(msgspec.Struct, kw_only=True):
    """A site's road map (empty until events are planned)."""

    id: UUID
    site_id: UUID
    organisation_id: UUID
    organisation_short_name: str
    title: str
    topic: str
    period_start: date
    period_end: date
    status: str
    opened_at: datetime

    @classmethod
    def of(cls, row: RoadmapRow) -> "Roadmap":
        """Map a row."""
        return cls(**{f: getattr(row, f) for f in cls.__struct_fields__})
