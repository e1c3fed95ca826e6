"""Use cases of needs monitoring: build a survey, open it to its target group, take
teachers' answers, close it, summarise and compare, propose deficits from the answers."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import SURVEY_OPENED, SurveyOpened
from imc_contracts import SurveyRecipient as Recipient
from imc_growth.api.schemas import (
    DeficitOut,
    GroupSummary,
    MySurvey,
    OptionOut,
    Proposal,
    ProposalItem,
    QuestionIn,
    QuestionOut,
    ResponseOut,
    SurveyComparison,
    SurveyCopyIn,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
    SurveyResults,
    TargetIn,
    TargetOut,
)
from imc_growth.db.models import (
    Competency,
    Deficit,
    Organisation,
    Survey,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    Teacher,
)
from imc_growth.domain import surveys as rules
from imc_growth.domain.surveys import (
    QUESTION_KIND_TITLES,
    SURVEY_STATUS_TITLES,
    Answered,
    Option,
    Question,
    Respondent,
    TargetGroup,
)
from imc_growth.services.common import check_version, squash, teacher_of
from imc_growth.services.deficits import find_same, view
from imc_growth.services.summary import announce_summary
from imc_shared.db import Database
from imc_shared.errors import Conflict, InvalidInput, NotFound
from imc_shared.outbox import Outbox

NO_ORGANISATION = "организация не указана"


# --- mapping --------------------------------------------------------------------------


def _question(row: SurveyQuestion) -> Question:
    return Question(
        id=row.id,
        position=row.position,
        kind=row.kind,
        text=row.text,
        required=row.required,
        options=[Option(**o) for o in row.options],
        competency=row.competency,
        copied_from=row.copied_from,
    )


def _target(survey: Survey) -> TargetGroup:
    return TargetGroup(
        organisation_ids=[UUID(i) for i in survey.target_organisation_ids],
        subjects=list(survey.target_subjects),
        staff_groups=list(survey.target_staff_groups),
        categories=list(survey.target_categories),
    )


def _respondent(teacher: Teacher) -> Respondent:
    return Respondent(
        person_id=teacher.person_id,
        organisation_id=teacher.organisation_id,
        subjects=list(teacher.subjects),
        staff_group=teacher.staff_group,
        qualification_category=teacher.qualification_category,
        archived=teacher.archived,
    )


async def _load(session: AsyncSession, survey_id: UUID) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("Анкета не найдена", field="survey_id")
    return survey


async def _questions(session: AsyncSession, survey_id: UUID) -> list[SurveyQuestion]:
    rows = await session.scalars(
        sa.select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )
    return list(rows.all())


async def _count(session: AsyncSession, table: Any, survey_id: UUID) -> int:
    value = await session.scalar(
        sa.select(sa.func.count()).select_from(table).where(table.survey_id == survey_id)
    )
    return int(value or 0)


async def survey_view(session: AsyncSession, survey: Survey) -> SurveyOut:
    questions = await _questions(session, survey.id)
    return SurveyOut(
        id=survey.id,
        title=survey.title,
        description=survey.description,
        school_year=survey.school_year,
        closes_on=survey.closes_on,
        status=survey.status,
        status_title=SURVEY_STATUS_TITLES[survey.status],
        target=TargetOut(
            organisation_ids=[UUID(i) for i in survey.target_organisation_ids],
            subjects=list(survey.target_subjects),
            staff_groups=list(survey.target_staff_groups),
            categories=list(survey.target_categories),
        ),
        questions=[
            QuestionOut(
                id=q.id,
                position=q.position,
                kind=q.kind,
                kind_title=QUESTION_KIND_TITLES[q.kind],
                text=q.text,
                required=q.required,
                options=[OptionOut(**o) for o in q.options],
                competency=q.competency,
                copied_from=q.copied_from,
            )
            for q in questions
        ],
        repeat_of=survey.repeat_of,
        created_by=survey.created_by,
        created_at=survey.created_at,
        opened_at=survey.opened_at,
        closed_at=survey.closed_at,
        recipients=await _count(session, SurveyRecipient, survey.id),
        responses=await _count(session, SurveyResponse, survey.id),
        version=survey.version,
    )


# --- building -------------------------------------------------------------------------


async def _known_competencies(session: AsyncSession) -> list[str]:
    return list((await session.scalars(sa.select(Competency.code))).all())


def _apply_target(survey: Survey, target: TargetIn) -> None:
    clean = rules.check_target(
        TargetGroup(
            organisation_ids=target.organisation_ids,
            subjects=target.subjects,
            staff_groups=target.staff_groups,
            categories=target.categories,
        )
    )
    survey.target_organisation_ids = [str(i) for i in clean.organisation_ids]
    survey.target_subjects = clean.subjects
    survey.target_staff_groups = clean.staff_groups
    survey.target_categories = clean.categories


async def _replace_questions(
    session: AsyncSession, survey: Survey, questions: Sequence[QuestionIn]
) -> None:
    rows = [
        SurveyQuestion(
            survey_id=survey.id,
            position=number,
            kind=q.kind,
            text=squash(q.text),
            required=q.required,
            options=[
                {"key": o.key.strip(), "text": squash(o.text), "competency": o.competency or None}
                for o in q.options
            ],
            competency=q.competency or None,
        )
        for number, q in enumerate(questions, start=1)
    ]
    rules.check_questions([_question(r) for r in rows], await _known_competencies(session))
    await session.execute(sa.delete(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id))
    session.add_all(rows)


async def create_survey(*, database: Database, data: SurveyIn, actor: str) -> SurveyOut:
    async with database.transaction() as session:
        survey = Survey(
            title=rules.check_title(data.title),
            description=data.description.strip(),
            school_year=rules.check_school_year(data.school_year),
            closes_on=data.closes_on,
            status="draft",
            created_by=actor,
        )
        _apply_target(survey, data.target)
        session.add(survey)
        await session.flush()
        await _replace_questions(session, survey, data.questions)
        await session.flush()
        return await survey_view(session, survey)


async def update_survey(*, database: Database, survey_id: UUID, data: SurveyPatch) -> SurveyOut:
    """Change a draft (an open survey's questions stay as the teachers saw them)."""
    async with database.transaction() as session:
        survey = await _load(session, survey_id)
        check_version(survey.version, data.version, "Анкета")
        if survey.status != "draft":
            raise Conflict(
                "Изменить можно только черновик анкеты; открытый опрос не меняют, чтобы "
                "ответы педагогов были сопоставимы",
                field="status",
            )
        if data.title is not None:
            survey.title = rules.check_title(data.title)
        if data.description is not None:
            survey.description = data.description.strip()
        if data.school_year is not None:
            survey.school_year = rules.check_school_year(data.school_year)
        if not isinstance(data.closes_on, msgspec.UnsetType):
            survey.closes_on = data.closes_on
        if data.target is not None:
            _apply_target(survey, data.target)
        if data.questions is not None:
            await _replace_questions(session, survey, data.questions)
        await session.flush()
        return await survey_view(session, survey)


async def copy_survey(
    *, database: Database, survey_id: UUID, data: SurveyCopyIn, actor: str
) -> SurveyOut:
    """Repeat a survey next year: a new draft with the same questions (and option keys),
    linked to the original for the comparison."""
    async with database.transaction() as session:
        original = await _load(session, survey_id)
        year = rules.check_school_year(
            data.school_year or rules.next_school_year(original.school_year)
        )
        copy = Survey(
            title=rules.check_title(data.title or original.title),
            description=original.description,
            school_year=year,
            closes_on=data.closes_on,
            status="draft",
            target_organisation_ids=list(original.target_organisation_ids),
            target_subjects=list(original.target_subjects),
            target_staff_groups=list(original.target_staff_groups),
            target_categories=list(original.target_categories),
            repeat_of=original.id,
            created_by=actor,
        )
        session.add(copy)
        await session.flush()
        session.add_all(
            SurveyQuestion(
                survey_id=copy.id,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=[dict(o) for o in q.options],
                competency=q.competency,
                copied_from=q.id,
            )
            for q in await _questions(session, original.id)
        )
        await session.flush()
        return await survey_view(session, copy)


async def open_survey(
    *, database: Database, outbox: Outbox, survey_id: UUID, version: int | None, today: date
) -> SurveyOut:
    """Open a draft: its recipients are the target group's teachers now; they are asked."""
    async with database.transaction() as session:
        survey = await _load(session, survey_id)
        check_version(survey.version, version, "Анкета")
        questions = await _questions(session, survey.id)
        rules.check_openable(
            survey.status, [_question(q) for q in questions], survey.closes_on, today
        )
        target = _target(survey)
        teachers = (
            await session.scalars(
                sa.select(Teacher)
                .where(Teacher.archived.is_(False))
                .order_by(Teacher.full_name, Teacher.person_id)
            )
        ).all()
        recipients = [t for t in teachers if rules.in_target(target, _respondent(t))]
        if not recipients:
            raise InvalidInput(
                "В целевой группе анкеты нет ни одного педагога: проверьте организации, "
                "предметы и категории",
                field="target",
            )
        session.add_all(
            SurveyRecipient(survey_id=survey.id, person_id=t.person_id, full_name=t.full_name)
            for t in recipients
        )
        survey.status = "open"
        survey.opened_at = datetime.now(UTC)
        await session.flush()
        await outbox.put(
            session,
            SURVEY_OPENED,
            SurveyOpened(
                survey_id=survey.id,
                title=survey.title,
                school_year=survey.school_year,
                closes_on=survey.closes_on,
                recipients=tuple(
                    Recipient(person_id=t.person_id, full_name=t.full_name) for t in recipients
                ),
            ),
        )
        return await survey_view(session, survey)


async def close_survey(
    *, database: Database, survey_id: UUID, version: int | None, today: date
) -> SurveyOut:
    async with database.transaction() as session:
        survey = await _load(session, survey_id)
        check_version(survey.version, version, "Анкета")
        if survey.status != "open":
            raise Conflict(
                "Завершить можно только открытый опрос; анкета: "
                f"«{SURVEY_STATUS_TITLES[survey.status]}»",
                field="status",
            )
        survey.status = "closed"
        survey.closed_at = datetime.now(UTC)
        survey.closed_on = today
        await session.flush()
        return await survey_view(session, survey)


async def get_survey(database: Database, survey_id: UUID) -> SurveyOut:
    async with database.sessions() as session:
        return await survey_view(session, await _load(session, survey_id))


async def list_surveys(
    *, database: Database, status: str | None = None, school_year: str | None = None
) -> list[SurveyOut]:
    query = sa.select(Survey).order_by(Survey.school_year.desc(), Survey.created_at.desc())
    if status:
        query = query.where(Survey.status == status)
    if school_year:
        query = query.where(Survey.school_year == school_year)
    async with database.sessions() as session:
        return [await survey_view(session, s) for s in (await session.scalars(query)).all()]


# --- answering ------------------------------------------------------------------------


async def _in_group(session: AsyncSession, survey: Survey, teacher: Teacher) -> bool:
    recipient = await session.get(SurveyRecipient, (survey.id, teacher.person_id))
    return recipient is not None or rules.in_target(_target(survey), _respondent(teacher))


def _response(row: SurveyResponse) -> ResponseOut:
    return ResponseOut(
        survey_id=row.survey_id,
        person_id=row.person_id,
        answers=dict(row.answers),
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        version=row.version,
    )


async def survey_for(database: Database, survey_id: UUID, person_id: UUID) -> SurveyOut:
    """A survey as a teacher of its target group sees it (not a draft)."""
    async with database.sessions() as session:
        survey = await _load(session, survey_id)
        teacher = await session.get(Teacher, person_id)
        if (
            survey.status == "draft"
            or teacher is None
            or not await _in_group(session, survey, teacher)
        ):
            raise NotFound("Анкета не найдена", field="survey_id")
        return await survey_view(session, survey)


async def my_surveys(*, database: Database, person_id: UUID, today: date) -> list[MySurvey]:
    """Open surveys the teacher is asked to answer, and closed ones they answered."""
    async with database.sessions() as session:
        teacher = await session.get(Teacher, person_id)
        if teacher is None:
            return []
        surveys = (
            await session.scalars(
                sa.select(Survey)
                .where(Survey.status != "draft")
                .order_by(Survey.opened_at.desc(), Survey.id)
            )
        ).all()
        out = []
        for survey in surveys:
            response = await session.scalar(
                sa.select(SurveyResponse).where(
                    SurveyResponse.survey_id == survey.id, SurveyResponse.person_id == person_id
                )
            )
            if survey.status == "open" and await _in_group(session, survey, teacher):
                pass
            elif response is None:
                continue
            out.append(
                MySurvey(
                    survey=await survey_view(session, survey),
                    can_answer=rules.is_open_for_answers(survey.status, survey.closes_on, today),
                    response=_response(response) if response else None,
                )
            )
        return out


async def get_response(database: Database, survey_id: UUID, person_id: UUID) -> ResponseOut:
    async with database.sessions() as session:
        row = await session.scalar(
            sa.select(SurveyResponse).where(
                SurveyResponse.survey_id == survey_id, SurveyResponse.person_id == person_id
            )
        )
    if row is None:
        raise NotFound("Ответов на эту анкету нет", field="survey_id")
    return _response(row)


async def answer(
    *,
    database: Database,
    survey_id: UUID,
    person_id: UUID,
    answers: dict[str, Any],
    version: int | None,
    today: date,
) -> ResponseOut:
    """A teacher of the target group answers (or changes their answers) while it is open."""
    async with database.transaction() as session:
        survey = await _load(session, survey_id)
        teacher = await teacher_of(session, person_id)
        if not await _in_group(session, survey, teacher):
            raise InvalidInput(
                "Анкета адресована другой группе педагогов: вы не входите в её целевую группу",
                field="survey_id",
            )
        if not rules.is_open_for_answers(survey.status, survey.closes_on, today):
            raise Conflict(
                "Опрос не проводится: ответы принимаются только пока анкета открыта",
                field="status",
            )
        questions = [_question(q) for q in await _questions(session, survey.id)]
        clean = rules.check_answers(questions, answers)
        row = await session.scalar(
            sa.select(SurveyResponse).where(
                SurveyResponse.survey_id == survey_id, SurveyResponse.person_id == person_id
            )
        )
        now = datetime.now(UTC)
        if row is None:
            if await session.get(SurveyRecipient, (survey_id, person_id)) is None:
                session.add(
                    SurveyRecipient(
                        survey_id=survey_id, person_id=person_id, full_name=teacher.full_name
                    )
                )
            row = SurveyResponse(survey_id=survey_id, person_id=person_id, submitted_at=now)
            session.add(row)
        else:
            check_version(row.version, version, "Ответ на анкету")
        row.full_name = teacher.full_name
        row.organisation_id = teacher.organisation_id
        row.subjects = list(teacher.subjects)
        row.answers = clean
        row.updated_at = now
        await session.flush()
        return _response(row)


# --- results --------------------------------------------------------------------------


async def _answered(session: AsyncSession, survey_id: UUID) -> list[SurveyResponse]:
    rows = await session.scalars(
        sa.select(SurveyResponse)
        .where(SurveyResponse.survey_id == survey_id)
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
    )
    return list(rows.all())


def _plain(row: SurveyResponse) -> Answered:
    return Answered(
        organisation_id=row.organisation_id, subjects=list(row.subjects), answers=row.answers
    )


async def results(database: Database, survey_id: UUID) -> SurveyResults:
    """Distributions for the district, each school and each subject."""
    async with database.sessions() as session:
        survey = await _load(session, survey_id)
        questions = [_question(q) for q in await _questions(session, survey_id)]
        responses = [_plain(r) for r in await _answered(session, survey_id)]
        recipients = await _count(session, SurveyRecipient, survey_id)
        names = {
            o.organisation_id: o.short_name or o.full_name
            for o in (await session.scalars(sa.select(Organisation))).all()
        }
    schools: dict[UUID | None, list[Answered]] = {}
    for response in responses:
        schools.setdefault(response.organisation_id, []).append(response)
    by_school = sorted(
        (
            GroupSummary(
                key=str(org) if org else "",
                title=names.get(org, "") if org else NO_ORGANISATION,
                respondents=len(rows),
                questions=rules.summarise(questions, rows, with_texts=False),
            )
            for org, rows in schools.items()
        ),
        key=lambda g: (g.title == NO_ORGANISATION, g.title, g.key),
    )
    return SurveyResults(
        survey_id=survey.id,
        title=survey.title,
        school_year=survey.school_year,
        status=survey.status,
        recipients=recipients,
        respondents=len(responses),
        response_rate=round(len(responses) / recipients, 4) if recipients else 0.0,
        district=rules.summarise(questions, responses, with_texts=True),
        by_school=by_school,
        by_subject=[
            GroupSummary(
                key=subject,
                title=subject,
                respondents=len(rows),
                questions=rules.summarise(questions, rows, with_texts=False),
            )
            for subject, rows in rules.by_subject(responses).items()
        ],
    )


async def comparison(database: Database, survey_id: UUID) -> SurveyComparison:
    """This survey beside the one it repeats (last year's)."""
    async with database.sessions() as session:
        survey = await _load(session, survey_id)
        if survey.repeat_of is None:
            raise InvalidInput(
                "Анкета не является повтором прошлогодней: сравнивать не с чем",
                field="survey_id",
            )
        previous = await _load(session, survey.repeat_of)
        questions = [_question(q) for q in await _questions(session, survey.id)]
        before = [_question(q) for q in await _questions(session, previous.id)]
        now_rows = [_plain(r) for r in await _answered(session, survey.id)]
        old_rows = [_plain(r) for r in await _answered(session, previous.id)]
    pairs = {q.id: q.copied_from for q in questions if q.copied_from}
    return SurveyComparison(
        survey_id=survey.id,
        school_year=survey.school_year,
        previous_survey_id=previous.id,
        previous_school_year=previous.school_year,
        respondents=len(now_rows),
        previous_respondents=len(old_rows),
        questions=rules.compare(
            rules.summarise(questions, now_rows, with_texts=False),
            rules.summarise(before, old_rows, with_texts=False),
            pairs,
        ),
    )


# --- deficits from answers ------------------------------------------------------------


def _source_ref(survey: Survey) -> str:
    return f"Анкета «{survey.title}», {survey.school_year} учебный год"[:300]


async def _proposals(session: AsyncSession, survey: Survey) -> list[Proposal]:
    if survey.status != "closed":
        raise Conflict("Дефициты по анкете предлагаются после завершения опроса", field="status")
    assert survey.closed_on is not None
    questions = [_question(q) for q in await _questions(session, survey.id)]
    competencies = {c.code: c for c in (await session.scalars(sa.select(Competency))).all()}
    out = []
    for response in await _answered(session, survey.id):
        subject = response.subjects[0] if len(response.subjects) == 1 else ""
        for pointer in rules.pointers(questions, response.answers):
            competency = competencies.get(pointer.competency)
            if competency is None:
                continue
            existing = await session.scalar(
                sa.select(Deficit).where(
                    Deficit.survey_id == survey.id,
                    Deficit.person_id == response.person_id,
                    Deficit.competency_id == competency.id,
                )
            )
            out.append(
                Proposal(
                    person_id=response.person_id,
                    full_name=response.full_name,
                    organisation_id=response.organisation_id,
                    competency_code=competency.code,
                    competency_title=competency.title,
                    subject=existing.subject if existing else subject,
                    question_id=pointer.question_id,
                    answer=pointer.answer,
                    recorded=existing is not None,
                    deficit_id=existing.id if existing else None,
                )
            )
    return out


async def proposals(database: Database, survey_id: UUID) -> list[Proposal]:
    """Deficits the closed survey's answers point to, each marked if already recorded."""
    async with database.sessions() as session:
        return await _proposals(session, await _load(session, survey_id))


async def confirm_proposals(
    *,
    database: Database,
    outbox: Outbox,
    survey_id: UUID,
    items: Sequence[ProposalItem],
    note: str,
    actor: str,
) -> list[DeficitOut]:
    """Record the proposals a methodist confirms; a repeat records nothing twice."""
    if not items:
        raise InvalidInput("Отметьте хотя бы один предложенный дефицит", field="items")
    async with database.transaction() as session:
        survey = await _load(session, survey_id)
        offered = {(p.person_id, p.competency_code) for p in await _proposals(session, survey)}
        assert survey.closed_on is not None
        created = False
        out: list[DeficitOut] = []
        for number, item in enumerate(items):
            if (item.person_id, item.competency_code) not in offered:
                raise InvalidInput(
                    "Ответы педагога на эту анкету не указывают на этот дефицит",
                    field=f"items[{number}]",
                )
            competency = await session.scalar(
                sa.select(Competency).where(Competency.code == item.competency_code)
            )
            assert competency is not None
            subject = squash(item.subject)[:100]
            existing = await session.scalar(
                sa.select(Deficit).where(
                    Deficit.survey_id == survey.id,
                    Deficit.person_id == item.person_id,
                    Deficit.competency_id == competency.id,
                )
            ) or await find_same(
                session,
                person_id=item.person_id,
                competency_id=competency.id,
                subject=subject,
                source="survey",
                source_ref=_source_ref(survey),
                source_date=survey.closed_on,
            )
            if existing is None:
                existing = Deficit(
                    person_id=item.person_id,
                    competency_id=competency.id,
                    subject=subject,
                    source="survey",
                    source_date=survey.closed_on,
                    source_ref=_source_ref(survey),
                    survey_id=survey.id,
                    note=note.strip()[:5000],
                    recorded_by=actor,
                    status="open",
                )
                session.add(existing)
                await session.flush()
                created = True
            out.append(view(existing, competency, await session.get(Teacher, item.person_id)))
        if created:
            await announce_summary(session, outbox)
    return out
