"""Which address a request comes from: the direct peer, or, behind a trusted reverse proxy
(``TRACKER_TRUSTED_PROXIES``), the client it names in ``X-Forwarded-For``. Log-in
throttling and the audit log key on it (``docs/security.md``)."""

from __future__ import annotations

import ipaddress
import logging
import os

log = logging.getLogger(__name__)


def trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``TRACKER_TRUSTED_PROXIES``: addresses or networks of the reverse proxies, comma-separated."""
    networks = []
    for item in os.environ.get("TRACKER_TRUSTED_PROXIES", "").split(","):
        try:
            if item.strip():
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            log.warning("TRACKER_TRUSTED_PROXIES holds something that is not an address; ignored")
    return networks


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None = None) -> str:
    """The client's address: the direct peer, or, only when the peer is a trusted proxy,
    the right-most address in ``X-Forwarded-For`` that is not itself a trusted proxy.
    (Streamlit reports a peer on localhost as None.)"""
    peer_address = _address(peer) or ipaddress.ip_address("127.0.0.1")
    proxies = trusted_proxies()

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in proxies)

    if not trusted(peer_address) or not forwarded_for:
        return str(peer_address)
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break
        if not trusted(address):
            return str(address)
    return str(peer_address)
