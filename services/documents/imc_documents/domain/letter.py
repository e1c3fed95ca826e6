"""The letter telling a school that the council refused it a site status (000 §3.1–3.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from imc_contracts import DecisionMade
from imc_documents.domain.common import DocumentSpec, Letterhead, clip
from imc_documents.domain.kinds import kind_names
from imc_documents.domain.russian import (
    format_date_numeric,
    format_date_official,
    initials_surname,
    upper_first,
)

REFUSAL_TEMPLATE = "refusal_letter.docx"


def refusal_context(decision: DecisionMade, letterhead: Letterhead, dated: date) -> dict[str, Any]:
    """The variables of the refusal letter."""
    names = kind_names(decision.site_kind)
    reason = (decision.reason or "").strip()
    return {
        "authority": letterhead.authority,
        "place": letterhead.place,
        "letter_date_official": format_date_official(dated),
        "organisation_short_name": decision.organisation_short_name,
        "organisation_full_name": decision.organisation_full_name,
        "title": f"Об отказе в присвоении статуса {names.title_genitive}",
        "site_kind_title_genitive": names.title_genitive,
        "regulation": names.regulation_instrumental,
        "topic": decision.topic,
        "decided_on_numeric": format_date_numeric(decision.decided_on),
        "council_protocol": decision.council_protocol,
        "reason": reason if not reason or reason.endswith((".", "!", "?")) else reason + ".",
        "signatory_position": upper_first(letterhead.signatory_position),
        "signatory_initials": initials_surname(letterhead.signatory_name),
    }


def refusal_document(decision: DecisionMade, letterhead: Letterhead, dated: date) -> DocumentSpec:
    """The refusal letter for a ``refused`` decision (one per ``decision_id``)."""
    context = refusal_context(decision, letterhead, dated)
    return DocumentSpec(
        kind="refusal_letter",
        subject_id=decision.decision_id,
        organisation_id=decision.organisation_id,
        template=REFUSAL_TEMPLATE,
        title=clip(f"{context['title']} {decision.organisation_short_name}"),
        number="",
        dated=dated,
        context=context,
    )
