"""The analysis of exam results by task and by content element over the latest years
(002 §4.1: анализ результатов ГИА — определение проблем). Pure: no I/O.

How the figures are counted:

- a school's percent for a task is the file's «средний процент выполнения»;
- a school's percent for a content element (and for the whole exam) is the share of the
  maximum points it obtained over the element's tasks: Σ(percent × max score) / Σ max score;
- a mean over schools (the district's, the centre's) weighs each school by its number of
  participants, so every participant counts once;
- a difference is in percentage points (п. п.): the school's percent minus its district's
  mean the same year; a change is this year's figure minus the previous analysed year's;
- a task or element is a problem when, in the latest analysed year, its mean is below the
  threshold, or when it fell in each of the last three analysed years it was written;
- a school stays low when it has results in at least ``min_years`` analysed years and in
  each of them its percent for the exam is below its district's mean by at least the
  margin; a school the registry flags as a school with low educational results (ШНОР,
  001) is listed too.

Schools are listed by name, never by result: nothing here ranks them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from uuid import UUID

import msgspec

from imc_analytics.domain.imports import element_order, task_order
from imc_analytics.domain.text import name_key
from imc_analytics.domain.vocabulary import EXAM_TITLES

TOTAL: Final = "total"


@dataclass(frozen=True)
class Point:
    """One imported row as the analysis reads it."""

    school_id: UUID
    school_name: str
    district: str
    year: int
    task: str
    element_code: str
    element_name: str
    max_score: int
    percent: float
    participants: int
    organisation_id: UUID | None = None


@dataclass(frozen=True)
class Thresholds:
    """The rules' numbers (settings; a request may not change them)."""

    problem_percent: float = 50.0
    margin_pp: float = 15.0
    min_years: int = 2


class YearFigure(msgspec.Struct, kw_only=True):
    """A mean over schools for one year."""

    year: int
    mean: float | None
    """Percent of completion, participant-weighted; None: not written that year."""
    participants: int = 0
    schools: int = 0
    change: float | None = None
    """Percentage points against the previous analysed year with a figure."""


class SchoolYear(msgspec.Struct, kw_only=True):
    """A school's figure for one year beside its district's mean."""

    year: int
    percent: float | None
    district_mean: float | None
    diff: float | None
    """The school minus its district's mean, percentage points."""
    change: float | None = None
    """The school against itself: percentage points against its previous analysed year."""
    participants: int = 0
    district_schools: int = 0
    """How many schools of the district wrote it that year."""


class SchoolLine(msgspec.Struct, kw_only=True):
    school_id: UUID
    name: str
    district: str
    years: list[SchoolYear]


class Line(msgspec.Struct, kw_only=True):
    """A task, a content element or the whole exam over the analysed years."""

    kind: str
    """``task``, ``element`` or ``total``."""
    code: str
    """The task's number, the element's code (or its name when it has none), ``total``."""
    title: str
    element_code: str = ""
    element_name: str = ""
    max_score: int = 0
    years: list[YearFigure] = msgspec.field(default_factory=list)
    trend: float | None = None
    """Latest minus earliest analysed mean, percentage points."""
    falling: bool = False
    below_threshold: bool = False
    schools: list[SchoolLine] = msgspec.field(default_factory=list)


class FoundProblem(msgspec.Struct, kw_only=True):
    """A task or element the rules point at."""

    kind: str
    code: str
    title: str
    reasons: list[str]
    """``below_threshold``, ``falling``."""
    latest_year: int
    latest_mean: float | None
    years: list[YearFigure]


class LowSchool(msgspec.Struct, kw_only=True):
    """A school listed for targeted help (staff only)."""

    school_id: UUID
    name: str
    district: str
    organisation_id: UUID | None
    reasons: list[str]
    """``below_mean`` (results), ``registry_flag`` (ШНОР in the registry)."""
    years: list[SchoolYear]


class DistrictLine(msgspec.Struct, kw_only=True):
    """At the centre: one district's mean for the whole exam by year."""

    district: str
    name: str
    years: list[YearFigure]
    elements: dict[str, float | None] = msgspec.field(default_factory=dict)
    """The district's mean of each content element (by the element line's code) in the
    latest analysed year."""


