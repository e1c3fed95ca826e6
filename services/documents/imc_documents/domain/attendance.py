"""Certificates of participation from the organiser's attendance marks: which mark counts
and what the certificate states."""

from __future__ import annotations

from imc_contracts import AttendanceRecorded
from imc_documents.domain.awards import CertificateData

REVOKED_FOR_ABSENCE = "Участник отмечен как не присутствовавший на мероприятии"
"""The revocation reason of a certificate whose participant was later marked absent; a
certificate revoked for this reason is restored when they are marked present again."""


def is_newer(version: int, known: int | None) -> bool:
    """Whether a mark of ``version`` changes what is known (``None``: nothing yet); a
    repeated or older mark changes nothing."""
    return known is None or version > known


def source_key(registration_id: object) -> str:
    """The source key of the certificate of one registration."""
    return f"registration:{registration_id}"


def certificate_data(mark: AttendanceRecorded) -> CertificateData:
    """What the certificate of an attended registration states; dated the event's last day."""
    return CertificateData(
        participant_name=mark.full_name,
        participant_organisation=mark.organisation_short_name,
        event_title=mark.event_title,
        event_form=mark.form_title,
        event_date=mark.starts_at.date(),
        event_end_date=mark.ends_at.date(),
        hours=mark.hours if mark.hours > 0 else None,
        issued_on=mark.ends_at.date(),
    )
