"""Files of a resource: what type a file is by its first bytes (never by its name), which
types the bank takes, and the size limits.

Taken: PDF, DOCX, PPTX, XLSX, ODT, plain text and MP4 video (recordings). Refused:
executables and scripts, archives, old binary Office formats, documents with macros,
anything unknown, and a name whose extension contradicts the content.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Final

from imc_resources.domain.resources import KIND_TITLES, VIDEO_KINDS
from imc_shared.errors import InvalidInput

MB: Final = 1024 * 1024
MAX_UNPACKED: Final = 256 * MB
"""An office file (a ZIP package) that unpacks to more than this is refused."""


@dataclass(frozen=True)
class FileType:
    """A type of file the bank takes."""

    code: str
    title: str
    media_type: str
    extensions: tuple[str, ...]

    @property
    def video(self) -> bool:
        return self.code == "mp4"


PDF: Final = FileType("pdf", "PDF", "application/pdf", (".pdf",))
DOCX: Final = FileType(
    "docx",
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
PPTX: Final = FileType(
    "pptx",
    "PPTX",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
XLSX: Final = FileType(
    "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
ODT: Final = FileType("odt", "ODT", "application/vnd.oasis.opendocument.text", (".odt",))
TXT: Final = FileType("txt", "TXT", "text/plain", (".txt",))
MP4: Final = FileType("mp4", "MP4", "video/mp4", (".mp4", ".m4v"))
TYPES: Final = (PDF, DOCX, PPTX, XLSX, ODT, TXT, MP4)
ALLOWED: Final = "PDF, DOCX, PPTX, XLSX, ODT, TXT и MP4 (видеозаписи)"

_EXECUTABLE_MAGIC: Final = (
    b"MZ",  # Windows PE (exe, dll, scr)
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xfe\xed\xfa\xce",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # a script
    b"\x00asm",  # WebAssembly
)
_ARCHIVE_MAGIC: Final = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",  # cabinet
    b"\x28\xb5\x2f\xfd",  # zstd
)
_OLE2: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MP4_BRANDS: Final = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1"}
    | {b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4", b"MSNV", b"f4v "}
)
_EXECUTABLE_NAMES: Final = re.compile(
    r"\.(exe|dll|com|scr|msi|bat|cmd|ps1|vbs|vbe|js|jse|wsf|hta|jar|sh|apk|app|lnk|reg|cpl)$",
    re.IGNORECASE,
)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(name: str) -> str:
    """A file name without folders or control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _CONTROL.sub("", unicodedata.normalize("NFC", base)).strip().strip(".")
    if not base:
        return "файл"
    if len(base) > 200:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[:190] + dot + suffix[:9]) if dot and len(suffix) <= 9 else base[:200]
    return base


def extension(name: str) -> str:
    """The name's extension in lower case with its dot, or ""."""
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _refuse(name: str, message: str) -> InvalidInput:
    return InvalidInput(f"Файл «{name}»: {message}", field="file")


def _package(name: str, content: bytes) -> FileType:
    """An office package (a ZIP) by its parts; any other ZIP is an archive."""
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _refuse(name, "файл повреждён (не удаётся прочитать его содержимое)") from error
    names = {info.filename for info in infos}
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise _refuse(name, "файл распаковывается в слишком большой объём и не принимается")
    if any(info.flag_bits & 0x1 for info in infos):
        raise _refuse(name, "файл защищён паролем; приложите файл без пароля")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(name, "документы с макросами не принимаются; сохраните файл без макросов")
    if any(_EXECUTABLE_NAMES.search(n) for n in names):
        raise _refuse(name, "в документ вложены исполняемые файлы; такие файлы не принимаются")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "ppt/presentation.xml" in names:
            return PPTX
        if "xl/workbook.xml" in names:
            return XLSX
    if infos and infos[0].filename == "mimetype":
        try:
            mimetype = package.read("mimetype").strip()
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise _refuse(name, "файл повреждён") from error
        if mimetype == ODT.media_type.encode():
            return ODT
        raise _refuse(
            name, f"из документов OpenDocument принимается только текст (ODT); допустимы {ALLOWED}"
        )
    raise _refuse(name, f"архивы не принимаются; допустимы {ALLOWED}")


