"""Webhook signature verification with a known vector (computed independently with openssl)."""

from __future__ import annotations

import pytest

from verone.qonto import WebhookSignatureError, verify_signature
from verone.qonto.webhooks import sign

SECRET = "whsec_test"
BODY = b'{"id":"evt-1","type":"v1/client-invoices","data":{"id":"inv-1"}}'
T = 1_700_000_000
VECTOR = "e73a1610be272d10350c73e4686224cc887f271ce5d22120a5679ffda1db3c9b"
HEADER = f"t={T},v1={VECTOR}"


def test_known_vector_verifies_and_parses_the_event() -> None:
    event = verify_signature(HEADER, BODY, SECRET, now=T + 10)
    assert event.id == "evt-1"
    assert event.type == "v1/client-invoices"
    assert event.data == {"id": "inv-1"}


def test_sign_produces_the_vector() -> None:
    assert sign(BODY, SECRET, T) == HEADER


def test_any_of_several_v1_signatures_may_match() -> None:
    header = f"t={T},v1={'0' * 64},v1={VECTOR}"
    assert verify_signature(header, BODY, SECRET, now=T).id == "evt-1"


@pytest.mark.parametrize(
    ("header", "body", "secret", "message"),
    [
        (HEADER, BODY + b" ", SECRET, "does not match"),
        (HEADER, BODY, "other-secret", "does not match"),
        (f"t={T + 1},v1={VECTOR}", BODY, SECRET, "does not match"),
        ("v1=" + VECTOR, BODY, SECRET, "must look like"),
        (f"t=abc,v1={VECTOR}", BODY, SECRET, "non-numeric"),
        ("", BODY, SECRET, "missing"),
    ],
)
def test_rejections(header: str, body: bytes, secret: str, message: str) -> None:
    with pytest.raises(WebhookSignatureError, match=message):
        verify_signature(header, body, secret, now=T)


def test_old_timestamp_is_a_replay() -> None:
    with pytest.raises(WebhookSignatureError, match="possible replay"):
        verify_signature(HEADER, BODY, SECRET, now=T + 301)
    assert verify_signature(HEADER, BODY, SECRET, now=T + 301, tolerance=600).id == "evt-1"


def test_signed_body_that_is_not_an_event() -> None:
    body = b'{"hello":"world"}'
    with pytest.raises(WebhookSignatureError, match="not a Qonto webhook event"):
        verify_signature(sign(body, SECRET, T), body, SECRET, now=T)
