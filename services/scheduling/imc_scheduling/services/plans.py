"""Annual and subject plans: draft, sections, items, approval, publication, fulfilment.

Every change is announced as PLAN_CHANGED (the whole plan, versioned)."""

from datetime import UTC, date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_scheduling.api.schemas import (
    PlanApprovalIn,
    PlanFulfilmentIn,
    PlanIn,
    PlanItemIn,
    PlanSectionIn,
)
from imc_scheduling.db.models import Plan, PlanItem, PlanSection
from imc_scheduling.domain.events import EVENT_FORM_TITLES
from imc_scheduling.domain.plans import (
    refuse_fulfilment,
    refuse_unless_draft,
    school_year_bounds,
    validate_plan,
)
from imc_scheduling.services.changes import announce_plan
from imc_scheduling.services.roadmaps import SiteRow, rows_for_plan_items
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

PlanLinks = dict[UUID, list[SiteRow]]
"""Road-map rows agreed with each plan item, with their state."""
PlanTree = tuple[Plan, list[tuple[PlanSection, list[PlanItem]]], PlanLinks]


async def _plan(session: AsyncSession, plan_id: UUID, *, lock: bool = False) -> Plan:
    query = sa.select(Plan).where(Plan.id == plan_id)
    if lock:
        query = query.with_for_update()
    plan = await session.scalar(query)
    if plan is None:
        raise NotFound("План не найден", field="plan_id")
    return plan


async def create_plan(*, database: Database, outbox: Outbox, data: PlanIn) -> Plan:
    """Start a draft plan."""
    validate_plan(data.kind, data.title, data.school_year, data.subject)
    async with database.transaction() as session:
        plan = Plan(
            kind=data.kind,
            title=data.title.strip(),
            school_year=data.school_year.strip(),
            subject=data.subject.strip(),
            status="draft",
        )
        session.add(plan)
        await session.flush()
        await announce_plan(session, outbox, plan)
        return plan


async def add_section(
    *, database: Database, outbox: Outbox, plan_id: UUID, data: PlanSectionIn
) -> PlanSection:
    """Add a section at the end of a draft plan."""
    if not data.title.strip():
        raise InvalidInput("Укажите название раздела", field="title")
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        refuse_unless_draft(plan.status)
        last = await session.scalar(
            sa.select(sa.func.max(PlanSection.position)).where(PlanSection.plan_id == plan_id)
        )
        section = PlanSection(plan_id=plan_id, position=(last or 0) + 1, title=data.title.strip())
        session.add(section)
        await session.flush()
        await announce_plan(session, outbox, plan)
        return section


async def add_item(
    *, database: Database, outbox: Outbox, plan_id: UUID, section_id: UUID, data: PlanItemIn
) -> PlanItem:
    """Add an item at the end of a section of a draft plan."""
    if not data.title.strip():
        raise InvalidInput("Укажите содержание работы", field="title")
    if not data.responsible_name.strip():
        raise InvalidInput("Укажите ответственного", field="responsible_name")
    if data.form and data.form not in EVENT_FORM_TITLES:
        raise InvalidInput(f"Неизвестная форма мероприятия «{data.form}»", field="form")
    if data.deadline is None and not data.deadline_text.strip():
        raise InvalidInput(
            "Укажите срок: дату или текстом («в течение года», «ежемесячно»)", field="deadline"
        )
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        refuse_unless_draft(plan.status)
        start, end = school_year_bounds(plan.school_year)
        if data.deadline is not None and not start <= data.deadline <= end:
            raise InvalidInput(
                f"Срок должен быть в пределах {plan.school_year} учебного года "
                f"({start:%d.%m.%Y}–{end:%d.%m.%Y})",
                field="deadline",
            )
        section = await session.get(PlanSection, section_id)
        if section is None or section.plan_id != plan_id:
            raise NotFound("Раздел плана не найден", field="section_id")
        last = await session.scalar(
            sa.select(sa.func.max(PlanItem.position)).where(PlanItem.section_id == section_id)
        )
        item = PlanItem(
            plan_id=plan_id,
            section_id=section_id,
            position=(last or 0) + 1,
            title=data.title.strip(),
            form=data.form,
            responsible_name=data.responsible_name.strip(),
            responsible_person_id=data.responsible_person_id,
            deadline=data.deadline,
            deadline_text=data.deadline_text.strip(),
            expected_result=data.expected_result.strip(),
        )
        session.add(item)
        await session.flush()
        await announce_plan(session, outbox, plan)
        return item


