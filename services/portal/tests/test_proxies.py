"""Client addresses behind trusted reverse proxies (X-Forwarded-For) and login throttling."""

import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from imc_portal.app import create_app
from imc_portal.proxies import client_address, parse_networks
from imc_portal.settings import PortalSettings
from imc_shared import testing
from imc_shared.auth import PORTAL_KEY_ID, Role
from imc_shared.settings import SettingsError, load_settings

pytestmark = pytest.mark.timeout(120)

DISTRICT = "yaya"
PROXY = "10.1.0.2"
TRUSTED = "10.1.0.0/24, 127.0.0.1"


def nets(value: str = TRUSTED) -> Any:
    return parse_networks(value)


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("203.0.113.9", "198.51.100.1", nets()) == "203.0.113.9"
    assert client_address("203.0.113.9", "10.1.0.5, 198.51.100.1", nets()) == "203.0.113.9"
    # Nobody trusted: the header never counts, whatever the peer.
    assert client_address(PROXY, "198.51.100.1", ()) == PROXY
    assert client_address(PROXY, "198.51.100.1", nets("")) == PROXY


def test_one_trusted_proxy_names_the_client() -> None:
    assert client_address(PROXY, "198.51.100.1", nets()) == "198.51.100.1"
    # The client put its own (spoofed) entry first; the proxy appended the real address.
    assert client_address(PROXY, "1.2.3.4, 198.51.100.1", nets()) == "198.51.100.1"
    # No header from the proxy: the proxy's own address is all there is.
    assert client_address(PROXY, None, nets()) == PROXY
    assert client_address(PROXY, "", nets()) == PROXY


def test_two_trusted_proxies_are_walked_past() -> None:
    chain = "1.2.3.4, 198.51.100.1, 127.0.0.1"
    assert client_address(PROXY, chain, nets()) == "198.51.100.1"
    # Every entry trusted: the left-most is the client.
    assert client_address(PROXY, "10.1.0.7, 127.0.0.1", nets()) == "10.1.0.7"


def test_cidr_networks_and_ipv6() -> None:
    trusted = nets("10.0.0.0/8, 2001:db8::/32")
    assert client_address("10.200.3.4", "198.51.100.1", trusted) == "198.51.100.1"
    assert client_address("11.0.0.1", "198.51.100.1", trusted) == "11.0.0.1"
    assert client_address("2001:db8::5", "2001:db8::9, 2a00::1", trusted) == "2a00::1"
    assert client_address("2001:db8::5", "[2a00::2]:5555", trusted) == "2a00::2"
    # An IPv4 peer written as IPv6 (dual-stack sockets) is still the trusted proxy.
    assert client_address("::ffff:10.0.0.3", "198.51.100.1", trusted) == "198.51.100.1"


def test_garbage_entries_are_skipped() -> None:
    header = "198.51.100.1, unknown, not-an-ip, , 999.1.1.1, _hidden"
    assert client_address(PROXY, header, nets()) == "198.51.100.1"
    assert client_address(PROXY, "198.51.100.1:4711, garbage", nets()) == "198.51.100.1"
    # Nothing usable in the header: the proxy itself.
    assert client_address(PROXY, "unknown, garbage", nets()) == PROXY
    # A peer that is no IP address at all is never trusted.
    assert client_address("testclient", "198.51.100.1", nets()) == "testclient"
    assert client_address(None, "198.51.100.1", nets()) == "unknown"


def test_trusted_proxies_setting_is_checked() -> None:
    env = {
        "IMC_DISTRICT": DISTRICT,
        "IMC_REGISTRY_URL": "http://registry",
        "IMC_AUTH_SIGNING_KEY": testing.keys()[PORTAL_KEY_ID][0],
    }
    assert load_settings(PortalSettings, "portal", env).trusted_networks == ()
    settings = load_settings(
        PortalSettings, "portal", {**env, "IMC_TRUSTED_PROXIES": " 10.0.0.0/8 ,::1,"}
    )
    assert [str(n) for n in settings.trusted_networks] == ["10.0.0.0/8", "::1/128"]
    for bad in ("10.0.0.300", "proxy.local", "10.0.0.1/8"):
        with pytest.raises(SettingsError, match="IMC_TRUSTED_PROXIES"):
            load_settings(PortalSettings, "portal", {**env, "IMC_TRUSTED_PROXIES": bad})


