"""The resources area's common ground («Банк методических материалов»): who sees which
part, the notices after a change, the bodies of the forms, the reading of a resource page.

Every page reads the resources service on the visitor's behalf; the service checks the
rows (a teacher: their own drafts; a school: its organisation's; the council secretary:
what was referred to the council) and says, for each resource, what the person may do
(``actions``); the portal shows exactly those buttons and checks the roles before it asks.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from imc_portal.api.resources_schemas import (
    BankEntry,
    Resource,
    ResourceOrganisation,
    ResourcePerson,
    ResourceVocabulary,
    Revision,
)
from imc_portal.clients import BackendError, BackendRefusedError, ResourcesClient
from imc_portal.services.growth import FormState, parse_date, parse_uuid, split_list, version_of
from imc_portal.services.sessions import Visitor
from imc_shared.auth import STAFF, Role

AUTHOR_ROLES = frozenset(STAFF | {Role.TEACHER, Role.SCHOOL_REPRESENTATIVE})
"""Who creates, edits and submits resources (rows checked by the service)."""
WORKER_ROLES = frozenset(AUTHOR_ROLES | {Role.COUNCIL_SECRETARY})
"""Who sees unpublished resources (their own, their school's, the council's, all)."""
REVIEWER_ROLES = frozenset(STAFF | {Role.COUNCIL_SECRETARY})
"""Who returns and approves (the council secretary: what was referred to the council)."""

SCOPES = (
    ("all", "банк округа и банк ММЦ"),
    ("own", "банк округа"),
    ("centre", "банк ММЦ"),
)
CENTRE_SCOPES = (("all", "банк ММЦ"),)
PAGE_SIZE = 20

RESOURCE_FIELDS = frozenset(
    {
        "title",
        "kind",
        "licence",
        "summary",
        "subject",
        "level",
        "tags",
        "author_person_id",
        "author_name",
        "organisation_id",
    }
)
FILE_FIELDS = frozenset({"file"})
COMMENT_FIELDS = frozenset({"text"})
REVIEW_FIELDS = frozenset({"comment", "protocol_number", "protocol_date", "reason"})

NOTICES = {
    "created": "Черновик материала создан. Приложите файлы и отправьте материал на экспертизу.",
    "saved": "Изменения сохранены (новая редакция материала).",
    "file-added": "Файл приложен к материалу.",
    "file-removed": "Файл удалён из материала.",
    "commented": "Замечание записано в журнал экспертизы.",
    "submitted": "Материал направлен на экспертизу.",
    "referred": "Материал направлен на рассмотрение методического совета.",
    "returned": "Материал возвращён автору на доработку с замечаниями.",
    "approved": "Материал одобрен и опубликован в банке округа.",
    "withdrawn": "Материал снят с публикации.",
    "shared": "Материал передан в банк ММЦ: после подтверждения центра его увидят все округа.",
    "unshared": "Материал снят из банка ММЦ.",
    "reopened": "Открыта новая редакция материала (черновик).",
    "bank-withdrawn": "Материал снят из банка ММЦ.",
}
"""What a page says after a change (``?notice=...``): fixed texts, nothing from the URL."""

NO_PERSON = (
    "Ваша учётная запись не связана с карточкой педагога в реестре, поэтому ваши материалы "
    "не показаны. Обратитесь к администратору ИМЦ."
)


@dataclass(frozen=True)
class Action:
    """A step of a resource's review, as a form on its page."""

    name: str
    """The service's action code (also the portal's address: ``/resources/{id}/{name}``)."""
    notice: str
    path: str
    """The service's address after ``/resources/{id}``."""
    roles: frozenset[Role]


