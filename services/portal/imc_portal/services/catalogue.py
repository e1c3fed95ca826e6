"""The catalogue of sites: a district's own list (with the centre's inter-municipal
sites beside it), and the centre's list by district."""

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from imc_portal.api.schemas import CentreSite, District, IntermunicipalSite, PublicSite, Site
from imc_portal.clients import FederationClient, RegistryClient


@dataclass(frozen=True)
class DistrictSection:
    """The sites of one district on the centre's page."""

    code: str
    name: str
    sites: list[CentreSite] = field(default_factory=list)


@dataclass(frozen=True)
class DistrictOverview:
    """Everything the district's page shows: its own sites and the centre's."""

    sites: list[Site]
    centre_sites: list[IntermunicipalSite]


@dataclass(frozen=True)
class CentreOverview:
    """Everything the centre's page shows."""

    sites: list[CentreSite]
    districts: list[District]

    @property
    def sections(self) -> list[DistrictSection]:
        """One section per district, those known to the centre and those seen in sites."""
        return group_by_district(self.sites, self.districts)

    @property
    def total_sites(self) -> int:
        """Sites across all districts."""
        return len(self.sites)


def name_key(name: str) -> str:
    """A sort key that orders Russian names as people expect (ё beside е, no case)."""
    return name.casefold().replace("ё", "е")


def sorted_sites(sites: Iterable[Site]) -> list[Site]:
    """Sites in the order of organisation names, then by the start of the term."""
    return sorted(sites, key=lambda site: (name_key(site.organisation_short_name), site.term_start))


def sorted_centre_sites(sites: Iterable[CentreSite]) -> list[CentreSite]:
    """The centre's sites by district name, then organisation, then the start of the term."""
    return sorted(
        sites,
        key=lambda site: (
            name_key(site.district_name),
            site.district,
            name_key(site.organisation_short_name),
            site.term_start,
        ),
    )


def group_by_district(
    sites: Iterable[CentreSite], districts: Iterable[District]
) -> list[DistrictSection]:
    """Sections by district in the order of names; a district without sites gets one too."""
    names = {district.code: district.name for district in districts}
    grouped: dict[str, list[CentreSite]] = {code: [] for code in names}
    for site in sorted_centre_sites(sites):
        grouped.setdefault(site.district, []).append(site)
        names.setdefault(site.district, site.district_name)
    sections = [
        DistrictSection(code=code, name=names[code] or code, sites=grouped[code])
        for code in grouped
    ]
    return sorted(sections, key=lambda section: (name_key(section.name), section.code))


def sorted_public_sites(sites: Iterable[PublicSite]) -> list[PublicSite]:
    """The public catalogue in the order of organisation names, then the start of the term."""
    return sorted(sites, key=lambda site: (name_key(site.organisation_short_name), site.term_start))


async def district_sites(*, registry: RegistryClient) -> list[Site]:
    """The district's sites from its registry, in display order."""
    return sorted_sites(await registry.sites())


def sorted_intermunicipal_sites(sites: Iterable[IntermunicipalSite]) -> list[IntermunicipalSite]:
    """The centre's sites by kind, then organisation, then the start of the term."""
    return sorted(
        sites,
        key=lambda site: (
            name_key(site.kind_title),
            name_key(site.organisation_short_name),
            site.term_start,
        ),
    )


async def district_overview(*, registry: RegistryClient) -> DistrictOverview:
    """The district's sites and the centre's inter-municipal ones, read concurrently."""
    sites, centre = await asyncio.gather(registry.sites(), registry.centre_sites())
    return DistrictOverview(
        sites=sorted_sites(sites), centre_sites=sorted_intermunicipal_sites(centre)
    )


async def centre_sites(*, federation: FederationClient) -> list[CentreSite]:
    """All districts' sites from the aggregator, in display order."""
    return sorted_centre_sites(await federation.sites())


def sorted_districts(districts: Iterable[District]) -> list[District]:
    """Districts in the order of their names."""
    return sorted(districts, key=lambda district: (name_key(district.name), district.code))


async def centre_districts(*, federation: FederationClient) -> list[District]:
    """The districts known to the centre, in display order."""
    return sorted_districts(await federation.districts())


async def centre_overview(*, federation: FederationClient) -> CentreOverview:
    """Sites and districts from the aggregator, read concurrently."""
    sites, districts = await asyncio.gather(federation.sites(), federation.districts())
    return CentreOverview(sites=sorted_centre_sites(sites), districts=sorted_districts(districts))
