"""Meetings of the methodical council: agenda, attendance, votes and the decisions that
follow them (000 §3.1, §3.7; 001 §3.4, §4.7)."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_applications.db.models import AgendaItem, Application, Decision, Meeting, Site
from imc_applications.domain import council as rules
from imc_applications.domain import terms
from imc_applications.domain.leadership import check_co_leader, check_leader
from imc_applications.domain.lifecycle import site_step
from imc_applications.services import audit
from imc_applications.services.applications import check_version, load, step, transition
from imc_applications.services.audit import Actor
from imc_applications.services.registry_client import RegistryClient
from imc_contracts import (
    COUNCIL_MEETING_HELD,
    COUNCIL_MEETING_SCHEDULED,
    DECISION_MADE,
    AgendaItemResult,
    CouncilMeetingHeld,
    CouncilMeetingScheduled,
    DecisionMade,
    Leader,
    MeetingMember,
    VoteTally,
)
from imc_contracts.site_kinds import rules_of
from imc_contracts.vocabulary import SITE_KIND_TITLES, TERMINATION_GROUNDS
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

ITEM_TYPES = ("application", "extension", "termination", "plan_approval", "results_review")


@dataclass(frozen=True)
class ItemInput:
    """A question put on the agenda, with what is proposed."""

    type: str
    speaker: str
    application_id: UUID | None = None
    site_id: UUID | None = None
    title: str | None = None
    term_months: int | None = None
    term_start: date | None = None
    leader_id: UUID | None = None
    co_leader_id: UUID | None = None
    months: int | None = None
    grounds: tuple[str, ...] = ()
    grounds_text: str = ""
    effective_on: date | None = None
    text: str = ""


def protocol_reference(meeting: Meeting) -> str:
    """«протокол № 2 от 14.10.2026»."""
    return f"протокол № {meeting.protocol_number} от {meeting.held_on:%d.%m.%Y}"


async def _meeting(
    session: AsyncSession, district: str, meeting_id: UUID, *, lock: bool = False
) -> Meeting:
    meeting = await session.get(Meeting, meeting_id, with_for_update=lock)
    if meeting is None or meeting.district != district:
        raise NotFound("Заседание не найдено", field="meeting_id")
    return meeting


def _check_planned(meeting: Meeting) -> None:
    if meeting.status != "planned":
        raise Conflict(
            f"Заседание № {meeting.protocol_number} уже проведено; протокол не изменяется",
            field="meeting_id",
            details={"state": meeting.status, "allowed_actions": []},
        )


async def create_meeting(
    *,
    database: Database,
    outbox: Outbox,
    registry: RegistryClient,
    district: str,
    actor: Actor,
    held_on: date,
    place: str,
    protocol_number: str | None,
) -> Meeting:
    """Plan a meeting; its protocol number continues the year's sequence unless given.

    The council's members are asked of the registry first, as for the attendance: when it
    does not answer (or has no council) nothing is planned. They are invited with
    COUNCIL_MEETING_SCHEDULED, written in the same transaction as the meeting."""
    if not place.strip():
        raise InvalidInput("Укажите место проведения заседания", field="place")
    members = await registry.council_members()
    async with database.transaction() as session:
        if protocol_number is None or not protocol_number.strip():
            count = await session.scalar(
                sa.select(sa.func.count(Meeting.id)).where(
                    Meeting.district == district, Meeting.year == held_on.year
                )
            )
            protocol_number = str((count or 0) + 1)
        clash = await session.scalar(
            sa.select(Meeting.id).where(
                Meeting.district == district,
                Meeting.year == held_on.year,
                Meeting.protocol_number == protocol_number.strip(),
            )
        )
        if clash is not None:
            raise Conflict(
                f"Протокол № {protocol_number} за {held_on.year} год уже есть",
                field="protocol_number",
            )
        meeting = Meeting(
            district=district,
            protocol_number=protocol_number.strip(),
            year=held_on.year,
            held_on=held_on,
            place=place.strip(),
            members=[],
            present=[],
        )
        session.add(meeting)
        await session.flush()
        audit.record(
            session,
            actor,
            entity="meeting",
            entity_id=meeting.id,
            action="plan",
            before={},
            after={"status": "planned", "held_on": held_on},
        )
        invitation = CouncilMeetingScheduled(
            meeting_id=meeting.id,
            protocol_number=meeting.protocol_number,
            held_on=meeting.held_on,
            place=meeting.place,
            members=tuple(
                MeetingMember(person_id=card.id, full_name=card.full_name) for card in members
            ),
        )
        await outbox.put(session, COUNCIL_MEETING_SCHEDULED, invitation)
    return await get_meeting(database=database, district=district, meeting_id=meeting.id)


async def record_attendance(
    *,
    database: Database,
    registry: RegistryClient,
    district: str,
    actor: Actor,
    meeting_id: UUID,
    version: int | None,
    present: list[UUID],
    chair_id: UUID,
    secretary_id: UUID,
) -> Meeting:
    """Who of the council is present, who chairs and who keeps the protocol."""
    members = {card.id: card for card in await registry.council_members()}
    strangers = [str(person) for person in present if person not in members]
    if strangers:
        raise InvalidInput(
            "Не являются членами методического совета: " + ", ".join(strangers),
            field="present",
        )
    for person, field in ((chair_id, "chair_id"), (secretary_id, "secretary_id")):
        if person not in present:
            raise InvalidInput(
                "Председатель и секретарь должны быть в числе присутствующих", field=field
            )
    async with database.transaction() as session:
        meeting = await _meeting(session, district, meeting_id, lock=True)
        check_version(meeting.version, version, "Запись о заседании")
        _check_planned(meeting)
        before = {"present": list(meeting.present)}
        meeting.members = [
            {"id": str(card.id), "full_name": card.full_name, "position": card.position}
            for card in members.values()
        ]
        meeting.present = [str(person) for person in dict.fromkeys(present)]
        meeting.chair_name = members[chair_id].full_name
        meeting.secretary_name = members[secretary_id].full_name
        await session.flush()
        audit.record(
            session,
            actor,
            entity="meeting",
            entity_id=meeting.id,
            action="attendance",
            before=before,
            after={
                "present": meeting.present,
                "quorum": rules.has_quorum(len(meeting.present), len(meeting.members)),
            },
        )
    return await get_meeting(database=database, district=district, meeting_id=meeting_id)


async def _site(session: AsyncSession, district: str, site_id: UUID, *, lock: bool = False) -> Site:
    site = await session.get(Site, site_id, with_for_update=lock)
    if site is None or site.district != district:
        raise NotFound("Площадка не найдена", field="site_id")
    return site


async def _check_site_not_on_agenda(session: AsyncSession, site_id: UUID) -> None:
    pending = await session.scalar(
        sa.select(AgendaItem.id)
        .join(Meeting)
        .where(
            AgendaItem.site_id == site_id,
            AgendaItem.type.in_(("extension", "termination")),
            sa.or_(
                Meeting.status == "planned",
                sa.and_(AgendaItem.adopted.is_(True), AgendaItem.order_id.is_(None)),
            ),
        )
    )
    if pending is not None:
        raise Conflict(
            "Вопрос о продлении или прекращении деятельности этой площадки уже рассматривается",
            field="site_id",
        )


async def add_item(
    *,
    database: Database,
    registry: RegistryClient,
    district: str,
    actor: Actor,
    meeting_id: UUID,
    data: ItemInput,
) -> Meeting:
    """Put a question on the agenda of a planned meeting."""
    if data.type not in ITEM_TYPES:
        raise InvalidInput("Неизвестный вид вопроса повестки", field="type")
    speaker = " ".join(data.speaker.split())
    if len(speaker) < 3:
        raise InvalidInput("Укажите докладчика по вопросу", field="speaker")
    leader = co_leader = None
    if data.type == "application":
        if data.leader_id is None:
            raise InvalidInput("Укажите руководителя площадки", field="leader_id")
        leader = await registry.person(data.leader_id, field="leader_id")
        if data.co_leader_id is not None:
            co_leader = await registry.person(data.co_leader_id, field="co_leader_id")
    async with database.transaction() as session:
        meeting = await _meeting(session, district, meeting_id, lock=True)
        _check_planned(meeting)
        item = AgendaItem(
            meeting_id=meeting.id,
            number=len(meeting.items) + 1,
            type=data.type,
            speaker=speaker,
            proposal={},
        )
        if data.type == "application":
            assert leader is not None
            await _propose_assignment(
                session, district, actor, meeting, item, data, leader, co_leader
            )
        elif data.type in ("extension", "termination"):
            await _propose_site_change(session, district, meeting, item, data)
        else:
            title = " ".join((data.title or "").split())
            if len(title) < 5:
                raise InvalidInput("Сформулируйте вопрос повестки", field="title")
            item.title = title
            if data.site_id is not None:
                site = await _site(session, district, data.site_id)
                item.site_id = site.id
                item.organisation_id = site.organisation_id
                item.organisation_short_name = site.organisation_short_name
            item.proposal = {"text": data.text.strip()}
        session.add(item)
        meeting.items.append(item)
        await session.flush()
        audit.record(
            session,
            actor,
            entity="meeting",
            entity_id=meeting.id,
            action="add_item",
            before={},
            after={"item": item.number, "type": item.type, "title": item.title},
            application_id=item.application_id,
            site_id=item.site_id,
        )
    return await get_meeting(database=database, district=district, meeting_id=meeting_id)


async def _propose_assignment(
    session: AsyncSession,
    district: str,
    actor: Actor,
    meeting: Meeting,
    item: AgendaItem,
    data: ItemInput,
    leader: Any,
    co_leader: Any,
) -> None:
    if data.application_id is None:
        raise InvalidInput("Укажите заявку", field="application_id")
    application = await load(session, district, data.application_id, lock=True)
    kind = rules_of(application.site_kind)
    months = terms.check_term(kind, data.term_months)
    start = terms.check_term_start(data.term_start or meeting.held_on, meeting.held_on)
    check_leader(kind, application.organisation_id, leader.candidate())
    check_co_leader(kind, co_leader.candidate() if co_leader else None)
    async with transition(
        session,
        actor,
        application,
        "schedule",
        reason=f"заседание № {meeting.protocol_number} от {meeting.held_on:%d.%m.%Y}",
    ):
        item.application_id = application.id
        item.organisation_id = application.organisation_id
        item.organisation_short_name = application.organisation_short_name
        item.title = (
            f"О присвоении статуса «{kind.title}» {application.organisation_short_name} "
            f"по теме «{application.topic}»"
        )
        item.proposal = {
            "site_kind": application.site_kind,
            "term_months": months,
            "term_start": start.isoformat(),
            "leader": {
                "id": str(leader.id),
                "full_name": leader.full_name,
                "position": leader.position,
            },
            "co_leader": {
                "id": str(co_leader.id),
                "full_name": co_leader.full_name,
                "position": co_leader.position,
            }
            if co_leader
            else None,
        }


async def _propose_site_change(
    session: AsyncSession, district: str, meeting: Meeting, item: AgendaItem, data: ItemInput
) -> None:
    if data.site_id is None:
        raise InvalidInput("Укажите площадку", field="site_id")
    site = await _site(session, district, data.site_id)
    kind = rules_of(site.kind)
    action = "extend" if data.type == "extension" else "terminate"
    site_step(site.status, action)
    if meeting.held_on > site.term_end:
        raise Conflict(
            f"Срок деятельности площадки истёк {site.term_end:%d.%m.%Y}", field="site_id"
        )
    await _check_site_not_on_agenda(session, site.id)
    item.site_id = site.id
    item.organisation_id = site.organisation_id
    item.organisation_short_name = site.organisation_short_name
    kind_title = SITE_KIND_TITLES[site.kind]
    if data.type == "extension":
        months = terms.check_extension(kind, data.months, site.extensions_used)
        new_end = terms.add_months(site.term_end, months)
        item.title = (
            f"О продлении срока деятельности {kind_title} на базе "
            f"{site.organisation_short_name} на {terms.months_phrase(months)}"
        )
        item.proposal = {"months": months, "term_end": new_end.isoformat()}
    else:
        grounds, text = terms.check_grounds(kind, list(data.grounds), data.grounds_text)
        effective = data.effective_on or meeting.held_on
        if effective < meeting.held_on:
            raise InvalidInput(
                "Дата прекращения не может быть раньше заседания", field="effective_on"
            )
        item.title = (
            f"О прекращении деятельности {kind_title} на базе {site.organisation_short_name}"
        )
        item.proposal = {
            "grounds": grounds,
            "grounds_text": text,
            "effective_on": effective.isoformat(),
        }


async def remove_item(
    *, database: Database, district: str, actor: Actor, meeting_id: UUID, item_id: UUID
) -> Meeting:
    """Take a question off the agenda before the meeting; its application goes back."""
    async with database.transaction() as session:
        meeting = await _meeting(session, district, meeting_id, lock=True)
        _check_planned(meeting)
        item = next((i for i in meeting.items if i.id == item_id), None)
        if item is None:
            raise NotFound("Вопрос повестки не найден", field="item_id")
        if item.adopted is not None:
            raise Conflict("По вопросу уже проголосовали", field="item_id")
        if item.application_id is not None:
            application = await load(session, district, item.application_id, lock=True)
            await step(session, actor, application, "unschedule")
        meeting.items.remove(item)
        await session.delete(item)
        await session.flush()
        for number, rest in enumerate(meeting.items, start=1):
            rest.number = number
    return await get_meeting(database=database, district=district, meeting_id=meeting_id)


async def vote(
    *,
    database: Database,
    district: str,
    actor: Actor,
    meeting_id: UUID,
    item_id: UUID,
    tally: rules.Tally,
    reason: str,
) -> Meeting:
    """Record the vote on a question; the decision follows it."""
    async with database.transaction() as session:
        meeting = await _meeting(session, district, meeting_id, lock=True)
        _check_planned(meeting)
        rules.check_quorum(len(meeting.present), len(meeting.members))
        item = next((i for i in meeting.items if i.id == item_id), None)
        if item is None:
            raise NotFound("Вопрос повестки не найден", field="item_id")
        rules.check_tally(tally, len(meeting.present))
        passed = rules.adopted(tally, len(meeting.present))
        cleaned = " ".join(reason.split())
        if not passed and item.type == "application" and len(cleaned) < 5:
            raise InvalidInput(
                "Решение не принято: укажите причину отказа для заявителя", field="reason"
            )
        item.votes_for, item.votes_against, item.abstained = (
            tally.votes_for,
            tally.votes_against,
            tally.abstained,
        )
        item.adopted = passed
        item.decision_text = _decision_text(item, passed, cleaned)
        audit.record(
            session,
            actor,
            entity="meeting",
            entity_id=meeting.id,
            action="vote",
            before={},
            after={"item": item.number, "adopted": passed, "tally": tally.__dict__},
            reason=cleaned,
            application_id=item.application_id,
            site_id=item.site_id,
        )
    return await get_meeting(database=database, district=district, meeting_id=meeting_id)


def _decision_text(item: AgendaItem, passed: bool, reason: str) -> str:
    proposal = item.proposal
    if item.type == "application":
        if not passed:
            return (
                f"Отказать {item.organisation_short_name} в присвоении статуса. Причина: {reason}"
            )
        months = int(proposal["term_months"])
        leader = proposal["leader"]["full_name"]
        start = date.fromisoformat(proposal["term_start"])
        kind = SITE_KIND_TITLES.get(proposal.get("site_kind", ""), "")
        status = f"статус «{kind}»" if kind else "статус"
        text = (
            f"Присвоить {item.organisation_short_name} {status} на срок "
            f"{terms.months_phrase(months)} с {start:%d.%m.%Y}; руководитель — {leader}"
        )
        if proposal.get("co_leader"):
            text += f", соруководитель — {proposal['co_leader']['full_name']}"
        return text + "."
    if item.type == "extension":
        if not passed:
            return f"Не продлевать срок деятельности площадки. {reason}".strip()
        end = date.fromisoformat(proposal["term_end"])
        return (
            f"Продлить срок деятельности площадки на {terms.months_phrase(proposal['months'])}, "
            f"до {end:%d.%m.%Y}."
        )
    if item.type == "termination":
        if not passed:
            return f"Не прекращать деятельность площадки. {reason}".strip()
        grounds = "; ".join(TERMINATION_GROUNDS[code] for code in proposal["grounds"])
        extra = f" ({proposal['grounds_text']})" if proposal.get("grounds_text") else ""
        effective = date.fromisoformat(proposal["effective_on"])
        return (
            f"Прекратить деятельность площадки с {effective:%d.%m.%Y}. Основания: {grounds}{extra}."
        )
    verdict = "Утвердить" if item.type == "plan_approval" else "Принять к сведению"
    if not passed:
        verdict = (
            "Не утверждать" if item.type == "plan_approval" else "Признать неудовлетворительными"
        )
    return f"{verdict}. {reason}".strip()


async def close_meeting(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    actor: Actor,
    meeting_id: UUID,
    version: int | None,
) -> Meeting:
    """Close the meeting: its decisions take effect and the protocol is requested."""
    async with database.transaction() as session:
        meeting = await _meeting(session, district, meeting_id, lock=True)
        check_version(meeting.version, version, "Запись о заседании")
        _check_planned(meeting)
        if not meeting.items:
            raise Conflict("В повестке нет вопросов", field="items")
        unvoted = [str(item.number) for item in meeting.items if item.adopted is None]
        if unvoted:
            raise Conflict(
                "Не проведено голосование по вопросам № " + ", ".join(unvoted), field="items"
            )
        meeting.status = "held"
        for item in meeting.items:
            if item.type == "application":
                await _decide_application(session, outbox, district, actor, meeting, item)
        await session.flush()
        audit.record(
            session,
            actor,
            entity="meeting",
            entity_id=meeting.id,
            action="close",
            before={"status": "planned"},
            after={"status": "held"},
        )
        await outbox.put(session, COUNCIL_MEETING_HELD, held_message(meeting))
    return await get_meeting(database=database, district=district, meeting_id=meeting_id)


async def _decide_application(
    session: AsyncSession,
    outbox: Outbox,
    district: str,
    actor: Actor,
    meeting: Meeting,
    item: AgendaItem,
) -> None:
    assert item.application_id is not None
    application = await load(session, district, item.application_id, lock=True)
    action = "approve" if item.adopted else "refuse"
    async with transition(session, actor, application, action, reason=item.decision_text):
        decision = Decision(
            id=item.id,
            application_id=application.id,
            meeting_id=meeting.id,
            outcome="assigned" if item.adopted else "refused",
            decided_on=meeting.held_on,
            council_protocol=protocol_reference(meeting),
        )
        if item.adopted:
            proposal = item.proposal
            months = int(proposal["term_months"])
            start = date.fromisoformat(proposal["term_start"])
            decision.term_months = months
            decision.term_years = months // 12 if months % 12 == 0 else None
            decision.term_start = start
            decision.term_end = terms.term_end(start, months)
            decision.leader_id = UUID(proposal["leader"]["id"])
            decision.leader_name = proposal["leader"]["full_name"]
            decision.leader_position = proposal["leader"]["position"]
            if proposal.get("co_leader"):
                decision.co_leader_id = UUID(proposal["co_leader"]["id"])
                decision.co_leader_name = proposal["co_leader"]["full_name"]
                decision.co_leader_position = proposal["co_leader"]["position"]
        else:
            decision.reason = item.decision_text.split("Причина: ", 1)[-1]
        session.add(decision)
        application.decision = decision
    await outbox.put(session, DECISION_MADE, decision_message(application, decision))


def decision_message(application: Application, decision: Decision) -> DecisionMade:
    """The message announcing the council's decision on ``application``."""
    leader = co_leader = None
    if decision.leader_name and decision.leader_position:
        leader = Leader(full_name=decision.leader_name, position=decision.leader_position)
    if decision.co_leader_name and decision.co_leader_position:
        co_leader = Leader(full_name=decision.co_leader_name, position=decision.co_leader_position)
    return DecisionMade(
        decision_id=decision.id,
        application_id=application.id,
        organisation_id=application.organisation_id,
        organisation_full_name=application.organisation_full_name,
        organisation_short_name=application.organisation_short_name,
        site_kind=application.site_kind,  # type: ignore[arg-type]
        topic=application.topic,
        outcome=decision.outcome,  # type: ignore[arg-type]
        decided_on=decision.decided_on,
        council_protocol=decision.council_protocol,
        reason=decision.reason,
        term_years=decision.term_years,
        term_months=decision.term_months,
        term_start=decision.term_start,
        term_end=decision.term_end,
        leader=leader,
        co_leader=co_leader,
        meeting_id=decision.meeting_id,
        applicant_email=application.applicant_email,
    )


