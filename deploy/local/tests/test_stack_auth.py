"""Keys and tokens of a local federation, what each service process gets, and the demo
accounts ``make run`` loads into the portals (no broker or service is started)."""

import json
import os
import stat
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import pytest

from imc_local import accounts as launcher
from imc_local import demo, flow
from imc_local.keys import LAUNCHER_ACTOR, StackKeys, generate_public
from imc_local.processes import ServiceCommandError, ServiceProcess
from imc_local.rabbit import RabbitNode
from imc_local.stack import CENTRE_SERVICES, DISTRICT_SERVICES, Stack, build_stack
from imc_shared.auth import Role, TokenVerifier

URL_VARIABLES = {f"IMC_{service.upper()}_URL" for service in CENTRE_SERVICES if service != "portal"}


def fake_nodes(tmp_path: Path, codes: list[str]) -> dict[str, RabbitNode]:
    """Nodes as ``start_brokers`` returns them, never started (only their URLs are read)."""
    return {
        code: RabbitNode(code, 5672 + number, 25672 + number, tmp_path, process=None)  # type: ignore[arg-type]
        for number, code in enumerate(codes)
    }


@pytest.fixture
def data() -> dict[str, Any]:
    return demo.load()


@pytest.fixture
def stack(tmp_path: Path, data: dict[str, Any]) -> Stack:
    districts, centre = demo.district_specs(data), demo.centre_spec(data)
    nodes = fake_nodes(tmp_path, [*(d.code for d in districts), centre.code])
    return build_stack(
        base_dir=tmp_path,
        districts=districts,
        centre=centre,
        nodes=nodes,
        passwords={"service": "s", "link": "l"},
        database_url=lambda code, service: f"sqlite+aiosqlite:///{tmp_path}/{code}/{service}.db",
        smtp=("127.0.0.1", 2525),
        keys=StackKeys.load_or_create(tmp_path / "keys.json"),
    )


def test_keys_are_kept_for_the_next_start_and_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "run" / "keys.json"
    first = StackKeys.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert StackKeys.load_or_create(path) == first
    assert first.public_keys.startswith("portal:") and ",service:" in first.public_keys
    assert generate_public(first.portal_signing) == first.portal_public
    assert StackKeys.generate() != first


def test_a_key_file_whose_pairs_do_not_match_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys, other = StackKeys.generate(), StackKeys.generate()
    mixed = {**asdict(keys), "portal_public": other.portal_public}
    path.write_text(json.dumps(mixed))
    with pytest.raises(ValueError, match="does not belong"):
        StackKeys.load(path)
    swapped = {**asdict(keys), "portal_signing": keys.service_signing}
    path.write_text(json.dumps(swapped))
    with pytest.raises(ValueError, match="key id"):
        StackKeys.load(path)
    path.write_text("{}")
    with pytest.raises(ValueError, match="not the key pairs"):
        StackKeys.load(path)


def test_every_service_trusts_both_keys_and_signs_with_the_service_key(stack: Stack) -> None:
    keys = stack.keys
    for instance in stack.instances:
        expected = CENTRE_SERVICES if instance.kind == "centre" else DISTRICT_SERVICES
        assert set(instance.services) == set(expected)
        for name, process in instance.services.items():
            env = process.env
            assert env["IMC_AUTH_PUBLIC_KEYS"] == f"{keys.portal_public},{keys.service_public}"
            signing = keys.portal_signing if name == "portal" else keys.service_signing
            assert env["IMC_AUTH_SIGNING_KEY"] == signing, process.name
            assert env["IMC_DATABASE_URL"].endswith(f"/{instance.code}/{name}.db")


def test_every_service_of_an_instance_keeps_its_local_time(stack: Stack) -> None:
    """Dates of orders and times people read follow where the instance is: Kemerovo
    region for the districts, Orenburg region for the centre."""
    zones = {
        instance.code: {p.env["IMC_TIME_ZONE"] for p in instance.services.values()}
        for instance in stack.instances
    }
    assert zones == {
        "yaya": {"Asia/Novokuznetsk"},
        "mariinsk": {"Asia/Novokuznetsk"},
        "buguruslan": {"Asia/Yekaterinburg"},
    }


