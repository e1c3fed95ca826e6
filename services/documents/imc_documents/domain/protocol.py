"""The protocol of a methodical council meeting and the extracts from it (000 §3.1,
001 §4.7): ПРОТОКОЛ № … with ПОВЕСТКА ДНЯ and, per item, СЛУШАЛИ / ГОЛОСОВАЛИ / РЕШИЛИ."""

from __future__ import annotations

from typing import Any

from imc_contracts import AgendaItemResult, CouncilMeetingHeld
from imc_documents.domain.common import NO_ORGANISATION, DocumentSpec, Letterhead, clip
from imc_documents.domain.russian import (
    format_date_numeric,
    format_date_official,
    initials_surname,
    plural_ru,
)

PROTOCOL_TEMPLATE = "council_protocol.docx"
EXTRACT_TEMPLATE = "council_extract.docx"


def members_phrase(present: int, total: int) -> str:
    """«5 из 7 членов методического совета» (the genitive follows «из»)."""
    member = plural_ru(total, ("члена", "членов", "членов"))
    return f"{present} из {total} {member} методического совета"


def item_context(item: AgendaItemResult) -> dict[str, Any]:
    """One agenda item as the protocol writes it."""
    decision = item.decision_text.strip()
    return {
        "number": item.number,
        "title": item.title.strip(),
        "speaker": item.speaker.strip(),
        "votes_for": item.tally.votes_for,
        "votes_against": item.tally.votes_against,
        "abstained": item.tally.abstained,
        "adopted": item.adopted,
        "decision_text": decision,
    }


def meeting_context(meeting: CouncilMeetingHeld, letterhead: Letterhead) -> dict[str, Any]:
    """The variables every council document shares (header, attendance, signatures)."""
    return {
        "authority": letterhead.authority,
        "protocol_number": meeting.protocol_number,
        "held_on_official": format_date_official(meeting.held_on),
        "held_on_numeric": format_date_numeric(meeting.held_on),
        "place": meeting.place or letterhead.place,
        "chair": meeting.chair,
        "chair_initials": initials_surname(meeting.chair),
        "secretary": meeting.secretary,
        "secretary_initials": initials_surname(meeting.secretary),
        "members_phrase": members_phrase(len(meeting.members_present), meeting.members_total),
        "members_present": ", ".join(meeting.members_present),
        "quorum": meeting.quorum,
    }


def protocol_document(meeting: CouncilMeetingHeld, letterhead: Letterhead) -> DocumentSpec:
    """The protocol of the meeting (one per ``meeting_id``)."""
    context = meeting_context(meeting, letterhead)
    context["items"] = [item_context(i) for i in sorted(meeting.items, key=lambda i: i.number)]
    return DocumentSpec(
        kind="council_protocol",
        subject_id=meeting.meeting_id,
        organisation_id=NO_ORGANISATION,
        template=PROTOCOL_TEMPLATE,
        title=f"Протокол № {meeting.protocol_number} заседания методического совета "
        f"от {context['held_on_numeric']}",
        number=meeting.protocol_number,
        dated=meeting.held_on,
        context=context,
    )


def extract_document(
    meeting: CouncilMeetingHeld, item: AgendaItemResult, letterhead: Letterhead
) -> DocumentSpec:
    """The extract of one agenda item (one per ``item_id``), addressed to its school."""
    context = meeting_context(meeting, letterhead)
    context["item"] = item_context(item)
    return DocumentSpec(
        kind="council_extract",
        subject_id=item.item_id,
        organisation_id=item.organisation_id or NO_ORGANISATION,
        template=EXTRACT_TEMPLATE,
        title=clip(
            f"Выписка из протокола № {meeting.protocol_number} от "
            f"{context['held_on_numeric']}: {item.title.strip()}"
        ),
        number=meeting.protocol_number,
        dated=meeting.held_on,
        context=context,
    )
