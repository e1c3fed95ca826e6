"""A methodical resource of a district's bank: its vocabulary (kinds, licences, levels of
education), its fields, and the review workflow

    draft → submitted → (returned ⇄ submitted) → approved → withdrawn

(approved = published in the district's bank). A resource approved or withdrawn can be
reopened as a new draft (a new edition goes through review again)."""

from typing import Final

from imc_shared.errors import Conflict, InvalidInput

KIND_TITLES: Final = {
    "lesson_plan": "план (технологическая карта) урока",
    "programme": "программа",
    "recording": "запись занятия (мероприятия)",
    "presentation": "презентация",
    "site_results": "результаты деятельности площадки",
    "methodical": "методическая разработка",
    "other": "иной материал",
}
VIDEO_KINDS: Final = frozenset({"recording", "site_results"})
"""Kinds of resource a video (MP4) may be attached to."""

STATUS_TITLES: Final = {
    "draft": "черновик",
    "submitted": "на экспертизе",
    "returned": "возвращён на доработку",
    "approved": "одобрен и опубликован",
    "withdrawn": "снят с публикации",
}
EDITABLE: Final = frozenset({"draft", "returned"})
PUBLISHED: Final = "approved"

LICENCES: Final = {
    "cc_by": "CC BY 4.0",
    "cc_by_sa": "CC BY-SA 4.0",
    "cc_by_nc": "CC BY-NC 4.0",
    "all_rights_reserved": "все права защищены, использование с согласия автора",
}
"""Licence code -> its name as it travels to the centre's bank."""
LICENCE_TITLES: Final = {
    "cc_by": "CC BY 4.0 — свободное использование с указанием автора",
    "cc_by_sa": "CC BY-SA 4.0 — использование с указанием автора, производные материалы "
    "на тех же условиях",
    "cc_by_nc": "CC BY-NC 4.0 — использование с указанием автора, только некоммерческое",
    "all_rights_reserved": "все права защищены, использование с согласия автора",
}

LEVELS: Final = (
    "дошкольное образование",
    "начальное общее образование",
    "основное общее образование",
    "среднее общее образование",
    "дополнительное образование детей и взрослых",
    "дополнительное профессиональное образование",
)
"""Levels of education (Федеральный закон № 273-ФЗ, ст. 10) a resource may be for."""

BANK_STATUS_TITLES: Final = {
    "": "не передан в банк ММЦ",
    "shared": "передан в банк ММЦ",
    "withdrawn": "снят из банка ММЦ",
}

COMMENT_ACTION_TITLES: Final = {
    "created": "создан",
    "comment": "замечание",
    "submitted": "направлен на экспертизу",
    "referred": "направлен на рассмотрение методического совета",
    "returned": "возвращён на доработку",
    "approved": "одобрен и опубликован",
    "withdrawn": "снят с публикации",
    "reopened": "открыта новая редакция",
    "shared": "передан в банк ММЦ",
    "unshared": "снят из банка ММЦ",
}

MAX_TAGS: Final = 20


def licence_title(name_or_code: str) -> str:
    """The Russian title of a licence given by its code or by the name that travels."""
    if name_or_code in LICENCE_TITLES:
        return LICENCE_TITLES[name_or_code]
    for code, name in LICENCES.items():
        if name == name_or_code:
            return LICENCE_TITLES[code]
    return name_or_code


def squash(text: str) -> str:
    """Whitespace collapsed."""
    return " ".join(text.split())


def check_title(title: str) -> str:
    """A title of 5 to 300 characters."""
    text = squash(title)
    if len(text) < 5:
        raise InvalidInput("Укажите название материала (не короче 5 символов)", field="title")
    if len(text) > 300:
        raise InvalidInput("Название материала длиннее 300 символов", field="title")
    return text


def check_summary(summary: str) -> str:
    """An annotation of at most 5,000 characters (required only to submit)."""
    text = summary.strip()
    if len(text) > 5000:
        raise InvalidInput("Аннотация длиннее 5000 символов", field="summary")
    return text


