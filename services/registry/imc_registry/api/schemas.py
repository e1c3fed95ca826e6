"""HTTP schemas of the registry."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile
from msgspec import UNSET, UnsetType

from imc_registry.db.models import CentreSite as CentreSiteRow
from imc_registry.db.models import Organisation as OrganisationRow
from imc_registry.db.models import Site as SiteRow
from imc_registry.db.models import SiteStatusEntry as SiteStatusEntryRow
from imc_registry.db.models import Structure as StructureRow
from imc_registry.domain.organisations import KIND_TITLES
from imc_registry.domain.people import QUALIFICATION_TITLES, STAFF_GROUP_TITLES
from imc_registry.domain.sites import SITE_KIND_TITLES, STATUS_TITLES
from imc_registry.domain.structures import STRUCTURE_KIND_TITLES
from imc_registry.services.imports import ImportReport
from imc_registry.services.people import card

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
ShortText = Annotated[str, msgspec.Meta(max_length=200)]
OrganisationKind = Literal["doo", "school", "lyceum", "gymnasium", "additional"]
StaffGroup = Literal["administration", "teacher", "imc_methodist", "other"]
QualificationCategory = Literal["highest", "first", "conformity", "none"]
StructureKind = Literal[
    "methodical_council",
    "innovation_council",
    "rmo",
    "workshop",
    "mentoring_centre",
    "young_teacher_school",
    "shmo",
    "tpg",
    "gmo",
    "mmc_subject_association",
]
Subjects = Annotated[
    list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=20)
]


def changes_of(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body sets (left-out fields stay as they are)."""
    return {
        name: value
        for name in data.__struct_fields__
        if (value := getattr(data, name)) is not UNSET
    }


# --- organisations ---------------------------------------------------------------


class OrganisationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new educational organisation."""

    full_name: Name
    short_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: OrganisationKind
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    address: Annotated[str, msgspec.Meta(max_length=500)] = ""
    director_name: ShortText = ""
    phone: Annotated[str, msgspec.Meta(max_length=100)] = ""
    website: Annotated[str, msgspec.Meta(max_length=300)] = ""
    low_results: bool = False
    unfavourable_conditions: bool = False
    resilient: bool = False


class OrganisationUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of an organisation to change; the others stay."""

    full_name: Name | UnsetType = UNSET
    short_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    kind: OrganisationKind | UnsetType = UNSET
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)] | UnsetType = UNSET
    address: Annotated[str, msgspec.Meta(max_length=500)] | UnsetType = UNSET
    director_name: ShortText | UnsetType = UNSET
    phone: Annotated[str, msgspec.Meta(max_length=100)] | UnsetType = UNSET
    website: Annotated[str, msgspec.Meta(max_length=300)] | UnsetType = UNSET
    low_results: bool | UnsetType = UNSET
    unfavourable_conditions: bool | UnsetType = UNSET
    resilient: bool | UnsetType = UNSET


class Organisation(msgspec.Struct, kw_only=True):
    """An educational organisation of the district."""

    id: UUID
    district: str
    full_name: str
    short_name: str
    kind: str
    kind_title: str
    email: str
    address: str
    director_name: str
    phone: str
    website: str
    low_results: bool
    unfavourable_conditions: bool
    resilient: bool
    archived: bool

    @classmethod
    def of(cls, row: OrganisationRow) -> "Organisation":
        """Map a row."""
        values = {f: getattr(row, f) for f in cls.__struct_fields__ if f != "kind_title"}
        return cls(kind_title=KIND_TITLES.get(row.kind, row.kind), **values)


class ImportProblem(msgspec.Struct, kw_only=True):
    """One reason a line of the file cannot be imported."""

    line: int
    field: str | None
    column: str | None
    message: str


class ImportedRow(msgspec.Struct, kw_only=True):
    """A line read from the file, as it would go into the registry."""

    line: int
    full_name: str
    short_name: str
    kind: str
    kind_title: str
    email: str
    low_results: bool
    unfavourable_conditions: bool
    resilient: bool


