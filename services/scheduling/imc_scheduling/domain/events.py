"""Events of the methodical network: forms, levels, rules (000 §3.6.3, 003 §4.3, 002 §6.4).

Pure functions, no I/O. Times are timezone-aware; naive input is read in the district's
time zone.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from imc_shared.errors import InvalidInput

EVENT_FORM_TITLES: Final = {
    "permanent_seminar": "постоянно действующий семинар",
    "seminar": "семинар",
    "practicum": "практикум",
    "discussion": "дискуссия",
    "business_game": "деловая игра",
    "individual_consultation": "индивидуальная консультация",
    "group_consultation": "групповая консультация",
    "master_class": "мастер-класс",
    "pedagogical_workshop": "педагогическая мастерская",
    "open_lesson": "открытое занятие",
    "extracurricular": "внеклассное мероприятие",
    "methodical_day": "методический день",
    "methodical_week": "методическая неделя",
    "association_meeting": "заседание методического объединения",
    "creative_report": "творческий отчёт",
    "conference": "конференция",
    "pedagogical_readings": "педагогические чтения",
    "professional_competition": "профессиональный конкурс",
    "internship": "стажировка",
    "student_festival": "фестиваль",
    "student_contest": "конкурс",
    "student_olympiad": "олимпиада",
    "online_master_class": "онлайн мастер-класс",
    "virtual_association": "виртуальное методическое объединение",
    "chat_conference": "чат-конференция",
}
EVENT_LEVEL_TITLES: Final = {
    "school": "школьный",
    "municipal": "муниципальный",
    "intermunicipal": "межмуниципальный",
}
ORGANISER_KIND_TITLES: Final = {
    "site": "методическая площадка",
    "imc": "информационно-методический центр",
    "association": "методическое объединение",
}
AUDIENCE_CATEGORY_TITLES: Final = {
    "teacher": "педагогические работники",
    "young_teacher": "молодые педагоги",
    "administration": "руководители и заместители руководителей",
    "mentor": "наставники",
    "methodist": "методисты",
    "students": "обучающиеся",
}
EVENT_STATUS_TITLES: Final = {"planned": "запланировано", "cancelled": "отменено"}
REGISTRATION_STATUS_TITLES: Final = {
    "confirmed": "участие подтверждено",
    "waitlisted": "в листе ожидания",
    "cancelled": "регистрация отменена",
}
WIRE_REGISTRATION_STATUS: Final = {
    "confirmed": "confirmed",
    "waitlisted": "waiting",
    "cancelled": "cancelled",
}
"""Registration statuses as the contracts spell them (the waiting list is ``waiting``)."""

MAX_OCCURRENCES: Final = 60
SELF_CHECKIN_EARLY: Final = timedelta(minutes=30)


def event_cancelled_reason(reason: str) -> str:
    """What a participant is told when the event is cancelled (Russian)."""
    reason = reason.strip()
    return f"Мероприятие отменено: {reason}" if reason else "Мероприятие отменено"


def aware(value: datetime, zone: ZoneInfo) -> datetime:
    """``value`` in UTC; a naive value is read as local time of the district."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def local_text(value: datetime, zone: ZoneInfo) -> str:
    """«12.03.2027 15:00» in the district's time zone."""
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def period_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """«12.03.2027 15:00–16:30» (the end date is shown when it differs)."""
    s, e = start.astimezone(zone), end.astimezone(zone)
    tail = e.strftime("%H:%M") if s.date() == e.date() else e.strftime("%d.%m.%Y %H:%M")
    return f"{s.strftime('%d.%m.%Y %H:%M')}–{tail}"


@dataclass(frozen=True)
class EventFacts:
    """What the rules need to know of an event's proposed state."""

    title: str
    form: str
    level: str
    organiser_kind: str
    organiser_id: UUID | None
    venue: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    hours: int
    audience_categories: tuple[str, ...] = ()


