"""Who may do what in the applications service: the roles of each endpoint, the
organisation a school's account is bound to, and the actor the audit trail records.

Everything here comes from the signed token (:func:`imc_shared.auth.current`); nothing a
client may set in a header of its own choosing is trusted.
"""

from typing import Any
from uuid import UUID

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from imc_applications.services.applications import AUDIENCES
from imc_applications.services.audit import Actor
from imc_shared.auth import (
    COUNCIL,
    PEOPLE_ROLES,
    ROLE_TITLES,
    STAFF,
    Principal,
    Role,
    current,
    roles,
)

APPLICANTS = roles(STAFF, Role.SCHOOL_REPRESENTATIVE)
"""Prepare, submit, withdraw an application, upload its documents, hand in reports."""
STAFF_ONLY = roles(STAFF)
"""Return for revision, expert review, orders, the audit trail."""
COUNCIL_CLERKS = roles(STAFF, Role.COUNCIL_SECRETARY)
"""Council meetings: planning, attendance, agenda, votes, closing."""
COMMENTERS = roles(PEOPLE_ROLES - {Role.TEACHER})
"""Comment on an application (each role within what it may read)."""
COMMENT_READERS = roles(PEOPLE_ROLES - {Role.TEACHER}, Role.SERVICE)
COUNCIL_READERS = roles(STAFF, COUNCIL, Role.SERVICE)
"""Meetings and the late reports: the council's working papers."""
DOCUMENT_READERS = roles(STAFF, COUNCIL, Role.SCHOOL_REPRESENTATIVE)
"""Download the documents of an application package (a school's account: its own)."""

ORGANISATION_BOUND = frozenset({Role.SCHOOL_REPRESENTATIVE, Role.TEACHER})
"""Roles that see and act for their own organisation only."""

ROLE_AUDIENCE: dict[Role, str] = {
    Role.COUNCIL_SECRETARY: "council",
    Role.COUNCIL_MEMBER: "council",
    Role.SCHOOL_REPRESENTATIVE: "applicant",
}
"""The widest audience of comments a role reads; staff and services read them all."""

NO_ORGANISATION = (
    "В учётной записи не указана образовательная организация: обратитесь к администратору ИМЦ"
)
FOREIGN_ORGANISATION = (
    "Представитель образовательной организации может работать только с заявками "
    "и площадками своей организации"
)


def actor_of(request: Request[Any, Any, Any]) -> Actor:
    """Who acts, as the token says: the account id if it is a UUID, and the full name
    (the role's title when the token carries no name)."""
    principal = current(request)
    try:
        actor_id: UUID | None = UUID(principal.subject)
    except ValueError:
        actor_id = None
    name = principal.name.strip() or ROLE_TITLES[principal.role]
    return Actor(name=name[:200], id=actor_id)


def organisation_scope(principal: Principal) -> UUID | None:
    """The organisation a bound role is limited to; ``None`` for everyone else."""
    if principal.role not in ORGANISATION_BOUND:
        return None
    if principal.organisation_id is None:
        raise PermissionDeniedException(NO_ORGANISATION)
    return principal.organisation_id


def ensure_own(principal: Principal, organisation_id: UUID) -> None:
    """A school's account acts on its own organisation only (403 otherwise)."""
    scope = organisation_scope(principal)
    if scope is not None and scope != organisation_id:
        raise PermissionDeniedException(FOREIGN_ORGANISATION)


def comment_audience(principal: Principal, requested: str) -> str:
    """The audience whose comments ``principal`` may read, refusing a wider one."""
    widest = ROLE_AUDIENCE.get(principal.role)
    if widest is None or requested not in AUDIENCES:
        return requested  # staff and services: any; an unknown one is the use case's to refuse
    if not set(AUDIENCES[requested]) <= set(AUDIENCES[widest]):
        raise PermissionDeniedException(
            f"Роль «{ROLE_TITLES[principal.role]}» не видит комментарии для аудитории «{requested}»"
        )
    return requested


def ensure_visibility(principal: Principal, visibility: str) -> None:
    """A comment is written only for an audience its author belongs to."""
    widest = ROLE_AUDIENCE.get(principal.role)
    if widest is not None and visibility not in AUDIENCES[widest]:
        raise PermissionDeniedException(
            f"Роль «{ROLE_TITLES[principal.role]}» не может оставлять комментарии "
            f"с видимостью «{visibility}»"
        )
