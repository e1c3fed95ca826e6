"""``/organisations/import``: staff load organisations from a CSV or XLSX table.

Upload → the registry checks the file (dry run) → the check page lists every bad line, or
offers to import the clean file, which the portal has kept (see
:mod:`imc_portal.services.imports`) → the import → «Загружено N организаций».
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from anyio import to_thread
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from imc_portal.api.controllers import error_page
from imc_portal.clients import BackendClient, BackendError, BackendRefusedError
from imc_portal.security import visitor_of
from imc_portal.services import imports
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, roles

ERRORS: Any = {BackendError: error_page}
GONE = (
    "Файл для загрузки не найден: он уже загружен или хранился дольше часа. Выберите файл ещё раз."
)


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


def _page(
    settings: PortalSettings, name: str, context: dict[str, Any], status_code: int = 200
) -> Template:
    return Template(
        template_name=name,
        context={
            **base_context(settings),
            "section": "registry",
            "accept": imports.ACCEPT,
            "file_error": "",
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


def _store(settings: PortalSettings, clock: Callable[[], datetime]) -> imports.UploadStore:
    return imports.UploadStore(imports.uploads_dir(settings), clock)


class ImportController(Controller):
    """The organisations import, for the IMC staff."""

    include_in_schema = False
    exception_handlers = ERRORS
    opt = roles(STAFF)

    @get("/organisations/import", summary="Organisations import: the upload form (page)")
    async def form(self, settings: NamedDependency[PortalSettings]) -> Template:
        return _page(settings, "import_form.html", {})

    @post("/organisations/import", summary="Organisations import: check the file (page)")
    async def check(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[BackendClient],
        clock: NamedDependency[Callable[[], datetime]],
    ) -> Template:
        form = await request.form()
        upload = form.get("file")
        filename, content = "", b""
        if isinstance(upload, UploadFile):
            filename = upload.filename or ""
            content = await upload.read()
        try:
            imports.check_file(filename, content, max_mb=settings.max_upload_mb)
            result = await imports.send_file(registry, filename, content, dry_run=True)
        except imports.FileRejected as error:
            return _page(settings, "import_form.html", {"file_error": error.message}, 422)
        except BackendRefusedError as error:
            return _page(settings, "import_form.html", {"file_error": error.message}, 422)
        key = ""
        if result.clean and result.valid_rows:
            store = _store(settings, clock)
            account_id = _visitor(request).account_id
            key = await to_thread.run_sync(store.keep, account_id, filename, content)
        return _page(
            settings,
            "import_check.html",
            {"result": result, "filename": filename, "key": key},
        )

    @post("/organisations/import/{key:str}", summary="Organisations import: import (action)")
    async def run(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        settings: NamedDependency[PortalSettings],
        registry: NamedDependency[BackendClient],
        clock: NamedDependency[Callable[[], datetime]],
    ) -> Template | Redirect:
        account_id = _visitor(request).account_id
        store = _store(settings, clock)
        kept = await to_thread.run_sync(store.take, account_id, key)
        if kept is None:
            return _page(settings, "import_form.html", {"file_error": GONE}, 410)
        try:
            result = await imports.send_file(registry, kept.filename, kept.content, dry_run=False)
        except BackendRefusedError as error:
            await to_thread.run_sync(store.forget, account_id, key)
            return _page(settings, "import_form.html", {"file_error": error.message}, 422)
        await to_thread.run_sync(store.forget, account_id, key)
        return Redirect(f"/organisations/import/done?count={result.imported}", status_code=303)

    @get("/organisations/import/done", summary="Organisations import: done (page)")
    async def done(
        self, settings: NamedDependency[PortalSettings], count: FromQuery[int] = 0
    ) -> Template:
        return _page(settings, "import_done.html", {"count": max(count, 0)})
