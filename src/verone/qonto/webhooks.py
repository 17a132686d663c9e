"""Verify Qonto webhook deliveries: ``X-Qonto-Signature: t={unix},v1={hex HMAC-SHA256}``.

The signed string is ``{t}.{raw body}`` (the bytes as received, never re-serialized), keyed
with the subscription's secret. Pure functions: no I/O, no clock unless ``now`` is omitted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from pydantic import ValidationError

from verone.qonto._exceptions import QontoError
from verone.qonto._responses import loads
from verone.qonto.types._base import from_wire
from verone.qonto.types.webhooks import WebhookEvent

SIGNATURE_HEADER = "X-Qonto-Signature"
DEFAULT_TOLERANCE = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits: "²".isdigit() is True


class WebhookSignatureError(QontoError):
    """A delivery whose signature header is missing, malformed, wrong or too old."""


def compute_signature(timestamp: int, raw_body: bytes, secret: str) -> str:
    """The hex HMAC-SHA256 of ``{timestamp}.{raw_body}``."""
    message = f"{timestamp}.".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(raw_body: bytes, secret: str, timestamp: int) -> str:
    """A header value as Qonto sends it (useful to test a receiver)."""
    return f"t={timestamp},v1={compute_signature(timestamp, raw_body, secret)}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """``t=…,v1=…[,v1=…]`` → (timestamp, signatures)."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            if not _TIMESTAMP.fullmatch(value):
                raise WebhookSignatureError("signature header has a non-numeric timestamp")
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        raise WebhookSignatureError("signature header must look like 't=<unix>,v1=<hex>'")
    return timestamp, signatures


def verify_signature(
    header: str | None,
    raw_body: bytes,
    secret: str,
    *,
    now: int | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> WebhookEvent:
    """Check a delivery and return its parsed event; raise ``WebhookSignatureError`` if not.

    ``tolerance`` (seconds) bounds the distance between the signed timestamp and ``now``,
    which stops replays of an old delivery.
    """
    if not header:
        raise WebhookSignatureError(f"missing {SIGNATURE_HEADER} header")
    if not secret:
        raise WebhookSignatureError("no webhook secret configured")
    timestamp, signatures = parse_header(header)
    expected = compute_signature(timestamp, raw_body, secret)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise WebhookSignatureError("signature does not match the body and secret")
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance:
        raise WebhookSignatureError(
            f"signature timestamp is {abs(current - timestamp)} s away from now "
            f"(tolerance {tolerance} s): possible replay"
        )
    try:
        return from_wire(WebhookEvent, loads(raw_body))
    except (ValueError, ValidationError):
        raise WebhookSignatureError("signed body is not a Qonto webhook event") from None
