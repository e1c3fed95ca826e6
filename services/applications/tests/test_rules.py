"""Pure rules of the lifecycle: states, terms, leaders, votes, checklist, reports."""

from datetime import date
from uuid import uuid4

import pytest

from imc_applications.domain import checklist, council, reports, terms
from imc_applications.domain.documents import check_document, check_topic
from imc_applications.domain.leadership import Candidate, check_co_leader, check_leader
from imc_applications.domain.lifecycle import (
    APPLICATION_TRANSITIONS,
    SITE_TRANSITIONS,
    application_step,
    site_step,
)
from imc_contracts.site_kinds import SITE_KINDS, rules_of
from imc_shared.errors import Conflict, InvalidInput

ORG = uuid4()


def person(group: str = "teacher", category: str = "first", organisation=ORG) -> Candidate:
    name = "Белова Марина Александровна"
    return Candidate(uuid4(), name, "учитель", group, organisation, category)


def test_every_state_of_the_tables_is_reachable_and_known() -> None:
    targets = {t for actions in APPLICATION_TRANSITIONS.values() for t in actions.values()}
    assert targets <= set(APPLICATION_TRANSITIONS)
    assert targets == set(APPLICATION_TRANSITIONS)  # every state is reachable
    site_targets = {t for actions in SITE_TRANSITIONS.values() for t in actions.values()}
    assert site_targets <= set(SITE_TRANSITIONS)


def test_illegal_action_names_the_state_and_what_is_allowed() -> None:
    with pytest.raises(Conflict) as error:
        application_step("submitted", "issue_order")
    assert error.value.status_code == 409
    assert "«подана»" in error.value.message
    assert "вернуть на доработку" in error.value.message
    assert error.value.details == {
        "state": "submitted",
        "allowed_actions": ["return", "start_review", "withdraw"],
    }
    with pytest.raises(Conflict, match="Других действий с ней не предусмотрено"):
        site_step("terminated", "extend")
    assert site_step("active", "extend") == "extended"
    with pytest.raises(Conflict):
        site_step("extended", "extend")  # once (000 §3.7)


def test_term_limits_follow_each_regulation() -> None:
    osmp, internship = rules_of("osmp"), rules_of("internship")
    assert terms.check_term(osmp, 12) == 12
    assert terms.check_term(osmp, 24) == 24
    for months in (None, 11, 25):
        with pytest.raises(InvalidInput, match=r"п\. 3.3") as error:
            terms.check_term(osmp, months)
        assert error.value.field == "term_months"
    assert terms.check_term(internship, 6) == 6
    with pytest.raises(InvalidInput, match="до двух лет"):
        terms.check_term(internship, 30)


def test_term_end_and_months_arithmetic() -> None:
    assert terms.term_end(date(2026, 10, 15), 24) == date(2028, 10, 14)
    assert terms.term_end(date(2028, 2, 29), 12) == date(2029, 2, 27)
    assert terms.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert terms.months_phrase(24) == "два года"
    assert terms.months_phrase(18) == "один год 6 месяцев"
    with pytest.raises(InvalidInput):
        terms.check_term_start(date(2026, 1, 1), date(2026, 2, 1))


def test_extension_at_most_a_year_once_and_only_where_provided() -> None:
    osmp = rules_of("osmp")
    assert terms.check_extension(osmp, 12, 0) == 12
    with pytest.raises(InvalidInput, match="не более чем на один год"):
        terms.check_extension(osmp, 13, 0)
    with pytest.raises(Conflict, match="уже продлевался"):
        terms.check_extension(osmp, 6, 1)
    with pytest.raises(Conflict, match="не предусмотрено"):
        terms.check_extension(rules_of("internship"), 6, 0)


def test_termination_grounds_per_kind_and_other_needs_text() -> None:
    osmp = rules_of("osmp")
    assert terms.check_grounds(osmp, ["topic_irrelevant"], "") == (["topic_irrelevant"], "")
    with pytest.raises(InvalidInput, match=r"п\. 3.8"):
        terms.check_grounds(osmp, ["quality_decline"], "")  # a ground of 004, not of 000
    with pytest.raises(InvalidInput) as error:
        terms.check_grounds(osmp, ["other"], "коротко")
    assert error.value.field == "grounds_text"
    with pytest.raises(InvalidInput):
        terms.check_grounds(osmp, [], "")
    assert terms.check_grounds(rules_of("support_school"), ["no_demand"], "")[0] == ["no_demand"]