async def approve(
    *, database: Database, outbox: Outbox, plan_id: UUID, data: PlanApprovalIn
) -> Plan:
    """Approve a draft that has at least one item."""
    if not data.approved_by.strip():
        raise InvalidInput("Укажите, кем утверждён план", field="approved_by")
    if not data.approval_document.strip():
        raise InvalidInput(
            "Укажите документ об утверждении (приказ или протокол)", field="approval_document"
        )
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        refuse_unless_draft(plan.status)
        items = await session.scalar(
            sa.select(sa.func.count()).select_from(PlanItem).where(PlanItem.plan_id == plan_id)
        )
        if not items:
            raise Conflict("В плане нет ни одного пункта; утверждать нечего", field="status")
        plan.status = "approved"
        plan.approved_by = data.approved_by.strip()
        plan.approval_document = data.approval_document.strip()
        plan.approved_on = data.approved_on
        await announce_plan(session, outbox, plan)
        return plan


async def publish(*, database: Database, outbox: Outbox, plan_id: UUID) -> Plan:
    """Publish an approved plan (000 §3.6.2: brought to the schools' notice)."""
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        if plan.status == "published":
            raise Conflict("План уже опубликован", field="status")
        if plan.status != "approved":
            raise Conflict("Опубликовать можно только утверждённый план", field="status")
        plan.status = "published"
        plan.published_at = datetime.now(UTC)
        await announce_plan(session, outbox, plan)
        return plan


async def _item(session: AsyncSession, plan: Plan, item_id: UUID) -> PlanItem:
    item = await session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise NotFound("Пункт плана не найден", field="item_id")
    return item


async def fulfil_item(
    *,
    database: Database,
    outbox: Outbox,
    plan_id: UUID,
    item_id: UUID,
    data: PlanFulfilmentIn,
    today: date,
) -> PlanItem:
    """Record that an item of an approved or published plan was fulfilled (a repeat
    corrects the date and the note)."""
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        refuse_fulfilment(plan.status, data.done_on, today)
        item = await _item(session, plan, item_id)
        item.done_on = data.done_on
        item.done_note = data.note.strip()
        await announce_plan(session, outbox, plan)
        return item


async def unfulfil_item(
    *, database: Database, outbox: Outbox, plan_id: UUID, item_id: UUID, today: date
) -> PlanItem:
    """Withdraw an item's fulfilment (recorded by mistake)."""
    async with database.transaction() as session:
        plan = await _plan(session, plan_id, lock=True)
        refuse_fulfilment(plan.status, None, today)
        item = await _item(session, plan, item_id)
        if item.done_on is None:
            raise Conflict("Пункт плана не отмечен как выполненный", field="item_id")
        item.done_on = None
        item.done_note = ""
        await announce_plan(session, outbox, plan)
        return item


async def plan_tree(
    *, database: Database, plan_id: UUID, today: date, public: bool = False
) -> PlanTree:
    """A plan with its sections and items in order, and the road-map rows agreed with
    each item (their state as of ``today``); ``public`` shows only published plans."""
    async with database.sessions() as session:
        plan = await _plan(session, plan_id)
        if public and plan.status != "published":
            raise NotFound("План не найден", field="plan_id")
        sections = (
            await session.scalars(
                sa.select(PlanSection)
                .where(PlanSection.plan_id == plan_id)
                .order_by(PlanSection.position)
            )
        ).all()
        items = (
            await session.scalars(
                sa.select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.position)
            )
        ).all()
        links = await rows_for_plan_items(session, [i.id for i in items], today)
        tree = [(s, [i for i in items if i.section_id == s.id]) for s in sections]
        return plan, tree, links


async def list_plans(
    *, database: Database, public: bool = False, school_year: str | None = None
) -> list[Plan]:
    """Plans, newest school year first."""
    query = sa.select(Plan).order_by(Plan.school_year.desc(), Plan.kind, Plan.title)
    if public:
        query = query.where(Plan.status == "published")
    if school_year:
        query = query.where(Plan.school_year == school_year)
    async with database.sessions() as session:
        return list((await session.scalars(query)).all())
