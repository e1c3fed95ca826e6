"""Use cases on road maps."""

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ROADMAP_OPENED, Envelope, RoadmapOpened, SiteStatusChanged
from imc_scheduling.api.schemas import RoadmapItemIn
from imc_scheduling.db.models import Event, Registration, Roadmap, RoadmapItem
from imc_scheduling.domain.events import EVENT_FORM_TITLES, FulfilmentEvent, item_state
from imc_scheduling.domain.roadmaps import opens_roadmap, roadmap_title
from imc_shared.db import Database
from imc_shared.errors import InvalidInput, NotFound
from imc_shared.outbox import Outbox


async def open_roadmap(
    session: AsyncSession, outbox: Outbox, envelope: Envelope[Any]
) -> Roadmap | None:
    """Open the (empty) road map of a site that has just become active."""
    change: SiteStatusChanged = envelope.payload
    if not opens_roadmap(change):
        return None
    existing = await session.scalar(sa.select(Roadmap).where(Roadmap.site_id == change.site_id))
    if existing is not None:
        return existing
    roadmap = Roadmap(
        site_id=change.site_id,
        organisation_id=change.organisation_id,
        organisation_short_name=change.organisation_short_name,
        title=roadmap_title(change),
        topic=change.topic,
        period_start=change.term_start,
        period_end=change.term_end,
    )
    session.add(roadmap)
    await session.flush()
    await outbox.put(
        session,
        ROADMAP_OPENED,
        RoadmapOpened(
            roadmap_id=roadmap.id,
            site_id=roadmap.site_id,
            organisation_id=roadmap.organisation_id,
            title=roadmap.title,
        ),
        cause=envelope,
    )
    return roadmap


async def list_roadmaps(*, database: Database) -> list[Roadmap]:
    """Every road map of the district, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(sa.select(Roadmap).order_by(Roadmap.opened_at.desc()))
        return list(rows.all())


async def add_item(*, database: Database, roadmap_id: UUID, data: RoadmapItemIn) -> RoadmapItem:
    """Add a row to a road map."""
    if not data.title.strip():
        raise InvalidInput("Укажите мероприятие (содержание работы)", field="title")
    if data.form not in EVENT_FORM_TITLES:
        raise InvalidInput(f"Неизвестная форма мероприятия «{data.form}»", field="form")
    if not data.responsible_name.strip():
        raise InvalidInput("Укажите ответственного", field="responsible_name")
    async with database.transaction() as session:
        roadmap = await session.get(Roadmap, roadmap_id)
        if roadmap is None:
            raise NotFound("Дорожная карта не найдена", field="roadmap_id")
        if not roadmap.period_start <= data.deadline <= roadmap.period_end:
            raise InvalidInput(
                f"Срок должен быть в пределах срока действия площадки: "
                f"{roadmap.period_start:%d.%m.%Y}–{roadmap.period_end:%d.%m.%Y}",
                field="deadline",
            )
        item = RoadmapItem(
            roadmap_id=roadmap_id,
            title=data.title.strip(),
            form=data.form,
            responsible_name=data.responsible_name.strip(),
            responsible_person_id=data.responsible_person_id,
            deadline=data.deadline,
            expected_result=data.expected_result.strip(),
        )
        session.add(item)
        await session.flush()
        return item


ItemFacts = tuple[RoadmapItem, str, list[tuple[Event, int]]]


async def items_with_state(*, database: Database, roadmap_id: UUID, today: date) -> list[ItemFacts]:
    """Rows of a road map with their computed state and linked events (with attendance)."""
    async with database.sessions() as session:
        if await session.get(Roadmap, roadmap_id) is None:
            raise NotFound("Дорожная карта не найдена", field="roadmap_id")
        items = list(
            (
                await session.scalars(
                    sa.select(RoadmapItem)
                    .where(RoadmapItem.roadmap_id == roadmap_id)
                    .order_by(RoadmapItem.deadline, RoadmapItem.created_at)
                )
            ).all()
        )
        attended = (
            sa.select(Registration.event_id, sa.func.count().label("n"))
            .where(Registration.attended.is_(True))
            .group_by(Registration.event_id)
            .subquery()
        )
        rows = await session.execute(
            sa.select(Event, sa.func.coalesce(attended.c.n, 0))
            .outerjoin(attended, attended.c.event_id == Event.id)
            .where(Event.roadmap_item_id.in_([i.id for i in items]))
            .order_by(Event.starts_at)
        )
        linked: dict[UUID, list[tuple[Event, int]]] = {i.id: [] for i in items}
        for event, count in rows.all():
            assert event.roadmap_item_id is not None
            linked[event.roadmap_item_id].append((event, int(count)))
    out: list[ItemFacts] = []
    for item in items:
        facts = [
            FulfilmentEvent(status=e.status, ends_at=e.ends_at, attended=n)
            for e, n in linked[item.id]
        ]
        out.append((item, item_state(item.deadline, facts, today), linked[item.id]))
    return out


async def overdue_items(*, database: Database, today: date) -> list[tuple[Roadmap, ItemFacts]]:
    """Every overdue road-map row of the district (for the IMC's alerts), by deadline."""
    async with database.sessions() as session:
        maps = list((await session.scalars(sa.select(Roadmap).order_by(Roadmap.title))).all())
    out: list[tuple[Roadmap, ItemFacts]] = []
    for roadmap in maps:
        rows = await items_with_state(database=database, roadmap_id=roadmap.id, today=today)
        out.extend((roadmap, row) for row in rows if row[1] == "overdue")
    return sorted(out, key=lambda pair: pair[1][0].deadline)
