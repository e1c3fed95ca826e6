"""Russian texts of the notifications, one function per message that calls for an email."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final
from uuid import UUID
from zoneinfo import ZoneInfo

from imc_contracts import (
    ApplicationReturned,
    ApplicationSubmitted,
    CouncilMeetingScheduled,
    DecisionMade,
    DocumentGenerated,
    EventReminder,
    LinkAlert,
    RegistrationChanged,
    ReportDue,
    RoadmapItemOverdue,
    SiteExpired,
    SiteExpiring,
)
from imc_contracts.messages import SurveyOpened, TutorAppointed
from imc_contracts.site_kinds import rules_of
from imc_contracts.vocabulary import SITE_KIND_TITLES

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

_FOOTER = "Это письмо отправлено автоматически; отвечать на него не нужно.\n"


@dataclass(frozen=True)
class Text:
    """Subject and plain-text body of one email."""

    subject: str
    body: str


def format_date(d: date) -> str:
    """A date as official letters write it: «15» октября 2026 г."""
    return f"«{d.day:02d}» {MONTHS_GENITIVE[d.month - 1]} {d.year} г."


def plural_ru(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian plural form for ``n`` (forms for 1, 2 and 5)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def days_phrase(n: int) -> str:
    """«1 день», «3 дня», «7 дней»."""
    return f"{n} {plural_ru(n, ('день', 'дня', 'дней'))}"


def months_phrase(n: int) -> str:
    """«1 месяц», «3 месяца», «12 месяцев»."""
    return f"{n} {plural_ru(n, ('месяц', 'месяца', 'месяцев'))}"


def kind_title(kind: str) -> str:
    """The official title of a site kind (the code itself if it is unknown)."""
    return SITE_KIND_TITLES.get(kind, kind)


def _letter(lines: list[str], sender: str, portal_url: str) -> str:
    body = "Здравствуйте!\n\n" + "\n".join(lines).rstrip() + "\n\n"
    if portal_url:
        body += f"Подробности — на портале: {portal_url}\n\n"
    return body + f"С уважением,\n{sender}\n\n{_FOOTER}"


# --- documents -------------------------------------------------------------------

SENT_KINDS = frozenset(
    {
        "order_site_status",
        "order_site_extension",
        "order_site_termination",
        "refusal_letter",
        "council_extract",
    }
)
"""Documents mailed to the organisation they concern (a protocol goes to the council's
members invited to its meeting, see :func:`council_protocol`)."""


def attachment_name(document: DocumentGenerated) -> str:
    """The PDF's file name in the email, e.g. «Приказ № 45-од.pdf»."""
    if document.kind == "certificate":
        return f"Сертификат участника № {document.number}.pdf"
    if document.kind == "internship_statement":
        return f"Справка о прохождении стажировки № {document.number}.pdf"
    if document.kind.startswith("order_"):
        return f"Приказ № {document.number}.pdf"
    if document.kind == "refusal_letter":
        return "Письмо об отказе в присвоении статуса.pdf"
    if document.kind == "council_extract":
        return f"Выписка из протокола № {document.number}.pdf"
    return f"Протокол № {document.number}.pdf"


def document_generated(
    document: DocumentGenerated, *, organisation: str, portal_url: str, sender: str
) -> Text:
    """The email that brings a new document (order, letter, extract) to its school."""
    if document.kind.startswith("order_"):
        subject = f"Приказ № {document.number}: {document.title}"
        lines = [
            f"По решению методического совета издан приказ № {document.number} "
            f"«{document.title}» в отношении {organisation}.",
            "Приказ прилагается к письму в формате PDF.",
        ]
    elif document.kind == "refusal_letter":
        subject = f"Письмо: {document.title}"
        lines = [
            f"Направляем письмо «{document.title}» по заявке {organisation}.",
            "Письмо прилагается в формате PDF.",
        ]
    else:
        subject = f"Выписка из протокола № {document.number} заседания методического совета"
        lines = [
            f"Направляем выписку из протокола № {document.number} заседания "
            f"методического совета в отношении {organisation}: {document.title}.",
            "Выписка прилагается в формате PDF.",
        ]
    return Text(subject=subject, body=_letter(lines, sender, portal_url))


