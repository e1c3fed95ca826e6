"""Downloading the documents of an application package (seeds/000 §3.2): the stored
bytes, their type and original name, for the staff, the council and the applicant's own
school only."""

from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import msgspec

from imc_applications.services.registry_client import OrganisationCard
from imc_contracts.site_kinds import rules_of
from imc_shared import testing
from imc_shared.auth import Role

Client = Any
DISTRICT = "yaya"
SCHOOL = UUID("0192f5a0-0000-7000-8000-0000000000a1")
OTHER_SCHOOL = UUID("0192f5a0-0000-7000-8000-0000000000a2")
STATEMENT = "%PDF-1.7 заявление".encode()
NOTE = b"PK\x03\x04 information note"
PLAN = b"%PDF-1.4 work plan"
FOREIGN = "Представитель образовательной организации может работать только"


def representative(organisation: UUID) -> dict[str, str]:
    return testing.bearer(DISTRICT, Role.SCHOOL_REPRESENTATIVE, organisation_id=organisation)


async def apply(client: Client, *, work_plan: bool = True) -> dict[str, Any]:
    answers = {item.code: {"met": True} for item in rules_of("osmp").eligibility}
    files = {
        "statement": ("Заявление СОШ №1.pdf", STATEMENT, "application/pdf"),
        "information_note": ("note.docx", NOTE, "application/octet-stream"),
    }
    if work_plan:
        files["work_plan"] = ("План работы.pdf", PLAN, "application/pdf")
    created = await client.post(
        "/applications",
        headers=representative(SCHOOL),
        data={
            "organisation_id": str(SCHOOL),
            "topic": "Формирование функциональной грамотности",
            "eligibility": msgspec.json.encode(answers).decode(),
            "submit": "false",
        },
        files=files,
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


async def test_the_uploaded_documents_come_back_as_they_were(client: Client) -> None:
    application = await apply(client)
    path = f"/applications/{application['id']}/documents"

    statement = await client.get(f"{path}/statement")  # the district administrator
    assert statement.status_code == 200, statement.text
    assert statement.content == STATEMENT
    assert statement.headers["content-type"] == "application/pdf"
    disposition = statement.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="statement.pdf"')
    assert f"filename*=UTF-8''{quote('Заявление СОШ №1.pdf', safe='')}" in disposition

    note = await client.get(f"{path}/information_note", headers=representative(SCHOOL))
    assert note.status_code == 200, note.text
    assert note.content == NOTE
    # The type the service recognised from the file, not what the browser claimed.
    assert note.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "filename*=UTF-8''note.docx" in note.headers["content-disposition"]

    for role in (Role.METHODIST, Role.CENTRE_COORDINATOR, Role.COUNCIL_SECRETARY):
        plan = await client.get(f"{path}/work_plan", headers=testing.bearer(DISTRICT, role))
        assert plan.status_code == 200, (role, plan.text)
        assert plan.content == PLAN
    member = await client.get(
        f"{path}/work_plan", headers=testing.bearer(DISTRICT, Role.COUNCIL_MEMBER)
    )
    assert member.status_code == 200
    assert member.content == PLAN


async def test_another_school_a_teacher_and_a_service_are_refused(
    client: Client, world: Any
) -> None:
    world.registry.organisations[OTHER_SCHOOL] = OrganisationCard(
        id=OTHER_SCHOOL,
        full_name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Яйская основная общеобразовательная школа № 2»",
        short_name="МБОУ «Яйская ООШ № 2»",
        email="oosh2@yaya.example.ru",
    )
    application = await apply(client)
    path = f"/applications/{application['id']}/documents/statement"

    stranger = await client.get(path, headers=representative(OTHER_SCHOOL))
    assert stranger.status_code == 403
    assert stranger.json()["message"].startswith(FOREIGN)
    assert STATEMENT not in stranger.content

    for role in (Role.TEACHER, Role.SERVICE):
        headers = testing.bearer(DISTRICT, role, organisation_id=SCHOOL)
        refused = await client.get(path, headers=headers)
        assert refused.status_code == 403, (role, refused.text)
        assert STATEMENT not in refused.content


async def test_a_missing_application_or_document_is_404_in_russian(client: Client) -> None:
    application = await apply(client, work_plan=False)
    path = f"/applications/{application['id']}/documents"

    absent = await client.get(f"{path}/work_plan")
    assert absent.status_code == 404
    assert absent.json()["message"] == (
        "В заявке нет документа: план работы опорной (стажировочной) методической площадки"
    )
    unknown = await client.get(f"{path}/passport")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Неизвестный вид документа «passport»"

    nowhere = await client.get(f"/applications/{uuid4()}/documents/statement")
    assert nowhere.status_code == 404
    assert nowhere.json()["message"] == "Заявка не найдена"
    # A school's account learns no more about an application that does not exist.
    theirs = await client.get(
        f"/applications/{uuid4()}/documents/statement", headers=representative(SCHOOL)
    )
    assert theirs.status_code == 404