class ImportResult(msgspec.Struct, kw_only=True):
    """The import report: every bad line with its reason; nothing imported unless clean."""

    dry_run: bool
    clean: bool
    message: str
    """What happened, in one Russian sentence for the person who uploaded the file."""
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    columns: list[str]
    total_rows: int
    valid_rows: int
    imported: int
    bad_lines: list[int]
    errors: list[ImportProblem]
    rows: list[ImportedRow]

    @classmethod
    def of(cls, report: ImportReport) -> "ImportResult":
        """Map the use case's report."""
        from imc_registry.domain.imports import FIELD_LABELS

        bad = report.bad_lines
        if bad:
            lines = ", ".join(str(line) for line in bad[:50]) + (" …" if len(bad) > 50 else "")
            message = f"Найдены ошибки в строках: {lines}. Ничего не загружено — исправьте файл"
        elif report.dry_run:
            message = f"Ошибок нет: можно загрузить организаций — {len(report.rows)}"
        else:
            message = f"Загружено организаций: {report.imported}"
        return cls(
            dry_run=report.dry_run,
            clean=report.clean,
            message=message,
            file_format=report.file_format,
            encoding=report.encoding,
            delimiter=report.delimiter,
            sheet=report.sheet,
            header_line=report.header_line,
            columns=report.columns,
            total_rows=len(report.rows),
            valid_rows=len(report.rows) - len(bad),
            imported=report.imported,
            bad_lines=bad,
            errors=[
                ImportProblem(
                    line=e.line,
                    field=e.field,
                    column=FIELD_LABELS.get(e.field) if e.field else None,
                    message=e.message,
                )
                for e in report.errors
            ],
            rows=[
                ImportedRow(
                    line=row.line,
                    full_name=str(row.values["full_name"]),
                    short_name=str(row.values["short_name"]),
                    kind=str(row.values["kind"]),
                    kind_title=KIND_TITLES.get(str(row.values["kind"]), ""),
                    email=str(row.values["email"]),
                    low_results=bool(row.values["low_results"]),
                    unfavourable_conditions=bool(row.values["unfavourable_conditions"]),
                    resilient=bool(row.values["resilient"]),
                )
                for row in report.rows
            ],
        )


# --- people ----------------------------------------------------------------------


class PersonCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new person (teacher, manager, methodist) with the consent record."""

    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    position: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    staff_group: StaffGroup
    qualification_category: QualificationCategory = "none"
    organisation_id: UUID | None = None
    subjects: Subjects = msgspec.field(default_factory=list)
    email: Annotated[str, msgspec.Meta(max_length=254)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=100)] = ""
    consent_given: bool = False
    consent_date: date | None = None
    consent_document: Annotated[str, msgspec.Meta(max_length=300)] = ""


class PersonUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of a person to change (``consent_given: false`` withdraws the consent)."""

    full_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    position: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | UnsetType = UNSET
    staff_group: StaffGroup | UnsetType = UNSET
    qualification_category: QualificationCategory | UnsetType = UNSET
    organisation_id: UUID | UnsetType | None = UNSET
    subjects: Subjects | UnsetType = UNSET
    email: Annotated[str, msgspec.Meta(max_length=254)] | UnsetType = UNSET
    phone: Annotated[str, msgspec.Meta(max_length=100)] | UnsetType = UNSET
    consent_given: bool | UnsetType = UNSET
    consent_date: date | UnsetType | None = UNSET
    consent_document: Annotated[str, msgspec.Meta(max_length=300)] | UnsetType = UNSET


class PersonCard(msgspec.Struct, kw_only=True):
    """What other services may see of a person (domain.people.PUBLIC_PERSON_FIELDS)."""

    id: UUID
    full_name: str
    position: str
    staff_group: str
    organisation_id: UUID | None
    qualification_category: str
    subjects: list[str]
    email: str

    @classmethod
    def of(cls, row: Any) -> "PersonCard":
        """Map a row through the one list of public fields."""
        return cls(**card(row))


class Consent(msgspec.Struct, kw_only=True):
    """The consent to personal data processing."""

    given: bool
    date: date | None
    document: str