def certificate_issued(
    document: DocumentGenerated,
    *,
    event_title: str,
    form_title: str,
    portal_url: str,
    sender: str,
) -> Text:
    """The email that brings a participant their certificate of participation."""
    event = f"{form_title} «{event_title}»" if form_title.strip() else f"«{event_title}»"
    lines = [
        f"Благодарим вас за участие в мероприятии: {event}.",
        f"Направляем сертификат участника № {document.number}; он прилагается к письму "
        "в формате PDF.",
        "",
        "Подлинность сертификата можно проверить по QR-коду на нём или по его номеру "
        "на странице проверки документов.",
    ]
    return Text(
        subject=f"Сертификат участника: «{event_title}»",
        body=_letter(lines, sender, portal_url),
    )


# --- applications ----------------------------------------------------------------


def application_returned(returned: ApplicationReturned, *, portal_url: str, sender: str) -> Text:
    """The email telling a school what to add to its returned application."""
    kind = kind_title(returned.site_kind)
    lines = [
        f"Заявка {returned.organisation_short_name} на присвоение статуса «{kind}» "
        f"по теме «{returned.topic}» {format_date(returned.returned_on)} возвращена "
        "на доработку.",
        "",
        "Что нужно дополнить или исправить:",
        returned.comment.strip(),
        "",
        "Внесите изменения и направьте заявку повторно через портал.",
    ]
    return Text(
        subject=f"Заявка возвращена на доработку: {kind}",
        body=_letter(lines, sender, portal_url),
    )


def application_submitted(submitted: ApplicationSubmitted, *, portal_url: str, sender: str) -> Text:
    """The email telling the centre's coordinators that an application arrived."""
    kind = kind_title(submitted.site_kind)
    count = len(submitted.documents)
    lines = [
        f"Поступила заявка {submitted.organisation_short_name} на присвоение статуса "
        f"«{kind}» по теме «{submitted.topic}» "
        f"({count} {plural_ru(count, ('документ', 'документа', 'документов'))}).",
        "",
        "Проверьте комплектность заявки и включите её в повестку заседания методического "
        "совета либо верните на доработку.",
    ]
    return Text(
        subject=f"Новая заявка: {submitted.organisation_short_name}, «{kind}»",
        body=_letter(lines, sender, portal_url),
    )


def decision_made(decision: DecisionMade, *, portal_url: str, sender: str) -> Text:
    """The email telling a school what the council decided on its application."""
    kind = kind_title(decision.site_kind)
    heard = (
        f"Методический совет {format_date(decision.decided_on)} "
        f"({decision.council_protocol}) рассмотрел заявку {decision.organisation_short_name} "
        f"на присвоение статуса «{kind}» по теме «{decision.topic}»."
    )
    if decision.outcome == "assigned":
        lines = [heard, "", "Принято решение присвоить статус."]
        if decision.term_start and decision.term_end:
            lines.append(
                f"Срок деятельности: с {format_date(decision.term_start)} "
                f"по {format_date(decision.term_end)}"
            )
        lines += [
            "",
            "Приказ о присвоении статуса будет издан в ближайшее время и направлен вам "
            "отдельным письмом.",
        ]
        subject = f"Решение методического совета: статус присвоен ({kind})"
    else:
        lines = [heard, "", "Принято решение отказать в присвоении статуса."]
        if decision.reason:
            lines.append(f"Причина: {decision.reason.strip()}")
        lines += [
            "",
            "Официальное письмо об отказе будет направлено отдельно. После устранения "
            "причин отказа организация вправе подать заявку повторно.",
        ]
        subject = f"Решение методического совета: в присвоении статуса отказано ({kind})"
    return Text(subject=subject, body=_letter(lines, sender, portal_url))


def _extension_hint(kind: str) -> str:
    rules = rules_of(kind)
    if rules.extension_max_months:
        return (
            "Если работу площадки предполагается продолжить, до окончания срока направьте "
            "в методический совет материалы для продления: срок может быть продлён не более "
            f"чем на {months_phrase(rules.extension_max_months)} ({rules.extension_citation})."
        )
    return (
        f"Продление срока не предусмотрено ({rules.extension_citation}); по окончании срока "
        "статус прекращается. Чтобы продолжить работу, организация может подать новую заявку."
    )


def site_expiring(site: SiteExpiring, *, portal_url: str, sender: str) -> Text:
    """The warning 30 and 7 days before a site's term ends."""
    kind = kind_title(site.site_kind)
    when = f"через {days_phrase(site.days_left)}" if site.days_left > 0 else "сегодня"
    lines = [
        f"Срок деятельности площадки «{kind}» на базе {site.organisation_short_name} "
        f"по теме «{site.topic}» заканчивается {format_date(site.term_end)} ({when}).",
        "",
        _extension_hint(site.site_kind),
        "Не забудьте подготовить итоговый отчёт о результатах деятельности площадки.",
    ]
    return Text(
        subject=f"Срок деятельности площадки заканчивается {format_date(site.term_end)} ({when})",
        body=_letter(lines, sender, portal_url),
    )


