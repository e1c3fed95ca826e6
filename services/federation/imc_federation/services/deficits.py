"""Use case: the centre's anonymous view of teachers' professional deficits.

Reads the summaries the districts sent (the highest version of each, see
:func:`imc_federation.services.ingest.record_deficits_summary`) and adds them up by
district and by subject with :mod:`imc_federation.domain.deficits`.
"""

from collections import defaultdict

import sqlalchemy as sa

from imc_federation.db.models import CentreDeficitCount, CentreDeficitSummary
from imc_federation.domain import deficits as rules
from imc_federation.domain import views
from imc_federation.services.ingest import as_utc
from imc_federation.services.queries import known_district
from imc_federation.settings import FederationSettings
from imc_shared.db import Database


async def _read(
    database: Database,
) -> tuple[dict[str, CentreDeficitSummary], dict[str, list[rules.Line]]]:
    """Every district's summary and its lines (in the district's order), in one transaction."""
    async with database.sessions() as session:
        summaries = {
            row.district: row for row in await session.scalars(sa.select(CentreDeficitSummary))
        }
        counts: dict[str, list[rules.Line]] = defaultdict(list)
        for row in await session.scalars(
            sa.select(CentreDeficitCount).order_by(
                CentreDeficitCount.district, CentreDeficitCount.position
            )
        ):
            counts[row.district].append(
                rules.Line(
                    competency_code=row.competency_code,
                    competency_title=row.competency_title,
                    subject=row.subject,
                    open=row.open,
                    closed=row.closed,
                    teachers=row.teachers,
                )
            )
    return summaries, dict(counts)


def line_view(line: rules.Line) -> views.DeficitLine:
    """A line as the centre shows it, with its closure rate."""
    return views.DeficitLine(
        competency_code=line.competency_code,
        competency_title=line.competency_title,
        subject=line.subject,
        subject_title=rules.subject_title(line.subject),
        open=line.open,
        closed=line.closed,
        closure_rate=rules.closure_rate(line.open, line.closed),
        teachers=line.teachers,
    )


def _district(
    code: str,
    name: str,
    summary: CentreDeficitSummary | None,
    counts: list[rules.Line],
) -> views.DistrictDeficits:
    merged = rules.lines(counts)
    open_ = sum(line.open for line in merged)
    closed = sum(line.closed for line in merged)
    return views.DistrictDeficits(
        code=code,
        name=name,
        reported=summary is not None,
        version=summary.version if summary else None,
        as_of=as_utc(summary.as_of) if summary else None,
        received_at=as_utc(summary.received_at) if summary else None,
        teachers_with_routes=summary.teachers_with_routes if summary else 0,
        open=open_,
        closed=closed,
        closure_rate=rules.closure_rate(open_, closed),
        lines=[line_view(line) for line in merged],
    )


async def deficits(
    *, database: Database, settings: FederationSettings, district: str | None = None
) -> views.Deficits:
    """Professional deficits by district, by subject and competency, and in total; of
    one district when ``district`` is given (:class:`NotFound` if the centre has none
    such)."""
    district = known_district(settings, district)
    summaries, counts = await _read(database)
    names = settings.district_names()
    codes = sorted(settings.district_map())
    codes += sorted(code for code in summaries if code not in codes)
    if district:
        codes = [district]
    shown = [
        _district(code, names.get(code, code), summaries.get(code), counts.get(code, []))
        for code in codes
    ]
    everything = [line for code in codes for line in counts.get(code, [])]
    open_ = sum(d.open for d in shown)
    closed = sum(d.closed for d in shown)
    return views.Deficits(
        districts=shown,
        subjects=[
            views.SubjectDeficits(
                subject=group.subject,
                subject_title=rules.subject_title(group.subject),
                open=group.open,
                closed=group.closed,
                closure_rate=rules.closure_rate(group.open, group.closed),
                lines=[line_view(line) for line in group.lines],
            )
            for group in rules.by_subject(everything)
        ],
        totals=views.DeficitTotals(
            districts=len(shown),
            districts_reported=sum(1 for d in shown if d.reported),
            teachers_with_routes=sum(d.teachers_with_routes for d in shown),
            open=open_,
            closed=closed,
            closure_rate=rules.closure_rate(open_, closed),
        ),
    )
