"""The banking store: running balances, bisected date ranges, incoming transfers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from verone.qonto.types._base import from_wire_json
from verone.qonto.types.transactions import Transaction as TransactionWire
from verone.sandbox.banking.store import BankingStore, Transaction
from verone.sandbox.banking.wire import transaction_bytes, transaction_wire
from verone.sandbox.seeding.banking import DAY_MS, generate_banking
from verone.sandbox.wire import dump

NOW = 1_790_000_000_000


@pytest.fixture
def store() -> BankingStore:
    return generate_banking(3, NOW, 500)


def _walk(rows: list[Transaction]) -> int:
    balance = 0
    for txn in rows:
        if txn.status == "completed":
            balance += txn.signed_cents
            assert txn.balance_cents == balance
        else:
            assert txn.balance_cents is None
            assert txn.settled_ms is None
    return balance


def test_balances_are_continuous_per_account(store: BankingStore) -> None:
    for account in store.organization.bank_accounts:
        assert _walk(store.query(account.id)) == account.balance_cents


def test_settled_range_matches_a_plain_scan(store: BankingStore) -> None:
    main = store.main_account.id
    everything = store.query(main)
    low, high = NOW - 200 * DAY_MS, NOW - 100 * DAY_MS
    expected = [
        t.id for t in everything if t.settled_ms is not None and low <= t.settled_ms <= high
    ]
    got = [t.id for t in store.query(main, settled_from=low, settled_to=high)]
    assert got == expected
    assert got
    assert [t.id for t in store.query(main, settled_from=low)] == [
        t.id for t in everything if t.settled_ms is not None and t.settled_ms >= low
    ]


def test_descending_and_updated_sorts(store: BankingStore) -> None:
    main = store.main_account.id
    asc = store.query(main)
    assert store.query(main, descending=True) == asc[::-1]
    updated = [t.updated_ms for t in store.query(main, sort_field="updated_at")]
    assert updated == sorted(updated)


def test_incoming_transfer_lands_after_the_last_settlement(store: BankingStore) -> None:
    before = store.main_account.balance_cents
    txn_id = store.book_incoming_transfer(Decimal("250.10"), "F-2026-010", "Client", now_ms=NOW)
    txn = store.transaction(txn_id)
    assert txn is not None
    assert txn.amount_cents == 25010
    assert txn.side == "credit"
    assert store.main_account.balance_cents == before + 25010 == txn.balance_cents
    assert _walk(store.query(store.main_account.id)) == store.main_account.balance_cents
    early = store.book_incoming_transfer(Decimal("1"), "R", "C", now_ms=NOW - 400 * DAY_MS)
    early_txn = store.transaction(early)
    assert early_txn is not None
    assert early_txn.settled_ms == NOW


def test_incoming_transfer_to_the_second_account_by_iban(store: BankingStore) -> None:
    second = store.organization.bank_accounts[1]
    store.book_incoming_transfer(Decimal("3"), "R", "C", iban=second.iban.lower(), now_ms=NOW)
    settled = [t for t in store.query(second.id) if t.settled_ms is not None]
    assert settled[-1].reference == "R"
    with pytest.raises(KeyError):
        store.book_incoming_transfer(Decimal("3"), "R", "C", iban="FR7600", now_ms=NOW)
    with pytest.raises(ValueError, match="positive"):
        store.book_incoming_transfer(Decimal("0"), "R", "C", now_ms=NOW)


def test_snapshot_round_trip(store: BankingStore) -> None:
    store.book_incoming_transfer(Decimal("9.99"), "R", "C", now_ms=NOW)
    copy = BankingStore.from_snapshot(store.to_snapshot())
    assert copy.organization == store.organization
    assert copy.all_transactions() == store.all_transactions()
    assert copy.organization_ibans() == store.organization_ibans()


def test_cached_listings_follow_writes(store: BankingStore) -> None:
    main = store.main_account.id

    def with_files() -> list[str]:
        predicates = [lambda t: bool(t.attachment_ids)]
        return [t.id for t in store.query(main, predicates=predicates, cache_key="files")]

    assert with_files() == []
    first = store.query(main)[3]
    first.attachment_ids.append("att-1")
    assert with_files() == []  # a write that is not announced stays invisible to the cache
    store.touch(first, NOW)
    assert with_files() == [first.id]
    assert first.updated_ms >= NOW
    before = len(store.query(main, cache_key="all"))
    store.book_incoming_transfer(Decimal("1"), "R", "C", now_ms=NOW)
    assert len(store.query(main, cache_key="all")) == before + 1


def test_wire_model_round_trips_through_validation() -> None:
    store = generate_banking(11, NOW, 800)
    store.book_incoming_transfer(Decimal("1000"), "R", "C", now_ms=NOW)
    rows = store.all_transactions()
    rows[0].attachment_ids.append("att")
    for txn in rows:
        wire = dump(transaction_wire(txn))
        cached = transaction_bytes(store, txn)
        assert json.loads(cached) == wire
        assert dump(from_wire_json(TransactionWire, cached)) == wire
        assert "labels" not in wire
        assert "attachments" not in wire


def test_cached_wire_json_follows_every_change() -> None:
    store = generate_banking(5, NOW, 200)
    txn = store.all_transactions()[0]
    before = json.loads(transaction_bytes(store, txn))
    assert before["attachment_ids"] == []
    txn.attachment_ids.append("att-9")
    txn.attachment_required = True
    store.touch(txn, NOW + 1000)
    after = json.loads(transaction_bytes(store, txn))
    assert after["attachment_ids"] == ["att-9"]
    assert after["attachment_required"] is True
    assert after["updated_at"] != before["updated_at"]
    store.load(store.all_transactions())
    assert store.wire_cache == {}
