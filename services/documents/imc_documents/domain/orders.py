"""Orders rendered on request: approving a regulation (as order No. 1531 in seed 001) and
appointing the leaders of methodical sites (000 §3.4–3.5).

Their registration number and date come from the orders journal of the applications
service (the caller passes them); the documents service never invents them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from imc_documents.domain.common import Letterhead
from imc_documents.domain.russian import format_date_official, initials_surname, upper_first

REGULATION_TEMPLATE = "order_regulation.docx"
LEADERS_TEMPLATE = "order_site_leaders.docx"
OWN_CONTROL = "Контроль за исполнением настоящего приказа оставляю за собой."


class _Order(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    order_number: str
    """From the orders journal, e.g. «1531»."""
    order_date: date
    purpose: str
    """The preamble: «В целях …» or «В соответствии с …»."""
    signatory_name: str
    signatory_position: str
    issuer: str = ""
    """The issuing body; the letterhead's authority when empty."""
    place: str = ""
    control: str = ""
    """Who controls the execution («Контроль … возложить на …»); «оставляю за собой» if empty."""


class RegulationOrderData(_Order, frozen=True, kw_only=True):
    """An order approving a regulation."""

    regulation_title: str
    """After «Положение»: «о муниципальной стажировочной площадке на базе …»."""
    points: list[str] = []
    """Further points after «1. Утвердить …» (sent to, published on …)."""
    appendix: list[str] = []
    """The regulation's paragraphs, printed as appendix 1 (none: not printed)."""


class SiteLeaders(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The leadership of one site."""

    site: str
    """E.g. «ОСМП МБОУ «СОШ № 7» по теме «…»»."""
    leader_name: str
    leader_position: str
    co_leader_name: str = ""
    co_leader_position: str = ""


class LeadersOrderData(_Order, frozen=True, kw_only=True):
    """An order appointing the leaders of methodical sites."""

    sites: list[SiteLeaders]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", ":")) else text + "."


def _common(data: _Order, letterhead: Letterhead, title: str) -> dict[str, Any]:
    return {
        "issuer": data.issuer.strip() or letterhead.authority,
        "order_number": data.order_number.strip(),
        "order_date_official": format_date_official(data.order_date),
        "place": data.place.strip() or letterhead.place,
        "title": title,
        "purpose": data.purpose.strip(),
        "control_point": _sentence(data.control) if data.control.strip() else OWN_CONTROL,
        "signatory_position": upper_first(data.signatory_position.strip()),
        "signatory_initials": initials_surname(data.signatory_name),
    }


def regulation_order_context(data: RegulationOrderData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the order approving a regulation."""
    regulation = data.regulation_title.strip()
    return {
        **_common(data, letterhead, f"Об утверждении положения {regulation}"),
        "regulation_title": regulation,
        "regulation_title_accusative": f"Положение {regulation}",
        "points": [_sentence(p) for p in data.points if p.strip()],
        "appendix": [p.strip() for p in data.appendix if p.strip()],
    }


def leaders_order_context(data: LeadersOrderData, letterhead: Letterhead) -> dict[str, Any]:
    """The variables of the order appointing site leaders."""
    sites = []
    for index, site in enumerate(data.sites):
        sites.append(
            {
                "site": site.site.strip(),
                "leader_name": site.leader_name.strip(),
                "leader_position": site.leader_position.strip(),
                "co_leader_name": site.co_leader_name.strip(),
                "co_leader_position": site.co_leader_position.strip(),
                "end": "." if index == len(data.sites) - 1 else ";",
            }
        )
    return {
        **_common(data, letterhead, "О назначении руководителей методических площадок"),
        "sites": sites,
    }