def test_the_portal_knows_every_service_of_its_instance(stack: Stack) -> None:
    for instance in stack.instances:
        env = instance.services["portal"].env
        urls = {key: value for key, value in env.items() if key in URL_VARIABLES}
        expected = {
            f"IMC_{name.upper()}_URL": process.url
            for name, process in instance.services.items()
            if name != "portal"
        }
        assert urls == expected
        assert env["IMC_MODE"] == instance.kind
    assert "IMC_FEDERATION_URL" in stack.centre.services["portal"].env
    assert all("IMC_FEDERATION_URL" not in d.services["portal"].env for d in stack.districts)


def test_stack_tokens_carry_the_district_the_role_and_the_name(stack: Stack) -> None:
    verifier = TokenVerifier(stack.keys.public_keys)
    request = httpx.Request("GET", "http://127.0.0.1:1/sites")
    signed = next(stack.auth("yaya").auth_flow(request))
    principal = verifier.verify(signed.headers["Authorization"].removeprefix("Bearer "))
    assert (principal.district, principal.role, principal.name) == (
        "yaya",
        Role.DISTRICT_ADMIN,
        LAUNCHER_ACTOR,
    )
    signed = next(stack.auth(stack.centre.code).auth_flow(request))
    assert verifier.verify(signed.headers["Authorization"][7:]).role is Role.CENTRE_COORDINATOR
    signed = next(stack.auth("mariinsk", Role.TEACHER, name="Кравченко Н. С.").auth_flow(request))
    teacher = verifier.verify(signed.headers["Authorization"][7:])
    assert (teacher.district, teacher.role, teacher.name) == (
        "mariinsk",
        Role.TEACHER,
        "Кравченко Н. С.",
    )
    # a token signed by another stack's portal key is not trusted
    foreign = next(StackKeys.generate().auth("yaya", Role.METHODIST).auth_flow(request))
    with pytest.raises(Exception, match="подпис"):
        verifier.verify(foreign.headers["Authorization"][7:])


def test_staff_auth_signs_for_the_instance_the_url_names(stack: Stack) -> None:
    seen: list[tuple[str, Role]] = []
    verifier = TokenVerifier(stack.keys.public_keys)

    def answer(request: httpx.Request) -> httpx.Response:
        principal = verifier.verify(request.headers["Authorization"].removeprefix("Bearer "))
        seen.append((principal.district, principal.role))
        return httpx.Response(200, json=[])

    with httpx.Client(auth=stack.staff_auth(), transport=httpx.MockTransport(answer)) as client:
        client.get(stack.service("mariinsk", "registry").url + "/sites")
        client.get(stack.service(stack.centre.code, "federation").url + "/sites")
        with pytest.raises(LookupError):
            client.get("http://127.0.0.1:1/sites")
    assert seen == [("mariinsk", Role.DISTRICT_ADMIN), ("buguruslan", Role.CENTRE_COORDINATOR)]


def test_flow_credentials_match_the_stack(stack: Stack) -> None:
    verifier = TokenVerifier(stack.keys.public_keys)
    auth = flow.credentials(stack.keys, stack.endpoints())
    request = httpx.Request("GET", "http://127.0.0.1:1/")
    for code, role in (("yaya", Role.DISTRICT_ADMIN), ("buguruslan", Role.CENTRE_COORDINATOR)):
        signed = next(auth(code).auth_flow(request))
        principal = verifier.verify(signed.headers["Authorization"][7:])
        assert (principal.district, principal.role, principal.name) == (code, role, flow.ACTOR)


