"""The transactions sync's ingest path: a page's bytes parsed once into the wire models (the
same values as the client's models), then checked item by item; a bad row in the middle of a
page is recorded and skipped, its neighbours kept."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from verone.backoffice.integrations.qonto_sync import WireTransaction, parse_transaction_page
from verone.backoffice.services.sync_transactions import (
    AccountSyncResult,
    CursorTracker,
    check_page,
)
from verone.qonto._responses import loads
from verone.qonto.types.transactions import Transaction, TransactionList

GOLDEN = Path(__file__).parents[2] / "contract" / "fixtures" / "transactions_list.json"
ACCOUNT = uuid.uuid4()


def _item(number: int, **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": f"txn-{number:03d}",
        "amount": 12.5,
        "amount_cents": 1250,
        "settled_balance": 100.25,
        "settled_balance_cents": 10025,
        "side": "credit",
        "currency": "EUR",
        "label": "VIR SEPA",
        "status": "completed",
        "emitted_at": f"2026-03-01T10:{number % 60:02d}:00.000Z",
        "updated_at": f"2026-03-01T11:{number % 60:02d}:00.000Z",
        "settled_at": f"2026-03-01T11:{number % 60:02d}:00.000Z",
        "attachment_ids": [],
    }
    item.update(changes)
    return item


def _body(items: list[dict[str, object]]) -> bytes:
    meta = {"current_page": 1, "total_pages": 1, "total_count": len(items), "per_page": 100}
    return json.dumps({"transactions": items, "meta": meta}).encode()


def test_the_wire_model_is_a_part_of_the_clients_model() -> None:
    client_fields = {field.alias or name for name, field in Transaction.model_fields.items()}
    mine = {
        field.validation_alias if isinstance(field.validation_alias, str) else name
        for name, field in WireTransaction.model_fields.items()
    }
    assert mine <= client_fields


def test_the_golden_page_reads_the_same_as_through_the_clients_models() -> None:
    body = GOLDEN.read_bytes()
    page = parse_transaction_page(body)
    reference = TransactionList.model_validate(loads(body)).transactions
    assert page.unreadable == []
    assert len(page.items) == len(reference) == 2
    for mine, theirs in zip(page.items, reference, strict=True):
        assert mine.qonto_id == theirs.id
        assert mine.amount == theirs.amount
        assert isinstance(mine.amount, Decimal)
        assert mine.amount_cents == theirs.amount_cents
        assert mine.settled_balance == theirs.settled_balance
        assert mine.side == str(theirs.side)
        assert mine.status == str(theirs.status)
        assert mine.emitted_at == theirs.emitted_at
        assert mine.updated_at == theirs.updated_at
        assert mine.settled_at == theirs.settled_at
        assert mine.counterparty_name == theirs.clean_counterparty_name
        assert mine.reference == theirs.reference
        transfer = theirs.transfer
        assert mine.counterparty_iban == (
            transfer.counterparty_account_number if transfer else None
        )


def test_json_numbers_become_exact_decimals() -> None:
    page = parse_transaction_page(_body([_item(1, amount=0.1, amount_cents=10)]))
    assert page.items[0].amount == Decimal("0.1")


def test_a_batch_with_bad_rows_in_the_middle_keeps_the_others_and_reports_them() -> None:
    items = [_item(n) for n in range(1, 11)]
    items[4] = _item(5, amount="douze euros")  # not even a transaction's shape
    items[5] = _item(6, amount=12.5, amount_cents=1249)  # amount ≠ amount_cents
    items[6] = _item(7, status="x" * 40)  # would not fit the mirror's column
    page = parse_transaction_page(_body(items))
    result = AccountSyncResult("acc", uuid.uuid4(), full=True)
    tracker = CursorTracker()
    rows = check_page(page, ACCOUNT, result, tracker)
    assert [r.qonto_id for r in rows] == [f"txn-{n:03d}" for n in (1, 2, 3, 4, 8, 9, 10)]
    assert result.items_seen == 10
    skipped = {s.qonto_id: s.reason for s in result.skipped}
    assert set(skipped) == {"txn-005", "txn-006", "txn-007"}
    assert "illisible" in skipped["txn-005"]
    assert "amount_cents" in skipped["txn-006"]
    assert "statut" in skipped["txn-007"]
    assert all(r.amount_cents == 1250 and r.settled_balance_cents == 10025 for r in rows)
    assert all(r.bank_account_id == ACCOUNT for r in rows)
    # the cursor may not pass the skipped items (the unreadable one has no usable date)
    assert tracker.next_cursor(None) is None
    previous = datetime(2026, 1, 1, tzinfo=UTC)
    assert tracker.next_cursor(previous) == previous
