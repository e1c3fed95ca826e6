"""Documents HTTP controllers: the register and the files."""

from datetime import date, datetime
from typing import Literal
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Controller, Response, get

from imc_documents.db.models import Document as DocumentRow
from imc_documents.services import register
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.storage import FileStore

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DOWNLOAD_NAMES = {
    "order_site_status": "prikaz",
    "order_site_extension": "prikaz",
    "order_site_termination": "prikaz",
    "refusal_letter": "pismo",
    "council_protocol": "protokol",
    "council_extract": "vypiska",
}
"""File name stems of the downloads (ASCII; the UTF-8 name carries the number)."""


class Document(msgspec.Struct, kw_only=True):
    """A generated document."""

    id: UUID
    kind: str
    title: str
    number: str
    dated: date
    organisation_id: UUID
    subject_id: UUID
    pdf_sha256: str
    docx_sha256: str
    created_at: datetime

    @classmethod
    def of(cls, row: DocumentRow) -> "Document":
        """Map a row."""
        return cls(**{f: getattr(row, f) for f in cls.__struct_fields__})


class DocumentController(Controller):
    """The register of generated documents."""

    path = "/documents"
    tags = ["documents"]

    @get("/", summary="List documents")
    async def index(self, database: Database) -> list[Document]:
        return [Document.of(row) for row in await register.list_documents(database=database)]

    @get("/{document_id:uuid}", summary="One document")
    async def show(self, document_id: UUID, database: Database) -> Document:
        row = await register.get_document(database=database, document_id=document_id)
        if row is None:
            raise NotFound("Документ не найден", field="document_id")
        return Document.of(row)

    @get("/{document_id:uuid}/{filename:str}", summary="Download file.pdf or file.docx")
    async def file(
        self, document_id: UUID, filename: str, database: Database, store: FileStore
    ) -> Response[bytes]:
        fmt = filename.removeprefix("file.")
        row = await register.get_document(database=database, document_id=document_id)
        if row is None or not filename.startswith("file.") or fmt not in MEDIA_TYPES:
            raise NotFound("Документ не найден", field="document_id")
        kind: Literal["pdf", "docx"] = "pdf" if fmt == "pdf" else "docx"
        key, digest = (
            (row.pdf_key, row.pdf_sha256) if kind == "pdf" else (row.docx_key, row.docx_sha256)
        )
        stem = DOWNLOAD_NAMES.get(row.kind, "document")
        download = f"{stem}-{row.number}.{kind}" if row.number else f"{stem}.{kind}"
        return Response(
            store.get(key),
            media_type=MEDIA_TYPES[kind],
            headers={
                "content-disposition": f'attachment; filename="{stem}.{kind}"; '
                f"filename*=UTF-8''{quote(download)}",
                "x-checksum-sha256": digest,
            },
        )
