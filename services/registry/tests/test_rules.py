"""Pure rules of the registry: organisations, import rows, people, structures, sites."""

from datetime import date
from uuid import uuid4

import msgspec
import pytest

from imc_contracts import ORDER_ISSUED, SITE_EXPIRED, PersonUpserted
from imc_contracts.examples import example
from imc_contracts.site_kinds import SITE_KINDS
from imc_registry.domain import imports, people, sites, structures
from imc_registry.domain.organisations import check_organisation
from imc_registry.domain.text import fold
from imc_shared.errors import Conflict, InvalidInput

# --- organisations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "Ш"}, "full_name"),
        ({"kind": "college"}, "kind"),
        ({"email": "нет почты"}, "email"),
        ({"short_name": " "}, "short_name"),
        ({"phone": "звоните"}, "phone"),
        ({"website": "не сайт"}, "website"),
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


def test_fold_ignores_case_spaces_yo_and_quote_style() -> None:
    assert fold("  МБОУ  «Берёзовская СОШ» ") == fold('мбоу "березовская сош"')


# --- import rows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Полное наименование", "full_name"),
        ("  полное   НАИМЕНОВАНИЕ ", "full_name"),
        ("Сокращённое наименование", "short_name"),
        ("Краткое наименование*", "short_name"),
        ("Тип организации", "kind"),
        ("E-mail", "email"),
        ("Электронная почта", "email"),
        ("Телефон (с кодом)", "phone"),
        ("ШНОР", "low_results"),
        ("Неблагоприятные условия", "unfavourable_conditions"),
        ("Резильентная школа", "resilient"),
        ("Директор", "director_name"),
        ("Примечание", None),
    ],
)
def test_headers_are_recognised_in_their_usual_variants(header: str, field: str | None) -> None:
    assert imports.header_field(header) == field


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("ДОУ", "doo"),
        ("детский сад", "doo"),
        ("СОШ", "school"),
        ("школа", "school"),
        ("Общеобразовательная школа", "school"),
        ("лицей", "lyceum"),
        ("Гимназия", "gymnasium"),
        ("ДО", "additional"),
        ("УДО", "additional"),
        ("организация дополнительного образования", "additional"),
        ("МБОУ СОШ", "school"),
        ("колледж", None),
        ("лицей-гимназия", None),
    ],
)
def test_kinds_by_title_or_abbreviation(text: str, kind: str | None) -> None:
    assert imports.parse_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("да", True),
        ("Да", True),
        ("+", True),
        ("1", True),
        ("", False),
        ("нет", False),
        ("-", False),
        ("0", False),
        ("может быть", None),
    ],
)
def test_flags(text: str, value: bool | None) -> None:
    assert imports.parse_flag(text) is value


HEADER = ["Полное наименование", "Краткое наименование", "Тип", "Электронная почта", "ШНОР"]


def test_header_below_a_title_row_is_found() -> None:
    rows = [
        (1, ["Реестр образовательных организаций Яйского округа", "", ""]),
        (2, []),
        (3, HEADER),
        (4, ["Муниципальное ... школа № 1", "СОШ № 1", "СОШ", "a@b.ru", ""]),
    ]
    header = imports.locate_header(rows)
    assert header is not None
    assert header.line == 3
    assert header.data_from == 3
    assert header.missing == []


def test_two_row_header_under_a_merged_group_cell() -> None:
    rows = [
        (
            1,
            [
                "Полное наименование",
                "Краткое наименование",
                "Тип",
                "Электронная почта",
                "Признаки школы",
                "Признаки школы",
            ],
        ),
        (
            2,
            [
                "Полное наименование",
                "Краткое наименование",
                "Тип",
                "Электронная почта",
                "ШНОР",
                "Резильентная",
            ],
        ),
        (3, ["Школа номер один", "СОШ № 1", "СОШ", "a@b.ru", "да", ""]),
    ]
    header = imports.locate_header(rows)
    assert header is not None
    assert header.line == 2
    assert header.data_from == 2
    assert header.columns[4] == "low_results"
    assert header.columns[5] == "resilient"


def test_missing_required_columns_are_named() -> None:
    header = imports.locate_header([(1, ["Полное наименование", "Адрес"])])
    assert header is not None
    assert header.missing == ["short_name", "kind", "email"]


