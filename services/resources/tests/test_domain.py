"""Pure rules of the bank: file types by their bytes, limits, text extraction, Russian
stemming and index weights, the version rule of the bank, the link's district, access."""

import hashlib
from typing import Any
from uuid import uuid4

import pytest

from imc_contracts import ResourceFile
from imc_resources.domain import access, files, search, text
from imc_resources.domain.bank import BadPublication, check_file, district_of_link, supersedes
from imc_resources.domain.resources import (
    check_submittable,
    check_tags,
    licence_title,
)
from imc_shared.auth import Principal, Role
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.origin import OriginMismatch

LIMITS = files.Limits(file_bytes=64 * 1024, video_bytes=32 * 1024, resource_bytes=128 * 1024)


def _check(name: str, content: bytes, *, kind: str = "methodical", before: int = 0) -> Any:
    return files.check_upload(name, content, kind=kind, limits=LIMITS, total_before=before)


def test_types_are_told_by_their_bytes(h: Any) -> None:
    assert _check("Конспект.pdf", h.pdf("Урок"))[1] == files.PDF
    assert _check("Конспект.docx", h.docx_file("Урок"))[1] == files.DOCX
    assert _check("Слайды.pptx", h.pptx_file())[1] == files.PPTX
    assert _check("Таблица.xlsx", h.xlsx_file())[1] == files.XLSX
    assert _check("Текст.odt", h.odt_file())[1] == files.ODT
    assert _check("Заметки.txt", "Урок математики".encode())[1] == files.TXT
    assert _check("Заметки.txt", "Урок математики".encode("cp1251"))[1] == files.TXT
    assert _check("Видео.mp4", h.mp4_file(), kind="recording")[1] == files.MP4
    # A name without an extension gets the detected one.
    assert _check("Конспект", h.pdf("Урок"))[0] == "Конспект.pdf"
    # Folders and control characters are dropped from a name.
    assert _check("C:\\Users\\teacher\\План\x07.pdf", h.pdf("Урок"))[0] == "План.pdf"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("программа.exe", b"MZ\x90\x00" + b"\x00" * 60, "исполняемые"),
        ("программа.pdf", b"MZ\x90\x00" + b"\x00" * 60, "исполняемые"),  # a renamed .exe
        ("setup.docx", b"\x7fELF\x02\x01\x01" + b"\x00" * 60, "исполняемые"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "исполняемые"),
        ("script.js", b"alert(1)", "исполняемые"),
        ("архив.pdf", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "архивы"),
        ("архив.7z", b"7z\xbc\xaf\x27\x1c" + b"\x00" * 40, "архивы"),
        ("архив.gz", b"\x1f\x8b\x08" + b"\x00" * 40, "архивы"),
        ("старый.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "старых форматов"),
        ("картинка.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "не распознан"),
        ("пусто.pdf", b"", "пустой"),
        ("видео.mp4", b"\x00\x00\x00\x18ftypqt  " + b"\x00" * 40, "MP4"),
    ],
)
def test_what_the_bank_refuses(name: str, content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as refused:
        _check(name, content)
    assert refused.value.field == "file"


def test_packages_are_opened_not_trusted(h: Any) -> None:
    with pytest.raises(InvalidInput, match="архивы"):
        _check("документы.zip", h.package({"a.txt": b"1", "b.txt": b"2"}))
    with pytest.raises(InvalidInput, match="архивы"):
        _check("документы.docx", h.package({"a.txt": b"1"}))  # a zip renamed to .docx
    with pytest.raises(InvalidInput, match="макрос"):
        _check(
            "макрос.docx",
            h.package(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w/>",
                    "word/vbaProject.bin": b"\x00",
                }
            ),
        )
    with pytest.raises(InvalidInput, match="исполняемые"):
        _check(
            "вложение.pptx",
            h.package(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "ppt/presentation.xml": b"<p/>",
                    "ppt/embeddings/setup.exe": b"MZ",
                }
            ),
        )
    with pytest.raises(InvalidInput, match="повреждён"):
        _check("битый.docx", b"PK\x03\x04" + b"\x00" * 100)
    # The extension must agree with the content.
    with pytest.raises(InvalidInput, match="не соответствует содержимому: это файл DOCX"):
        _check("конспект.pdf", h.docx_file("Урок"))


