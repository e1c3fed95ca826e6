"""Rules of the organisations import: headers, kinds, flags and what a clean row is.

The file itself is read in :mod:`imc_registry.services.table_files`; this module sees
only rows of text cells with the line numbers the user sees in Excel.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from imc_registry.domain.organisations import KIND_TITLES, email_ok, phone_ok, website_ok
from imc_registry.domain.text import fold, squash

FIELD_LABELS: Final = {
    "full_name": "Полное наименование",
    "short_name": "Краткое наименование",
    "kind": "Тип",
    "address": "Адрес",
    "director_name": "Директор",
    "email": "Электронная почта",
    "phone": "Телефон",
    "website": "Сайт",
    "low_results": "ШНОР",
    "unfavourable_conditions": "Неблагоприятные условия",
    "resilient": "Резильентная",
}
REQUIRED_COLUMNS: Final = ("full_name", "short_name", "kind", "email")
FLAGS: Final = ("low_results", "unfavourable_conditions", "resilient")
MAX_ROWS: Final = 5000
HEADER_SEARCH_ROWS: Final = 30
"""How far down the header row may be (title rows, notes above it)."""

_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "full_name": (
        "полное наименование",
        "полное наименование организации",
        "полное наименование оо",
        "полное наименование учреждения",
        "полное название",
        "полное название организации",
        "наименование полное",
        "наименование",
        "наименование организации",
        "наименование оо",
        "наименование учреждения",
    ),
    "short_name": (
        "краткое наименование",
        "краткое наименование организации",
        "краткое наименование оо",
        "сокращенное наименование",
        "сокращенное наименование организации",
        "краткое название",
        "сокращенное название",
        "наименование краткое",
        "наименование сокращенное",
    ),
    "kind": (
        "тип",
        "тип организации",
        "тип оо",
        "тип учреждения",
        "вид",
        "вид организации",
        "вид оо",
        "тип/вид",
    ),
    "address": (
        "адрес",
        "адрес организации",
        "юридический адрес",
        "фактический адрес",
        "почтовый адрес",
        "местонахождение",
    ),
    "director_name": (
        "директор",
        "руководитель",
        "заведующий",
        "фио директора",
        "фио руководителя",
        "директор фио",
        "руководитель фио",
        "ф.и.о. директора",
        "ф.и.о. руководителя",
    ),
    "email": (
        "электронная почта",
        "адрес электронной почты",
        "эл. почта",
        "эл.почта",
        "e-mail",
        "е-mail",
        "email",
        "e mail",
        "почта",
    ),
    "phone": ("телефон", "тел.", "тел", "контактный телефон", "телефон организации", "телефоны"),
    "website": ("сайт", "веб-сайт", "адрес сайта", "официальный сайт", "сайт организации"),
    "low_results": (
        "шнор",
        "школа с низкими образовательными результатами",
        "низкие образовательные результаты",
        "низкие результаты",
    ),
    "unfavourable_conditions": (
        "неблагоприятные условия",
        "неблагоприятные социальные условия",
        "в неблагоприятных условиях",
        "в неблагоприятных социальных условиях",
        "школа в неблагоприятных социальных условиях",
        "школа, функционирующая в неблагоприятных социальных условиях",
        "шнсу",
    ),
    "resilient": ("резильентная", "резильентная школа", "резильентность"),
}
_HEADER_INDEX: Final = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_PARENTHESES = re.compile(r"\([^)]*\)")

_KIND_WORDS: Final[dict[str, str]] = {
    **{fold(title): code for code, title in KIND_TITLES.items()},
    **{code: code for code in KIND_TITLES},
    # preschool
    "доу": "doo",
    "мдоу": "doo",
    "мбдоу": "doo",
    "мадоу": "doo",
    "мкдоу": "doo",
    "детский сад": "doo",
    "дошкольная": "doo",
    "дошкольное образовательное учреждение": "doo",
    "дошкольная образовательная организация": "doo",
    # general education
    "школа": "school",
    "сош": "school",
    "оош": "school",
    "нош": "school",
    "оо": "school",
    "общеобразовательная": "school",
    "общеобразовательная организация": "school",
    "общеобразовательное учреждение": "school",
    "средняя школа": "school",
    "основная школа": "school",
    "начальная школа": "school",
    "средняя общеобразовательная школа": "school",
    "основная общеобразовательная школа": "school",
    "начальная общеобразовательная школа": "school",
    # lyceum, gymnasium
    "лицей": "lyceum",
    "гимназия": "gymnasium",
    # additional education
    "до": "additional",
    "удо": "additional",
    "одо": "additional",
    "доп. образование": "additional",
    "дополнительное образование": "additional",
    "организация дополнительного образования": "additional",
    "учреждение дополнительного образования": "additional",
    "дом детского творчества": "additional",
    "ддт": "additional",
    "цдт": "additional",
}
_TRUE: Final = frozenset(
    {"да", "д", "+", "1", "x", "х", "v", "✓", "✔", "yes", "y", "true", "истина"}
)
_FALSE: Final = frozenset({"", "нет", "н", "-", "–", "—", "0", "no", "n", "false", "ложь"})


def header_field(text: str) -> str | None:
    """The field a column header names, or ``None`` for an unknown header."""
    key = fold(text).rstrip(":*").strip()
    if not key:
        return None
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    bare = squash(_PARENTHESES.sub(" ", key)).rstrip(":*").strip()
    return _HEADER_INDEX.get(bare)


def parse_kind(text: str) -> str | None:
    """The organisation kind a cell names (code, official title or abbreviation)."""
    key = fold(text).strip(' ."')
    if key in _KIND_WORDS:
        return _KIND_WORDS[key]
    # «МБОУ СОШ», «МБДОУ детский сад», «МАУ ДО ДДТ»: the words decide
    words = [word.strip('."') for word in re.split(r"[\s,/]+", key)]
    found = {_KIND_WORDS[word] for word in words if word in _KIND_WORDS}
    return found.pop() if len(found) == 1 else None


def parse_flag(text: str) -> bool | None:
    """``True``/``False`` for да/нет/+/1/empty and the like; ``None`` if unclear."""
    key = fold(text).strip(" .")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


@dataclass(frozen=True)
class Header:
    """Where the header is and which column holds which field."""

    line: int
    """Line of the (last) header row, as the user sees it."""
    data_from: int
    """Index in the row list of the first data row."""
    columns: dict[int, str]
    """Column index -> field."""

    @property
    def missing(self) -> list[str]:
        """Required fields with no column."""
        present = set(self.columns.values())
        return [name for name in REQUIRED_COLUMNS if name not in present]


Row = tuple[int, Sequence[str]]
"""A line number (as the user sees it) and the row's cells as text."""


