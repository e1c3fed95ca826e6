"""The personal QR code a participant shows at the door for self check-in."""

import io
from uuid import UUID

import segno

from imc_scheduling.db.models import Registration
from imc_scheduling.domain.events import checkin_code, checkin_url, read_checkin_code
from imc_shared.db import Database
from imc_shared.errors import Conflict, NotFound

SVG = "image/svg+xml"


def qr_svg(data: str) -> bytes:
    """An SVG QR code of ``data`` (error correction M)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="svg", scale=4)
    return buffer.getvalue()


async def checkin_qr(
    *,
    database: Database,
    secret: str,
    public_url: str,
    event_id: UUID,
    registration_id: UUID,
    token: str,
) -> bytes:
    """The QR code of a registration's check-in address, only for the holder of the
    registration's own code (``token``): nobody else can print someone's QR code."""
    if read_checkin_code(secret, token) != registration_id:
        raise NotFound(
            "QR-код не найден: откройте его по ссылке из своей регистрации", field="token"
        )
    async with database.sessions() as session:
        registration = await session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id:
        raise NotFound("Регистрация на это мероприятие не найдена", field="registration_id")
    if registration.status == "cancelled":
        raise Conflict(
            "Регистрация отменена; QR-код для отметки о присутствии недействителен",
            field="registration_id",
        )
    code = checkin_code(secret, registration_id)
    return qr_svg(checkin_url(public_url, event_id, code))
