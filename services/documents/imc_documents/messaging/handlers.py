"""What the documents service does with the messages it consumes.

- ``applications.order.issued`` → the order (assignment, extension or termination);
- ``applications.decision.made`` → the refusal letter when the council refused
  (an assignment's order waits for its ``order.issued``);
- ``applications.meeting.held`` → the council protocol and one extract per agenda item;
- ``scheduling.attendance.recorded`` → the participant's certificate of participation
  (revoked when they are later marked absent).
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from imc_contracts import (
    ATTENDANCE_RECORDED,
    COUNCIL_MEETING_HELD,
    DECISION_MADE,
    ORDER_ISSUED,
    Envelope,
)
from imc_documents.services.attendance import CertificateIssuer
from imc_documents.services.generation import DocumentWriter
from imc_shared.consumer import Consumers, Delivery
from imc_shared.outbox import Outbox


def subscribe(
    consumers: Consumers,
    *,
    outbox: Outbox,
    writer: DocumentWriter,
    certificates: CertificateIssuer,
) -> None:
    """Register the documents subscribers."""

    async def on_order_issued(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await writer.issue_order(session, outbox, envelope)

    async def on_decision_made(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await writer.refusal_letter(session, outbox, envelope)

    async def on_meeting_held(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await writer.council_papers(session, outbox, envelope)

    consumers.subscribe(ORDER_ISSUED, on_order_issued)
    consumers.subscribe(DECISION_MADE, on_decision_made)
    consumers.subscribe(COUNCIL_MEETING_HELD, on_meeting_held)

    async def on_attendance(session: AsyncSession, envelope: Envelope[Any], _: Delivery) -> None:
        await certificates.record(session, outbox, envelope)

    consumers.subscribe(ATTENDANCE_RECORDED, on_attendance)
