"""``/analytics/import``: staff load state exam results from a CSV or XLSX table.

Upload → the analytics service checks the file (dry run) → the check page lists every bad
line (line, field, reason), or offers «Загрузить» for the clean file, which the portal has
kept → the import → «Загружено N строк». The same pattern as the organisations import.
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

from imc_portal.api.growth_common import growth_error_page, visitor
from imc_portal.clients import AnalyticsClient, BackendError, BackendRefusedError
from imc_portal.services import imports
from imc_portal.services.analytics import NOTICES, is_staff, send_results, tabs, upload_store
from imc_portal.services.growth import Forms
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import STAFF, roles

ERRORS: Any = {BackendError: growth_error_page}
GONE = (
    "Файл для загрузки не найден: он уже загружен или хранился дольше часа. Выберите файл ещё раз."
)


def _page(
    request: Request[Any, Any, Any],
    settings: PortalSettings,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Template:
    person = visitor(request)
    return Template(
        template_name=name,
        context={
            **base_context(settings),
            "section": "analytics",
            "tab": "import",
            "tabs": tabs(person),
            "visitor": person,
            "staff": is_staff(person),
            "notice": "",
            "notices": NOTICES,
            "forms": Forms(),
            "accept": imports.ACCEPT,
            "file_error": "",
            "headers": [],
            **context,
        },
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


class AnalyticsImportController(Controller):
    """The results import, for the IMC staff."""

    include_in_schema = False
    exception_handlers = ERRORS
    opt = roles(STAFF)

    @get("/analytics/import", summary="Results import: the upload form (page)")
    async def form(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
    ) -> Template:
        return await self._form(request, settings, analytics, "", 200)

    async def _form(
        self,
        request: Request[Any, Any, Any],
        settings: PortalSettings,
        analytics: AnalyticsClient,
        file_error: str,
        status_code: int,
    ) -> Template:
        try:
            vocabulary = await analytics.vocabulary()
            headers = vocabulary.headers
            history = await analytics.imports()
        except BackendError:
            headers, history = [], []
        return _page(
            request,
            settings,
            "analytics_import.html",
            {"file_error": file_error, "headers": headers, "history": history[:10]},
            status_code,
        )

    @post("/analytics/import", summary="Results import: check the file (page)")
    async def check(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
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
            result = await send_results(analytics, filename, content, dry_run=True)
        except imports.FileRejected as error:
            return await self._form(request, settings, analytics, error.message, 422)
        except BackendRefusedError as error:
            return await self._form(request, settings, analytics, error.message, 422)
        key = ""
        if result.clean and result.valid_rows:
            store = upload_store(settings, clock)
            account_id = visitor(request).account_id
            key = await to_thread.run_sync(store.keep, account_id, filename, content)
        return _page(
            request,
            settings,
            "analytics_import_check.html",
            {"result": result, "filename": filename, "key": key},
        )

    @post("/analytics/import/{key:str}", summary="Results import: import (action)")
    async def run(
        self,
        request: Request[Any, Any, Any],
        key: FromPath[str],
        settings: NamedDependency[PortalSettings],
        analytics: NamedDependency[AnalyticsClient],
        clock: NamedDependency[Callable[[], datetime]],
    ) -> Template | Redirect:
        account_id = visitor(request).account_id
        store = upload_store(settings, clock)
        kept = await to_thread.run_sync(store.take, account_id, key)
        if kept is None:
            return await self._form(request, settings, analytics, GONE, 410)
        try:
            result = await send_results(analytics, kept.filename, kept.content, dry_run=False)
        except BackendRefusedError as error:
            await to_thread.run_sync(store.forget, account_id, key)
            return await self._form(request, settings, analytics, error.message, 422)
        await to_thread.run_sync(store.forget, account_id, key)
        return Redirect(f"/analytics/import/done?count={result.imported}", status_code=303)

    @get("/analytics/import/done", summary="Results import: done (page)")
    async def done(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[PortalSettings],
        count: FromQuery[int] = 0,
    ) -> Template:
        return _page(request, settings, "analytics_import_done.html", {"count": max(count, 0)})
