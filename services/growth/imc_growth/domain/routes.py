"""The individual educational route (ИОМ): one per teacher per school year, goals tied to
deficits, steps with deadlines, and how each kind of step is completed."""

from datetime import date
from typing import Final

from imc_shared.errors import Conflict, InvalidInput

STEP_KIND_TITLES: Final = {
    "event": "мероприятие",
    "internship": "стажировка",
    "course": "курсы повышения квалификации (сторонняя организация)",
    "mentoring": "наставничество (тьюторское сопровождение)",
}
STEP_STATUS_TITLES: Final = {
    "planned": "запланирован",
    "submitted": "подтверждение на проверке",
    "done": "выполнен",
    "returned": "подтверждение возвращено",
    "missed": "срок пропущен",
}
EVENT_KINDS: Final = frozenset({"event", "internship"})

# Evidence of a course: a certificate, a diploma or a statement, as a PDF, an image or
# a Word / OpenDocument file, checked by its first bytes, not by the name it came with.
_SIGNATURES: Final = {
    ".pdf": ((b"%PDF-",), "application/pdf"),
    ".jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    ".png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    ".docx": (
        (b"PK\x03\x04",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".odt": ((b"PK\x03\x04",), "application/vnd.oasis.opendocument.text"),
    ".doc": ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), "application/msword"),
}


def effective_status(status: str, deadline: date | None, today: date) -> str:
    """The status people see: a step still planned (or returned) after its deadline is
    missed; it can still be completed (attendance arriving late completes it)."""
    if status in ("planned", "returned") and deadline is not None and deadline < today:
        return "missed"
    return status


def check_step(
    *,
    kind: str,
    title: str,
    event_known: bool,
    hours: int,
    planned_hours: float,
    assignment_given: bool,
) -> None:
    """What each kind of step needs."""
    if kind not in STEP_KIND_TITLES:
        raise InvalidInput(
            f"Неизвестный вид шага «{kind}»; допустимые: " + ", ".join(STEP_KIND_TITLES),
            field="kind",
        )
    if kind in EVENT_KINDS and not event_known:
        raise InvalidInput(
            "Укажите мероприятие из календаря ИМЦ или ММЦ (event_id)", field="event_id"
        )
    if kind == "course":
        if len(" ".join(title.split())) < 3:
            raise InvalidInput("Укажите название курсов", field="title")
        if not 0 < hours <= 2000:
            raise InvalidInput("Объём курсов — от 1 до 2000 часов", field="hours")
    if kind == "mentoring":
        if not assignment_given:
            raise InvalidInput(
                "Укажите назначение тьютора или наставника (assignment_id)",
                field="assignment_id",
            )
        if not 0 < planned_hours <= 500:
            raise InvalidInput(
                "Запланированные часы наставничества — больше 0 и не более 500",
                field="planned_hours",
            )


def check_event_kind(kind: str, form: str) -> None:
    """An internship step names an internship; an event step names any other event."""
    if kind == "internship" and form != "internship":
        raise InvalidInput(
            "Шаг «стажировка» указывает на мероприятие в форме стажировки", field="event_id"
        )


def check_evidence(filename: str, content: bytes, max_bytes: int) -> str:
    """Validate an uploaded evidence file; return its content type."""
    if not content:
        raise InvalidInput("Приложите файл документа о прохождении курсов", field="file")
    if len(content) > max_bytes:
        limit = max(1, max_bytes // (1024 * 1024))
        raise InvalidInput(f"Файл «{filename}» больше {limit} МБ", field="file")
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    known = _SIGNATURES.get(suffix)
    if known is None:
        raise InvalidInput(
            f"Файл «{filename}»: допустимы форматы PDF, JPG, PNG, DOCX, DOC, ODT", field="file"
        )
    signatures, content_type = known
    if not content.startswith(signatures):
        raise InvalidInput(
            f"Файл «{filename}» повреждён или не является {suffix[1:].upper()}", field="file"
        )
    return content_type


def check_submittable(kind: str, status: str) -> None:
    """A teacher sends evidence for a course not yet approved."""
    if kind != "course":
        raise InvalidInput(
            "Подтверждающий документ прикладывается только к шагу «курсы повышения "
            "квалификации»; мероприятия и стажировки отмечаются по посещению, "
            "наставничество — по часам встреч",
            field="kind",
        )
    if status == "done":
        raise Conflict("Шаг уже выполнен: подтверждение принято", field="status")


def check_reviewable(kind: str, status: str) -> None:
    """A methodist approves or returns evidence that was sent."""
    if kind != "course":
        raise InvalidInput("Проверяется только подтверждение курсов", field="kind")
    if status != "submitted":
        raise Conflict(
            "Подтверждение не на проверке: педагог ещё не приложил документ "
            f"(шаг: «{STEP_STATUS_TITLES[status]}»)",
            field="status",
        )


def mentoring_done(met_hours: float, planned_hours: float) -> bool:
    """Mentoring is done once the meetings' hours reach the plan."""
    return planned_hours > 0 and met_hours + 1e-9 >= planned_hours
