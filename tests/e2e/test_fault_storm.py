"""Fault storm: Qonto answers 5xx, 429 and drops connections after committing, and still 200
invoice creations make 200 Qonto drafts, 200 local documents, no duplicate, nothing finalized.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from tests.integration.conftest import *  # noqa: F403  # the database fixtures
from tests.integration.services.support import (
    SandboxClock,
    make_client,
    recorded,
    sandbox_state,
    seed_world,
    served_sandbox,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import invoicing
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.sandbox.state import SandboxState

pytestmark = pytest.mark.slow

CREATIONS = 200
STORM = {
    "seed": 7,
    "rules": [
        {"method": "POST", "path": "/v2/client_invoices", "error_status": 503, "error_rate": 0.1},
        {"method": "POST", "path": "/v2/client_invoices", "error_status": 429, "error_rate": 0.1},
        {
            "method": "POST",
            "path": "/v2/client_invoices",
            "timeout_after_commit_rate": 0.1,
        },
        {"method": "GET", "path": "/v2/*", "error_status": 502, "error_rate": 0.05},
    ],
}


@pytest.fixture
def live_sandbox() -> Iterator[tuple[SandboxState, str]]:
    state = sandbox_state()
    with served_sandbox(state) as base_url:
        yield state, base_url
    state.close()


def all_qonto_invoices(http: httpx.Client) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    page: int | None = 1
    while page is not None:
        response = http.get(
            "/v2/client_invoices",
            params={"page": page, "per_page": 100},
            headers={"Authorization": "verone-4819:sandbox-secret-key"},
        )
        response.raise_for_status()
        body = response.json()
        found.extend(body["client_invoices"])
        page = body["meta"]["next_page"]
    return found


def test_two_hundred_creations_through_a_fault_storm(
    uow: SqlAlchemyUnitOfWork, live_sandbox: tuple[SandboxState, str]
) -> None:
    state, base_url = live_sandbox
    clock = SandboxClock(state)
    with httpx.Client(base_url=base_url, timeout=5) as http:
        gateway = QontoApiGateway(make_client(http, base_url), now=clock.now)
        world = seed_world(uow, clock.now())
        ensure_qonto_client(uow, gateway, clock, world.customer.id)
        http.put("/_sandbox/faults", json=STORM).raise_for_status()

        failures: Counter[str] = Counter()
        for _ in range(CREATIONS):
            try:
                invoicing.create_service_invoice(
                    uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
                )
            except errors.QontoFailure as exc:
                failures[exc.code] += 1
        settle_outbox(uow, gateway, clock, min_age=timedelta(0))
        with uow:
            pending = uow.documents.list(
                DocumentFilter(statuses=frozenset({DocumentStatus.PENDING})),
                PageRequest(per_page=200),
            ).items
        for document in pending:  # what Qonto definitely refused (e.g. 429 to the end)
            invoicing.validate_to_draft(uow, gateway, clock, world.as_accountant, document.id)
        http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()

        log = recorded(http)
        faults = Counter(int(str(r["status"] or 0)) for r in log)
        creates = [r for r in log if r["method"] == "POST" and r["path"] == "/v2/client_invoices"]
        resent = Counter(str(r["idempotency_key"]) for r in creates)
        dropped_after_commit = [r for r in creates if r["status"] == 200]  # 201 when answered
        invoices = all_qonto_invoices(http)
        finalize_requests = [r for r in recorded(http) if str(r["path"]).endswith("/finalize")]

    assert faults[503] > 0  # the storm happened: server errors,
    assert faults[429] > 0  # rate limiting,
    assert dropped_after_commit  # connections cut after the draft was made,
    assert resent.most_common(1)[0][1] > 1  # and retries with the same key
    with uow:
        documents = uow.documents.list(
            DocumentFilter(document_type=DocumentType.INVOICE), PageRequest(per_page=200)
        )
        assert documents.total == CREATIONS
        assert {d.status for d in documents.items} == {DocumentStatus.DRAFT}
        assert uow.outbox.list_unsettled() == []
        linked = {d.qonto_id for d in documents.items}
    assert len(invoices) == CREATIONS
    assert len(linked) == CREATIONS  # one Qonto draft per local document, none shared
    assert {str(i["id"]) for i in invoices} == linked  # and no orphan draft in Qonto
    assert {i.get("purchase_order") for i in invoices} == {None}  # nothing technical printed
    assert {i["status"] for i in invoices} == {"draft"}
    assert finalize_requests == []
