"""The whole life of a status through the use cases, on SQLite and PostgreSQL."""

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from imc_applications.db.models import AuditRecord
from imc_applications.services import applications, council, sites
from imc_applications.services.applications import Draft, Upload
from imc_applications.services.registry_client import RegistryUnavailable
from imc_contracts import COUNCIL_MEETING_SCHEDULED, ORDER_ISSUED
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.tables import outbox as outbox_table

DAY = date(2026, 10, 14)
DISTRICT = "yaya"
PDF = b"%PDF-1.7 test document"
World = Any  # the fixture of conftest.py


async def sent(world: World) -> list[str]:
    async with world.database.sessions() as session:
        rows = await session.scalars(sa.select(outbox_table.c.routing_key).order_by("id"))
        return [key.removesuffix(".v1") for key in rows.all()]


async def audit_count(world: World) -> int:
    async with world.database.sessions() as session:
        return await session.scalar(sa.select(sa.func.count(AuditRecord.id))) or 0


async def assigned_site(world: World, months: int = 24) -> tuple[object, object]:
    application = await world.review(await world.apply())
    meeting = await world.meeting(DAY)
    meeting = await world.put(
        meeting,
        type="application",
        application_id=application.id,
        term_months=months,
        leader_id=world.leader,
        co_leader_id=world.methodist,
    )
    meeting = await world.vote(meeting, meeting.items[0], 4)
    meeting = await world.close(meeting)
    order = await world.order(meeting.items[0].id, date(2026, 10, 15))
    site = await sites.get_site(database=world.database, district=DISTRICT, site_id=order.site_id)
    return order, site


async def test_apply_review_council_order_extend_terminate(world: World) -> None:
    draft = await world.apply(submit=False, uploads={"statement": Upload("z.pdf", PDF)})
    assert draft.status == "draft"
    with pytest.raises(InvalidInput, match="информационная справка") as error:
        await applications.submit_application(
            database=world.database,
            outbox=world.outbox,
            district=DISTRICT,
            actor=world.actor,
            application_id=draft.id,
            version=draft.version,
        )
    assert "план работы" in error.value.message
    complete = await applications.edit_application(
        database=world.database,
        store=world.store,
        district=DISTRICT,
        actor=world.actor,
        application_id=draft.id,
        version=draft.version,
        draft=Draft(
            uploads={k: Upload(f"{k}.pdf", PDF) for k in ("information_note", "work_plan")}
        ),
        max_bytes=1024 * 1024,
    )
    submitted = await applications.submit_application(
        database=world.database,
        outbox=world.outbox,
        district=DISTRICT,
        actor=world.actor,
        application_id=draft.id,
        version=complete.version,
    )
    returned = await applications.return_application(
        database=world.database,
        outbox=world.outbox,
        district=DISTRICT,
        actor=world.actor,
        application_id=draft.id,
        version=submitted.version,
        comment="Дополните справку результатами за последний год",
        today=DAY,
    )
    assert returned.status == "returned"
    comments = await applications.list_comments(
        database=world.database, district=DISTRICT, application_id=draft.id, audience="applicant"
    )
    assert [c.text for c in comments] == ["Дополните справку результатами за последний год"]
    resubmitted = await applications.submit_application(
        database=world.database,
        outbox=world.outbox,
        district=DISTRICT,
        actor=world.actor,
        application_id=draft.id,
        version=returned.version,
    )
    reviewed = await world.review(resubmitted)
    assert reviewed.status == "reviewed"

    meeting = await world.meeting(DAY)
    assert meeting.protocol_number == "1"
    meeting = await world.put(
        meeting,
        type="application",
        application_id=draft.id,
        term_months=24,
        leader_id=world.leader,
        co_leader_id=world.methodist,
    )
    meeting = await world.vote(meeting, meeting.items[0], 4)
    meeting = await world.close(meeting)
    decided = await applications.get_application(
        database=world.database, district=DISTRICT, application_id=draft.id
    )
    assert decided.status == "approved"
    assert decided.decision is not None and decided.decision.term_end == date(2028, 10, 13)

    order = await world.order(meeting.items[0].id, date(2026, 10, 15))
    assert order.number == "1-од"
    site = await sites.get_site(database=world.database, district=DISTRICT, site_id=order.site_id)
    assert (site.status, site.term_start, site.term_end) == (
        "active",
        date(2026, 10, 15),
        date(2028, 10, 14),
    )
    assert [r.due_on for r in site.reports][-1] == date(2028, 10, 14)

    second = await world.meeting(date(2028, 9, 1))
    second = await world.put(second, type="extension", site_id=site.id, months=12)
    with pytest.raises(Conflict, match="уже рассматривается"):
        await world.put(second, type="termination", site_id=site.id, grounds=("topic_irrelevant",))
    second = await world.vote(second, second.items[0], 3)
    second = await world.close(second)
    extension = await world.order(second.items[0].id, date(2028, 9, 2))
    assert extension.number == "1-од"  # a new year, a new journal
    site = await sites.get_site(database=world.database, district=DISTRICT, site_id=site.id)
    assert (site.status, site.term_end, site.extensions_used) == ("extended", date(2029, 10, 14), 1)

    third = await world.meeting(date(2029, 3, 1))
    with pytest.raises(Conflict, match="«продлена»"):
        await world.put(third, type="extension", site_id=site.id, months=6)
    third = await world.put(third, type="termination", site_id=site.id, grounds=("staff_changes",))
    third = await world.vote(third, third.items[0], 4)
    third = await world.close(third)
    await world.order(third.items[0].id, date(2029, 3, 2))
    site = await sites.get_site(database=world.database, district=DISTRICT, site_id=site.id)
    assert site.status == "terminated"
    assert all(r.status != "pending" or r.due_on <= date(2029, 3, 2) for r in site.reports)

    messages = await sent(world)
    assert messages.count("applications.application.submitted") == 2
    assert messages.count("applications.application.returned") == 1
    assert messages.count("applications.decision.made") == 1
    assert messages.count("applications.meeting.held") == 3
    assert messages.count(ORDER_ISSUED.type) == 3
    trail = await sites.audit_trail(database=world.database, site_id=site.id)
    assert [r.action for r in trail if r.entity == "site"] == ["activate", "extend", "terminate"]
    assert all(r.actor_name == "Орлова Татьяна Николаевна" for r in trail)
    by_actor = await sites.audit_trail(database=world.database, actor_id=world.actor.id)
    assert len(by_actor) == await audit_count(world)


