"""Customers and products written from the back office: create a customer (its Qonto client
is found or created at its first invoice), update a customer (and its Qonto client), create
and update products. Audited with the user.

``create_customer(uow, clock, actor, fields)`` → ``Customer``; ``update_customer(uow,
gateway, clock, actor, customer_id, changes)`` → ``Customer``; ``create_product(uow, clock,
actor, fields)`` and ``update_product(uow, clock, actor, product_id, changes)`` → ``Product``.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.parties import Customer, CustomerKind, Product
from verone.backoffice.domain.parties import CustomerFields as CustomerFields  # re-exported
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import NotFound, acting_user, audit
from verone.backoffice.services.outbox.clients import client_write_in_flight, lock_customer
from verone.backoffice.services.outbox.write import Done, Intent, Operation, Outcome, write


class DuplicateSku(errors.DomainError):
    code = "duplicate_sku"
    default_message = "Un produit existe déjà avec cette référence."


@dataclass(frozen=True, slots=True)
class ProductFields:
    sku: str
    name: str
    unit_price: Decimal
    vat_rate: Decimal
    unit: str | None = None
    description: str | None = None
    currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class ProductChanges:
    name: str | None = None
    unit_price: Decimal | None = None
    vat_rate: Decimal | None = None
    unit: str | None = None
    description: str | None = None
    active: bool | None = None


def create_customer(
    uow: UnitOfWork, clock: Clock, actor: Actor, fields: CustomerFields
) -> Customer:
    with uow:
        user = acting_user(uow, actor)
        customer = Customer(created_at=clock.now(), **dataclasses.asdict(fields))
        uow.customers.add(customer)
        audit(uow, clock, user.id, "customer.create", customer)
        uow.commit()
    return customer


#: The customer fields an update may change (``CustomerFields``' names).
CUSTOMER_FIELDS = frozenset(f.name for f in dataclasses.fields(CustomerFields))
_REQUIRED = frozenset({"kind", "currency", "locale"})


class ClientUpdateInFlight(errors.DomainError):
    code = "customer_update_in_flight"
    default_message = (
        "Une modification de ce client est en cours d'envoi à Qonto ; réessayez dans un instant."
    )


def _changed(customer: Customer, changes: Mapping[str, object]) -> Customer:
    """The customer as it would be after ``changes``, validated like a creation."""
    unknown = set(changes) - CUSTOMER_FIELDS
    if unknown:
        raise errors.InvalidDocument(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    for name in _REQUIRED & set(changes):
        if changes[name] is None:
            raise errors.InvalidDocument(f"Le champ {name} ne peut pas être vidé.")
    values = {f.name: getattr(customer, f.name) for f in dataclasses.fields(Customer)}
    values.update(changes)
    values["kind"] = CustomerKind(values["kind"])
    return Customer(**values)  # __post_init__: the creation's rules


def _copy_fields(source: Customer, target: Customer) -> None:
    for name in CUSTOMER_FIELDS:
        setattr(target, name, getattr(source, name))


def update_customer(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    customer_id: uuid.UUID,
    changes: Mapping[str, object],
) -> Customer:
    """Change a customer; ``changes`` maps ``CustomerFields`` names to new values (``None``
    clears an optional field). The result is validated like a creation.

    A customer without a Qonto client changes locally only (the client is made at its first
    invoice, from these values). A customer with one changes **only once Qonto has taken
    the change** (``PATCH /v2/clients/{id}``, outbox operation ``update_client``): the new
    values wait in the outbox entry and the local row is written with the outcome. So when
    Qonto refuses, nothing changed locally (the entry fails, the French error propagates);
    when the outcome is unknown, the local row keeps the old values and the recovery
    re-sends the same PATCH (safe to repeat) then writes them. The mirror never shows values
    Qonto does not have. While such an update (or the client's creation) is unsettled,
    another update of the customer is refused (``ClientUpdateInFlight``).
    """

    def prepare() -> Intent[Customer] | Done[Customer]:
        user = acting_user(uow, actor)
        customer = lock_customer(uow, customer_id)
        candidate = _changed(customer, changes)
        if client_write_in_flight(uow, customer_id):
            raise ClientUpdateInFlight()
        if not customer.qonto_client_id:
            _copy_fields(candidate, customer)
            audit(uow, clock, user.id, "customer.update", customer)
            return Done(customer)
        context = {
            "customer_id": str(customer_id),
            "by": str(user.id),
            "changes": json.dumps(_wire(changes), sort_keys=True),
        }
        return Intent(candidate, None, context)

    def call(candidate: Customer, key: str) -> None:
        assert candidate.qonto_client_id is not None
        gateway.update_client(candidate.qonto_client_id, candidate, key)

    def apply(candidate: Customer, _answer: None) -> tuple[Customer, Outcome]:
        return apply_customer_update(uow, clock, candidate, actor_id(actor))

    return write(uow, clock, Operation.UPDATE_CLIENT, prepare, call, apply)


def actor_id(actor: Actor) -> uuid.UUID:
    assert actor.user_id is not None  # checked by ``acting_user`` in the intent step
    return actor.user_id


def _wire(changes: Mapping[str, object]) -> dict[str, object]:
    return {k: None if v is None else str(v) for k, v in changes.items()}


def apply_customer_update(
    uow: UnitOfWork, clock: Clock, candidate: Customer, user_id: uuid.UUID
) -> tuple[Customer, Outcome]:
    """Inside an open unit of work: write the values Qonto took, audited ``customer.update``."""
    customer = lock_customer(uow, candidate.id)
    _copy_fields(candidate, customer)
    audit(uow, clock, user_id, "customer.update", customer)
    return customer, {"customer_id": str(customer.id), "qonto_id": customer.qonto_client_id}


def staged_customer(customer: Customer, changes_json: str | None) -> Customer:
    """The customer with the changes an ``update_client`` entry staged (for the recovery)."""
    data = json.loads(changes_json or "{}")
    if not isinstance(data, dict):
        raise errors.InvalidDocument("Modification du client illisible.")
    return _changed(customer, data)


def create_product(uow: UnitOfWork, clock: Clock, actor: Actor, fields: ProductFields) -> Product:
    with uow:
        user = acting_user(uow, actor)
        if uow.products.by_sku(fields.sku.strip()) is not None:
            raise DuplicateSku()
        product = Product(
            created_at=clock.now(), **(dataclasses.asdict(fields) | {"sku": fields.sku.strip()})
        )
        uow.products.add(product)
        audit(uow, clock, user.id, "product.create", product)
        uow.commit()
    return product


def update_product(
    uow: UnitOfWork, clock: Clock, actor: Actor, product_id: uuid.UUID, changes: ProductChanges
) -> Product:
    """Change a product of the catalogue (documents already made keep their own lines)."""
    with uow:
        user = acting_user(uow, actor)
        product = uow.products.get(product_id)
        if product is None:
            raise NotFound("Produit introuvable.")
        candidate = Product(
            sku=product.sku,
            name=changes.name if changes.name is not None else product.name,
            unit_price=changes.unit_price if changes.unit_price is not None else product.unit_price,
            vat_rate=changes.vat_rate if changes.vat_rate is not None else product.vat_rate,
            created_at=product.created_at,
        )  # validates the result before anything changes
        product.name, product.unit_price = candidate.name, candidate.unit_price
        product.vat_rate = candidate.vat_rate
        if changes.unit is not None:
            product.unit = changes.unit
        if changes.description is not None:
            product.description = changes.description
        if changes.active is not None:
            product.active = changes.active
        audit(uow, clock, user.id, "product.update", product)
        uow.commit()
    return product