def validate_event(facts: EventFacts) -> None:
    """Raise :class:`InvalidInput` naming the first field that breaks a rule."""
    if not facts.title.strip():
        raise InvalidInput("Укажите название мероприятия", field="title")
    if len(facts.title) > 300:
        raise InvalidInput("Название мероприятия длиннее 300 символов", field="title")
    if facts.form not in EVENT_FORM_TITLES:
        raise InvalidInput(
            f"Неизвестная форма мероприятия «{facts.form}»; допустимые: "
            + ", ".join(sorted(EVENT_FORM_TITLES)),
            field="form",
        )
    if facts.level not in EVENT_LEVEL_TITLES:
        raise InvalidInput(
            "Уровень мероприятия: school (школьный), municipal (муниципальный) или "
            "intermunicipal (межмуниципальный)",
            field="level",
        )
    if facts.organiser_kind not in ORGANISER_KIND_TITLES:
        raise InvalidInput(
            "Организатор: site (площадка), imc (ИМЦ) или association (методическое объединение)",
            field="organiser_kind",
        )
    if facts.organiser_kind in ("site", "association") and facts.organiser_id is None:
        raise InvalidInput(
            "Укажите площадку или методическое объединение — организатора мероприятия",
            field="organiser_id",
        )
    if not facts.venue.strip() and not facts.online_url.strip():
        raise InvalidInput(
            "Укажите место проведения или ссылку на онлайн-трансляцию", field="venue"
        )
    if facts.online_url and not facts.online_url.startswith(("https://", "http://")):
        raise InvalidInput(
            "Ссылка на онлайн-мероприятие должна начинаться с https://", field="online_url"
        )
    if facts.ends_at <= facts.starts_at:
        raise InvalidInput("Окончание мероприятия должно быть позже начала", field="ends_at")
    if facts.ends_at - facts.starts_at > timedelta(days=31):
        raise InvalidInput(
            "Мероприятие не может длиться больше 31 дня; разбейте его на части",
            field="ends_at",
        )
    if facts.capacity is not None and facts.capacity < 1:
        raise InvalidInput(
            "Число мест должно быть не меньше 1 (или не указано — без ограничения)",
            field="capacity",
        )
    if facts.hours < 0 or facts.hours > 500:
        raise InvalidInput("Число часов должно быть от 0 до 500", field="hours")
    opens, closes = facts.registration_opens_at, facts.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise InvalidInput(
            "Окончание регистрации должно быть позже её начала",
            field="registration_closes_at",
        )
    if closes is not None and closes > facts.ends_at:
        raise InvalidInput(
            "Регистрация не может заканчиваться после окончания мероприятия",
            field="registration_closes_at",
        )
    for category in facts.audience_categories:
        if category not in AUDIENCE_CATEGORY_TITLES:
            raise InvalidInput(
                f"Неизвестная категория участников «{category}»; допустимые: "
                + ", ".join(sorted(AUDIENCE_CATEGORY_TITLES)),
                field="audience_categories",
            )


def normalise_venue(venue: str) -> str:
    """The venue as compared for clashes: case and spacing do not matter."""
    return " ".join(venue.lower().replace("ё", "е").split())


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals overlap (one ending at 15:00 and one starting then do not)."""
    return a_start < b_end and b_start < a_end


def registration_closed_reason(
    *,
    now: datetime,
    starts_at: datetime,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> str | None:
    """Why registration is not possible now, or ``None``."""
    if opens_at is not None and now < opens_at:
        return "Регистрация на мероприятие ещё не открыта"
    if closes_at is not None and now >= closes_at:
        return "Регистрация на мероприятие закрыта"
    if closes_at is None and now >= starts_at:
        return "Мероприятие уже началось; регистрация закрыта"
    return None


def expand_rrule(rule: str, first_start: datetime, zone: ZoneInfo) -> list[datetime]:
    """Starts of a series (UTC) from an RFC 5545 RRULE, expanded in local time.

    The rule needs COUNT or UNTIL, and at most :data:`MAX_OCCURRENCES` occurrences.
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    upper = text.upper()
    if "COUNT=" not in upper and "UNTIL=" not in upper:
        raise InvalidInput(
            "Правило повторения должно ограничивать серию: COUNT= или UNTIL=", field="rrule"
        )
    local_start = first_start.astimezone(zone).replace(tzinfo=None)
    try:
        rule_obj = rrulestr(text, dtstart=local_start, ignoretz=True)
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            f"Неверное правило повторения (RRULE): {error}", field="rrule"
        ) from error
    starts: list[datetime] = []
    for occurrence in rule_obj:
        starts.append(occurrence.replace(tzinfo=zone).astimezone(UTC))
        if len(starts) > MAX_OCCURRENCES:
            raise InvalidInput(
                f"В серии больше {MAX_OCCURRENCES} мероприятий; сократите период",
                field="rrule",
            )
    if not starts:
        raise InvalidInput("Правило повторения не даёт ни одного мероприятия", field="rrule")
    return starts


