"""Orders (приказы) on a methodical site: assignment, extension and termination.

An order confirms a decision of the methodical council (000 §3.3, §3.7, §3.8; 001 §3.1,
§3.4; 004 §1.5, §4.3). The issuing body and the signatory come with the order
(:class:`~imc_contracts.OrderIssued`); the place and the municipality come from the
service's letterhead. Requisites follow ГОСТ Р 7.0.97-2016 and the order in seed 001.
"""

from __future__ import annotations

from typing import Any

from imc_contracts import OrderIssued
from imc_contracts.vocabulary import ORDER_KIND_TITLES, TERMINATION_GROUNDS
from imc_documents.domain.common import DocumentKind, DocumentSpec, Letterhead, clip
from imc_documents.domain.kinds import kind_names, organisation_dative, organisation_genitive
from imc_documents.domain.russian import (
    duration_phrase,
    format_date_numeric,
    format_date_official,
    genitive_phrase,
    initials_surname,
    term_phrase,
    upper_first,
)

ORDER_TEMPLATES: dict[str, tuple[DocumentKind, str]] = {
    "assignment": ("order_site_status", "order_site_status.docx"),
    "extension": ("order_site_extension", "order_site_extension.docx"),
    "termination": ("order_site_termination", "order_site_termination.docx"),
}
"""Order kind → (document kind, template file)."""


class InvalidOrder(ValueError):
    """The order cannot be written as it came (e.g. a termination with no grounds)."""


def grounds_words(grounds: tuple[str, ...], grounds_text: str) -> str:
    """The grounds of a termination in words, as the order states them.

    Codes become their official titles (:data:`TERMINATION_GROUNDS`), joined by «; »;
    ``other`` is followed by ``grounds_text`` (a text with no ``other`` is added last).
    """
    words: list[str] = []
    for code in grounds:
        if code not in TERMINATION_GROUNDS:
            raise InvalidOrder(f"unknown termination ground {code!r}")
        if code == "other":
            continue
        words.append(TERMINATION_GROUNDS[code])
    text = grounds_text.strip().rstrip(".")
    if "other" in grounds:
        words.append(TERMINATION_GROUNDS["other"] + (f": {text}" if text else ""))
    elif text:
        words.append(text)
    if not words:
        raise InvalidOrder("a termination names no grounds")
    return "; ".join(words)


def order_title(order: OrderIssued) -> str:
    """The title to the text: «О присвоении статуса опорной … площадки МБОУ «…»»."""
    names = kind_names(order.site_kind)
    heading = upper_first(ORDER_KIND_TITLES[order.kind])
    return f"{heading} {names.title_genitive} {order.organisation_short_name}"


def order_context(order: OrderIssued, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the order templates for ``order``.

    Every template of the three kinds uses the same set; values that a kind does not
    need are still present (empty), so a template edit cannot miss a variable silently.
    """
    names = kind_names(order.site_kind)
    effective = order.effective_on or order.order_date
    grounds = (
        grounds_words(order.grounds, order.grounds_text) if order.kind == "termination" else ""
    )
    co_leader = order.co_leader
    # The order names its issuer and signatory; the letterhead stands in for a blank one.
    signatory_name = order.signatory.full_name.strip() or letterhead.signatory_name
    signatory_position = order.signatory.position.strip() or letterhead.signatory_position
    return {
        "issuer": order.issuer.strip() or letterhead.authority,
        "place": letterhead.place,
        "district_name_genitive": genitive_phrase(letterhead.district_name)
        if letterhead.district_name
        else "",
        "order_number": order.number,
        "order_date_official": format_date_official(order.order_date),
        "order_date_numeric": format_date_numeric(order.order_date),
        "title": order_title(order),
        "regulation": names.regulation_instrumental,
        "council_protocol": order.council_protocol,
        "site_kind_title": names.title,
        "site_kind_title_genitive": names.title_genitive,
        "short": names.short,
        "short_genitive": names.short_genitive,
        "organisation_full_name": order.organisation_full_name,
        "organisation_full_name_dative": organisation_dative(order.organisation_full_name),
        "organisation_full_name_genitive": organisation_genitive(order.organisation_full_name),
        "organisation_short_name": order.organisation_short_name,
        "topic": order.topic,
        "term_start_numeric": format_date_numeric(order.term_start),
        "term_end_numeric": format_date_numeric(order.term_end),
        "term_end_official": format_date_official(order.term_end),
        "term_phrase": term_phrase(order.term_start, order.term_end),
        "extension_phrase": duration_phrase(order.extension_months)
        if order.extension_months
        else "",
        "effective_numeric": format_date_numeric(effective),
        "grounds_words": grounds,
        "leader_name": order.leader.full_name,
        "leader_position": order.leader.position,
        "leader_initials": initials_surname(order.leader.full_name),
        "co_leader": co_leader is not None,
        "co_leader_name": co_leader.full_name if co_leader else "",
        "co_leader_position": co_leader.position if co_leader else "",
        "co_leader_initials": initials_surname(co_leader.full_name) if co_leader else "",
        "signatory_position": upper_first(signatory_position),
        "signatory_initials": initials_surname(signatory_name),
    }


def order_document(order: OrderIssued, letterhead: Letterhead) -> DocumentSpec:
    """The order to render for an :class:`OrderIssued` message (one per ``order_id``)."""
    if order.term_end < order.term_start:
        raise InvalidOrder("the term ends before it starts")
    kind, template = ORDER_TEMPLATES[order.kind]
    context = order_context(order, letterhead)
    return DocumentSpec(
        kind=kind,
        subject_id=order.order_id,
        organisation_id=order.organisation_id,
        template=template,
        title=clip(context["title"]),
        number=order.number,
        dated=order.order_date,
        context=context,
    )
