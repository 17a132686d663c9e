"""The client's address of a request: the peer, or, when the peer is one of the configured
trusted reverse proxies (``VERONE_TRUSTED_PROXIES``), the nearest untrusted address of
``X-Forwarded-For``. Login throttling counts attempts per this address."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from fastapi import Request

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, proxies: Sequence[IPNetwork]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in proxies)


def resolve_client_address(
    peer: str | None, forwarded_for: str | None, proxies: Sequence[IPNetwork]
) -> str:
    """Walk ``X-Forwarded-For`` from the right while the hop is a trusted proxy."""
    current = peer or "unknown"
    if not proxies or not _trusted(current, proxies) or not forwarded_for:
        return current
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops[-20:]):
        if _address(hop) is None:
            return current  # a malformed entry: stop at the last hop we can vouch for
        current = hop
        if not _trusted(hop, proxies):
            return hop
    return current


def client_address(request: Request, proxies: Sequence[IPNetwork]) -> str:
    peer = request.client.host if request.client else None
    return resolve_client_address(peer, request.headers.get("x-forwarded-for"), proxies)
