"""Importing organisations from real CSV (cp1251, UTF-8 with BOM) and XLSX files."""

import io
import json
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from imc_contracts import ORGANISATION_UPSERTED
from imc_registry.services import imports, organisations
from imc_registry.services.table_files import read_table
from imc_shared.db import Database
from imc_shared.errors import InvalidInput
from imc_shared.outbox import Outbox

DISTRICT = "yaya"
OutboxReader = Callable[[], Awaitable[list[tuple[str, bytes]]]]


HEADER = [
    "Полное наименование",
    "Краткое наименование",
    "Тип",
    "Адрес",
    "Директор",
    "Электронная почта",
    "Телефон",
    "ШНОР",
    "Неблагоприятные условия",
    "Резильентная",
]
CLEAN = [
    [
        "Муниципальное бюджетное общеобразовательное учреждение «Яйская средняя "
        "общеобразовательная школа № 1»",
        "МБОУ «Яйская СОШ № 1»  ",
        "СОШ",
        "пгт Яя, ул. Школьная, 1",
        "Смирнова Елена Викторовна",
        "sosh1@yaya.example.ru",
        "8 (38441) 2-11-11",
        "нет",
        "",
        "да",
    ],
    [
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад «Берёзка»»",
        "МБДОУ «Детский сад «Берёзка»»",
        "ДОУ",
        "пгт Яя, ул. Лесная, 3",
        "Петрова Анна Ивановна",
        "berezka@yaya.example.ru",
        "",
        "",
        "",
        "",
    ],
    [
        "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»",
        "МБУ ДО «ДДТ»",
        "УДО",
        "пгт Яя, ул. Советская, 10",
        "Орлова Татьяна Николаевна",
        "ddt@yaya.example.ru",
        "",
        "-",
        "+",
        "0",
    ],
]


