"""Queries on the register of generated documents."""

from typing import Any

import sqlalchemy as sa

from imc_documents.db.models import Document
from imc_shared.db import Database


async def list_documents(*, database: Database) -> list[Document]:
    """The register of generated documents, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Document).order_by(Document.created_at.desc()))
        return list(rows.all())


async def get_document(*, database: Database, document_id: Any) -> Document | None:
    """One document, or ``None``."""
    async with database.sessions() as session:
        return await session.get(Document, document_id)
