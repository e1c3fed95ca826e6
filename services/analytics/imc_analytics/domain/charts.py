"""The series the portal draws: the district's (the centre's) dynamics, tasks and content
elements, and a school beside its district's mean. Only means over schools, or one
school against itself and its district: no chart lines schools up against each other."""

from collections.abc import Sequence
from uuid import UUID

import msgspec

from imc_analytics.domain.analysis import Analysis, Line, SchoolYear
from imc_analytics.domain.vocabulary import years_text

PERCENT = "средний процент выполнения, %"


class ChartSeries(msgspec.Struct, kw_only=True):
    """One line or one set of bars; ``values`` follow the chart's ``categories``."""

    key: str
    name: str
    values: list[float | None]


class Chart(msgspec.Struct, kw_only=True):
    id: str
    title: str
    kind: str
    """``line`` (years along the axis) or ``bar`` (tasks or elements along the axis)."""
    x_title: str
    y_title: str
    categories: list[str]
    series: list[ChartSeries]
    threshold: float | None = None
    """The problem threshold, a horizontal line (percent)."""


def _scope_name(analysis: Analysis, names: dict[str, str]) -> str:
    if analysis.district:
        return names.get(analysis.district, analysis.district)
    return "ММЦ в целом" if analysis.districts else "Округ"


def _by_year(lines: Sequence[Line], analysis: Analysis) -> list[ChartSeries]:
    return [
        ChartSeries(
            key=str(year),
            name=f"{year} г.",
            values=[line.years[i].mean for line in lines],
        )
        for i, year in enumerate(analysis.years)
    ]


def district_charts(analysis: Analysis, names: dict[str, str]) -> list[Chart]:
    """Dynamics over the years, tasks and elements by year; at the centre also each
    district's dynamics and each district's elements in the latest year."""
    scope = _scope_name(analysis, names)
    period = years_text(analysis.years)
    subject = f"{analysis.exam_title}, {analysis.subject}"
    dynamics = [
        ChartSeries(key="scope", name=scope, values=[f.mean for f in analysis.total.years]),
        *(
            ChartSeries(key=d.district, name=d.name, values=[f.mean for f in d.years])
            for d in analysis.districts
        ),
    ]
    charts = [
        Chart(
            id="dynamics",
            title=f"{subject}: результаты по годам",
            kind="line",
            x_title="год",
            y_title=PERCENT,
            categories=[str(y) for y in analysis.years],
            series=dynamics,
            threshold=analysis.threshold,
        ),
        Chart(
            id="tasks",
            title=f"{subject}: выполнение заданий, {period}",
            kind="bar",
            x_title="номер задания",
            y_title=PERCENT,
            categories=[line.code for line in analysis.tasks],
            series=_by_year(analysis.tasks, analysis),
            threshold=analysis.threshold,
        ),
        Chart(
            id="elements",
            title=f"{subject}: элементы содержания, {period}",
            kind="bar",
            x_title="элемент содержания",
            y_title=PERCENT,
            categories=[line.title for line in analysis.elements],
            series=_by_year(analysis.elements, analysis),
            threshold=analysis.threshold,
        ),
    ]
    if analysis.districts and analysis.years:
        latest = analysis.years[-1]
        charts.append(
            Chart(
                id="districts_elements",
                title=f"{subject}: элементы содержания по округам, {latest} г.",
                kind="bar",
                x_title="элемент содержания",
                y_title=PERCENT,
                categories=[line.title for line in analysis.elements],
                series=[
                    ChartSeries(
                        key=d.district,
                        name=d.name,
                        values=[d.elements.get(line.code) for line in analysis.elements],
                    )
                    for d in analysis.districts
                ],
                threshold=analysis.threshold,
            )
        )
    return charts


class SchoolFigure(msgspec.Struct, kw_only=True):
    """A task, an element or the whole exam: the school's years beside its district."""

    kind: str
    code: str
    title: str
    element_code: str = ""
    element_name: str = ""
    max_score: int = 0
    years: list[SchoolYear]


class SchoolView(msgspec.Struct, kw_only=True):
    """One school against itself over the years and against its district's mean."""

    school_id: UUID
    name: str
    district: str
    exam: str
    exam_title: str
    subject: str
    years: list[int]
    total: SchoolFigure
    tasks: list[SchoolFigure]
    elements: list[SchoolFigure]
    charts: list[Chart]
    hidden_means: bool = False
    """Some district means are not shown: too few schools wrote those tasks."""