def test_every_instance_has_a_demo_account_of_every_role(data: dict[str, Any]) -> None:
    logins: set[str] = set()
    for instance in demo.instances(data):
        roles = {Role(account["role"]) for account in instance["accounts"]}
        staff = {Role.CENTRE_COORDINATOR} if instance is data["centre"] else {Role.DISTRICT_ADMIN}
        assert roles == staff | {
            Role.METHODIST,
            Role.COUNCIL_SECRETARY,
            Role.COUNCIL_MEMBER,
            Role.SCHOOL_REPRESENTATIVE,
            Role.TEACHER,
        }, instance["code"]
        people = {person["full_name"]: org for person, org in demo.people(instance)}
        council = instance["council"]
        for account in instance["accounts"]:
            assert account["login"].endswith(f"@{instance['code']}")
            assert account["login"] not in logins
            logins.add(account["login"])
            assert account["person"] in people, account
            # a school's people belong to their school, the IMC's people to none
            assert people[account["person"]] == account.get("organisation"), account
            if account["role"] == "council_secretary":
                assert account["person"] == council["secretary"]
            if account["role"] == "council_member":
                assert account["person"] in council["members"]
            if account["role"] == "school_representative":
                demo_school = instance["demo_application"]["organisation_short_name"]
                assert account["organisation"] == demo_school


def test_demo_accounts_name_the_registered_ids(data: dict[str, Any]) -> None:
    instance = data["districts"][0]
    organisations = {o["short_name"]: f"org-{n}" for n, o in enumerate(instance["organisations"])}
    people = {p["full_name"]: f"person-{n}" for n, (p, _) in enumerate(demo.people(instance))}
    records = demo.accounts(instance, organisations, people, "secret")
    teacher = next(r for r in records if r["role"] == "teacher")
    assert teacher == {
        "login": "pedagog@yaya",
        "password": "secret",
        "role": "teacher",
        "name": "Карпенко Юлия Сергеевна",
        "person_id": people["Карпенко Юлия Сергеевна"],
        "organisation_id": organisations["МБОУ «Яйская СОШ № 1»"],
    }
    methodist = next(r for r in records if r["role"] == "methodist")
    assert "organisation_id" not in methodist
    assert methodist["person_id"] == people["Лаптева Светлана Николаевна"]


FAKE_ACCOUNTS_CLI = """
import json, os, sys
assert sys.argv[1] == "load", sys.argv
records = json.load(open(sys.argv[2], encoding="utf-8"))
with open(os.environ["FAKE_OUT"], "a", encoding="utf-8") as out:
    out.write(json.dumps({
        "district": os.environ["IMC_DISTRICT"],
        "database": os.environ["IMC_DATABASE_URL"],
        "signing": os.environ["IMC_AUTH_SIGNING_KEY"],
        "logins": [r["login"] for r in records],
    }) + "\\n")
if os.environ["IMC_DISTRICT"] == "mariinsk":
    sys.exit("отказ: нет базы данных")
"""


def test_accounts_are_loaded_with_the_portals_cli_and_its_environment(
    stack: Stack, data: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "fake_accounts_cli.py").write_text(FAKE_ACCOUNTS_CLI, encoding="utf-8")
    out = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), *sys.path]))
    monkeypatch.setenv("FAKE_OUT", str(out))
    monkeypatch.setattr(launcher, "ACCOUNTS_CLI", "fake_accounts_cli")
    registered = {
        instance["code"]: flow.Registered(
            organisations={
                o["short_name"]: f"o{n}" for n, o in enumerate(instance["organisations"])
            },
            people={p["full_name"]: f"p{n}" for n, (p, _) in enumerate(demo.people(instance))},
        )
        for instance in demo.instances(data)
    }
    loaded = launcher.load_accounts(stack, data, registered)
    assert loaded == {"yaya": True, "mariinsk": False, "buguruslan": True}
    calls = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [c["district"] for c in calls] == ["yaya", "mariinsk", "buguruslan"]
    for call in calls:
        assert call["database"] == stack.service(call["district"], "portal").env["IMC_DATABASE_URL"]
        assert call["signing"] == stack.keys.portal_signing
    assert "koordinator@buguruslan" in calls[-1]["logins"]


def test_a_failing_service_command_reports_its_output(tmp_path: Path) -> None:
    process = ServiceProcess("yaya", "portal", "imc_portal", 1, {}, tmp_path / "log")
    document = tmp_path / "data.json"
    document.write_text('{"a": 1}')
    assert json.loads(process.run_command("json.tool", str(document))) == {"a": 1}
    with pytest.raises(ServiceCommandError, match="json.tool"):
        process.run_command("json.tool", str(tmp_path / "missing.json"))
