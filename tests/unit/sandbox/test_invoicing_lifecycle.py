"""Invoice use cases driven directly (no HTTP): random lifecycles keep numbering gapless."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verone.sandbox.config import SandboxConfig
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.credit_notes import create_credit_note
from verone.sandbox.invoicing.invoices import (
    create_invoice,
    delete_invoice,
    finalize_invoice,
    items_from,
    mark_as_canceled,
    mark_as_paid,
)
from verone.sandbox.invoicing.params import CreditNoteIn, InvoiceIn
from verone.sandbox.invoicing.records import ClientRecord, InvoiceRecord, ItemRecord
from verone.sandbox.invoicing.rules import InvoiceStatus, totals
from verone.sandbox.state import SandboxState

ITEM = {
    "title": "Lampe",
    "quantity": "1",
    "unit_price": {"value": "10.00", "currency": "EUR"},
    "vat_rate": "0.2",
}


def new_state() -> SandboxState:
    state = SandboxState(SandboxConfig(transactions=5))
    now = state.clock.now()
    client = ClientRecord(
        id="c1", kind="company", name="Verone", currency="EUR", created_at=now, updated_at=now
    )
    state.invoicing.clients[client.id] = client
    return state


def draft(state: SandboxState, year: int = 2026, **fields: object) -> InvoiceRecord:
    body = InvoiceIn.model_validate(
        {
            "client_id": "c1",
            "issue_date": f"{year}-03-01",
            "due_date": f"{year}-04-01",
            "currency": "EUR",
            "payment_methods": {"iban": state.banking.main_account.iban},
            "items": [ITEM],
            **fields,
        }
    )
    return create_invoice(state, body)


actions = st.lists(
    st.tuples(
        st.sampled_from(["draft", "unpaid", "finalize", "delete", "cancel"]), st.integers(0, 9)
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(actions, st.sampled_from([2025, 2026]))
def test_random_lifecycles_keep_numbers_gapless_and_unique(
    steps: list[tuple[str, int]], year: int
) -> None:
    state = new_state()
    for action, pick in steps:
        drafts = [i for i in state.invoicing.invoices.values() if i.status == InvoiceStatus.DRAFT]
        unpaid = [i for i in state.invoicing.invoices.values() if i.status == InvoiceStatus.UNPAID]
        if action == "draft":
            draft(state, year)
        elif action == "unpaid":
            draft(state, year, status="unpaid")
        elif action == "finalize" and drafts:
            finalize_invoice(state, drafts[pick % len(drafts)])
        elif action == "delete" and drafts:
            delete_invoice(state, drafts[pick % len(drafts)])
        elif action == "cancel" and unpaid:
            mark_as_canceled(state, unpaid[pick % len(unpaid)])
    invoices = list(state.invoicing.invoices.values())
    numbers = [i.number for i in invoices if i.number is not None]
    assert len(numbers) == len(set(numbers))
    assert sorted(numbers) == [f"F-{year}-{n:03d}" for n in range(1, len(numbers) + 1)]
    for invoice in invoices:
        assert (invoice.number is None) == (invoice.status == InvoiceStatus.DRAFT)


def test_canceled_invoice_keeps_its_number_and_the_next_one_follows() -> None:
    state = new_state()
    first = draft(state, status="unpaid")
    mark_as_canceled(state, first)
    second = draft(state, status="unpaid")
    assert (first.number, second.number) == ("F-2026-001", "F-2026-002")


def test_custom_number_never_collides_with_the_sequence() -> None:
    state = new_state()
    custom = draft(state, number="F-2026-002", status="unpaid")
    first, third = draft(state, status="unpaid"), draft(state, status="unpaid")
    assert [custom.number, first.number, third.number] == ["F-2026-002", "F-2026-001", "F-2026-003"]
    with pytest.raises(QontoHTTPError) as caught:
        draft(state, number="F-2026-003")
    assert caught.value.status == 409


def test_paid_at_cannot_be_in_the_future() -> None:
    state = new_state()
    invoice = draft(state, status="unpaid")
    with pytest.raises(QontoHTTPError):
        mark_as_paid(state, invoice, date(2999, 1, 1))
    mark_as_paid(state, invoice, None)
    assert invoice.status == InvoiceStatus.PAID


def items_of(body: CreditNoteIn) -> list[ItemRecord]:
    return items_from(body.items, body.currency)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3000), min_size=1, max_size=8))
def test_credit_notes_never_exceed_the_invoice(cents: list[int]) -> None:
    state = new_state()
    invoice = draft(
        state,
        status="unpaid",
        items=[{**ITEM, "unit_price": {"value": "25.00", "currency": "EUR"}}],
    )
    invoice_total = totals(invoice.items, invoice.discount).total  # 30.00
    credited = Decimal(0)
    for amount in cents:
        price = str(Decimal(amount) / 100)
        body = CreditNoteIn.model_validate(
            {
                "invoice_id": invoice.id,
                "issue_date": "2026-03-02",
                "reason": "Casse",
                "currency": "EUR",
                "items": [{**ITEM, "unit_price": {"value": price, "currency": "EUR"}}],
            }
        )
        amount_with_vat = totals(items_of(body), None).total
        if credited + amount_with_vat > invoice_total:
            with pytest.raises(QontoHTTPError) as caught:
                create_credit_note(state, body)
            assert caught.value.status == 422
        else:
            create_credit_note(state, body)
            credited += amount_with_vat
    assert credited <= invoice_total
    assert (invoice.status == InvoiceStatus.CANCELED) == (credited == invoice_total)
