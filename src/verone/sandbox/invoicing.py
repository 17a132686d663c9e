"""Clients, client invoices, quotes, credit notes and invoice uploads of the organization."""

from __future__ import annotations


class InvoicingStore:
    """In-memory records of the invoicing side of Qonto."""
