"""Sites and their statuses: how an order or the term's end changes a status.

The applications service owns the lifecycle (000 §3.3, §3.7, §3.8); the registry keeps
the catalogue and the history, and applies what the orders say.
"""

from dataclasses import dataclass
from datetime import date
from typing import Final

from imc_contracts import OrderIssued, SiteExpired, vocabulary
from imc_contracts.site_kinds import SITE_KINDS, SiteKindRules

SITE_KIND_TITLES: Final = vocabulary.SITE_KIND_TITLES
STATUS_TITLES: Final = vocabulary.SITE_STATUS_TITLES
CURRENT_STATUSES: Final = frozenset({"active", "extended"})
"""Statuses of a working site (the public catalogue shows these)."""
INTERMUNICIPAL_KINDS: Final = frozenset(
    code for code, rules in SITE_KINDS.items() if rules.level == "intermunicipal"
)
"""Kinds the centre's methodical council decides (002 §8.4–8.5); a district shows the
centre's sites of these kinds only."""
LEADER_RULE_TITLES: Final = {
    "administration_or_highest": "представитель административно-управленческого персонала "
    "или педагог высшей квалификационной категории",
    "head_or_deputy": "руководитель образовательной организации или его заместитель",
    "any_staff": "работник организации",
}
ISSUER_TITLES: Final = {
    "imc": "ИМЦ",
    "education_department": "управление образования",
    "centre_department": "управление образованием города — центра ММЦ",
}
LEVEL_TITLES: Final = {"municipal": "муниципальный", "intermunicipal": "межмуниципальный"}


class NotApplicable(ValueError):
    """The message cannot change this site (e.g. extending a terminated site)."""


def ru_date(day: date) -> str:
    """A date as documents write it in short form: 15.10.2026."""
    return day.strftime("%d.%m.%Y")


def order_title(order: OrderIssued) -> str:
    """«приказ № 45-од от 15.10.2026»."""
    return f"приказ № {order.number} от {ru_date(order.order_date)}"


@dataclass(frozen=True)
class Change:
    """What an order or an expiry does to a site."""

    status: str
    reason: str


def grounds_text(order: OrderIssued) -> str:
    """The termination grounds in words, with the order's own wording for «other»."""
    titles = [vocabulary.TERMINATION_GROUNDS.get(code, code) for code in order.grounds]
    if order.grounds_text:
        titles.append(order.grounds_text)
    return "; ".join(titles)


def change_by_order(current: str | None, order: OrderIssued) -> Change:
    """The status after ``order`` for a site whose status is ``current`` (None: no site)."""
    title = order_title(order)
    if order.kind == "assignment":
        if current is not None:
            raise NotApplicable(f"site {order.site_id} already exists")
        kind_title = SITE_KIND_TITLES.get(order.site_kind, order.site_kind)
        return Change(
            "active",
            f"{title}: присвоение статуса «{kind_title}» на срок с "
            f"{ru_date(order.term_start)} по {ru_date(order.term_end)} "
            f"(решение методического совета, {order.council_protocol})",
        )
    if current is None:
        raise NotApplicable(f"site {order.site_id} is unknown to the registry")
    if current not in CURRENT_STATUSES:
        raise NotApplicable(f"site {order.site_id} is {current}; an {order.kind} cannot apply")
    if order.kind == "extension":
        return Change("extended", f"{title}: продление срока до {ru_date(order.term_end)}")
    effective = f" с {ru_date(order.effective_on)}" if order.effective_on else ""
    grounds = grounds_text(order)
    return Change(
        "terminated",
        f"{title}: прекращение деятельности{effective}"
        + (f"; основания: {grounds}" if grounds else ""),
    )


def change_by_expiry(current: str, expired: SiteExpired) -> Change | None:
    """The status after the term ended; ``None`` when nothing changes (repeat, terminated)."""
    if current not in CURRENT_STATUSES:
        return None
    return Change(
        "expired",
        f"срок деятельности истёк {ru_date(expired.term_end)}; статус утрачен "
        f"с {ru_date(expired.expired_on)}",
    )


def kind_catalogue(rules: SiteKindRules) -> dict[str, object]:
    """One site kind's rules as the catalogue publishes them, with Russian titles."""
    return {
        "code": rules.code,
        "title": rules.title,
        "regulation": rules.regulation,
        "level": rules.level,
        "level_title": LEVEL_TITLES.get(rules.level, rules.level),
        "decided_by": rules.decided_by,
        "order_issuer": rules.order_issuer,
        "order_issuer_title": ISSUER_TITLES.get(rules.order_issuer, rules.order_issuer),
        "term": {
            "min_months": rules.min_term_months,
            "max_months": rules.max_term_months,
            "citation": rules.term_citation,
        },
        "leader": {
            "rule": rules.leader_rule,
            "rule_title": LEADER_RULE_TITLES.get(rules.leader_rule, rules.leader_rule),
            "citation": rules.leader_citation,
            "co_leader_required": rules.co_leader_required,
        },
        "extension": {
            "allowed": rules.extension_max_months > 0,
            "max_months": rules.extension_max_months,
            "citation": rules.extension_citation,
        },
        "termination": {
            "grounds": [
                {"code": code, "title": vocabulary.TERMINATION_GROUNDS.get(code, code)}
                for code in rules.termination_grounds
            ],
            "citation": rules.termination_citation,
        },
        "eligibility": [
            {"code": item.code, "text": item.text, "citation": item.citation}
            for item in rules.eligibility
        ],
        "notes": rules.notes,
    }


def catalogue() -> list[dict[str, object]]:
    """Every site kind of the contracts' catalogue."""
    return [kind_catalogue(rules) for rules in SITE_KINDS.values()]
