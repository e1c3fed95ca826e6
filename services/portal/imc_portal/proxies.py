"""The address a person connects from when the portal sits behind reverse proxies.

Behind a proxy every request comes from the proxy's address; the proxy names the real
client in ``X-Forwarded-For`` (each proxy appends the address it received the request
from). The header is believed only when the direct peer is one of the trusted proxies
(``IMC_TRUSTED_PROXIES``): anyone else could write whatever they like into it.
"""

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

FORWARDED_FOR = "x-forwarded-for"
UNKNOWN = "unknown"


@lru_cache(maxsize=16)
def parse_networks(value: str) -> tuple[Network, ...]:
    """Comma-separated IP addresses or CIDR networks, e.g. ``10.0.0.0/8, ::1``.

    A lone address is a network of one. Raises :class:`ValueError` for an entry that is
    neither (a network with host bits set, ``10.0.0.1/8``, is refused too: likely a typo).
    """
    networks: list[Network] = []
    for entry in value.split(","):
        entry = entry.strip()
        if entry:
            networks.append(ipaddress.ip_network(entry, strict=True))
    return tuple(networks)


def _address(text: str) -> Address | None:
    """``text`` as an IP address, or None when it is not one (``unknown``, garbage)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def _trusted(address: Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(
    peer: str | None, forwarded_for_header: str | None, trusted: Iterable[Network]
) -> str:
    """The address of the person behind a request.

    ``peer`` is the direct peer of the connection; ``forwarded_for_header`` the
    ``X-Forwarded-For`` value (several headers joined with commas). When the peer is a
    trusted proxy, the header is walked from the right (the entry the nearest proxy
    added) past further trusted proxies; the first address that is not trusted is the
    client. Entries that are not IP addresses are skipped. If every entry is trusted, the
    left-most is the client. Otherwise (untrusted peer, no header) the peer is the client.
    """
    trusted = tuple(trusted)
    peer_text = (peer or "").strip() or UNKNOWN
    peer_address = _address(peer_text)
    if peer_address is None or not trusted or not _trusted(peer_address, trusted):
        return peer_text
    chain = [a for a in map(_address, (forwarded_for_header or "").split(",")) if a]
    for address in reversed(chain):
        if not _trusted(address, trusted):
            return str(address)
    return str(chain[0]) if chain else peer_text
