"""What the portal reads from the aggregator about teachers' professional deficits
(``GET /deficits``): counts only, never a name. Unknown fields are ignored."""

from datetime import datetime

import msgspec


def percent(rate: float | None) -> float | None:
    """A share from 0 to 1 as a percentage; ``None`` stays ``None`` (nothing to close)."""
    return None if rate is None else round(100 * rate, 1)


class DeficitLine(msgspec.Struct, kw_only=True):
    """A competency in a subject: open and closed deficits, teachers who have one."""

    competency_code: str
    competency_title: str
    subject: str = ""
    subject_title: str = ""
    open: int
    closed: int
    closure_rate: float | None = None
    teachers: int = 0

    @property
    def closure_percent(self) -> float | None:
        """The share of deficits closed, in per cent."""
        return percent(self.closure_rate)


class DistrictDeficits(msgspec.Struct, kw_only=True):
    """One district's summary as the centre last received it."""

    code: str
    name: str = ""
    reported: bool = False
    version: int | None = None
    as_of: datetime | None = None
    teachers_with_routes: int = 0
    open: int = 0
    closed: int = 0
    closure_rate: float | None = None
    lines: list[DeficitLine] = msgspec.field(default_factory=list)

    @property
    def closure_percent(self) -> float | None:
        """The share of the district's deficits closed, in per cent."""
        return percent(self.closure_rate)


class SubjectDeficits(msgspec.Struct, kw_only=True):
    """One subject across the districts, with its competencies."""

    subject: str
    subject_title: str = ""
    open: int
    closed: int
    closure_rate: float | None = None
    lines: list[DeficitLine] = msgspec.field(default_factory=list)

    @property
    def closure_percent(self) -> float | None:
        """The share of the subject's deficits closed, in per cent."""
        return percent(self.closure_rate)


class DeficitTotals(msgspec.Struct, kw_only=True):
    """Across the districts."""

    districts: int = 0
    districts_reported: int = 0
    teachers_with_routes: int = 0
    open: int = 0
    closed: int = 0
    closure_rate: float | None = None

    @property
    def closure_percent(self) -> float | None:
        """The share of all deficits closed, in per cent."""
        return percent(self.closure_rate)


class CentreDeficits(msgspec.Struct, kw_only=True):
    """The aggregator's answer to ``GET /deficits``."""

    districts: list[DistrictDeficits]
    subjects: list[SubjectDeficits]
    totals: DeficitTotals
