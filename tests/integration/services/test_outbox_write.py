"""The one road of a Qonto write (docs/adr/0004-outbox-write.md): intent committed before the
call, no transaction held across it, outcome and settlement in one commit, failures
recorded; the customer's documents carry no technical marker; the recovery finds a lost
create by its content.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    issue,
    make_customer,
    recorded,
    sandbox_state,
    seed_world,
    served_sandbox,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import OutboxStatus
from verone.backoffice.domain.parties import Customer
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import credit_notes, invoicing, qonto_live, quotes
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.backoffice.services.outbox.write import Done, Intent, Operation, write
from verone.qonto import QontoClient, RetryPolicy
from verone.sandbox.state import SandboxState

# ---------------------------------------------------------------------- the mechanism


def _customer_write(
    uow: SqlAlchemyUnitOfWork,
    clock: SandboxClock,
    customer: Customer,
    call: object,
    seen: dict[str, Any],
) -> str:
    def prepare() -> Intent[uuid.UUID]:
        uow.customers.add(customer)
        return Intent(customer.id, None, {"customer_id": str(customer.id)})

    def apply(customer_id: uuid.UUID, answer: str) -> tuple[str, dict[str, str | None]]:
        stored = uow.customers.get_for_update(customer_id)
        assert stored is not None
        stored.qonto_client_id = answer
        return answer, {"qonto_id": answer}

    def probe(customer_id: uuid.UUID, key: str) -> str:
        with pytest.raises(RuntimeError):  # no transaction is open during the call
            _ = uow.session
        with uow:  # the intent and prepare's rows are committed before the call
            (entry,) = [e for e in uow.outbox.list_unsettled() if e.idempotency_key == key]
            seen["entry_id"] = entry.id
            seen["operation"] = entry.operation
            seen["customer_stored"] = uow.customers.get(customer_id) is not None
        assert callable(call)
        answer = call()
        assert isinstance(answer, str)
        return answer

    return write(uow, clock, Operation.CREATE_CLIENT, prepare, probe, apply)


def test_the_intent_is_committed_before_the_call_and_settled_with_the_outcome(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock
) -> None:
    customer, seen = make_customer(), dict[str, Any]()
    result = _customer_write(uow, clock, customer, lambda: "qonto-client-1", seen)

    assert result == "qonto-client-1"
    assert seen == {
        "entry_id": seen["entry_id"],
        "operation": "create_client",
        "customer_stored": True,
    }
    with uow:
        entry = uow.outbox.get(seen["entry_id"])
        stored = uow.customers.get(customer.id)
        assert entry is not None
        assert stored is not None
        assert entry.status is OutboxStatus.SUCCEEDED
        assert json.loads(entry.result or "{}") == {"qonto_id": "qonto-client-1"}
        assert stored.qonto_client_id == "qonto-client-1"  # applied in the settling commit
        assert uow.outbox.list_unsettled() == []


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        (errors.QontoOutcomeUnknown(), OutboxStatus.AMBIGUOUS),
        (errors.QontoUnavailable(), OutboxStatus.FAILED),
        (errors.QontoRejected("non", status=422), OutboxStatus.FAILED),
    ],
)
def test_a_failed_call_settles_the_entry_and_propagates(
    uow: SqlAlchemyUnitOfWork,
    clock: SandboxClock,
    failure: errors.QontoFailure,
    status: OutboxStatus,
) -> None:
    customer, seen = make_customer(), dict[str, Any]()

    def fail() -> str:
        raise failure

    with pytest.raises(type(failure)):
        _customer_write(uow, clock, customer, fail, seen)
    with uow:
        entry = uow.outbox.get(seen["entry_id"])
        assert entry is not None
        assert entry.status is status
        assert failure.code in (entry.error or "")
        stored = uow.customers.get(customer.id)
        assert stored is not None
        assert stored.qonto_client_id is None


def test_a_refusal_undoes_what_prepare_wrote_and_nothing_else_does(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock
) -> None:
    undone: list[uuid.UUID] = []

    def run(failure: errors.QontoFailure) -> None:
        customer = make_customer()

        def prepare() -> Intent[uuid.UUID]:
            uow.customers.add(customer)
            return Intent(customer.id)

        def call(_state: uuid.UUID, _key: str) -> str:
            raise failure

        with pytest.raises(errors.QontoFailure):
            write(
                uow,
                clock,
                Operation.CREATE_CLIENT,
                prepare,
                call,
                lambda _s, answer: (answer, {}),
                rejected=undone.append,
            )

    run(errors.QontoOutcomeUnknown())
    assert undone == []  # the write may have happened: keep everything for the recovery
    run(errors.QontoRejected("non", status=422))
    assert len(undone) == 1


def test_done_commits_prepares_work_without_any_outbox_entry(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock
) -> None:
    customer = make_customer()
    called: list[str] = []

    def prepare() -> Done[str]:
        uow.customers.add(customer)
        return Done("local only")

    def call(_state: object, key: str) -> str:
        called.append(key)
        return key

    assert write(uow, clock, Operation.UPDATE_DRAFT, prepare, call, lambda s, a: (a, {})) == (
        "local only"
    )
    assert called == []
    with uow:
        assert uow.customers.get(customer.id) is not None
        assert uow.outbox.list_unsettled() == []


# ---------------------------------------------------------------------- what the customer reads


def _pdf_text(gateway: QontoApiGateway, document_type: DocumentType, qonto_id: str) -> str:
    attachment_id = gateway.get_document(document_type, qonto_id).attachment_id
    assert attachment_id is not None
    content = gateway.download(gateway.attachment_link(attachment_id).url)
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_invoice_prints_the_customers_purchase_order_and_no_technical_marker(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_service_invoice(
        uow,
        gateway,
        clock,
        world.as_accountant,
        world.customer.id,
        service_items(),
        notes="Merci pour votre confiance",
        purchase_order="BC-2026-0042",
    )
    assert draft.purchase_order == "BC-2026-0042"
    assert draft.qonto_id is not None
    wire = http.get(
        f"/v2/client_invoices/{draft.qonto_id}",
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    ).json()["client_invoice"]
    assert wire["purchase_order"] == "BC-2026-0042"
    assert wire["header"] == "Merci pour votre confiance"

    edited = invoicing.update_draft(
        uow, gateway, clock, world.as_accountant, draft.id, purchase_order="BC-2026-0043"
    )
    assert edited.purchase_order == "BC-2026-0043"
    issued = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    assert issued.number is not None
    assert issued.qonto_id is not None

    text = _pdf_text(gateway, DocumentType.INVOICE, issued.qonto_id)
    assert "BC-2026-0043" in text
    assert "VRN-" not in text
    assert str(draft.id) not in text

    note = credit_notes.create_credit_note(
        uow, clock, world.as_accountant, issued.id, items=service_items()[1:]
    )
    credited = issue(uow, gateway, clock, world.as_accountant, note.id).document
    assert credited.qonto_id is not None
    note_wire = http.get(
        f"/v2/credit_notes/{credited.qonto_id}",
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    ).json()["credit_note"]
    assert "VRN-" not in (note_wire.get("reason") or "")


def test_a_quote_carries_the_users_notes_and_no_technical_marker(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    quote = quotes.create_service_quote(
        uow, clock, world.as_accountant, world.customer.id, service_items()
    )
    issued = issue(uow, gateway, clock, world.as_accountant, quote.id).document
    assert issued.qonto_id is not None
    wire = http.get(
        f"/v2/quotes/{issued.qonto_id}",
        headers={"Authorization": "verone-4819:sandbox-secret-key"},
    ).json()["quote"]
    assert not (wire.get("header") or "").startswith("VRN-")


# ---------------------------------------------------------------------- recovery by content


@pytest.fixture
def live() -> Iterator[tuple[SandboxState, httpx.Client, QontoApiGateway]]:
    state = sandbox_state(pdf_delay_seconds=0.0)
    with served_sandbox(state) as base_url, httpx.Client(base_url=base_url) as http:
        client = QontoClient(
            login="verone-4819",
            secret_key="sandbox-secret-key",
            base_url=base_url,
            retry=RetryPolicy(max_retries=0),
            http_client=http,
        )
        yield state, http, QontoApiGateway(client, now=state.clock.now)
    state.close()


def _creates(http: httpx.Client) -> list[dict[str, object]]:
    return [
        r for r in recorded(http) if r["method"] == "POST" and r["path"] == "/v2/client_invoices"
    ]


def test_past_the_key_window_a_lost_draft_is_found_by_its_content_and_never_twice(
    uow: SqlAlchemyUnitOfWork, live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    invoicing.create_service_invoice(  # the customer's Qonto client exists already
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()[:1]
    )
    created_then_lost = {
        "rules": [
            {"method": "POST", "path": "/v2/client_invoices", "timeout_after_commit_rate": 1.0}
        ]
    }
    never_arrived = {
        "rules": [{"method": "POST", "path": "/v2/client_invoices", "error_status": 503}]
    }
    pending = []
    for faults in (created_then_lost, never_arrived):
        http.put("/_sandbox/faults", json=faults).raise_for_status()
        with pytest.raises(errors.QontoOutcomeUnknown):
            invoicing.create_service_invoice(
                uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
            )
        http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    with uow:
        pending = [
            e.document_id for e in uow.outbox.list_unsettled() if e.operation == "create_draft"
        ]
    assert len(pending) == 2
    creates_before = len(_creates(http))
    clock.advance(31 * 60)  # past Qonto's idempotency window: a re-send could write twice

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert len(report.succeeded) == 1
    assert len(report.failed) == 1
    assert len(_creates(http)) == creates_before  # looked up, never re-sent
    with uow:
        documents = [uow.documents.get(d) for d in pending if d is not None]
        linked = [d for d in documents if d is not None and d.qonto_id is not None]
        left = [d for d in documents if d is not None and d.qonto_id is None]
    assert len(linked) == 1
    assert linked[0].status is DocumentStatus.DRAFT
    assert len(left) == 1
    assert left[0].status is DocumentStatus.PENDING


def test_a_quote_issued_but_unanswered_is_found_by_its_content(
    uow: SqlAlchemyUnitOfWork, live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    quote = quotes.create_service_quote(
        uow, clock, world.as_accountant, world.customer.id, service_items()
    )
    lost = {"rules": [{"method": "POST", "path": "/v2/quotes", "timeout_after_commit_rate": 1.0}]}
    http.put("/_sandbox/faults", json=lost).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        issue(uow, gateway, clock, world.as_accountant, quote.id)
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert len(report.succeeded) == 1
    issued = [r for r in recorded(http) if r["method"] == "POST" and r["path"] == "/v2/quotes"]
    assert len(issued) == 1  # an issuing write is never re-sent
    with uow:
        stored = uow.documents.get(quote.id)
        assert stored is not None
        assert stored.status is DocumentStatus.FINALIZED
        assert stored.number is not None
        assert stored.qonto_id is not None


def test_attachment_writes_go_through_the_outbox_and_the_recovery_finishes_a_detach(
    uow: SqlAlchemyUnitOfWork, live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    (transaction,) = qonto_live.qonto_transactions(gateway, per_page=1).items
    pdf = b"%PDF-1.4\n% justificatif\n%%EOF\n"
    attached = qonto_live.upload_attachment(
        uow,
        gateway,
        clock,
        world.as_accountant,
        filename="recu.pdf",
        content=pdf,
        content_type="application/pdf",
        transaction_qonto_id=transaction.qonto_id,
    )
    assert attached.qonto_id  # Qonto answers the new attachment's id
    path = f"/v2/transactions/{transaction.qonto_id}/attachments"
    dropped = {"rules": [{"method": "DELETE", "path": path, "timeout_after_commit_rate": 1.0}]}
    http.put("/_sandbox/faults", json=dropped).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        qonto_live.detach_attachments(
            uow, gateway, clock, world.as_accountant, transaction.qonto_id
        )
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    with uow:
        (open_entry,) = uow.outbox.list_unsettled()
        assert open_entry.operation == "detach_attachment"
        assert open_entry.status is OutboxStatus.AMBIGUOUS

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert report.succeeded == [open_entry.id]
    with uow:
        assert uow.outbox.list_unsettled() == []
        settled = uow.outbox.get(open_entry.id)
        assert settled is not None
        assert settled.status is OutboxStatus.SUCCEEDED
    deletes = [r for r in recorded(http) if r["method"] == "DELETE" and r["path"] == path]
    assert {str(r["idempotency_key"]) for r in deletes} == {open_entry.idempotency_key}
