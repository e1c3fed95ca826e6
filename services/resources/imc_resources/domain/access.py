"""Who may do what with a resource.

Published resources (the district's bank and the centre's) are read by every role of the
district. A resource not yet published is seen by its author (a teacher), the
representative of its organisation, the IMC's staff and, once referred to the methodical
council, the council's secretary. A teacher creates resources only as their own author, a
school representative for the people of its organisation; staff do everything. Review
(return, approve) is the staff's, and the council secretary's for what was referred to the
council; only staff withdraw and publish to the centre's bank.
"""

from dataclasses import dataclass
from typing import Final
from uuid import UUID

from imc_resources.domain.resources import EDITABLE, PUBLISHED
from imc_shared.auth import STAFF, Principal, Role, roles

EVERYONE: Final = roles(*Role)
WORKERS: Final = roles(STAFF, Role.TEACHER, Role.SCHOOL_REPRESENTATIVE, Role.COUNCIL_SECRETARY)
"""See drafts (row-level checks follow)."""
AUTHORS: Final = roles(STAFF, Role.TEACHER, Role.SCHOOL_REPRESENTATIVE)
"""Create, edit and submit (row-level checks follow)."""
REVIEWERS: Final = roles(STAFF, Role.COUNCIL_SECRETARY)
STAFF_ONLY: Final = roles(STAFF)
DIRECTORY: Final = roles(STAFF, Role.SCHOOL_REPRESENTATIVE, Role.TEACHER)

NO_PERSON: Final = "Учётная запись не связана с реестром педагогов: обратитесь в ИМЦ"
NO_ORGANISATION: Final = "В учётной записи не указана образовательная организация: обратитесь в ИМЦ"


@dataclass(frozen=True)
class Holder:
    """What access rules need to know of a resource."""

    status: str
    author_person_id: UUID | None
    organisation_id: UUID | None
    council_review: bool


def draft_refusal(principal: Principal, holder: Holder) -> str | None:
    """Why ``principal`` may not see the unpublished side of a resource (its drafts,
    revisions, comments); None when they may."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.TEACHER:
        if principal.person_id is None:
            return NO_PERSON
        if principal.person_id == holder.author_person_id:
            return None
        return "Педагог видит неопубликованными только свои материалы"
    if principal.role is Role.SCHOOL_REPRESENTATIVE:
        if principal.organisation_id is None:
            return NO_ORGANISATION
        if principal.organisation_id == holder.organisation_id:
            return None
        return (
            "Представитель организации видит неопубликованными только материалы своей организации"
        )
    if principal.role is Role.COUNCIL_SECRETARY and holder.council_review:
        return None
    return "Материал ещё не опубликован: он доступен автору, его организации и ИМЦ"


def read_refusal(principal: Principal, holder: Holder) -> str | None:
    """Why ``principal`` may not read the resource at all; None when they may."""
    if holder.status == PUBLISHED:
        return None
    return draft_refusal(principal, holder)


def edit_refusal(principal: Principal, holder: Holder) -> str | None:
    """Why ``principal`` may not change, submit or reopen the resource."""
    if principal.role in STAFF:
        return None
    if principal.role in (Role.TEACHER, Role.SCHOOL_REPRESENTATIVE):
        refusal = draft_refusal(principal, holder)
        if refusal is None:
            return None
        return (
            "Изменять материал могут его автор, представитель его организации и ИМЦ"
            if refusal not in (NO_PERSON, NO_ORGANISATION)
            else refusal
        )
    return "Эта роль не даёт права изменять материалы"


def review_refusal(principal: Principal, holder: Holder) -> str | None:
    """Why ``principal`` may not return or approve the resource."""
    if principal.role in STAFF:
        return None
    if principal.role is Role.COUNCIL_SECRETARY:
        if holder.council_review:
            return None
        return (
            "Секретарь методического совета записывает решения совета только по материалам, "
            "направленным на рассмотрение совета"
        )
    return "Экспертизу материалов проводят методисты ИМЦ и методический совет"


def actions(principal: Principal, holder: Holder, *, shared: bool, can_share: bool) -> list[str]:
    """The actions ``principal`` may take on the resource now (for the portal's buttons)."""
    result: list[str] = []
    status = holder.status
    editor = edit_refusal(principal, holder) is None
    reviewer = review_refusal(principal, holder) is None
    staff = principal.role in STAFF
    if draft_refusal(principal, holder) is None:
        result.append("comment")
    if editor and status in EDITABLE:
        result += ["edit", "submit"]
    if staff and status == "submitted":
        result.append("refer")
    if reviewer and status == "submitted":
        result += ["return", "approve"]
    if staff and status == PUBLISHED:
        result.append("withdraw")
        if can_share:
            result.append("share")
    if editor and status in (PUBLISHED, "withdrawn"):
        result.append("reopen")
    if staff and shared and can_share:
        result.append("unshare")
    return result