COLUMNS = {0: "full_name", 1: "short_name", 2: "kind", 3: "email", 4: "low_results"}


def test_a_clean_row_becomes_fields_with_spaces_trimmed() -> None:
    row, errors = imports.read_row(
        7,
        ["  Муниципальное  бюджетное учреждение ", "СОШ № 1 ", "школа", " A@B.RU ", "+"],
        COLUMNS,
    )
    assert errors == []
    assert row.values["full_name"] == "Муниципальное бюджетное учреждение"
    assert row.values["short_name"] == "СОШ № 1"
    assert row.values["kind"] == "school"
    assert row.values["email"] == "a@b.ru"
    assert row.values["low_results"] is True
    assert row.values["resilient"] is False


def test_a_bad_row_has_every_reason_with_its_line() -> None:
    _, errors = imports.read_row(
        9, ["Школа номер два", "", "колледж", "почта", "возможно"], COLUMNS
    )
    assert {e.line for e in errors} == {9}
    assert {e.field for e in errors} == {"short_name", "kind", "email", "low_results"}
    messages = " ".join(e.message for e in errors)
    assert "не заполнено поле «Краткое наименование»" in messages
    assert "неизвестный тип организации «колледж»" in messages
    assert "адрес электронной почты «почта» указан неверно" in messages


def test_duplicates_in_the_file_and_in_the_registry() -> None:
    rows = [
        imports.ParsedRow(3, {"full_name": "Школа номер один", "short_name": "СОШ № 1"}),
        imports.ParsedRow(4, {"full_name": "Школа номер два", "short_name": "сош  №  1"}),
        imports.ParsedRow(5, {"full_name": "Лицей номер три", "short_name": "Лицей № 3"}),
    ]
    duplicates = imports.duplicates_in_file(rows)
    assert [(e.line, e.field) for e in duplicates] == [(4, "short_name")]
    assert "повторяет строку 3" in duplicates[0].message
    clashes = imports.clashes_with_registry(rows, {fold("Лицей № 3"): ("Лицей № 3", False)})
    assert [(e.line, e.message) for e in clashes] == [
        (5, "организация «Лицей № 3» уже есть в реестре")
    ]
    archived = imports.clashes_with_registry(rows, {fold("Школа номер два"): ("СОШ № 2", True)})
    assert [(e.line, e.message) for e in archived] == [
        (4, "организация «СОШ № 2» уже есть в архиве реестра")
    ]


# --- people ----------------------------------------------------------------------

PERSON = {
    "id": uuid4(),
    "full_name": "Иванова Ольга Петровна",
    "position": "учитель математики",
    "staff_group": "teacher",
    "organisation_id": uuid4(),
    "qualification_category": "highest",
    "subjects": ["математика"],
    "email": "ivanova@yaya.example.ru",
    "phone": "+7 (38441) 2-12-12",
    "consent_given": True,
    "consent_date": date(2026, 9, 1),
    "consent_document": "согласие № 12 от 01.09.2026",
}


def test_public_fields_are_the_card_and_the_message() -> None:
    view = people.public_view(PERSON)
    assert tuple(view) == people.PUBLIC_PERSON_FIELDS
    assert "phone" not in view
    assert "consent_document" not in view
    message_fields = set(PersonUpserted.__struct_fields__) - {"person_id", "archived"}
    assert message_fields == set(people.PUBLIC_PERSON_FIELDS) - {"id"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"full_name": "Иванова"}, "full_name"),
        ({"position": " "}, "position"),
        ({"staff_group": "pupil"}, "staff_group"),
        ({"organisation_id": None}, "organisation_id"),
        ({"qualification_category": "second"}, "qualification_category"),
        ({"email": "ivanova"}, "email"),
        ({"consent_date": None}, "consent_date"),
        ({"consent_document": ""}, "consent_document"),
        ({"consent_date": date(2027, 1, 1)}, "consent_date"),
    ],
)
def test_person_rules_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        people.check_person({**PERSON, **overrides}, today=date(2026, 11, 23))
    assert error.value.field == field


