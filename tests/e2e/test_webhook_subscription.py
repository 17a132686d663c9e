"""The back office subscribed to its sandbox's webhooks (what ``verone serve`` does on the
embedded default): a transfer booked on the sandbox is mirrored within seconds, through the
signed delivery and its background processing, not at the next poll."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import func, or_, select

from tests.e2e.conftest import Stack
from verone.backoffice.db.tables_ops import bank_transactions, webhook_events
from verone.cli.webhooks import ensure_subscription


def _mirrored(stack: Stack, reference: str) -> bool:
    column = bank_transactions.c
    query = select(func.count()).where(
        or_(column.reference == reference, column.label.contains(reference))
    )
    with stack.container.engine.connect() as connection:
        return bool(connection.execute(query).scalar_one())


@pytest.mark.usefixtures("aligned_clock")
def test_a_sandbox_transfer_reaches_the_back_office_within_seconds(stack: Stack) -> None:
    callback = f"{stack.url}/api/qonto/webhooks"
    subscription = ensure_subscription(stack.container, callback)
    assert ensure_subscription(stack.container, callback).id == subscription.id
    reference = f"virement-{uuid.uuid4().hex[:8]}"
    with stack.sandbox() as sandbox:
        booked = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={"amount": "42.00", "reference": reference, "counterparty_name": "Dupont"},
        )
        assert booked.status_code == 201, booked.text
    deadline = time.monotonic() + 20
    while not _mirrored(stack, reference):
        assert time.monotonic() < deadline, "the transfer was not mirrored through the webhook"
        time.sleep(0.2)
    query = select(webhook_events.c.processed_at, webhook_events.c.error).where(
        webhook_events.c.event_type == "v1/transactions"
    )
    while True:
        with stack.container.engine.connect() as connection:
            events = connection.execute(query).all()
        if any(e.processed_at for e in events):
            break
        assert time.monotonic() < deadline, [e.error for e in events]
        time.sleep(0.2)
