"""The status flow, step by step over HTTP, as the IMC's people would drive it.

``uv run python -m imc_local.flow`` runs it against ``make run`` (reading
``var/run/endpoints.json`` and signing its calls with the portal key of
``var/run/keys.json``, as the IMC's administrator, the centre's coordinator at the
centre, named «Секретарь методического совета (демонстрация)»): each demo district's
school applies (Yaya for the ОСМП of seeds/000, Mariinsk for the internship site of
seeds/001), the curating methodist reviews the package, the methodical council votes,
the order is issued from the journal, and the command waits until the site shows in the
registry and at the centre and the order exists as a PDF.
"""

import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from docx import Document

from imc_local import demo
from imc_local.keys import LAUNCHER_ACTOR, StackKeys, staff_role

T = TypeVar("T")
ENDPOINTS = Path("var/run/endpoints.json")
KEYS = Path("var/run/keys.json")
ACTOR = LAUNCHER_ACTOR
"""The name the flow's tokens carry: the audit trail shows it for every step."""

Credentials = Callable[[str], httpx.Auth]
"""The flow's httpx auth for an instance, by its code (``Stack.auth`` is one)."""


def credentials(keys: StackKeys, endpoints: dict[str, Any]) -> Credentials:
    """Tokens signed with the portal key: the IMC administrator of a district, the
    coordinator at the centre, named :data:`ACTOR`."""
    return lambda code: keys.auth(code, staff_role(endpoints[code]["kind"]), name=ACTOR)


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
    """The HTTP calls of the flow against one district, with ``auth`` signing a token
    of that district for each (who acts comes from the token)."""

    def __init__(self, services: dict[str, str], auth: httpx.Auth, timeout: float = 30.0) -> None:
        self.services = services
        self.auth = auth
        self.http = httpx.Client(timeout=timeout, auth=auth)

    def url(self, service: str, path: str) -> str:
        """URL of ``path`` on ``service``."""
        return self.services[service].rstrip("/") + path

    def call(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        """One request; any answer but 2xx stops the flow with the service's message."""
        response = self.http.request(method, self.url(service, path), **kwargs)
        if response.status_code >= 300:
            raise FlowError(f"{service} {method} {path}: {response.status_code} {response.text}")
        return response.json()

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

    def ensure_person(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Create the person unless someone with that name already works there."""
        found = self.call("GET", "registry", "/people", params={"q": payload["full_name"]})
        for person in found:
            if (
                person["full_name"] == payload["full_name"]
                and person["organisation_id"] == payload["organisation_id"]
            ):
                return dict(person)
        return dict(self.call("POST", "registry", "/people", json=payload))

    def ensure_council(self, title: str, head_id: str, member_ids: list[str]) -> dict[str, Any]:
        """The methodical council with its head and members."""
        existing = self.call(
            "GET", "registry", "/structures", params={"kind": "methodical_council"}
        )
        if existing:
            return dict(existing[0])
        return dict(
            self.call(
                "POST",
                "registry",
                "/structures",
                json={
                    "kind": "methodical_council",
                    "title": title,
                    "head_id": head_id,
                    "members": [{"person_id": m} for m in member_ids],
                },
            )
        )

    def submit(
        self, organisation_id: str, topic: str, organisation: str, site_kind: str = "osmp"
    ) -> dict[str, Any]:
        """Submit an application with its three documents and the eligibility answers."""
        kinds = {k["code"]: k for k in self.call("GET", "registry", "/site-kinds")}
        answers = {
            item["code"]: {"met": True, "note": "подтверждается информационной справкой"}
            for item in kinds[site_kind]["eligibility"]
        }
        response = self.http.post(
            self.url("applications", "/applications"),
            data={
                "organisation_id": organisation_id,
                "topic": topic,
                "site_kind": site_kind,
                "eligibility": json.dumps(answers, ensure_ascii=False),
            },
            files=application_package(organisation, topic),
        )
        if response.status_code != 201:
            raise FlowError(f"application refused: {response.text}")
        return dict(response.json())

    def review(self, application: dict[str, Any], reviewer_id: str) -> dict[str, Any]:
        """The curating methodist's expert review and conclusion."""
        path = f"/applications/{application['id']}"
        started = self.call(
            "POST",
            "applications",
            f"{path}/review",
            json={"version": application["version"], "reviewer_id": reviewer_id},
        )
        return dict(
            self.call(
                "POST",
                "applications",
                f"{path}/conclusion",
                json={
                    "version": started["version"],
                    "conclusion": "Организация имеет положительный опыт работы по заявленной "
                    "теме; пакет документов соответствует п. 3.2 Положения. Рекомендуется "
                    "присвоить статус.",
                    "recommendation": "assign",
                    "eligibility_confirmed": {c["code"]: True for c in started["checklist"]},
                },
            )
        )

    def meeting(self, present: list[str], chair_id: str, secretary_id: str) -> dict[str, Any]:
        """A council meeting today with the members present."""
        meeting = self.call(
            "POST",
            "applications",
            "/meetings",
            json={"held_on": date.today().isoformat(), "place": "зал заседаний ИМЦ"},
        )
        return dict(
            self.call(
                "POST",
                "applications",
                f"/meetings/{meeting['id']}/attendance",
                json={"present": present, "chair_id": chair_id, "secretary_id": secretary_id},
            )
        )

    def decide(
        self, meeting: dict[str, Any], item: dict[str, Any], votes_for: int, reason: str = ""
    ) -> dict[str, Any]:
        """Put a question on the agenda, vote, close the meeting; return the item."""
        meeting = self.call("POST", "applications", f"/meetings/{meeting['id']}/items", json=item)
        question = meeting["items"][-1]
        present = len(meeting["present"])
        self.call(
            "POST",
            "applications",
            f"/meetings/{meeting['id']}/items/{question['id']}/vote",
            json={
                "votes_for": votes_for,
                "votes_against": present - votes_for,
                "abstained": 0,
                "reason": reason,
            },
        )
        closed = self.call("POST", "applications", f"/meetings/{meeting['id']}/close", json={})
        return dict(next(i for i in closed["items"] if i["id"] == question["id"]))

    def order(self, item_id: str) -> dict[str, Any]:
        """Issue the order on the council's decision."""
        return dict(self.call("POST", "applications", "/orders", json={"item_id": item_id}))

    def site_for(self, organisation_id: str) -> dict[str, Any] | None:
        """The organisation's site in the registry, if any."""
        sites = self.call("GET", "registry", "/sites")
        return next((s for s in sites if s["organisation_id"] == organisation_id), None)

    def document_for(self, number: str, kind: str = "order_site_status") -> dict[str, Any] | None:
        """The generated document of ``kind`` with ``number``, if any."""
        documents = self.call("GET", "documents", "/documents")
        return next((d for d in documents if d["number"] == number and d["kind"] == kind), None)


@dataclass(frozen=True)
class Registered:
    """Registry ids of an instance's demo data."""

    organisations: dict[str, str]
    """By short name."""
    people: dict[str, str]
    """By full name."""


def load_people(client: DistrictClient, district: dict[str, Any]) -> dict[str, str]:
    """Register the district's organisations, people and council; return ids by name."""
    return load_registry(client, district).people


def load_registry(client: DistrictClient, district: dict[str, Any]) -> Registered:
    """Register the district's organisations, people and council; return their ids."""
    organisations = {
        o["short_name"]: client.ensure_organisation(demo.organisation_payload(o))["id"]
        for o in district["organisations"]
    }
    ids = {}
    for person, organisation in demo.people(district):
        payload = demo.person_payload(
            person,
            organisations[organisation] if organisation else None,
            methodist=organisation is None,
        )
        ids[person["full_name"]] = client.ensure_person(payload)["id"]
    council = district["council"]
    client.ensure_council(
        council["title"], ids[council["head"]], [ids[name] for name in council["members"]]
    )
    return Registered(organisations=organisations, people=ids)


def load_organisations(
    endpoints: dict[str, Any], data: dict[str, Any], auth: Credentials
) -> dict[str, Registered]:
    """Register every demo organisation, person and council in its district, then its
    calendar and plan, and the centre's inter-municipal events (idempotent). Returns
    the registry ids by instance code."""
    registered = {}
    for district in data["districts"]:
        code = district["code"]
        client = DistrictClient(endpoints[code]["services"], auth(code))
        registered[code] = load_registry(client, district)
        ids = registered[code].people
        teachers = [
            (ids[person["full_name"]], person["full_name"], organisation)
            for person, organisation in demo.people(district)
            if organisation
        ]
        load_calendar(client, district["calendar"], teachers, level="municipal")
        if "growth" in district:
            load_growth(client, district["growth"], ids)
        if "exam_results" in district:
            load_exam_results(client, district["exam_results"])
        for resource in district.get("resources", []):
            load_resource(client, resource, ids)
    centre = data["centre"]
    client = DistrictClient(endpoints[centre["code"]]["services"], auth(centre["code"]))
    registered[centre["code"]] = load_registry(client, centre)
    load_calendar(client, centre["calendar"], [], level="intermunicipal")
    return registered


def load_calendar(
    client: DistrictClient,
    calendar: dict[str, Any],
    teachers: list[tuple[str, str, str]],
    *,
    level: str,
) -> None:
    """Plan the demo events (with registrations and attendance) and the annual plan,
    unless an event or plan of the same title is already there."""
    known = {event["title"] for event in client.call("GET", "scheduling", "/events/")}
    organisations = (
        {o["short_name"]: o["id"] for o in client.call("GET", "registry", "/organisations")}
        if teachers
        else {}
    )
    for spec in calendar.get("events", []):
        if spec["title"] in known:
            continue
        # Dates relative to today keep the demo's events ahead of whoever runs it;
        # naive times are the district's local time.
        day = date.today() + timedelta(days=spec["in_days"])
        body = {
            **{key: spec[key] for key in ("title", "form", "venue", "hours")},
            "starts_at": f"{day.isoformat()}T{spec['from']}:00",
            "ends_at": f"{day.isoformat()}T{spec['to']}:00",
        }
        event = client.call(
            "POST",
            "scheduling",
            "/events/",
            json={
                **body,
                "level": spec.get("level", level),
                "organiser_kind": "imc",
                "audience_subjects": spec["audience_subjects"],
            },
        )
        chosen = teachers[: spec["participants"]]
        for person_id, full_name, organisation in chosen:
            client.call(
                "POST",
                "scheduling",
                f"/events/{event['id']}/registrations",
                json={
                    "person_id": person_id,
                    "full_name": full_name,
                    "organisation_id": organisations.get(organisation),
                    "registered_by": "school",
                },
            )
        present = [person_id for person_id, _, _ in chosen[: spec["attended"]]]
        if present:
            client.call(
                "POST",
                "scheduling",
                f"/events/{event['id']}/attendance",
                json={"person_ids": present},
            )
    if "plan" in calendar:
        load_plan(client, calendar["plan"])


def current_school_year(today: date) -> str:
    """«2026/2027» from September on, the previous one before."""
    start = today.year if today.month >= 9 else today.year - 1
    return f"{start}/{start + 1}"


def load_growth(client: DistrictClient, spec: dict[str, Any], people: dict[str, str]) -> None:
    """The district's professional growth, unless already there: the needs survey open
    to every school, a mentor for a young teacher, and that teacher's route around a
    deficit a methodist observed, with a course step."""
    wanted = set(people.values())
    wait_for(
        "the growth service to learn the district's people",
        lambda: wanted <= {t["person_id"] for t in client.call("GET", "growth", "/teachers")},
    )
    year = current_school_year(date.today())
    survey = spec["survey"]
    if survey["title"] not in {s["title"] for s in client.call("GET", "growth", "/surveys")}:
        created = client.call(
            "POST",
            "growth",
            "/surveys",
            json={
                "title": survey["title"],
                "description": survey["description"],
                "school_year": year,
                "closes_on": (date.today() + timedelta(days=survey["closes_in_days"])).isoformat(),
                "target": {"staff_groups": ["teacher", "administration"]},
                "questions": survey["questions"],
            },
        )
        client.call("POST", "growth", f"/surveys/{created['id']}/open", json={})
    tutor = spec["tutor"]
    assignments = client.call("GET", "growth", "/tutor-assignments")
    if tutor["topic"] not in {a["topic"] for a in assignments}:
        client.call(
            "POST",
            "growth",
            "/tutor-assignments",
            json={
                "kind": tutor["kind"],
                "tutor_person_id": people[tutor["tutor"]],
                "teacher_ids": [people[name] for name in tutor["teachers"]],
                "topic": tutor["topic"],
                "starts_on": date.today().isoformat(),
            },
        )
    route = spec["route"]
    teacher = people[route["teacher"]]
    if client.call("GET", "growth", "/routes", params={"person_id": teacher}):
        return
    deficit = client.call(
        "POST",
        "growth",
        "/deficits",
        json={
            "person_id": teacher,
            "competency_code": route["deficit"],
            "subject": route["subject"],
            "source": "observation",
            "source_date": (date.today() - timedelta(days=7)).isoformat(),
            "note": route["note"],
        },
    )
    opened = client.call(
        "POST", "growth", "/routes", json={"person_id": teacher, "school_year": year}
    )
    with_goal = client.call(
        "POST",
        "growth",
        f"/routes/{opened['id']}/goals",
        json={"title": route["goal"], "deficit_id": deficit["id"]},
    )
    goal = next(g for g in with_goal["goals"] if g["title"] == route["goal"])
    course = route["course"]
    client.call(
        "POST",
        "growth",
        f"/routes/{opened['id']}/steps",
        json={
            "kind": "course",
            "goal_id": goal["id"],
            "title": course["title"],
            "provider": course["provider"],
            "hours": course["hours"],
            "deadline": (date.today() + timedelta(days=60)).isoformat(),
        },
    )


def exam_results_csv(spec: dict[str, Any]) -> bytes:
    """The demo's results by task, as a regional centre publishes them (CSV, cp1251)."""
    lines = [
        "Наименование ОО;Экзамен;Предмет;Год;Номер задания;Элемент содержания;"
        "Максимальный балл;Средний процент выполнения;Число участников"
    ]
    for year_index, year in enumerate(spec["years"]):
        for school_index, (school, participants) in enumerate(spec["schools"].items()):
            for task in spec["tasks"]:
                percent = task["percent"][school_index][year_index]
                row = (school, spec["exam"], spec["subject"], year, task["task"], task["element"])
                lines.append(";".join(map(str, (*row, task["max"], percent, participants))))
    return ("\n".join(lines) + "\n").encode("cp1251")


def load_exam_results(client: DistrictClient, spec: dict[str, Any]) -> None:
    """Import the demo's exam results, unless some are already there."""
    if client.call("GET", "analytics", "/results/available"):
        return
    upload = {"file": ("oge-matematika.csv", exam_results_csv(spec), "text/csv")}
    checked = client.call("POST", "analytics", "/results/import", files=upload)
    if not checked["clean"]:
        raise FlowError(f"the demo's exam results do not pass the check: {checked['errors']}")
    client.call("POST", "analytics", "/results/import", params={"dry_run": "false"}, files=upload)


def load_resource(client: DistrictClient, spec: dict[str, Any], people: dict[str, str]) -> None:
    """A reviewed resource of the district's bank, passed to the centre's bank when the
    spec says so (unless one of the same title is there)."""
    if spec["title"] in {r["title"] for r in client.call("GET", "resources", "/resources")}:
        return
    author = people[spec["author"]]
    wait_for(
        "the bank to learn the district's people",
        lambda: author in {p["person_id"] for p in client.call("GET", "resources", "/people")},
    )
    fields = ("title", "kind", "licence", "summary", "subject", "level", "tags")
    draft = client.call(
        "POST",
        "resources",
        "/resources",
        json={**{key: spec[key] for key in fields}, "author_person_id": author},
    )
    mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    content = application_document(spec["title"], spec["text"])
    path = f"/resources/{draft['id']}"
    uploaded = client.call(
        "POST", "resources", path + "/files", files={"file": ("material.docx", content, mime)}
    )
    submitted = client.call(
        "POST", "resources", path + "/submit", json={"version": uploaded["version"]}
    )
    approved = client.call(
        "POST", "resources", path + "/approve", json={"version": submitted["version"]}
    )
    if spec.get("share"):
        client.call("POST", "resources", path + "/share", json={"version": approved["version"]})


def load_plan(client: DistrictClient, spec: dict[str, Any]) -> None:
    """The annual work plan, approved, with its fulfilled items marked."""
    if spec["title"] in {plan["title"] for plan in client.call("GET", "scheduling", "/plans/")}:
        return
    plan = client.call(
        "POST",
        "scheduling",
        "/plans/",
        json={key: spec[key] for key in ("kind", "title", "school_year")},
    )
    tree = client.call(
        "POST", "scheduling", f"/plans/{plan['id']}/sections", json={"title": spec["section"]}
    )
    section_id = tree["sections"][-1]["id"]  # the answer is the whole plan
    for item in spec["items"]:
        tree = client.call(
            "POST",
            "scheduling",
            f"/plans/{plan['id']}/sections/{section_id}/items",
            json={
                "title": item["title"],
                "responsible_name": "методист ИМЦ",
                "deadline": item["deadline"],
            },
        )
    ids = {i["title"]: i["id"] for s in tree["sections"] for i in s["items"]}
    client.call(
        "POST",
        "scheduling",
        f"/plans/{plan['id']}/approve",
        json={key: spec[key] for key in ("approved_by", "approval_document", "approved_on")},
    )
    for item in spec["items"]:
        if item.get("done_on"):
            client.call(
                "POST",
                "scheduling",
                f"/plans/{plan['id']}/items/{ids[item['title']]}/fulfil",
                json={"done_on": item["done_on"], "note": "проведено"},
            )


def assign(client: DistrictClient, district: dict[str, Any], log: Callable[[str], None]) -> str:
    """The district's demo school applies; review, council and order follow. The order's id."""
    people = load_people(client, district)
    demo_app = district["demo_application"]
    registered = client.ensure_organisation(
        demo.organisation_payload(
            next(
                o
                for o in district["organisations"]
                if o["short_name"] == demo_app["organisation_short_name"]
            )
        )
    )
    code = district["code"]
    application = client.submit(
        registered["id"], demo_app["topic"], registered["short_name"], demo_app["site_kind"]
    )
    log(f"[{code}] заявка подана: {application['id']}")
    application = client.review(application, people[demo_app["reviewer"]])
    log(f"[{code}] экспертиза: {application['review_recommendation']}")
    council = district["council"]
    present = [people[council["head"]], *(people[name] for name in council["members"])]
    meeting = client.meeting(present, people[council["head"]], people[council["secretary"]])
    item = client.decide(
        meeting,
        {
            "type": "application",
            "speaker": f"{demo_app['reviewer']}, методист",
            "application_id": application["id"],
            "term_months": demo_app["term_months"],
            "leader_id": people[demo_app["leader"]],
            "co_leader_id": people[demo_app["co_leader"]] if demo_app["co_leader"] else None,
        },
        votes_for=len(present),
    )
    log(f"[{code}] решение совета: {item['decision_text']}")
    order = client.order(item["id"])
    log(f"[{code}] приказ № {order['number']} от {order['order_date']}")
    return str(order["number"])


def run(
    endpoints: dict[str, Any],
    data: dict[str, Any],
    auth: Credentials,
    log: Callable[[str], None] = print,
) -> list[dict[str, Any]]:
    """Run the flow for every demo district, then for the centre's own inter-municipal
    site; return what was produced (the districts first, the centre last)."""
    centre_code = next(code for code, v in endpoints.items() if v["kind"] == "centre")
    centre = endpoints[centre_code]
    federation = centre["services"]["federation"]
    results = []
    for instance in [*data["districts"], data["centre"]]:
        code = instance["code"]
        result = _assign_once(
            DistrictClient(endpoints[code]["services"], auth(code)), instance, log
        )
        site = result["site"]
        wait_for(
            "the site at the centre",
            _listed(f"{federation}/sites", site["id"], auth(centre_code)),
        )
        log(f"[{instance['code']}] площадка видна в ММЦ: {centre['services']['portal']}")
        results.append(result)
    centre_site = results[-1]["site"]
    for district in data["districts"]:
        registry = endpoints[district["code"]]["services"]["registry"]
        wait_for(
            f"the centre's site in {district['code']}",
            _listed(f"{registry}/centre-sites", centre_site["id"], auth(district["code"])),
        )
        log(f"[{district['code']}] межмуниципальная площадка ММЦ видна в округе")
    return results


def _listed(url: str, site_id: str, auth: httpx.Auth) -> Callable[[], bool]:
    """A probe: does the list of sites at ``url`` hold ``site_id``?"""

    def probe() -> bool:
        response = httpx.get(url, timeout=10, auth=auth)
        if response.status_code in (401, 403):  # waiting would not help
            raise FlowError(f"GET {url}: {response.status_code} {response.text}")
        if response.status_code != 200:
            return False
        rows = response.json()
        return any(str(row.get("site_id", row.get("id"))) == site_id for row in rows)

    return probe


def _assign_once(
    client: DistrictClient, instance: dict[str, Any], log: Callable[[str], None]
) -> dict[str, Any]:
    """The instance's demo school gets its status (unless it has it already); waits for
    the site and its order in PDF."""
    demo_app = instance["demo_application"]
    organisation = next(
        o
        for o in instance["organisations"]
        if o["short_name"] == demo_app["organisation_short_name"]
    )
    registered = client.ensure_organisation(demo.organisation_payload(organisation))
    code = instance["code"]
    log(f"[{code}] организация: {registered['short_name']}")
    if client.site_for(registered["id"]):
        log(f"[{code}] площадка уже есть — пропускаю заявку")
    else:
        assign(client, instance, log)
    site = wait_for("the site in the registry", lambda: client.site_for(registered["id"]))
    document = wait_for("the order in documents", lambda: client.document_for(site["order_number"]))
    pdf_url = client.url("documents", f"/documents/{document['id']}/file.pdf")
    log(f"[{code}] приказ № {document['number']}: {pdf_url}")
    return {"district": code, "site": site, "document": document, "pdf_url": pdf_url}


def main() -> None:
    """Run the flow against the federation started by ``make run``."""
    if not ENDPOINTS.exists() or not KEYS.exists():
        sys.exit("Сначала запустите систему: make run (в другом терминале)")
    endpoints = json.loads(ENDPOINTS.read_text(encoding="utf-8"))
    try:
        keys = StackKeys.load(KEYS)
    except ValueError as error:
        sys.exit(f"Ключи системы не прочитаны: {error}. Перезапустите make run")
    try:
        run(endpoints, demo.load(), credentials(keys, endpoints))
    except FlowError as error:
        sys.exit(f"Сценарий не завершён: {error}")
    print("Готово: откройте страницы порталов округов и ММЦ, письма — в var/run/mail/")


if __name__ == "__main__":
    main()