def csv_bytes(rows: list[list[str]], *, delimiter: str, encoding: str) -> bytes:
    """A CSV as Excel writes it: «;» or «,», CRLF, quotes where needed."""
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            if delimiter in cell or '"' in cell or "\n" in cell:
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[str]], merges: list[str] = ()) -> bytes:  # type: ignore[assignment]
    """A real XLSX book built with openpyxl, with the given merged ranges."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Организации"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- reading files -----------------------------------------------------------------


def test_cp1251_csv_with_semicolons_title_row_and_empty_rows(tmp_path: Path) -> None:
    rows = [
        ["Реестр образовательных организаций Яйского муниципального округа"],
        [],
        HEADER,
        CLEAN[0],
        [],
        ["", "", ""],
        CLEAN[1],
    ]
    path = tmp_path / "организации.csv"
    path.write_bytes(csv_bytes(rows, delimiter=";", encoding="cp1251"))
    table = read_table(path.name, path.read_bytes())
    assert table.encoding == "cp1251"
    assert table.delimiter == ";"
    assert table.rows[2] == (3, HEADER)
    assert table.rows[6][0] == 7
    assert table.rows[6][1][1] == "МБДОУ «Детский сад «Берёзка»»"


def test_utf8_csv_with_bom_and_commas(tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes([HEADER, *CLEAN], delimiter=",", encoding="utf-8"))
    table = read_table(path.name, path.read_bytes())
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ","
    assert table.rows[0][1][0] == "Полное наименование"  # no BOM left in the first header
    assert table.rows[1][1][3] == "пгт Яя, ул. Школьная, 1"


def test_xlsx_with_merged_title_and_merged_two_row_header() -> None:
    title = ["Реестр организаций", *[""] * 9]
    group = [*HEADER[:7], "Признаки школы (001)", "", ""]
    flags = [*[""] * 7, *HEADER[7:]]
    content = xlsx_bytes(
        [title, group, flags, CLEAN[0], CLEAN[1]],
        merges=["A1:J1", "H2:J2", *(f"{c}2:{c}3" for c in "ABCDEFG")],
    )
    table = read_table("реестр.xlsx", content)
    assert table.format == "xlsx"
    assert table.sheet == "Организации"
    assert table.rows[2][1][0] == "Полное наименование"  # the vertical merge reaches row 3
    assert table.rows[1][1][9] == "Признаки школы (001)"  # the horizontal merge too


def test_excel_sep_line_names_the_delimiter_and_is_not_a_row() -> None:
    content = b"sep=,\r\n" + csv_bytes([HEADER, CLEAN[0]], delimiter=",", encoding="cp1251")
    table = read_table("orgs.csv", content)
    assert table.delimiter == ","
    assert table.rows[0] == (1, HEADER)
    assert table.rows[1][1][3] == "пгт Яя, ул. Школьная, 1"


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("empty.csv", b"", "пуст"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "XLS"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "не является таблицей"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "XLSX"),
        ("table.csv", b"\x00\x01\x02binary\x00\x00", "CSV"),
    ],
)
def test_files_that_are_not_tables_are_refused(filename: str, content: bytes, words: str) -> None:
    with pytest.raises(InvalidInput) as error:
        read_table(filename, content)
    assert error.value.field == "file"
    assert words in error.value.message


def test_a_word_document_is_not_a_table() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InvalidInput, match="XLSX"):
        read_table("письмо.docx", buffer.getvalue())


# --- the import use case -----------------------------------------------------------


async def test_dry_run_reports_every_bad_row_and_writes_nothing(
    database: Database, outbox: Outbox, outbox_messages: OutboxReader
) -> None:
    await organisations.create_organisation(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        data={
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2»",
            "short_name": "МБОУ «Гимназия № 2»",
            "kind": "gymnasium",
            "email": "gym2@yaya.example.ru",
        },
    )
    bad = [
        ["Реестр организаций"],
        HEADER,
        CLEAN[0],  # line 3: clean
        ["Школа без краткого имени", "", "школа", "", "", "a@b.ru", "", "", "", ""],  # 4
        ["Колледж номер один", "Колледж № 1", "колледж", "", "", "c1@b.ru", "", "", "", ""],  # 5
        [],  # 6: empty, skipped
        ["Школа с плохой почтой", "СОШ № 5", "СОШ", "", "", "почта", "", "", "", ""],  # 7
        [
            CLEAN[1][0] + " (копия)",
            " мбоу «яйская сош № 1» ",
            "СОШ",
            "",
            "",
            "x@b.ru",
            "",
            "",
            "",
            "",
        ],  # 8: duplicate of line 3 by short name
        [
            "Гимназия номер два",
            "МБОУ «Гимназия № 2»",
            "гимназия",
            "",
            "",
            "g@b.ru",
            "",
            "",
            "",
            "",
        ],  # 9: already in the registry
        [
            "Школа с непонятным признаком",
            "СОШ № 9",
            "СОШ",
            "",
            "",
            "s9@b.ru",
            "",
            "иногда",
            "",
            "",
        ],  # 10
    ]
    content = csv_bytes(bad, delimiter=";", encoding="cp1251")
    report = await imports.import_organisations(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        filename="орг.csv",
        content=content,
        dry_run=True,
    )
    assert report.header_line == 2
    assert report.bad_lines == [4, 5, 7, 8, 9, 10]
    reasons = {(e.line, e.field): e.message for e in report.errors}
    assert reasons[(4, "short_name")] == "не заполнено поле «Краткое наименование»"
    assert reasons[(5, "kind")].startswith("неизвестный тип организации «колледж»")
    assert reasons[(7, "email")] == "адрес электронной почты «почта» указан неверно"
    assert reasons[(8, "short_name")].startswith("повторяет строку 3")
    assert reasons[(9, "short_name")] == "организация «МБОУ «Гимназия № 2»» уже есть в реестре"
    assert "«иногда»" in reasons[(10, "low_results")]
    assert report.imported == 0

    # the same file for real: still nothing imported
    report = await imports.import_organisations(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        filename="орг.csv",
        content=content,
        dry_run=False,
    )
    assert report.imported == 0
    assert len(await organisations.list_organisations(database=database, district=DISTRICT)) == 1
    assert [key for key, _ in await outbox_messages()] == [ORGANISATION_UPSERTED.routing_key]


async def test_clean_xlsx_imports_all_rows_in_one_go(
    database: Database, outbox: Outbox, outbox_messages: OutboxReader
) -> None:
    title = ["Реестр организаций", *[""] * 9]
    group = [*HEADER[:7], "Признаки школы (001)", "", ""]
    flags = [*[""] * 7, *HEADER[7:]]
    content = xlsx_bytes(
        [title, group, flags, CLEAN[0], [], CLEAN[1], CLEAN[2]],
        merges=["A1:J1", "H2:J2", *(f"{c}2:{c}3" for c in "ABCDEFG")],
    )
    dry = await imports.import_organisations(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        filename="реестр.xlsx",
        content=content,
        dry_run=True,
    )
    assert dry.errors == []
    assert [row.line for row in dry.rows] == [4, 6, 7]
    assert await organisations.list_organisations(database=database, district=DISTRICT) == []

    report = await imports.import_organisations(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        filename="реестр.xlsx",
        content=content,
        dry_run=False,
    )
    assert report.imported == 3
    listed = await organisations.list_organisations(database=database, district=DISTRICT)
    by_name = {o.short_name: o for o in listed}
    assert set(by_name) == {
        "МБОУ «Яйская СОШ № 1»",
        "МБДОУ «Детский сад «Берёзка»»",
        "МБУ ДО «ДДТ»",
    }
    school = by_name["МБОУ «Яйская СОШ № 1»"]
    assert (school.kind, school.resilient, school.low_results) == ("school", True, False)
    assert school.phone == "8 (38441) 2-11-11"
    ddt = by_name["МБУ ДО «ДДТ»"]
    assert (ddt.kind, ddt.unfavourable_conditions, ddt.resilient) == ("additional", True, False)
    assert by_name["МБДОУ «Детский сад «Берёзка»»"].kind == "doo"
    messages = await outbox_messages()
    assert [key for key, _ in messages] == [ORGANISATION_UPSERTED.routing_key] * 3
    names = {json.loads(body)["payload"]["short_name"] for _, body in messages}
    assert names == set(by_name)

    again = await imports.import_organisations(
        database=database,
        outbox=outbox,
        district=DISTRICT,
        filename="реестр.xlsx",
        content=content,
        dry_run=True,
    )
    assert again.bad_lines == [4, 6, 7]  # all three are in the registry now


async def test_file_without_the_required_columns_is_refused(
    database: Database, outbox: Outbox
) -> None:
    content = csv_bytes(
        [["Полное наименование", "Адрес"], ["Школа № 1", "Яя"]], delimiter=";", encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as error:
        await imports.import_organisations(
            database=database,
            outbox=outbox,
            district=DISTRICT,
            filename="a.csv",
            content=content,
            dry_run=True,
        )
    assert "«Краткое наименование»" in error.value.message
    assert error.value.field == "file"
