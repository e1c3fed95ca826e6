"""Suggestions for an open deficit: upcoming events (the district's and the centre's) and
active sites whose title, topic or subjects speak of the competency or the subject."""

from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa

from imc_contracts.vocabulary import SITE_KIND_TITLES
from imc_growth.api.schemas import SuggestedEvent, SuggestedSite, Suggestions
from imc_growth.db.models import Competency, Deficit, KnownEvent, KnownSite
from imc_growth.domain.matching import fold, matches, matching_keywords
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound

ACTIVE_SITE_STATUSES = ("active", "extended")


def _subject_matched(subject: str, text: str, subjects: list[str]) -> bool:
    if not subject:
        return False
    return fold(subject) in {fold(s) for s in subjects} or matches(subject, text)


async def suggest(
    *, database: Database, deficit_id: UUID, now: datetime | None = None, limit: int = 20
) -> Suggestions:
    moment = now or datetime.now(UTC)
    async with database.sessions() as session:
        deficit = await session.get(Deficit, deficit_id)
        if deficit is None:
            raise NotFound("Дефицит не найден", field="deficit_id")
        if deficit.status != "open":
            raise Conflict("Дефицит уже устранён: подбор не нужен", field="status")
        competency = await session.get(Competency, deficit.competency_id)
        assert competency is not None
        events = (
            await session.scalars(
                sa.select(KnownEvent)
                .where(KnownEvent.status != "cancelled", KnownEvent.starts_at > moment)
                .order_by(KnownEvent.starts_at, KnownEvent.event_id)
            )
        ).all()
        sites = (
            await session.scalars(
                sa.select(KnownSite)
                .where(KnownSite.status.in_(ACTIVE_SITE_STATUSES))
                .order_by(KnownSite.organisation_short_name, KnownSite.site_id)
            )
        ).all()
    keywords = [competency.title, *competency.keywords]
    found_events: list[tuple[bool, SuggestedEvent]] = []
    for event in events:
        text = " ".join([event.title, event.form_title, *event.audience_subjects])
        matched = matching_keywords(keywords, text)
        by_subject = _subject_matched(deficit.subject, text, event.audience_subjects)
        if not matched and not by_subject:
            continue
        found_events.append(
            (
                not matched,
                SuggestedEvent(
                    event_id=event.event_id,
                    title=event.title,
                    form=event.form,
                    form_title=event.form_title,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    organiser_name=event.organiser_name,
                    venue=event.venue,
                    hours=event.hours,
                    source=event.source,
                    matched=matched + ([deficit.subject] if by_subject else []),
                ),
            )
        )
    found_events.sort(key=lambda pair: (pair[0], pair[1].starts_at))
    found_sites = []
    for site in sites:
        matched = matching_keywords(keywords, site.topic)
        by_subject = _subject_matched(deficit.subject, site.topic, [])
        if matched or by_subject:
            found_sites.append(
                SuggestedSite(
                    site_id=site.site_id,
                    organisation_id=site.organisation_id,
                    organisation_short_name=site.organisation_short_name,
                    kind=site.kind,
                    kind_title=SITE_KIND_TITLES.get(site.kind, site.kind),
                    topic=site.topic,
                    term_end=site.term_end,
                    matched=matched + ([deficit.subject] if by_subject else []),
                )
            )
    return Suggestions(
        deficit_id=deficit.id,
        competency_code=competency.code,
        competency_title=competency.title,
        subject=deficit.subject,
        events=[e for _, e in found_events[:limit]],
        sites=found_sites[:limit],
    )