def test_methodist_without_organisation_and_withdrawn_consent_are_valid() -> None:
    people.check_person(
        {**PERSON, "staff_group": "imc_methodist", "organisation_id": None, "consent_given": False},
        today=date(2026, 11, 23),
    )


def test_subjects_are_cleaned() -> None:
    assert people.clean_subjects([" математика ", "Математика", "", "физика"]) == (
        "математика",
        "физика",
    )


# --- structures ------------------------------------------------------------------


def test_school_association_needs_its_organisation_and_staff() -> None:
    with pytest.raises(InvalidInput) as error:
        structures.check_structure(
            kind="shmo", title="ШМО учителей", organisation_id=None, subject=""
        )
    assert error.value.field == "organisation_id"
    school = uuid4()
    with pytest.raises(InvalidInput):
        structures.check_member(
            kind="shmo",
            structure_organisation_id=school,
            person_organisation_id=uuid4(),
            already_member=False,
        )
    with pytest.raises(Conflict):
        structures.check_member(
            kind="rmo",
            structure_organisation_id=None,
            person_organisation_id=None,
            already_member=True,
        )


def test_unknown_kind_and_subject_on_a_council_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        structures.check_structure(kind="club", title="Клуб", organisation_id=None, subject="")
    assert error.value.field == "kind"
    with pytest.raises(InvalidInput) as error:
        structures.check_structure(
            kind="methodical_council",
            title="Методический совет",
            organisation_id=None,
            subject="химия",
        )
    assert error.value.field == "subject"
    assert structures.head_role("methodical_council") == "председатель"


# --- sites -----------------------------------------------------------------------

ORDER = example(ORDER_ISSUED).payload


def test_assignment_makes_a_new_site_active_and_says_why() -> None:
    change = sites.change_by_order(None, ORDER)
    assert change.status == "active"
    assert change.reason.startswith("приказ № 45-од от 15.10.2026: присвоение статуса")
    assert "протокол № 2 от 14.10.2026" in change.reason
    with pytest.raises(sites.NotApplicable):
        sites.change_by_order("active", ORDER)


def test_extension_and_termination_of_a_working_site() -> None:
    extension = msgspec.structs.replace(
        ORDER,
        kind="extension",
        number="12-од",
        order_date=date(2028, 9, 1),
        term_end=date(2029, 10, 14),
    )
    change = sites.change_by_order("active", extension)
    assert change == sites.Change(
        "extended", "приказ № 12-од от 01.09.2028: продление срока до 14.10.2029"
    )
    termination = msgspec.structs.replace(
        ORDER,
        kind="termination",
        number="30-од",
        order_date=date(2027, 5, 20),
        effective_on=date(2027, 6, 1),
        grounds=("staff_changes", "other"),
        grounds_text="переезд руководителя площадки",
    )
    change = sites.change_by_order("extended", termination)
    assert change.status == "terminated"
    assert "с 01.06.2027" in change.reason
    assert "изменения в кадровом составе, влияющие на работу" in change.reason
    assert "переезд руководителя площадки" in change.reason
    for status in ("terminated", "expired", None):
        with pytest.raises(sites.NotApplicable):
            sites.change_by_order(status, extension)


def test_expiry_applies_to_working_sites_only() -> None:
    expired = example(SITE_EXPIRED).payload
    change = sites.change_by_expiry("extended", expired)
    assert change is not None
    assert change.status == "expired"
    assert "14.10.2028" in change.reason
    assert sites.change_by_expiry("expired", expired) is None
    assert sites.change_by_expiry("terminated", expired) is None


def test_catalogue_lists_every_kind_with_grounds_titles() -> None:
    catalogue = sites.catalogue()
    assert [entry["code"] for entry in catalogue] == list(SITE_KINDS)
    osmp = catalogue[0]
    assert osmp["term"] == {
        "min_months": 12,
        "max_months": 24,
        "citation": SITE_KINDS["osmp"].term_citation,
    }
    grounds = osmp["termination"]["grounds"]  # type: ignore[index]
    assert {"code": "term_over", "title": "завершение срока деятельности"} in grounds
    assert osmp["extension"]["allowed"] is True  # type: ignore[index]
    assert catalogue[1]["extension"]["allowed"] is False  # type: ignore[index]
