"""Webhook signature format and the hub's bookkeeping (deliveries run against real servers
in the contract tests)."""

from __future__ import annotations

import hashlib
import hmac

from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState
from verone.sandbox.webhooks import signature_header


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"evt"}'
    header = signature_header("whsec", 1700000000, body)
    expected = hmac.new(b"whsec", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_subscribe_replace_and_snapshot() -> None:
    state = SandboxState(SandboxConfig(transactions=5))
    hub = state.webhooks
    sub = hub.subscribe("http://127.0.0.1:1/h", ["v1/transactions"], None, "d")
    assert len(sub.secret) == 48  # generated when none is given
    hub.replace(sub, "http://127.0.0.1:1/x", ["v1/accounts"], None, None)
    assert (sub.callback_url, sub.types, sub.description) == (
        "http://127.0.0.1:1/x",
        ["v1/accounts"],
        None,
    )
    wire = hub.wire(sub)
    assert wire.organization_id == state.banking.organization.id
    other = SandboxState(SandboxConfig(transactions=5))
    other.webhooks.restore(hub.to_snapshot())
    assert other.webhooks.subscriptions == hub.subscriptions


def test_emit_without_subscribers_starts_nothing() -> None:
    state = SandboxState(SandboxConfig(transactions=5))
    state.webhooks.emit("v1/transactions", {"id": "x"})
    assert list(state.webhooks.deliveries) == []
    state.close()