def _is_text(content: bytes) -> bool:
    """Readable text: UTF-8 (or Windows-1251) with no control characters but layout."""
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1251")
        except UnicodeDecodeError:
            return False
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return control == 0


def detect(name: str, content: bytes) -> FileType:
    """The type of ``content`` by its first bytes; refuses what the bank does not take."""
    head = content[:16]
    if head.startswith(_EXECUTABLE_MAGIC):
        raise _refuse(name, "исполняемые файлы и сценарии не принимаются")
    if head.startswith(_ARCHIVE_MAGIC) or content[257:262] == b"ustar":
        raise _refuse(name, f"архивы не принимаются; допустимы {ALLOWED}")
    if head.startswith(_OLE2):
        raise _refuse(
            name,
            "файлы старых форматов Microsoft Office (DOC, XLS, PPT) не принимаются; "
            "сохраните его в формате DOCX, XLSX или PPTX",
        )
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _package(name, content)
    if content[4:8] == b"ftyp":
        if content[8:12] in _MP4_BRANDS:
            return MP4
        raise _refuse(name, f"видео принимается только в формате MP4; допустимы {ALLOWED}")
    if _is_text(content):
        return TXT
    raise _refuse(name, f"тип файла не распознан; допустимы {ALLOWED}")


@dataclass(frozen=True)
class Limits:
    """Size limits of the bank (from the settings)."""

    file_bytes: int
    video_bytes: int
    resource_bytes: int


def megabytes(size: int) -> str:
    """``10 МБ``, ``1,5 МБ``, ``64 КБ``."""
    if size < MB:
        return f"{max(1, round(size / 1024))} КБ"
    value = size / MB
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
    return text.replace(".", ",") + " МБ"


def check_upload(
    name: str, content: bytes, *, kind: str, limits: Limits, total_before: int
) -> tuple[str, FileType]:
    """Check an uploaded file against the bank's rules; returns its clean name and type."""
    clean = clean_name(name)
    if _EXECUTABLE_NAMES.search(clean):
        raise _refuse(clean, "исполняемые файлы и сценарии не принимаются")
    if not content:
        raise _refuse(clean, "файл пустой")
    if len(content) > limits.file_bytes and len(content) > limits.video_bytes:
        raise _refuse(
            clean,
            f"размер {megabytes(len(content))} больше допустимых "
            f"{megabytes(max(limits.file_bytes, limits.video_bytes))}",
        )
    kind_of_file = detect(clean, content)
    cap = limits.video_bytes if kind_of_file.video else limits.file_bytes
    if len(content) > cap:
        what = "видеозаписи" if kind_of_file.video else "файла"
        raise _refuse(
            clean, f"размер {megabytes(len(content))} больше допустимых для {what} {megabytes(cap)}"
        )
    if kind_of_file.video and kind not in VIDEO_KINDS:
        allowed = " или ".join(f"«{KIND_TITLES[k]}»" for k in sorted(VIDEO_KINDS))
        raise _refuse(clean, f"видеозапись (MP4) прикладывается только к материалу вида {allowed}")
    suffix = extension(clean)
    if not suffix:
        clean = f"{clean}{kind_of_file.extensions[0]}"
    elif suffix not in kind_of_file.extensions:
        raise _refuse(
            clean,
            f"расширение {suffix} не соответствует содержимому: это файл {kind_of_file.title}; "
            "проверьте файл",
        )
    if total_before + len(content) > limits.resource_bytes:
        raise _refuse(
            clean,
            f"вместе с уже приложенными ({megabytes(total_before)}) файлы материала превысят "
            f"{megabytes(limits.resource_bytes)}",
        )
    return clean, kind_of_file


def by_code(code: str) -> FileType:
    """The file type of a code stored with a file."""
    return next(t for t in TYPES if t.code == code)
