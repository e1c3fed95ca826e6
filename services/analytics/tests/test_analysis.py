"""The analysis with known answers: three schools, three tasks, three years, every figure
counted by hand (conftest.PERCENTS).

Participants: school 1 — 20, school 2 — 10, school 3 — 10 (40 in all). Tasks 1 and 2
(max 1) check element 1.1, task 3 (max 2) element 2.1; the exam's maximum is 4.

District means of the tasks (participant-weighted):
  task 1: 2024 (80·20+60·10+40·10)/40 = 65.0; 2025 70.0; 2026 75.0
  task 2: 55.0; 55.0; (60·20+50·10+30·10)/40 = 50.0 — at the threshold, not below it
  task 3: 45.0; 35.0; 30.0 — below 50 and falling three years
A school's percent for the exam, Σ(percent × max)/4:
  2024: 67.5, 47.5, 27.5 → district (67.5·20+47.5·10+27.5·10)/40 = 52.5
  2025: 63.75, 43.75, 23.75 → 48.75
  2026: 57.5, 45.0, 25.0 → 46.25
School 3 is below the mean by 25, 25 and 21.25 п. п.: it stays low.
"""

from typing import Any
from uuid import UUID

import pytest

from imc_analytics.domain.analysis import Point, Thresholds, YearFigure, analyse, falling
from imc_analytics.domain.charts import district_charts, school_view


def points(h: Any, years: tuple[int, ...] = (2024, 2025, 2026)) -> list[Point]:
    out = []
    for year in years:
        for school, percents in h.PERCENTS[year].items():
            for (task, element, max_score), percent in zip(h.TASKS, percents, strict=True):
                code, name = element.split(" ", 1)
                out.append(
                    Point(
                        school_id=school,
                        school_name=h.NAMES[school][0],
                        district=h.DISTRICT,
                        year=year,
                        task=task,
                        element_code=code,
                        element_name=name,
                        max_score=max_score,
                        percent=percent,
                        participants=h.PARTICIPANTS[school],
                        organisation_id=school,
                    )
                )
    return out


def run(h: Any, flagged: tuple[UUID, ...] = (), **kwargs: Any) -> Any:
    return analyse(
        points(h),
        exam="oge",
        subject="Математика",
        years=[2024, 2025, 2026],
        thresholds=Thresholds(**kwargs),
        flagged=flagged,
    )


def means(line: Any) -> list[float | None]:
    return [f.mean for f in line.years]


def test_task_means_trend_and_problems(h: Any) -> None:
    result = run(h)
    tasks = {line.code: line for line in result.tasks}
    assert [line.code for line in result.tasks] == ["1", "2", "3"]
    assert means(tasks["1"]) == [65.0, 70.0, 75.0]
    assert means(tasks["2"]) == [55.0, 55.0, 50.0]
    assert means(tasks["3"]) == [45.0, 35.0, 30.0]
    assert [f.participants for f in tasks["3"].years] == [40, 40, 40]
    assert [f.change for f in tasks["1"].years] == [None, 5.0, 5.0]
    assert tasks["3"].trend == -15.0
    assert tasks["3"].falling and tasks["3"].below_threshold
    assert not tasks["2"].below_threshold  # exactly 50 is not below 50
    assert not tasks["2"].falling  # 55 → 55 → 50 did not fall every year
    assert tasks["3"].element_code == "2.1" and tasks["3"].max_score == 2


def test_element_means_are_shares_of_points(h: Any) -> None:
    result = run(h)
    elements = {line.code: line for line in result.elements}
    # 1.1: each school's (p1 + p2)/2, weighted: 2024 (75·20+55·10+35·10)/40 = 60
    assert means(elements["1.1"]) == [60.0, 62.5, 62.5]
    assert elements["1.1"].title == "1.1 Натуральные числа"
    assert elements["1.1"].max_score == 2
    assert means(elements["2.1"]) == [45.0, 35.0, 30.0]
    assert [(p.kind, p.code, p.reasons) for p in result.problems] == [
        ("element", "2.1", ["below_threshold", "falling"]),
        ("task", "3", ["below_threshold", "falling"]),
    ]
    assert result.problems[1].title == "Задание 3 (2.1 Числа и вычисления)"
    assert result.problems[0].latest_mean == 30.0


def test_total_and_each_school_against_the_mean_and_itself(h: Any) -> None:
    result = run(h)
    assert means(result.total) == [52.5, 48.8, 46.3]  # 48.75 and 46.25 rounded half up
    schools = {s.school_id: s for s in result.total.schools}
    one = schools[h.S1].years
    assert [y.percent for y in one] == [67.5, 63.8, 57.5]
    assert [y.diff for y in one] == [15.0, 15.0, 11.3]
    assert [y.change for y in one] == [None, -3.8, -6.3]  # -3.75, -6.25
    three = schools[h.S3].years
    assert [y.diff for y in three] == [-25.0, -25.0, -21.3]
    assert [y.district_mean for y in three] == [52.5, 48.8, 46.3]
    # listed by name, never by result
    assert [s.name for s in result.total.schools] == [
        "МБОУ «Бекетовская ООШ»",
        "МБОУ «Яйская СОШ № 1»",
        "МБОУ «Яйская СОШ № 2»",
    ]


