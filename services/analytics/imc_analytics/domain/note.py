"""A saved analysis as an information note (информационная справка) of the documents
service: the data of its ``information_note`` template (InformationNoteData with
TextSection and FigureTable sections). Only district means, problems, causes and
recommendations go into it: the note circulates, so no school is named or scored in it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from imc_analytics.domain.analysis import Analysis, Line, YearFigure
from imc_analytics.domain.text import squash
from imc_analytics.domain.vocabulary import EXAM_FULL_TITLES, REASON_TITLES, years_text

DASH = "—"
Figure = str | int | float


@dataclass(frozen=True)
class NoteProblem:
    """A problem of the analysis as the note states it."""

    title: str
    reasons: Sequence[str]
    latest_year: int | None
    latest_mean: float | None
    years: Sequence[YearFigure]
    causes: str
    recommendations: str


def number(value: float | None) -> Figure:
    """A figure for a table cell («—» when there is none)."""
    return DASH if value is None else value


def decimal_text(value: float) -> str:
    """«42,5», «30» (one decimal at most, a comma)."""
    text = f"{value:.1f}"
    return (text[:-2] if text.endswith(".0") else text).replace(".", ",")


def percent_text(value: float | None) -> str:
    """«42,5 %»."""
    return DASH if value is None else f"{decimal_text(value)} %"


def _year_columns(years: Sequence[int]) -> list[str]:
    return [f"{y} г., %" for y in years]


def _means(line: Line) -> list[Figure]:
    return [number(f.mean) for f in line.years]


def _overview(analysis: Analysis, scope: str) -> dict[str, Any]:
    latest = next((f for f in reversed(analysis.total.years) if f.mean is not None), None)
    exam = EXAM_FULL_TITLES.get(analysis.exam, analysis.exam_title)
    paragraphs = [
        f"Анализ проведён по результатам выполнения заданий {_genitive_exam(exam)} по "
        f"предмету «{analysis.subject}» за {years_text(analysis.years)}"
        + (f" ({scope})" if scope else "")
        + "."
    ]
    if latest is not None:
        paragraphs.append(
            f"В {latest.year} г. экзамен сдавали {latest.participants} чел. из "
            f"{latest.schools} образовательных организаций; средний процент выполнения "
            f"заданий — {percent_text(latest.mean)}."
        )
    rows: list[list[Figure]] = [
        [f"{f.year}", f.participants, f.schools, number(f.mean), number(f.change)]
        for f in analysis.total.years
    ]
    tables = [
        {
            "title": "Результаты по годам",
            "columns": [
                "Год",
                "Число участников",
                "Число ОО",
                "Средний процент выполнения, %",
                "Изменение, п. п.",
            ],
            "rows": rows,
        }
    ]
    if analysis.districts:
        tables.append(
            {
                "title": "Средний процент выполнения по округам",
                "columns": ["Округ", *_year_columns(analysis.years)],
                "rows": [[d.name, *(number(f.mean) for f in d.years)] for d in analysis.districts],
            }
        )
    return {"heading": "1. Общие сведения", "paragraphs": paragraphs, "tables": tables}


def _genitive_exam(title: str) -> str:
    return title.replace(
        "основной государственный экзамен", "основного государственного экзамена"
    ).replace("единый государственный экзамен", "единого государственного экзамена")


def _tasks(analysis: Analysis) -> dict[str, Any]:
    rows: list[list[Figure]] = [
        [
            line.code,
            f"{line.element_code} {line.element_name}".strip() or DASH,
            line.max_score,
            *_means(line),
            number(line.trend),
        ]
        for line in analysis.tasks
    ]
    return {
        "heading": "2. Результаты выполнения заданий",
        "paragraphs": [
            "Средний процент выполнения каждого задания по образовательным организациям "
            "(с учётом числа участников) и его изменение за период, п. п."
        ],
        "tables": [
            {
                "title": "Выполнение заданий",
                "columns": [
                    "№ задания",
                    "Элемент содержания",
                    "Макс. балл",
                    *_year_columns(analysis.years),
                    "Изменение, п. п.",
                ],
                "rows": rows,
            }
        ]
        if rows
        else [],
    }


def _elements(analysis: Analysis) -> dict[str, Any]:
    rows: list[list[Figure]] = [
        [line.title, *_means(line), number(line.trend)] for line in analysis.elements
    ]
    paragraphs = [
        "Процент выполнения элемента содержания — доля набранных баллов от максимальных по "
        "заданиям, проверяющим этот элемент."
    ]
    if not rows:
        paragraphs = ["Элементы содержания в загруженных результатах не указаны."]
    return {
        "heading": "3. Результаты по элементам содержания",
        "paragraphs": paragraphs,
        "tables": [
            {
                "title": "Выполнение по элементам содержания",
                "columns": [
                    "Элемент содержания",
                    *_year_columns(analysis.years),
                    "Изменение, п. п.",
                ],
                "rows": rows,
            }
        ]
        if rows
        else [],
    }


def _problem_facts(problem: NoteProblem, threshold: float) -> str:
    facts: list[str] = []
    if problem.latest_year is not None:
        facts.append(
            f"Средний процент выполнения в {problem.latest_year} г. — "
            f"{percent_text(problem.latest_mean)}"
        )
    if "below_threshold" in problem.reasons:
        facts.append(f"ниже порогового значения ({percent_text(threshold)})")
    if "falling" in problem.reasons:
        means = " → ".join(percent_text(f.mean) for f in problem.years if f.mean is not None)
        facts.append(f"результат снижается три года подряд ({means})")
    return "; ".join(facts) + "." if facts else ""


def _problems(problems: Sequence[NoteProblem], threshold: float) -> list[dict[str, Any]]:
    if not problems:
        return [
            {
                "heading": "4. Выявленные проблемы, их причины и рекомендации",
                "paragraphs": ["Проблемы по результатам анализа не выявлены."],
            }
        ]
    sections: list[dict[str, Any]] = [
        {"heading": "4. Выявленные проблемы, их причины и рекомендации"}
    ]
    for index, problem in enumerate(problems, start=1):
        paragraphs = [_problem_facts(problem, threshold)]
        paragraphs.append("Причины: " + (squash(problem.causes) or "не установлены."))
        paragraphs.append(
            "Рекомендации: " + (squash(problem.recommendations) or "не сформулированы.")
        )
        sections.append(
            {
                "heading": f"4.{index}. {problem.title}",
                "paragraphs": [p for p in paragraphs if p],
            }
        )
    return sections


def _help(analysis: Analysis) -> dict[str, Any]:
    count = len(analysis.low_schools)
    reasons = {r for s in analysis.low_schools for r in s.reasons}
    if count:
        text = (
            f"Образовательных организаций, нуждающихся в адресной методической помощи по "
            f"предмету, — {count} ("
            + "; ".join(REASON_TITLES[r] for r in ("below_mean", "registry_flag") if r in reasons)
            + "). Перечень ведёт ИМЦ; помощь оказывается в рамках сетевого взаимодействия с "
            "резильентными школами и стажировочными площадками."
        )
    else:
        text = "Образовательных организаций, устойчиво показывающих низкие результаты, нет."
    return {"heading": "5. Адресная помощь образовательным организациям", "paragraphs": [text]}


def note_data(
    analysis: Analysis,
    *,
    problems: Sequence[NoteProblem],
    conclusions: str,
    recommendations: str,
    issued_on: date,
    scope: str = "",
    executor: str = "",
    signatory_name: str = "",
    signatory_position: str = "",
) -> dict[str, Any]:
    """The ``data`` of ``POST /documents/render`` with template ``information_note``."""
    sections = [
        _overview(analysis, scope),
        _tasks(analysis),
        _elements(analysis),
        *_problems(problems, analysis.threshold),
        _help(analysis),
    ]
    if squash(conclusions):
        sections.append({"heading": "6. Выводы", "paragraphs": _paragraphs(conclusions)})
    if squash(recommendations):
        sections.append(
            {"heading": "7. Общие рекомендации", "paragraphs": _paragraphs(recommendations)}
        )
    data: dict[str, Any] = {
        "issued_on": issued_on.isoformat(),
        "title": (
            f"об итогах анализа результатов {analysis.exam_title} по предмету "
            f"«{analysis.subject}» за {years_text(analysis.years)}"
        ),
        "sections": sections,
        "executor": executor,
    }
    if signatory_name.strip():
        data["signatory_name"] = signatory_name.strip()
    if signatory_position.strip():
        data["signatory_position"] = signatory_position.strip()
    return data


def _paragraphs(text: str) -> list[str]:
    return [squash(p) for p in text.splitlines() if squash(p)]
