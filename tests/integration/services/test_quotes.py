"""Quotes: local drafts, issued only on confirmation, answered locally, converted to invoices."""

from __future__ import annotations

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    issue,
    recorded,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import DocumentStatus, InvoicingStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import invoicing, quotes, sending

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}


def test_a_quote_stays_local_until_confirmed_then_converts_with_quote_id(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    quote = quotes.create_quote_from_order(uow, clock, world.as_accountant, world.order.id)
    assert quote.status is DocumentStatus.DRAFT
    assert not [r for r in recorded(http) if r["path"] == "/v2/quotes"]

    issued = issue(uow, gateway, clock, world.as_accountant, quote.id).document
    assert issued.number == f"D-{clock.today().year}-001"
    assert issued.qonto_id is not None
    remote = http.get(f"/v2/quotes/{issued.qonto_id}", headers=AUTH).json()["quote"]
    assert remote["total_amount_cents"] == int(quote.total_amount * 100)

    accepted = quotes.accept_quote(uow, clock, world.as_accountant, quote.id)
    assert accepted.status is DocumentStatus.ACCEPTED
    invoice = quotes.convert_quote_to_invoice(uow, gateway, clock, world.as_accountant, quote.id)

    assert invoice.status is DocumentStatus.DRAFT
    assert invoice.parent_document_id == quote.id
    assert invoice.total_amount == quote.total_amount
    assert invoice.qonto_id is not None
    qonto_invoice = http.get(f"/v2/client_invoices/{invoice.qonto_id}", headers=AUTH).json()
    assert qonto_invoice["client_invoice"]["quote_id"] == issued.qonto_id
    with uow:
        stored = uow.documents.get(quote.id)
        order = uow.orders.get(world.order.id)
        assert stored is not None
        assert stored.status is DocumentStatus.CONVERTED
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.INVOICED
    with pytest.raises(errors.IllegalTransition):
        quotes.convert_quote_to_invoice(uow, gateway, clock, world.as_accountant, quote.id)


def test_decline_and_service_quote_and_invoice_to_quote(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    quote = quotes.create_service_quote(
        uow, clock, world.as_accountant, world.customer.id, service_items()
    )
    with pytest.raises(errors.IllegalTransition):
        quotes.decline_quote(uow, clock, world.as_accountant, quote.id)  # not issued yet
    issue(uow, gateway, clock, world.as_accountant, quote.id)
    sent = sending.send_document(uow, gateway, clock, world.as_accountant, quote.id)
    assert sent.channel == "qonto"
    declined = quotes.decline_quote(uow, clock, world.as_accountant, quote.id)
    assert declined.status is DocumentStatus.DECLINED

    invoice = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    copy = quotes.quote_from_invoice(uow, clock, world.as_accountant, invoice.id)
    assert copy.status is DocumentStatus.DRAFT
    assert copy.total_amount == invoice.total_amount
    assert copy.parent_document_id == invoice.id
