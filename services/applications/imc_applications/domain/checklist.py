"""The eligibility checklist of an application (000 §1.3–1.4, 004 §1.3, 002 §1.7).

The applicant answers each condition of its kind; the curating methodist confirms or
not during the expert review; the council sees both.
"""

from typing import Any

from imc_contracts.site_kinds import SiteKindRules
from imc_shared.errors import InvalidInput


def blank(rules: SiteKindRules) -> list[dict[str, Any]]:
    """The kind's checklist with nothing answered."""
    return [
        {
            "code": item.code,
            "text": item.text,
            "citation": item.citation,
            "applicant_met": None,
            "applicant_note": "",
            "reviewer_confirmed": None,
        }
        for item in rules.eligibility
    ]


def answer(checklist: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    """Record the applicant's answers ``{code: {"met": bool, "note": str}}``."""
    known = {item["code"] for item in checklist}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise InvalidInput(
            f"Неизвестные пункты перечня условий: {', '.join(unknown)}", field="eligibility"
        )
    result = []
    for item in checklist:
        given = answers.get(item["code"])
        updated = dict(item)
        if given is not None:
            if not isinstance(given, dict) or not isinstance(given.get("met"), bool):
                raise InvalidInput(
                    f"Пункт «{item['text']}»: ответ должен быть «да» или «нет»",
                    field=f"eligibility.{item['code']}",
                )
            updated["applicant_met"] = given["met"]
            updated["applicant_note"] = str(given.get("note", "")).strip()[:2000]
        result.append(updated)
    return result


def unanswered(checklist: list[dict[str, Any]]) -> list[str]:
    """Texts of the conditions the applicant has not answered."""
    return [item["text"] for item in checklist if item["applicant_met"] is None]


def confirm(checklist: list[dict[str, Any]], confirmed: dict[str, bool]) -> list[dict[str, Any]]:
    """Record the reviewer's confirmation of each condition."""
    known = {item["code"] for item in checklist}
    unknown = sorted(set(confirmed) - known)
    if unknown:
        raise InvalidInput(
            f"Неизвестные пункты перечня условий: {', '.join(unknown)}",
            field="eligibility_confirmed",
        )
    return [
        {**item, "reviewer_confirmed": confirmed.get(item["code"], item["reviewer_confirmed"])}
        for item in checklist
    ]
