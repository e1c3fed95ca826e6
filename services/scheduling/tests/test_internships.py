"""Internships (001 §1.3): days, a fixed group, a final statement each — both databases."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from imc_scheduling.api.schemas import InternshipIn, ParticipantIn
from imc_scheduling.services import events, internships, registrations
from imc_scheduling.settings import SchedulingSettings
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput
from imc_shared.outbox import Outbox

OUTBOX = Outbox(district="yaya", source="scheduling")


async def test_internship_group_attendance_and_final_statements(
    database: Database, settings: SchedulingSettings, event_in: Any, local: Any
) -> None:
    site = uuid4()
    programme = await internships.create(
        database=database,
        data=InternshipIn(
            title="Повышение качества образования в школах с низкими результатами",
            site_id=site,
            organiser_name="МБОУ «СОШ № 7»",
            min_attendance_percent=50,
        ),
    )
    days = [
        await events.create_event(
            database=database,
            outbox=OUTBOX,
            settings=settings,
            data=event_in(
                title=f"Стажировка, день {n}",
                form="internship",
                organiser_kind="site",
                organiser_id=site,
                starts_at=local(2027, 3, 16 + n, 9),
                ends_at=local(2027, 3, 16 + n, 15),
                capacity=None,
                hours=6,
                internship_id=programme.id,
            ),
        )
        for n in (1, 2)
    ]
    a, b = uuid4(), uuid4()
    for person, name in ((a, "Андреева А. А."), (b, "Борисова Б. Б.")):
        await internships.add_participant(
            database=database,
            internship_id=programme.id,
            data=ParticipantIn(person_id=person, full_name=name),
        )
    with pytest.raises(Conflict):  # not an open event: only the group takes part
        await registrations.register(
            database=database,
            outbox=OUTBOX,
            event_id=days[0].id,
            person_id=uuid4(),
            full_name="Чужой",
            organisation_id=None,
            registered_by="self",
            now=local(2027, 3, 1),
        )
    with pytest.raises(Conflict):
        await internships.issue_statement(
            database=database, internship_id=programme.id, person_id=a, conclusion="Рано"
        )
    await internships.fix_group(database=database, outbox=OUTBOX, internship_id=programme.id)
    with pytest.raises(Conflict):
        await internships.add_participant(
            database=database,
            internship_id=programme.id,
            data=ParticipantIn(person_id=uuid4(), full_name="Поздняя"),
        )
    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=days[0].id,
        person_ids=[a, b],
        attended=True,
        now=days[0].ends_at,
    )
    await registrations.mark_attendance(
        database=database,
        outbox=OUTBOX,
        event_id=days[1].id,
        person_ids=[a],
        attended=True,
        now=days[1].ends_at,
    )
    during = days[1].starts_at
    with pytest.raises(Conflict):
        await internships.issue_statement(
            database=database,
            internship_id=programme.id,
            person_id=a,
            conclusion="Программа освоена",
            now=during,
        )
    after = days[1].ends_at + timedelta(hours=1)
    with pytest.raises(InvalidInput):
        await internships.issue_statement(
            database=database, internship_id=programme.id, person_id=a, conclusion=" ", now=after
        )
    issued = await internships.issue_statement(
        database=database,
        internship_id=programme.id,
        person_id=a,
        conclusion="Программа стажировки освоена в полном объёме",
        now=after,
    )
    assert (issued.days_total, issued.days_attended, issued.hours, issued.outcome) == (
        2,
        2,
        12,
        "completed",
    )
    with pytest.raises(Conflict):
        await internships.issue_statement(
            database=database, internship_id=programme.id, person_id=a, conclusion="Ещё", now=after
        )
    _, listed_days, rows = await internships.statements(
        database=database, internship_id=programme.id, now=after
    )
    assert [d.id for d in listed_days] == [d.id for d in days]
    by_person = {s.participant.person_id: s for s in rows}
    assert (by_person[b].days_attended, by_person[b].hours, by_person[b].outcome) == (
        1,
        6,
        "completed",  # 50 % is enough for this programme
    )
    assert by_person[b].participant.statement_issued_at is None
