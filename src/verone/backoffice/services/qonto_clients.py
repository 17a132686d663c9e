"""Find or create the Qonto client of a customer: stored id, then e-mail / VAT, then create."""

from __future__ import annotations

import uuid

from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.common import get_customer
from verone.backoffice.services.writes import (
    Operation,
    call_qonto,
    mark_succeeded,
    record_intent,
)


def ensure_qonto_client(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, customer_id: uuid.UUID
) -> str:
    """The customer's Qonto client id, stored on the customer once known."""
    with uow:
        customer = get_customer(uow, customer_id)
        if customer.qonto_client_id:
            return customer.qonto_client_id
    found = gateway.find_client(customer)
    with uow:
        customer = get_customer(uow, customer_id)
        if found is not None:
            customer.qonto_client_id = found
            uow.commit()
            return found
        entry = record_intent(
            uow,
            clock,
            Operation.CREATE_CLIENT,
            document_id=None,
            context={"customer_id": str(customer_id)},
        )
        uow.commit()
    client_id = call_qonto(uow, clock, entry, lambda key: gateway.create_client(customer, key))
    with uow:
        customer = get_customer(uow, customer_id)
        customer.qonto_client_id = client_id
        mark_succeeded(uow, clock, entry.id, {"qonto_id": client_id})
        uow.commit()
    return client_id