def _match(cells: Sequence[str]) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = header_field(cell)
        if name is not None and name not in columns.values():
            columns[index] = name
    return columns


def locate_header(rows: Sequence[Row]) -> Header | None:
    """Find the header row among the first rows (a title may stand above it).

    A header split over two rows (a merged group cell such as «Признаки» above
    «ШНОР», «Резильентная») is read as one: the second row fills in the columns the
    first leaves unnamed.
    """
    for index, (line, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = _match(cells)
        names = set(columns.values())
        if len(columns) < 2 or not names & {"full_name", "short_name"}:
            continue
        data_from = index + 1
        if data_from < len(rows):
            below_line, below_cells = rows[data_from]
            extra = _match(below_cells)
            if len(extra) >= 2 or set(extra.values()) - names:
                for column, name in extra.items():
                    if column not in columns and name not in names:
                        columns[column] = name
                        names.add(name)
                line, data_from = below_line, data_from + 1
        return Header(line=line, data_from=data_from, columns=dict(sorted(columns.items())))
    return None


@dataclass(frozen=True)
class RowError:
    """One reason a line cannot be imported."""

    line: int
    field: str | None
    message: str


@dataclass
class ParsedRow:
    """A data line turned into an organisation's fields."""

    line: int
    values: dict[str, object] = field(default_factory=dict)


def is_blank(cells: Iterable[str]) -> bool:
    """Whether every cell of the row is empty (such rows are skipped silently)."""
    return all(not squash(cell) for cell in cells)


def read_row(
    line: int, cells: Sequence[str], columns: Mapping[int, str]
) -> tuple[ParsedRow, list[RowError]]:
    """Turn one data line into fields, with every problem it has."""
    raw = {
        name: squash(cells[index]) if index < len(cells) else "" for index, name in columns.items()
    }
    for name in FIELD_LABELS:
        raw.setdefault(name, "")
    errors = [
        RowError(line, name, f"не заполнено поле «{FIELD_LABELS[name]}»")
        for name in REQUIRED_COLUMNS
        if not raw[name]
    ]
    kind = parse_kind(raw["kind"]) if raw["kind"] else None
    if raw["kind"] and kind is None:
        errors.append(
            RowError(
                line,
                "kind",
                f"неизвестный тип организации «{raw['kind']}»; допустимо: ДОУ, школа (СОШ, ООШ), "
                "лицей, гимназия, ДО (УДО)",
            )
        )
    values: dict[str, object] = {
        "full_name": raw["full_name"],
        "short_name": raw["short_name"],
        "kind": kind or "",
        "address": raw["address"],
        "director_name": raw["director_name"],
        "email": raw["email"].lower(),
        "phone": raw["phone"],
        "website": raw["website"],
    }
    if raw["full_name"] and len(raw["full_name"]) < 5:
        errors.append(RowError(line, "full_name", "полное наименование слишком короткое"))
    if raw["email"] and not email_ok(raw["email"]):
        errors.append(
            RowError(line, "email", f"адрес электронной почты «{raw['email']}» указан неверно")
        )
    if not phone_ok(raw["phone"]):
        errors.append(RowError(line, "phone", f"телефон «{raw['phone']}» указан неверно"))
    if not website_ok(raw["website"]):
        errors.append(RowError(line, "website", f"адрес сайта «{raw['website']}» указан неверно"))
    for flag in FLAGS:
        value = parse_flag(raw[flag])
        if value is None:
            errors.append(
                RowError(
                    line,
                    flag,
                    f"в столбце «{FIELD_LABELS[flag]}» ожидается «да» или «нет», "
                    f"указано «{raw[flag]}»",
                )
            )
        values[flag] = bool(value)
    for name, limit in (("full_name", 500), ("short_name", 200), ("address", 500)):
        if len(raw[name]) > limit:
            errors.append(
                RowError(line, name, f"поле «{FIELD_LABELS[name]}» длиннее {limit} символов")
            )
    return ParsedRow(line=line, values=values), errors


def duplicates_in_file(rows: Sequence[ParsedRow]) -> list[RowError]:
    """Lines repeating an earlier line's short or full name."""
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        for name in ("short_name", "full_name"):
            text = str(row.values[name])
            if not text:
                continue
            key = (name, fold(text))
            if key in seen:
                errors.append(
                    RowError(
                        row.line,
                        name,
                        f"повторяет строку {seen[key]} (то же {FIELD_LABELS[name].lower()} "
                        f"«{text}»)",
                    )
                )
                break
        for name in ("short_name", "full_name"):
            text = str(row.values[name])
            if text:
                seen.setdefault((name, fold(text)), row.line)
    return errors


def clashes_with_registry(
    rows: Sequence[ParsedRow], existing: Mapping[str, tuple[str, bool]]
) -> list[RowError]:
    """Lines naming an organisation the registry already has (archived ones too).

    ``existing`` maps the folded short and full names of the district's organisations
    to their short names and whether they are archived.
    """
    errors: list[RowError] = []
    for row in rows:
        for name in ("short_name", "full_name"):
            text = str(row.values[name])
            if text and fold(text) in existing:
                short_name, archived = existing[fold(text)]
                where = "в архиве реестра" if archived else "в реестре"
                errors.append(
                    RowError(row.line, name, f"организация «{short_name}» уже есть {where}")
                )
                break
    return errors