def site_expired(site: SiteExpired, *, portal_url: str, sender: str) -> Text:
    """The notice that a site's term ended with no extension and its status lapsed."""
    kind = kind_title(site.site_kind)
    lines = [
        f"Срок деятельности площадки «{kind}» на базе {site.organisation_short_name} "
        f"закончился {format_date(site.term_end)}; решение о продлении не принималось.",
        f"С {format_date(site.expired_on)} статус площадки прекращён.",
        "",
        "Итоговый отчёт о результатах деятельности площадки представляется в методический "
        "совет. Чтобы продолжить работу, организация может подать новую заявку.",
    ]
    return Text(subject=f"Срок статуса истёк: {kind}", body=_letter(lines, sender, portal_url))


def _left(days: int) -> str:
    verb = "остался" if plural_ru(days, ("1", "2", "5")) == "1" else "осталось"
    return f"{verb} {days_phrase(days)}"


def report_due(report: ReportDue, *, portal_url: str, sender: str) -> Text:
    """The reminder of a report that is due soon, today, or overdue."""
    due = format_date(report.due_on)
    if report.days_left < 0:
        late = days_phrase(-report.days_left)
        subject = f"Просрочен отчёт «{report.title}»"
        first = (
            f"Отчёт «{report.title}» площадки на базе {report.organisation_short_name} "
            f"не представлен: срок истёк {due} (просрочка — {late})."
        )
        ask = "Просим представить отчёт как можно скорее."
    elif report.days_left == 0:
        subject = f"Сегодня срок сдачи отчёта «{report.title}»"
        first = (
            f"Сегодня, {due}, истекает срок представления отчёта «{report.title}» "
            f"площадки на базе {report.organisation_short_name}."
        )
        ask = "Просим представить отчёт сегодня."
    else:
        subject = f"Срок сдачи отчёта «{report.title}»: {due}"
        first = (
            f"Отчёт «{report.title}» площадки на базе {report.organisation_short_name} "
            f"нужно представить до {due} ({_left(report.days_left)})."
        )
        ask = "Отчёт загружается на портале в разделе площадки."
    return Text(subject=subject, body=_letter([first, "", ask], sender, portal_url))


def short_date(d: date) -> str:
    """A date as dd.mm.yyyy."""
    return f"{d:%d.%m.%Y}"


def roadmap_item_overdue(item: RoadmapItemOverdue, *, portal_url: str, sender: str) -> Text:
    """The alert that a row of a site's road map passed its deadline unfulfilled."""
    late = days_phrase(item.days_overdue)
    responsible = item.responsible_name.strip() or "не указан"
    lines = [
        f"Не выполнен в срок пункт дорожной карты площадки на базе "
        f"{item.organisation_short_name}: «{item.title}».",
        f"Срок выполнения: {short_date(item.deadline)} (просрочка — {late}).",
        f"Ответственный: {responsible}.",
        "",
        "Просим провести мероприятие и отметить выполнение пункта на портале либо "
        "согласовать с куратором перенос срока.",
    ]
    return Text(
        subject=f"Просрочен пункт дорожной карты: «{item.title}» ({item.organisation_short_name})",
        body=_letter(lines, sender, portal_url),
    )


def link_alert(alert: LinkAlert, *, zone: ZoneInfo, portal_url: str, sender: str) -> Text:
    """At the centre: a district's link is down past the threshold, or back."""
    since = (
        f"{alert.down_since.astimezone(zone):%d.%m.%Y %H:%M} (время местное)"
        if alert.down_since
        else "неизвестного времени"
    )
    if alert.raised:
        lines = [
            f"Нет связи с округом: {alert.district_name}. Последние сведения от округа "
            f"отправлены {since}.",
            "",
            "Округ продолжает работать; его изменения дойдут до центра, когда связь "
            "восстановится. Сводные данные центра по округу до этого времени неполные.",
        ]
        subject = f"Нет связи с округом: {alert.district_name}"
    else:
        lines = [
            f"Связь с округом восстановлена: {alert.district_name}. Изменения, накопленные "
            "за время без связи, передаются в центр.",
        ]
        subject = f"Связь с округом восстановлена: {alert.district_name}"
    return Text(subject=subject, body=_letter(lines, sender, portal_url))


def backoff_seconds(attempt: int) -> float:
    """Wait before the next delivery attempt: 5 s, 10 s, 20 s … up to 10 minutes."""
    return float(min(5 * 2 ** max(attempt - 1, 0), 600))


