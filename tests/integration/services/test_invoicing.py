"""Invoice use cases against the sandbox and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

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
from verone.backoffice.services import invoicing
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.outbox.recovery import settle_outbox


def qonto_invoice(http: TestClient, qonto_id: str) -> dict[str, object]:
    response = http.get(
        f"/v2/client_invoices/{qonto_id}",
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    )
    response.raise_for_status()
    body = response.json()["client_invoice"]
    assert isinstance(body, dict)
    return body


def test_invoice_from_order_creates_one_qonto_draft_and_the_local_document(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )

    assert document.status is DocumentStatus.DRAFT
    assert document.qonto_id is not None
    assert document.number is None
    remote = qonto_invoice(http, document.qonto_id)
    assert remote["status"] == "draft"
    assert remote["total_amount_cents"] == int(document.total_amount * 100)
    assert remote["vat_amount_cents"] == int(document.total_vat * 100)
    # 4 x 149.90 + 420.00 + 25.00 shipping = 1 044.60 HT, 20 % VAT
    assert document.total_ht == Decimal("1044.60")
    assert document.total_amount == Decimal("1253.52")
    assert [i.title for i in document.items] == ["Chaise en chêne", "Table basse", "Frais de port"]
    with uow:
        stored = uow.documents.get(document.id)
        order = uow.orders.get(world.order.id)
        customer = uow.customers.get(world.customer.id)
        entries = uow.outbox.for_document(document.id)
        assert stored is not None
        assert stored.qonto_id == document.qonto_id
        assert stored.created_by == world.accountant.id
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.INVOICED
        assert customer is not None
        assert customer.qonto_client_id is not None
        assert [(e.operation, str(e.status)) for e in entries] == [("create_draft", "succeeded")]
    creates = [r for r in recorded(http) if r["method"] == "POST"]
    assert all(r["idempotency_key"] for r in creates)


def test_partial_invoicing_then_the_rest_then_over_invoicing_is_refused(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    chairs, table = world.order.items
    first = invoicing.create_invoice_from_order(
        uow,
        gateway,
        clock,
        world.as_accountant,
        world.order.id,
        quantities={chairs.id: Decimal("1")},
    )
    with uow:
        order = uow.orders.get(world.order.id)
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.PARTIALLY_INVOICED
    second = invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )
    assert [i.quantity for i in first.items if i.sales_order_item_id] == [Decimal("1")]
    assert {i.sales_order_item_id: i.quantity for i in second.items if i.sales_order_item_id} == {
        chairs.id: Decimal("3"),
        table.id: Decimal("1"),
    }
    assert not any(i.title == "Frais de port" for i in second.items)
    with pytest.raises(errors.OverInvoicing):
        invoicing.create_invoice_from_order(
            uow,
            gateway,
            clock,
            world.as_accountant,
            world.order.id,
            quantities={table.id: Decimal("1")},
        )


def test_service_invoice_is_inserted_locally(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    with uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        assert stored.status is DocumentStatus.DRAFT
        assert stored.total_amount == Decimal("395.35")
    assert document.qonto_id is not None
    assert qonto_invoice(http, document.qonto_id)["total_amount_cents"] == 39535


def test_a_viewer_cannot_create_an_invoice(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    with pytest.raises(errors.PermissionDenied):
        invoicing.create_service_invoice(
            uow,
            gateway,
            clock,
            Actor.interactive(world.viewer.id),
            world.customer.id,
            service_items(),
        )


def test_qonto_rejection_leaves_nothing_half_written(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    http.put(
        "/_sandbox/faults",
        json={"rules": [{"method": "POST", "path": "/v2/client_invoices", "error_status": 422}]},
    ).raise_for_status()
    with pytest.raises(errors.QontoRejected) as caught:
        invoicing.create_invoice_from_order(
            uow, gateway, clock, world.as_accountant, world.order.id
        )
    assert caught.value.trace_id
    with uow:
        assert uow.documents.by_order(world.order.id) == []
        order = uow.orders.get(world.order.id)
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.NOT_INVOICED


def test_qonto_down_keeps_the_invoice_pending_and_recovery_pushes_it(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoicing.create_service_invoice(  # the customer gets its Qonto client first
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    http.put(
        "/_sandbox/faults",
        json={"rules": [{"method": "POST", "path": "/v2/client_invoices", "error_status": 503}]},
    ).raise_for_status()
    with pytest.raises(errors.QontoUnavailable) as caught:
        invoicing.create_invoice_from_order(
            uow, gateway, clock, world.as_accountant, world.order.id
        )
    assert caught.value.hint
    with uow:
        (pending,) = uow.documents.by_order(world.order.id)
        assert pending.status is DocumentStatus.PENDING
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert len(report.succeeded) == 1
    with uow:
        (linked,) = uow.documents.by_order(world.order.id)
        assert linked.status is DocumentStatus.DRAFT
        assert linked.qonto_id is not None
        assert uow.outbox.list_unsettled() == []


def test_update_and_delete_a_draft_in_qonto_too(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    assert document.qonto_id is not None
    updated = invoicing.update_draft(
        uow, gateway, clock, world.as_accountant, document.id, items=service_items()[:1]
    )
    assert updated.total_amount == Decimal("342.00")
    assert qonto_invoice(http, document.qonto_id)["total_amount_cents"] == 34200

    invoicing.delete_document(uow, gateway, clock, world.as_accountant, document.id)

    with uow:
        assert uow.documents.get(document.id) is None
    missing = http.get(
        f"/v2/client_invoices/{document.qonto_id}",
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    )
    assert missing.status_code == 404


def test_a_pending_invoice_is_validated_to_a_qonto_draft(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoicing.create_service_invoice(  # the customer gets its Qonto client first
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    rule = {"method": "POST", "path": "/v2/client_invoices", "error_status": 429}
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()
    with pytest.raises(errors.QontoUnavailable):  # refused before anything was written
        invoicing.create_invoice_from_order(
            uow, gateway, clock, world.as_accountant, world.order.id
        )
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    with uow:
        (pending,) = uow.documents.by_order(world.order.id)
        assert pending.status is DocumentStatus.PENDING
        assert [str(e.status) for e in uow.outbox.for_document(pending.id)] == ["failed"]

    validated = invoicing.validate_to_draft(uow, gateway, clock, world.as_accountant, pending.id)

    assert validated.status is DocumentStatus.DRAFT
    assert validated.qonto_id is not None
    with pytest.raises(errors.IllegalTransition):
        invoicing.validate_to_draft(uow, gateway, clock, world.as_accountant, pending.id)


def test_sync_to_order_brings_a_payment_made_in_qonto_home(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )
    invoice = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    http.post(
        f"/v2/client_invoices/{invoice.qonto_id}/mark_as_paid",
        json={},
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    ).raise_for_status()

    synced = invoicing.sync_to_order(uow, gateway, clock, world.as_accountant, invoice.id)

    assert synced.status is DocumentStatus.PAID
    with uow:
        order = uow.orders.get(world.order.id)
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.PAID
