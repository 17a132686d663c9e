"""A finalize whose answer was lost is completed by the recovery, never re-sent; numbering,
audit chain and users."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    TestClient,
    World,
    finalize_calls,
    issue,
    recorded,
    sandbox_state,
    seed_world,
    served_sandbox,
    service_items,
)
from verone.backoffice.db.passwords import Argon2PasswordHasher
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import OutboxStatus
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.domain.users import Role
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import (
    finalization,
    invoicing,
    numbering,
    payments,
    sending,
    users,
)
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.audit import record_audit, verify_audit_log
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.qonto import QontoClient, RetryPolicy
from verone.sandbox.state import SandboxState

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}
FINALIZE_DROPPED = {
    "rules": [
        {
            "method": "POST",
            "path": "/v2/client_invoices/{id}/finalize",
            "timeout_after_commit_rate": 1.0,
        }
    ]
}


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


def test_a_finalize_committed_in_qonto_but_unanswered_is_recorded_by_the_recovery(
    uow: SqlAlchemyUnitOfWork, live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(uow, clock.now())
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    token = finalization.preview_finalization(
        uow, gateway, clock, world.as_accountant, draft.id, confirmation_key=CONFIRMATION_KEY
    ).confirmation_token
    http.put("/_sandbox/faults", json=FINALIZE_DROPPED).raise_for_status()

    with pytest.raises(errors.QontoOutcomeUnknown):
        finalization.finalize_document(
            uow,
            gateway,
            clock,
            world.as_accountant,
            draft.id,
            token,
            confirmation_key=CONFIRMATION_KEY,
        )
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    with uow:
        (entry,) = [e for e in uow.outbox.for_document(draft.id) if e.operation == "finalize"]
        assert entry.status is OutboxStatus.AMBIGUOUS
    with pytest.raises(errors.DocumentNotDraft):  # nobody finalizes again meanwhile
        finalization.finalize_document(
            uow,
            gateway,
            clock,
            world.as_accountant,
            draft.id,
            token,
            confirmation_key=CONFIRMATION_KEY,
        )

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert entry.id in report.succeeded
    assert len(finalize_calls(http)) == 1  # recorded, never re-sent
    with uow:
        document = uow.documents.get(draft.id)
        assert document is not None
        assert document.status is DocumentStatus.FINALIZED
        assert document.number == f"F-{clock.today().year}-001"
        assert document.finalized_by == world.accountant.id
        audit = uow.audit.for_entity("financial_document", str(draft.id))
        assert [e.actor_id for e in audit if e.action == "document.finalized"] == [
            world.accountant.id
        ]


def test_a_finalize_that_did_not_happen_is_failed_and_the_user_confirms_again(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    token = finalization.preview_finalization(
        uow, gateway, clock, world.as_accountant, draft.id, confirmation_key=CONFIRMATION_KEY
    ).confirmation_token
    rule = {"method": "POST", "path": "/v2/client_invoices/{id}/finalize", "error_status": 500}
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        finalization.finalize_document(
            uow,
            gateway,
            clock,
            world.as_accountant,
            draft.id,
            token,
            confirmation_key=CONFIRMATION_KEY,
        )
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    sent_before = len(finalize_calls(http))

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert len(report.failed) == 1
    assert len(finalize_calls(http)) == sent_before  # the job never finalizes
    result = issue(uow, gateway, clock, world.as_accountant, draft.id)
    assert result.document.status is DocumentStatus.FINALIZED


def test_numbers_issued_outside_the_back_office_show_as_gaps(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    ours = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    elsewhere = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    http.post(f"/v2/client_invoices/{elsewhere.qonto_id}/finalize", headers=AUTH)
    issued = issue(uow, gateway, clock, world.as_accountant, ours.id).document

    report = numbering.check_numbering(uow)

    assert issued.number == f"F-{clock.today().year}-002"
    assert not report.ok
    (series,) = report.series
    assert series.gaps == (1,)
    assert series.duplicates == ()


def test_the_audit_chain_verifies_and_the_database_refuses_rewrites(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World, connection: Connection
) -> None:
    actor = Actor.interactive(world.admin.id)
    for index in range(3):
        record_audit(uow, clock, actor, "user.touched", "user", str(index))
    healthy = verify_audit_log(uow)
    assert healthy.ok
    assert healthy.entries >= 3

    with pytest.raises(DBAPIError), connection.begin_nested():
        connection.execute(text("UPDATE audit_log SET action = 'user.forged' WHERE seq = 2"))

    assert verify_audit_log(uow).ok


def test_users_are_created_with_argon2_and_authenticate(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock
) -> None:
    hasher = Argon2PasswordHasher()
    user = users.create_user(
        uow,
        hasher,
        clock,
        email=" Camille@Verone.test ",
        password="une phrase longue",
        role=Role.ACCOUNTANT,
    )
    assert user.email == "camille@verone.test"
    assert user.password_hash.startswith("$argon2id$")
    with pytest.raises(users.UserAlreadyExists):
        users.create_user(
            uow,
            hasher,
            clock,
            email="camille@verone.test",
            password="une autre phrase",
            role=Role.ADMIN,
        )
    with pytest.raises(errors.InvalidDocument):
        users.create_user(uow, hasher, clock, email="x@y.fr", password="court", role=Role.VIEWER)
    assert users.authenticate(uow, hasher, clock, "camille@verone.test", "faux") is None
    found = users.authenticate(uow, hasher, clock, "CAMILLE@verone.test", "une phrase longue")
    assert found is not None
    assert found.id == user.id
    assert found.last_login_at is not None


def test_an_unanswered_send_and_delete_are_finished_by_the_recovery(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoice = issue(
        uow,
        gateway,
        clock,
        world.as_accountant,
        invoicing.create_service_invoice(
            uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
        ).id,
    ).document
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    rules = [
        {"method": "POST", "path": "/v2/client_invoices/{id}/send", "error_status": 500},
        {"method": "DELETE", "path": "/v2/client_invoices/{id}", "error_status": 500},
    ]
    http.put("/_sandbox/faults", json={"rules": rules}).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        sending.send_document(uow, gateway, clock, world.as_accountant, invoice.id)
    with pytest.raises(errors.QontoOutcomeUnknown):
        invoicing.delete_document(uow, gateway, clock, world.as_accountant, draft.id)
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    assert http.get("/_sandbox/emails").json()["emails"] == []

    report = settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    assert len(report.succeeded) == 2
    emails = http.get("/_sandbox/emails").json()["emails"]
    assert [e["document_number"] for e in emails] == [invoice.number]
    with uow:
        assert uow.documents.get(draft.id) is None
        assert uow.outbox.list_unsettled() == []
    gone = http.get(f"/v2/client_invoices/{draft.qonto_id}", headers=AUTH)
    assert gone.status_code == 404


def test_an_unanswered_mark_paid_is_resent_with_its_key_and_adopted(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    invoice = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    rule = {"method": "POST", "path": "/v2/client_invoices/{id}/mark_as_paid", "error_status": 502}
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()
    with pytest.raises(errors.QontoOutcomeUnknown):
        payments.mark_paid(uow, gateway, clock, world.as_accountant, invoice.id)
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()

    settle_outbox(uow, gateway, clock, min_age=timedelta(0))

    with uow:
        stored = uow.documents.get(invoice.id)
        assert stored is not None
        assert stored.status is DocumentStatus.PAID
        (entry,) = [e for e in uow.outbox.for_document(invoice.id) if e.operation == "mark_paid"]
    keys = [
        r["idempotency_key"] for r in recorded(http) if str(r["path"]).endswith("/mark_as_paid")
    ]
    assert keys == [entry.idempotency_key] * len(keys)
    assert len(keys) > 1