def test_osmp_leader_is_administration_or_highest_category_of_the_school() -> None:
    osmp = rules_of("osmp")
    check_leader(osmp, ORG, person("administration", "none"))
    check_leader(osmp, ORG, person("teacher", "highest"))
    with pytest.raises(InvalidInput, match=r"п\. 3.5") as error:
        check_leader(osmp, ORG, person("teacher", "first"))
    assert error.value.field == "leader_id"
    with pytest.raises(InvalidInput, match="не работает в организации"):
        check_leader(osmp, ORG, person("administration", "highest", organisation=uuid4()))


def test_internship_leader_is_the_head_or_a_deputy() -> None:
    internship = rules_of("internship")
    check_leader(internship, ORG, person("administration"))
    with pytest.raises(InvalidInput, match=r"п\. 4.2"):
        check_leader(internship, ORG, person("teacher", "highest"))


def test_co_leader_is_an_imc_methodist_and_required_for_osmp_only() -> None:
    with pytest.raises(InvalidInput, match=r"п\. 3.4") as error:
        check_co_leader(rules_of("osmp"), None)
    assert error.value.field == "co_leader_id"
    with pytest.raises(InvalidInput, match="не является методистом ИМЦ"):
        check_co_leader(rules_of("osmp"), person("teacher", "highest", organisation=None))
    check_co_leader(rules_of("osmp"), person("imc_methodist", organisation=None))
    check_co_leader(rules_of("internship"), None)


def test_quorum_is_more_than_half_and_the_majority_of_those_present_decides() -> None:
    assert council.has_quorum(4, 7)
    assert not council.has_quorum(3, 7)
    assert not council.has_quorum(3, 6)
    with pytest.raises(Conflict, match="Нет кворума"):
        council.check_quorum(3, 6)
    assert council.adopted(council.Tally(3, 1, 1), 5)
    assert not council.adopted(council.Tally(2, 1, 2), 5)
    with pytest.raises(InvalidInput, match="больше, чем присутствующих"):
        council.check_tally(council.Tally(4, 2, 0), 5)
    with pytest.raises(InvalidInput):
        council.check_tally(council.Tally(-1, 2, 0), 5)


def test_checklist_answers_and_confirmation() -> None:
    blank = checklist.blank(rules_of("osmp"))
    assert len(checklist.unanswered(blank)) == len(SITE_KINDS["osmp"].eligibility)
    answered = checklist.answer(blank, {i["code"]: {"met": True} for i in blank})
    assert checklist.unanswered(answered) == []
    with pytest.raises(InvalidInput, match="Неизвестные пункты"):
        checklist.answer(blank, {"nonsense": {"met": True}})
    with pytest.raises(InvalidInput, match="«да» или «нет»"):
        checklist.answer(blank, {blank[0]["code"]: {"met": "да"}})
    confirmed = checklist.confirm(answered, {blank[0]["code"]: False})
    assert confirmed[0]["reviewer_confirmed"] is False
    assert confirmed[1]["reviewer_confirmed"] is None


def test_reports_every_half_year_and_a_final_one() -> None:
    slots = reports.schedule(date(2026, 10, 15), date(2028, 10, 14), 6)
    assert [s.due_on for s in slots] == [
        date(2027, 4, 15),
        date(2027, 10, 15),
        date(2028, 4, 15),
        date(2028, 10, 14),
    ]
    assert slots[0].title.endswith("за первое полугодие")
    assert [s.final for s in slots] == [False, False, False, True]
    assert reports.reminder_due(date(2027, 4, 15), date(2027, 4, 1), (3, 14)) == 14
    assert reports.reminder_due(date(2027, 4, 15), date(2027, 4, 13), (3, 14)) == 3
    assert reports.reminder_due(date(2027, 4, 15), date(2027, 3, 1), (3, 14)) is None
    assert reports.reminder_due(date(2027, 4, 15), date(2027, 4, 16), (3, 14)) == -1


def test_documents_are_checked_by_content_not_by_name() -> None:
    assert check_document("statement", "z.pdf", b"%PDF-1.7 ...", 1024) == "application/pdf"
    with pytest.raises(InvalidInput, match="повреждён"):
        check_document("statement", "z.pdf", b"PK\x03\x04", 1024)
    with pytest.raises(InvalidInput, match="допустимы форматы"):
        check_document("statement", "z.exe", b"MZ", 1024)
    with pytest.raises(InvalidInput, match="больше"):
        check_document("statement", "z.pdf", b"%PDF-" + b"0" * 2048, 1024)


def test_topic_is_trimmed_and_must_say_something() -> None:
    assert check_topic("  Функциональная   грамотность  ") == "Функциональная грамотность"
    with pytest.raises(InvalidInput):
        check_topic("тема")
