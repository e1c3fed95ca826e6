"""Use cases on road maps."""

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import ROADMAP_OPENED, Envelope, RoadmapOpened, SiteStatusChanged
from imc_scheduling.api.schemas import RoadmapItemIn
from imc_scheduling.db.models import Event, Plan, PlanItem, Registration, Roadmap, RoadmapItem
from imc_scheduling.domain.events import EVENT_FORM_TITLES, FulfilmentEvent, item_state
from imc_scheduling.domain.plans import refuse_unless_imc_plan
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


async def _check_plan_item(session: AsyncSession, plan_item_id: UUID) -> None:
    """The row may name an item of the district's IMC plan only (000 §3.6.1)."""
    kind = await session.scalar(
        sa.select(Plan.kind)
        .join(PlanItem, PlanItem.plan_id == Plan.id)
        .where(PlanItem.id == plan_item_id)
    )
    if kind is None:
        raise InvalidInput("Пункт плана работы ИМЦ не найден", field="plan_item_id")
    refuse_unless_imc_plan(kind)


async def add_item(*, database: Database, roadmap_id: UUID, data: RoadmapItemIn) -> RoadmapItem:
    """Add a row to a road map, agreed with an item of the IMC plan if it names one."""
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
        if data.plan_item_id is not None:
            await _check_plan_item(session, data.plan_item_id)
        item = RoadmapItem(
            roadmap_id=roadmap_id,
            plan_item_id=data.plan_item_id,
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
"""A road-map row, its computed state and its linked events (each with attendance)."""


async def _linked_events(
    session: AsyncSession, item_ids: list[UUID]
) -> dict[UUID, list[tuple[Event, int]]]:
    """Events linked to each row, by start, with how many were present at each."""
    attended = (
        sa.select(Registration.event_id, sa.func.count().label("n"))
        .where(Registration.attended.is_(True))
        .group_by(Registration.event_id)
        .subquery()
    )
    rows = await session.execute(
        sa.select(Event, sa.func.coalesce(attended.c.n, 0))
        .outerjoin(attended, attended.c.event_id == Event.id)
        .where(Event.roadmap_item_id.in_(item_ids))
        .order_by(Event.starts_at)
    )
    linked: dict[UUID, list[tuple[Event, int]]] = {i: [] for i in item_ids}
    for event, count in rows.all():
        assert event.roadmap_item_id is not None
        linked[event.roadmap_item_id].append((event, int(count)))
    return linked


async def with_state(
    session: AsyncSession, items: Sequence[RoadmapItem], today: date
) -> list[ItemFacts]:
    """Rows with their state computed from their events (plan versus fact), in order."""
    linked = await _linked_events(session, [i.id for i in items])
    out: list[ItemFacts] = []
    for item in items:
        facts = [
            FulfilmentEvent(status=e.status, ends_at=e.ends_at, attended=n)
            for e, n in linked[item.id]
        ]
        out.append((item, item_state(item.deadline, facts, today), linked[item.id]))
    return out


async def items_with_state(*, database: Database, roadmap_id: UUID, today: date) -> list[ItemFacts]:
    """Rows of a road map with their computed state and linked events (with attendance)."""
    async with database.sessions() as session:
        if await session.get(Roadmap, roadmap_id) is None:
            raise NotFound("Дорожная карта не найдена", field="roadmap_id")
        items = (
            await session.scalars(
                sa.select(RoadmapItem)
                .where(RoadmapItem.roadmap_id == roadmap_id)
                .order_by(RoadmapItem.deadline, RoadmapItem.created_at)
            )
        ).all()
        return await with_state(session, items, today)


SiteRow = tuple[Roadmap, ItemFacts]
"""A road-map row with its state and the road map (the site) it belongs to."""


async def site_rows(
    session: AsyncSession, where: sa.ColumnElement[bool], today: date
) -> list[SiteRow]:
    """Rows matching ``where``, each with its road map and state, by deadline."""
    pairs = (
        await session.execute(
            sa.select(Roadmap, RoadmapItem)
            .join(RoadmapItem, RoadmapItem.roadmap_id == Roadmap.id)
            .where(where)
            .order_by(RoadmapItem.deadline, Roadmap.title, RoadmapItem.created_at)
        )
    ).all()
    facts = await with_state(session, [item for _, item in pairs], today)
    return [(roadmap, row) for (roadmap, _), row in zip(pairs, facts, strict=True)]


async def overdue_items(*, database: Database, today: date) -> list[SiteRow]:
    """Every overdue road-map row of the district (for the IMC's alerts), by deadline."""
    async with database.sessions() as session:
        rows = await site_rows(session, RoadmapItem.deadline < today, today)
    return [row for row in rows if row[1][1] == "overdue"]


async def rows_for_plan_items(
    session: AsyncSession, plan_item_ids: list[UUID], today: date
) -> dict[UUID, list[SiteRow]]:
    """Road-map rows naming each plan item, with their state (000 §3.6.1)."""
    rows = await site_rows(session, RoadmapItem.plan_item_id.in_(plan_item_ids), today)
    out: dict[UUID, list[SiteRow]] = {i: [] for i in plan_item_ids}
    for roadmap, facts in rows:
        assert facts[0].plan_item_id is not None
        out[facts[0].plan_item_id].append((roadmap, facts))
    return out
