"""Documents rendered on request: certificates, internship statements, letters of thanks;
their validation, their once-per-source rule, the verification page and revocation.

The DOCX of every template is rendered with real data and read back with python-docx;
one test converts all three through the real LibreOffice in a single batch run and checks
the PDF text (pypdf) and the pages (pdftoppm). Golden files hold the text of each
rendered template (``IMC_UPDATE_GOLDEN=1`` rewrites them after an intended change; see
conftest.py).
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from docx import Document as DocxDocument
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_documents.api.controllers import (
    DocumentController,
    RenderController,
    RevokeController,
    VerifyController,
)
from imc_documents.app import MIGRATIONS
from imc_documents.domain.awards import (
    CertificateData,
    StatementData,
    ThanksData,
    certificate_context,
    hours_phrase,
    new_verification_number,
    normalise_number,
    statement_context,
    thanks_context,
)
from imc_documents.domain.common import Letterhead
from imc_documents.rendering.docx import render_docx
from imc_documents.rendering.qr import qr_image
from imc_documents.services.papers import PAPERS, PaperService, RenderRequest, parse_data
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import (
    CERTIFICATE,
    INTERNSHIP_STATEMENT,
    LETTER_OF_THANKS,
    TEMPLATES_DIR,
)
from imc_shared import testing
from imc_shared.auth import Role
from imc_shared.db import Database, migrate
from imc_shared.errors import InvalidInput
from imc_shared.http import create_http_app
from imc_shared.storage import FileStore

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)
DISTRICT = "yaya"
TEACHER = UUID("0192f5a0-0000-7000-8000-00000000b001")
NUMBER = "7KQ2-M9XD"
URL = f"https://imc.example/verify/{NUMBER}"

CERTIFICATE_DATA: dict[str, Any] = {
    "participant_name": "Кузнецова Мария Ивановна",
    "participant_position": "учитель математики",
    "participant_organisation": "МБОУ «СОШ № 7»",
    "event_form": "муниципальный семинар",
    "event_title": "Формирующее оценивание на уроках математики",
    "event_date": "2021-12-20",
    "hours": 6,
}
STATEMENT_DATA: dict[str, Any] = {
    "participant_name": "Петров Пётр Сергеевич",
    "participant_position": "учитель физики",
    "participant_organisation": "МБОУ «Яйская СОШ № 1»",
    "site_name": "МБОУ «СОШ № 7» г. Мариинска",
    "program_title": "Наставничество молодых педагогов",
    "start_date": "2021-12-13",
    "end_date": "2021-12-20",
    "hours": 36,
}
THANKS_DATA: dict[str, Any] = {
    "recipient_name": "Соколова Анна Викторовна",
    "recipient_position": "заместитель директора",
    "recipient_organisation": "МБОУ «СОШ № 7»",
    "addressee": "Уважаемая Анна Викторовна!",
    "reason": "активное участие в работе муниципальной стажировочной площадки",
    "issued_on": "2021-12-24",
}


REGULATION_ORDER_DATA: dict[str, Any] = {
    "issuer": "Управление образования администрации Мариинского муниципального округа",
    "order_number": "1531",
    "order_date": "2021-12-20",
    "place": "г. Мариинск",
    "regulation_title": "о муниципальной стажировочной площадке на базе МБОУ «СОШ № 7»",
    "purpose": "В целях определения условий для профессионального развития руководящих и "
    "педагогических работников",
    "points": [
        "Направить положение о стажировочной площадке в образовательные организации",
        "Разместить положение на официальном сайте управления образования",
    ],
    "control": "Контроль за исполнением приказа возложить на директора МКУ «ИМЦ» Орлову Т.Н.",
    "signatory_name": "Иванова Ирина Петровна",
    "signatory_position": "начальник управления образования",
    "appendix": ["1. Общие положения", "1.1. Стажировочная площадка создаётся на базе школы."],
}
LEADERS_ORDER_DATA: dict[str, Any] = {
    "order_number": "45-од",
    "order_date": "2026-10-15",
    "purpose": "В соответствии с Положением об опорной (стажировочной) методической площадке",
    "signatory_name": "Сладкова Наталья Александровна",
    "signatory_position": "директор",
    "sites": [
        {
            "site": "ОСМП МБОУ «СОШ № 7»",
            "leader_name": "Кузнецова Ольга Викторовна",
            "leader_position": "заместитель директора",
            "co_leader_name": "Сергеева Елена Николаевна",
            "co_leader_position": "методист ИМЦ",
        },
        {
            "site": "ОСМП МБДОУ «Детский сад № 3»",
            "leader_name": "Морозова Анна Павловна",
            "leader_position": "заведующий",
        },
    ],
}


ROAD_MAP_DATA: dict[str, Any] = {
    "issued_on": "2025-09-01",
    "site": "муниципальной стажировочной площадки на базе МБОУ «СОШ № 7»",
    "topic": "Наставничество молодых педагогов",
    "period": "2025/2026 учебный год",
    "leader_name": "Кузнецова Ольга Викторовна",
    "rows": [
        {
            "activity": "Разработка и утверждение программы стажировки",
            "form": "заседание рабочей группы",
            "responsible": "Кузнецова О.В.",
            "deadline": "сентябрь 2025 г.",
            "result": "утверждённая программа стажировки",
            "state": "выполнено",
        },
        {
            "activity": "Открытые уроки учителей-наставников",
            "form": "мастер-класс",
            "responsible": "учителя-наставники",
            "deadline": "ноябрь 2025 г.",
            "result": "методические разработки уроков",
            "state": "в работе",
        },
        {
            "activity": "Итоговая конференция стажёров",
            "form": "конференция",
            "responsible": "Сергеева Е.Н.",
            "deadline": "май 2026 г.",
            "result": "сборник материалов конференции",
        },
    ],
}
WORK_PLAN_DATA: dict[str, Any] = {
    "issued_on": "2025-08-29",
    "period": "2025/2026 учебный год",
    "sections": [
        {
            "title": "Организационно-методическая работа",
            "items": [
                {
                    "title": "Заседание методического совета «Итоги 2024/2025 учебного года»",
                    "form": "заседание",
                    "responsible": "Сладкова Н.А.",
                    "deadline": "август 2025 г.",
                    "fulfilled": "выполнено",
                },
                {
                    "title": "Приём заявок на присвоение статуса методической площадки",
                    "form": "экспертиза заявок",
                    "responsible": "Орлова Т.Н.",
                    "deadline": "сентябрь – октябрь 2025 г.",
                },
            ],
        },
        {
            "title": "Работа с педагогическими кадрами",
            "items": [
                {
                    "title": "Муниципальный семинар «Формирующее оценивание»",
                    "form": "семинар",
                    "responsible": "Сергеева Е.Н.",
                    "deadline": "декабрь 2025 г.",
                }
            ],
        },
    ],
}
NOTE_DATA: dict[str, Any] = {
    "issued_on": "2025-12-22",
    "number": "01-12/245",
    "title": "о проведении муниципального семинара «Формирующее оценивание»",
    "sections": [
        {
            "paragraphs": [
                "19 декабря 2025 г. на базе МБОУ «СОШ № 7» проведён муниципальный семинар "
                "«Формирующее оценивание на уроках математики».",
            ]
        },
        {
            "heading": "Участники семинара",
            "paragraphs": ["В работе семинара приняли участие 20 педагогов из 2 организаций."],
            "tables": [
                {
                    "title": "Участники по организациям",
                    "columns": ["Организация", "Педагогов", "Выступили"],
                    "rows": [
                        ["МБОУ «СОШ № 7»", 12, 3],
                        ["МБОУ «Яйская СОШ № 1»", 8, 1],
                        ["Итого", 20, 4],
                    ],
                }
            ],
        },
    ],
    "executor": "Сергеева Елена Николаевна, 8 (38441) 2-15-07",
}
REPORT_DATA: dict[str, Any] = {
    "issued_on": "2025-06-30",
    "period": "2024/2025 учебный год",
    "sections": [
        {
            "heading": "1. Общие сведения",
            "paragraphs": [
                "В 2024/2025 учебном году работа центра была направлена на методическое "
                "сопровождение педагогических работников округа.",
            ],
        },
        {
            "heading": "2. Мероприятия",
            "paragraphs": ["Всего проведено 45 мероприятий для 1 841 участника."],
            "tables": [
                {
                    "title": "Мероприятия по кварталам",
                    "columns": ["Квартал", "Мероприятий", "Участников"],
                    "rows": [
                        ["I", 14, 312],
                        ["II", 11, 280],
                        ["III", 3, 45],
                        ["IV", 17, 1204],
                        ["Итого", 45, 1841],
                    ],
                }
            ],
        },
        {
            "heading": "3. Методические площадки",
            "tables": [
                {
                    "title": "Площадки по видам",
                    "columns": ["Вид площадки", "Число", "Доля, %"],
                    "rows": [
                        ["ОСМП", 6, 42.9],
                        ["Стажировочные площадки", 5, 35.7],
                        ["Инновационные школы", 3, 21.4],
                    ],
                }
            ],
        },
    ],
}


def paper(template: str, data: dict[str, Any]) -> bytes:
    parsed = parse_data(template, data)
    context = PAPERS[template].context(parsed, LETTERHEAD, "", URL)
    return render_docx(TEMPLATES_DIR / PAPERS[template].file, context)


def road_map() -> bytes:
    return paper("road_map", ROAD_MAP_DATA)


def work_plan() -> bytes:
    return paper("work_plan", WORK_PLAN_DATA)


def information_note() -> bytes:
    return paper("information_note", NOTE_DATA)


def annual_report() -> bytes:
    return paper("annual_report", REPORT_DATA)


def regulation_order() -> bytes:
    return paper("order_regulation", REGULATION_ORDER_DATA)


def leaders_order() -> bytes:
    return paper("order_site_leaders", LEADERS_ORDER_DATA)


def certificate() -> bytes:
    data = parse_data("certificate", CERTIFICATE_DATA)
    assert isinstance(data, CertificateData)
    context = certificate_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    return render_docx(CERTIFICATE, context, images={"qr": qr_image(URL)})


def statement() -> bytes:
    data = parse_data("internship_statement", STATEMENT_DATA)
    assert isinstance(data, StatementData)
    context = statement_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    return render_docx(INTERNSHIP_STATEMENT, context, images={"qr": qr_image(URL)})


def thanks() -> bytes:
    data = parse_data("letter_of_thanks", THANKS_DATA)
    assert isinstance(data, ThanksData)
    return render_docx(LETTER_OF_THANKS, thanks_context(data, LETTERHEAD, number="БП-12"))


def docx_text(content: bytes) -> str:
    """The body of a DOCX in document order: a line per paragraph, a line per table row
    with its cells joined by « | », tabs kept (as the golden files of conftest.py hold it)."""
    body = DocxDocument(io.BytesIO(content)).element.body
    lines: list[str] = []

    def text(element: Any) -> str:
        return "".join(
            (piece.text or "") if piece.tag == f"{W}t" else "\t"
            for run in element.iter(f"{W}r")
            for piece in run.iterchildren(f"{W}t", f"{W}tab")
        )

    for child in body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(text(child))
        elif child.tag.endswith("}tbl"):
            for row in child.iter(f"{W}tr"):
                cells = [
                    " / ".join(text(p) for p in cell.iter(f"{W}p"))
                    for cell in row.iterchildren(f"{W}tc")
                ]
                lines.append(" | ".join(cells))
    return "\n".join(line.rstrip() for line in lines).strip() + "\n"


def media(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


# --- data and helpers ----------------------------------------------------------------


def test_a_missing_field_is_named_in_russian() -> None:
    data = dict(CERTIFICATE_DATA)
    del data["participant_name"]
    with pytest.raises(InvalidInput) as caught:
        parse_data("certificate", data)
    assert caught.value.field == "data.participant_name"
    assert "ФИО участника" in caught.value.message
    blank = dict(STATEMENT_DATA, program_title="  ")
    with pytest.raises(InvalidInput, match="программа стажировки"):
        parse_data("internship_statement", blank)


@pytest.mark.parametrize(
    ("template", "data", "field"),
    [
        ("diploma", CERTIFICATE_DATA, "template"),
        ("certificate", dict(CERTIFICATE_DATA, event_date="20.12.2021"), "data.event_date"),
        ("certificate", dict(CERTIFICATE_DATA, hours=0), "data.hours"),
        ("certificate", dict(CERTIFICATE_DATA, colour="red"), "data.colour"),
        ("letter_of_thanks", {**THANKS_DATA, "issued_on": None}, "data.issued_on"),
    ],
)
def test_bad_data_is_refused_with_the_field(
    template: str, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_data(template, data)
    assert caught.value.field == field


def test_a_missing_nested_field_is_named_with_its_path() -> None:
    data = {**LEADERS_ORDER_DATA, "sites": [{"site": "ОСМП", "leader_position": "зам"}]}
    with pytest.raises(InvalidInput) as caught:
        parse_data("order_site_leaders", data)
    assert caught.value.field == "data.sites[0].leader_name"
    with pytest.raises(InvalidInput) as empty:
        parse_data("order_site_leaders", {**LEADERS_ORDER_DATA, "sites": []})
    assert empty.value.field == "data.sites"
    without_number = {k: v for k, v in REGULATION_ORDER_DATA.items() if k != "order_number"}
    with pytest.raises(InvalidInput, match="номер приказа") as journal:
        parse_data("order_regulation", without_number)
    assert journal.value.field == "data.order_number"


def test_verification_numbers() -> None:
    number = new_verification_number()
    assert len(number) == 9 and number[4] == "-"
    assert normalise_number(number.lower()) == number
    assert normalise_number("7kq2m9xd") == "7KQ2-M9XD"
    assert normalise_number("7KQ2-M9XO") == "7KQ2-M9X0"
    assert normalise_number("../../etc") == ""
    assert [hours_phrase(n) for n in (1, 2, 6, 21, 36)] == [
        "1 час",
        "2 часа",
        "6 часов",
        "21 час",
        "36 часов",
    ]


# --- the DOCX of every template --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "render", "phrases", "images"),
    [
        (
            "certificate",
            certificate,
            [
                "СЕРТИФИКАТ",
                "Кузнецова Мария Ивановна",
                "учитель математики, МБОУ «СОШ № 7»",
                "принял(а) участие в работе муниципального семинара "
                "«Формирующее оценивание на уроках математики»",
                "«20» декабря 2021 г., в объёме 6 часов.",
                "Регистрационный № 7KQ2-M9XD",
                URL,
                "Н.А. Сладкова",
            ],
            1,
        ),
        (
            "internship_statement",
            statement,
            [
                "СПРАВКА",
                "о прохождении стажировки",
                "№\u00a07KQ2-M9XD",
                "с «13» декабря 2021 г. по «20» декабря 2021 г. прошёл(а) стажировку",
                "в объёме 36 часов",
                URL,
            ],
            1,
        ),
        (
            "letter_of_thanks",
            thanks,
            [
                "БЛАГОДАРСТВЕННОЕ ПИСЬМО",
                "Уважаемая Анна Викторовна!",
                "выражает Вам искреннюю благодарность за активное участие",
                "пгт Яя, «24» декабря 2021 г.",
                "Рег. № БП-12",
            ],
            0,
        ),
        (
            "order_regulation",
            regulation_order,
            [
                "Управление образования администрации Мариинского муниципального округа",
                "ПРИКАЗ",
                "от «20» декабря 2021 г.\t№\u00a01531",
                "г. Мариинск",
                "Об утверждении положения о муниципальной стажировочной площадке",
                "ПРИКАЗЫВАЮ:",
                "1. Утвердить Положение о муниципальной стажировочной площадке на базе "
                "МБОУ «СОШ № 7» (приложение 1).",
                "2. Направить положение о стажировочной площадке в образовательные организации.",
                "3. Разместить положение на официальном сайте управления образования.",
                "4. Контроль за исполнением приказа возложить на директора МКУ «ИМЦ» Орлову Т.Н.",
                "Начальник управления образования",
                "И.П. Иванова",
                "Приложение 1 к приказу от «20» декабря 2021 г. №\u00a01531",
                "ПОЛОЖЕНИЕ",
                "1.1. Стажировочная площадка создаётся на базе школы.",
            ],
            0,
        ),
        (
            "order_site_leaders",
            leaders_order,
            [
                "О назначении руководителей методических площадок",
                "от «15» октября 2026 г.\t№\u00a045-од",
                "пгт Яя",
                "1.1. ОСМП МБОУ «СОШ № 7»: руководитель – Кузнецова Ольга Викторовна, "
                "заместитель директора; соруководитель – Сергеева Елена Николаевна, "
                "методист ИМЦ;",
                "1.2. ОСМП МБДОУ «Детский сад № 3»: руководитель – Морозова Анна Павловна, "
                "заведующий.",
                "3. Контроль за исполнением настоящего приказа оставляю за собой.",
                "Н.А. Сладкова",
            ],
            0,
        ),
        (
            "road_map",
            road_map,
            [
                "МБУ «ИМЦ» Яйского муниципального округа",
                "УТВЕРЖДАЮ",
                "Директор МБУ «ИМЦ» Яйского муниципального округа",
                "_______________ Н.А. Сладкова",
                "«01» сентября 2025 г.",
                "ДОРОЖНАЯ КАРТА",
                "(план мероприятий) деятельности муниципальной стажировочной площадки на базе "
                "МБОУ «СОШ № 7» по теме «Наставничество молодых педагогов» на 2025/2026 учебный "
                "год",
                "№ п/п | Мероприятие | Форма проведения | Ответственные | Сроки исполнения | "
                "Ожидаемый результат | Отметка о выполнении",
                "1. | Разработка и утверждение программы стажировки | заседание рабочей группы | "
                "Кузнецова О.В. | сентябрь 2025 г. | утверждённая программа стажировки | "
                "выполнено",
                "3. | Итоговая конференция стажёров | конференция | Сергеева Е.Н. | май 2026 г. | "
                "сборник материалов конференции |",
                "Руководитель площадки | О.В. Кузнецова",
            ],
            0,
        ),
        (
            "work_plan",
            work_plan,
            [
                "УТВЕРЖДАЮ",
                "«29» августа 2025 г.",
                "ПЛАН РАБОТЫ\nМБУ «ИМЦ» Яйского муниципального округа\nна 2025/2026 учебный год",
                "1. Организационно-методическая работа\n",
                "1.1. | Заседание методического совета «Итоги 2024/2025 учебного года» | "
                "заседание | Сладкова Н.А. | август 2025 г. | выполнено",
                "1.2. | Приём заявок на присвоение статуса методической площадки",
                "2. Работа с педагогическими кадрами\n2.1. | Муниципальный семинар",
            ],
            0,
        ),
        (
            "information_note",
            information_note,
            [
                "ИНФОРМАЦИОННАЯ СПРАВКА\nо проведении муниципального семинара "
                "«Формирующее оценивание»",
                "«22» декабря 2025 г.\t№\u00a001-12/245",
                "Участники семинара",
                "Таблица 1 – Участники по организациям\nОрганизация | Педагогов | Выступили",
                "МБОУ «Яйская СОШ № 1» | 8 | 1\nИтого | 20 | 4",
                "Директор | Н.А. Сладкова",
                "Исп.: Сергеева Елена Николаевна, 8 (38441) 2-15-07",
            ],
            0,
        ),
        (
            "annual_report",
            annual_report,
            [
                "АНАЛИЗ РАБОТЫ\nМБУ «ИМЦ» Яйского муниципального округа\nза 2024/2025 учебный год",
                "«30» июня 2025 г.",
                "2. Мероприятия",
                "Таблица 1 – Мероприятия по кварталам\nКвартал | Мероприятий | Участников",
                "IV | 17 | 1\u00a0204\nИтого | 45 | 1\u00a0841",
                "Таблица 2 – Площадки по видам",
                "ОСМП | 6 | 42,9",
                "Директор | Н.А. Сладкова",
            ],
            0,
        ),
    ],
)
def test_template_renders_with_real_data_and_matches_its_golden_text(
    name: str, render: Any, phrases: list[str], images: int, golden: Any
) -> None:
    content = render()
    text = docx_text(content)
    for phrase in phrases:
        assert phrase in text, phrase
    assert "{{" not in text and "{%" not in text and "None" not in text
    assert len(media(content)) == images  # the QR code of a verifiable paper
    golden(name, content)


def test_without_optional_fields_no_dangling_punctuation() -> None:
    data = parse_data(
        "certificate",
        {
            "participant_name": "Иванов Иван",
            "event_title": "Методический день",
            "event_date": "2022-03-05",
        },
    )
    assert isinstance(data, CertificateData)
    context = certificate_context(data, LETTERHEAD, number=NUMBER, verify_url=URL)
    text = docx_text(render_docx(CERTIFICATE, context, images={"qr": qr_image(URL)}))
    assert "принял(а) участие в работе мероприятия «Методический день»" in text
    assert "«05» марта 2022 г.." not in text and "«05» марта 2022 г." in text
    assert "\n,\n" not in text and ", ," not in text


# --- PDF through the real LibreOffice: every paper in one batch ------------------------

PDF_CASES: list[tuple[str, Any, list[str], int]] = [
    (
        "certificate",
        certificate,
        ["СЕРТИФИКАТ", "Кузнецова Мария Ивановна", "«20» декабря 2021 г.", "7KQ2-M9XD"],
        1,
    ),
    ("internship_statement", statement, ["СПРАВКА", "Петров Пётр Сергеевич", "36 часов"], 1),
    (
        "letter_of_thanks",
        thanks,
        ["БЛАГОДАРСТВЕННОЕ ПИСЬМО", "Соколова Анна Викторовна", "«24» декабря 2021 г."],
        1,
    ),
    (
        "order_regulation",
        regulation_order,
        ["ПРИКАЗ", "№ 1531", "«20» декабря 2021 г.", "ПОЛОЖЕНИЕ", "И.П. Иванова"],
        2,  # the order's appendix starts a page
    ),
    (
        "order_site_leaders",
        leaders_order,
        ["ПРИКАЗ", "№ 45-од", "«15» октября 2026 г.", "Морозова Анна Павловна", "Н.А. Сладкова"],
        1,
    ),
    (
        "road_map",
        road_map,
        [
            "УТВЕРЖДАЮ",
            "ДОРОЖНАЯ КАРТА",
            "«01» сентября 2025 г.",
            "Итоговая конференция стажёров",
            "май 2026 г.",
            "О.В. Кузнецова",
        ],
        1,
    ),
    (
        "work_plan",
        work_plan,
        ["УТВЕРЖДАЮ", "ПЛАН РАБОТЫ", "«29» августа 2025 г.", "1.2.", "Сергеева Е.Н."],
        1,
    ),
    (
        "information_note",
        information_note,
        ["ИНФОРМАЦИОННАЯ СПРАВКА", "№ 01-12/245", "«22» декабря 2025 г.", "Итого", "20"],
        1,
    ),
    (
        "annual_report",
        annual_report,
        ["АНАЛИЗ РАБОТЫ", "Таблица 2 – Площадки по видам", "1 204", "42,9", "Н.А. Сладкова"],
        1,
    ),
]


async def test_every_paper_converts_in_one_batch_with_its_text(
    warm_converter: Any, check_pdf: Any
) -> None:
    batches = warm_converter.batches
    pdfs = await warm_converter.convert_many([render() for _, render, _, _ in PDF_CASES])
    assert warm_converter.batches == batches + 1  # one LibreOffice run for all of them
    for (name, _, phrases, pages), pdf in zip(PDF_CASES, pdfs, strict=True):
        assert isinstance(pdf, bytes), (name, pdf)
        assert await asyncio.to_thread(check_pdf, name, pdf, phrases) == pages, name


def test_road_map_and_plan_are_landscape_and_the_rest_portrait() -> None:
    for name, render, _, _ in PDF_CASES:
        section = DocxDocument(io.BytesIO(render())).sections[0]
        wide = section.page_width > section.page_height
        assert wide == (name in ("road_map", "work_plan")), name


# --- on request over HTTP, on a real database ------------------------------------------


class CountingConverter:
    def __init__(self) -> None:
        self.calls = 0

    async def convert(self, docx: bytes) -> bytes:
        assert docx.startswith(b"PK")
        self.calls += 1
        return b"%PDF-1.7 stand-in " + str(self.calls).encode()


SETTINGS = DocumentsSettings(
    service="documents",
    district="yaya",
    district_name="Яйский муниципальный округ",
    authority=LETTERHEAD.authority,
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
    public_url="https://imc.example/",
    **testing.auth_settings(),
)


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


def papers_for(database: Database, tmp_path: Path, converter: Any) -> PaperService:
    return PaperService(
        database=database,
        store=FileStore(tmp_path / "files"),
        converter=converter,
        letterhead=LETTERHEAD,
        district="Яйский муниципальный округ",
        verify_base_url=SETTINGS.public_url,
    )


async def test_rendered_once_per_source_and_template_version(
    database: Database, tmp_path: Path
) -> None:
    converter = CountingConverter()
    papers = papers_for(database, tmp_path, converter)
    first = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    again = await papers.render(RenderRequest("certificate", dict(CERTIFICATE_DATA)))
    assert first.created and not again.created
    assert again.document.id == first.document.id
    assert converter.calls == 1
    keyed = await papers.render(
        RenderRequest("certificate", CERTIFICATE_DATA, source_key="event:1:person:1")
    )
    keyed_again = await papers.render(
        RenderRequest("certificate", dict(CERTIFICATE_DATA, hours=8), source_key="event:1:person:1")
    )
    assert keyed.created and not keyed_again.created
    assert keyed.document.verification_number != first.document.verification_number
    # A changed template is a new version: the same source renders again.
    changed = tmp_path / "templates"
    changed.mkdir()
    for name in ("certificate.docx",):
        content = (CERTIFICATE.parent / name).read_bytes()
        with (
            zipfile.ZipFile(io.BytesIO(content)) as src,
            zipfile.ZipFile(changed / name, "w") as dst,
        ):
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr("docProps/custom-note.txt", "v2")
    papers.templates = changed
    newer = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    assert newer.created and newer.document.template_version != first.document.template_version
    assert converter.calls == 3


async def test_render_verify_and_revoke_over_http(database: Database, tmp_path: Path) -> None:
    converter = CountingConverter()
    papers = papers_for(database, tmp_path, converter)
    store = papers.store
    await database.engine.dispose()
    app = create_http_app(
        [RenderController, VerifyController, RevokeController, DocumentController],
        settings=SETTINGS,
        title="Документы",
        dependencies={
            "database": Provide(lambda: database, sync_to_thread=False),
            "store": Provide(lambda: store, sync_to_thread=False),
            "papers": Provide(lambda: papers, sync_to_thread=False),
            "settings": Provide(lambda: SETTINGS, sync_to_thread=False),
        },
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth("yaya")
        missing = await client.post(
            "/documents/render",
            json={"template": "certificate", "data": {"event_title": "Семинар"}},
        )
        assert missing.status_code == 422
        assert "ФИО участника" in missing.text or "дата мероприятия" in missing.text
        body = {"template": "certificate", "data": CERTIFICATE_DATA, "person_id": str(TEACHER)}
        for role in (Role.TEACHER, Role.COUNCIL_MEMBER, Role.SCHOOL_REPRESENTATIVE):
            refused = await client.post(
                "/documents/render", json=body, auth=testing.auth(DISTRICT, role)
            )
            assert refused.status_code == 403, role
        created = await client.post(
            "/documents/render",
            json=body,
            auth=testing.auth(DISTRICT, Role.COUNCIL_SECRETARY),
        )
        assert created.status_code == 201, created.text
        doc = created.json()
        assert doc["kind"] == "certificate"
        assert doc["person_name"] == "Кузнецова Мария Ивановна"
        assert doc["number"] == doc["verification_number"]
        twice = await client.post(
            "/documents/render", json={"template": "certificate", "data": CERTIFICATE_DATA}
        )
        assert twice.status_code == 200 and twice.json()["id"] == doc["id"]
        thanks_doc = await client.post(
            "/documents/render", json={"template": "letter_of_thanks", "data": THANKS_DATA}
        )
        assert thanks_doc.status_code == 201 and thanks_doc.json()["verification_number"] is None
        listed = (await client.get("/documents")).json()
        assert {d["kind"] for d in listed} == {"certificate", "letter_of_thanks"}
        assert all(d["organisation_id"] and d["number"] for d in listed)
        docx = await client.get(f"/documents/{doc['id']}/file.docx")
        assert docx.status_code == 200
        assert "sertifikat" in docx.headers["content-disposition"]
        assert "Кузнецова Мария Ивановна" in docx_text(docx.content)
        assert f"https://imc.example/public/verify/{doc['number']}" in docx_text(docx.content)
        assert media(docx.content)

        # A teacher sees and downloads only the certificates issued to them.
        own = testing.auth(DISTRICT, Role.TEACHER, person_id=TEACHER)
        other = testing.auth(DISTRICT, Role.TEACHER, person_id=uuid4())
        mine = await client.get(f"/documents/{doc['id']}/file.pdf", auth=own)
        assert mine.status_code == 200 and mine.headers["content-type"] == "application/pdf"
        assert [d["id"] for d in (await client.get("/documents", auth=own)).json()] == [doc["id"]]
        assert (await client.get("/documents", auth=other)).json() == []
        theirs = await client.get(f"/documents/{doc['id']}/file.pdf", auth=other)
        assert theirs.status_code == 403
        assert theirs.json()["message"] == "Педагог может получить только выданные ему документы"
        letter = await client.get(f"/documents/{thanks_doc.json()['id']}", auth=own)
        assert letter.status_code == 403
        school = testing.auth(DISTRICT, Role.SCHOOL_REPRESENTATIVE)
        assert (
            await client.get(f"/documents/{doc['id']}/file.pdf", auth=school)
        ).status_code == 200
        assert (await client.get("/documents", auth=None)).status_code == 401
        foreign = testing.auth("mariinsk", Role.TEACHER, person_id=TEACHER)
        assert (
            await client.get(f"/documents/{doc['id']}/file.pdf", auth=foreign)
        ).status_code == 403
        templates = (await client.get("/documents/render/templates")).json()
        assert {t["template"] for t in templates} == {
            "certificate",
            "internship_statement",
            "letter_of_thanks",
            "order_regulation",
            "order_site_leaders",
            "road_map",
            "work_plan",
            "information_note",
            "annual_report",
            "teacher_transcript",
        }
        titles = {t["template"]: t["title"] for t in templates}
        assert titles["road_map"] == "Дорожная карта методической площадки"
        assert titles["annual_report"] == "Анализ работы за учебный год"
        order = await client.post(
            "/documents/render",
            json={"template": "order_regulation", "data": REGULATION_ORDER_DATA},
        )
        assert order.status_code == 201, order.text
        assert order.json()["number"] == "1531"  # the journal's number, not a made-up one
        assert order.json()["verification_number"] is None

        number = doc["number"]
        # The QR code's page is open: anyone's phone, no login.
        page = await client.get(f"/public/verify/{number.lower()}", auth=None)
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        for phrase in (
            "подлинный и действителен",
            "Кузнецова Мария Ивановна",
            "Сертификат участника",
            "«20» декабря 2021 г.",
            "Яйский муниципальный округ",
        ):
            assert phrase in page.text, phrase
        unknown = await client.get("/public/verify/0000-0000", auth=None)
        assert unknown.status_code == 404 and "не найден" in unknown.text
        garbage = await client.get("/public/verify/%3Cscript%3E", auth=None)
        assert garbage.status_code == 404 and "<script>" not in garbage.text

        anonymous = await client.post(
            f"/verify/{number}/revoke", json={"reason": "ошибка"}, auth=None
        )
        assert anonymous.status_code == 401
        secretary = await client.post(
            f"/verify/{number}/revoke",
            json={"reason": "ошибка"},
            auth=testing.auth(DISTRICT, Role.COUNCIL_SECRETARY),
        )
        assert secretary.status_code == 403
        no_reason = await client.post(f"/verify/{number}/revoke", json={"reason": " "})
        assert no_reason.status_code == 422
        revoked = await client.post(
            f"/verify/{number}/revoke",
            json={"reason": "выдан ошибочно"},
        )
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        page = await client.get(f"/public/verify/{number}", auth=None)
        assert "отозван" in page.text and "выдан ошибочно" in page.text
        assert "действителен" not in page.text
        unknown_revoke = await client.post(
            "/verify/0000-0000/revoke",
            json={"reason": "x"},
        )
        assert unknown_revoke.status_code == 404
        # a QR code printed before the page moved under /public/ still leads to it
        moved = await client.get(f"/verify/{number}", auth=None, follow_redirects=False)
        assert moved.status_code == 308
        assert moved.headers["location"] == f"/public/verify/{number}"
