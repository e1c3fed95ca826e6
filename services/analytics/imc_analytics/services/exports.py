"""Use case: print a saved analysis as an information note through the documents
service, as the person who asks (their own token): the same version of the analysis
gives the same document."""

from datetime import UTC, date, datetime
from uuid import UUID

import msgspec
import sqlalchemy as sa

from imc_analytics.api.schemas import PrintedNote
from imc_analytics.db.models import Analysis as AnalysisRow
from imc_analytics.domain.analysis import YearFigure
from imc_analytics.domain.note import NoteProblem, note_data
from imc_analytics.services.analyses import children, figures_of
from imc_analytics.services.neighbours import Neighbour
from imc_analytics.settings import AnalyticsSettings
from imc_shared.db import Database
from imc_shared.errors import NotFound

TEMPLATE = "information_note"


async def export(
    *,
    database: Database,
    settings: AnalyticsSettings,
    documents: Neighbour,
    analysis_id: UUID,
    authorization: str,
    actor: str,
    today: date,
) -> PrintedNote:
    """Render the note; remember the document on the analysis."""
    async with database.sessions() as session:
        row = await session.get(AnalysisRow, analysis_id)
        if row is None:
            raise NotFound("Анализ не найден", field="analysis_id")
        problems, _ = await children(session, analysis_id)
    version = row.version
    figures = figures_of(row)
    names = settings.district_names()
    data = note_data(
        figures,
        problems=[
            NoteProblem(
                title=p.title,
                reasons=list(p.reasons),
                latest_year=p.latest_year,
                latest_mean=p.latest_mean,
                years=msgspec.convert(p.figures, list[YearFigure]),
                causes=p.causes,
                recommendations=p.recommendations,
            )
            for p in problems
            if p.found or p.causes or p.recommendations
        ],
        conclusions=row.conclusions,
        recommendations=row.recommendations,
        issued_on=today,
        scope=names.get(row.district, "") if row.district else "",
        executor=actor,
        signatory_name=settings.signatory_name,
        signatory_position=settings.signatory_position,
    )
    body = {
        "template": TEMPLATE,
        "data": data,
        "source_key": f"analysis:{analysis_id}:v{version}",
    }
    document, status = await documents.post("/documents/render", body, authorization=authorization)
    document_id = UUID(str(document["id"]))
    number = str(document.get("number", "") or "")
    async with database.transaction() as session:
        # Remember the print without bumping the analysis's version: printing is not an
        # edit, and a methodist's open form must stay valid.
        await session.execute(
            sa.update(AnalysisRow)
            .where(AnalysisRow.id == analysis_id)
            .values(
                document_id=document_id,
                document_number=number[:100],
                exported_version=version,
                exported_at=datetime.now(UTC),
            )
            .execution_options(synchronize_session=False)
        )
    return PrintedNote(
        document_id=document_id,
        number=number,
        title=str(document.get("title", "")),
        created=status == 201,
        pdf_path=f"/documents/{document_id}/file.pdf",
        docx_path=f"/documents/{document_id}/file.docx",
        analysis_version=version,
    )
