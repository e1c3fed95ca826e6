"""The kinds of methodical sites and the rules each regulation sets for them.

One catalogue shared by every service that reasons about a site: the registry shows it,
the applications service enforces it. Citations name the regulation in ``seeds/``:
000 (ОСМП, Yaya), 001 (municipal internship site, Mariinsk), 002 (ММЦ, Buguruslan),
004 (innovation / support school, laboratory, a Yakut ulus).

Where a regulation is silent the entry says so in ``notes`` and the value chosen is the
least permissive one that still lets the work run (e.g. no extension where none is
provided: the school applies again).
"""

from typing import Final, Literal

import msgspec

from imc_contracts.messages import SiteKind
from imc_contracts.vocabulary import SITE_KIND_TITLES

LeaderRule = Literal["administration_or_highest", "head_or_deputy", "any_staff"]
Issuer = Literal["imc", "education_department", "centre_department"]
Level = Literal["municipal", "intermunicipal"]


class EligibilityItem(msgspec.Struct, frozen=True, kw_only=True):
    """One condition of eligibility the council weighs, with its source."""

    code: str
    text: str
    citation: str


class SiteKindRules(msgspec.Struct, frozen=True, kw_only=True):
    """What a regulation fixes for one kind of site."""

    code: SiteKind
    title: str
    regulation: str
    level: Level
    decided_by: str
    """Who decides on the status, as the regulation words it."""
    order_issuer: Issuer
    """Whose order confirms the status (the orders journal it is numbered in)."""
    min_term_months: int
    max_term_months: int
    term_citation: str
    leader_rule: LeaderRule
    leader_citation: str
    co_leader_required: bool
    """Whether a co-leader, an IMC methodist, is required (000 §3.4)."""
    extension_max_months: int
    """0: the regulation provides no extension."""
    extension_citation: str
    termination_grounds: tuple[str, ...]
    termination_citation: str
    eligibility: tuple[EligibilityItem, ...]
    notes: str = ""


_OSMP_ELIGIBILITY = (
    EligibilityItem(
        code="programmes",
        text="Организация реализует программы дошкольного, начального общего, основного "
        "общего, среднего общего или дополнительного образования",
        citation="п. 1.3 Положения об ОСМП",
    ),
    EligibilityItem(
        code="innovation_experience",
        text="Имеет положительный опыт работы в инновационной инфраструктуре в сфере образования",
        citation="п. 1.3 Положения об ОСМП",
    ),
    EligibilityItem(
        code="positive_results",
        text="Имеет положительные результаты работы в избранном направлении "
        "образовательной, методической или управленческой деятельности",
        citation="п. 1.4 Положения об ОСМП",
    ),
    EligibilityItem(
        code="resource_base",
        text="Располагает материально-технической и учебно-методической базой",
        citation="п. 1.4 Положения об ОСМП",
    ),
    EligibilityItem(
        code="staff_potential",
        text="Располагает кадровым потенциалом руководителей и педагогов, владеющих "
        "современными методами управления и эффективными технологиями обучения и воспитания",
        citation="п. 1.4 Положения об ОСМП",
    ),
)
_004_ELIGIBILITY = (
    EligibilityItem(
        code="creative_staff",
        text="Коллектив состоит из творчески работающих педагогов с высоким уровнем "
        "профессиональной компетентности",
        citation="п. 1.3 Положения о школах (004)",
    ),
    EligibilityItem(
        code="innovation_experience",
        text="Имеет опыт инновационной деятельности",
        citation="п. 1.3 Положения о школах (004)",
    ),
    EligibilityItem(
        code="documentation",
        text="Имеет документацию: положение, план работы, договоры, проекты, справки, "
        "отчёты, методические материалы",
        citation="п. 1.6 Положения о школах (004)",
    ),
    EligibilityItem(
        code="network",
        text="Обеспечивает сетевое взаимодействие с другими образовательными учреждениями",
        citation="п. 1.7 Положения о школах (004)",
    ),
)
_002_ELIGIBILITY = (
    EligibilityItem(
        code="general_education",
        text="Организация является общеобразовательным учреждением",
        citation="п. 1.7 Положения о ММЦ",
    ),
    EligibilityItem(
        code="innovation_projects",
        text="Имеет положительный опыт реализации инновационных образовательных проектов "
        "по приоритетным направлениям развития образования",
        citation="п. 1.7 Положения о ММЦ",
    ),
)
_UNREGULATED_TERM = (
    "Срок статуса Положением не установлен; совет устанавливает срок до пяти лет, "
    "по окончании которого статус истекает."
)


def _rules_004(code: SiteKind, extra: str = "") -> SiteKindRules:
    return SiteKindRules(
        code=code,
        title=SITE_KIND_TITLES[code],
        regulation="Положение о школах, обладающих статусом инновационной, опорной и "
        "лаборатории образовательных технологий (004)",
        level="municipal",
        decided_by="начальник управления образования по рекомендации отдела содержания "
        "образования (п. 1.5)",
        order_issuer="education_department",
        min_term_months=1,
        max_term_months=60,
        term_citation="срок Положением (004) не установлен",
        leader_rule="any_staff",
        leader_citation="ответственный координатор, назначенный приказом директора школы "
        "(п. 6.1 Положения о школах (004))",
        co_leader_required=False,
        extension_max_months=0,
        extension_citation="продление Положением (004) не предусмотрено",
        termination_grounds=("quality_decline", "no_demand", "negative_review", "other"),
        termination_citation="п. 4.3 Положения о школах (004)",
        eligibility=_004_ELIGIBILITY,
        notes=_UNREGULATED_TERM + extra,
    )