def check_kind(kind: str) -> str:
    if kind not in KIND_TITLES:
        raise InvalidInput(
            f"Неизвестный вид материала «{kind}»; допустимые: " + ", ".join(KIND_TITLES),
            field="kind",
        )
    return kind


def check_licence(licence: str) -> str:
    if licence not in LICENCES:
        raise InvalidInput(
            "Выберите условия использования материала: " + "; ".join(LICENCE_TITLES.values()),
            field="licence",
        )
    return licence


def check_level(level: str) -> str:
    text = squash(level)
    if text and text not in LEVELS:
        raise InvalidInput(
            "Неизвестный уровень образования; допустимые: " + ", ".join(LEVELS), field="level"
        )
    return text


def check_subject(subject: str) -> str:
    text = squash(subject)
    if len(text) > 200:
        raise InvalidInput("Название предмета длиннее 200 символов", field="subject")
    return text


def check_tags(tags: list[str]) -> list[str]:
    """Keywords: trimmed, lower case, each once, at most 20 of 2 to 100 characters."""
    seen: list[str] = []
    for tag in tags:
        text = squash(tag).lower()
        if not text:
            continue
        if len(text) > 100:
            raise InvalidInput(f"Ключевое слово «{text[:30]}…» длиннее 100 символов", field="tags")
        if text not in seen:
            seen.append(text)
    if len(seen) > MAX_TAGS:
        raise InvalidInput(f"Укажите не больше {MAX_TAGS} ключевых слов", field="tags")
    return seen


def check_editable(status: str) -> None:
    """Content and files change only in a draft or a returned resource."""
    if status in EDITABLE:
        return
    if status == "submitted":
        raise Conflict(
            "Материал на экспертизе: изменить его можно после возвращения на доработку",
            field="status",
        )
    raise Conflict(
        "Материал опубликован или снят с публикации: чтобы изменить его, откройте новую редакцию",
        field="status",
    )


def check_submittable(status: str, *, summary: str, files: int) -> None:
    """A draft (or a returned resource) with an annotation and at least one file."""
    if status not in EDITABLE:
        raise Conflict(
            f"Материал нельзя направить на экспертизу: он {STATUS_TITLES[status]}",
            field="status",
        )
    if len(summary.strip()) < 20:
        raise InvalidInput(
            "Перед направлением на экспертизу заполните аннотацию (не короче 20 символов)",
            field="summary",
        )
    if files == 0:
        raise InvalidInput(
            "Перед направлением на экспертизу приложите хотя бы один файл", field="files"
        )


def check_reviewable(status: str) -> None:
    """Return, approve and refer act on a resource under review."""
    if status != "submitted":
        raise Conflict(f"Материал не на экспертизе: он {STATUS_TITLES[status]}", field="status")


def check_withdrawable(status: str) -> None:
    if status != PUBLISHED:
        raise Conflict("Снять с публикации можно только опубликованный материал", field="status")


def check_reopenable(status: str) -> None:
    if status not in (PUBLISHED, "withdrawn"):
        raise Conflict(
            "Новую редакцию открывают у опубликованного или снятого с публикации материала",
            field="status",
        )


def check_shareable(status: str) -> None:
    if status != PUBLISHED:
        raise Conflict(
            "В банк ММЦ передаётся только одобренный (опубликованный в районе) материал",
            field="status",
        )


def check_reason(reason: str, field: str = "reason") -> str:
    text = squash(reason)
    if len(text) < 5:
        raise InvalidInput("Укажите причину (не короче 5 символов)", field=field)
    return text[:2000]


def check_comment(text: str, *, required: bool, field: str = "comment") -> str:
    body = text.strip()
    if required and len(body) < 5:
        raise InvalidInput("Напишите замечание (не короче 5 символов)", field=field)
    if len(body) > 10_000:
        raise InvalidInput("Замечание длиннее 10000 символов", field=field)
    return body
