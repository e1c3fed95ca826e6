"""What every generated document shares: the letterhead and the description of a
document to render."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

import msgspec

DocumentKind = Literal[
    "order_site_status",
    "order_site_extension",
    "order_site_termination",
    "refusal_letter",
    "council_protocol",
    "council_extract",
    "certificate",
    "internship_statement",
]

NO_ORGANISATION = UUID(int=0)
"""``organisation_id`` of a document about no single organisation (a council protocol, a
certificate of a participant with no organisation)."""


class Letterhead(msgspec.Struct, frozen=True, kw_only=True):
    """The issuing IMC as the service's settings describe it (Russian, nominative)."""

    authority: str
    """Full name of the IMC, e.g. «Муниципальное бюджетное учреждение «Информационно-…»»."""
    district_name: str = ""
    """Municipality, e.g. «Яйский муниципальный округ»; empty to leave it out."""
    place: str = ""
    """Place of compilation, e.g. «пгт Яя»."""
    signatory_name: str = ""
    """Who signs the IMC's letters: «Фамилия Имя Отчество»."""
    signatory_position: str = "Директор"


class DocumentSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One document to render: its template, variables and register entry."""

    kind: DocumentKind
    subject_id: UUID
    organisation_id: UUID
    template: str
    """File name of the template in ``imc_documents/templates``."""
    title: str
    number: str
    dated: date
    context: dict[str, Any]


def clip(text: str, limit: int = 500) -> str:
    """Shorten ``text`` to ``limit`` characters with an ellipsis (register titles)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