def test_low_results_list(h: Any) -> None:
    result = run(h, flagged=(h.S2,))
    listed = [(s.name, s.reasons) for s in result.low_schools]
    assert listed == [
        ("МБОУ «Бекетовская ООШ»", ["below_mean"]),
        ("МБОУ «Яйская СОШ № 2»", ["registry_flag"]),
    ]
    # a margin of 25 п. п.: −21.25 in 2026 is not enough
    assert [s.name for s in run(h, margin_pp=25.0).low_schools] == []
    # a margin of 21: every year is below by more
    assert [s.name for s in run(h, margin_pp=21.0).low_schools] == ["МБОУ «Бекетовская ООШ»"]


def test_one_year_is_not_staying_low(h: Any) -> None:
    result = analyse(
        points(h, (2026,)),
        exam="oge",
        subject="Математика",
        years=[2026],
        thresholds=Thresholds(),
    )
    assert result.low_schools == []
    assert not any(line.falling for line in result.tasks)
    assert [p.code for p in result.problems] == ["2.1", "3"]  # below 50, not falling
    once = analyse(
        points(h, (2026,)),
        exam="oge",
        subject="Математика",
        years=[2026],
        thresholds=Thresholds(min_years=1),
    )
    assert [s.school_id for s in once.low_schools] == [h.S3]


def test_threshold_setting(h: Any) -> None:
    result = run(h, problem_percent=55.0)
    # task 2 (50) and element 1.1 (62.5)? only task 2 joins; 1.1 stays above
    assert [(p.kind, p.code) for p in result.problems] == [
        ("element", "2.1"),
        ("task", "2"),
        ("task", "3"),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([60.0, 50.0, 40.0], True),
        ([60.0, 60.0, 40.0], False),
        ([40.0, 50.0, 30.0], False),
        ([70.0, 60.0, 50.0, 40.0], True),
        ([60.0, 50.0], False),
        ([60.0, None, 50.0, 40.0], True),
    ],
)
def test_falling(values: list[float | None], expected: bool) -> None:
    figures = [YearFigure(year=2020 + i, mean=v) for i, v in enumerate(values)]
    assert falling(figures) is expected


def test_school_view_compares_with_itself_and_the_district_only(h: Any) -> None:
    result = run(h)
    view = school_view(result, h.S2)
    assert view is not None
    assert view.name == "МБОУ «Яйская СОШ № 2»"
    assert [y.percent for y in view.total.years] == [47.5, 43.8, 45.0]
    assert [y.diff for y in view.total.years] == [-5.0, -5.0, -1.3]
    assert [y.change for y in view.total.years] == [None, -3.8, 1.3]
    encoded = repr(view)
    for other in (h.S1, h.S3):
        assert str(other) not in encoded
        assert h.NAMES[other][0] not in encoded
    charts = {c.id: c for c in view.charts}
    assert charts["dynamics"].series[0].values == [47.5, 43.8, 45.0]
    assert charts["dynamics"].series[1].values == [52.5, 48.8, 46.3]
    assert charts["elements"].categories == ["1.1 Натуральные числа", "2.1 Числа и вычисления"]
    assert charts["elements"].series[0].values == [60.0, 30.0]
    # with three schools the mean shows; a school of a district of fewer hides it
    assert not school_view(result, h.S2, min_schools=3).hidden_means  # type: ignore[union-attr]
    hidden = school_view(result, h.S2, min_schools=4)
    assert hidden is not None and hidden.hidden_means
    assert {y.district_mean for y in hidden.total.years} == {None}
    assert school_view(result, h.S4) is None


def test_district_charts(h: Any) -> None:
    result = run(h)
    charts = {c.id: c for c in district_charts(result, {h.DISTRICT: "Яйский округ"})}
    assert set(charts) == {"dynamics", "tasks", "elements"}
    assert charts["dynamics"].categories == ["2024", "2025", "2026"]
    assert charts["dynamics"].series[0].values == [52.5, 48.8, 46.3]
    assert charts["tasks"].categories == ["1", "2", "3"]
    assert [s.name for s in charts["tasks"].series] == ["2024 г.", "2025 г.", "2026 г."]
    assert charts["tasks"].series[2].values == [75.0, 50.0, 30.0]
    assert charts["tasks"].threshold == 50.0
