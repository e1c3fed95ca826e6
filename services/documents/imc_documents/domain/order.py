"""The order (приказ) assigning an organisation the status of a methodical site.

Per the regulation on the support (internship) methodical site (000 §3.3–3.5):
the status is assigned for one to two years by a decision of the methodical
council and confirmed by an order of the IMC; the order names the leader of the
site (from the organisation) and the co-leader (an IMC methodist).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from imc_documents.domain.russian import (
    dative_phrase,
    format_date_numeric,
    format_date_official,
    genitive_phrase,
    initials_surname,
    lower_first,
    years_phrase,
)

OSMP_TITLE = "опорная (стажировочная) методическая площадка"
"""The site kind of regulation 000, in the nominative case."""


class SiteOrderData(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the order on a site status needs, as the IMC writes it (in Russian).

    Names of people are «Фамилия Имя Отчество»; ``district_name`` and
    ``site_kind_title`` are in the nominative case («Яйский муниципальный округ»,
    «опорная (стажировочная) методическая площадка»); the template declines them.
    """

    authority: str
    """Issuing organisation, e.g. «Муниципальное бюджетное учреждение «Информационно-…»»."""
    district_name: str
    """Municipality in the nominative case, e.g. «Яйский муниципальный округ»."""
    place: str
    """Place of compilation, e.g. «пгт Яя»."""
    order_number: str
    order_date: date
    organisation_full_name: str
    organisation_short_name: str
    site_kind_title: str
    """Kind of site in the nominative case, e.g. :data:`OSMP_TITLE`."""
    topic: str
    term_start: date
    term_end: date
    term_years: int
    leader_name: str
    leader_position: str
    co_leader_name: str
    co_leader_position: str
    signatory_position: str
    signatory_name: str
    council_protocol: str | None = None
    """Decision of the methodical council, e.g. «протокол № 3 от 15.09.2025»."""

    def __post_init__(self) -> None:
        """Reject a term that ends before it starts or lasts less than a year."""
        if self.term_end < self.term_start:
            raise ValueError("term_end is before term_start")
        if self.term_years < 1:
            raise ValueError("term_years must be at least 1")


def organisation_dative(full_name: str) -> str:
    """Name an organisation in the dative case for «присвоить … статус».

    ``"Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»"``
    → ``"муниципальному бюджетному общеобразовательному учреждению «Яйская СОШ № 2»"``.
    When the name cannot be declined (e.g. it starts with an abbreviation),
    falls back to «образовательной организации <name>».
    """
    text = lower_first(full_name.strip())
    declined = dative_phrase(text)
    if declined == text:
        return f"образовательной организации {full_name.strip()}"
    return declined


def order_context(data: SiteOrderData) -> dict[str, Any]:
    """Prepare the variables of the order template from the order data.

    Returns every field of ``data`` as it is plus the derived values the
    template uses: official and numeric dates, «И.О. Фамилия» forms of the
    people, the term in words and the phrases in the cases the text needs.
    """
    context: dict[str, Any] = {field: getattr(data, field) for field in data.__struct_fields__}
    context.update(
        order_date_official=format_date_official(data.order_date),
        order_date_numeric=format_date_numeric(data.order_date),
        term_start_official=format_date_official(data.term_start),
        term_end_official=format_date_official(data.term_end),
        term_start_numeric=format_date_numeric(data.term_start),
        term_end_numeric=format_date_numeric(data.term_end),
        term_years_phrase=years_phrase(data.term_years),
        leader_initials=initials_surname(data.leader_name),
        co_leader_initials=initials_surname(data.co_leader_name),
        signatory_initials=initials_surname(data.signatory_name),
        site_kind_title_genitive=genitive_phrase(data.site_kind_title),
        district_name_genitive=genitive_phrase(data.district_name),
        organisation_full_name_dative=organisation_dative(data.organisation_full_name),
        council_protocol=data.council_protocol or None,
    )
    return context
