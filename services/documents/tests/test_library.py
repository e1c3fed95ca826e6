"""District templates: an uploaded replacement is checked (every variable must exist, the
tags must parse, a trial render must pass) and refused with the variable and paragraph;
accepted versions are numbered, put in force, used, and can be rolled back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document as DocxDocument
from litestar.di import Provide
from litestar.testing import AsyncTestClient

from imc_documents.api.controllers import TemplateController
from imc_documents.app import MIGRATIONS
from imc_documents.domain.common import Letterhead
from imc_documents.rendering.check import TemplateRejected, check_template
from imc_documents.rendering.qr import qr_image
from imc_documents.services.library import (
    TITLES,
    TemplateLibrary,
    allowed_variables,
    samples,
)
from imc_documents.services.papers import PaperService, RenderRequest
from imc_documents.settings import DocumentsSettings
from imc_documents.templates import TEMPLATES_DIR
from imc_shared import testing
from imc_shared.db import Database, migrate
from imc_shared.errors import InvalidInput, NotFound
from imc_shared.http import create_http_app
from imc_shared.storage import FileStore

CERTIFICATE_DATA: dict[str, Any] = {
    "participant_name": "Кузнецова Мария Ивановна",
    "event_title": "Формирующее оценивание",
    "event_date": "2021-12-20",
}


def edited(name: str, *paragraphs: str) -> bytes:
    """The built-in template ``name`` with paragraphs appended (as an operator would)."""
    doc = DocxDocument(str(TEMPLATES_DIR / f"{name}.docx"))
    for text in paragraphs:
        doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def text_of(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


@pytest.mark.parametrize("name", sorted(TITLES))
def test_every_built_in_template_passes_the_check(name: str) -> None:
    content = (TEMPLATES_DIR / f"{name}.docx").read_bytes()
    images = (
        {"qr": qr_image("https://imc.example/verify/X")} if "qr" in allowed_variables(name) else {}
    )
    assert samples()[name]
    for sample in samples()[name]:
        check_template(
            content, name=name, allowed=allowed_variables(name), sample=sample, images=images
        )


def test_an_unknown_variable_is_refused_with_its_paragraph() -> None:
    content = edited("certificate", "Электронная почта: {{ participant_email }}")
    with pytest.raises(TemplateRejected) as caught:
        check_template(
            content,
            name="certificate",
            allowed=allowed_variables("certificate"),
            sample=samples()["certificate"][0],
            images={"qr": qr_image("https://x")},
        )
    error = caught.value
    assert error.variable == "participant_email"
    assert error.paragraph is not None and error.paragraph > 10
    assert "participant_email" in error.message
    assert f"абзац {error.paragraph}: «Электронная почта: {{{{ participant_email }}}}»" in (
        error.message
    )


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("Итого: {{ hours_phrase ", "абзац"),
        ("{% if hours_phrase %}без конца", "абзац"),
    ],
)
def test_a_broken_tag_is_refused_with_its_paragraph(paragraph: str, expected: str) -> None:
    content = edited("certificate", paragraph)
    with pytest.raises(TemplateRejected) as caught:
        check_template(
            content,
            name="certificate",
            allowed=allowed_variables("certificate"),
            sample=samples()["certificate"][0],
            images={"qr": qr_image("https://x")},
        )
    assert expected in caught.value.message


def test_not_a_docx_is_refused() -> None:
    with pytest.raises(TemplateRejected, match="DOCX"):
        check_template(b"PK\x03\x04junk", name="certificate", allowed=frozenset(), sample={})


@pytest.fixture
async def database(database_url: str) -> Database:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db  # type: ignore[misc]
    await db.dispose()


class StandIn:
    async def convert(self, docx: bytes) -> bytes:
        return b"%PDF-1.7 stand-in"


async def test_upload_use_and_roll_back(database: Database, tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    library = TemplateLibrary(database=database, store=store)
    papers = PaperService(
        database=database,
        store=store,
        converter=StandIn(),
        letterhead=Letterhead(authority="МБУ «ИМЦ»"),
        district="Яйский муниципальный округ",
        verify_base_url="https://imc.example",
        library=library,
    )
    built_in = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))

    with pytest.raises(InvalidInput) as refused:
        await library.upload("certificate", edited("certificate", "{{ unknown_thing }}"))
    assert refused.value.details["variable"] == "unknown_thing"
    assert refused.value.details["paragraph"]
    assert (await library.info("certificate")).versions == []

    first = await library.upload(
        "certificate", edited("certificate", "Площадка: ИМЦ, {{ participant_name }}"), "v1"
    )
    assert (first.version, first.active) == (1, True)
    rendered = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    assert rendered.created  # a new template version renders the same source again
    assert rendered.document.template_version != built_in.document.template_version
    assert "Площадка: ИМЦ, Кузнецова Мария Ивановна" in text_of(
        store.get(rendered.document.docx_key)
    )
    second = await library.upload("certificate", edited("certificate", "Вторая редакция"))
    assert second.version == 2
    info = await library.info("certificate")
    assert info.active_version == 2 and [v.version for v in info.versions] == [2, 1]

    info = await library.rollback("certificate", 1)
    assert info.active_version == 1
    again = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    assert not again.created and again.document.id == rendered.document.id
    info = await library.rollback("certificate", 0)
    assert info.active_version == 0
    back = await papers.render(RenderRequest("certificate", CERTIFICATE_DATA))
    assert back.document.id == built_in.document.id
    with pytest.raises(NotFound):
        await library.rollback("certificate", 7)
    with pytest.raises(NotFound):
        await library.upload("diploma", b"PK")
    assert await library.version_file("certificate", 1) == store.get(first.file_key)


async def test_templates_over_http(database: Database, tmp_path: Path) -> None:
    library = TemplateLibrary(database=database, store=FileStore(tmp_path / "files"))
    await database.engine.dispose()
    app = create_http_app(
        [TemplateController],
        settings=DocumentsSettings(service="documents", district="yaya", **testing.auth_settings()),
        title="Документы",
        dependencies={"library": Provide(lambda: library, sync_to_thread=False)},
    )
    async with AsyncTestClient(app) as client:
        client.auth = testing.auth("yaya")
        listed = (await client.get("/templates")).json()
        assert {t["template"] for t in listed} == set(TITLES)
        assert all(t["active_version"] == 0 for t in listed)
        bad = await client.post(
            "/templates/order_site_status",
            content=edited("order_site_status", "Исполнитель: {{ executor_name }}"),
        )
        assert bad.status_code == 422
        body = bad.json()
        assert body["variable"] == "executor_name" and body["paragraph"]
        assert "executor_name" in body["message"]
        good = await client.post(
            "/templates/order_site_status?comment=Новая%20шапка",
            content=edited("order_site_status", "Исполнитель: {{ signatory_initials }}"),
        )
        assert good.status_code == 201, good.text
        view = good.json()
        assert view["active_version"] == 1 and view["versions"][0]["comment"] == "Новая шапка"
        file = await client.get(view["versions"][0]["file"])
        assert file.status_code == 200 and file.content.startswith(b"PK")
        rolled = await client.post("/templates/order_site_status/rollback", json={"version": 0})
        assert rolled.status_code == 200 and rolled.json()["active_version"] == 0
        assert (await client.get("/templates/nope")).status_code == 404
