"""Clients, client invoices, quotes, credit notes and invoice uploads of the organization.

The store only holds records and answers look-ups; the use cases live in ``invoicing_*``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.numbering import Numbering
from verone.sandbox.invoicing.records import (
    ClientRecord,
    CreditNoteRecord,
    Identified,
    InvoiceRecord,
    QuoteRecord,
    UploadRecord,
)
from verone.sandbox.seeding.invoicing import seed_invoicing

if TYPE_CHECKING:
    from verone.sandbox.state import SandboxState

R = TypeVar("R", bound=Identified)


def _found(records: dict[str, R], record_id: str) -> R:
    """The record stored under ``record_id``, or Qonto's 404."""
    found = records.get(record_id)
    if found is None:
        raise QontoHTTPError(404, "not_found", "Not found")
    return found


class InvoicingStore:
    """In-memory records of the invoicing side of Qonto."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget every record, e-mail and number."""
        self.clients: dict[str, ClientRecord] = {}
        self.invoices: dict[str, InvoiceRecord] = {}
        self.quotes: dict[str, QuoteRecord] = {}
        self.credit_notes: dict[str, CreditNoteRecord] = {}
        self.uploads: dict[str, UploadRecord] = {}
        self.emails: list[dict[str, object]] = []
        self.numbering = Numbering()

    # ------------------------------------------------------------------ look-ups (404 if absent)

    def client(self, client_id: str) -> ClientRecord:
        return _found(self.clients, client_id)

    def invoice(self, invoice_id: str) -> InvoiceRecord:
        return _found(self.invoices, invoice_id)

    def quote(self, quote_id: str) -> QuoteRecord:
        return _found(self.quotes, quote_id)

    def credit_note(self, credit_note_id: str) -> CreditNoteRecord:
        return _found(self.credit_notes, credit_note_id)

    def upload(self, upload_id: str) -> UploadRecord:
        return _found(self.uploads, upload_id)

    def invoice_by_token(self, token: str) -> InvoiceRecord | None:
        return next((i for i in self.invoices.values() if i.token == token), None)

    def quote_by_token(self, token: str) -> QuoteRecord | None:
        return next((q for q in self.quotes.values() if q.token == token), None)

    def draft_number_taken(self, number: str, *, except_id: str | None = None) -> bool:
        """A custom number already carried by another invoice (draft or not)."""
        return any(inv.number == number and inv.id != except_id for inv in self.invoices.values())

    # ------------------------------------------------------------------ snapshot / restore

    def to_snapshot(self) -> dict[str, object]:
        def dump(records: dict[str, R]) -> list[object]:
            return [record.model_dump(mode="json") for record in records.values()]

        return {
            "clients": dump(self.clients),
            "invoices": dump(self.invoices),
            "quotes": dump(self.quotes),
            "credit_notes": dump(self.credit_notes),
            "uploads": dump(self.uploads),
            "emails": list(self.emails),
            "numbering": self.numbering.to_snapshot(),
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, object]) -> InvoicingStore:
        store = cls()

        def load(key: str, parse: Callable[[object], R]) -> dict[str, R]:
            raw = data.get(key, [])
            records = [parse(item) for item in raw] if isinstance(raw, list) else []
            return {record.id: record for record in records}

        store.clients = load("clients", ClientRecord.model_validate)
        store.invoices = load("invoices", InvoiceRecord.model_validate)
        store.quotes = load("quotes", QuoteRecord.model_validate)
        store.credit_notes = load("credit_notes", CreditNoteRecord.model_validate)
        store.uploads = load("uploads", UploadRecord.model_validate)
        emails = data.get("emails", [])
        if isinstance(emails, list):
            store.emails = [
                {str(k): v for k, v in e.items()} for e in emails if isinstance(e, dict)
            ]
        numbering = data.get("numbering", {})
        if isinstance(numbering, dict):
            store.numbering = Numbering.from_snapshot({str(k): v for k, v in numbering.items()})
        return store

    # ------------------------------------------------------------------ demo data

    def seed(self, state: SandboxState, *, clients: int, invoices: int) -> None:
        """Deterministic French clients, invoices, quotes and credit notes (``state.rng``)."""
        seed_invoicing(self, state, clients=clients, invoices=invoices)
