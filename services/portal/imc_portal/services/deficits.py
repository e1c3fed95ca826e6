"""The centre's page of teachers' professional deficits across districts.

Only counts reach the centre: no teacher's name, no school. The aggregator adds the
districts' summaries up (``GET /deficits``); this module shapes them for the page:
districts and subjects by name (never by their figures: no league tables), each closure
rate as a percentage, and the day each district's figures were taken, where the centre is.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import msgspec

from imc_portal.api.deficit_schemas import (
    CentreDeficits,
    DeficitLine,
    DeficitTotals,
    DistrictDeficits,
    SubjectDeficits,
)
from imc_portal.clients import (
    BackendNotFoundError,
    Download,
    FederationClient,
    unknown_district,
)
from imc_portal.services.catalogue import name_key
from imc_portal.services.centre import is_district_code, local_day

REPORT = "deficits"
"""The aggregator's XLSX report of the deficits (``/export/deficits.xlsx``)."""


@dataclass(frozen=True)
class DistrictRow:
    """A district on the page: its summary and the day its figures were taken."""

    district: DistrictDeficits
    as_of_day: date | None

    @property
    def name(self) -> str:
        """The district's name (its code when the centre sent none)."""
        return self.district.name or self.district.code


@dataclass(frozen=True)
class DeficitsPage:
    """What the page shows."""

    districts: list[DistrictRow]
    subjects: list[SubjectDeficits]
    totals: DeficitTotals

    @property
    def has_figures(self) -> bool:
        """Whether any district has sent a summary."""
        return self.totals.districts_reported > 0

    @property
    def silent(self) -> list[DistrictRow]:
        """Districts that have not sent a summary yet."""
        return [row for row in self.districts if not row.district.reported]


def _subject_key(subject: SubjectDeficits) -> tuple[bool, str]:
    """Subjects by name; the deficits found across subjects last."""
    return (not subject.subject, name_key(subject.subject_title or subject.subject))


def _lines(lines: Iterable[DeficitLine]) -> list[DeficitLine]:
    """Lines by subject (no subject last), then competency title."""
    return sorted(
        lines,
        key=lambda line: (
            not line.subject,
            name_key(line.subject),
            name_key(line.competency_title),
        ),
    )


def shape(data: CentreDeficits, zone: ZoneInfo) -> DeficitsPage:
    """The aggregator's figures ordered by names for the page, days in ``zone``."""
    districts = [
        DistrictRow(
            district=msgspec.structs.replace(district, lines=_lines(district.lines)),
            as_of_day=local_day(district.as_of, zone) if district.as_of else None,
        )
        for district in data.districts
    ]
    return DeficitsPage(
        districts=sorted(districts, key=lambda row: (name_key(row.name), row.district.code)),
        subjects=[
            msgspec.structs.replace(subject, lines=_lines(subject.lines))
            for subject in sorted(data.subjects, key=_subject_key)
        ],
        totals=data.totals,
    )


async def deficits_page(*, federation: FederationClient, zone: ZoneInfo) -> DeficitsPage:
    """The page's figures from the aggregator."""
    return shape(await federation.deficits(), zone)


async def export(*, federation: FederationClient, district: str | None = None) -> Download:
    """The aggregator's XLSX table of the deficits, streamed; :class:`BackendNotFoundError`
    for a district that cannot be one or that the centre does not have."""
    if district is not None and not is_district_code(district):
        raise BackendNotFoundError(unknown_district(district))
    return await federation.export(REPORT, district=district)
