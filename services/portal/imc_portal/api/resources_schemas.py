"""What the portal reads from the resources service (the bank of methodical materials),
as it answers. Unknown fields are ignored and most fields have a default, so an addition
on the service's side does not break a page."""

from datetime import datetime
from uuid import UUID

import msgspec


class CodeTitle(msgspec.Struct, kw_only=True):
    """A code and its Russian title."""

    code: str
    title: str


class FileType(msgspec.Struct, kw_only=True):
    """A type of file the bank takes."""

    code: str
    title: str
    media_type: str = ""
    extensions: list[str] = msgspec.field(default_factory=list)


class Limits(msgspec.Struct, kw_only=True):
    """The bank's size limits, in bytes."""

    max_file_bytes: int = 0
    max_video_bytes: int = 0
    max_resource_bytes: int = 0
    max_share_bytes: int = 0


class ResourceVocabulary(msgspec.Struct, kw_only=True):
    """``GET /vocabulary``: kinds, statuses, licences, levels, file types, limits."""

    kinds: list[CodeTitle] = msgspec.field(default_factory=list)
    statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    licences: list[CodeTitle] = msgspec.field(default_factory=list)
    levels: list[str] = msgspec.field(default_factory=list)
    bank_statuses: list[CodeTitle] = msgspec.field(default_factory=list)
    comment_actions: list[CodeTitle] = msgspec.field(default_factory=list)
    file_types: list[FileType] = msgspec.field(default_factory=list)
    video_kinds: list[str] = msgspec.field(default_factory=list)
    limits: Limits = msgspec.field(default_factory=Limits)
    instance_kind: str = ""
    federated: bool = False
    """A district linked to the centre (its bank can be published to)."""

    @property
    def accept(self) -> str:
        """The ``accept`` attribute of the file field."""
        return ",".join(ext for t in self.file_types for ext in t.extensions)

    @property
    def types_text(self) -> str:
        """«PDF, DOCX, …» for the file field's hint."""
        return ", ".join(t.title for t in self.file_types)


class ResourceFile(msgspec.Struct, kw_only=True):
    """A file of a resource."""

    id: UUID
    name: str
    media_type: str = ""
    type: str = ""
    size: int = 0
    sha256: str = ""
    searchable: bool = False


class Comment(msgspec.Struct, kw_only=True):
    """A comment or a step of the review (the review journal)."""

    id: UUID
    revision: int = 0
    action: str = ""
    action_title: str = ""
    text: str = ""
    author_name: str = ""
    author_role: str = ""
    author_role_title: str = ""
    created_at: datetime


class BankState(msgspec.Struct, kw_only=True):
    """The resource in the centre's bank."""

    status: str = ""
    status_title: str = ""
    version: int = 0
    revision: int = 0
    shared_at: datetime | None = None
    outdated: bool = False
    confirmed_version: int = 0
    centre_status: str = ""


class Resource(msgspec.Struct, kw_only=True):
    """``GET /resources/{id}``: one resource with its files, comments and the actions the
    asking person may take."""

    id: UUID
    status: str
    status_title: str = ""
    title: str
    summary: str = ""
    kind: str = ""
    kind_title: str = ""
    subject: str = ""
    level: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    licence: str = ""
    licence_title: str = ""
    author_person_id: UUID | None = None
    author_name: str = ""
    organisation_id: UUID | None = None
    organisation_name: str = ""
    revision: int = 0
    files: list[ResourceFile] = msgspec.field(default_factory=list)
    total_size: int = 0
    council_review: bool = False
    reviewed_by: str = ""
    submitted_at: datetime | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str = ""
    site_id: UUID | None = None
    bank: BankState = msgspec.field(default_factory=BankState)
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    comments: list[Comment] = msgspec.field(default_factory=list)
    actions: list[str] = msgspec.field(default_factory=list)

    def can(self, action: str) -> bool:
        """Whether the asking person may take ``action`` now."""
        return action in self.actions


class ResourceBrief(msgspec.Struct, kw_only=True):
    """``GET /resources``: a resource in a list."""

    id: UUID
    status: str
    status_title: str = ""
    title: str
    kind: str = ""
    kind_title: str = ""
    subject: str = ""
    level: str = ""
    author_name: str = ""
    organisation_id: UUID | None = None
    organisation_name: str = ""
    revision: int = 0
    council_review: bool = False
    bank_status: str = ""
    submitted_at: datetime | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0


class Revision(msgspec.Struct, kw_only=True):
    """``GET /resources/{id}/revisions``: one revision."""

    number: int
    title: str = ""
    summary: str = ""
    kind_title: str = ""
    subject: str = ""
    level: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    licence_title: str = ""
    author_name: str = ""
    organisation_name: str = ""
    files: list[ResourceFile] = msgspec.field(default_factory=list)
    note: str = ""
    created_by: str = ""
    created_at: datetime | None = None


class HitFile(msgspec.Struct, kw_only=True):
    """A file of a published resource."""

    id: UUID
    name: str
    media_type: str = ""
    size: int = 0


class SearchHit(msgspec.Struct, kw_only=True):
    """A found published resource: ``own`` (the district's bank) or ``centre``."""

    source: str
    resource_id: UUID
    title: str
    summary: str = ""
    kind: str = ""
    kind_title: str = ""
    subject: str = ""
    level: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    licence: str = ""
    licence_title: str = ""
    author_name: str = ""
    organisation_name: str = ""
    origin_district: str = ""
    origin_district_name: str = ""
    published_at: datetime | None = None
    files: int = 0
    score: int = 0

    @property
    def href(self) -> str:
        """Its page in the portal."""
        if self.source == "centre":
            return f"/resources/bank/{self.resource_id}"
        return f"/resources/{self.resource_id}"


class SearchResult(msgspec.Struct, kw_only=True):
    """``GET /search``."""

    query: str = ""
    stems: list[str] = msgspec.field(default_factory=list)
    scope: str = "all"
    total: int = 0
    items: list[SearchHit] = msgspec.field(default_factory=list)


class BankEntry(msgspec.Struct, kw_only=True):
    """``GET /bank/{id}``: an entry of the centre's bank."""

    resource_id: UUID
    version: int = 0
    status: str = ""
    status_title: str = ""
    origin_district: str = ""
    origin_district_name: str = ""
    title: str
    summary: str = ""
    kind: str = ""
    kind_title: str = ""
    subject: str = ""
    level: str = ""
    tags: list[str] = msgspec.field(default_factory=list)
    licence: str = ""
    licence_title: str = ""
    author_name: str = ""
    organisation_name: str = ""
    reviewed_by: str = ""
    published_at: datetime | None = None
    reason: str = ""
    files: list[HitFile] = msgspec.field(default_factory=list)
    own: bool = False
    changed_at: datetime | None = None

    @property
    def published(self) -> bool:
        return self.status == "published"


class ResourcePerson(msgspec.Struct, kw_only=True):
    """``GET /people``: a person who may be named the author."""

    person_id: UUID
    full_name: str
    position: str = ""
    organisation_id: UUID | None = None
    organisation: str = ""
    subjects: list[str] = msgspec.field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.full_name} ({self.organisation})" if self.organisation else self.full_name


class ResourceOrganisation(msgspec.Struct, kw_only=True):
    """``GET /organisations``."""

    organisation_id: UUID
    full_name: str = ""
    short_name: str = ""

    @property
    def label(self) -> str:
        return self.short_name or self.full_name
