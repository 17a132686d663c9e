"""« Intégration Qonto » over HTTP against the running stack: the connection state, the
outbox and its settle (admins only), the last syncs, and the diagnostic panel's checks."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.unit.domain.factories import make_customer
from verone.backoffice.domain.operations import OutboxStatus
from verone.backoffice.services.outbox.write import Operation, record_intent

HX = {"HX-Request": "true"}


def pending_client_creation(stack: Stack) -> uuid.UUID:
    """A customer whose Qonto client creation was recorded, then the process died."""
    customer = make_customer(f"Atelier {uuid.uuid4().hex[:6]}", f"{uuid.uuid4().hex[:8]}@x.test")
    customer.vat_number = f"FR{uuid.uuid4().int % 10**11:011d}"  # a distinct Qonto client
    with stack.container.unit_of_work() as uow:
        uow.customers.add(customer)
        entry = record_intent(
            uow,
            stack.clock,
            Operation.CREATE_CLIENT,
            document_id=None,
            context={"customer_id": str(customer.id)},
        )
        uow.commit()
    return entry.id


def test_the_page_shows_the_connection_budget_and_the_outbox(
    stack: Stack, viewer: httpx.Client
) -> None:
    pending_client_creation(stack)
    page = viewer.get("/integration")
    assert page.status_code == 200
    assert "<h1>Intégration Qonto</h1>" in page.text
    assert "Joignable" in page.text
    assert "Clé API" in page.text
    assert stack.sandbox_url in page.text
    assert stack.container.settings.qonto_settings.rate_limits in page.text
    assert "Création du client Qonto" in page.text
    assert "/integration/outbox/regler" not in page.text  # a viewer sees no write control


def test_an_admin_settles_the_outbox_from_the_page(stack: Stack, admin: httpx.Client) -> None:
    entry_id = pending_client_creation(stack)
    page = admin.get("/integration")
    assert 'hx-post="/integration/outbox/regler"' in page.text
    answer = admin.post("/integration/outbox/regler", headers=HX)
    assert (answer.status_code, answer.headers["HX-Redirect"]) == (204, "/integration#outbox")
    with stack.container.unit_of_work() as uow:
        entry = uow.outbox.get(entry_id)
        assert entry is not None
        assert entry.status is OutboxStatus.SUCCEEDED
    after = admin.get("/integration")
    assert "Outbox réglée" in after.text


def test_an_accountant_may_not_settle(accountant: httpx.Client) -> None:
    answer = accountant.post("/integration/outbox/regler", headers=HX)
    assert answer.status_code == 403
    assert "Action réservée aux administrateurs." in answer.text


@pytest.mark.usefixtures("aligned_clock")
def test_the_diagnostic_panel_shows_each_check_with_its_hint(
    stack: Stack, viewer: httpx.Client
) -> None:
    fragment = viewer.get("/integration/diagnostic", headers=HX)
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.text  # the panel only
    statuses = dict(re.findall(r'data-check="(\w+)" data-status="(\w+)"', fragment.text))
    assert statuses["credentials"] == "ok"
    assert statuses["migrations"] == "ok"
    assert statuses["clock"] == "ok"
    with stack.sandbox() as control:
        control.put("/_sandbox/features", json={"credit_notes_create": False})
    try:
        failing = viewer.get("/integration/diagnostic", headers=HX)
    finally:
        with stack.sandbox() as control:
            control.put("/_sandbox/features", json={"credit_notes_create": True})
    statuses = dict(re.findall(r'data-check="(\w+)" data-status="(\w+)"', failing.text))
    assert statuses["credit_notes"] == "failed"
    assert "Créez l&#39;avoir dans le tableau de bord Qonto" in failing.text
    full = viewer.get("/integration/diagnostic")
    assert "<h1>Intégration Qonto</h1>" in full.text
    assert 'data-check="credentials"' in full.text