ACTIONS = {
    a.name: a
    for a in (
        Action("submit", "submitted", "/submit", AUTHOR_ROLES),
        Action("refer", "referred", "/refer", frozenset(STAFF)),
        Action("return", "returned", "/return", REVIEWER_ROLES),
        Action("approve", "approved", "/approve", REVIEWER_ROLES),
        Action("withdraw", "withdrawn", "/withdraw", frozenset(STAFF)),
        Action("share", "shared", "/share", frozenset(STAFF)),
        Action("unshare", "unshared", "/unshare", frozenset(STAFF)),
        Action("reopen", "reopened", "/reopen", AUTHOR_ROLES),
    )
}


def is_staff(visitor: Visitor) -> bool:
    """Whether the visitor works for the IMC (reviews, withdraws, shares)."""
    return visitor.role in STAFF


def tabs(visitor: Visitor, *, centre: bool) -> tuple[tuple[str, str, str], ...]:
    """The parts of the area the visitor may open: (address, key, title)."""
    found: list[tuple[str, str, str]] = [
        ("/resources", "search", "Поиск"),
        ("/resources/bank", "bank", "Банк ММЦ" if centre else "Банк округа и ММЦ"),
    ]
    if visitor.role in WORKER_ROLES:
        found.append(("/resources/mine", "mine", mine_heading(visitor)))
    if visitor.role in AUTHOR_ROLES:
        found.append(("/resources/new", "new", "Новый материал"))
    return tuple(found)


def mine_heading(visitor: Visitor) -> str:
    """What «/resources/mine» is called for the visitor."""
    if visitor.role in STAFF:
        return "Материалы округа"
    if visitor.role is Role.COUNCIL_SECRETARY:
        return "Материалы на рассмотрении совета"
    return "Мои материалы"


@dataclass
class NewResourcePage:
    """What the form of a new resource offers."""

    vocabulary: ResourceVocabulary
    people: list[ResourcePerson] = field(default_factory=list)
    organisations: list[ResourceOrganisation] = field(default_factory=list)


async def new_resource_page(resources: ResourcesClient, visitor: Visitor) -> NewResourcePage:
    """The vocabulary, and whom staff or a school may name the author."""
    if visitor.role is Role.TEACHER:
        return NewResourcePage(vocabulary=await resources.vocabulary())
    if visitor.role is Role.SCHOOL_REPRESENTATIVE:
        vocabulary, people = await asyncio.gather(resources.vocabulary(), resources.people())
        return NewResourcePage(vocabulary=vocabulary, people=people)
    vocabulary, people, organisations = await asyncio.gather(
        resources.vocabulary(), resources.people(), resources.organisations()
    )
    return NewResourcePage(vocabulary=vocabulary, people=people, organisations=organisations)


def resource_body(state: FormState, visitor: Visitor, *, new: bool) -> dict[str, Any]:
    """The body of the resource form; the portal's own checks go to ``state``."""
    title = state.value("title")
    if not title:
        state.errors["title"] = "Укажите название материала."
    elif len(title) < 5:
        state.errors["title"] = "Название слишком короткое: не меньше 5 знаков."
    if not state.value("kind"):
        state.errors["kind"] = "Выберите вид материала."
    if not state.value("licence"):
        state.errors["licence"] = "Выберите условия использования материала (лицензию)."
    body: dict[str, Any] = {
        "title": title,
        "kind": state.value("kind"),
        "licence": state.value("licence"),
        "summary": state.value("summary"),
        "subject": state.value("subject"),
        "level": state.value("level"),
        "tags": split_list(state.value("tags")),
    }
    if visitor.role in STAFF or visitor.role is Role.SCHOOL_REPRESENTATIVE:
        author = state.value("author_person_id")
        if author:
            chosen = parse_uuid(author)
            if chosen is None:
                state.errors["author_person_id"] = "Выберите автора из списка."
            body["author_person_id"] = str(chosen) if chosen else None
        elif visitor.role is Role.SCHOOL_REPRESENTATIVE:
            state.errors["author_person_id"] = "Выберите автора — педагога вашей организации."
    if visitor.role in STAFF:
        if state.value("author_name") and not state.value("author_person_id"):
            body["author_name"] = state.value("author_name")
        organisation = parse_uuid(state.value("organisation_id"))
        if organisation is not None:
            body["organisation_id"] = str(organisation)
        elif state.value("organisation_id"):
            state.errors["organisation_id"] = "Выберите организацию из списка."
        if not state.value("author_person_id") and not state.value("author_name"):
            state.errors["author_name"] = (
                "Укажите автора: выберите педагога из реестра или впишите его фамилию, имя и "
                "отчество."
            )
    if not new:
        version = version_of(state)
        if version is not None:
            body["version"] = version
    return body