class Analysis(msgspec.Struct, kw_only=True):
    """Everything one exam and subject show over the analysed years."""

    exam: str
    exam_title: str
    subject: str
    years: list[int]
    district: str
    """The district analysed (at the centre: empty for all its districts)."""
    threshold: float
    margin: float
    min_years: int
    total: Line
    tasks: list[Line]
    elements: list[Line]
    problems: list[FoundProblem]
    low_schools: list[LowSchool]
    districts: list[DistrictLine] = msgspec.field(default_factory=list)


def r1(value: float | None) -> float | None:
    """Rounded to one decimal, half up as reports round (46,25 → 46,3)."""
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + 0.0


def weighted(pairs: Iterable[tuple[float, int]]) -> float | None:
    """Σ value × weight / Σ weight; None when nothing was given."""
    total = weight = 0.0
    for value, n in pairs:
        total += value * n
        weight += n
    return total / weight if weight else None


def share(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The share of the maximum points: Σ(percent × max score) / Σ max score."""
    return weighted(pairs)


# --- grouping -------------------------------------------------------------------------

SchoolYearKey = tuple[UUID, int]
_Key = tuple[str, str]
"""(kind, code) of a line."""


class _Cell:
    """What one school has for one line in one year."""

    __slots__ = ("_percent", "participants", "parts")

    def __init__(self) -> None:
        self.parts: list[tuple[float, int]] = []
        self.participants = 0
        self._percent: float | None = None

    def add(self, point: Point) -> None:
        self.parts.append((point.percent, point.max_score))
        self.participants = max(self.participants, point.participants)
        self._percent = None

    @property
    def percent(self) -> float | None:
        if self._percent is None:
            self._percent = share(self.parts)
        return self._percent


def element_key(point: Point) -> str | None:
    """An element is known by its code, or by its name when the file gives no code."""
    if point.element_code:
        return point.element_code
    if point.element_name:
        return "name:" + name_key(point.element_name)
    return None


def _cells(points: Sequence[Point]) -> dict[_Key, dict[SchoolYearKey, _Cell]]:
    cells: dict[_Key, dict[SchoolYearKey, _Cell]] = defaultdict(dict)
    for p in points:
        keys: list[_Key] = [(TOTAL, TOTAL), ("task", p.task)]
        element = element_key(p)
        if element is not None:
            keys.append(("element", element))
        for key in keys:
            cells[key].setdefault((p.school_id, p.year), _Cell()).add(p)
    return cells


@dataclass(frozen=True)
class _School:
    school_id: UUID
    name: str
    district: str
    organisation_id: UUID | None


def _schools(points: Sequence[Point]) -> dict[UUID, _School]:
    found: dict[UUID, _School] = {}
    for p in sorted(points, key=lambda p: p.year):
        found[p.school_id] = _School(p.school_id, p.school_name, p.district, p.organisation_id)
    return found


def _figure(year: int, cells: Iterable[_Cell]) -> YearFigure:
    present = [c for c in cells if c.percent is not None]
    mean = weighted((c.percent or 0.0, c.participants) for c in present)
    return YearFigure(
        year=year,
        mean=mean,
        participants=sum(c.participants for c in present),
        schools=len(present),
    )


def _with_changes(figures: list[YearFigure]) -> list[YearFigure]:
    previous: float | None = None
    for figure in figures:
        if figure.mean is not None:
            figure.change = figure.mean - previous if previous is not None else None
            previous = figure.mean
    return figures


def _round_figures(figures: list[YearFigure]) -> list[YearFigure]:
    return [
        YearFigure(
            year=f.year,
            mean=r1(f.mean),
            participants=f.participants,
            schools=f.schools,
            change=r1(f.change),
        )
        for f in figures
    ]


def falling(figures: Sequence[YearFigure]) -> bool:
    """Fell in each of the last three analysed years with a figure."""
    means = [f.mean for f in figures if f.mean is not None]
    if len(means) < 3:
        return False
    a, b, c = means[-3:]
    return a > b > c


# --- the analysis -----------------------------------------------------------------------


class _Build:
    """One analysis being counted (the cells are counted once and read many times)."""

    def __init__(self, points: Sequence[Point], years: Sequence[int]) -> None:
        self.years = sorted(years)
        self.cells = _cells(points)
        self.schools = _schools(points)
        self.district_of = {s.school_id: s.district for s in self.schools.values()}
        self._district_means: dict[tuple[_Key, str, int], YearFigure] = {}

    def figures(self, key: _Key, district: str | None = None) -> list[YearFigure]:
        by_year: dict[int, list[_Cell]] = defaultdict(list)
        for (school, year), cell in self.cells.get(key, {}).items():
            if district is None or self.district_of[school] == district:
                by_year[year].append(cell)
        return _with_changes([_figure(year, by_year.get(year, [])) for year in self.years])

    def district_mean(self, key: _Key, district: str, year: int) -> YearFigure:
        found = self._district_means.get((key, district, year))
        if found is None:
            for figure in self.figures(key, district):
                self._district_means[(key, district, figure.year)] = figure
            found = self._district_means[(key, district, year)]
        return found

    def raw_school_years(
        self, key: _Key, school_id: UUID
    ) -> list[tuple[int, _Cell | None, YearFigure]]:
        """(year, the school's cell, its district's figure) for every analysed year."""
        cells = self.cells.get(key, {})
        district = self.district_of[school_id]
        return [
            (year, cells.get((school_id, year)), self.district_mean(key, district, year))
            for year in self.years
        ]

    def school_years(self, key: _Key, school_id: UUID) -> list[SchoolYear]:
        out: list[SchoolYear] = []
        previous: float | None = None
        for year, cell, figure in self.raw_school_years(key, school_id):
            percent = cell.percent if cell is not None else None
            diff = (
                percent - figure.mean if percent is not None and figure.mean is not None else None
            )
            change = percent - previous if percent is not None and previous is not None else None
            out.append(
                SchoolYear(
                    year=year,
                    percent=r1(percent),
                    district_mean=r1(figure.mean),
                    diff=r1(diff),
                    change=r1(change),
                    participants=cell.participants if cell is not None else 0,
                    district_schools=figure.schools,
                )
            )
            if percent is not None:
                previous = percent
        return out

    def school_lines(self, key: _Key) -> list[SchoolLine]:
        present = {school for school, _ in self.cells.get(key, {})}
        return [
            SchoolLine(
                school_id=s.school_id,
                name=s.name,
                district=s.district,
                years=self.school_years(key, s.school_id),
            )
            for s in sorted(self.schools.values(), key=lambda s: (name_key(s.name), s.school_id))
            if s.school_id in present
        ]


def _latest_points(points: Sequence[Point]) -> dict[str, Point]:
    """The latest row of each task (its element and maximum as the newest КИМ have them)."""
    latest: dict[str, Point] = {}
    for p in sorted(points, key=lambda p: p.year):
        latest[p.task] = p
    return latest


def _element_titles(points: Sequence[Point]) -> dict[str, tuple[str, str]]:
    titles: dict[str, tuple[str, str]] = {}
    for p in sorted(points, key=lambda p: p.year):
        key = element_key(p)
        if key is not None and (p.element_name or key not in titles):
            titles[key] = (p.element_code, p.element_name)
    return titles


def element_title(code: str, name: str) -> str:
    """«2.1 Числа и вычисления»."""
    return f"{code} {name}".strip() if name else code


def _line(
    build: _Build,
    key: _Key,
    *,
    title: str,
    threshold: float,
    with_schools: bool,
    **extra: object,
) -> Line:
    figures = build.figures(key)
    latest = figures[-1] if figures else None
    known = [f.mean for f in figures if f.mean is not None]
    return Line(
        kind=key[0],
        code=key[1],
        title=title,
        years=_round_figures(figures),
        trend=r1(known[-1] - known[0]) if len(known) >= 2 else None,
        falling=falling(figures) and latest is not None and latest.mean is not None,
        below_threshold=latest is not None and latest.mean is not None and latest.mean < threshold,
        schools=build.school_lines(key) if with_schools else [],
        **extra,  # type: ignore[arg-type]
    )


def analyse(
    points: Sequence[Point],
    *,
    exam: str,
    subject: str,
    years: Sequence[int],
    thresholds: Thresholds,
    flagged: Iterable[UUID] = (),
    district: str = "",
    district_names: Mapping[str, str] | None = None,
    with_schools: bool = True,
) -> Analysis:
    """The analysis of ``points`` (one exam, one subject, the analysed ``years``).

    ``flagged`` are the organisations the registry marks as schools with low
    educational results; ``district_names`` (the centre) adds a line per district."""
    build = _Build(points, years)
    latest_tasks = _latest_points(points)
    tasks = [
        _line(
            build,
            ("task", task),
            title=f"Задание {task}",
            threshold=thresholds.problem_percent,
            with_schools=with_schools,
            element_code=p.element_code,
            element_name=p.element_name,
            max_score=p.max_score,
        )
        for task, p in sorted(latest_tasks.items(), key=lambda item: task_order(item[0]))
    ]
    titles = _element_titles(points)
    elements = [
        _line(
            build,
            ("element", key),
            title=element_title(code, name),
            threshold=thresholds.problem_percent,
            with_schools=with_schools,
            element_code=code,
            element_name=name,
            max_score=sum(p.max_score for p in latest_tasks.values() if element_key(p) == key),
        )
        for key, (code, name) in sorted(
            titles.items(), key=lambda item: (element_order(item[1][0]), item[1][1])
        )
    ]
    total = _line(
        build,
        (TOTAL, TOTAL),
        title="Экзамен в целом",
        threshold=thresholds.problem_percent,
        with_schools=with_schools,
        max_score=sum(p.max_score for p in latest_tasks.values()),
    )
    districts = [
        DistrictLine(
            district=code,
            name=name,
            years=_round_figures(build.figures((TOTAL, TOTAL), code)),
            elements={
                line.code: r1(
                    build.district_mean(("element", line.code), code, build.years[-1]).mean
                )
                for line in elements
            }
            if build.years
            else {},
        )
        for code, name in (district_names or {}).items()
        if any(s.district == code for s in build.schools.values())
    ]
    return Analysis(
        exam=exam,
        exam_title=EXAM_TITLES.get(exam, exam),
        subject=subject,
        years=build.years,
        district=district,
        threshold=thresholds.problem_percent,
        margin=thresholds.margin_pp,
        min_years=thresholds.min_years,
        total=total,
        tasks=tasks,
        elements=elements,
        problems=problems_of(elements, tasks, build.years),
        low_schools=low_schools(build, thresholds, set(flagged)),
        districts=districts,
    )


def problems_of(
    elements: Sequence[Line], tasks: Sequence[Line], years: Sequence[int]
) -> list[FoundProblem]:
    """Elements, then tasks, that are below the threshold or falling in the latest year."""
    found: list[FoundProblem] = []
    for line in [*elements, *tasks]:
        reasons = [
            reason
            for reason, hit in (
                ("below_threshold", line.below_threshold),
                ("falling", line.falling),
            )
            if hit
        ]
        if not reasons:
            continue
        latest = line.years[-1]
        title = line.title
        if line.kind == "task" and line.element_name:
            title = f"{line.title} ({element_title(line.element_code, line.element_name)})"
        found.append(
            FoundProblem(
                kind=line.kind,
                code=line.code,
                title=title,
                reasons=reasons,
                latest_year=years[-1] if years else latest.year,
                latest_mean=latest.mean,
                years=line.years,
            )
        )
    return found


def low_schools(build: _Build, thresholds: Thresholds, flagged: set[UUID]) -> list[LowSchool]:
    """Schools that stay below their district's mean by the margin, and the flagged ones,
    by name."""
    listed: list[LowSchool] = []
    for school in sorted(build.schools.values(), key=lambda s: (name_key(s.name), s.school_id)):
        diffs = [
            cell.percent - figure.mean
            for _, cell, figure in build.raw_school_years((TOTAL, TOTAL), school.school_id)
            if cell is not None and cell.percent is not None and figure.mean is not None
        ]
        reasons = []
        if len(diffs) >= max(thresholds.min_years, 1) and all(
            d <= -thresholds.margin_pp for d in diffs
        ):
            reasons.append("below_mean")
        if school.organisation_id is not None and school.organisation_id in flagged:
            reasons.append("registry_flag")
        if reasons:
            listed.append(
                LowSchool(
                    school_id=school.school_id,
                    name=school.name,
                    district=school.district,
                    organisation_id=school.organisation_id,
                    reasons=reasons,
                    years=build.school_years((TOTAL, TOTAL), school.school_id),
                )
            )
    return listed


def latest_years(available: Iterable[int], count: int) -> list[int]:
    """The ``count`` latest years with results."""
    return sorted(set(available))[-count:] if count > 0 else []
