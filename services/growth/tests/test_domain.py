"""The pure rules of professional growth."""

from datetime import date
from uuid import uuid4

import msgspec
import pytest

from imc_contracts import DeficitCount
from imc_growth.domain import matching, surveys
from imc_growth.domain.access import own_refusal, read_refusal, tutor_refusal
from imc_growth.domain.competencies import DEFAULT_CATALOGUE, check_code, check_keywords
from imc_growth.domain.deficits import ClosingStep, Tally, check_closing, count_rows
from imc_growth.domain.routes import check_evidence, effective_status, mentoring_done
from imc_growth.domain.surveys import Answered, Option, Question, Respondent, TargetGroup
from imc_growth.domain.transcript import (
    CourseLine,
    EventLine,
    MentoringLine,
    Transcript,
    document_data,
    period_text,
    russian_date,
    source_key,
)
from imc_growth.domain.tutors import check_meeting
from imc_shared.auth import Principal, Role
from imc_shared.errors import Conflict, InvalidInput


@pytest.mark.parametrize(
    ("keyword", "text"),
    [
        ("оценивание", "Семинар: объективность оценивания"),
        ("оценивание образовательных результатов", "Оценивание образовательного результата"),
        ("функциональная грамотность", "Формирование ФУНКЦИОНАЛЬНОЙ грамотности на уроках"),
        ("одарённ", "Работа с одаренными детьми"),
        ("ГИА", "Подготовка к ГИА по математике"),
        ("воспитание", "Воспитательная работа классного руководителя"),
    ],
)
def test_keywords_match_by_stem_case_and_yo(keyword: str, text: str) -> None:
    assert matching.matches(keyword, text)


def test_unrelated_text_does_not_match() -> None:
    assert not matching.matches("функциональная грамотность", "Смысловое чтение")
    assert not matching.matches("оценивание", "Проектная деятельность")
    assert matching.matching_keywords(["ОГЭ", "ЕГЭ", " "], "Разбор заданий ЕГЭ") == ["ЕГЭ"]


def test_default_catalogue_is_valid() -> None:
    codes = [c.code for c in DEFAULT_CATALOGUE]
    assert len(codes) == len(set(codes)) == 10
    assert all(check_code(c) == c for c in codes)
    with pytest.raises(InvalidInput) as refused:
        check_code("Оценивание")
    assert refused.value.field == "code"
    assert check_keywords(["ОВЗ", " овз ", "", "инклюзия"]) == ["ОВЗ", "инклюзия"]


def test_school_years() -> None:
    assert surveys.check_school_year(" 2026/2027 ") == "2026/2027"
    assert surveys.next_school_year("2026/2027") == "2027/2028"
    assert surveys.school_year_of(date(2027, 3, 17)) == "2026/2027"
    assert surveys.school_year_of(date(2027, 9, 1)) == "2027/2028"
    for bad in ("2026-2027", "2026/2028", "26/27"):
        with pytest.raises(InvalidInput):
            surveys.check_school_year(bad)


def _questions() -> list[Question]:
    return [
        Question(
            id=uuid4(),
            position=1,
            kind="single",
            text="Что вызывает наибольшие затруднения?",
            options=[
                Option(key="a", text="Оценивание результатов", competency="assessment"),
                Option(key="b", text="Ничего"),
            ],
        ),
        Question(
            id=uuid4(),
            position=2,
            kind="multiple",
            text="Какие темы интересны?",
            required=False,
            options=[
                Option(
                    key="fl", text="Функциональная грамотность", competency="functional_literacy"
                ),
                Option(key="gia", text="ГИА", competency="exam_preparation"),
                Option(key="x", text="Другое"),
            ],
        ),
        Question(
            id=uuid4(),
            position=3,
            kind="scale",
            text="Насколько уверенно вы работаете с детьми с ОВЗ?",
            competency="inclusive_education",
        ),
        Question(id=uuid4(), position=4, kind="text", text="Пожелания", required=False),
    ]


def test_questions_are_checked_against_the_catalogue() -> None:
    known = {c.code for c in DEFAULT_CATALOGUE}
    surveys.check_questions(_questions(), known)
    broken = _questions()
    broken[0].options[0].competency = "unknown"
    with pytest.raises(InvalidInput, match="нет в каталоге"):
        surveys.check_questions(broken, known)
    one_option = [Question(id=uuid4(), position=1, kind="single", text="?", options=[])]
    with pytest.raises(InvalidInput, match="не менее двух"):
        surveys.check_questions(one_option, known)
    with pytest.raises(InvalidInput, match="неизвестный вид"):
        surveys.check_questions([Question(id=uuid4(), position=1, kind="essay", text="?")], known)