def resource_values(resource: Resource) -> dict[str, Any]:
    """The edit form filled with the resource as it is."""
    return {
        "title": resource.title,
        "kind": resource.kind,
        "licence": resource.licence,
        "summary": resource.summary,
        "subject": resource.subject,
        "level": resource.level,
        "tags": "\n".join(resource.tags),
        "author_person_id": str(resource.author_person_id or ""),
        "author_name": "" if resource.author_person_id else resource.author_name,
        "organisation_id": str(resource.organisation_id or ""),
        "version": str(resource.version),
    }


def action_body(name: str, state: FormState, visitor: Visitor) -> dict[str, Any]:
    """The body of a review action's form; the portal's own checks go to ``state``."""
    body: dict[str, Any] = {}
    version = version_of(state)
    if version is not None:
        body["version"] = version
    if name in ("submit", "refer", "return", "approve"):
        body["comment"] = state.value("comment")
    if name == "return" and not state.value("comment"):
        state.errors["comment"] = "Напишите замечания: что автору нужно исправить."
    if name in ("withdraw", "unshare"):
        body["reason"] = state.value("reason")
        if not state.value("reason"):
            state.errors["reason"] = "Укажите причину: её увидят автор и округа."
    if name == "approve" and visitor.role is Role.COUNCIL_SECRETARY:
        body["protocol_number"] = state.value("protocol_number")
        if not state.value("protocol_number"):
            state.errors["protocol_number"] = (
                "Укажите номер протокола заседания методического совета."
            )
        text = state.value("protocol_date")
        if text:
            day = parse_date(text)
            if day is None:
                state.errors["protocol_date"] = (
                    f"Неверная дата «{text}». Укажите дату в виде ДД.ММ.ГГГГ, например 17.03.2027."
                )
            else:
                body["protocol_date"] = day.isoformat()
    return body


@dataclass
class ResourcePage:
    """A resource with its revisions (for who works on it)."""

    resource: Resource
    revisions: list[Revision]
    vocabulary: ResourceVocabulary

    @property
    def journal(self) -> list[Any]:
        """The review's steps and comments, oldest first."""
        return sorted(self.resource.comments, key=lambda c: c.created_at)


async def resource_page(resources: ResourcesClient, resource_id: UUID) -> ResourcePage:
    """A resource, its vocabulary, and its revisions when the visitor may see them."""
    resource, vocabulary = await asyncio.gather(
        resources.resource(resource_id), resources.vocabulary()
    )
    revisions: list[Revision] = []
    if "comment" in resource.actions:
        try:
            revisions = await resources.revisions(resource_id)
        except BackendError:
            revisions = []
    return ResourcePage(resource=resource, revisions=revisions, vocabulary=vocabulary)


@dataclass
class BankPage:
    """The district's bank (its published resources) and the centre's."""

    own: list[Any]
    centre: list[BankEntry]
    own_total: int = 0


def file_refusal(error: BackendRefusedError) -> str:
    """The service's refusal of a file, for the file field."""
    return error.message


def size_text(size: int) -> str:
    """A file's size as Russians write it: «640 Б», «12,5 КБ», «3,2 МБ»."""
    if size < 1024:
        return f"{size} Б"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} КБ".replace(".", ",").replace(",0 ", " ")
    return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",").replace(",0 ", " ")
