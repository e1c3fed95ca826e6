"""The competency catalogue: what a professional deficit is a gap in.

The default catalogue follows the teacher's professional standard (обучение, воспитательная
деятельность, развивающая деятельность) and the regulations' own concerns: preparation
for the state exams and tutors for teachers in difficulty (002 §4.1, §4.3), functional
literacy and schools with low results (003 §2). Each district edits its own copy.
"""

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

from imc_shared.errors import InvalidInput


class DefaultCompetency(NamedTuple):
    code: str
    title: str
    description: str
    keywords: tuple[str, ...]


DEFAULT_CATALOGUE: Final = (
    DefaultCompetency(
        "subject_knowledge",
        "Предметные знания",
        "Знание преподаваемого предмета в пределах требований ФГОС и основной "
        "образовательной программы.",
        ("предметн", "содержание предмета", "трудные темы"),
    ),
    DefaultCompetency(
        "subject_methods",
        "Методика преподавания предмета",
        "Владение формами и методами обучения, современными педагогическими технологиями "
        "преподавания предмета.",
        ("методика", "урок", "педагогические технологии", "открытый урок", "мастер-класс"),
    ),
    DefaultCompetency(
        "assessment",
        "Оценивание образовательных результатов",
        "Объективное оценивание, разработка оценочных материалов, анализ результатов "
        "оценочных процедур (ВПР, диагностические работы).",
        ("оценивание", "оценочн", "ВПР", "образовательные результаты", "диагностическ"),
    ),
    DefaultCompetency(
        "functional_literacy",
        "Формирование функциональной грамотности",
        "Формирование читательской, математической, естественнонаучной, финансовой "
        "грамотности, глобальных компетенций и креативного мышления обучающихся.",
        (
            "функциональная грамотность",
            "смысловое чтение",
            "читательская грамотность",
            "финансовая грамотность",
            "естественнонаучная грамотность",
        ),
    ),
    DefaultCompetency(
        "exam_preparation",
        "Подготовка обучающихся к ГИА",
        "Подготовка обучающихся к государственной итоговой аттестации (ОГЭ, ЕГЭ), анализ "
        "её результатов (002 §4.1, §4.3).",
        ("ГИА", "ОГЭ", "ЕГЭ", "итоговая аттестация", "экзамен"),
    ),
    DefaultCompetency(
        "inclusive_education",
        "Инклюзивное образование (обучающиеся с ОВЗ)",
        "Обучение и воспитание детей с ограниченными возможностями здоровья и "
        "инвалидностью, адаптированные образовательные программы.",
        ("инклюзивн", "ОВЗ", "ограниченными возможностями", "адаптированн", "инвалидност"),
    ),
    DefaultCompetency(
        "digital_technologies",
        "Цифровые образовательные технологии",
        "Использование цифровых образовательных ресурсов и сервисов, электронного и "
        "дистанционного обучения.",
        ("цифров", "ЦОР", "дистанционн", "электронное обучение", "онлайн"),
    ),
    DefaultCompetency(
        "upbringing",
        "Воспитательная работа",
        "Воспитательная деятельность, классное руководство, рабочая программа воспитания.",
        ("воспитательн", "воспитание", "классное руководство", "классный руководитель"),
    ),
    DefaultCompetency(
        "projects_research",
        "Проектная и исследовательская деятельность",
        "Организация проектной и учебно-исследовательской деятельности обучающихся.",
        ("проектн", "исследовательск", "индивидуальный проект"),
    ),
    DefaultCompetency(
        "gifted_children",
        "Работа с одарёнными детьми",
        "Выявление и сопровождение одарённых и высокомотивированных обучающихся, "
        "подготовка к олимпиадам и конкурсам.",
        ("одарённ", "высокомотивированн", "олимпиад", "конкурс"),
    ),
)

CODE_PATTERN: Final = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
MAX_KEYWORDS: Final = 30


def check_code(code: str) -> str:
    """A code is a latin slug: it names the competency in surveys and in the centre's
    counts, so it never changes once given."""
    cleaned = code.strip()
    if not CODE_PATTERN.match(cleaned):
        raise InvalidInput(
            "Код компетенции: от 2 до 64 символов — строчные латинские буквы, цифры, «_» "
            "или «-», начиная с буквы (например, functional_literacy)",
            field="code",
        )
    return cleaned


def check_title(title: str) -> str:
    """A title says what the competency is."""
    cleaned = " ".join(title.split())
    if len(cleaned) < 3:
        raise InvalidInput("Укажите название компетенции", field="title")
    if len(cleaned) > 300:
        raise InvalidInput("Название компетенции длиннее 300 символов", field="title")
    return cleaned


def check_keywords(keywords: Sequence[str]) -> list[str]:
    """Keywords trimmed, without empties and repeats (case- and «ё»-insensitive)."""
    seen: dict[str, str] = {}
    for keyword in keywords:
        text = " ".join(keyword.split())
        if len(text) > 100:
            raise InvalidInput("Ключевое слово длиннее 100 символов", field="keywords")
        key = text.casefold().replace("ё", "е")
        if text and key not in seen:
            seen[key] = text
    if len(seen) > MAX_KEYWORDS:
        raise InvalidInput(f"Не более {MAX_KEYWORDS} ключевых слов", field="keywords")
    return list(seen.values())