async def test_refusal_needs_a_reason_and_is_announced(world: World) -> None:
    application = await world.review(await world.apply())
    meeting = await world.meeting(DAY)
    meeting = await world.put(
        meeting,
        type="application",
        application_id=application.id,
        term_months=12,
        leader_id=world.leader,
        co_leader_id=world.methodist,
    )
    with pytest.raises(InvalidInput, match="причину отказа"):
        await world.vote(meeting, meeting.items[0], 1)
    meeting = await world.vote(meeting, meeting.items[0], 1, reason="Нет результатов по теме")
    await world.close(meeting)
    refused = await applications.get_application(
        database=world.database, district=DISTRICT, application_id=application.id
    )
    assert refused.status == "refused"
    assert refused.decision is not None
    assert refused.decision.reason == "Нет результатов по теме"
    with pytest.raises(Conflict, match="Приказ издаётся только по принятому решению"):
        await world.order(meeting.items[0].id, DAY)


async def test_leader_rule_is_enforced_with_the_rule_cited(world: World) -> None:
    application = await world.review(await world.apply())
    meeting = await world.meeting(DAY)
    with pytest.raises(InvalidInput, match=r"п\. 3.5 Положения об ОСМП"):
        await world.put(
            meeting,
            type="application",
            application_id=application.id,
            term_months=12,
            leader_id=world.teacher,
            co_leader_id=world.methodist,
        )
    with pytest.raises(InvalidInput, match=r"п\. 3.3"):
        await world.put(
            meeting,
            type="application",
            application_id=application.id,
            term_months=36,
            leader_id=world.leader,
            co_leader_id=world.methodist,
        )
    again = await applications.get_application(
        database=world.database, district=DISTRICT, application_id=application.id
    )
    assert again.status == "reviewed"  # nothing half-written


async def test_no_vote_without_quorum(world: World) -> None:
    application = await world.review(await world.apply())
    meeting = await world.meeting(DAY, present=3)  # 3 of 7
    meeting = await world.put(
        meeting,
        type="application",
        application_id=application.id,
        term_months=12,
        leader_id=world.leader,
        co_leader_id=world.methodist,
    )
    with pytest.raises(Conflict, match="Нет кворума: присутствуют 3 из 7"):
        await world.vote(meeting, meeting.items[0], 3)


async def test_stale_version_is_refused(world: World) -> None:
    application = await world.apply()
    await applications.return_application(
        database=world.database,
        outbox=world.outbox,
        district=DISTRICT,
        actor=world.actor,
        application_id=application.id,
        version=application.version,
        comment="Дополните справку результатами за последний год",
        today=DAY,
    )
    with pytest.raises(Conflict, match="изменена другим пользователем") as error:
        await applications.withdraw_application(
            database=world.database,
            district=DISTRICT,
            actor=world.actor,
            application_id=application.id,
            version=application.version,
            reason="передумали",
        )
    assert error.value.details["current_version"] == application.version + 1


