"""The life of a site: activation, extension, termination by order; expiry at the end of
its term with warnings before it; the reports it owes and reminders about them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from imc_applications.db.models import AgendaItem, Application, AuditRecord, Order, Report, Site
from imc_applications.domain import reports as schedule_rules
from imc_applications.domain import terms
from imc_applications.domain.lifecycle import LIVE_SITE_STATES, site_step
from imc_applications.services import audit
from imc_applications.services.audit import SYSTEM, Actor
from imc_contracts import (
    REPORT_DUE,
    SITE_EXPIRED,
    SITE_EXPIRING,
    Leader,
    ReportDue,
    SiteExpired,
    SiteExpiring,
    new_message_id,
)
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore

log = structlog.get_logger(__name__)


def site_snapshot(site: Site) -> dict[str, Any]:
    """The fields an audit record of a site compares."""
    return {
        "status": site.status,
        "term_start": site.term_start,
        "term_end": site.term_end,
        "extensions_used": site.extensions_used,
        "last_order_number": site.last_order_number,
        "ended_on": site.ended_on,
    }


def activate(
    session: AsyncSession,
    application: Application,
    item: AgendaItem,
    order: Order,
    report_interval: int,
) -> Site:
    """The site an assignment order creates, with the reports it will owe."""
    proposal = item.proposal
    months = int(proposal["term_months"])
    start = max(date.fromisoformat(proposal["term_start"]), order.order_date)
    co_leader = proposal.get("co_leader")
    site = Site(
        id=new_message_id(),
        district=application.district,
        organisation_id=application.organisation_id,
        organisation_full_name=application.organisation_full_name,
        organisation_short_name=application.organisation_short_name,
        applicant_email=application.applicant_email,
        kind=application.site_kind,
        topic=application.topic,
        status="active",
        term_start=start,
        term_end=terms.term_end(start, months),
        extensions_used=0,
        leader_id=UUID(proposal["leader"]["id"]),
        leader_name=proposal["leader"]["full_name"],
        leader_position=proposal["leader"]["position"],
        co_leader_id=UUID(co_leader["id"]) if co_leader else None,
        co_leader_name=co_leader["full_name"] if co_leader else None,
        co_leader_position=co_leader["position"] if co_leader else None,
        application_id=application.id,
        last_order_number=order.number,
        last_order_date=order.order_date,
        end_grounds=[],
        warned_days=[],
        reports=[],
    )
    session.add(site)
    _plan_reports(site, site.term_start, report_interval)
    return site


def _plan_reports(site: Site, since: date, interval: int) -> None:
    """Add the reports due from ``since`` to the end of the term (the final one moves)."""
    for report in site.reports:
        if report.status == "pending" and report.final:
            report.status = "cancelled"
    for slot in schedule_rules.schedule(site.term_start, site.term_end, interval):
        if slot.due_on <= since and not slot.final:
            continue
        if any(r.due_on == slot.due_on and r.status != "cancelled" for r in site.reports):
            continue
        site.reports.append(
            Report(title=slot.title, due_on=slot.due_on, final=slot.final, reminders_sent=[])
        )


def extend(site: Site, item: AgendaItem, order: Order, report_interval: int) -> None:
    """An extension order moves the end of the term (000 §3.7)."""
    site.status = site_step(site.status, "extend")
    site.term_end = date.fromisoformat(item.proposal["term_end"])
    site.extensions_used += 1
    site.warned_days = []
    site.last_order_number = order.number
    site.last_order_date = order.order_date
    _plan_reports(site, order.order_date, report_interval)


def terminate(site: Site, item: AgendaItem, order: Order) -> None:
    """A termination order ends the site (000 §3.8, 001 §3.4, 004 §4.3)."""
    site.status = site_step(site.status, "terminate")
    site.ended_on = max(date.fromisoformat(item.proposal["effective_on"]), order.order_date)
    site.end_grounds = list(item.proposal["grounds"])
    site.end_grounds_text = item.proposal.get("grounds_text", "")
    site.last_order_number = order.number
    site.last_order_date = order.order_date
    _cancel_reports(site, site.ended_on)


def _cancel_reports(site: Site, since: date) -> None:
    for report in site.reports:
        if report.status == "pending" and report.due_on > since:
            report.status = "cancelled"


def audit_site(
    session: AsyncSession,
    actor: Actor,
    site: Site,
    order: Order,
    item: AgendaItem,
    before: dict[str, Any],
) -> None:
    """The audit record of a site changed by ``order``."""
    audit.record(
        session,
        actor,
        entity="site",
        entity_id=site.id,
        action={"assignment": "activate", "extension": "extend", "termination": "terminate"}[
            order.kind
        ],
        before=before,
        after=site_snapshot(site),
        reason=f"приказ № {order.number} от {order.order_date:%d.%m.%Y}; {item.decision_text}",
        application_id=site.application_id,
        site_id=site.id,
    )


def _leaders(site: Site) -> tuple[Leader, Leader | None]:
    co_leader = None
    if site.co_leader_name:
        co_leader = Leader(full_name=site.co_leader_name, position=site.co_leader_position or "")
    return Leader(full_name=site.leader_name, position=site.leader_position), co_leader


@dataclass
class TickResult:
    """What one run of the daily checks did."""

    warned: int = 0
    expired: int = 0
    reminded: int = 0


async def run_daily_checks(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    today: date,
    warning_days: tuple[int, ...],
    reminder_days: tuple[int, ...],
) -> TickResult:
    """Warn sites whose term ends soon, expire those past it, remind about reports.

    Safe to run any number of times a day: each warning and reminder is sent once.
    """
    result = TickResult()
    async with database.transaction() as session:
        live = await session.scalars(
            sa.select(Site)
            .where(Site.district == district, Site.status.in_(LIVE_SITE_STATES))
            .order_by(Site.term_end)
            .with_for_update()
        )
        for site in live.all():
            leader, co_leader = _leaders(site)
            if site.term_end < today:
                before = site_snapshot(site)
                site.status = site_step(site.status, "expire")
                site.ended_on = today
                site.end_grounds = ["term_over"]
                _cancel_reports(site, site.term_end)
                await session.flush()
                audit.record(
                    session,
                    SYSTEM,
                    entity="site",
                    entity_id=site.id,
                    action="expire",
                    before=before,
                    after=site_snapshot(site),
                    reason=f"истёк срок деятельности {site.term_end:%d.%m.%Y}",
                    application_id=site.application_id,
                    site_id=site.id,
                )
                await outbox.put(
                    session,
                    SITE_EXPIRED,
                    SiteExpired(
                        site_id=site.id,
                        organisation_id=site.organisation_id,
                        organisation_short_name=site.organisation_short_name,
                        site_kind=site.kind,  # type: ignore[arg-type]
                        term_end=site.term_end,
                        expired_on=today,
                    ),
                )
                result.expired += 1
                continue
            left = (site.term_end - today).days
            due = [days for days in warning_days if left <= days and days not in site.warned_days]
            if due:
                site.warned_days = sorted({*site.warned_days, *due})
                await outbox.put(
                    session,
                    SITE_EXPIRING,
                    SiteExpiring(
                        site_id=site.id,
                        organisation_id=site.organisation_id,
                        organisation_short_name=site.organisation_short_name,
                        site_kind=site.kind,  # type: ignore[arg-type]
                        topic=site.topic,
                        term_end=site.term_end,
                        days_left=left,
                        leader=leader,
                        co_leader=co_leader,
                        leader_person_id=site.leader_id,
                        co_leader_person_id=site.co_leader_id,
                    ),
                )
                result.warned += 1
            for report in site.reports:
                if report.status != "pending":
                    continue
                which = schedule_rules.reminder_due(report.due_on, today, reminder_days)
                if which is None or which in report.reminders_sent:
                    continue
                report.reminders_sent = [*report.reminders_sent, which]
                await outbox.put(
                    session,
                    REPORT_DUE,
                    ReportDue(
                        report_id=report.id,
                        site_id=site.id,
                        organisation_id=site.organisation_id,
                        organisation_short_name=site.organisation_short_name,
                        title=report.title,
                        due_on=report.due_on,
                        days_left=(report.due_on - today).days,
                        leader=leader,
                        co_leader=co_leader,
                        leader_person_id=site.leader_id,
                        co_leader_person_id=site.co_leader_id,
                    ),
                )
                result.reminded += 1
    if result.warned or result.expired or result.reminded:
        log.info(
            "daily checks done",
            today=today.isoformat(),
            warned=result.warned,
            expired=result.expired,
            reminded=result.reminded,
        )
    return result


async def submit_report(
    *,
    database: Database,
    store: FileStore,
    district: str,
    actor: Actor,
    site_id: UUID,
    report_id: UUID,
    filename: str,
    content: bytes,
    max_bytes: int,
) -> Report:
    """The site hands in a report."""
    if not content:
        raise InvalidInput("Приложите файл отчёта", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(f"Файл больше {max_bytes // (1024 * 1024)} МБ", field="file")
    async with database.transaction() as session:
        site = await load_site(session, district, site_id, lock=True)
        site_step(site.status, "submit_report")
        report = next((r for r in site.reports if r.id == report_id), None)
        if report is None:
            raise NotFound("Отчёт не найден", field="report_id")
        if report.status != "pending":
            raise Conflict(
                "Этот отчёт уже сдан" if report.status == "submitted" else "Отчёт отменён",
                field="report_id",
            )
        key, digest = store.put(content)
        report.status = "submitted"
        report.submitted_at = datetime.now(UTC)
        report.filename = filename
        report.storage_key = key
        report.sha256 = digest
        audit.record(
            session,
            actor,
            entity="site",
            entity_id=site.id,
            action="submit_report",
            before={"report": report.title, "status": "pending"},
            after={"report": report.title, "status": "submitted", "sha256": digest},
            application_id=site.application_id,
            site_id=site.id,
        )
    return report


async def load_site(
    session: AsyncSession, district: str, site_id: UUID, *, lock: bool = False
) -> Site:
    """One site of ``district`` or :class:`NotFound`."""
    site = await session.get(Site, site_id, with_for_update=lock)
    if site is None or site.district != district:
        raise NotFound("Площадка не найдена", field="site_id")
    return site


async def get_site(*, database: Database, district: str, site_id: UUID) -> Site:
    """One site with its reports."""
    async with database.sessions() as session:
        return await load_site(session, district, site_id)


async def list_sites(*, database: Database, district: str, status: str | None = None) -> list[Site]:
    """Sites of ``district`` by the end of their term."""
    statement = sa.select(Site).where(Site.district == district)
    if status:
        statement = statement.where(Site.status == status)
    async with database.sessions() as session:
        return list((await session.scalars(statement.order_by(Site.term_end))).all())


async def late_reports(*, database: Database, district: str, today: date) -> list[Report]:
    """Reports past their due date and not handed in: what the council sees."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(Report)
            .join(Site)
            .where(Site.district == district, Report.status == "pending", Report.due_on < today)
            .order_by(Report.due_on)
        )
        reports = list(rows.all())
        for report in reports:
            await session.refresh(report, ["site"])
        return reports


async def audit_trail(
    *,
    database: Database,
    site_id: UUID | None = None,
    application_id: UUID | None = None,
    actor_id: UUID | None = None,
    limit: int = 500,
) -> list[AuditRecord]:
    """Audit records of a site, an application or of what one person did, oldest first."""
    statement = sa.select(AuditRecord)
    if site_id:
        statement = statement.where(AuditRecord.site_id == site_id)
    if application_id:
        statement = statement.where(AuditRecord.application_id == application_id)
    if actor_id:
        statement = statement.where(AuditRecord.actor_id == actor_id)
    async with database.sessions() as session:
        rows = await session.scalars(
            statement.order_by(AuditRecord.at, AuditRecord.id).limit(limit)
        )
        return list(rows.all())