def test_sizes_and_video_rules(h: Any) -> None:
    with pytest.raises(InvalidInput, match="больше допустимых 64 КБ"):
        _check("большой.txt", b"a" * (64 * 1024 + 1))
    with pytest.raises(InvalidInput, match="для видеозаписи 32 КБ"):
        _check("видео.mp4", h.mp4_file(40 * 1024), kind="recording")
    with pytest.raises(InvalidInput, match="прикладывается только к материалу вида"):
        _check("видео.mp4", h.mp4_file(), kind="lesson_plan")
    with pytest.raises(InvalidInput, match="превысят"):
        _check("ещё.txt", b"a" * 1000, before=128 * 1024 - 10)
    assert files.megabytes(10 * 1024 * 1024) == "10 МБ"
    assert files.megabytes(1536 * 1024) == "1,5 МБ"
    assert files.megabytes(64 * 1024) == "64 КБ"


def test_text_is_extracted_from_pdf_docx_and_txt(h: Any) -> None:
    found = text.extract("a.pdf", files.PDF, h.pdf("Технологическая карта урока\nОценивание"))
    assert "Технологическая карта урока" in found and "Оценивание" in found
    assert "Критериальное" in text.extract(
        "a.docx", files.DOCX, h.docx_file("Критериальное оценивание", "5 класс")
    )
    assert text.extract("a.txt", files.TXT, "Задачи на движение".encode("cp1251")) == (
        "Задачи на движение"
    )
    assert text.extract("a.pptx", files.PPTX, h.pptx_file()) == ""
    assert len(text.extract("a.txt", files.TXT, b"a" * 500, limit=100)) == 100
    with pytest.raises(InvalidInput, match="повреждён"):
        text.extract("b.pdf", files.PDF, b"%PDF-1.4\n garbage")


@pytest.mark.parametrize(
    "forms",
    [
        ("урок", "уроков", "уроки", "уроками", "Урок"),
        ("оценивание", "оценивания", "оцениванию"),
        ("задача", "задачи", "задач", "задачам"),
        ("ёлка", "елка", "Ёлки"),
        ("грамотность", "грамотности"),
    ],
)
def test_inflected_forms_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({search.query_stems(f)[0] for f in forms}) == 1


def test_index_weights_put_the_title_first() -> None:
    terms = search.index_terms(
        title="Урок математики",
        summary="Решение задач",
        tags=["Функциональная грамотность"],
        text=" ".join(["урок"] * 50 + ["оценивание"] * 3),
    )
    assert terms[search.stem("урок")] == 100 + search.TEXT_CAP
    assert terms[search.stem("оценивание")] == 3
    assert terms[search.stem("задач")] == 10
    assert terms[search.tag_key("функциональная  ГРАМОТНОСТЬ")] == 30
    assert "и" not in terms and search.stem("на") not in search.stems("задачи на движение")
    assert search.query_stems("урок и оценивание") == [
        search.stem("урок"),
        search.stem("оценивание"),
    ]
    assert search.query_stems("для") == ["для"]  # only stop words: searched as they are


def test_the_highest_version_wins_and_withdrawal_wins_a_tie() -> None:
    assert supersedes(1, False, None)
    assert supersedes(2, False, (1, False))
    assert not supersedes(1, False, (2, False))
    assert not supersedes(2, False, (2, False))  # a repeat
    assert supersedes(2, True, (2, False))  # withdrawal wins a tie
    assert not supersedes(2, False, (2, True))
    assert not supersedes(1, True, (2, False))  # an old withdrawal loses
    assert supersedes(3, False, (2, True))  # a new edition after a withdrawal