def held_message(meeting: Meeting) -> CouncilMeetingHeld:
    """The message asking for the protocol of ``meeting``."""
    names = {member["id"]: member["full_name"] for member in meeting.members}
    return CouncilMeetingHeld(
        meeting_id=meeting.id,
        protocol_number=meeting.protocol_number,
        held_on=meeting.held_on,
        place=meeting.place,
        chair=meeting.chair_name,
        secretary=meeting.secretary_name,
        members_total=len(meeting.members),
        members_present=tuple(names.get(person, person) for person in meeting.present),
        quorum=rules.has_quorum(len(meeting.present), len(meeting.members)),
        items=tuple(
            AgendaItemResult(
                item_id=item.id,
                number=item.number,
                type=item.type,  # type: ignore[arg-type]
                title=item.title,
                speaker=item.speaker,
                tally=VoteTally(
                    votes_for=item.votes_for or 0,
                    votes_against=item.votes_against or 0,
                    abstained=item.abstained or 0,
                ),
                adopted=bool(item.adopted),
                decision_text=item.decision_text,
                organisation_id=item.organisation_id,
                organisation_short_name=item.organisation_short_name,
                application_id=item.application_id,
                site_id=item.site_id,
            )
            for item in meeting.items
        ),
    )


async def get_meeting(*, database: Database, district: str, meeting_id: UUID) -> Meeting:
    """One meeting with its agenda."""
    async with database.sessions() as session:
        return await _meeting(session, district, meeting_id)


async def list_meetings(*, database: Database, district: str) -> list[Meeting]:
    """Meetings of ``district``, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(Meeting)
            .where(Meeting.district == district)
            .order_by(Meeting.held_on.desc(), Meeting.created_at.desc())
        )
        return list(rows.all())
