"""Rules of the exam-results import: the header set, what a clean row is, and the checks
across rows (duplicates, a task described two ways).

One row of a file is one school × exam × subject × year × task, as regional centres
for assessing the quality of education publish results by task. The file is read in
:mod:`imc_analytics.services.table_files`; this module sees rows of text cells with the
line numbers the user sees in Excel.

The documented header set (Russian; case, «ё», a trailing «:», «*», a unit after a comma
and words in parentheses do not matter; common variants are accepted):

=========================  ==========================================================
field                      header (and accepted variants)
=========================  ==========================================================
school_name                Наименование ОО (образовательная организация, школа, ОО)
school_code                Код ОО (код организации, код школы, логин ОО)
organisation_id            Идентификатор организации (id организации) — the registry's
district                   Округ (район, муниципалитет, МО) — required at the centre
exam                       Экзамен (форма ГИА): ОГЭ or ЕГЭ
subject                    Предмет
year                       Год (2025, or a school year «2024/2025» → 2025)
task                       Номер задания (№ задания, задание)
element                    Элемент содержания («2.1 Числа и вычисления»: code and name)
element_code               Код элемента содержания (КЭС) — when the code is apart
max_score                  Максимальный балл
percent                    Средний процент выполнения (% выполнения, процент выполнения)
participants               Число участников (количество участников)
solved                     Число выполнивших (справились) — with participants, when
                           there is no percent
mean_score                 Средний балл (за задание) — with the maximum, when there is
                           no percent
=========================  ==========================================================

A school is named by at least one of: name, code, registry id.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final
from uuid import UUID, uuid5

from imc_analytics.domain.text import fold, name_key, squash
from imc_analytics.domain.vocabulary import EXAM_TITLES, parse_exam, subject_key, subject_title

FIELD_LABELS: Final = {
    "school_name": "Наименование ОО",
    "school_code": "Код ОО",
    "organisation_id": "Идентификатор организации",
    "district": "Округ",
    "exam": "Экзамен",
    "subject": "Предмет",
    "year": "Год",
    "task": "Номер задания",
    "element": "Элемент содержания",
    "element_code": "Код элемента содержания",
    "max_score": "Максимальный балл",
    "percent": "Средний процент выполнения",
    "participants": "Число участников",
    "solved": "Число выполнивших",
    "mean_score": "Средний балл",
}
SCHOOL_COLUMNS: Final = ("school_name", "school_code", "organisation_id")
REQUIRED_COLUMNS: Final = ("exam", "subject", "year", "task", "max_score", "participants")
PERCENT_SOURCES: Final = ("percent", "solved", "mean_score")
MAX_ROWS: Final = 100_000
HEADER_SEARCH_ROWS: Final = 30
FIRST_YEAR: Final = 2000
MAX_SCORE_LIMIT: Final = 100

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "school_name": (
        "наименование оо",
        "наименование организации",
        "наименование образовательной организации",
        "наименование учреждения",
        "наименование общеобразовательной организации",
        "образовательная организация",
        "общеобразовательная организация",
        "краткое наименование оо",
        "полное наименование оо",
        "название оо",
        "наименование",
        "оо",
        "школа",
    ),
    "school_code": (
        "код оо",
        "код организации",
        "код образовательной организации",
        "код учреждения",
        "код школы",
        "логин оо",
        "код",
    ),
    "organisation_id": (
        "идентификатор организации",
        "идентификатор оо",
        "id организации",
        "id оо",
        "организация id",
        "uuid",
    ),
    "district": (
        "округ",
        "район",
        "муниципалитет",
        "муниципальное образование",
        "муниципальный район",
        "муниципальный округ",
        "мо",
        "ато",
        "код округа",
        "код района",
        "код мо",
    ),
    "exam": ("экзамен", "форма гиа", "форма экзамена", "вид экзамена", "гиа", "вид гиа"),
    "subject": ("предмет", "учебный предмет", "наименование предмета", "предмет гиа"),
    "year": ("год", "год проведения", "год экзамена", "год проведения гиа", "учебный год"),
    "task": (
        "номер задания",
        "№ задания",
        "задание",
        "задание №",
        "номер задания в кимах",
        "номер задания в работе",
        "№ задания в кимах",
    ),
    "element": (
        "элемент содержания",
        "проверяемый элемент содержания",
        "проверяемые элементы содержания",
        "код и наименование элемента содержания",
        "элемент содержания (код и наименование)",
        "содержательный элемент",
        "раздел содержания",
        "тема",
    ),
    "element_code": (
        "код элемента содержания",
        "код элемента",
        "код кэс",
        "кэс",
        "код проверяемого элемента содержания",
    ),
    "max_score": (
        "максимальный балл",
        "максимальный балл за задание",
        "макс. балл",
        "макс балл",
        "максимальный первичный балл",
    ),
    "percent": (
        "средний процент выполнения",
        "процент выполнения",
        "процент выполнения задания",
        "средний % выполнения",
        "% выполнения",
        "выполнение",
        "доля выполнения",
        "успешность выполнения",
        "средний процент",
        "процент",
        "%",
    ),
    "participants": (
        "число участников",
        "количество участников",
        "кол-во участников",
        "число участников экзамена",
        "количество участников экзамена",
        "участников",
        "участники",
    ),
    "solved": (
        "число выполнивших",
        "количество выполнивших",
        "кол-во выполнивших",
        "выполнили",
        "выполнили задание",
        "число справившихся",
        "количество справившихся",
        "кол-во справившихся",
        "справились",
    ),
    "mean_score": ("средний балл", "средний балл за задание", "средний первичный балл"),
}
_HEADER_INDEX: Final = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_PARENTHESES: Final = re.compile(r"\([^)]*\)")
_UNIT: Final = re.compile(r",\s*(%|в %|чел\.?|человек|баллы?|баллов|шт\.?)$")
_ELEMENT: Final = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\.?(?:\s*[–—-]\s*|\s+|$)(.*)$")
_SCHOOL_YEAR: Final = re.compile(r"^(\d{4})\s*[/–—-]\s*(\d{2}|\d{4})$")
_NUMBER: Final = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _header_keys(text: str) -> list[str]:
    key = fold(text).rstrip(":*").strip()
    if not key:
        return []
    keys = [key]
    bare = squash(_PARENTHESES.sub(" ", key)).rstrip(":*").strip()
    keys.append(bare)
    keys.extend(squash(_UNIT.sub("", k)) for k in (key, bare))
    return keys


def header_field(text: str) -> str | None:
    """The field a column header names, or ``None`` for an unknown header."""
    for key in _header_keys(text):
        if key in _HEADER_INDEX:
            return _HEADER_INDEX[key]
    return None


def header_aliases() -> dict[str, list[str]]:
    """Every accepted header, by field (the documented set first)."""
    return {name: [FIELD_LABELS[name], *aliases] for name, aliases in _ALIASES.items()}


Row = tuple[int, Sequence[str]]
"""A line number (as the user sees it) and the row's cells as text."""