def _hide(years: list[SchoolYear], min_schools: int) -> tuple[list[SchoolYear], bool]:
    hidden = False
    shown: list[SchoolYear] = []
    for y in years:
        if y.district_mean is not None and y.district_schools < min_schools:
            hidden = True
            y = SchoolYear(
                year=y.year,
                percent=y.percent,
                district_mean=None,
                diff=None,
                change=y.change,
                participants=y.participants,
                district_schools=y.district_schools,
            )
        shown.append(y)
    return shown, hidden


def _figure(line: Line, school_id: UUID, min_schools: int) -> tuple[SchoolFigure | None, bool]:
    own = next((s for s in line.schools if s.school_id == school_id), None)
    if own is None:
        return None, False
    years, hidden = _hide(own.years, min_schools)
    return (
        SchoolFigure(
            kind=line.kind,
            code=line.code,
            title=line.title,
            element_code=line.element_code,
            element_name=line.element_name,
            max_score=line.max_score,
            years=years,
        ),
        hidden,
    )


def school_view(analysis: Analysis, school_id: UUID, *, min_schools: int = 0) -> SchoolView | None:
    """The school's figures (None when it has no results in ``analysis``); a district
    mean of fewer than ``min_schools`` schools is left out."""
    total, hidden = _figure(analysis.total, school_id, min_schools)
    if total is None:
        return None
    own = next(s for s in analysis.total.schools if s.school_id == school_id)
    tasks: list[SchoolFigure] = []
    elements: list[SchoolFigure] = []
    for lines, out in ((analysis.tasks, tasks), (analysis.elements, elements)):
        for line in lines:
            figure, more = _figure(line, school_id, min_schools)
            if figure is not None:
                out.append(figure)
                hidden = hidden or more
    view = SchoolView(
        school_id=school_id,
        name=own.name,
        district=own.district,
        exam=analysis.exam,
        exam_title=analysis.exam_title,
        subject=analysis.subject,
        years=analysis.years,
        total=total,
        tasks=tasks,
        elements=elements,
        charts=[],
        hidden_means=hidden,
    )
    view.charts = school_charts(view)
    return view


def _latest(figures: list[SchoolFigure], attr: str) -> list[float | None]:
    return [getattr(f.years[-1], attr) if f.years else None for f in figures]


def school_charts(view: SchoolView) -> list[Chart]:
    """The school's dynamics beside its district's mean, and its tasks and elements in
    the latest year beside the district's."""
    subject = f"{view.exam_title}, {view.subject}"
    latest = view.years[-1] if view.years else 0
    return [
        Chart(
            id="dynamics",
            title=f"{subject}: результаты школы по годам",
            kind="line",
            x_title="год",
            y_title=PERCENT,
            categories=[str(y) for y in view.years],
            series=[
                ChartSeries(
                    key="school", name=view.name, values=[y.percent for y in view.total.years]
                ),
                ChartSeries(
                    key="district",
                    name="Среднее по округу",
                    values=[y.district_mean for y in view.total.years],
                ),
            ],
        ),
        Chart(
            id="tasks",
            title=f"{subject}: выполнение заданий, {latest} г.",
            kind="bar",
            x_title="номер задания",
            y_title=PERCENT,
            categories=[f.code for f in view.tasks],
            series=[
                ChartSeries(key="school", name=view.name, values=_latest(view.tasks, "percent")),
                ChartSeries(
                    key="district",
                    name="Среднее по округу",
                    values=_latest(view.tasks, "district_mean"),
                ),
            ],
        ),
        Chart(
            id="elements",
            title=f"{subject}: элементы содержания, {latest} г.",
            kind="bar",
            x_title="элемент содержания",
            y_title=PERCENT,
            categories=[f.title for f in view.elements],
            series=[
                ChartSeries(key="school", name=view.name, values=_latest(view.elements, "percent")),
                ChartSeries(
                    key="district",
                    name="Среднее по округу",
                    values=_latest(view.elements, "district_mean"),
                ),
            ],
        ),
    ]