def _sign(secret: str, purpose: str, value: str) -> str:
    digest = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:24]


def checkin_code(secret: str, registration_id: UUID) -> str:
    """The personal check-in code of a registration (a signed token; its QR code carries
    :func:`checkin_url`)."""
    return f"{registration_id.hex}.{_sign(secret, 'checkin', registration_id.hex)}"


def read_checkin_code(secret: str, code: str) -> UUID | None:
    """The registration a code belongs to, or ``None`` for a forged or garbled code."""
    raw, _, signature = code.strip().partition(".")
    try:
        registration_id = UUID(hex=raw)
    except ValueError:
        return None
    expected = _sign(secret, "checkin", registration_id.hex)
    return registration_id if hmac.compare_digest(expected, signature) else None


def checkin_url(public_url: str, event_id: UUID, code: str) -> str:
    """Where a personal QR code leads: the event's check-in with the participant's code
    (read at the door and sent to ``POST /events/{id}/check-in``); relative when the
    public address is not set."""
    return f"{public_url.rstrip('/')}/events/{event_id}/check-in?code={code}"


def feed_token(secret: str, person_id: UUID) -> str:
    """The private token of a person's calendar feed."""
    return _sign(secret, "feed", person_id.hex)


def feed_token_valid(secret: str, person_id: UUID, token: str) -> bool:
    """Whether ``token`` opens ``person_id``'s feed."""
    return hmac.compare_digest(feed_token(secret, person_id), token)


def self_checkin_refusal(now: datetime, starts_at: datetime, ends_at: datetime) -> str | None:
    """Self check-in opens 30 minutes before the start and closes at the end."""
    if now < starts_at - SELF_CHECKIN_EARLY:
        return "Отметиться можно не раньше чем за 30 минут до начала мероприятия"
    if now > ends_at:
        return "Мероприятие закончилось; отметку о присутствии ставит организатор"
    return None


def quarter_of(day: date) -> str:
    """«2027-Q1»."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class FulfilmentEvent:
    """An event linked to a road-map row, as plan-versus-fact sees it."""

    status: str
    ends_at: datetime
    attended: int


def item_state(deadline: date, events: Iterable[FulfilmentEvent], today: date) -> str:
    """Plan versus fact of one road-map row, computed from its events.

    done: a linked event took place with at least one participant present;
    cancelled: every linked event was cancelled; overdue: the deadline passed without
    that; planned otherwise.
    """
    linked = list(events)
    if any(e.status != "cancelled" and e.attended > 0 for e in linked):
        return "done"
    if linked and all(e.status == "cancelled" for e in linked):
        return "cancelled"
    if deadline < today:
        return "overdue"
    return "planned"


ITEM_STATE_TITLES: Final = {
    "planned": "запланировано",
    "done": "выполнено",
    "cancelled": "отменено",
    "overdue": "просрочено",
}


OUTCOME_TITLES: Final = {
    "in_progress": "стажировка продолжается",
    "completed": "стажировка пройдена",
    "not_completed": "стажировка не пройдена",
}


def internship_outcome(
    *, days_total: int, days_attended: int, days_over: bool, min_percent: int
) -> str:
    """Completed when the share of days attended reaches the programme's minimum."""
    if not days_over:
        return "in_progress"
    if days_total and days_attended * 100 >= min_percent * days_total:
        return "completed"
    return "not_completed"
