"""Sites and their statuses (seeds/000 §3): how a council decision becomes a status."""

from datetime import date
from typing import Final

from imc_contracts import DecisionMade, vocabulary

SITE_KIND_TITLES: Final = vocabulary.SITE_KIND_TITLES
STATUS_TITLES: Final = vocabulary.SITE_STATUS_TITLES


class DecisionNotApplicable(ValueError):
    """The decision cannot become a site status (e.g. a refusal carries no term)."""


def activation_from(decision: DecisionMade) -> dict[str, object]:
    """The fields of a new active site assigned by ``decision`` (000 §3.3–3.5)."""
    if decision.outcome != "assigned":
        raise DecisionNotApplicable("a refusal assigns no status")
    missing = [
        name
        for name in ("term_start", "term_end", "leader", "co_leader", "order_number", "order_date")
        if getattr(decision, name) is None
    ]
    if missing:
        raise DecisionNotApplicable(f"assignment lacks {', '.join(missing)}")
    assert decision.leader and decision.co_leader
    return {
        "kind": decision.site_kind,
        "status": "active",
        "topic": decision.topic,
        "term_start": decision.term_start,
        "term_end": decision.term_end,
        "leader_name": decision.leader.full_name,
        "leader_position": decision.leader.position,
        "co_leader_name": decision.co_leader.full_name,
        "co_leader_position": decision.co_leader.position,
        "order_number": decision.order_number,
        "order_date": decision.order_date,
        "decision_id": decision.decision_id,
    }


def is_current(term_start: date, term_end: date, today: date) -> bool:
    """Whether ``today`` falls inside the term."""
    return term_start <= today <= term_end
