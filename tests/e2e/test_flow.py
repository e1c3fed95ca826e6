"""One status decision flows through every service and across the federation."""

import io
import re
from collections.abc import Callable

import httpx
import pytest
from pypdf import PdfReader

from imc_local import demo, flow
from imc_local.flow import DistrictClient, wait_for
from imc_local.mailbox import Mailbox
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e


def pdf_text(data: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_assignment_reaches_registry_documents_mail_scheduling_centre_and_portals(
    stack: Stack,
    api: httpx.Client,
    mailbox: Mailbox,
    demo_data: dict,
    assigned: list[dict],
    portal_login: Callable[[str, str], httpx.Client],
) -> None:
    endpoints = stack.endpoints()
    results = assigned
    assert [r["district"] for r in results] == ["yaya", "mariinsk", "buguruslan"]
    # the centre's own council gave Lyceum No. 1 its inter-municipal status (002 §8.4)
    assert results[-1]["site"]["kind"] == "intermunicipal_support"

    for result, district in zip(results[:-1], demo_data["districts"], strict=True):
        code = district["code"]
        services = endpoints[code]["services"]
        site = result["site"]
        demo_app = district["demo_application"]
        organisation = next(
            o
            for o in district["organisations"]
            if o["short_name"] == demo_app["organisation_short_name"]
        )

        # registry: active status of the right kind, with its term, leaders and order number
        assert site["status"] == "active"
        assert site["kind"] == demo_app["site_kind"]
        assert site["leader"]["full_name"] == demo_app["leader"]
        if demo_app["co_leader"]:
            assert site["co_leader"]["full_name"] == demo_app["co_leader"]
        else:
            assert site["co_leader"] is None  # 001 names no co-leader
        # the number comes from the issuer's journal: the IMC's for an ОСМП (000 §3.3),
        # the education department's for an internship site (001 §3.1)
        expected_number = "1-од" if demo_app["site_kind"] == "osmp" else "1"
        assert site["order_number"] == expected_number

        # documents: the order as PDF, with the topic and the number in its text
        pdf = api.get(result["pdf_url"])
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = squash(pdf_text(pdf.content))
        assert "ПРИКАЗ" in text
        assert f"№ {expected_number}" in text
        assert squash(demo_app["topic"]) in text
        issuer = district["issuers"][
            "imc" if demo_app["site_kind"] == "osmp" else "education_department"
        ]
        surname = issuer["signatory_name"].split()[0]
        assert surname in text
        docx = api.get(result["pdf_url"].replace("file.pdf", "file.docx"))
        assert docx.status_code == 200 and docx.content.startswith(b"PK")

        # the council's protocol was requested and rendered
        protocols = wait_for(
            "the council protocol",
            lambda: [
                d
                for d in api.get(services["documents"] + "/documents").json()
                if d["kind"] == "council_protocol"
            ],
        )
        assert protocols

        # notifications: the school heard the decision, then got the order with the PDF
        def order_mails() -> list:
            return [
                m
                for m in mailbox.to(organisation["email"])
                if any(a.get_content() == pdf.content for a in m.iter_attachments())
            ]

        mails = wait_for("the order email", order_mails, timeout=60)
        assert len(mails) == 1
        mail = mails[0]
        assert expected_number in str(mail["Subject"])
        body = mail.get_body(("plain",))
        assert body is not None and "Здравствуйте" in body.get_content()
        wait_for(
            "the extract from the protocol by email",
            lambda: [
                m
                for m in mailbox.to(organisation["email"])
                if "выписк" in str(m["Subject"]).lower()
            ],
            timeout=60,
        )
        decision_mails = [
            m for m in mailbox.to(organisation["email"]) if not list(m.iter_attachments())
        ]
        assert decision_mails, "the school was not told of the council's decision"

        # scheduling: the new site's road map is open
        roadmaps = wait_for(
            "the road map",
            lambda: [
                r
                for r in api.get(services["scheduling"] + "/roadmaps").json()
                if r["site_id"] == site["id"]
            ],
        )
        assert roadmaps[0]["period_end"] == site["term_end"]

        # the district's portal lists the site: to its methodist, and to the public
        page = portal_login(code, f"metodist@{code}").get("/sites").text
        assert f'data-site-id="{site["id"]}"' in page
        assert f'data-site-id="{site["id"]}"' in httpx.get(services["portal"] + "/public").text
        assert httpx.get(services["portal"] + "/sites").status_code == 303  # to /login
        # the public catalogue needs no token; everything else does, of this district
        public = httpx.get(services["registry"] + "/public/sites").json()
        assert [p["id"] for p in public] == [site["id"]]
        assert "email" not in str(public)
        assert httpx.get(services["registry"] + "/sites").status_code == 401
        assert httpx.get(result["pdf_url"]).status_code == 401
        other = next(d["code"] for d in demo_data["districts"] if d["code"] != code)
        foreign = httpx.get(services["registry"] + "/sites", auth=stack.auth(other))
        assert foreign.status_code == 403
        assert "другому району" in foreign.json()["message"]

    # the centre lists each site under the right district, on its API and its page
    centre = endpoints["buguruslan"]["services"]
    centre_sites = api.get(centre["federation"] + "/sites").json()
    assert httpx.get(centre["federation"] + "/sites").status_code == 401
    by_id = {s["site_id"]: s for s in centre_sites}
    for result in results:
        assert by_id[result["site"]["id"]]["district"] == result["district"]
    page = portal_login("buguruslan", "koordinator@buguruslan").get("/sites").text
    for result in results:
        assert re.search(
            rf'data-site-id="{result["site"]["id"]}"[^>]*data-district="{result["district"]}"'
            rf'|data-district="{result["district"]}"[^>]*data-site-id="{result["site"]["id"]}"',
            page,
        )


def test_extension_then_termination_by_council_and_order(
    stack: Stack, api: httpx.Client, mailbox: Mailbox, demo_data: dict
) -> None:
    """000 §3.7 and §3.8 on Yaya's ОСМП: extended once by a year, then terminated."""
    district = demo_data["districts"][0]
    endpoints = stack.endpoints()
    services = endpoints[district["code"]]["services"]
    client = DistrictClient(services, stack.auth(district["code"]))
    people = flow.load_people(client, district)
    school = next(
        o
        for o in district["organisations"]
        if o["short_name"] == district["demo_application"]["organisation_short_name"]
    )
    organisation = client.ensure_organisation(demo.organisation_payload(school))
    site = client.site_for(organisation["id"])
    assert site is not None and site["status"] == "active", "the assignment test runs first"
    council = district["council"]
    present = [people[council["head"]], *(people[name] for name in council["members"])]

    def meeting() -> dict:
        return client.meeting(present, people[council["head"]], people[council["secretary"]])

    # a second extension is refused by the rule; the first goes through
    item = client.decide(
        meeting(),
        {"type": "extension", "speaker": "Лаптева С. Н.", "site_id": site["id"], "months": 12},
        votes_for=len(present),
    )
    extension = client.order(item["id"])
    extended = wait_for(
        "the extension in the registry",
        lambda: (s := client.site_for(organisation["id"])) and s["status"] == "extended" and s,
    )
    assert extended["term_end"] > site["term_end"]
    again = api.post(
        client.url("applications", f"/meetings/{meeting()['id']}/items"),
        json={"type": "extension", "speaker": "Лаптева С. Н.", "site_id": site["id"], "months": 6},
    )
    assert again.status_code == 409
    assert "«продлена»" in again.json()["message"]
    assert again.json()["allowed_actions"] == ["terminate", "expire", "submit_report"]
    order_doc = wait_for(
        "the extension order",
        lambda: client.document_for(extension["number"], "order_site_extension"),
    )
    text = squash(
        pdf_text(api.get(client.url("documents", f"/documents/{order_doc['id']}/file.pdf")).content)
    )
    assert "продлении" in text

    # termination on a ground of 000 §3.8
    item = client.decide(
        meeting(),
        {
            "type": "termination",
            "speaker": "Голованова Т. В.",
            "site_id": site["id"],
            "grounds": ["staff_changes"],
        },
        votes_for=len(present),
    )
    termination = client.order(item["id"])
    wait_for(
        "the termination in the registry",
        lambda: (s := client.site_for(organisation["id"])) and s["status"] == "terminated",
    )
    wait_for(
        "the termination order",
        lambda: client.document_for(termination["number"], "order_site_termination"),
    )
    history = api.get(services["registry"] + f"/sites/{site['id']}/history").json()
    assert [h["status"] for h in history] == ["active", "extended", "terminated"]
    assert httpx.get(services["registry"] + "/public/sites").json() == []
    federation = endpoints["buguruslan"]["services"]["federation"]
    wait_for(
        "the termination at the centre",
        lambda: any(
            s["site_id"] == site["id"] and s["status"] == "terminated"
            for s in api.get(f"{federation}/sites", timeout=10).json()
        ),
    )
    audit = api.get(client.url("applications", "/audit"), params={"site_id": site["id"]}).json()
    assert [a["action"] for a in audit if a["entity"] == "site"] == [
        "activate",
        "extend",
        "terminate",
    ]
    assert {a["actor_name"] for a in audit} == {flow.ACTOR}
    wait_for(
        "the termination order by email",
        lambda: [
            m for m in mailbox.to(school["email"]) if termination["number"] in str(m["Subject"])
        ],
        timeout=60,
    )


def test_term_end_warnings_and_expiry_reach_the_school_registry_and_centre(
    stack: Stack, api: httpx.Client, mailbox: Mailbox, demo_data: dict
) -> None:
    """The daily check, run as of chosen days: warnings 30 and 7 days before, then lapse."""
    from datetime import date, timedelta

    district = demo_data["districts"][1]  # Mariinsk's internship site, assigned above
    endpoints = stack.endpoints()
    client = DistrictClient(endpoints[district["code"]]["services"], stack.auth(district["code"]))
    school = next(
        o
        for o in district["organisations"]
        if o["short_name"] == district["demo_application"]["organisation_short_name"]
    )
    organisation = client.ensure_organisation(demo.organisation_payload(school))
    site = client.site_for(organisation["id"])
    assert site is not None and site["status"] == "active", "the assignment test runs first"
    end = date.fromisoformat(site["term_end"])

    def check(day: date) -> dict:
        return dict(
            client.call(
                "POST", "applications", "/lifecycle/daily-checks", json={"today": day.isoformat()}
            )
        )

    assert check(end - timedelta(days=29))["warned"] == 1
    assert check(end - timedelta(days=28))["warned"] == 0  # once per warning
    assert check(end - timedelta(days=6))["warned"] == 1

    def warnings() -> list:
        return [
            m
            for m in mailbox.to(school["email"])
            if "заканчива" in str(m["Subject"]) and str(end.year) in str(m["Subject"])
        ]

    wait_for("both warnings by email", lambda: len(warnings()) >= 2, timeout=60)
    assert check(end + timedelta(days=1))["expired"] == 1
    wait_for(
        "the lapse in the registry",
        lambda: (s := client.site_for(organisation["id"])) and s["status"] == "expired",
    )
    federation = endpoints["buguruslan"]["services"]["federation"]
    wait_for(
        "the lapse at the centre",
        lambda: any(
            s["site_id"] == site["id"] and s["status"] == "expired"
            for s in api.get(f"{federation}/sites", timeout=10).json()
        ),
    )
    lifecycle = client.call("GET", "applications", f"/sites/{site['id']}")
    assert lifecycle["status"] == "expired"
    assert all(
        r["status"] != "pending" or r["due_on"] <= site["term_end"] for r in lifecycle["reports"]
    )


def test_bad_input_is_refused_with_its_field_and_a_refusal_reaches_the_school(
    stack: Stack, api: httpx.Client, mailbox: Mailbox, demo_data: dict
) -> None:
    district = demo_data["districts"][0]
    client = DistrictClient(
        stack.endpoints()[district["code"]]["services"], stack.auth(district["code"])
    )
    people = flow.load_people(client, district)
    school = next(
        o for o in district["organisations"] if o["short_name"] == "МБОУ «Яйская СОШ № 2»"
    )
    organisation = client.ensure_organisation(demo.organisation_payload(school))
    application = client.submit(
        organisation["id"], "Развитие читательской грамотности школьников", school["short_name"]
    )
    application = client.review(application, people["Рябова Елена Геннадьевна"])
    council = district["council"]
    present = [people[council["head"]], *(people[name] for name in council["members"])]
    meeting = client.meeting(present, people[council["head"]], people[council["secretary"]])
    good = {
        "type": "application",
        "speaker": "Рябова Е. Г.",
        "application_id": application["id"],
        "term_months": 12,
        "leader_id": people["Тихонова Анна Викторовна"],
        "co_leader_id": people["Рябова Елена Геннадьевна"],
    }
    url = client.url("applications", f"/meetings/{meeting['id']}/items")
    cases = [
        ({**good, "term_months": 36}, "term_months"),
        ({**good, "leader_id": people["Гусева Ирина Павловна"]}, "leader_id"),  # first category
        ({**good, "co_leader_id": people["Карпенко Юлия Сергеевна"]}, "co_leader_id"),
    ]
    for body, field in cases:
        response = api.post(url, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
        assert re.search("[а-яА-Я]", response.json()["message"])
    unchanged = api.get(client.url("applications", f"/applications/{application['id']}")).json()
    assert unchanged["status"] == "reviewed"
    assert unchanged["version"] == application["version"]

    stale = api.post(
        client.url("applications", f"/applications/{application['id']}/withdraw"),
        json={"version": application["version"] - 1, "reason": "проверка"},
    )
    assert stale.status_code == 409 and stale.json()["field"] == "version"

    unknown = api.post(
        client.url("applications", "/applications"),
        data={
            "organisation_id": "01a20000-0000-7000-8000-000000000000",
            "topic": "Тема для несуществующей организации",
        },
        files=flow.application_package("X", "Тема"),
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "organisation_id"

    # the council refuses with a reason: the school gets the decision and a letter
    item = client.decide(meeting, good, votes_for=2, reason="Не представлены результаты работы")
    assert item["adopted"] is False
    refused = api.get(client.url("applications", f"/applications/{application['id']}")).json()
    assert refused["status"] == "refused"
    early = api.post(client.url("applications", "/orders"), json={"item_id": item["id"]})
    assert early.status_code == 409
    letter = wait_for(
        "the refusal letter",
        lambda: next(
            (
                d
                for d in api.get(client.url("documents", "/documents")).json()
                if d["kind"] == "refusal_letter" and d["organisation_id"] == organisation["id"]
            ),
            None,
        ),
    )
    text = squash(
        pdf_text(api.get(client.url("documents", f"/documents/{letter['id']}/file.pdf")).content)
    )
    assert "Не представлены результаты работы" in text
    wait_for(
        "the refusal email",
        lambda: [
            m
            for m in mailbox.to(school["email"])
            if "Не представлены результаты работы" in m.get_body(("plain",)).get_content()
        ],
        timeout=60,
    )
    assert client.site_for(organisation["id"]) is None
