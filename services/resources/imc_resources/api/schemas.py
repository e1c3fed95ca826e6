"""HTTP schemas of the resources service."""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile


class Versioned(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An action on a resource as the user saw it (``version`` from the last read)."""

    version: int | None = None


# --- own resources --------------------------------------------------------------------


class ResourceCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft. A teacher is its author themself; a school representative names a
    person of its organisation; staff name a person of the registry or, for someone not
    in it, ``author_name`` (and may name the organisation)."""

    title: str
    kind: str
    """``lesson_plan``, ``programme``, ``recording``, ``presentation``, ``site_results``,
    ``methodical``, ``other``."""
    licence: str
    """``cc_by``, ``cc_by_sa``, ``cc_by_nc``, ``all_rights_reserved``."""
    summary: str = ""
    subject: str = ""
    level: str = ""
    """One of the levels of education in ``/vocabulary`` (or empty)."""
    tags: list[str] = msgspec.field(default_factory=list)
    author_person_id: UUID | None = None
    author_name: str = ""
    organisation_id: UUID | None = None


class ResourceUpdate(Versioned, kw_only=True, forbid_unknown_fields=True):
    """Changes to a draft (or a returned resource); every change is a new revision."""

    title: str | None = None
    summary: str | None = None
    kind: str | None = None
    subject: str | None = None
    level: str | None = None
    tags: list[str] | None = None
    licence: str | None = None
    author_person_id: UUID | None = None
    author_name: str | None = None
    organisation_id: UUID | None = None


@dataclass
class FileForm:
    """A file of a resource (``multipart/form-data``)."""

    file: UploadFile
    version: int | None = None


class SubmitIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    comment: str = ""
    """A note for the reviewer (e.g. what was corrected)."""


class ReferIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    comment: str = ""


class ReturnIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    comment: str
    """The reviewer's remarks (required)."""


class ApproveIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    comment: str = ""
    protocol_number: str = ""
    """The council's protocol (when the council secretary records its decision)."""
    protocol_date: date | None = None


class ReasonIn(Versioned, kw_only=True, forbid_unknown_fields=True):
    reason: str


class CommentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    text: str


class FileOut(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    media_type: str
    type: str
    """``pdf``, ``docx``, ``pptx``, ``xlsx``, ``odt``, ``txt``, ``mp4``."""
    size: int
    sha256: str
    searchable: bool
    """Its text is searched."""


class CommentOut(msgspec.Struct, kw_only=True):
    id: UUID
    revision: int
    action: str
    action_title: str
    text: str
    author_name: str
    author_role: str
    author_role_title: str
    created_at: datetime


class BankState(msgspec.Struct, kw_only=True):
    """The resource in the centre's bank."""

    status: str
    """``""`` (never sent), ``shared``, ``withdrawn``."""
    status_title: str
    version: int
    revision: int
    """The revision last published there."""
    shared_at: datetime | None
    outdated: bool
    """Published there, but a newer revision was approved since: share again."""
    confirmed_version: int
    """The newest version the centre's bank sent back (0: not yet)."""
    centre_status: str
    """The entry's status there as it came back: ``published``, ``withdrawn`` or ""."""


class ResourceOut(msgspec.Struct, kw_only=True):
    id: UUID
    status: str
    status_title: str
    title: str
    summary: str
    kind: str
    kind_title: str
    subject: str
    level: str
    tags: list[str]
    licence: str
    licence_title: str
    author_person_id: UUID | None
    author_name: str
    organisation_id: UUID | None
    organisation_name: str
    revision: int
    files: list[FileOut]
    total_size: int
    council_review: bool
    reviewed_by: str
    submitted_at: datetime | None
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdraw_reason: str
    site_id: UUID | None
    bank: BankState
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    comments: list[CommentOut]
    """The review's comments and steps (empty for who sees only the published side)."""
    actions: list[str]
    """What the asking user may do now: ``comment``, ``edit``, ``submit``, ``refer``,
    ``return``, ``approve``, ``withdraw``, ``share``, ``unshare``, ``reopen``."""


class ResourceBrief(msgspec.Struct, kw_only=True):
    id: UUID
    status: str
    status_title: str
    title: str
    kind: str
    kind_title: str
    subject: str
    level: str
    author_name: str
    organisation_id: UUID | None
    organisation_name: str
    revision: int
    council_review: bool
    bank_status: str
    submitted_at: datetime | None
    published_at: datetime | None
    updated_at: datetime
    version: int


class RevisionOut(msgspec.Struct, kw_only=True):
    number: int
    title: str
    summary: str
    kind: str
    kind_title: str
    subject: str
    level: str
    tags: list[str]
    licence: str
    licence_title: str
    author_name: str
    organisation_name: str
    files: list[FileOut]
    note: str
    created_by: str
    created_at: datetime


# --- search and the centre's bank -----------------------------------------------------


class HitFile(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    media_type: str
    size: int


class SearchHit(msgspec.Struct, kw_only=True):
    source: str
    """``own`` (this district's bank: open ``/resources/{id}``) or ``centre`` (the
    centre's bank: open ``/bank/{id}``)."""
    resource_id: UUID
    title: str
    summary: str
    kind: str
    kind_title: str
    subject: str
    level: str
    tags: list[str]
    licence: str
    licence_title: str
    author_name: str
    organisation_name: str
    origin_district: str
    origin_district_name: str
    published_at: datetime
    files: int
    score: int
    """Relevance (0 without a query)."""


class SearchResult(msgspec.Struct, kw_only=True):
    query: str
    stems: list[str]
    """The stems searched (for highlighting)."""
    scope: str
    total: int
    items: list[SearchHit]


class BankEntryOut(msgspec.Struct, kw_only=True):
    resource_id: UUID
    version: int
    status: str
    status_title: str
    origin_district: str
    origin_district_name: str
    title: str
    summary: str
    kind: str
    kind_title: str
    subject: str
    level: str
    tags: list[str]
    licence: str
    licence_title: str
    author_name: str
    organisation_name: str
    reviewed_by: str
    published_at: datetime | None
    reason: str
    files: list[HitFile]
    own: bool
    """This instance's own resource (its page is ``/resources/{id}``)."""
    changed_at: datetime


# --- directory and vocabulary ---------------------------------------------------------


class PersonOut(msgspec.Struct, kw_only=True):
    person_id: UUID
    full_name: str
    position: str
    organisation_id: UUID | None
    organisation: str
    subjects: list[str]


class OrganisationOut(msgspec.Struct, kw_only=True):
    organisation_id: UUID
    full_name: str
    short_name: str


class CodeTitle(msgspec.Struct, kw_only=True):
    code: str
    title: str


class FileTypeOut(msgspec.Struct, kw_only=True):
    code: str
    title: str
    media_type: str
    extensions: list[str]


class Limits(msgspec.Struct, kw_only=True):
    max_file_bytes: int
    max_video_bytes: int
    max_resource_bytes: int
    max_share_bytes: int


class Vocabulary(msgspec.Struct, kw_only=True):
    kinds: list[CodeTitle]
    statuses: list[CodeTitle]
    licences: list[CodeTitle]
    levels: list[str]
    bank_statuses: list[CodeTitle]
    comment_actions: list[CodeTitle]
    file_types: list[FileTypeOut]
    video_kinds: list[str]
    limits: Limits
    instance_kind: str
    federated: bool
    """A district linked to the centre (its bank can be searched and published to)."""
