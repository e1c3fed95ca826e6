"""The Russian language helpers of the documents: dates, plurals, initials, cases, terms."""

from __future__ import annotations

from datetime import date

import pytest

from imc_contracts.vocabulary import SITE_KIND_TITLES
from imc_documents.domain.kinds import organisation_dative, organisation_genitive
from imc_documents.domain.russian import (
    dative_phrase,
    duration_phrase,
    format_date_numeric,
    format_date_official,
    genitive_phrase,
    initials_surname,
    lower_first,
    plural_ru,
    term_phrase,
    upper_first,
    whole_months,
    years_phrase,
)

OSMP_TITLE = SITE_KIND_TITLES["osmp"]


# --- Russian helpers ---------------------------------------------------------------


def test_format_date_official() -> None:
    assert format_date_official(date(2021, 12, 20)) == "«20» декабря 2021 г."
    assert format_date_official(date(2025, 3, 5)) == "«05» марта 2025 г."
    assert format_date_official(date(2024, 5, 1)) == "«01» мая 2024 г."


def test_format_date_numeric() -> None:
    assert format_date_numeric(date(2021, 12, 20)) == "20.12.2021"
    assert format_date_numeric(date(2025, 1, 9)) == "09.01.2025"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 лет"),
        (1, "1 год"),
        (2, "2 года"),
        (3, "3 года"),
        (4, "4 года"),
        (5, "5 лет"),
        (11, "11 лет"),
        (12, "12 лет"),
        (14, "14 лет"),
        (21, "21 год"),
        (22, "22 года"),
        (25, "25 лет"),
        (101, "101 год"),
        (111, "111 лет"),
        (112, "112 лет"),
        (1004, "1004 года"),
    ],
)
def test_years_phrase(n: int, expected: str) -> None:
    assert years_phrase(n) == expected


def test_plural_ru_other_words() -> None:
    forms = ("площадка", "площадки", "площадок")
    assert [plural_ru(n, forms) for n in (1, 3, 7, 13, 31)] == [
        "площадка",
        "площадки",
        "площадок",
        "площадок",
        "площадка",
    ]


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        ("Сладкова Наталья Александровна", "Н.А. Сладкова"),
        ("  Скутина   Ольга  Анатольевна ", "О.А. Скутина"),
        ("Сладкова Н.А.", "Н.А. Сладкова"),
        ("Сладкова Н. А.", "Н.А. Сладкова"),
        ("Н.А. Сладкова", "Н.А. Сладкова"),
        ("Римский-Корсаков Николай Андреевич", "Н.А. Римский-Корсаков"),
        ("Иванова Мария", "М. Иванова"),
        ("Иванова", "Иванова"),
    ],
)
def test_initials_surname(full_name: str, expected: str) -> None:
    assert initials_surname(full_name) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (OSMP_TITLE, "опорной (стажировочной) методической площадки"),
        ("Яйский муниципальный округ", "Яйского муниципального округа"),
        ("Мариинский муниципальный район", "Мариинского муниципального района"),
        ("городской округ", "городского округа"),
        ("муниципальная инновационная площадка", "муниципальной инновационной площадки"),
        ("общая школа", "общей школы"),
        ("ресурсный центр", "ресурсного центра"),
        ("МО «город Бугуруслан»", "МО «город Бугуруслан»"),
    ],
)
def test_genitive_phrase(phrase: str, expected: str) -> None:
    assert genitive_phrase(phrase) == expected


def test_dative_phrase_and_organisation() -> None:
    assert (
        dative_phrase("муниципальное автономное учреждение дополнительного образования")
        == "муниципальному автономному учреждению дополнительного образования"
    )
    assert (
        organisation_dative(
            "Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»"
        )
        == "муниципальному бюджетному общеобразовательному учреждению «Яйская СОШ № 2»"
    )
    assert (
        organisation_dative("Муниципальная бюджетная общеобразовательная организация «Лицей»")
        == "муниципальной бюджетной общеобразовательной организации «Лицей»"
    )
    # Not declinable (starts with an abbreviation): a generic dative noun in front.
    assert (
        organisation_dative("МБОУ «Яйская СОШ № 2»")
        == "образовательной организации МБОУ «Яйская СОШ № 2»"
    )
    assert lower_first("Муниципальное учреждение") == "муниципальное учреждение"
    assert lower_first("МБОУ «СОШ»") == "МБОУ «СОШ»"


def test_organisation_genitive() -> None:
    assert (
        organisation_genitive(
            "Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»"
        )
        == "муниципального бюджетного общеобразовательного учреждения «Яйская СОШ № 2»"
    )
    assert organisation_genitive("МБОУ «СОШ № 7»") == "образовательной организации МБОУ «СОШ № 7»"


def test_terms_in_words() -> None:
    assert whole_months(date(2026, 10, 15), date(2028, 10, 14)) == 24
    assert whole_months(date(2025, 10, 1), date(2026, 3, 31)) == 6
    assert whole_months(date(2025, 10, 1), date(2026, 3, 30)) is None
    assert whole_months(date(2025, 10, 1), date(2025, 9, 30)) is None
    assert term_phrase(date(2026, 10, 15), date(2028, 10, 14)) == "2 года"
    assert term_phrase(date(2026, 1, 1), date(2027, 6, 30)) == "1 год 6 месяцев"
    assert term_phrase(date(2026, 1, 1), date(2026, 1, 20)) == ""
    assert duration_phrase(12) == "1 год"
    assert duration_phrase(5) == "5 месяцев"
    assert duration_phrase(3) == "3 месяца"
    assert duration_phrase(1) == "1 месяц"
    assert upper_first("директор") == "Директор"
