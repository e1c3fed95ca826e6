"""Registry pages: organisations, people, methodical structures, a site's page, documents.

Also the download of a document's file through the portal (``/documents/{id}/file.pdf``,
``file.docx``), streamed from the documents service with the visitor's token. Litestar
has no parameter inside a path segment, so the route takes the file name as a whole and
:func:`registry_pages.file_format` admits only ``file.pdf`` and ``file.docx``.
"""

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template

from imc_portal.api.controllers import error_page
from imc_portal.clients import BackendClient, BackendError
from imc_portal.security import visitor_of
from imc_portal.services import registry_pages as pages
from imc_portal.services.sessions import Visitor
from imc_portal.settings import PortalSettings
from imc_portal.templating import base_context
from imc_shared.auth import roles


def registry_error_page(request: Request[Any, Any, Any], error: BackendError) -> Template:
    """A refusal of the documents service as «Доступ закрыт»; the rest as elsewhere."""
    if isinstance(error, pages.DocumentRefusedError):
        settings: PortalSettings = request.app.state.settings
        return Template(
            template_name="error.html",
            context={
                **base_context(settings),
                "message": error.message,
                "heading": "Доступ закрыт",
                "advice": "Если документ нужен для работы, обратитесь к методисту ИМЦ.",
            },
            status_code=403,
        )
    return error_page(request, error)


ERRORS: Any = {BackendError: registry_error_page}


def _visitor(request: Request[Any, Any, Any]) -> Visitor:
    visitor = visitor_of(request)
    assert visitor is not None  # the gate lets nobody else through
    return visitor


class RegistryPagesController(Controller):
    """``/organisations``, ``/people``, ``/structures``: the district's registry."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/organisations", summary="Organisations: search and filters (page)")
    async def organisations(
        self,
        request: Request[Any, Any, Any],
        registry: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
        q: FromQuery[str | None] = None,
        kind: FromQuery[str | None] = None,
        flag: FromQuery[list[str] | None] = None,
        archived: FromQuery[bool] = False,
    ) -> Template:
        query = pages.OrganisationQuery.of(q=q, kind=kind, flags=flag or [], archived=archived)
        found = await pages.organisations(registry=registry, query=query)
        return Template(
            template_name="registry_organisations.html",
            context={
                **base_context(settings),
                "section": "registry",
                "query": query,
                "organisations": found,
                "people_link": _visitor(request).role in pages.PEOPLE_READERS,
                "kinds": pages.ORGANISATION_KINDS,
                "flags": pages.FLAGS,
            },
        )

    @get("/organisations/{organisation_id:uuid}", summary="An organisation's card (page)")
    async def organisation(
        self,
        request: Request[Any, Any, Any],
        organisation_id: FromPath[UUID],
        registry: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        visitor = _visitor(request)
        card = await pages.organisation_card(
            registry=registry, organisation_id=organisation_id, visitor=visitor
        )
        return Template(
            template_name="registry_organisation.html",
            context={
                **base_context(settings),
                "section": "registry",
                "card": card,
                "people_link": visitor.role in pages.PEOPLE_READERS,
                "staff_groups": pages.STAFF_GROUPS,
            },
        )

    @get("/people", summary="People of the registry (page)", opt=roles(pages.PEOPLE_READERS))
    async def people(
        self,
        registry: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
        q: FromQuery[str | None] = None,
        staff_group: FromQuery[str | None] = None,
    ) -> Template:
        query = pages.PeopleQuery(
            q=(q or "").strip(),
            staff_group=staff_group if staff_group in pages.STAFF_GROUPS else "",
        )
        page = await pages.people(registry=registry, query=query)
        return Template(
            template_name="registry_people.html",
            context={
                **base_context(settings),
                "section": "registry",
                "query": query,
                "page": page,
                "staff_groups": pages.STAFF_GROUPS,
            },
        )

    @get(
        "/people/{person_id:uuid}",
        summary="A person's record (page)",
        opt=roles(pages.PEOPLE_READERS),
    )
    async def person(
        self,
        person_id: FromPath[UUID],
        registry: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        page = await pages.person(registry=registry, person_id=person_id)
        return Template(
            template_name="registry_person.html",
            context={
                **base_context(settings),
                "section": "registry",
                "page": page,
                "staff_groups": pages.STAFF_GROUPS,
            },
        )

    @get("/structures", summary="Methodical structures (page)")
    async def structures(
        self,
        request: Request[Any, Any, Any],
        registry: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
        kind: FromQuery[str | None] = None,
    ) -> Template:
        visitor = _visitor(request)
        page = await pages.structures(registry=registry, kind=kind or "", visitor=visitor)
        return Template(
            template_name="registry_structures.html",
            context={
                **base_context(settings),
                "section": "registry",
                "page": page,
                "kinds": pages.STRUCTURE_KINDS,
                "people_link": visitor.role in pages.PEOPLE_READERS,
            },
        )


class SitePageController(Controller):
    """``/sites/{id}``: one site with its road map and documents."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/sites/{site_id:uuid}", summary="A site's page")
    async def site(
        self,
        site_id: FromPath[UUID],
        registry: NamedDependency[BackendClient],
        scheduling: NamedDependency[BackendClient],
        documents: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
    ) -> Template:
        page = await pages.site_page(
            registry=registry, scheduling=scheduling, documents=documents, site_id=site_id
        )
        return Template(
            template_name="registry_site.html",
            context={**base_context(settings), "section": "sites", "page": page},
        )


class DocumentsController(Controller):
    """``/documents``: the documents the visitor may see, and their files."""

    include_in_schema = False
    exception_handlers = ERRORS

    @get("/documents", summary="Documents (page)")
    async def documents_page(
        self,
        documents: NamedDependency[BackendClient],
        settings: NamedDependency[PortalSettings],
        kind: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
    ) -> Template:
        page = await pages.documents_page(documents=documents, kind=kind or "", q=q or "")
        return Template(
            template_name="registry_documents.html",
            context={**base_context(settings), "section": "documents", "page": page},
        )

    @get(
        "/documents/{document_id:uuid}/{filename:str}",
        summary="A document's file (file.pdf or file.docx), passed through",
    )
    async def file(
        self,
        document_id: FromPath[UUID],
        filename: FromPath[str],
        documents: NamedDependency[BackendClient],
    ) -> Stream:
        download = await pages.document_file(
            documents=documents, document_id=document_id, filename=filename
        )
        return Stream(download.chunks(), media_type=download.media_type, headers=download.headers)


CONTROLLERS: list[Any] = [RegistryPagesController, SitePageController, DocumentsController]
"""The registry area's controllers, for both modes of the portal."""
