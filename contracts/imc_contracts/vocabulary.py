"""Official Russian titles of the coded values in the contracts, as the regulations
spell them; every service that shows a code to people uses these."""

from typing import Final

SITE_KIND_TITLES: Final = {
    "osmp": "опорная (стажировочная) методическая площадка",
    "internship": "муниципальная стажировочная площадка",
    "innovation_school": "инновационная школа",
    "support_school": "опорная школа",
    "edtech_lab": "лаборатория образовательных технологий",
    "base_site": "базовая методическая площадка",
    "intermunicipal_support": "межмуниципальная опорная площадка",
    "intermunicipal_resource": "межмуниципальный ресурсный центр",
}
SITE_STATUS_TITLES: Final = {
    "active": "действует",
    "extended": "продлена",
    "terminated": "прекращена",
    "expired": "срок истёк",
}
ORGANISATION_KIND_TITLES: Final = {
    "doo": "дошкольная образовательная организация",
    "school": "общеобразовательная школа",
    "lyceum": "лицей",
    "gymnasium": "гимназия",
    "additional": "организация дополнительного образования",
}
STAFF_GROUP_TITLES: Final = {
    "administration": "административно-управленческий персонал",
    "teacher": "педагогический работник",
    "imc_methodist": "методист ИМЦ",
    "other": "иной работник",
}
QUALIFICATION_CATEGORY_TITLES: Final = {
    "highest": "высшая квалификационная категория",
    "first": "первая квалификационная категория",
    "conformity": "соответствие занимаемой должности",
    "none": "без категории",
}
STRUCTURE_KIND_TITLES: Final = {
    # 003 §3.2.1: strategic management
    "methodical_council": "методический совет",
    "innovation_council": "координационный совет по инновационной деятельности",
    # 003 §3.2.2: tactical coordination
    "rmo": "районное методическое объединение",
    "workshop": "педагогическая мастерская",
    "mentoring_centre": "наставнический центр",
    "young_teacher_school": "школа молодого педагога",
    # 003 §3.2.3: operational management
    "shmo": "школьное методическое объединение",
    # 003 §3.2.3 (variable functioning)
    "tpg": "творческо-проблемная группа",
    # 002 §1.4, §1.6
    "gmo": "городское методическое объединение",
    "mmc_subject_association": "методическое объединение ММЦ по предмету",
}
TERMINATION_GROUNDS: Final = {
    "term_over": "завершение срока деятельности",
    "topic_irrelevant": "утрата актуальности темы, её перспективности для развития "
    "муниципальной системы образования",
    "staff_changes": "изменения в кадровом составе, влияющие на работу",
    "law_violation": "выявление нарушений законодательства",
    "programme_over": "окончание срока реализации программы",
    "obstacles": "возникновение обстоятельств, препятствующих продолжению деятельности",
    "quality_decline": "снижение качества образовательного процесса",
    "no_demand": "невостребованность содержательных и организационных форм деятельности педагогами",
    "negative_review": "отрицательные результаты экспертизы, аттестации",
    "other": "иные обоснованные причины",
}
AGENDA_ITEM_TYPE_TITLES: Final = {
    "application": "заявка на присвоение статуса",
    "extension": "продление срока деятельности площадки",
    "termination": "прекращение деятельности площадки",
    "plan_approval": "утверждение плана работы",
    "results_review": "рассмотрение результатов деятельности",
}
ORDER_KIND_TITLES: Final = {
    "assignment": "о присвоении статуса",
    "extension": "о продлении срока деятельности",
    "termination": "о прекращении деятельности",
}
