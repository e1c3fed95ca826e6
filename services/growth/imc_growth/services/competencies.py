"""Use cases on the competency catalogue (the district's own, editable by its staff)."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from imc_growth.api.schemas import CompetencyIn, CompetencyOut, CompetencyPatch
from imc_growth.db.models import Competency
from imc_growth.domain.competencies import check_code, check_keywords, check_title
from imc_growth.services.common import check_version
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound


def view(row: Competency) -> CompetencyOut:
    return CompetencyOut(
        id=row.id,
        code=row.code,
        title=row.title,
        description=row.description,
        keywords=list(row.keywords),
        active=row.active,
        version=row.version,
    )


async def list_competencies(database: Database, *, active_only: bool = False) -> list[Competency]:
    query = sa.select(Competency).order_by(Competency.position, Competency.title)
    if active_only:
        query = query.where(Competency.active.is_(True))
    async with database.sessions() as session:
        return list((await session.scalars(query)).all())


async def create_competency(database: Database, data: CompetencyIn) -> Competency:
    code = check_code(data.code)
    row = Competency(
        code=code,
        title=check_title(data.title),
        description=data.description.strip(),
        keywords=check_keywords(data.keywords),
        active=data.active,
    )
    duplicate = Conflict(f"Компетенция с кодом «{code}» уже есть в каталоге", field="code")
    try:
        async with database.transaction() as session:
            if await session.scalar(sa.select(Competency.id).where(Competency.code == code)):
                raise duplicate
            last = await session.scalar(sa.select(sa.func.max(Competency.position)))
            row.position = int(last or 0) + 1
            session.add(row)
    except IntegrityError as error:
        raise duplicate from error
    return row


async def update_competency(
    database: Database, competency_id: UUID, data: CompetencyPatch
) -> Competency:
    """Change a competency; its code stays (surveys and the centre's counts use it)."""
    async with database.transaction() as session:
        row = await session.get(Competency, competency_id)
        if row is None:
            raise NotFound("Компетенция не найдена", field="competency_id")
        check_version(row.version, data.version, "Компетенция")
        if data.title is not None:
            row.title = check_title(data.title)
        if data.description is not None:
            row.description = data.description.strip()
        if data.keywords is not None:
            row.keywords = check_keywords(data.keywords)
        if data.active is not None:
            row.active = data.active
    return row
