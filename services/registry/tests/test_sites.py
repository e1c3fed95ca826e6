"""A council decision becomes a site status (000 §3.3–3.5)."""

from datetime import date

import msgspec
import pytest

from imc_contracts import DECISION_MADE
from imc_contracts.examples import example
from imc_registry.domain.organisations import check_organisation
from imc_registry.domain.sites import DecisionNotApplicable, activation_from
from imc_shared.errors import InvalidInput


def test_assignment_activates_the_site_with_term_leaders_and_order() -> None:
    decision = example(DECISION_MADE).payload
    fields = activation_from(decision)
    assert fields["status"] == "active"
    assert fields["term_start"] == date(2026, 10, 15)
    assert fields["leader_name"] == decision.leader.full_name
    assert fields["co_leader_name"] == decision.co_leader.full_name
    assert fields["order_number"] == "45-од"


def test_refusal_and_incomplete_assignment_give_no_status() -> None:
    decision = example(DECISION_MADE).payload
    with pytest.raises(DecisionNotApplicable):
        activation_from(msgspec.structs.replace(decision, outcome="refused"))
    with pytest.raises(DecisionNotApplicable, match="order_number"):
        activation_from(msgspec.structs.replace(decision, order_number=None))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "Ш"}, "full_name"),
        ({"kind": "college"}, "kind"),
        ({"email": "нет почты"}, "email"),
        ({"short_name": " "}, "short_name"),
    ],
)
def test_organisation_rules_name_the_field(overrides: dict[str, str], field: str) -> None:
    values = {
        "full_name": "МБОУ «Яйская СОШ № 1»",
        "short_name": "СОШ № 1",
        "kind": "school",
        "email": "sosh1@yaya.example.ru",
        **overrides,
    }
    with pytest.raises(InvalidInput) as error:
        check_organisation(**values)
    assert error.value.field == field