def settings_for(database_url: str, **extra: Any) -> PortalSettings:
    return PortalSettings(
        service="portal",
        district=DISTRICT,
        database_url=database_url,
        registry_url="http://127.0.0.1:9",
        auth_signing_key=testing.keys()[PORTAL_KEY_ID][0],
        **extra,
    )


class Peers:
    """The portal as if each request came straight from the address in ``X-Test-Peer``
    (the test client always says ``testclient``); a proxy in front would be that peer."""

    def __init__(self, app: Litestar) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        peer = dict(scope.get("headers", ())).get(b"x-test-peer")
        if scope["type"] == "http" and peer:
            scope = {**scope, "client": (peer.decode(), 40000)}
        await self.app(scope, receive, send)


@contextlib.asynccontextmanager
async def opened(kit: Any, settings: PortalSettings, clock: Any) -> AsyncIterator[Any]:
    app = create_app(settings, clock=clock, hasher=kit.fast_hasher())
    client = AsyncTestClient(app=cast(Litestar, Peers(app)), base_url="https://testserver.local")
    async with client:

        async def attempt(peer: str, forwarded_for: str, login: str, password: str) -> int:
            """A login from ``peer`` (a proxy or a browser) with that header; the status."""
            client.headers.update({"X-Test-Peer": peer, "X-Forwarded-For": forwarded_for})
            return int((await kit.log_in(client, login, password)).status_code)

        yield attempt


async def test_people_behind_one_trusted_proxy_are_throttled_separately(
    kit: Any, database_url: str
) -> None:
    clock = kit.Clock()
    settings = settings_for(database_url, trusted_proxies=TRUSTED)
    async with opened(kit, settings, clock) as attempt:
        for login in ("secretary", "member", "teacher"):
            await kit.add_account(database_url, login=login, role=Role.METHODIST, district=DISTRICT)
        anna = (PROXY, "198.51.100.1")
        boris = (PROXY, "1.2.3.4, 198.51.100.2")
        for number in range(5):
            clock.advance(minutes=1)
            assert await attempt(*anna, f"unknown-{number}", "не-тот-пароль") == 400
        # Anna's address is locked, even for an account she has not tried.
        assert await attempt(*anna, "secretary", kit.PASSWORD) == 429
        # Boris comes through the same proxy and is not.
        assert await attempt(*boris, "secretary", kit.PASSWORD) == 303

        # A browser that is no trusted proxy cannot dodge its lock by naming other
        # addresses, nor lock the person its header names (Boris).
        for number in range(5):
            header = f"192.0.2.{number}, 198.51.100.2"
            assert await attempt("203.0.113.9", header, f"guess-{number}", "не-тот") == 400
        assert await attempt("203.0.113.9", "198.51.100.9", "member", kit.PASSWORD) == 429
        assert await attempt(*boris, "teacher", kit.PASSWORD) == 303


async def test_without_trusted_proxies_the_header_is_ignored(kit: Any, database_url: str) -> None:
    clock = kit.Clock()
    async with opened(kit, settings_for(database_url), clock) as attempt:
        await kit.add_account(database_url, login="member", role=Role.METHODIST, district=DISTRICT)
        for number in range(5):
            clock.advance(minutes=1)
            assert await attempt(PROXY, "198.51.100.1", f"unknown-{number}", "x") == 400
        # Both share the proxy's address: one person's failures lock the other.
        assert await attempt(PROXY, "198.51.100.2", "member", kit.PASSWORD) == 429
