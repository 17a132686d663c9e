"""The invoicing store: look-ups, snapshot/restore and deterministic seeding."""

from __future__ import annotations

import json
import re

import pytest

from verone.sandbox.config import SandboxConfig
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.numbering import Series
from verone.sandbox.invoicing.rules import InvoiceStatus, QuoteStatus, totals
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.state import SandboxState


def seeded(seed: int = 7, clients: int = 12, invoices: int = 60) -> SandboxState:
    state = SandboxState(SandboxConfig(seed=seed, transactions=10))
    state.invoicing.seed(state, clients=clients, invoices=invoices)
    return state


def shape(store: InvoicingStore) -> list[tuple[str | None, str, str]]:
    return [
        (inv.number, inv.status, str(totals(inv.items, inv.discount).total))
        for inv in store.invoices.values()
    ]


def test_lookups_answer_404_for_unknown_ids() -> None:
    store = InvoicingStore()
    for lookup in (store.client, store.invoice, store.quote, store.credit_note, store.upload):
        with pytest.raises(QontoHTTPError) as caught:
            lookup("nope")
        assert (caught.value.status, caught.value.code) == (404, "not_found")


def test_seed_is_deterministic_for_a_seed() -> None:
    first, second, other = seeded(), seeded(), seeded(seed=8)
    assert shape(first.invoicing) == shape(second.invoicing)
    assert list(first.invoicing.invoices) == list(second.invoicing.invoices)
    assert shape(first.invoicing) != shape(other.invoicing)


def test_seed_makes_french_clients_of_both_kinds() -> None:
    clients = list(seeded().invoicing.clients.values())
    assert len(clients) == 12
    kinds = {c.kind for c in clients}
    assert kinds == {"company", "individual"}
    for client in clients:
        assert client.currency == "EUR"
        assert client.locale == "FR"
        assert client.billing_address is not None
        assert client.billing_address.country_code == "FR"
        if client.kind == "company":
            assert re.fullmatch(r"\d{9}", client.tax_identification_number or "")
            vat = client.vat_number or ""
            assert vat == f"FR{vat[2:4]}{client.tax_identification_number}"
            assert int(vat[2:4]) == (12 + 3 * (int(vat[4:]) % 97)) % 97
        else:
            assert client.first_name
            assert client.last_name


def test_seed_covers_every_status_with_gapless_numbers() -> None:
    store = seeded(invoices=120).invoicing
    statuses = {inv.status for inv in store.invoices.values()}
    assert statuses == set(InvoiceStatus)
    for inv in store.invoices.values():
        assert (inv.number is None) == (inv.status == InvoiceStatus.DRAFT)
    numbers = [inv.number for inv in store.invoices.values() if inv.number]
    by_year: dict[str, list[int]] = {}
    for number in numbers:
        _, year, seq = number.split("-")
        by_year.setdefault(year, []).append(int(seq))
    for seqs in by_year.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert {q.status for q in store.quotes.values()} <= set(QuoteStatus)
    assert store.quotes
    assert store.credit_notes
    for note in store.credit_notes.values():
        invoice = store.invoices[note.invoice_id]
        assert note.id in invoice.credit_note_ids
        assert totals(note.items, None).total < totals(invoice.items, invoice.discount).total


def test_seed_replaces_previous_records() -> None:
    state = seeded()
    state.invoicing.seed(state, clients=3, invoices=0)
    assert len(state.invoicing.clients) == 3
    assert not state.invoicing.invoices
    assert not state.invoicing.quotes


def test_snapshot_round_trips_through_json() -> None:
    state = seeded()
    store = state.invoicing
    store.emails.append({"to": ["a@b.fr"], "subject": "Facture"})
    data = json.loads(json.dumps(store.to_snapshot()))
    restored = InvoicingStore.from_snapshot(data)
    assert restored.to_snapshot() == store.to_snapshot()
    assert shape(restored) == shape(store)
    assert restored.emails == [{"to": ["a@b.fr"], "subject": "Facture"}]
    year = next(iter(store.invoices.values())).issue_date.year
    last = store.numbering.last_sequence(Series.INVOICE, year)
    assert last > 0
    assert restored.numbering.last_sequence(Series.INVOICE, year) == last


def test_state_snapshot_includes_the_invoicing_store() -> None:
    state = seeded()
    snapshot = state.to_snapshot()
    other = SandboxState(SandboxConfig(seed=7, transactions=10))
    other.restore(json.loads(json.dumps(snapshot)))
    assert shape(other.invoicing) == shape(state.invoicing)


def test_tokens_find_their_documents() -> None:
    store = seeded().invoicing
    invoice = next(iter(store.invoices.values()))
    quote = next(iter(store.quotes.values()))
    assert store.invoice_by_token(invoice.token) is invoice
    assert store.quote_by_token(quote.token) is quote
    assert store.invoice_by_token("unknown") is None
