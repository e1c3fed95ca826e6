"""Use cases: submit an application, record the council's decision."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

import sqlalchemy as sa

from imc_applications.db.models import Application, ApplicationDocument, Decision
from imc_applications.domain import decisions as rules
from imc_applications.domain.documents import REQUIRED_DOCUMENTS, check_document, check_topic
from imc_applications.services.registry_client import RegistryClient
from imc_contracts import (
    APPLICATION_SUBMITTED,
    DECISION_MADE,
    ApplicationSubmitted,
    DecisionMade,
    Leader,
    SubmittedDocument,
)
from imc_shared.db import Database
from imc_shared.errors import NotFound
from imc_shared.outbox import Outbox
from imc_shared.storage import FileStore


@dataclass(frozen=True)
class Upload:
    """One uploaded file."""

    filename: str
    content: bytes


@dataclass(frozen=True)
class DecisionInput:
    """What the council secretary records."""

    outcome: str
    council_protocol: str
    decided_on: date
    reason: str | None = None
    term_years: int | None = None
    term_start: date | None = None
    leader: rules.Person | None = None
    co_leader: rules.Person | None = None
    order_number: str | None = None
    order_date: date | None = None


async def submit_application(
    *,
    database: Database,
    outbox: Outbox,
    registry: RegistryClient,
    store: FileStore,
    district: str,
    organisation_id: UUID,
    topic: str,
    uploads: dict[str, Upload | None],
    max_bytes: int,
) -> Application:
    """Check the package of 000 §3.2, store it and announce the application."""
    cleaned_topic = check_topic(topic)
    checked: dict[str, tuple[Upload, str]] = {}
    for kind in REQUIRED_DOCUMENTS:
        upload = uploads.get(kind) or Upload(filename="", content=b"")
        checked[kind] = (upload, check_document(kind, upload.filename, upload.content, max_bytes))
    organisation = await registry.organisation(organisation_id)
    async with database.transaction() as session:
        application = Application(
            district=district,
            organisation_id=organisation.id,
            organisation_full_name=organisation.full_name,
            organisation_short_name=organisation.short_name,
            site_kind="osmp",
            topic=cleaned_topic,
        )
        session.add(application)
        await session.flush()
        refs = []
        for kind, (upload, content_type) in checked.items():
            key, digest = store.put(upload.content)
            session.add(
                ApplicationDocument(
                    application_id=application.id,
                    kind=kind,
                    filename=upload.filename,
                    content_type=content_type,
                    size=len(upload.content),
                    sha256=digest,
                    storage_key=key,
                )
            )
            refs.append(
                SubmittedDocument(
                    kind=kind,  # type: ignore[arg-type]
                    filename=upload.filename,
                    content_type=content_type,
                    size=len(upload.content),
                    sha256=digest,
                )
            )
        await outbox.put(
            session,
            APPLICATION_SUBMITTED,
            ApplicationSubmitted(
                application_id=application.id,
                organisation_id=application.organisation_id,
                organisation_short_name=application.organisation_short_name,
                site_kind="osmp",
                topic=application.topic,
                documents=tuple(refs),
            ),
        )
    return await get_application(
        database=database, district=district, application_id=application.id
    )


async def record_decision(
    *,
    database: Database,
    outbox: Outbox,
    district: str,
    application_id: UUID,
    data: DecisionInput,
) -> Application:
    """Record the council's decision and announce it (000 §3.1, §3.3)."""
    protocol = rules.check_protocol(data.council_protocol)
    async with database.transaction() as session:
        application = await session.get(Application, application_id, with_for_update=True)
        if application is None or application.district != district:
            raise NotFound("Заявка не найдена", field="application_id")
        rules.check_application_open(application.status)
        decision = Decision(
            application_id=application.id,
            outcome=data.outcome,
            decided_on=data.decided_on,
            council_protocol=protocol,
        )
        if data.outcome == "assigned":
            assignment = rules.check_assignment(
                term_years=data.term_years,
                term_start=data.term_start,
                leader=data.leader,
                co_leader=data.co_leader,
                order_number=data.order_number,
                order_date=data.order_date,
                decided_on=data.decided_on,
            )
            decision.term_years = assignment.term_years
            decision.term_start = assignment.term_start
            decision.term_end = assignment.term_end
            decision.leader_name = assignment.leader.full_name
            decision.leader_position = assignment.leader.position
            decision.co_leader_name = assignment.co_leader.full_name
            decision.co_leader_position = assignment.co_leader.position
            decision.order_number = assignment.order_number
            decision.order_date = assignment.order_date
            application.status = "assigned"
        else:
            decision.reason = rules.check_refusal(data.reason)
            application.status = "refused"
        session.add(decision)
        await session.flush()
        await outbox.put(session, DECISION_MADE, decision_message(application, decision))
    return await get_application(
        database=database, district=district, application_id=application_id
    )


def decision_message(application: Application, decision: Decision) -> DecisionMade:
    """The message announcing ``decision``."""
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
        site_kind="osmp",
        topic=application.topic,
        outcome=decision.outcome,  # type: ignore[arg-type]
        decided_on=decision.decided_on,
        council_protocol=decision.council_protocol,
        reason=decision.reason,
        term_years=decision.term_years,
        term_start=decision.term_start,
        term_end=decision.term_end,
        leader=leader,
        co_leader=co_leader,
        order_number=decision.order_number,
        order_date=decision.order_date,
    )


async def get_application(
    *, database: Database, district: str, application_id: UUID
) -> Application:
    """One application of ``district`` with its documents and decision."""
    async with database.sessions() as session:
        application = await session.get(Application, application_id)
        if application is None or application.district != district:
            raise NotFound("Заявка не найдена", field="application_id")
        return application


async def list_applications(*, database: Database, district: str) -> list[Application]:
    """Applications of ``district``, newest first."""
    async with database.sessions() as session:
        rows = await session.scalars(
            sa.select(Application)
            .where(Application.district == district)
            .order_by(Application.submitted_at.desc())
        )
        return list(rows.all())