def test_answers_are_validated() -> None:
    q = _questions()
    ok = surveys.check_answers(
        q, {str(q[0].id): "a", str(q[1].id): ["fl", "fl", "gia"], str(q[2].id): 2}
    )
    assert ok == {str(q[0].id): "a", str(q[1].id): ["fl", "gia"], str(q[2].id): 2}
    with pytest.raises(InvalidInput, match="обязательный вопрос 3"):
        surveys.check_answers(q, {str(q[0].id): "a"})
    with pytest.raises(InvalidInput, match="от 1 до 5"):
        surveys.check_answers(q, {str(q[0].id): "a", str(q[2].id): 6})
    with pytest.raises(InvalidInput, match="от 1 до 5"):
        surveys.check_answers(q, {str(q[0].id): "a", str(q[2].id): True})
    with pytest.raises(InvalidInput, match="выберите один"):
        surveys.check_answers(q, {str(q[0].id): "z", str(q[2].id): 3})
    with pytest.raises(InvalidInput, match="которого нет"):
        surveys.check_answers(q, {str(uuid4()): "a"})


def test_target_group() -> None:
    school = uuid4()
    teacher = Respondent(
        person_id=uuid4(),
        organisation_id=school,
        subjects=["Математика"],
        staff_group="teacher",
        qualification_category="none",
    )
    assert surveys.in_target(TargetGroup(), teacher)
    assert surveys.in_target(
        TargetGroup(subjects=["математика"], organisation_ids=[school]), teacher
    )
    assert not surveys.in_target(TargetGroup(subjects=["история"]), teacher)
    assert not surveys.in_target(TargetGroup(organisation_ids=[uuid4()]), teacher)
    assert not surveys.in_target(TargetGroup(categories=["highest"]), teacher)
    assert not surveys.in_target(TargetGroup(staff_groups=["administration"]), teacher)
    teacher.archived = True
    assert not surveys.in_target(TargetGroup(), teacher)
    with pytest.raises(InvalidInput):
        surveys.check_target(TargetGroup(categories=["высшая"]))


def test_summaries_comparison_and_pointers() -> None:
    q = _questions()
    school = uuid4()
    rows = [
        Answered(
            organisation_id=school,
            subjects=["математика"],
            answers={str(q[0].id): "a", str(q[2].id): 1, str(q[3].id): "Больше практики"},
        ),
        Answered(
            organisation_id=school,
            subjects=["математика", "физика"],
            answers={str(q[0].id): "b", str(q[1].id): ["gia"], str(q[2].id): 4},
        ),
        Answered(organisation_id=None, subjects=[], answers={str(q[0].id): "a", str(q[2].id): 5}),
    ]
    summary = surveys.summarise(q, rows, with_texts=True)
    first = summary[0]
    assert first.answered == 3
    assert [(o.key, o.count, o.share) for o in first.options] == [
        ("a", 2, 0.6667),
        ("b", 1, 0.3333),
    ]
    assert summary[1].answered == 1 and summary[1].options[1].count == 1
    assert summary[2].mean == 3.33 and [s.count for s in summary[2].scale] == [1, 0, 0, 1, 1]
    assert summary[3].texts == ["Больше практики"]
    assert surveys.summarise(q, rows, with_texts=False)[3].texts == []
    groups = surveys.by_subject(rows)
    assert list(groups) == ["математика", "предмет не указан", "физика"]
    assert len(groups["математика"]) == 2

    copied = [
        Question(**{**surveys.msgspec.structs.asdict(x), "id": uuid4(), "copied_from": x.id})
        for x in q
    ]
    later = surveys.summarise(
        copied,
        [
            Answered(
                organisation_id=None,
                subjects=[],
                answers={str(copied[0].id): "b", str(copied[2].id): 3},
            )
        ],
        with_texts=False,
    )
    compared = surveys.compare(later, summary, {c.id: c.copied_from for c in copied})
    assert compared[0].previous_answered == 3 and compared[0].current_answered == 1
    assert [(o.key, o.change) for o in compared[0].options] == [("a", -66.7), ("b", 66.7)]
    assert compared[2].previous_mean == 3.33 and compared[2].current_mean == 3.0

    pointers = surveys.pointers(q, rows[0].answers)
    assert {p.competency for p in pointers} == {"assessment", "inclusive_education"}
    assert surveys.pointers(q, rows[1].answers)[0].competency == "exam_preparation"
    assert surveys.pointers(q, rows[2].answers)[0].competency == "assessment"


