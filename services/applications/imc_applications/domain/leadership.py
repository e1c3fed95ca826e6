"""Who may lead a site and co-lead it (000 §3.4–3.5, 001 §4.2, 004 §6.1)."""

from dataclasses import dataclass
from uuid import UUID

from imc_contracts.site_kinds import SiteKindRules
from imc_shared.errors import InvalidInput


@dataclass(frozen=True)
class Candidate:
    """The registry's public card of a person proposed as a leader."""

    id: UUID
    full_name: str
    position: str
    staff_group: str
    organisation_id: UUID | None
    qualification_category: str


def check_leader(rules: SiteKindRules, organisation_id: UUID, leader: Candidate) -> None:
    """Refuse a leader the kind's regulation does not allow, citing the rule."""
    if leader.organisation_id != organisation_id:
        raise InvalidInput(
            f"{leader.full_name} не работает в организации-заявителе; "
            f"руководитель площадки — {rules.leader_citation}",
            field="leader_id",
        )
    if rules.leader_rule == "administration_or_highest":
        if leader.staff_group != "administration" and leader.qualification_category != "highest":
            raise InvalidInput(
                f"{leader.full_name} не относится к административно-управленческому персоналу "
                f"и не имеет высшей квалификационной категории; {rules.leader_citation}",
                field="leader_id",
            )
    elif rules.leader_rule == "head_or_deputy" and leader.staff_group != "administration":
        raise InvalidInput(
            f"{leader.full_name} не является руководителем организации или его заместителем; "
            f"{rules.leader_citation}",
            field="leader_id",
        )


def check_co_leader(rules: SiteKindRules, co_leader: Candidate | None) -> None:
    """The co-leader is an IMC methodist (000 §3.4); required where the regulation says so."""
    if co_leader is None:
        if rules.co_leader_required:
            raise InvalidInput(
                "Укажите соруководителя — методиста ИМЦ, курирующего направление "
                "(п. 3.4 Положения об ОСМП)",
                field="co_leader_id",
            )
        return
    if co_leader.staff_group != "imc_methodist":
        raise InvalidInput(
            f"{co_leader.full_name} не является методистом ИМЦ; соруководителем назначается "
            "методист ИМЦ, курирующий образовательную область или направление "
            "(п. 3.4 Положения об ОСМП)",
            field="co_leader_id",
        )