class Person(msgspec.Struct, kw_only=True):
    """The full record of a person (staff use; every read is logged)."""

    id: UUID
    full_name: str
    position: str
    staff_group: str
    staff_group_title: str
    organisation_id: UUID | None
    qualification_category: str
    qualification_category_title: str
    subjects: list[str]
    email: str
    phone: str
    consent: Consent
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: Any) -> "Person":
        """Map a row."""
        return cls(
            id=row.id,
            full_name=row.full_name,
            position=row.position,
            staff_group=row.staff_group,
            staff_group_title=STAFF_GROUP_TITLES.get(row.staff_group, row.staff_group),
            organisation_id=row.organisation_id,
            qualification_category=row.qualification_category,
            qualification_category_title=QUALIFICATION_TITLES.get(
                row.qualification_category, row.qualification_category
            ),
            subjects=list(row.subjects or ()),
            email=row.email,
            phone=row.phone,
            consent=Consent(
                given=row.consent_given, date=row.consent_date, document=row.consent_document
            ),
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


# --- structures ------------------------------------------------------------------


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A person joining a structure."""

    person_id: UUID
    role: ShortText = ""


class StructureCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new methodical structure."""

    kind: StructureKind
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    organisation_id: UUID | None = None
    subject: Annotated[str, msgspec.Meta(max_length=100)] = ""
    head_id: UUID | None = None
    members: list[MemberIn] = msgspec.field(default_factory=list)
    active: bool = True


class StructureUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of a structure to change."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=500)] | UnsetType = UNSET
    organisation_id: UUID | UnsetType | None = UNSET
    subject: Annotated[str, msgspec.Meta(max_length=100)] | UnsetType = UNSET
    head_id: UUID | UnsetType | None = UNSET
    active: bool | UnsetType = UNSET


class Member(msgspec.Struct, kw_only=True):
    """A member of a structure: the person's card and the role."""

    person: PersonCard
    role: str


class Structure(msgspec.Struct, kw_only=True):
    """A methodical structure with its head and members as person cards."""

    id: UUID
    kind: str
    kind_title: str
    title: str
    organisation_id: UUID | None
    subject: str
    active: bool
    head: PersonCard | None
    members: list[Member]
    members_count: int

    @classmethod
    def of(cls, row: StructureRow) -> "Structure":
        """Map a row."""
        members = [Member(person=PersonCard.of(m.person), role=m.role) for m in row.members]
        return cls(
            id=row.id,
            kind=row.kind,
            kind_title=STRUCTURE_KIND_TITLES.get(row.kind, row.kind),
            title=row.title,
            organisation_id=row.organisation_id,
            subject=row.subject,
            active=row.active,
            head=PersonCard.of(row.head) if row.head is not None else None,
            members=members,
            members_count=len(members),
        )


# --- sites -----------------------------------------------------------------------


class Leader(msgspec.Struct, kw_only=True):
    """A leader or co-leader of a site."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site status of an organisation (staff view, read by the portal)."""

    id: UUID
    organisation_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Leader
    co_leader: Leader | None
    order_number: str
    order_date: date
    decision_id: UUID
    last_decision_id: UUID

    @classmethod
    def of(cls, row: SiteRow) -> "Site":
        """Map a row."""
        return cls(
            id=row.id,
            organisation_id=row.organisation_id,
            organisation_short_name=row.organisation.short_name,
            organisation_full_name=row.organisation.full_name,
            kind=row.kind,
            kind_title=SITE_KIND_TITLES.get(row.kind, row.kind),
            status=row.status,
            status_title=STATUS_TITLES.get(row.status, row.status),
            topic=row.topic,
            term_start=row.term_start,
            term_end=row.term_end,
            leader=Leader(full_name=row.leader_name, position=row.leader_position),
            co_leader=(
                Leader(full_name=row.co_leader_name, position=row.co_leader_position or "")
                if row.co_leader_name
                else None
            ),
            order_number=row.order_number,
            order_date=row.order_date,
            decision_id=row.decision_id,
            last_decision_id=row.last_decision_id,
        )


class HistoryEntry(msgspec.Struct, kw_only=True):
    """One change of a site's status."""

    status: str
    status_title: str
    previous_status: str | None
    reason: str
    order_id: UUID | None
    order_kind: str
    order_number: str
    order_date: date | None
    decision_id: UUID | None
    occurred_at: datetime

    @classmethod
    def of(cls, row: SiteStatusEntryRow) -> "HistoryEntry":
        """Map a row."""
        return cls(
            status=row.status,
            status_title=STATUS_TITLES.get(row.status, row.status),
            previous_status=row.previous_status,
            reason=row.reason,
            order_id=row.order_id,
            order_kind=row.order_kind,
            order_number=row.order_number,
            order_date=row.order_date,
            decision_id=row.decision_id,
            occurred_at=row.occurred_at,
        )


class SiteDetail(Site, kw_only=True):
    """A site with its full status history, oldest first."""

    history: list[HistoryEntry]

    @classmethod
    def with_history(cls, row: SiteRow) -> "SiteDetail":
        """Map a row with its loaded history."""
        base = msgspec.structs.asdict(Site.of(row))
        return cls(**base, history=[HistoryEntry.of(entry) for entry in row.history])


class PublicSite(msgspec.Struct, kw_only=True):
    """A working site as the IMC website publishes it: names only, no contacts."""

    id: UUID
    organisation_short_name: str
    kind: str
    kind_title: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: str
    co_leader: str | None
    order_number: str
    order_date: date

    @classmethod
    def of(cls, row: SiteRow) -> "PublicSite":
        """Map a row."""
        return cls(
            id=row.id,
            organisation_short_name=row.organisation.short_name,
            kind=row.kind,
            kind_title=SITE_KIND_TITLES.get(row.kind, row.kind),
            status_title=STATUS_TITLES.get(row.status, row.status),
            topic=row.topic,
            term_start=row.term_start,
            term_end=row.term_end,
            leader=row.leader_name,
            co_leader=row.co_leader_name or None,
            order_number=row.order_number,
            order_date=row.order_date,
        )


class PublicCentreSite(msgspec.Struct, kw_only=True):
    """A working inter-municipal site of the centre (ММЦ), as a district's website shows
    it: names and positions as the order gives them, no contacts."""

    site_id: UUID
    organisation_short_name: str
    organisation_full_name: str
    kind: str
    kind_title: str
    status: str
    status_title: str
    topic: str
    term_start: date
    term_end: date
    leader: Leader
    co_leader: Leader | None
    order_number: str
    order_date: date

    @classmethod
    def of(cls, row: CentreSiteRow) -> "PublicCentreSite":
        """Map a row."""
        return cls(**_centre_site_fields(row))


class CentreSite(PublicCentreSite, kw_only=True):
    """An inter-municipal site of the centre as the district received it (staff view)."""

    centre: str
    organisation_id: UUID
    decision_id: UUID
    reason: str
    version: int
    occurred_at: datetime
    received_at: datetime

    @classmethod
    def of(cls, row: CentreSiteRow) -> "CentreSite":
        """Map a row."""
        return cls(
            **_centre_site_fields(row),
            centre=row.centre,
            organisation_id=row.organisation_id,
            decision_id=row.decision_id,
            reason=row.reason,
            version=row.version,
            occurred_at=row.occurred_at,
            received_at=row.received_at,
        )


def _centre_site_fields(row: CentreSiteRow) -> dict[str, Any]:
    return {
        "site_id": row.site_id,
        "organisation_short_name": row.organisation_short_name,
        "organisation_full_name": row.organisation_full_name,
        "kind": row.kind,
        "kind_title": SITE_KIND_TITLES.get(row.kind, row.kind),
        "status": row.status,
        "status_title": STATUS_TITLES.get(row.status, row.status),
        "topic": row.topic,
        "term_start": row.term_start,
        "term_end": row.term_end,
        "leader": Leader(full_name=row.leader_name, position=row.leader_position),
        "co_leader": (
            Leader(full_name=row.co_leader_name, position=row.co_leader_position or "")
            if row.co_leader_name
            else None
        ),
        "order_number": row.order_number,
        "order_date": row.order_date,
    }


@dataclass
class ImportForm:
    """The uploaded table, sent as ``multipart/form-data`` with one ``file``."""

    file: UploadFile | None = None