def test_survey_opens_only_as_a_draft_with_questions() -> None:
    today = date(2027, 3, 1)
    with pytest.raises(Conflict):
        surveys.check_openable("open", _questions(), None, today)
    with pytest.raises(InvalidInput, match="нет вопросов"):
        surveys.check_openable("draft", [], None, today)
    with pytest.raises(InvalidInput, match="уже прошла"):
        surveys.check_openable("draft", _questions(), date(2027, 2, 28), today)
    assert surveys.is_open_for_answers("open", date(2027, 3, 1), today)
    assert not surveys.is_open_for_answers("open", date(2027, 2, 28), today)
    assert not surveys.is_open_for_answers("closed", None, today)


def test_a_deficit_is_closed_with_evidence_not_by_a_checkbox() -> None:
    deficit, other = uuid4(), uuid4()
    planned = ClosingStep(uuid4(), "planned", deficit, "Семинар")
    done = ClosingStep(uuid4(), "done", deficit, "Курсы")
    elsewhere = ClosingStep(uuid4(), "done", other, "Чужой шаг")
    evidence = "Открытый урок 12.03.2027: оценивание по критериям освоено"
    with pytest.raises(InvalidInput, match="а не отметкой") as no_step:
        check_closing(
            status="open",
            evidence=evidence,
            steps=[planned, elsewhere],
            deficit_id=deficit,
            step_id=None,
        )
    assert no_step.value.field == "step_id"
    with pytest.raises(InvalidInput, match="а не отметкой") as no_evidence:
        check_closing(
            status="open", evidence="  да ", steps=[done], deficit_id=deficit, step_id=None
        )
    assert no_evidence.value.field == "evidence"
    with pytest.raises(InvalidInput, match="ещё не выполнен"):
        check_closing(
            status="open",
            evidence=evidence,
            steps=[planned, done],
            deficit_id=deficit,
            step_id=planned.step_id,
        )
    with pytest.raises(InvalidInput, match="не относится"):
        check_closing(
            status="open",
            evidence=evidence,
            steps=[done, elsewhere],
            deficit_id=deficit,
            step_id=elsewhere.step_id,
        )
    with pytest.raises(Conflict):
        check_closing(
            status="closed", evidence=evidence, steps=[done], deficit_id=deficit, step_id=None
        )
    assert (
        check_closing(
            status="open",
            evidence=evidence,
            steps=[planned, done],
            deficit_id=deficit,
            step_id=None,
        )
        == done
    )


def test_counts_carry_no_person() -> None:
    anna, boris = uuid4(), uuid4()
    rows = count_rows(
        [
            Tally("assessment", "Оценивание", "математика", "open", anna),
            Tally("assessment", "Оценивание", "математика", "closed", anna),
            Tally("assessment", "Оценивание", "математика", "open", boris),
            Tally("assessment", "Оценивание", "", "open", boris),
        ]
    )
    assert rows == (
        DeficitCount(
            competency_code="assessment",
            competency_title="Оценивание",
            subject="",
            open=1,
            closed=0,
            teachers=1,
        ),
        DeficitCount(
            competency_code="assessment",
            competency_title="Оценивание",
            subject="математика",
            open=2,
            closed=1,
            teachers=2,
        ),
    )
    assert str(anna) not in repr(rows)


def test_steps_and_evidence_files() -> None:
    today = date(2027, 3, 17)
    assert effective_status("planned", date(2027, 3, 16), today) == "missed"
    assert effective_status("returned", date(2027, 3, 16), today) == "missed"
    assert effective_status("planned", date(2027, 3, 17), today) == "planned"
    assert effective_status("done", date(2027, 3, 1), today) == "done"
    assert effective_status("submitted", date(2027, 3, 1), today) == "submitted"
    assert check_evidence("Удостоверение.pdf", b"%PDF-1.7 ...", 1024) == "application/pdf"
    assert check_evidence("скан.JPG", b"\xff\xd8\xff\xe0...", 1024) == "image/jpeg"
    with pytest.raises(InvalidInput, match="больше"):
        check_evidence("big.pdf", b"%PDF-" + b"0" * 2048, 1024)
    with pytest.raises(InvalidInput, match="допустимы форматы"):
        check_evidence("run.exe", b"MZ....", 1024)
    with pytest.raises(InvalidInput, match="повреждён"):
        check_evidence("fake.pdf", b"MZ....", 1024)
    with pytest.raises(InvalidInput):
        check_evidence("empty.pdf", b"", 1024)
    assert mentoring_done(6.0, 6.0) and not mentoring_done(5.5, 6.0)


