"""Orders (приказы): numbered from the issuer's journal, they confirm council decisions and
change the sites (000 §3.3, §3.7, §3.8; 001 §3.1; 004 §1.5, §4.3)."""

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_applications.db.models import AgendaItem, Meeting, Order, OrderJournal, Site
from imc_applications.services import sites
from imc_applications.services.applications import load, transition
from imc_applications.services.audit import Actor
from imc_applications.services.council import protocol_reference
from imc_applications.settings import IssuerSettings
from imc_contracts import ORDER_ISSUED, Leader, OrderIssued, new_message_id
from imc_contracts.site_kinds import rules_of
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

ORDER_KINDS = {"application": "assignment", "extension": "extension", "termination": "termination"}


async def next_number(
    session: AsyncSession, issuer: str, year: int, number_format: str
) -> tuple[int, str]:
    """Take the next number of ``issuer``'s journal for ``year`` (locked until commit)."""
    journal = await session.get(OrderJournal, (issuer, year), with_for_update=True)
    if journal is None:
        journal = OrderJournal(issuer=issuer, year=year, last_number=0)
        session.add(journal)
    journal.last_number += 1
    await session.flush()
    return journal.last_number, number_format.format(seq=journal.last_number, year=year)


async def issue_order(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    actor: Actor,
    issuers: dict[str, IssuerSettings],
    item_id: UUID,
    order_date: date,
    report_interval: int = 6,
) -> Order:
    """Issue the order that confirms the council's decision on ``item_id``."""
    async with database.transaction() as session:
        item = await session.get(AgendaItem, item_id, with_for_update=True)
        if item is None:
            raise NotFound("Решение совета (вопрос повестки) не найдено", field="item_id")
        meeting = await session.get(Meeting, item.meeting_id)
        if meeting is None or meeting.district != district:
            raise NotFound("Решение совета (вопрос повестки) не найдено", field="item_id")
        if item.type not in ORDER_KINDS:
            raise Conflict("По этому вопросу приказ не издаётся", field="item_id")
        if meeting.status != "held" or not item.adopted:
            raise Conflict(
                "Приказ издаётся только по принятому решению проведённого заседания совета",
                field="item_id",
            )
        if item.order_id is not None:
            raise Conflict("Приказ по этому решению уже издан", field="item_id")
        if order_date < meeting.held_on:
            raise InvalidInput(
                "Приказ не может быть издан раньше решения методического совета",
                field="order_date",
            )
        kind = ORDER_KINDS[item.type]
        site: Site
        if kind == "assignment":
            assert item.application_id is not None
            application = await load(session, district, item.application_id, lock=True)
            site_kind = application.site_kind
        else:
            assert item.site_id is not None
            site = await sites.load_site(session, district, item.site_id, lock=True)
            site_kind = site.kind
            if order_date > site.term_end and kind == "extension":
                raise Conflict(
                    f"Срок деятельности площадки истёк {site.term_end:%d.%m.%Y}; "
                    "приказ о продлении издаётся до окончания срока",
                    field="order_date",
                )
        issuer_code = rules_of(site_kind).order_issuer
        issuer = issuers.get(issuer_code)
        if issuer is None:
            raise Conflict(
                f"В настройках не указан издатель приказов «{issuer_code}»", field="issuer"
            )
        sequence, number = await next_number(
            session, issuer_code, order_date.year, issuer.number_format
        )
        order = Order(
            id=new_message_id(),
            district=district,
            issuer=issuer_code,
            year=order_date.year,
            sequence=sequence,
            number=number,
            order_date=order_date,
            kind=kind,
            item_id=item.id,
            site_id=item.site_id or UUID(int=0),
            application_id=item.application_id,
            signatory_name=issuer.signatory_name,
            signatory_position=issuer.signatory_position,
        )
        site_before: dict[str, Any] = {}
        if kind == "assignment":
            reason = f"приказ № {number} от {order_date:%d.%m.%Y}"
            async with transition(session, actor, application, "issue_order", reason=reason):
                site = sites.activate(session, application, item, order, report_interval)
                application.site_id = site.id
                order.site_id = site.id
        elif kind == "extension":
            site_before = sites.site_snapshot(site)
            sites.extend(site, item, order, report_interval)
        else:
            site_before = sites.site_snapshot(site)
            sites.terminate(site, item, order)
        session.add(order)
        item.order_id = order.id
        await session.flush()
        sites.audit_site(session, actor, site, order, item, site_before)
        await outbox.put(
            session,
            ORDER_ISSUED,
            order_message(order, site, item, issuer, protocol_reference(meeting)),
        )
    return order


def order_message(
    order: Order, site: Site, item: AgendaItem, issuer: IssuerSettings, protocol: str
) -> OrderIssued:
    """The message announcing ``order``."""
    co_leader = None
    if site.co_leader_name:
        co_leader = Leader(full_name=site.co_leader_name, position=site.co_leader_position or "")
    proposal = item.proposal
    return OrderIssued(
        order_id=order.id,
        kind=order.kind,  # type: ignore[arg-type]
        number=order.number,
        order_date=order.order_date,
        issuer=issuer.name,
        signatory=Leader(full_name=order.signatory_name, position=order.signatory_position),
        site_id=site.id,
        organisation_id=site.organisation_id,
        organisation_full_name=site.organisation_full_name,
        organisation_short_name=site.organisation_short_name,
        site_kind=site.kind,  # type: ignore[arg-type]
        topic=site.topic,
        term_start=site.term_start,
        term_end=site.term_end,
        leader=Leader(full_name=site.leader_name, position=site.leader_position),
        co_leader=co_leader,
        decision_id=item.id,
        council_protocol=protocol,
        application_id=site.application_id,
        effective_on=site.ended_on if order.kind == "termination" else None,
        grounds=tuple(proposal.get("grounds", ())),
        grounds_text=proposal.get("grounds_text", ""),
        extension_months=proposal.get("months") if order.kind == "extension" else None,
    )


async def list_orders(
    *, database: Database, district: str, issuer: str | None = None, year: int | None = None
) -> list[Order]:
    """The orders journal: newest first."""
    statement = sa.select(Order).where(Order.district == district)
    if issuer:
        statement = statement.where(Order.issuer == issuer)
    if year:
        statement = statement.where(Order.year == year)
    async with database.sessions() as session:
        rows = await session.scalars(statement.order_by(Order.year.desc(), Order.sequence.desc()))
        return list(rows.all())