async def test_expiry_warnings_and_report_reminders(world: World) -> None:
    _, site = await assigned_site(world, months=12)
    assert site.term_end == date(2027, 10, 14)

    async def tick(day: date) -> sites.TickResult:
        return await sites.run_daily_checks(
            database=world.database,
            outbox=world.outbox,
            district=DISTRICT,
            today=day,
            warning_days=(7, 30),
            reminder_days=(3, 14),
        )

    first_report = site.reports[0].due_on
    assert (await tick(first_report.replace(day=1))).reminded == 1
    assert (await tick(first_report.replace(day=2))).reminded == 0  # once per reminder
    assert (await tick(date(2027, 9, 20))).warned == 1
    assert (await tick(date(2027, 9, 21))).warned == 0
    assert (await tick(date(2027, 10, 10))).warned == 1
    result = await tick(date(2027, 10, 15))
    assert result.expired == 1
    assert (await tick(date(2027, 10, 16))).expired == 0
    expired = await sites.get_site(database=world.database, district=DISTRICT, site_id=site.id)
    assert expired.status == "expired"
    late = await sites.late_reports(
        database=world.database, district=DISTRICT, today=date(2027, 5, 1)
    )
    assert [r.title for r in late] == [site.reports[0].title]
    messages = await sent(world)
    assert messages.count("applications.site.expiring") == 2
    assert messages.count("applications.site.expired") == 1
    assert messages.count("applications.report.due") >= 2


async def test_audit_records_cannot_be_changed(world: World) -> None:
    await world.apply()
    with pytest.raises(sa.exc.DBAPIError, match="audit records cannot be changed"):
        async with world.database.transaction() as session:
            await session.execute(sa.update(AuditRecord).values(reason="подделка"))
    with pytest.raises(sa.exc.DBAPIError, match="audit records cannot be changed"):
        async with world.database.transaction() as session:
            await session.execute(sa.delete(AuditRecord))


async def test_concurrent_edits_of_one_application_cannot_both_win(world: World) -> None:
    """Two people act on the same version at once: one wins, the other gets a 409."""
    import asyncio

    application = await world.apply()

    async def send_back(comment: str) -> object:
        return await applications.return_application(
            database=world.database,
            outbox=world.outbox,
            district=DISTRICT,
            actor=world.actor,
            application_id=application.id,
            version=application.version,
            comment=comment,
            today=DAY,
        )

    async def review() -> object:
        return await applications.start_review(
            database=world.database,
            registry=world.registry,
            district=DISTRICT,
            actor=world.actor,
            application_id=application.id,
            version=application.version,
            reviewer_id=world.methodist,
        )

    outcomes = await asyncio.gather(
        send_back("Дополните справку результатами за последний год"),
        review(),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], Conflict), outcomes
    final = await applications.get_application(
        database=world.database, district=DISTRICT, application_id=application.id
    )
    assert final.version == application.version + 1
    assert final.status == winners[0].status  # type: ignore[attr-defined]


async def test_planning_a_meeting_invites_the_council_or_plans_nothing(world: World) -> None:
    class Down(type(world.registry)):  # type: ignore[misc]
        async def council_members(self) -> Any:
            raise RegistryUnavailable("Реестр недоступен; попробуйте позже")

    plan = {
        "database": world.database,
        "outbox": world.outbox,
        "district": DISTRICT,
        "actor": world.actor,
        "held_on": DAY,
        "place": "ИМЦ, каб. 5",
        "protocol_number": None,
    }
    with pytest.raises(RegistryUnavailable):
        await council.create_meeting(registry=Down(), **plan)
    assert await council.list_meetings(database=world.database, district=DISTRICT) == []

    meeting = await council.create_meeting(registry=world.registry, **plan)
    async with world.database.sessions() as session:
        bodies = (
            await session.scalars(
                sa.select(outbox_table.c.body).where(
                    outbox_table.c.routing_key == COUNCIL_MEETING_SCHEDULED.routing_key
                )
            )
        ).all()
    [invitation] = [COUNCIL_MEETING_SCHEDULED.decode(body).payload for body in bodies]
    assert (invitation.meeting_id, invitation.protocol_number, invitation.held_on) == (
        meeting.id,
        "1",
        DAY,
    )
    assert invitation.place == "ИМЦ, каб. 5"
    assert [(m.person_id, m.full_name) for m in invitation.members] == [
        (p, world.registry.people[p].full_name) for p in world.registry.council
    ]
    assert invitation.members[0].full_name == "Петрова Анна Сергеевна"
