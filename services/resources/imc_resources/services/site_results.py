"""A site's results flow into the bank (000 §3.6.5: the site collects and systematises its
experience; 004 §5.2: it replicates its methodical product): when a site's term ends
(terminated or expired) a draft «Результаты деятельности площадки «…»» is made for its
organisation to fill and submit, once per site and term."""

from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import Envelope, SiteStatusChanged
from imc_contracts.vocabulary import SITE_KIND_TITLES, SITE_STATUS_TITLES
from imc_resources.db.models import Person, Resource, SiteResultsDraft
from imc_resources.domain.resources import squash
from imc_resources.services.common import now, organisation_name
from imc_resources.services.resources import journal, new_revision

ENDED: Final = frozenset({"terminated", "expired"})
CREATED_BY: Final = "система (окончание срока деятельности площадки)"


def draft_title(topic: str) -> str:
    """«Результаты деятельности площадки «<topic>»», at most 300 characters."""
    head, tail = "Результаты деятельности площадки «", "»"
    room = 300 - len(head) - len(tail)
    text = squash(topic) or "без темы"
    if len(text) > room:
        text = text[: room - 1].rstrip() + "…"
    return f"{head}{text}{tail}"


async def _leader(session: AsyncSession, data: SiteStatusChanged) -> Person | None:
    """The leader in the registry's read model (same name, same organisation), if one."""
    people = (
        await session.scalars(
            sa.select(Person).where(
                Person.organisation_id == data.organisation_id,
                Person.full_name == squash(data.leader.full_name),
            )
        )
    ).all()
    return people[0] if len(people) == 1 else None


async def record_site_status(
    session: AsyncSession, envelope: Envelope[Any], *, max_text: int
) -> Resource | None:
    """Make the results draft of a site whose term ended (nothing for other statuses or
    a term already drafted)."""
    data: SiteStatusChanged = envelope.payload
    if data.status not in ENDED:
        return None
    key = (data.site_id, data.term_start, data.term_end)
    if await session.get(SiteResultsDraft, key) is not None:
        return None
    kind_title = SITE_KIND_TITLES.get(data.kind, "площадка")
    org_name = data.organisation_short_name or await organisation_name(
        session, data.organisation_id
    )
    leader = await _leader(session, data)
    moment = now()
    summary = (
        f"{kind_title[:1].upper()}{kind_title[1:]} на базе {org_name} по теме "
        f"«{squash(data.topic)}», срок деятельности с {data.term_start:%d.%m.%Y} "
        f"по {data.term_end:%d.%m.%Y}."
    )
    resource = Resource(
        status="draft",
        title=draft_title(data.topic),
        summary=summary[:5000],
        kind="site_results",
        subject="",
        level="",
        tags=[kind_title[:100]],
        licence="cc_by",
        author_person_id=leader.person_id if leader else None,
        author_name=(leader.full_name if leader else squash(data.leader.full_name))[:300]
        or org_name,
        organisation_id=data.organisation_id,
        organisation_name=org_name[:500],
        site_id=data.site_id,
        revision=0,
        created_by=CREATED_BY,
        created_at=moment,
        updated_at=moment,
    )
    session.add(resource)
    await new_revision(session, resource, "создан черновик", CREATED_BY, max_text=max_text)
    status_title = SITE_STATUS_TITLES.get(data.status, data.status)
    reason = f" ({squash(data.reason)})" if data.reason.strip() else ""
    await journal(
        session,
        resource,
        None,
        "created",
        f"Черновик создан автоматически: деятельность площадки {status_title}{reason}. "
        "Опишите результаты и продукты деятельности площадки, приложите материалы и "
        "направьте их на экспертизу для публикации в банке методических материалов.",
    )
    session.add(
        SiteResultsDraft(
            site_id=data.site_id,
            term_start=data.term_start,
            term_end=data.term_end,
            resource_id=resource.id,
            created_at=moment,
        )
    )
    return resource
