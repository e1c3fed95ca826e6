"""How the documents name each kind of site: titles in the cases the texts need, the
short name an order introduces with «(далее – …)», and the regulation it follows."""

from __future__ import annotations

import re

import msgspec

from imc_contracts.site_kinds import rules_of
from imc_contracts.vocabulary import SITE_KIND_TITLES
from imc_documents.domain.russian import dative_phrase, genitive_phrase, lower_first

# The short name an order uses after «(далее – …)», nominative and genitive.
_SHORT_NAMES: dict[str, tuple[str, str]] = {
    "osmp": ("ОСМП", "ОСМП"),
    "internship": ("стажировочная площадка", "стажировочной площадки"),
    "innovation_school": ("инновационная школа", "инновационной школы"),
    "support_school": ("опорная школа", "опорной школы"),
    "edtech_lab": ("лаборатория", "лаборатории"),
    "base_site": ("базовая площадка", "базовой площадки"),
    "intermunicipal_support": ("опорная площадка", "опорной площадки"),
    "intermunicipal_resource": ("ресурсный центр", "ресурсного центра"),
}

_CITATION = re.compile(r"\s*\(\d{3}\)\s*$")


class KindNames(msgspec.Struct, frozen=True, kw_only=True):
    """The names of one site kind as the documents write them."""

    title: str
    """Nominative, e.g. «опорная (стажировочная) методическая площадка»."""
    title_genitive: str
    short: str
    """After «(далее – …)», e.g. «ОСМП» or «стажировочная площадка»."""
    short_genitive: str
    regulation_instrumental: str
    """For «В соответствии с …»: «Положением об опорной (стажировочной) … площадке»."""


def regulation_instrumental(regulation: str) -> str:
    """«Положение о … (000)» → «Положением о …» (the catalogue's citation code dropped)."""
    name = _CITATION.sub("", regulation.strip())
    if name.startswith("Положение "):
        return "Положением " + name.removeprefix("Положение ")
    return name


def kind_names(kind: str) -> KindNames:
    """The names of ``kind``; :class:`KeyError` for an unknown code."""
    title = SITE_KIND_TITLES[kind]
    short, short_genitive = _SHORT_NAMES[kind]
    return KindNames(
        title=title,
        title_genitive=genitive_phrase(title),
        short=short,
        short_genitive=short_genitive,
        regulation_instrumental=regulation_instrumental(rules_of(kind).regulation),
    )


def organisation_dative(full_name: str) -> str:
    """Name an organisation in the dative case for «присвоить … статус».

    ``"Муниципальное бюджетное общеобразовательное учреждение «Яйская СОШ № 2»"``
    → ``"муниципальному бюджетному общеобразовательному учреждению «Яйская СОШ № 2»"``.
    When the name cannot be declined (e.g. it starts with an abbreviation),
    falls back to «образовательной организации <name>».
    """
    text = lower_first(full_name.strip())
    declined = dative_phrase(text)
    if declined == text:
        return f"образовательной организации {full_name.strip()}"
    return declined


def organisation_genitive(full_name: str) -> str:
    """Name an organisation in the genitive case for «на базе …».

    Falls back to «образовательной организации <name>» like :func:`organisation_dative`.
    """
    text = lower_first(full_name.strip())
    declined = genitive_phrase(text)
    if declined == text:
        return f"образовательной организации {full_name.strip()}"
    return declined