def _rules_002_intermunicipal(code: SiteKind, paragraph: str) -> SiteKindRules:
    return SiteKindRules(
        code=code,
        title=SITE_KIND_TITLES[code],
        regulation="Положение о межмуниципальном центре методического сопровождения (002)",
        level="intermunicipal",
        decided_by=f"начальник управления образованием города — центра ММЦ (пп. 8.2, {paragraph})",
        order_issuer="centre_department",
        min_term_months=1,
        max_term_months=60,
        term_citation="срок Положением (002) не установлен",
        leader_rule="any_staff",
        leader_citation="руководитель Положением (002) не определён; назначается из работников "
        "организации",
        co_leader_required=False,
        extension_max_months=0,
        extension_citation="продление Положением (002) не предусмотрено",
        termination_grounds=("other",),
        termination_citation="основания Положением (002) не перечислены",
        eligibility=_002_ELIGIBILITY,
        notes=_UNREGULATED_TERM + " Присваивается на межмуниципальном уровне.",
    )


SITE_KINDS: Final[dict[str, SiteKindRules]] = {
    "osmp": SiteKindRules(
        code="osmp",
        title=SITE_KIND_TITLES["osmp"],
        regulation="Положение об опорной (стажировочной) методической площадке (000)",
        level="municipal",
        decided_by="методический совет ИМЦ (п. 3.1)",
        order_issuer="imc",
        min_term_months=12,
        max_term_months=24,
        term_citation="на срок от одного до двух лет (п. 3.3 Положения об ОСМП)",
        leader_rule="administration_or_highest",
        leader_citation="руководитель ОСМП — представитель организации из числа "
        "административно-управленческого персонала или педагогов высшей квалификационной "
        "категории (п. 3.5 Положения об ОСМП)",
        co_leader_required=True,
        extension_max_months=12,
        extension_citation="не более чем на один год (п. 3.7 Положения об ОСМП)",
        termination_grounds=(
            "term_over",
            "topic_irrelevant",
            "staff_changes",
            "law_violation",
            "other",
        ),
        termination_citation="п. 3.8 Положения об ОСМП",
        eligibility=_OSMP_ELIGIBILITY,
    ),
    "internship": SiteKindRules(
        code="internship",
        title=SITE_KIND_TITLES["internship"],
        regulation="Положение о муниципальной стажировочной площадке (001)",
        level="municipal",
        decided_by="методический совет (п. 4.1), решение утверждается приказом управления "
        "образования (п. 3.1)",
        order_issuer="education_department",
        min_term_months=1,
        max_term_months=24,
        term_citation="на срок до двух лет (п. 3.2 Положения о стажировочной площадке)",
        leader_rule="head_or_deputy",
        leader_citation="руководитель образовательной организации или один из его "
        "заместителей (п. 4.2 Положения о стажировочной площадке)",
        co_leader_required=False,
        extension_max_months=0,
        extension_citation="продление Положением (001) не предусмотрено",
        termination_grounds=("programme_over", "obstacles", "other"),
        termination_citation="п. 3.4 Положения о стажировочной площадке",
        eligibility=(
            EligibilityItem(
                code="effective_practice",
                text="Имеет практический опыт эффективного функционирования и развития, "
                "пригодный для трансляции школам с низкими образовательными результатами",
                citation="п. 1.4 Положения о стажировочной площадке",
            ),
            *_OSMP_ELIGIBILITY[2:],
        ),
        notes="Критерии п. 1.4 Положения об ОСМП применены по аналогии: Положение (001) "
        "условий присвоения статуса не перечисляет.",
    ),
    "innovation_school": _rules_004("innovation_school"),
    "support_school": _rules_004("support_school"),
    "edtech_lab": _rules_004(
        "edtech_lab",
        " Лаборатории создаются на базе школ, внедряющих образовательные "
        "технологии на практике (п. 1.4).",
    ),
    "base_site": SiteKindRules(
        code="base_site",
        title=SITE_KIND_TITLES["base_site"],
        regulation="Положение о межмуниципальном центре методического сопровождения (002)",
        level="municipal",
        decided_by="управление образованием (п. 1.7)",
        order_issuer="education_department",
        min_term_months=1,
        max_term_months=60,
        term_citation="срок Положением (002) не установлен",
        leader_rule="any_staff",
        leader_citation="руководитель Положением (002) не определён; назначается из работников "
        "организации",
        co_leader_required=False,
        extension_max_months=0,
        extension_citation="продление Положением (002) не предусмотрено",
        termination_grounds=("other",),
        termination_citation="основания Положением (002) не перечислены",
        eligibility=_002_ELIGIBILITY,
        notes=_UNREGULATED_TERM,
    ),
    "intermunicipal_support": _rules_002_intermunicipal("intermunicipal_support", "8.4"),
    "intermunicipal_resource": _rules_002_intermunicipal("intermunicipal_resource", "8.5"),
}


def rules_of(kind: str) -> SiteKindRules:
    """The rules of ``kind``; :class:`KeyError` for an unknown code."""
    return SITE_KINDS[kind]
