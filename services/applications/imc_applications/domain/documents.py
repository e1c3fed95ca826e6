"""The application package of seeds/000 §3.2 and what an acceptable file is."""

from typing import Final

from imc_shared.errors import InvalidInput

REQUIRED_DOCUMENTS: Final = {
    "statement": "заявление с указанием темы",
    "information_note": "информационная справка о результатах работы по выбранной теме",
    "work_plan": "план работы опорной (стажировочной) методической площадки",
}
# Formats a methodist sends: PDF, Word (DOCX, DOC) and OpenDocument text, checked by
# their first bytes, not by the name the browser gives.
_SIGNATURES: Final = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
CONTENT_TYPES: Final = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".doc": "application/msword",
}


def check_document(kind: str, filename: str, content: bytes, max_bytes: int) -> str:
    """Validate one uploaded document; return its content type."""
    title = REQUIRED_DOCUMENTS[kind]
    if not content:
        raise InvalidInput(f"Приложите документ: {title}", field=kind)
    if len(content) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise InvalidInput(f"Файл «{filename}» больше {limit} МБ", field=kind)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    signatures = _SIGNATURES.get(suffix)
    if signatures is None:
        raise InvalidInput(f"Файл «{filename}»: допустимы форматы PDF, DOCX, DOC, ODT", field=kind)
    if not content.startswith(signatures):
        raise InvalidInput(
            f"Файл «{filename}» повреждён или не является {suffix[1:].upper()}", field=kind
        )
    return CONTENT_TYPES[suffix]


def check_topic(topic: str) -> str:
    """The topic of the site, trimmed; it must say something (000 §3.2)."""
    cleaned = " ".join(topic.split())
    if len(cleaned) < 10:
        raise InvalidInput("Укажите тему площадки (не короче 10 символов)", field="topic")
    if len(cleaned) > 1000:
        raise InvalidInput("Тема площадки длиннее 1000 символов", field="topic")
    return cleaned
