"""One status decision flows through every service and across the federation."""

import io
import re
import shutil
import subprocess

import httpx
import pytest
from pypdf import PdfReader

from imc_local import flow
from imc_local.flow import DistrictClient, wait_for
from imc_local.mailbox import Mailbox
from imc_local.stack import Stack

pytestmark = pytest.mark.e2e


def pdf_text(data: bytes) -> str:
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_assignment_reaches_registry_documents_mail_scheduling_centre_and_portals(
    stack: Stack, mailbox: Mailbox, demo_data: dict
) -> None:
    endpoints = stack.endpoints()
    results = flow.run(endpoints, demo_data, log=lambda _: None)
    assert [r["district"] for r in results] == ["yaya", "mariinsk"]

    for result, district in zip(results, demo_data["districts"], strict=True):
        code = district["code"]
        services = endpoints[code]["services"]
        site = result["site"]
        demo_app = district["demo_application"]
        organisation = next(
            o
            for o in district["organisations"]
            if o["short_name"] == demo_app["organisation_short_name"]
        )

        # registry: active status with its term, leaders and order number
        assert site["status"] == "active"
        assert site["order_number"] == demo_app["order_number"]
        assert site["leader"]["full_name"] == demo_app["leader"]
        assert site["co_leader"]["full_name"] == demo_app["co_leader"]

        # documents: the order as PDF, with the topic and the number in its text
        pdf = httpx.get(result["pdf_url"], timeout=30)
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        text = squash(pdf_text(pdf.content))
        assert "ПРИКАЗ" in text
        assert demo_app["order_number"] in text
        assert squash(demo_app["topic"]) in text
        docx = httpx.get(result["pdf_url"].replace("file.pdf", "file.docx"), timeout=30)
        assert docx.status_code == 200 and docx.content.startswith(b"PK")

        # notifications: the school's contact got the email with the PDF attached
        mails = wait_for("the email", lambda: mailbox.to(organisation["email"]), timeout=60)
        assert len(mails) == 1
        mail = mails[0]
        assert demo_app["order_number"] in str(mail["Subject"])
        body = mail.get_body(("plain",))
        assert body is not None and "Здравствуйте" in body.get_content()
        attachments = list(mail.iter_attachments())
        assert len(attachments) == 1
        attached = attachments[0].get_content()
        assert attached == pdf.content
        assert demo_app["order_number"] in squash(pdf_text(attached))

        # scheduling: the new site's road map is open
        roadmaps = wait_for(
            "the road map",
            lambda: [
                r
                for r in httpx.get(services["scheduling"] + "/roadmaps").json()
                if r["site_id"] == site["id"]
            ],
        )
        assert roadmaps[0]["period_end"] == site["term_end"]

        # the district's page lists the site
        page = httpx.get(services["portal"] + "/").text
        assert f'data-site-id="{site["id"]}"' in page
        assert organisation["short_name"].replace("«", "&laquo;") in page or (
            organisation["short_name"] in page
        )

    # the centre lists each site under the right district, on its API and its page
    centre = endpoints["buguruslan"]["services"]
    centre_sites = httpx.get(centre["federation"] + "/sites").json()
    by_id = {s["site_id"]: s for s in centre_sites}
    for result in results:
        assert by_id[result["site"]["id"]]["district"] == result["district"]
    page = httpx.get(centre["portal"] + "/").text
    for result in results:
        assert re.search(
            rf'data-site-id="{result["site"]["id"]}"[^>]*data-district="{result["district"]}"'
            rf'|data-district="{result["district"]}"[^>]*data-site-id="{result["site"]["id"]}"',
            page,
        )


def test_bad_decision_is_refused_with_its_field_and_changes_nothing(
    stack: Stack, demo_data: dict
) -> None:
    district = demo_data["districts"][0]
    client = DistrictClient(stack.endpoints()[district["code"]]["services"])
    organisation = client.ensure_organisation(
        {
            "full_name": "Муниципальное бюджетное дошкольное образовательное учреждение "
            "«Детский сад № 99 (проверка)»",
            "short_name": "МБДОУ «Детский сад № 99»",
            "kind": "doo",
            "email": "ds99@yaya.example.ru",
        }
    )
    application = client.submit(
        organisation["id"], "Развитие речи дошкольников в игре", organisation["short_name"]
    )
    good = flow.assignment(district, district["demo_application"])
    cases = [
        ({**good, "term_years": 3}, "term_years"),
        ({**good, "leader": None}, "leader"),
        ({**good, "order_number": " "}, "order_number"),
    ]
    url = client.url("applications", f"/applications/{application['id']}/decision")
    for body, field in cases:
        response = httpx.post(url, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
        assert re.search("[а-яА-Я]", response.json()["message"])
    unknown = httpx.post(
        client.url("applications", "/applications"),
        data={
            "organisation_id": "01a20000-0000-7000-8000-000000000000",
            "topic": "Тема для несуществующей организации",
        },
        files=flow.application_package("X", "Тема"),
    )
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "organisation_id"
    assert (
        httpx.get(client.url("applications", f"/applications/{application['id']}")).json()["status"]
        == "submitted"
    )
    assert client.site_for(organisation["id"]) is None


def test_district_and_centre_pages_in_a_real_browser(stack: Stack, tmp_path) -> None:
    """Headless Chromium loads the pages; the sites are in the DOM it renders."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is required (deploy/local/install-system-deps.sh installs it)"
    endpoints = stack.endpoints()
    for code in ("yaya", "buguruslan"):
        url = endpoints[code]["services"]["portal"] + "/"
        result = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / code}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        dom = result.stdout
        assert "Методические площадки" in dom
        assert dom.count("data-site-id=") >= (2 if code == "buguruslan" else 1), dom[:2000]
