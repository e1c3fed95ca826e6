"""The composition root wires every controller and worker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from imc_documents.app import create_app
from imc_documents.settings import DocumentsSettings, get_settings
from imc_shared import testing


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")),
    reason="LibreOffice is not installed",
)
def test_the_app_serves_every_route(tmp_path: Path) -> None:
    settings = DocumentsSettings(
        service="documents",
        district="yaya",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'documents.db'}",
        storage_dir=str(tmp_path / "files"),
        **testing.auth_settings(),
    )
    app = create_app(settings)
    paths = {route.path for route in app.routes}
    for path in (
        "/documents",
        "/documents/render",
        "/documents/render/templates",
        "/documents/{document_id:uuid}/{filename:str}",
        "/public/verify/{number:str}",
        "/verify/{number:str}/revoke",
        "/batches",
        "/batches/{batch_id:uuid}",
        "/batches/{batch_id:uuid}/archive.zip",
        "/batches/{batch_id:uuid}/retry",
        "/templates",
        "/templates/{name:str}/rollback",
    ):
        assert path in paths, path


def test_converter_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMC_DISTRICT", "yaya")
    monkeypatch.setenv("IMC_CONVERTER_BATCH_SIZE", "20")
    monkeypatch.setenv("IMC_PUBLIC_URL", "https://imc.yaya.example")
    settings = get_settings()
    assert settings.converter_batch_size == 20
    assert settings.public_url == "https://imc.yaya.example"
    assert settings.batch_max_attempts == 3
