"""Codes and their Russian titles: exams, subjects, problem reasons, statuses."""

import re
from typing import Final

from imc_analytics.domain.text import fold, squash, upper_first

EXAM_TITLES: Final = {"oge": "ОГЭ", "ege": "ЕГЭ"}
"""Государственная итоговая аттестация: основной и единый государственный экзамен."""
EXAM_FULL_TITLES: Final = {
    "oge": "основной государственный экзамен (ОГЭ)",
    "ege": "единый государственный экзамен (ЕГЭ)",
}
_EXAM_WORDS: Final = {
    "огэ": "oge",
    "oge": "oge",
    "гиа-9": "oge",
    "гиа 9": "oge",
    "основной государственный экзамен": "oge",
    "егэ": "ege",
    "ege": "ege",
    "гиа-11": "ege",
    "гиа 11": "ege",
    "единый государственный экзамен": "ege",
}

ANALYSIS_STATUS_TITLES: Final = {"draft": "черновик", "approved": "утверждён"}
PROBLEM_KIND_TITLES: Final = {
    "task": "задание",
    "element": "элемент содержания",
    "custom": "проблема, названная методистом",
}
REASON_TITLES: Final = {
    "below_threshold": "средний процент выполнения ниже порогового",
    "falling": "результат снижается три года подряд",
    "below_mean": "результат ниже среднего по округу",
    "registry_flag": "школа с низкими образовательными результатами (ШНОР) по реестру",
}
ACTION_KIND_TITLES: Final = {
    "event": "мероприятие (семинар) в плане ИМЦ",
    "deficit": "профессиональный дефицит педагога",
}

_SUBJECTS: Final = (
    "Русский язык",
    "Математика",
    "Математика (базовый уровень)",
    "Математика (профильный уровень)",
    "Физика",
    "Химия",
    "Информатика",
    "Биология",
    "История",
    "География",
    "Обществознание",
    "Литература",
    "Английский язык",
    "Немецкий язык",
    "Французский язык",
    "Испанский язык",
    "Китайский язык",
)
_SUBJECT_INDEX: Final = {fold(s): s for s in _SUBJECTS}
_SUBJECT_ALIASES: Final = {
    "русский": "Русский язык",
    "математика базовая": "Математика (базовый уровень)",
    "математика (база)": "Математика (базовый уровень)",
    "математика базового уровня": "Математика (базовый уровень)",
    "базовая математика": "Математика (базовый уровень)",
    "математика профильная": "Математика (профильный уровень)",
    "математика (профиль)": "Математика (профильный уровень)",
    "математика профильного уровня": "Математика (профильный уровень)",
    "профильная математика": "Математика (профильный уровень)",
    "информатика и икт": "Информатика",
    "информатика и информационно-коммуникационные технологии (икт)": "Информатика",
    "английский": "Английский язык",
    "немецкий": "Немецкий язык",
    "французский": "Французский язык",
    "испанский": "Испанский язык",
    "китайский": "Китайский язык",
}
_PARENS: Final = re.compile(r"\s*\(\s*(.*?)\s*\)\s*")


def parse_exam(text: str) -> str | None:
    """``oge``/``ege`` for «ОГЭ», «ЕГЭ», «ГИА-9» and the like; None if unclear."""
    return _EXAM_WORDS.get(fold(text).strip(" ."))


def subject_title(text: str) -> str:
    """The subject as the service writes it: «математика (профиль)» → «Математика
    (профильный уровень)»; an unknown subject keeps its words with a capital letter."""
    key = _PARENS.sub(lambda m: f" ({m.group(1)}) ", fold(text)).strip()
    key = squash(key)
    known = _SUBJECT_INDEX.get(key) or _SUBJECT_ALIASES.get(key)
    return known or upper_first(squash(text))


def subject_key(text: str) -> str:
    """What two spellings of the same subject share."""
    return fold(subject_title(text))


def years_text(years: list[int]) -> str:
    """«2026 г.», «2024–2026 гг.», «2023, 2025 гг.»."""
    if not years:
        return ""
    if len(years) == 1:
        return f"{years[0]} г."
    if years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]} гг."
    return ", ".join(str(y) for y in years) + " гг."