def event_reminder(reminder: EventReminder, *, portal_url: str, sender: str) -> Text:
    """The reminder of an event the person registered for (a day before)."""
    return Text(
        subject=f"Напоминание: {reminder.form_title} «{reminder.title}»",
        body=_letter([reminder.text], sender, portal_url),
    )


# --- registrations and the council ------------------------------------------------


def event_period(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    """«10.12.2026, 14:00–17:00 (время местное)»; over several days, both dates."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        period = f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M}"
    else:
        period = f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"
    return period + " (время местное)"


def _event_facts(change: RegistrationChanged, zone: ZoneInfo) -> list[str]:
    lines = [f"Дата и время: {event_period(change.starts_at, change.ends_at, zone)}."]
    if change.venue.strip():
        lines.append(f"Место проведения: {change.venue.strip()}.")
    if change.online_url.strip():
        lines.append(f"Ссылка для подключения: {change.online_url.strip()}")
    return lines


CANCELLED_BY: Final = {
    "school": "Запись отменена представителем образовательной организации",
    "organiser": "Запись отменена организатором",
}
"""Who cancelled a registration, as the teacher is told (a name follows in brackets)."""


def cancelled_by_text(cancelled_by: str, name: str) -> str:
    """«Запись отменена вами.», «… представителем образовательной организации (ФИО).»,
    «… организатором (ФИО).»; empty when it is not known who cancelled."""
    if cancelled_by == "self":
        return "Запись отменена вами."
    who = CANCELLED_BY.get(cancelled_by)
    if who is None:
        return ""
    return f"{who} ({name.strip()})." if name.strip() else f"{who}."


def registration_changed(
    change: RegistrationChanged, *, zone: ZoneInfo, portal_url: str, sender: str
) -> Text:
    """The email telling a teacher what became of their registration for an event."""
    form = change.form_title.strip()
    event = f"{form} «{change.event_title}»" if form else f"«{change.event_title}»"
    if change.status == "confirmed" and change.previous_status == "waiting":
        subject = f"Освободилось место: {event}"
        first = [
            f"На мероприятии {event} освободилось место: вы переведены из листа ожидания "
            "в число участников. Место за вами, ваше участие подтверждено."
        ]
    elif change.status == "confirmed":
        subject = f"Регистрация подтверждена: {event}"
        first = [f"Ваша регистрация на мероприятие {event} подтверждена."]
    elif change.status == "waiting":
        place = f"ваше место в очереди — {change.queue_number}" if change.queue_number else ""
        subject = f"Лист ожидания: {event}"
        first = [
            f"Свободных мест на мероприятии {event} нет: вы включены в лист ожидания"
            + (f", {place}." if place else "."),
            "Если место освободится, вы получите уведомление.",
        ]
    else:
        reason = change.reason.strip()
        cancelled = reason.startswith("Мероприятие отменено")
        subject = f"{'Мероприятие отменено' if cancelled else 'Регистрация отменена'}: {event}"
        first = [f"Ваша регистрация на мероприятие {event} отменена."]
        who = cancelled_by_text(change.cancelled_by, change.cancelled_by_name)
        if who:
            first.append(who)
        if reason:
            first.append(f"Причина: {reason.rstrip('.')}.")
    lines = [*first, "", *_event_facts(change, zone)]
    return Text(subject=subject, body=_letter(lines, sender, portal_url))


def council_meeting_scheduled(
    meeting: CouncilMeetingScheduled, *, portal_url: str, sender: str
) -> Text:
    """The invitation of a council member to a meeting of the methodical council."""
    when = short_date(meeting.held_on)
    lines = [
        f"Заседание методического совета (протокол № {meeting.protocol_number}) "
        f"состоится {when}, место проведения: {meeting.place.strip()}.",
        "",
        "Повестка заседания и материалы к рассматриваемым вопросам размещаются на портале.",
    ]
    return Text(
        subject=f"Заседание методического совета {when}",
        body=_letter(lines, sender, portal_url),
    )


def council_protocol(
    document: DocumentGenerated, *, held_on: date, portal_url: str, sender: str
) -> Text:
    """The email that brings the protocol of a council meeting to the meeting's members."""
    when = short_date(held_on)
    lines = [
        f"Направляем протокол № {document.number} заседания методического совета от {when}.",
        "Протокол прилагается к письму в формате PDF.",
    ]
    return Text(
        subject=f"Протокол заседания методического совета № {document.number} от {when}",
        body=_letter(lines, sender, portal_url),
    )


# --- professional growth ----------------------------------------------------------


def survey_path(survey_id: UUID) -> str:
    """The portal's page of a survey, where a teacher answers it."""
    return f"/growth/surveys/{survey_id}"


def portal_link(portal_url: str, path: str) -> str:
    """An absolute link to a page of the portal; empty when the portal's address is not
    known."""
    return portal_url.rstrip("/") + path if portal_url.strip() else ""


def survey_opened(survey: SurveyOpened, *, portal_url: str, sender: str) -> Text:
    """The request to a teacher to answer a survey of professional and information needs."""
    title = survey.title.strip()
    year = survey.school_year.strip()
    lines = [
        "Проводится мониторинг профессиональных и информационных потребностей "
        "педагогических работников" + (f" на {year} учебный год." if year else "."),
        f"Просим вас ответить на вопросы анкеты «{title}» на портале. Ваши ответы помогут "
        "спланировать курсы повышения квалификации, семинары и методическую помощь "
        "с учётом ваших затруднений.",
    ]
    if survey.closes_on is not None:
        # «… 2026 г.»: the date's own full stop ends the sentence.
        lines.append(f"Срок заполнения анкеты — до {format_date(survey.closes_on)}")
    link = portal_link(portal_url, survey_path(survey.survey_id))
    lines += ["", f"Заполнить анкету: {link}" if link else "Анкета размещена на портале."]
    subject = f"Просим заполнить анкету «{title}»"
    if survey.closes_on is not None:
        subject += f" до {short_date(survey.closes_on)}"
    # The letter links the survey itself: no separate line about the portal.
    return Text(subject=subject, body=_letter(lines, sender, ""))


@dataclass(frozen=True)
class TutorRole:
    """The Russian word for who accompanies teachers, in the cases the letters need."""

    nominative: str
    dative: str
    instrumental: str


TUTOR_ROLES: Final = {
    "tutor": TutorRole(
        nominative="педагог-тьютор", dative="педагогу-тьютору", instrumental="педагогом-тьютором"
    ),
    "mentor": TutorRole(nominative="наставник", dative="наставнику", instrumental="наставником"),
}
"""A tutor (педагог-тьютор) and a mentor (наставник), by the message's ``kind``."""


def tutor_role(kind: str) -> TutorRole:
    """The words for ``kind`` (a tutor's for an unknown one)."""
    return TUTOR_ROLES.get(kind, TUTOR_ROLES["tutor"])


def _term(starts_on: date, ends_on: date | None) -> str:
    """The sentence of a term, ending with its full stop (a date's «г.» is one)."""
    if ends_on is None:
        return f"Срок: с {format_date(starts_on)} (дата окончания не установлена)."
    return f"Срок: с {format_date(starts_on)} по {format_date(ends_on)}"


def _assignment_facts(appointed: TutorAppointed) -> list[str]:
    lines = []
    if appointed.topic.strip():
        lines.append(f"Тема: «{appointed.topic.strip()}».")
    lines.append(_term(appointed.starts_on, appointed.ends_on))
    return lines


def tutor_appointed(appointed: TutorAppointed, *, portal_url: str, sender: str) -> Text:
    """The letter telling a tutor or mentor which teachers were entrusted to them."""
    role = tutor_role(appointed.kind)
    names = list(dict.fromkeys(t.full_name.strip() for t in appointed.teachers))
    if len(names) == 1:
        entrusted = [f"Вам поручено сопровождение педагога: {names[0]}."]
        whom = "педагогом"
    else:
        entrusted = ["Вам поручено сопровождение педагогов:", *(f"— {n}" for n in names)]
        whom = "педагогами"
    lines = [
        f"Вы назначены {role.instrumental}.",
        *entrusted,
        *_assignment_facts(appointed),
        "",
        f"Просим связаться с {whom} и согласовать план работы.",
    ]
    return Text(
        subject=f"Вы назначены {role.instrumental}", body=_letter(lines, sender, portal_url)
    )


def tutor_assigned_to_teacher(appointed: TutorAppointed, *, portal_url: str, sender: str) -> Text:
    """The letter telling a teacher who their tutor or mentor is."""
    role = tutor_role(appointed.kind)
    lines = [
        f"Вам назначен {role.nominative}: {appointed.tutor_name.strip()}.",
        *_assignment_facts(appointed),
        "",
        f"С вопросами по теме сопровождения обращайтесь к своему {role.dative}.",
    ]
    return Text(subject=f"Вам назначен {role.nominative}", body=_letter(lines, sender, portal_url))
