"""Customers and products written from the back office: create a customer (its Qonto client
is found or created at its first invoice), create and update products. Audited with the user.

``create_customer(uow, clock, actor, fields)`` → ``Customer``; ``create_product(uow, clock,
actor, fields)`` and ``update_product(uow, clock, actor, product_id, changes)`` → ``Product``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.parties import Customer, CustomerKind, Product
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import NotFound, acting_user


class DuplicateSku(errors.DomainError):
    code = "duplicate_sku"
    default_message = "Un produit existe déjà avec cette référence."


@dataclass(frozen=True, slots=True)
class CustomerFields:
    kind: CustomerKind
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    siren: str | None = None
    siret: str | None = None
    billing_street: str | None = None
    billing_postal_code: str | None = None
    billing_city: str | None = None
    billing_country: str | None = None
    currency: str = "EUR"
    locale: str = "fr"


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


def _audit(
    uow: UnitOfWork, clock: Clock, user_id: uuid.UUID, action: str, kind: str, entity: str
) -> None:
    uow.audit.append(
        at=clock.now(), actor_id=user_id, action=action, entity_type=kind, entity_id=entity
    )


def create_customer(
    uow: UnitOfWork, clock: Clock, actor: Actor, fields: CustomerFields
) -> Customer:
    with uow:
        user = acting_user(uow, actor)
        customer = Customer(
            kind=fields.kind,
            created_at=clock.now(),
            company_name=fields.company_name,
            first_name=fields.first_name,
            last_name=fields.last_name,
            email=fields.email,
            phone=fields.phone,
            vat_number=fields.vat_number,
            siren=fields.siren,
            siret=fields.siret,
            billing_street=fields.billing_street,
            billing_postal_code=fields.billing_postal_code,
            billing_city=fields.billing_city,
            billing_country=fields.billing_country,
            currency=fields.currency,
            locale=fields.locale,
        )
        uow.customers.add(customer)
        _audit(uow, clock, user.id, "customer.create", "customer", str(customer.id))
        uow.commit()
    return customer


def create_product(uow: UnitOfWork, clock: Clock, actor: Actor, fields: ProductFields) -> Product:
    with uow:
        user = acting_user(uow, actor)
        if uow.products.by_sku(fields.sku.strip()) is not None:
            raise DuplicateSku()
        product = Product(
            sku=fields.sku.strip(),
            name=fields.name,
            unit_price=fields.unit_price,
            vat_rate=fields.vat_rate,
            created_at=clock.now(),
            currency=fields.currency,
            unit=fields.unit,
            description=fields.description,
        )
        uow.products.add(product)
        _audit(uow, clock, user.id, "product.create", "product", str(product.id))
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
        _audit(uow, clock, user.id, "product.update", "product", str(product.id))
        uow.commit()
    return product
