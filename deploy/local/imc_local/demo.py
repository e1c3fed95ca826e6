"""Demo data drawn from the regulations in seeds/ (see ``demo_data.json``)."""

import json
from pathlib import Path
from typing import Any

from imc_local.stack import CentreSpec, DistrictSpec

DEMO_FILE = Path(__file__).with_name("demo_data.json")


def load() -> dict[str, Any]:
    """The demo data as a dict."""
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    return data


def _issuers(instance: dict[str, Any]) -> str:
    return json.dumps(
        {
            code: {k: v for k, v in issuer.items() if k != "invented"}
            for code, issuer in instance.get("issuers", {}).items()
        },
        ensure_ascii=False,
    )


def district_specs(data: dict[str, Any]) -> list[DistrictSpec]:
    """The demo districts as stack specs."""
    return [
        DistrictSpec(
            code=d["code"],
            name=d["name"],
            imc_name=d["imc_name"],
            place=d["place"],
            signatory_name=d["signatory"]["name"],
            signatory_position=d["signatory"]["position"],
            issuers=_issuers(d),
            time_zone=d["time_zone"],
        )
        for d in data["districts"]
    ]


def centre_spec(data: dict[str, Any]) -> CentreSpec:
    """The demo centre as a stack spec."""
    centre = data["centre"]
    return CentreSpec(
        code=centre["code"],
        name=centre["name"],
        short_name=centre["short_name"],
        imc_name=centre["imc_name"],
        place=centre["place"],
        signatory_name=centre["signatory"]["name"],
        signatory_position=centre["signatory"]["position"],
        issuers=_issuers(centre),
        time_zone=centre["time_zone"],
    )


def organisation_payload(organisation: dict[str, Any]) -> dict[str, Any]:
    """The registry's create request for a demo organisation."""
    return {
        "full_name": organisation["full_name"],
        "short_name": organisation["short_name"],
        "kind": organisation["kind"],
        "email": organisation["email"],
        "address": organisation.get("address", ""),
        "director_name": organisation.get("director", ""),
        "low_results": organisation.get("low_results", False),
        "unfavourable_conditions": organisation.get("unfavourable_conditions", False),
        "resilient": organisation.get("resilient", False),
    }


def staff_group(person: dict[str, Any], *, methodist: bool) -> str:
    """The registry's staff group of a demo person (by the position, unless given)."""
    if "staff_group" in person:
        return str(person["staff_group"])
    if methodist:
        return "imc_methodist"
    position = person["position"].lower()
    if "директор" in position or "заведующ" in position:
        return "administration"
    return "teacher"


def people(district: dict[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
    """Every demo person of the district with the short name of their organisation."""
    found: list[tuple[dict[str, Any], str | None]] = [(m, None) for m in district["methodists"]]
    for organisation in district["organisations"]:
        found.extend(
            (person, organisation["short_name"]) for person in organisation.get("staff", [])
        )
    return found


def person_payload(
    person: dict[str, Any], organisation_id: str | None, *, methodist: bool
) -> dict[str, Any]:
    """The registry's create request for a demo person."""
    return {
        "full_name": person["full_name"],
        "position": person["position"],
        "staff_group": staff_group(person, methodist=methodist),
        "organisation_id": organisation_id,
        "qualification_category": person.get("qualification", "none"),
        "subjects": person.get("subjects", []),
        "consent_given": True,
        "consent_date": person.get("consent_date", "2026-09-01"),
        "consent_document": "согласие на обработку персональных данных (демонстрационные данные)",
    }


def password(data: dict[str, Any]) -> str:
    """The one password of every demo account."""
    return str(data["demo_password"])


def instances(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every demo instance: the districts, then the centre."""
    return [*data["districts"], data["centre"]]


def accounts(
    instance: dict[str, Any],
    organisations: dict[str, str],
    people: dict[str, str],
    secret: str,
) -> list[dict[str, str]]:
    """The instance's demo accounts as the portal's ``imc_portal.accounts load`` reads
    them: login, password, role, name and, where the account is a registered person or
    belongs to an organisation, their registry ids (``organisations`` by short name and
    ``people`` by full name, as registered)."""
    records = []
    for account in instance["accounts"]:
        record = {
            "login": account["login"],
            "password": secret,
            "role": account["role"],
            "name": account.get("name") or account["person"],
        }
        if "person" in account:
            record["person_id"] = people[account["person"]]
        if "organisation" in account:
            record["organisation_id"] = organisations[account["organisation"]]
        records.append(record)
    return records
