"""Invoicing half of the sandbox: clients, invoices, quotes, credit notes, uploads."""
