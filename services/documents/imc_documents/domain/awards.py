"""Papers issued to people: the certificate of participation (сертификат участника),
the internship statement (справка о прохождении стажировки) and the letter of thanks
(благодарственное письмо).

Certificates and statements carry a short verification number and a QR code leading
to the public verification page; the letterhead comes from the settings.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any

import msgspec

from imc_documents.domain.common import Letterhead
from imc_documents.domain.russian import (
    format_date_official,
    genitive_phrase,
    initials_surname,
    plural_ru,
    upper_first,
)

CERTIFICATE_TEMPLATE = "certificate.docx"
STATEMENT_TEMPLATE = "internship_statement.docx"
THANKS_TEMPLATE = "letter_of_thanks.docx"

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_verification_number() -> str:
    """A short random number like ``7KQ2-M9XD`` (40 bits, easy to read aloud and type)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


_NUMBER = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$")


def normalise_number(number: str) -> str:
    """Accept lower case, missing dash and the look-alikes O/I/L; ``""`` if not a number."""
    text = number.strip().upper().replace("O", "0").replace("I", "1").replace("L", "1")
    text = text.replace("-", "").replace(" ", "")
    if len(text) == 8:
        text = f"{text[:4]}-{text[4:]}"
    return text if _NUMBER.match(text) else ""


def hours_phrase(hours: int) -> str:
    """«6 часов», «2 часа», «1 час»."""
    return f"{hours} {plural_ru(hours, ('час', 'часа', 'часов'))}"


def _period(start: date, end: date | None) -> str:
    if end is None or end == start:
        return format_date_official(start)
    return f"с {format_date_official(start)} по {format_date_official(end)}"


class CertificateData(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a certificate of participation states."""

    participant_name: str
    event_title: str
    event_date: date
    participant_position: str = ""
    participant_organisation: str = ""
    event_form: str = ""
    """E.g. «муниципальный семинар» (nominative; the certificate puts it in the genitive)."""
    event_end_date: date | None = None
    hours: int | None = None
    issued_on: date | None = None
    """Date of the certificate; the event's (last) day when empty."""


class StatementData(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What an internship statement states."""

    participant_name: str
    participant_position: str
    participant_organisation: str
    site_name: str
    """The organisation hosting the internship, e.g. «МБОУ «СОШ № 7»»."""
    program_title: str
    start_date: date
    end_date: date
    hours: int
    issued_on: date | None = None


class ThanksData(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a letter of thanks says."""

    recipient_name: str
    """Full name, e.g. «Кузнецова Мария Ивановна»."""
    addressee: str
    """How the letter addresses the person: «Уважаемая Мария Ивановна!»."""
    reason: str
    """What for, after «за»: «активное участие в работе муниципальной площадки…»."""
    recipient_position: str = ""
    recipient_organisation: str = ""
    issued_on: date


def _common(letterhead: Letterhead, issued_on: date) -> dict[str, Any]:
    return {
        "authority": letterhead.authority,
        "district_name": letterhead.district_name,
        "place": letterhead.place,
        "issue_date_official": format_date_official(issued_on),
        "signatory_position": upper_first(letterhead.signatory_position),
        "signatory_initials": initials_surname(letterhead.signatory_name),
    }


def certificate_context(
    data: CertificateData, letterhead: Letterhead, *, number: str, verify_url: str
) -> dict[str, Any]:
    """The variables of the certificate template (the QR image ``qr`` is added on render)."""
    issued_on = data.issued_on or data.event_end_date or data.event_date
    form = data.event_form.strip()
    return {
        **_common(letterhead, issued_on),
        "number": number,
        "verify_url": verify_url,
        "participant_name": data.participant_name.strip(),
        "participant_position": data.participant_position.strip(),
        "participant_organisation": data.participant_organisation.strip(),
        "event_form_genitive": genitive_phrase(form) if form else "мероприятия",
        "event_title": data.event_title.strip(),
        "event_period": _period(data.event_date, data.event_end_date),
        "hours_phrase": hours_phrase(data.hours) if data.hours else "",
    }


def statement_context(
    data: StatementData, letterhead: Letterhead, *, number: str, verify_url: str
) -> dict[str, Any]:
    """The variables of the internship statement (``qr`` is added on render)."""
    return {
        **_common(letterhead, data.issued_on or data.end_date),
        "number": number,
        "verify_url": verify_url,
        "participant_name": data.participant_name.strip(),
        "participant_position": data.participant_position.strip(),
        "participant_organisation": data.participant_organisation.strip(),
        "site_name": data.site_name.strip(),
        "program_title": data.program_title.strip(),
        "period": _period(data.start_date, data.end_date),
        "hours_phrase": hours_phrase(data.hours),
    }


def thanks_context(data: ThanksData, letterhead: Letterhead, *, number: str) -> dict[str, Any]:
    """The variables of the letter of thanks."""
    reason = data.reason.strip()
    return {
        **_common(letterhead, data.issued_on),
        "number": number,
        "recipient_name": data.recipient_name.strip(),
        "recipient_position": data.recipient_position.strip(),
        "recipient_organisation": data.recipient_organisation.strip(),
        "addressee": data.addressee.strip(),
        "reason": reason if reason.endswith((".", "!")) else reason + ".",
    }
