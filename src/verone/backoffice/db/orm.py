"""Imperative mapping of the pure domain classes onto the tables (see docs/adr/0001).

``start_mappers()`` is idempotent. Aggregates load whole (a document with its items, an order
with its lines) through ``selectin``; there are no other relationships, so nothing lazy-loads.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, inspect
from sqlalchemy.orm import RelationshipProperty, registry, relationship

from verone.backoffice.db import tables as t
from verone.backoffice.db import tables_ops as o
from verone.backoffice.domain.audit import AuditEntry
from verone.backoffice.domain.banking import BankAccount, BankTransaction, PaymentAllocation
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.operations import Email, OutboxEntry, SyncRun, WebhookEvent
from verone.backoffice.domain.orders import SalesOrder, SalesOrderItem
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.reconciliation import RejectedMatch
from verone.backoffice.domain.users import ApiToken, User, UserSession

mapper_registry = registry(metadata=t.metadata)


def _after(target: type, column: Column[object] | None = None) -> RelationshipProperty[object]:
    """A private many-to-one that only tells the unit of work to insert ``target`` rows first.

    Aggregates reference each other by id; without a relationship SQLAlchemy would not order
    the INSERTs of one flush by their foreign keys. ``lazy="raise"``: it is never loaded.
    """
    return relationship(
        target,
        foreign_keys=[column] if column is not None else None,
        lazy="raise",
        viewonly=False,
    )


def _lines(line: type, table: Table) -> RelationshipProperty[object]:
    """An aggregate's lines: loaded with it, in ``position`` order, saved and deleted with it."""
    return relationship(
        line, order_by=table.c.position, cascade="all, delete-orphan", lazy="selectin"
    )


def start_mappers() -> None:
    """Map every domain class once; later calls do nothing."""
    if inspect(FinancialDocument, raiseerr=False) is not None:
        return
    _map_parties_and_orders()
    _map_documents()
    _map_operations()


def _map_parties_and_orders() -> None:
    m = mapper_registry.map_imperatively
    m(User, t.users)
    m(ApiToken, t.api_tokens, properties={"_user": _after(User)})
    m(UserSession, t.user_sessions, properties={"_user": _after(User)})
    m(Customer, t.customers)
    m(Product, t.products)
    m(SalesOrderItem, t.sales_order_items, properties={"_product": _after(Product)})
    m(
        SalesOrder,
        t.sales_orders,
        properties={
            "shipping_cost": t.sales_orders.c.shipping_cost_cents,
            "_customer": _after(Customer),
            "items": _lines(SalesOrderItem, t.sales_order_items),
        },
    )


def _map_documents() -> None:
    m = mapper_registry.map_imperatively
    m(
        DocumentItem,
        t.financial_document_items,
        properties={
            "subtotal": t.financial_document_items.c.subtotal_cents,
            "vat": t.financial_document_items.c.vat_cents,
            "total": t.financial_document_items.c.total_cents,
            "_order_item": _after(SalesOrderItem),
            "_product": _after(Product),
        },
    )
    docs = t.financial_documents.c
    m(
        FinancialDocument,
        t.financial_documents,
        version_id_col=docs.version,
        properties={
            "total_ht": docs.total_ht_cents,
            "total_vat": docs.total_vat_cents,
            "total_amount": docs.total_amount_cents,
            "amount_paid": docs.amount_paid_cents,
            "_customer": _after(Customer),
            "_order": _after(SalesOrder),
            "_creator": _after(User, docs.created_by),
            "_finalizer": _after(User, docs.finalized_by),
            "items": _lines(DocumentItem, t.financial_document_items),
        },
    )


def _map_operations() -> None:
    m = mapper_registry.map_imperatively
    m(AuditEntry, o.audit_log, properties={"_actor": _after(User)})
    m(OutboxEntry, o.outbox, properties={"_document": _after(FinancialDocument)})
    m(Email, o.emails, properties={"_document": _after(FinancialDocument)})
    m(BankAccount, o.bank_accounts, properties={"balance": o.bank_accounts.c.balance_cents})
    m(
        BankTransaction,
        o.bank_transactions,
        properties={
            "amount": o.bank_transactions.c.amount_cents,
            "settled_balance": o.bank_transactions.c.settled_balance_cents,
            "_account": _after(BankAccount),
        },
    )
    m(
        PaymentAllocation,
        o.payment_allocations,
        properties={
            "amount": o.payment_allocations.c.amount_cents,
            "_transaction": _after(BankTransaction),
            "_document": _after(FinancialDocument),
            "_user": _after(User),
        },
    )
    m(
        RejectedMatch,
        o.rejected_matches,
        properties={
            "_transaction": _after(BankTransaction),
            "_document": _after(FinancialDocument),
            "_user": _after(User),
        },
    )
    m(SyncRun, o.sync_runs)
    m(WebhookEvent, o.webhook_events)
