"""``--state FILE``: save, load, and an absent file meaning a fresh organization."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from verone.sandbox.config import SandboxConfig
from verone.sandbox.persistence import load_state, save_state
from verone.sandbox.state import SandboxState


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.json"
    config = SandboxConfig(transactions=50, state_file=str(path))
    state = SandboxState(config)
    txn_id = state.banking.book_incoming_transfer(Decimal("12.34"), "F-1", "Client")
    attachment = state.attachments.add(b"%PDF-1.4", "a.pdf", "application/pdf")
    state.webhooks.subscribe("http://127.0.0.1:1/h", ["v1/transactions"], "s", None)
    state.clock.advance(90)
    save_state(state, path)
    assert json.loads(path.read_text())["version"] == 1
    assert not list(path.parent.glob("*.tmp"))

    loaded = load_state(SandboxConfig(transactions=50, state_file=str(path)))
    assert loaded.banking.transaction(txn_id) is not None
    assert loaded.banking.main_account.balance_cents == state.banking.main_account.balance_cents
    stored = loaded.attachments.get(attachment)
    assert stored is not None
    assert stored.content == b"%PDF-1.4"
    assert len(loaded.webhooks.subscriptions) == 1
    assert loaded.clock.offset_seconds >= 90


def test_missing_file_gives_a_fresh_state(tmp_path: Path) -> None:
    state = load_state(SandboxConfig(transactions=20, state_file=str(tmp_path / "none.json")))
    assert len(state.banking.all_transactions()) == 20


def test_corrupt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="not a sandbox snapshot"):
        load_state(SandboxConfig(transactions=5, state_file=str(path)))