def test_meetings_of_own_teachers_only() -> None:
    anna, boris = uuid4(), uuid4()
    args = {
        "held_on": date(2027, 3, 1),
        "hours": 1.5,
        "topic": "Разбор КИМ ОГЭ",
        "members": [anna],
        "starts_on": date(2027, 2, 1),
        "today": date(2027, 3, 17),
    }
    check_meeting(present=[anna], **args)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="не сопровождает"):
        check_meeting(present=[anna, boris], **args)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="ещё не состоялась"):
        check_meeting(present=[anna], **{**args, "held_on": date(2027, 4, 1)})  # type: ignore[arg-type]


def test_access_rules() -> None:
    school, person = uuid4(), uuid4()
    teacher = Principal(subject="t", role=Role.TEACHER, district="yaya", person_id=person)
    other = Principal(subject="o", role=Role.TEACHER, district="yaya", person_id=uuid4())
    rep = Principal(
        subject="s", role=Role.SCHOOL_REPRESENTATIVE, district="yaya", organisation_id=school
    )
    council = Principal(subject="c", role=Role.COUNCIL_MEMBER, district="yaya")
    staff = Principal(subject="m", role=Role.METHODIST, district="yaya")
    assert read_refusal(teacher, person, school) is None
    assert read_refusal(other, person, school) is not None
    assert read_refusal(rep, person, school) is None
    assert read_refusal(rep, person, uuid4()) is not None
    assert read_refusal(council, person, school) is not None
    assert read_refusal(staff, person, None) is None
    assert own_refusal(teacher, person) is None and own_refusal(rep, person) is not None
    assert tutor_refusal(teacher, person) is None and tutor_refusal(other, person) is not None


def test_transcript_document_data() -> None:
    assert russian_date(date(2027, 3, 7)) == "«07» марта 2027 г."
    assert period_text(None, date(2027, 3, 17)) == "по состоянию на 17.03.2027"
    assert period_text(date(2026, 9, 1), date(2027, 3, 17)) == "с 01.09.2026 по 17.03.2027"
    person = uuid4()
    transcript = Transcript(
        person_id=person,
        full_name="Андреева Анна Петровна",
        position="учитель математики",
        organisation_id=None,
        organisation="МБОУ «Яйская СОШ № 1»",
        date_from=None,
        date_to=date(2027, 3, 17),
        period="по состоянию на 17.03.2027",
        events=[],
        courses=[
            CourseLine(
                step_id=uuid4(),
                title="ФГОС",
                provider="КРИПКиПРО",
                hours=36,
                completed_on=date(2027, 2, 1),
            )
        ],
        mentoring=[
            MentoringLine(
                assignment_id=uuid4(),
                kind="mentor",
                kind_title="наставник",
                tutor_name="Гусева Г. П.",
                topic="",
                hours=1.5,
            )
        ],
        closed_deficits=[],
        event_hours=0,
        course_hours=36,
        mentoring_hours=1.5,
        total_hours=37.5,
    )
    data = document_data(
        transcript,
        issued_on=date(2027, 3, 17),
        signatory_name="И. О.",
        signatory_position="директор",
    )
    assert data["issued_on"] == "2027-03-17" and data["number"] == ""
    assert data["courses"][0]["completed_on"] == "2027-02-01"
    assert data["mentoring"][0] == {
        "kind": "наставник",
        "tutor": "Гусева Г. П.",
        "topic": "",
        "hours": 1.5,
    }
    assert data["total_hours"] == 37.5
    with_event = msgspec.structs.replace(
        transcript,
        events=[
            EventLine(
                registration_id=uuid4(),
                event_id=uuid4(),
                kind="event",
                title="Семинар",
                form_title="семинар",
                date=date(2027, 3, 1),
                hours=4,
                certificate="С-17",
            )
        ],
        mentoring=[
            msgspec.structs.replace(transcript.mentoring[0], hours=1.25),
            msgspec.structs.replace(transcript.mentoring[0], hours=1.25),
        ],
    )
    printed = document_data(
        with_event, issued_on=date(2027, 3, 17), signatory_name="", signatory_position=""
    )
    assert printed["events"][0]["certificate"] == "сертификат № С-17"
    assert printed["events"][0]["date"] == "2027-03-01"
    rows = [
        *(e["hours"] for e in printed["events"]),
        *(c["hours"] for c in printed["courses"]),
        *(m["hours"] for m in printed["mentoring"]),
    ]
    assert printed["total_hours"] == sum(rows) == 42.5
    assert source_key(person, data) == source_key(person, dict(data))
    assert source_key(person, data) != source_key(person, {**data, "total_hours": 40})
