"""The import's rules without I/O: headers and their variants, numbers as Russian files
write them, years, content elements, subjects, schools matched to the registry; the
texts of the note and of a seminar planned from a problem."""

from datetime import date, datetime
from uuid import uuid4

import pytest

from imc_analytics.domain.actions import ProblemFacts, deficit_body, event_body
from imc_analytics.domain.imports import (
    Directory,
    KnownSchool,
    ParsedRow,
    header_field,
    parse_element,
    parse_number,
    parse_year,
    resolve_school,
    task_order,
)
from imc_analytics.domain.note import percent_text
from imc_analytics.domain.text import name_key
from imc_analytics.domain.vocabulary import parse_exam, subject_title, years_text
from imc_analytics.settings import AnalyticsSettings, get_settings
from imc_shared.errors import InvalidInput


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Наименование ОО", "school_name"),
        ("Образовательная организация:", "school_name"),
        ("КОД ОО", "school_code"),
        ("Экзамен", "exam"),
        ("Форма ГИА", "exam"),
        ("Учебный предмет", "subject"),
        ("Год проведения", "year"),
        ("№ задания", "task"),
        ("Номер задания (в КИМ)", "task"),
        ("Проверяемый элемент содержания", "element"),
        ("КЭС", "element_code"),
        ("Макс. балл", "max_score"),
        ("Средний процент выполнения, %", "percent"),
        ("% выполнения", "percent"),
        ("Процент выполнения (средний)", "percent"),
        ("Число участников, чел.", "participants"),
        ("Кол-во участников", "participants"),
        ("Справились", "solved"),
        ("Средний балл за задание", "mean_score"),
        ("Ёлка", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert header_field(header) == field


def test_numbers_years_elements() -> None:
    assert parse_number("45,5") == 45.5
    assert parse_number(" 45.5 % ") == 45.5
    assert parse_number("1 200") == 1200.0
    assert parse_number("сорок") is None
    assert parse_year("2025", 2026) == 2025
    assert parse_year("2025 г.", 2026) == 2025
    assert parse_year("2024/2025", 2026) == 2025
    assert parse_year("2024-25", 2026) == 2025
    assert parse_year("2024/2026", 2026) is None
    assert parse_year("2027", 2026) is None
    assert parse_year("1999", 2026) is None
    assert parse_element("2.1 Числа и вычисления") == ("2.1", "Числа и вычисления")
    assert parse_element("2.1. Числа и вычисления") == ("2.1", "Числа и вычисления")
    assert parse_element("7.5 – Геометрия") == ("7.5", "Геометрия")
    assert parse_element("Геометрия") == ("", "Геометрия")
    assert parse_element("3") == ("3", "")
    assert sorted(["10", "2", "19.1", "19", "1"], key=task_order) == ["1", "2", "10", "19", "19.1"]


def test_exams_subjects_and_years() -> None:
    assert parse_exam("ОГЭ") == "oge" and parse_exam("егэ") == "ege"
    assert parse_exam("ГИА-9") == "oge" and parse_exam("ВПР") is None
    assert subject_title("математика") == "Математика"
    assert subject_title("Математика (профиль)") == "Математика (профильный уровень)"
    assert subject_title("математика  профильная") == "Математика (профильный уровень)"
    assert subject_title("Информатика и ИКТ") == "Информатика"
    assert subject_title("родной язык (якутский)") == "Родной язык (якутский)"
    assert years_text([2024, 2025, 2026]) == "2024–2026 гг."
    assert years_text([2024, 2026]) == "2024, 2026 гг."
    assert years_text([2026]) == "2026 г."
    assert percent_text(30.0) == "30 %" and percent_text(0.0) == "0 %"
    assert percent_text(42.5) == "42,5 %"


def test_schools_are_matched_by_name_code_or_id() -> None:
    one, two, twin = uuid4(), uuid4(), uuid4()
    directory = Directory()
    directory.add(KnownSchool(one, "МБОУ «Яйская СОШ № 1»", "МБОУ «Средняя школа № 1 пгт Яя»"))
    directory.add(KnownSchool(two, "МБОУ «Ёлкинская ООШ»", ""))
    directory.add(KnownSchool(twin, "МБОУ «Ёлкинская ООШ»", "Другое полное имя"))
    directory.codes["420101"] = one
    assert name_key('мбоу "яйская сош №1"') == name_key("МБОУ «Яйская СОШ № 1»")

    row = ParsedRow(line=4, school_name='МБОУ "ЯЙСКАЯ СОШ №1"')
    assert resolve_school(row, directory) is None and row.school_id == one
    row = ParsedRow(line=5, school_name="мбоу «средняя школа № 1 пгт яя»")
    assert resolve_school(row, directory) is None and row.school_id == one
    row = ParsedRow(line=6, school_code="420101")
    assert resolve_school(row, directory) is None and row.school_id == one
    row = ParsedRow(line=7, school_name="МБОУ «Елкинская ООШ»")
    error = resolve_school(row, directory)
    assert error is not None and "нескольким организациям" in error.message
    row = ParsedRow(line=8, school_code="420101", school_name="Другое полное имя")
    error = resolve_school(row, directory)
    assert error is not None and error.field == "school_code"
    row = ParsedRow(line=9, organisation_id=two, school_name="что угодно")
    assert resolve_school(row, directory) is None and row.school_id == two


FACTS = ProblemFacts(
    kind="element",
    code="2.1",
    title="2.1 Числа и вычисления",
    element_code="2.1",
    element_name="Числа и вычисления",
    exam_title="ОГЭ",
    subject="Математика",
    years=[2024, 2025, 2026],
    causes="",
    recommendations="Практикум",
)


def test_event_and_deficit_bodies() -> None:
    body = event_body(
        FACTS,
        starts_at=datetime(2027, 3, 17, 15, 0),
        ends_at=None,
        venue="ИМЦ",
        online_url="",
        title="",
        hours=2,
        level="municipal",
        organiser_name="ИМЦ",
        audience_low_results=True,
    )
    assert body["ends_at"] == "2027-03-17T17:00:00"
    assert body["audience_low_results"] is True
    with pytest.raises(InvalidInput):
        event_body(
            FACTS,
            starts_at=datetime(2027, 3, 17, 15, 0),
            ends_at=datetime(2027, 3, 17, 14, 0),
            venue="ИМЦ",
            online_url="",
            title="",
            hours=2,
            level="municipal",
            organiser_name="ИМЦ",
            audience_low_results=False,
        )
    deficit = deficit_body(
        FACTS,
        person_id=uuid4(),
        competency_code="exam_preparation",
        note="",
        today=date(2026, 9, 1),
    )
    assert deficit["note"] == "Практикум" and deficit["source_date"] == "2026-09-01"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMC_DISTRICT", "buguruslan")
    monkeypatch.setenv("IMC_INSTANCE_KIND", "centre")
    monkeypatch.setenv("IMC_DISTRICTS", '{"yaya": {"name": "Яйский округ"}}')
    monkeypatch.setenv("IMC_PROBLEM_THRESHOLD_PERCENT", "60")
    monkeypatch.setenv("IMC_LOW_RESULTS_MARGIN_PP", "10.5")
    settings = get_settings()
    assert isinstance(settings, AnalyticsSettings)
    assert settings.is_centre and settings.problem_threshold_percent == 60.0
    assert settings.low_results_margin_pp == 10.5
    assert settings.district_names() == {"yaya": "Яйский округ", "buguruslan": "buguruslan"}
    monkeypatch.setenv("IMC_DISTRICTS", "not json")
    with pytest.raises(Exception, match="JSON"):
        get_settings()
