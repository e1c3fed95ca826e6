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
        )
        for d in data["districts"]
    ]


def centre_spec(data: dict[str, Any]) -> CentreSpec:
    """The demo centre as a stack spec."""
    centre = data["centre"]
    return CentreSpec(code=centre["code"], name=centre["name"], short_name=centre["short_name"])


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
