"""Small helpers shared by the use cases: loading aggregates, the acting user, audit lines."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from verone.backoffice.domain import errors
from verone.backoffice.domain.audit import AuditValue
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.errors import CustomerNotFound, DocumentNotFound, OrderNotFound
from verone.backoffice.domain.errors import NotFound as NotFound  # one not-found tree
from verone.backoffice.domain.orders import SalesOrder, derive_invoicing_status
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.users import ApiToken, Role, User
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services.actors import Actor

DOCUMENT_ENTITY = "financial_document"

#: What the use cases audit, and the audit log's name of each (its ``entity_type``).
AuditedEntity = FinancialDocument | Customer | Product | User | ApiToken
ENTITY_TYPES: dict[type[AuditedEntity], str] = {
    FinancialDocument: DOCUMENT_ENTITY,
    Customer: "customer",
    Product: "product",
    User: "user",
    ApiToken: "api_token",
}


def document_lock(document_id: uuid.UUID) -> str:
    return f"document:{document_id}"


def get_document(uow: UnitOfWork, document_id: uuid.UUID) -> FinancialDocument:
    document = uow.documents.get(document_id)
    if document is None:
        raise DocumentNotFound()
    return document


def lock_document(uow: UnitOfWork, document_id: uuid.UUID) -> FinancialDocument:
    """Take the document's lock and load it fresh (waits for a concurrent holder)."""
    uow.lock(document_lock(document_id))
    document = uow.documents.get_for_update(document_id)
    if document is None:
        raise DocumentNotFound()
    return document


def get_customer(uow: UnitOfWork, customer_id: uuid.UUID | None) -> Customer:
    customer = None if customer_id is None else uow.customers.get(customer_id)
    if customer is None:
        raise CustomerNotFound()
    return customer


def get_order(uow: UnitOfWork, order_id: uuid.UUID, *, for_update: bool = False) -> SalesOrder:
    order = uow.orders.get_for_update(order_id) if for_update else uow.orders.get(order_id)
    if order is None:
        raise OrderNotFound()
    return order


def acting_user(uow: UnitOfWork, actor: Actor, role: Role = Role.ACCOUNTANT) -> User:
    """The real user behind ``actor`` with at least ``role`` (no hard-coded ids, ever)."""
    if actor.user_id is None:
        raise errors.PermissionDenied("Cette action demande un utilisateur identifié.")
    user = uow.users.get(actor.user_id)
    if user is None or not user.active:
        raise errors.PermissionDenied("Utilisateur inconnu ou désactivé.")
    user.require(role)
    return user


def audit(
    uow: UnitOfWork,
    clock: Clock,
    actor_id: uuid.UUID | None,
    action: str,
    entity: AuditedEntity,
    details: Mapping[str, AuditValue] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Append the entry of ``action`` on ``entity`` (inside an open unit of work), dated
    ``at`` (the use case's own instant) or else now."""
    uow.audit.append(
        at=clock.now() if at is None else at,
        actor_id=actor_id,
        action=action,
        entity_type=ENTITY_TYPES[type(entity)],
        entity_id=str(entity.id),
        details=details,
    )


def refresh_order_status(uow: UnitOfWork, order_id: uuid.UUID | None) -> None:
    """Recompute the order's invoicing status from its invoices (inside an open unit of work)."""
    if order_id is None:
        return
    order = uow.orders.get(order_id)
    if order is not None:
        order.invoicing_status = derive_invoicing_status(order, uow.documents.by_order(order.id))
