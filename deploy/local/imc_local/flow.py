"""The walking-skeleton flow, step by step over HTTP, as a methodist would drive it.

``uv run python -m imc_local.flow`` runs it against ``make run`` (reading
``var/run/endpoints.json``): each demo district's school applies for the ОСМП status,
the council assigns it, and the command waits until the site shows on the district's
page and the centre's page, the order exists as PDF and the email went out.
"""

import io
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
from docx import Document

from imc_local import demo

T = TypeVar("T")
ENDPOINTS = Path("var/run/endpoints.json")


class FlowError(RuntimeError):
    """A step of the flow failed; the message says which and why."""


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 90.0) -> T:
    """Poll ``probe`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = probe()
        except httpx.HTTPError:
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise FlowError(f"timed out after {timeout:.0f} s waiting for {what}")


def application_document(title: str, lines: list[str]) -> bytes:
    """A small DOCX, as a school would attach to its application."""
    document = Document()
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def application_package(organisation: str, topic: str) -> dict[str, tuple[str, bytes, str]]:
    """The three documents of 000 §3.2 for a multipart upload."""
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return {
        "statement": (
            "zayavlenie.docx",
            application_document(
                "Заявление",
                [
                    f"{organisation} просит присвоить статус опорной (стажировочной) "
                    f"методической площадки по теме «{topic}»."
                ],
            ),
            mime,
        ),
        "information_note": (
            "spravka.docx",
            application_document(
                "Информационная справка", [f"О результатах работы по теме «{topic}»."]
            ),
            mime,
        ),
        "work_plan": (
            "plan.docx",
            application_document(
                "План работы ОСМП", ["1. Постоянно действующий семинар.", "2. Мастер-классы."]
            ),
            mime,
        ),
    }


class DistrictClient:
    """The HTTP calls of the flow against one district."""

    def __init__(self, services: dict[str, str], timeout: float = 30.0) -> None:
        self.services = services
        self.http = httpx.Client(timeout=timeout)

    def url(self, service: str, path: str) -> str:
        """URL of ``path`` on ``service``."""
        return self.services[service].rstrip("/") + path

    def ensure_organisation(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Create the organisation, or find it if it is already registered."""
        response = self.http.post(self.url("registry", "/organisations"), json=payload)
        if response.status_code == 201:
            return dict(response.json())
        if response.status_code == 409:
            found = self.http.get(
                self.url("registry", "/organisations"), params={"q": payload["short_name"]}
            ).json()
            for organisation in found:
                if organisation["short_name"] == payload["short_name"]:
                    return dict(organisation)
        raise FlowError(f"registry refused the organisation: {response.text}")

    def submit(self, organisation_id: str, topic: str, organisation: str) -> dict[str, Any]:
        """Submit an application with its three documents."""
        response = self.http.post(
            self.url("applications", "/applications"),
            data={"organisation_id": organisation_id, "topic": topic},
            files=application_package(organisation, topic),
        )
        if response.status_code != 201:
            raise FlowError(f"application refused: {response.text}")
        return dict(response.json())

    def decide(self, application_id: str, decision: dict[str, Any]) -> dict[str, Any]:
        """Record the council's decision."""
        response = self.http.post(
            self.url("applications", f"/applications/{application_id}/decision"), json=decision
        )
        if response.status_code != 201:
            raise FlowError(f"decision refused: {response.text}")
        return dict(response.json())

    def site_for(self, organisation_id: str) -> dict[str, Any] | None:
        """The organisation's active site in the registry, if any."""
        sites = self.http.get(self.url("registry", "/sites")).json()
        return next((s for s in sites if s["organisation_id"] == organisation_id), None)

    def document_for(self, number: str) -> dict[str, Any] | None:
        """The generated order with ``number``, if any."""
        documents = self.http.get(self.url("documents", "/documents")).json()
        return next((d for d in documents if d["number"] == number), None)


def assignment(district: dict[str, Any], application: dict[str, Any]) -> dict[str, Any]:
    """The council's assignment decision for the district's demo application."""
    today = date.today()
    return {
        "outcome": "assigned",
        "council_protocol": application["council_protocol"],
        "decided_on": today.isoformat(),
        "term_years": application["term_years"],
        "leader": {
            "full_name": application["leader"],
            "position": _position(district, application["leader"]),
        },
        "co_leader": {
            "full_name": application["co_leader"],
            "position": _position(district, application["co_leader"]),
        },
        "order_number": application["order_number"],
        "order_date": today.isoformat(),
    }


def _position(district: dict[str, Any], full_name: str) -> str:
    people = [*district["methodists"]]
    for organisation in district["organisations"]:
        people.extend(organisation.get("staff", []))
    for person in people:
        if person["full_name"] == full_name:
            return str(person["position"])
    raise FlowError(f"{full_name} is not in the demo data")


def load_organisations(endpoints: dict[str, Any], data: dict[str, Any]) -> None:
    """Register every demo organisation in its district (idempotent)."""
    for district in data["districts"]:
        client = DistrictClient(endpoints[district["code"]]["services"])
        for organisation in district["organisations"]:
            client.ensure_organisation(demo.organisation_payload(organisation))


def run(
    endpoints: dict[str, Any], data: dict[str, Any], log: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Run the flow for every demo district; return what was produced."""
    centre = next(v for v in endpoints.values() if v["kind"] == "centre")
    results = []
    for district in data["districts"]:
        services = endpoints[district["code"]]["services"]
        client = DistrictClient(services)
        demo_app = district["demo_application"]
        organisation = next(
            o
            for o in district["organisations"]
            if o["short_name"] == demo_app["organisation_short_name"]
        )
        registered = client.ensure_organisation(demo.organisation_payload(organisation))
        log(f"[{district['code']}] организация: {registered['short_name']}")
        if client.site_for(registered["id"]):
            log(f"[{district['code']}] площадка уже есть — пропускаю заявку")
        else:
            application = client.submit(
                registered["id"], demo_app["topic"], registered["short_name"]
            )
            log(f"[{district['code']}] заявка подана: {application['id']}")
            client.decide(application["id"], assignment(district, demo_app))
            log(f"[{district['code']}] решение совета: присвоить статус ОСМП")
        site = wait_for("the site in the registry", lambda: client.site_for(registered["id"]))
        document = wait_for(
            "the order in documents", lambda: client.document_for(site["order_number"])
        )
        pdf_url = client.url("documents", f"/documents/{document['id']}/file.pdf")
        log(f"[{district['code']}] приказ № {document['number']}: {pdf_url}")
        federation = centre["services"]["federation"]
        wait_for(
            "the site at the centre",
            lambda: any(
                s["site_id"] == site["id"]
                for s in httpx.get(f"{federation}/sites", timeout=10).json()
            ),
        )
        log(f"[{district['code']}] площадка видна в ММЦ: {centre['services']['portal']}")
        results.append(
            {"district": district["code"], "site": site, "document": document, "pdf_url": pdf_url}
        )
    return results


def main() -> None:
    """Run the flow against the federation started by ``make run``."""
    if not ENDPOINTS.exists():
        sys.exit("Сначала запустите систему: make run (в другом терминале)")
    endpoints = json.loads(ENDPOINTS.read_text(encoding="utf-8"))
    try:
        run(endpoints, demo.load())
    except FlowError as error:
        sys.exit(f"Сценарий не завершён: {error}")
    print("Готово: откройте страницы порталов округов и ММЦ, письма — в var/run/mail/")


if __name__ == "__main__":
    main()
