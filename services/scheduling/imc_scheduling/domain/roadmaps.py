"""Road maps of sites (seeds/001 §4.6)."""

from datetime import date

from imc_contracts import SiteStatusChanged

OPENING_STATUSES = frozenset({"active"})


def opens_roadmap(change: SiteStatusChanged) -> bool:
    """A site that becomes active gets a road map."""
    return change.status in OPENING_STATUSES and change.previous_status is None


def roadmap_title(change: SiteStatusChanged) -> str:
    """«Дорожная карта ОСМП <organisation>»."""
    return f"Дорожная карта ОСМП {change.organisation_short_name}"


def days_overdue(deadline: date, today: date) -> int:
    """Whole days since the deadline (1 the day after it), in the district's calendar."""
    return (today - deadline).days
