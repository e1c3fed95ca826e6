"""The search catalogue: every published resource (this instance's own and the centre's
bank) with its inverted index, and the search over it, one SQL for SQLite and
PostgreSQL."""

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from imc_resources.api.schemas import SearchHit, SearchResult
from imc_resources.db.models import SearchDocument, SearchTerm
from imc_resources.domain.resources import KIND_TITLES, licence_title
from imc_resources.domain.search import index_terms, query_stems, subject_key, tag_key
from imc_shared.db import Database
from imc_shared.errors import InvalidInput

OWN: Final = "own"
CENTRE: Final = "centre"
SCOPES: Final = ("own", "centre", "all")
MAX_LIMIT: Final = 100


@dataclass(frozen=True)
class Entry:
    """A published resource to index."""

    source: str
    resource_id: UUID
    title: str
    summary: str
    kind: str
    subject: str
    level: str
    tags: list[str]
    licence: str
    author_name: str
    organisation_name: str
    origin_district: str
    origin_district_name: str
    files: int
    published_at: datetime
    text: str


async def remove(session: AsyncSession, source: str, resource_id: UUID) -> None:
    """Drop a resource (and its terms) from the catalogue."""
    found = await session.scalar(
        sa.select(SearchDocument.id).where(
            SearchDocument.source == source, SearchDocument.resource_id == resource_id
        )
    )
    if found is None:
        return
    await session.execute(sa.delete(SearchTerm).where(SearchTerm.document_id == found))
    await session.execute(sa.delete(SearchDocument).where(SearchDocument.id == found))


async def put(session: AsyncSession, entry: Entry) -> None:
    """(Re)index a published resource."""
    await remove(session, entry.source, entry.resource_id)
    document = SearchDocument(
        source=entry.source,
        resource_id=entry.resource_id,
        title=entry.title,
        summary=entry.summary,
        kind=entry.kind,
        subject=entry.subject,
        subject_key=subject_key(entry.subject),
        level=entry.level,
        tags=list(entry.tags),
        licence=entry.licence,
        author_name=entry.author_name,
        organisation_name=entry.organisation_name,
        origin_district=entry.origin_district,
        origin_district_name=entry.origin_district_name,
        files=entry.files,
        published_at=entry.published_at,
    )
    session.add(document)
    await session.flush()
    terms = index_terms(title=entry.title, summary=entry.summary, tags=entry.tags, text=entry.text)
    if terms:
        await session.execute(
            sa.insert(SearchTerm),
            [{"document_id": document.id, "stem": s, "weight": w} for s, w in terms.items()],
        )


@dataclass(frozen=True)
class Filters:
    """What a search narrows to; empty values do not narrow."""

    subject: str = ""
    kind: str = ""
    level: str = ""
    tag: str = ""


def _hit(document: SearchDocument, score: int) -> SearchHit:
    return SearchHit(
        source=document.source,
        resource_id=document.resource_id,
        title=document.title,
        summary=document.summary,
        kind=document.kind,
        kind_title=KIND_TITLES.get(document.kind, document.kind),
        subject=document.subject,
        level=document.level,
        tags=list(document.tags),
        licence=document.licence,
        licence_title=licence_title(document.licence),
        author_name=document.author_name,
        organisation_name=document.organisation_name,
        origin_district=document.origin_district,
        origin_district_name=document.origin_district_name,
        published_at=document.published_at,
        files=document.files,
        score=score,
    )


def _scoped(scope: str) -> sa.ColumnElement[bool]:
    if scope == OWN:
        return SearchDocument.source == OWN
    if scope == CENTRE:
        return SearchDocument.source == CENTRE
    own = aliased(SearchDocument)
    # A resource of this instance that is also in the centre's bank is shown once.
    return sa.or_(
        SearchDocument.source == OWN,
        ~sa.exists().where(own.source == OWN, own.resource_id == SearchDocument.resource_id),
    )


async def search(
    database: Database,
    *,
    query: str,
    scope: str,
    filters: Filters,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Published resources matching every word of ``query`` (any form), best first."""
    if scope not in SCOPES:
        raise InvalidInput(
            "Область поиска: own (банк района), centre (банк ММЦ) или all (оба)", field="scope"
        )
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    stems = query_stems(query) if query.strip() else []
    if query.strip() and not stems:
        return SearchResult(query=query, stems=[], scope=scope, total=0, items=[])
    score: sa.ColumnElement[int]
    statement: sa.Select[SearchDocument, int]
    if stems:
        matched = (
            sa.select(
                SearchTerm.document_id.label("document_id"),
                sa.func.sum(SearchTerm.weight).label("score"),
            )
            .where(SearchTerm.stem.in_(stems))
            .group_by(SearchTerm.document_id)
            .having(sa.func.count(SearchTerm.stem) == len(stems))
            .subquery()
        )
        score = matched.c.score
        statement = sa.select(SearchDocument, score).join(
            matched, matched.c.document_id == SearchDocument.id
        )
    else:
        score = sa.literal(0)
        statement = sa.select(SearchDocument, score)
    statement = statement.where(_scoped(scope))
    if filters.kind:
        statement = statement.where(SearchDocument.kind == filters.kind)
    if filters.level:
        statement = statement.where(SearchDocument.level == filters.level)
    if filters.subject.strip():
        statement = statement.where(SearchDocument.subject_key == subject_key(filters.subject))
    if filters.tag.strip():
        statement = statement.where(
            sa.exists().where(
                SearchTerm.document_id == SearchDocument.id, SearchTerm.stem == tag_key(filters.tag)
            )
        )
    async with database.sessions() as session:
        total = await session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
        rows = (
            await session.execute(
                statement.order_by(
                    score.desc(),
                    SearchDocument.published_at.desc(),
                    SearchDocument.title,
                    SearchDocument.id,
                )
                .limit(limit)
                .offset(offset)
            )
        ).all()
    return SearchResult(
        query=query,
        stems=stems,
        scope=scope,
        total=int(total or 0),
        items=[_hit(document, int(value or 0)) for document, value in rows],
    )


async def subjects(database: Database) -> list[str]:
    """The subjects of published resources (own and the centre's), each once."""
    async with database.sessions() as session:
        rows = (
            await session.execute(
                sa.select(SearchDocument.subject_key, sa.func.min(SearchDocument.subject))
                .where(SearchDocument.subject_key != "")
                .group_by(SearchDocument.subject_key)
            )
        ).all()
    return sorted((subject for _, subject in rows), key=str.casefold)
