"""HTTP schemas of the registry."""

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from imc_registry.db.models import Organisation as OrganisationRow
from imc_registry.db.models import Site as SiteRow
from imc_registry.domain.sites import SITE_KIND_TITLES, STATUS_TITLES

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class OrganisationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new educational organisation."""

    full_name: Name
    short_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: Literal["doo", "school", "lyceum", "gymnasium", "additional"]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    address: Annotated[str, msgspec.Meta(max_length=500)] = ""
    director_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    low_results: bool = False
    unfavourable_conditions: bool = False
    resilient: bool = False


class Organisation(msgspec.Struct, kw_only=True):
    """An educational organisation of the district."""

    id: UUID
    district: str
    full_name: str
    short_name: str
    kind: str
    email: str
    address: str
    director_name: str
    low_results: bool
    unfavourable_conditions: bool
    resilient: bool

    @classmethod
    def of(cls, row: OrganisationRow) -> "Organisation":
        """Map a row."""
        return cls(**{f: getattr(row, f) for f in cls.__struct_fields__})


class Person(msgspec.Struct, kw_only=True):
    """A leader or co-leader of a site."""

    full_name: str
    position: str


class Site(msgspec.Struct, kw_only=True):
    """A site status of an organisation."""

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
    leader: Person
    co_leader: Person
    order_number: str
    order_date: date

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
            leader=Person(full_name=row.leader_name, position=row.leader_position),
            co_leader=Person(full_name=row.co_leader_name, position=row.co_leader_position),
            order_number=row.order_number,
            order_date=row.order_date,
        )