@dataclass(frozen=True)
class Header:
    """Where the header is and which column holds which field."""

    line: int
    data_from: int
    """Index in the row list of the first data row."""
    columns: dict[int, str]
    """Column index -> field."""

    def missing(self, *, centre: bool) -> list[str]:
        """Labels of the required columns the header lacks (each a Russian phrase)."""
        present = set(self.columns.values())
        missing = [f"«{FIELD_LABELS[n]}»" for n in REQUIRED_COLUMNS if n not in present]
        if not present & set(SCHOOL_COLUMNS):
            missing.insert(0, "«Наименование ОО» (или «Код ОО»)")
        if not present & set(PERCENT_SOURCES):
            missing.append(
                "«Средний процент выполнения» (или «Число выполнивших», или «Средний балл»)"
            )
        if centre and "district" not in present:
            missing.insert(0, "«Округ»")
        return missing


def _match(cells: Sequence[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = header_field(cell)
        if name is not None and name not in columns.values():
            columns[index] = name
    return columns


def locate_header(rows: Sequence[Row]) -> Header | None:
    """Find the header row among the first rows (a title may stand above it)."""
    for index, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _match(cells)
        names = set(columns.values())
        if len(columns) >= 3 and {"task", "subject"} <= names:
            return Header(line=line, data_from=index + 1, columns=dict(sorted(columns.items())))
    return None


@dataclass(frozen=True)
class RowError:
    """One reason a line cannot be imported."""

    line: int
    field: str | None
    message: str


@dataclass
class ParsedRow:
    """A data line as values; the school is resolved later (:func:`resolve_school`)."""

    line: int
    school_name: str = ""
    school_code: str = ""
    organisation_id: UUID | None = None
    district: str = ""
    exam: str = ""
    subject: str = ""
    subject_key: str = ""
    year: int = 0
    task: str = ""
    element_code: str = ""
    element_name: str = ""
    max_score: int = 0
    percent: float = 0.0
    participants: int = 0
    solved: int | None = None
    mean_score: float | None = None
    school_id: UUID | None = None
    """The school the row belongs to (the registry's organisation at a district)."""
    school_display: str = ""


def is_blank(cells: Iterable[str]) -> bool:
    """Whether every cell of the row is empty (such rows are skipped silently)."""
    return all(not squash(cell) for cell in cells)


def parse_number(text: str) -> float | None:
    """«45,5», «45.5», «45,5 %» → 45.5; None for anything else."""
    value = squash(text).replace(" ", "").rstrip("%")
    if not _NUMBER.match(value):
        return None
    return float(value.replace(",", "."))


def parse_int(text: str) -> int | None:
    """A whole number («25», «25,0» from a spreadsheet); None for anything else."""
    value = parse_number(text)
    if value is None or not value.is_integer():
        return None
    return int(value)


def parse_year(text: str, current_year: int) -> int | None:
    """«2025», or a school year «2024/2025» («2024/25») — the exam's year, 2025."""
    value = squash(text).rstrip(" г.").strip()
    school_year = _SCHOOL_YEAR.match(value)
    if school_year:
        first, second = int(school_year.group(1)), school_year.group(2)
        end = int(second) if len(second) == 4 else first - first % 100 + int(second)
        return end if end == first + 1 and FIRST_YEAR <= end <= current_year else None
    year = parse_int(value)
    if year is None or not FIRST_YEAR <= year <= current_year:
        return None
    return year


def parse_element(text: str) -> tuple[str, str]:
    """«2.1 Числа и вычисления» → («2.1», «Числа и вычисления»); a name without a
    code gives («», name)."""
    value = squash(text)
    found = _ELEMENT.match(value)
    if found:
        return found.group(1), squash(found.group(2))
    return "", value


def task_order(task: str) -> tuple[int, str]:
    """How tasks sort: «2» before «10», «19.1» after «19»."""
    digits = re.match(r"\d+", task)
    return (int(digits.group(0)) if digits else 10**6, task[digits.end() if digits else 0 :])


def element_order(code: str) -> tuple[int, ...]:
    """How element codes sort: «2.1» before «2.10», empty last."""
    parts = [int(p) for p in code.split(".") if p.isdigit()]
    return tuple(parts) if parts else (10**6,)


def _cells(cells: Sequence[str], columns: Mapping[int, str]) -> dict[str, str]:
    raw = {
        name: squash(cells[index]) if index < len(cells) else "" for index, name in columns.items()
    }
    for name in FIELD_LABELS:
        raw.setdefault(name, "")
    return raw


def _missing(line: int, name: str) -> RowError:
    return RowError(line, name, f"не заполнено поле «{FIELD_LABELS[name]}»")


def read_row(
    line: int,
    cells: Sequence[str],
    columns: Mapping[int, str],
    *,
    current_year: int,
    districts: Mapping[str, str],
    centre: bool,
) -> tuple[ParsedRow, list[RowError]]:
    """Turn one data line into values, with every problem it has.

    ``districts`` maps the folded codes and names of the districts results may belong
    to onto their codes (read at the centre only)."""
    raw = _cells(cells, columns)
    row = ParsedRow(line=line)
    errors: list[RowError] = []
    _read_school(raw, row, errors, districts=districts, centre=centre)
    _read_exam(raw, row, errors, current_year=current_year)
    _read_task(raw, row, errors)
    _read_figures(raw, row, errors)
    return row, errors


def _read_school(
    raw: dict[str, str],
    row: ParsedRow,
    errors: list[RowError],
    *,
    districts: Mapping[str, str],
    centre: bool,
) -> None:
    line = row.line
    row.school_name, row.school_code = raw["school_name"], raw["school_code"]
    if raw["organisation_id"]:
        try:
            row.organisation_id = UUID(raw["organisation_id"])
        except ValueError:
            errors.append(
                RowError(
                    line,
                    "organisation_id",
                    f"идентификатор организации «{raw['organisation_id']}» указан неверно "
                    "(ожидается идентификатор из реестра)",
                )
            )
    if not (row.school_name or row.school_code or raw["organisation_id"]):
        errors.append(
            RowError(
                line,
                "school_name",
                "не указана образовательная организация (наименование или код ОО)",
            )
        )
    for name, limit in (("school_name", 500), ("school_code", 64)):
        if len(raw[name]) > limit:
            errors.append(
                RowError(line, name, f"поле «{FIELD_LABELS[name]}» длиннее {limit} символов")
            )
    if centre:
        if not raw["district"]:
            errors.append(_missing(line, "district"))
        elif fold(raw["district"]) not in districts:
            errors.append(
                RowError(
                    line,
                    "district",
                    f"округ «{raw['district']}» не входит в межмуниципальный центр; "
                    "допустимо: " + ", ".join(sorted(set(districts.values()))),
                )
            )
        else:
            row.district = districts[fold(raw["district"])]


def _read_exam(
    raw: dict[str, str], row: ParsedRow, errors: list[RowError], *, current_year: int
) -> None:
    line = row.line
    if not raw["exam"]:
        errors.append(_missing(line, "exam"))
    else:
        exam = parse_exam(raw["exam"])
        if exam is None:
            errors.append(
                RowError(line, "exam", f"экзамен «{raw['exam']}» не распознан; допустимо: ОГЭ, ЕГЭ")
            )
        row.exam = exam or ""
    if not raw["subject"]:
        errors.append(_missing(line, "subject"))
    elif len(raw["subject"]) > 100:
        errors.append(RowError(line, "subject", "название предмета длиннее 100 символов"))
    else:
        row.subject, row.subject_key = subject_title(raw["subject"]), subject_key(raw["subject"])
    if not raw["year"]:
        errors.append(_missing(line, "year"))
    else:
        year = parse_year(raw["year"], current_year)
        if year is None:
            errors.append(
                RowError(
                    line,
                    "year",
                    f"год «{raw['year']}» указан неверно; ожидается год экзамена от {FIRST_YEAR} "
                    f"до {current_year} (например, 2025 или 2024/2025)",
                )
            )
        row.year = year or 0


def _read_task(raw: dict[str, str], row: ParsedRow, errors: list[RowError]) -> None:
    line = row.line
    task = raw["task"].removeprefix("№").strip()
    if not task:
        errors.append(_missing(line, "task"))
    elif len(task) > 20:
        errors.append(RowError(line, "task", "номер задания длиннее 20 символов"))
    row.task = task
    code, name = parse_element(raw["element"]) if raw["element"] else ("", "")
    if raw["element_code"]:
        code = raw["element_code"].rstrip(".")
        if name.startswith(code + " "):
            name = name[len(code) :].strip()
    row.element_code, row.element_name = code, name
    if len(code) > 32:
        errors.append(RowError(line, "element_code", "код элемента содержания длиннее 32 символов"))
    if len(name) > 500:
        errors.append(
            RowError(line, "element", "название элемента содержания длиннее 500 символов")
        )


def _read_figures(raw: dict[str, str], row: ParsedRow, errors: list[RowError]) -> None:
    line = row.line
    max_score = _positive(raw, "max_score", line, errors, limit=MAX_SCORE_LIMIT)
    participants = _positive(raw, "participants", line, errors)
    row.max_score, row.participants = max_score or 0, participants or 0
    solved: int | None = None
    if raw["solved"]:
        solved = parse_int(raw["solved"])
        if solved is None or solved < 0:
            errors.append(
                RowError(
                    line,
                    "solved",
                    f"число выполнивших «{raw['solved']}» — не целое число не меньше 0",
                )
            )
        elif participants and solved > participants:
            errors.append(
                RowError(
                    line,
                    "solved",
                    f"выполнивших ({solved}) больше, чем участников ({participants})",
                )
            )
            solved = None
    row.solved = solved
    mean: float | None = None
    if raw["mean_score"]:
        mean = parse_number(raw["mean_score"])
        if mean is None or mean < 0:
            errors.append(
                RowError(line, "mean_score", f"средний балл «{raw['mean_score']}» указан неверно")
            )
            mean = None
        elif max_score and mean > max_score:
            errors.append(
                RowError(
                    line,
                    "mean_score",
                    f"средний балл {raw['mean_score']} больше максимального ({max_score})",
                )
            )
            mean = None
    row.mean_score = mean
    percent = _percent(raw, row, errors)
    row.percent = percent if percent is not None else 0.0


def _percent(raw: dict[str, str], row: ParsedRow, errors: list[RowError]) -> float | None:
    line = row.line
    if raw["percent"]:
        percent = parse_number(raw["percent"])
        if percent is None:
            errors.append(
                RowError(line, "percent", f"процент выполнения «{raw['percent']}» — не число")
            )
            return None
        if percent < 0 or percent > 100:
            errors.append(
                RowError(
                    line,
                    "percent",
                    f"процент выполнения {raw['percent']} вне допустимых пределов (от 0 до 100)",
                )
            )
            return None
        return percent
    if row.solved is not None and row.participants:
        return row.solved / row.participants * 100
    if row.mean_score is not None and row.max_score:
        return row.mean_score / row.max_score * 100
    if not (raw["solved"] or raw["mean_score"]):
        errors.append(
            RowError(
                line,
                "percent",
                "не указан средний процент выполнения (или число выполнивших, или средний балл)",
            )
        )
    return None


def _positive(
    raw: dict[str, str], name: str, line: int, errors: list[RowError], *, limit: int | None = None
) -> int | None:
    if not raw[name]:
        errors.append(_missing(line, name))
        return None
    value = parse_int(raw[name])
    if value is None or value < 1 or (limit is not None and value > limit):
        bound = f" не больше {limit}" if limit else ""
        errors.append(
            RowError(
                line,
                name,
                f"в поле «{FIELD_LABELS[name]}» ожидается целое число от 1{bound}, "
                f"указано «{raw[name]}»",
            )
        )
        return None
    return value


# --- schools ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownSchool:
    """An organisation of the registry as the import matches it."""

    organisation_id: UUID
    short_name: str
    full_name: str

    @property
    def display(self) -> str:
        return self.short_name or self.full_name


@dataclass
class Directory:
    """The district's organisations (from the registry) and the school codes earlier
    imports tied to them."""

    schools: dict[UUID, KnownSchool] = field(default_factory=dict)
    codes: dict[str, UUID] = field(default_factory=dict)
    """Folded school code -> organisation."""
    _names: dict[str, set[UUID]] = field(default_factory=dict)

    def add(self, school: KnownSchool) -> None:
        self.schools[school.organisation_id] = school
        for text in (school.short_name, school.full_name):
            if text:
                self._names.setdefault(name_key(text), set()).add(school.organisation_id)

    def by_name(self, text: str) -> set[UUID]:
        return self._names.get(name_key(text), set())


def _names(directory: Directory, ids: Iterable[UUID]) -> str:
    return ", ".join(sorted(f"«{directory.schools[i].display}»" for i in ids))


def resolve_school(row: ParsedRow, directory: Directory) -> RowError | None:
    """Tie a row of a district's file to an organisation of the registry: by its id, by a
    code an earlier import tied to it, or by its short or full name (case, «ё», quotes
    and «№ 1»/«№1» do not matter). Sets ``school_id``; an error when none or several fit."""
    line = row.line
    if row.organisation_id is not None:
        known = directory.schools.get(row.organisation_id)
        if known is None:
            return RowError(
                line,
                "organisation_id",
                f"организация с идентификатором {row.organisation_id} не найдена в реестре округа",
            )
        row.school_id, row.school_display = known.organisation_id, known.display
        return None
    by_name = directory.by_name(row.school_name) if row.school_name else set()
    coded = directory.codes.get(fold(row.school_code)) if row.school_code else None
    if coded is not None and coded in directory.schools:
        if by_name and coded not in by_name:
            return RowError(
                line,
                "school_code",
                f"код ОО «{row.school_code}» в прежних загрузках относился к "
                f"{_names(directory, [coded])}, а наименование «{row.school_name}» — к "
                f"{_names(directory, by_name)}",
            )
        row.school_id, row.school_display = coded, directory.schools[coded].display
        return None
    if not row.school_name:
        return RowError(
            line,
            "school_code",
            f"код ОО «{row.school_code}» ещё не встречался в загрузках; добавьте столбец "
            "«Наименование ОО»",
        )
    if len(by_name) > 1:
        return RowError(
            line,
            "school_name",
            f"наименование «{row.school_name}» подходит нескольким организациям реестра: "
            f"{_names(directory, by_name)}; укажите «Идентификатор организации»",
        )
    if not by_name:
        return RowError(
            line,
            "school_name",
            f"образовательная организация «{row.school_name}» не найдена в реестре округа "
            "(сверьте наименование с реестром или укажите «Идентификатор организации»)",
        )
    (found,) = by_name
    row.school_id, row.school_display = found, directory.schools[found].display
    return None


def centre_school(row: ParsedRow, namespace: UUID) -> None:
    """At the centre the schools of the districts are not in its registry: a school is
    its district with its code (or, without a code, its name). Sets ``school_id``."""
    if row.organisation_id is not None:
        row.school_id = row.organisation_id
    elif row.school_code:
        row.school_id = uuid5(namespace, f"{row.district}:code:{fold(row.school_code)}")
    else:
        row.school_id = uuid5(namespace, f"{row.district}:name:{name_key(row.school_name)}")
    row.school_display = row.school_name or f"ОО с кодом {row.school_code}"


# --- across rows -----------------------------------------------------------------------


def _task_text(row: ParsedRow) -> str:
    return f"задания {row.task} ({EXAM_TITLES.get(row.exam, row.exam)}, {row.subject}, {row.year})"


def check_across(rows: Sequence[ParsedRow]) -> list[RowError]:
    """Lines repeating an earlier line's school, exam, subject, year and task; lines
    describing a task (its maximum score, its content element) otherwise than the first
    line that names it."""
    errors: list[RowError] = []
    seen: dict[tuple[object, ...], int] = {}
    tasks: dict[tuple[object, ...], ParsedRow] = {}
    for row in rows:
        key = (row.school_id, row.exam, row.subject_key, row.year, row.task)
        if key in seen:
            errors.append(
                RowError(
                    row.line,
                    "task",
                    f"повторяет строку {seen[key]} (та же организация, экзамен, предмет, год и "
                    "номер задания)",
                )
            )
            continue
        seen[key] = row.line
        first = tasks.setdefault((row.exam, row.subject_key, row.year, row.task), row)
        if first is row:
            continue
        if first.max_score and row.max_score and first.max_score != row.max_score:
            errors.append(
                RowError(
                    row.line,
                    "max_score",
                    f"максимальный балл {_task_text(row)} в строке {first.line} — "
                    f"{first.max_score}, здесь — {row.max_score}",
                )
            )
        if row.element_code != first.element_code:
            errors.append(
                RowError(
                    row.line,
                    "element",
                    f"элемент содержания {_task_text(row)} в строке {first.line} — "
                    f"«{first.element_code or 'не указан'}», здесь — "
                    f"«{row.element_code or 'не указан'}»",
                )
            )
    return errors


def district_index(names: Mapping[str, str]) -> dict[str, str]:
    """Folded codes and names of the districts -> their codes."""
    index: dict[str, str] = {}
    for code, title in names.items():
        index[fold(code)] = code
        if title:
            index[fold(title)] = code
    return index
