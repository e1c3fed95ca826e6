"""The protocol of a council meeting reaches each member invited to the meeting, with the
PDF, once, over a real local SMTP server, as each member's preferences say (SQLite and
PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import msgspec
import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from imc_contracts import (
    COUNCIL_MEETING_SCHEDULED,
    DOCUMENT_GENERATED,
    PERSON_UPSERTED,
    Envelope,
    GeneratedFile,
    MeetingMember,
    MessageType,
)
from imc_contracts.examples import example
from imc_notifications.app import MIGRATIONS
from imc_notifications.db.models import InboxItem, MeetingInvitee, Notification
from imc_notifications.services import notifications as use_cases
from imc_notifications.services import people
from imc_notifications.services.delivery import DeliveryWorker
from imc_notifications.services.notifications import Letters
from imc_notifications.settings import NotificationsSettings
from imc_shared import testing
from imc_shared.db import Database, migrate

PORTAL = "https://imc.yaya.example.ru"
LETTERS = Letters(portal_url=PORTAL, sender="Директор МБУ «ИМЦ» Н. П. Орлова\nЯйский МО")
MEETING = UUID("0192f5a0-0000-7000-8000-0000000000a1")
PROTOCOL = UUID("0192f5a0-0000-7000-8000-0000000000a2")
PDF_PATH = f"/documents/{PROTOCOL}/file.pdf"
MEMBERS = {
    UUID("0192f5a0-0000-7000-8000-0000000000b1"): ("Лаптева Светлана Николаевна", "lapteva@imc.ru"),
    UUID("0192f5a0-0000-7000-8000-0000000000b2"): ("Орлова Нина Петровна", "orlova@imc.ru"),
    UUID("0192f5a0-0000-7000-8000-0000000000b3"): ("Седов Игорь Олегович", "sedov@imc.ru"),
}
SUBJECT = "Протокол заседания методического совета № 3 от 03.12.2026"


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    await migrate(database_url, MIGRATIONS)
    db = Database(database_url)
    yield db
    await db.dispose()


def envelope(message: MessageType[Any], **changes: Any) -> Envelope[Any]:
    payload = msgspec.structs.replace(example(message).payload, **changes)
    return message.new(payload, district="yaya", source="test")


async def feed(database: Database, use_case: Any, message: Envelope[Any], *args: Any) -> Any:
    async with database.transaction() as session:
        return await use_case(session, message, *args)


async def with_members(database: Database) -> None:
    for person_id, (name, address) in MEMBERS.items():
        upserted = envelope(PERSON_UPSERTED, person_id=person_id, full_name=name, email=address)
        await feed(database, use_cases.upsert_person, upserted)


def scheduled(members: dict[UUID, tuple[str, str]] = MEMBERS) -> Envelope[Any]:
    return envelope(
        COUNCIL_MEETING_SCHEDULED,
        meeting_id=MEETING,
        members=tuple(MeetingMember(person_id=p, full_name=n) for p, (n, _) in members.items()),
    )


def protocol(meeting_id: UUID = MEETING) -> Envelope[Any]:
    return envelope(
        DOCUMENT_GENERATED,
        document_id=PROTOCOL,
        kind="council_protocol",
        title="Протокол № 3 заседания методического совета от 03.12.2026",
        number="3",
        organisation_id=UUID(int=0),
        subject_id=meeting_id,
        files=(
            GeneratedFile(format="docx", path=PDF_PATH.replace(".pdf", ".docx"), size=9, sha256=""),
            GeneratedFile(format="pdf", path=PDF_PATH, size=20, sha256="c" * 64),
        ),
    )


def settings_for(database: Database, controller: Any, documents_url: str) -> NotificationsSettings:
    return NotificationsSettings(
        service="notifications",
        district="yaya",
        district_name="Яйский муниципальный округ",
        database_url=database.url,
        smtp_host=controller.hostname,
        smtp_port=controller.port,
        mail_from="imc@yaya.example.ru",
        portal_url=PORTAL,
        unsubscribe_secret="s3cret-for-tests",
        documents_url=documents_url,
        **testing.auth_settings(),
    )


async def test_each_invited_member_gets_the_protocol_once_with_the_pdf(
    database: Database, smtp: Any, http_stub: Any
) -> None:
    await with_members(database)
    invitations = await feed(database, use_cases.queue_meeting_invitations, scheduled(), LETTERS)
    assert len(invitations) == 3
    controller, mailbox = smtp()
    settings = settings_for(database, controller, http_stub.url)
    worker = DeliveryWorker(database, settings)
    assert await worker.deliver_due() == 3  # the invitations
    mailbox.messages.clear()

    queued = await feed(database, use_cases.queue_document_email, protocol(), LETTERS)
    assert sorted((n.email, n.topic, n.attachment_path) for n in queued) == sorted(
        (address, "applications", PDF_PATH) for _, address in MEMBERS.values()
    )
    again = DOCUMENT_GENERATED.new(protocol().payload, district="yaya", source="documents")
    assert await feed(database, use_cases.queue_document_email, again, LETTERS) == []

    http_stub.files[PDF_PATH] = b"%PDF-1.7 protocol"
    assert await worker.deliver_due() == 3
    assert await worker.deliver_due() == 0
    assert sorted(str(m["To"]) for m in mailbox.messages) == sorted(
        address for _, address in MEMBERS.values()
    )
    for letter in mailbox.messages:
        assert str(letter["Subject"]) == SUBJECT
        plain = letter.get_body(("plain",))
        assert plain is not None
        text = plain.get_content()
        assert "Направляем протокол № 3 заседания методического совета от 03.12.2026." in text
        assert "Протокол прилагается к письму в формате PDF." in text
        assert "/unsubscribe?token=" in text
        [attachment] = list(letter.iter_attachments())
        assert attachment.get_filename() == "Протокол № 3.pdf"
        assert attachment.get_content() == b"%PDF-1.7 protocol"
    fetched = [r for r in http_stub.requests if r.path == PDF_PATH]
    assert len(fetched) == 3
    assert all(r.headers["authorization"].startswith("Bearer ") for r in fetched)

    async with database.sessions() as session:
        inbox = (
            await session.scalars(sa.select(InboxItem).where(InboxItem.cause_id == PROTOCOL))
        ).all()
    assert sorted(i.addressee_id for i in inbox) == sorted(MEMBERS)
    assert {i.subject for i in inbox} == {SUBJECT}

    # Delivered once more after the letters went out: nothing more is queued or sent.
    late = DOCUMENT_GENERATED.new(protocol().payload, district="yaya", source="documents")
    assert await feed(database, use_cases.queue_document_email, late, LETTERS) == []
    assert await worker.deliver_due() == 0
    assert len(mailbox.messages) == 3


async def test_the_protocol_respects_each_members_preferences(database: Database) -> None:
    await with_members(database)
    lapteva, orlova, sedov = MEMBERS
    async with database.transaction() as session:
        await people.set_preference(session, lapteva, "applications", "email", "daily")
        await people.set_preference(session, orlova, "applications", "email", "mute")
    await feed(database, use_cases.queue_meeting_invitations, scheduled(), LETTERS)
    queued = await feed(database, use_cases.queue_document_email, protocol(), LETTERS)
    assert sorted((n.addressee_id, n.status) for n in queued) == sorted(
        [(lapteva, "held"), (sedov, "queued")]
    )
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(Notification).where(Notification.cause_id == PROTOCOL)
        )
        statuses = {r.addressee_id: r.status for r in rows.all()}
        inbox = await session.scalars(
            sa.select(InboxItem.addressee_id).where(InboxItem.cause_id == PROTOCOL)
        )
        in_inbox = set(inbox.all())
    assert statuses == {lapteva: "held", orlova: "muted", sedov: "queued"}
    assert in_inbox == set(MEMBERS)  # a muted topic still reaches the inbox


async def test_the_latest_invitation_list_decides_who_gets_the_protocol(
    database: Database,
) -> None:
    await with_members(database)
    lapteva, orlova, sedov = MEMBERS
    await feed(database, use_cases.queue_meeting_invitations, scheduled(), LETTERS)
    fewer = {p: MEMBERS[p] for p in (lapteva, sedov)}
    await feed(database, use_cases.queue_meeting_invitations, scheduled(fewer), LETTERS)
    async with database.sessions() as session:
        invited = set((await session.scalars(sa.select(MeetingInvitee.person_id))).all())
    assert invited == {lapteva, sedov}
    queued = await feed(database, use_cases.queue_document_email, protocol(), LETTERS)
    assert {n.addressee_id for n in queued} == {lapteva, sedov}
    assert orlova not in {n.addressee_id for n in queued}


async def test_a_protocol_of_an_unknown_meeting_is_skipped_with_a_log_line(
    database: Database,
) -> None:
    await with_members(database)
    await feed(database, use_cases.queue_meeting_invitations, scheduled(), LETTERS)
    stranger = UUID("0192f5a0-0000-7000-8000-0000000000ff")
    with capture_logs() as logs:
        queued = await feed(database, use_cases.queue_document_email, protocol(stranger), LETTERS)
    assert queued == []
    [line] = [entry for entry in logs if entry.get("meeting_id") == str(stranger)]
    assert line["event"] == "protocol of a meeting not known here, skipped"
    assert line["log_level"] == "info"
    assert line["document_id"] == str(PROTOCOL)
    async with database.sessions() as session:
        assert (
            await session.scalar(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.cause_id == PROTOCOL)
            )
            == 0
        )
