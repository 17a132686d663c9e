"""Find or create the Qonto client of a customer, once per customer.

Under the customer's lock (a row lock on PostgreSQL, the write lock on SQLite), a request
either reads the stored Qonto id, or sees another request's find-or-create in flight and
waits for it, or records its own intent (the claim) and commits. Only the claim's holder
asks Qonto (search by e-mail / VAT number, then create), outside any transaction; the id is
stored when the intent is settled. So parallel first documents make one Qonto client.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from verone.backoffice.domain import errors
from verone.backoffice.domain.parties import Customer
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.outbox.write import (
    Done,
    Intent,
    Operation,
    Outcome,
    intent_context,
    write,
)

#: How long a request waits for another request's find-or-create of the same customer.
CLAIM_WAIT_SECONDS = 15.0
_POLL_SECONDS = 0.05


class _ClaimInFlight(Exception):
    """Another request holds the customer's find-or-create: wait for it."""


@dataclass(frozen=True, slots=True)
class _Claim:
    customer: Customer


def lock_customer(uow: UnitOfWork, customer_id: uuid.UUID) -> Customer:
    """Take the customer's lock and load it fresh (waits for a concurrent holder)."""
    customer = uow.customers.get_for_update(customer_id)
    if customer is None:
        raise errors.CustomerNotFound()
    return customer


def client_claim_in_flight(uow: UnitOfWork, customer_id: uuid.UUID) -> bool:
    """Whether a find-or-create of this customer's Qonto client is still unsettled."""
    wanted = str(customer_id)
    return any(
        entry.operation == Operation.CREATE_CLIENT
        and intent_context(entry).get("customer_id") == wanted
        for entry in uow.outbox.list_unsettled()
    )


def ensure_qonto_client(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    customer_id: uuid.UUID,
    *,
    wait_seconds: float = CLAIM_WAIT_SECONDS,
) -> str:
    """The customer's Qonto client id, stored on the customer once known.

    Raises ``QontoOutcomeUnknown`` when another find-or-create of the customer is still
    unsettled after ``wait_seconds`` (the recovery settles a crashed one).
    """

    def prepare() -> Intent[_Claim] | Done[str]:
        customer = lock_customer(uow, customer_id)
        if customer.qonto_client_id:
            return Done(customer.qonto_client_id)
        if client_claim_in_flight(uow, customer_id):
            raise _ClaimInFlight
        return Intent(_Claim(customer), None, {"customer_id": str(customer_id)})

    def call(claim: _Claim, key: str) -> str:
        found = gateway.find_client(claim.customer)
        if found is not None:
            with uow:  # a found client held by another customer: refuse (the entry fails)
                holder = uow.customers.by_qonto_client_id(found)
            if holder is not None and holder.id != customer_id:
                raise ClientLinkedElsewhere()
            return found
        return gateway.create_client(claim.customer, key)

    def apply(claim: _Claim, client_id: str) -> tuple[str, Outcome]:
        store_client_id(uow, customer_id, client_id)
        return client_id, {"qonto_id": client_id}

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return write(uow, clock, Operation.CREATE_CLIENT, prepare, call, apply)
        except _ClaimInFlight:
            if time.monotonic() >= deadline:
                raise errors.QontoOutcomeUnknown(
                    "Le client Qonto de ce client est en cours de création ; réessayez dans "
                    "un instant."
                ) from None
            time.sleep(_POLL_SECONDS)


class ClientLinkedElsewhere(errors.QontoRejected):
    """The Qonto client found for a customer already belongs to another local customer."""

    code = "qonto_client_linked_elsewhere"
    default_message = (
        "Le client Qonto trouvé (même e-mail ou n° de TVA) est déjà lié à un autre client : "
        "corrigez l'e-mail ou le n° de TVA de l'un des deux, puis recommencez."
    )


def store_client_id(uow: UnitOfWork, customer_id: uuid.UUID, client_id: str) -> None:
    """Inside an open unit of work: record the customer's Qonto client id.

    Raises ``ClientLinkedElsewhere`` (a clear refusal, not the unique index's error) when
    another local customer already holds that Qonto client.
    """
    holder = uow.customers.by_qonto_client_id(client_id)
    if holder is not None and holder.id != customer_id:
        raise ClientLinkedElsewhere()
    lock_customer(uow, customer_id).qonto_client_id = client_id


def client_write_in_flight(uow: UnitOfWork, customer_id: uuid.UUID) -> bool:
    """Whether a create or an update of this customer's Qonto client is still unsettled."""
    wanted = str(customer_id)
    return any(
        entry.operation in (Operation.CREATE_CLIENT, Operation.UPDATE_CLIENT)
        and intent_context(entry).get("customer_id") == wanted
        for entry in uow.outbox.list_unsettled()
    )