def test_files_of_a_publication_are_checked(h: Any) -> None:
    content = h.pdf("Урок")
    good = ResourceFile(
        name="a.pdf",
        media_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    assert check_file(good) == files.PDF
    with pytest.raises(BadPublication, match="sha256"):
        check_file(ResourceFile(**{**_fields(good), "sha256": "0" * 64}))
    with pytest.raises(BadPublication, match="size"):
        check_file(ResourceFile(**{**_fields(good), "size": 1}))
    exe = h.EXE
    with pytest.raises(BadPublication, match="исполняемые"):
        check_file(
            ResourceFile(
                name="a.pdf",
                media_type="application/pdf",
                size=len(exe),
                sha256=hashlib.sha256(exe).hexdigest(),
                content=exe,
            )
        )


def _fields(item: ResourceFile) -> dict[str, Any]:
    return {f: getattr(item, f) for f in item.__struct_fields__}


def test_the_district_comes_from_the_link(h: Any) -> None:
    upstreams = {"yaya": h.YAYA_URI, "tisul": h.TISUL_URI}
    assert district_of_link(h.YAYA_LINK, upstreams) == "yaya"
    assert district_of_link(h.TISUL_LINK, upstreams) == "tisul"
    with pytest.raises(OriginMismatch, match="did not come over a link"):
        district_of_link({}, upstreams)
    with pytest.raises(OriginMismatch, match="no federated district"):
        district_of_link({"x-received-from": [{"uri": "amqp://10.9.9.9:5672"}]}, upstreams)
    # Another vhost of the same node is another district.
    with pytest.raises(OriginMismatch):
        district_of_link({"x-received-from": [{"uri": "amqp://10.0.0.6:5672/yaya"}]}, upstreams)


def _principal(role: Role, **claims: Any) -> Principal:
    return Principal(subject="s", role=role, district="yaya", **claims)


def test_access_rules() -> None:
    author, school, other = uuid4(), uuid4(), uuid4()
    draft = access.Holder(
        status="draft", author_person_id=author, organisation_id=school, council_review=False
    )
    published = access.Holder(
        status="approved", author_person_id=author, organisation_id=school, council_review=False
    )
    teacher = _principal(Role.TEACHER, person_id=author, organisation_id=school)
    stranger = _principal(Role.TEACHER, person_id=other, organisation_id=school)
    representative = _principal(Role.SCHOOL_REPRESENTATIVE, organisation_id=school)
    foreign = _principal(Role.SCHOOL_REPRESENTATIVE, organisation_id=other)
    secretary = _principal(Role.COUNCIL_SECRETARY)
    member = _principal(Role.COUNCIL_MEMBER)
    methodist = _principal(Role.METHODIST)
    for allowed in (teacher, representative, methodist):
        assert access.read_refusal(allowed, draft) is None
        assert access.edit_refusal(allowed, draft) is None
    for refused in (stranger, foreign, secretary, member):
        assert access.read_refusal(refused, draft) is not None
        assert access.read_refusal(refused, published) is None
    assert access.edit_refusal(secretary, draft) is not None
    referred = access.Holder(
        status="submitted", author_person_id=author, organisation_id=school, council_review=True
    )
    assert access.read_refusal(secretary, referred) is None
    assert access.review_refusal(secretary, referred) is None
    assert access.review_refusal(secretary, draft) is not None
    assert access.review_refusal(teacher, referred) is not None
    assert access.actions(teacher, draft, shared=False, can_share=True) == [
        "comment",
        "edit",
        "submit",
    ]
    assert access.actions(member, published, shared=False, can_share=True) == []
    assert "share" in access.actions(methodist, published, shared=False, can_share=True)
    assert "share" not in access.actions(methodist, published, shared=False, can_share=False)
    assert access.actions(secretary, referred, shared=False, can_share=True) == [
        "comment",
        "return",
        "approve",
    ]


def test_small_rules() -> None:
    assert check_tags(["  ФГОС ", "фгос", "", "5 класс"]) == ["фгос", "5 класс"]
    with pytest.raises(InvalidInput):
        check_tags([f"тег {i}" for i in range(21)])
    with pytest.raises(InvalidInput, match="аннотацию"):
        check_submittable("draft", summary="кратко", files=1)
    with pytest.raises(InvalidInput, match="файл"):
        check_submittable("draft", summary="Аннотация материала для учителей", files=0)
    with pytest.raises(Conflict):
        check_submittable("approved", summary="Аннотация материала для учителей", files=1)
    assert licence_title("CC BY 4.0").startswith("CC BY 4.0 —")
    assert licence_title("cc_by_nc").startswith("CC BY-NC 4.0")
    assert licence_title("GNU FDL") == "GNU FDL"
