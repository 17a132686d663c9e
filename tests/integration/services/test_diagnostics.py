"""``services.diagnostics.diagnose`` against the sandbox: every check passes on a healthy
set-up, and each broken piece fails its own check with the troubleshooting hint."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import Connection
from starlette.testclient import TestClient

from tests.integration.services.support import (
    SandboxClock,
    World,
    free_port,
    issue,
    make_client,
    service_items,
)
from verone.backoffice.db.migrate import schema_revisions
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.remote import RemoteDocument
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import diagnostics, invoicing
from verone.backoffice.services.diagnostics import CheckStatus, Diagnosis, QontoSetup, SchemaState
from verone.sandbox.state import SandboxState

SETUP = QontoSetup(
    base_url="http://testserver",
    auth_mode="api_key",
    organization_id="verone-4819",
    api_key_configured=True,
    rate_limits="10/1s",
    timeout_seconds=30.0,
    simulated=True,
    webhook_secret_configured=True,
)


def run(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    connection: Connection,
    setup: QontoSetup = SETUP,
) -> Diagnosis:
    def schema() -> SchemaState:
        current, heads = schema_revisions(connection)
        return SchemaState(current, heads)

    return diagnostics.diagnose(uow, gateway, clock, setup, schema)


def by_key(diagnosis: Diagnosis) -> dict[str, diagnostics.Check]:
    return {check.key: check for check in diagnosis.checks}


def test_a_healthy_sandbox_passes_every_check_with_what_it_saw(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    connection: Connection,
    world: World,
) -> None:
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    issued = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    diagnosis = run(uow, gateway, clock, connection)
    checks = by_key(diagnosis)
    assert list(checks) == [
        "configuration",
        "base_url",
        "credentials",
        "clock",
        "scopes",
        "webhooks",
        "pdf",
        "credit_notes",
        "rate_budget",
        "database",
        "migrations",
    ]
    failed = [c for c in diagnosis.checks if c.status is CheckStatus.FAILED]
    assert failed == []
    assert diagnosis.ok
    assert "organisation" in checks["credentials"].detail
    assert checks["pdf"].status is CheckStatus.OK
    assert str(issued.number) in checks["pdf"].detail
    assert checks["credit_notes"].status is CheckStatus.OK
    assert checks["migrations"].status is CheckStatus.OK
    assert "10/1s" in checks["rate_budget"].detail
    # the in-process sandbox sends no Date header and has no subscription yet: said, not failed
    assert checks["clock"].status is CheckStatus.WARNING
    assert checks["webhooks"].status is CheckStatus.WARNING
    assert checks["webhooks"].hint == diagnostics.HINT_WEBHOOKS


def test_a_revoked_key_fails_the_credentials_with_the_401_hint(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    connection: Connection,
    sandbox: SandboxState,
) -> None:
    sandbox.config.secret_key = "regenerated-in-the-dashboard"  # the old key is revoked
    diagnosis = run(uow, gateway, clock, connection)
    checks = by_key(diagnosis)
    assert not diagnosis.ok
    assert checks["base_url"].status is CheckStatus.OK  # Qonto answered
    assert checks["credentials"].status is CheckStatus.FAILED
    assert "401" in checks["credentials"].detail
    assert checks["credentials"].hint == diagnostics.HINT_REVOKED
    assert "QONTO_ORGANIZATION_ID" in str(checks["credentials"].hint)
    assert checks["scopes"].status is CheckStatus.SKIPPED
    assert checks["database"].status is CheckStatus.OK  # the local checks still run


def test_credit_notes_switched_off_fail_with_the_dashboard_hint_and_create_nothing(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    connection: Connection,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    assert http.put("/_sandbox/features", json={"credit_notes_create": False}).status_code == 200
    notes_before = len(sandbox.invoicing.credit_notes)
    diagnosis = run(uow, gateway, clock, connection)
    check = by_key(diagnosis)["credit_notes"]
    assert check.status is CheckStatus.FAILED
    assert check.hint == diagnostics.HINT_CREDIT_NOTE
    assert "tableau de bord Qonto" in check.hint
    assert not diagnosis.ok
    assert len(sandbox.invoicing.credit_notes) == notes_before


def test_an_unreachable_qonto_fails_the_base_url_with_the_network_hint(
    uow: SqlAlchemyUnitOfWork,
    clock: SandboxClock,
    connection: Connection,
) -> None:
    with httpx.Client() as nowhere:
        client = make_client(nowhere, base_url=f"http://127.0.0.1:{free_port()}")
        gateway = QontoApiGateway(client, now=clock.now)
        diagnosis = run(uow, gateway, clock, connection)
    checks = by_key(diagnosis)
    assert checks["base_url"].status is CheckStatus.FAILED
    assert checks["base_url"].hint == diagnostics.HINT_NETWORK
    assert checks["credentials"].status is CheckStatus.SKIPPED
    assert checks["migrations"].status is CheckStatus.OK


def test_missing_configuration_and_a_behind_schema_are_failures(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
) -> None:
    setup = replace(SETUP, organization_id=None)
    diagnosis = diagnostics.diagnose(
        uow, gateway, clock, setup, lambda: SchemaState(("0001",), ("0009",))
    )
    checks = by_key(diagnosis)
    assert checks["configuration"].status is CheckStatus.FAILED
    assert "QONTO_ORGANIZATION_ID" in str(checks["configuration"].hint)
    assert checks["migrations"].status is CheckStatus.FAILED
    assert checks["migrations"].hint == diagnostics.HINT_MIGRATIONS
    assert "0009" in checks["migrations"].detail


def test_each_remaining_failure_carries_its_own_hint(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    connection: Connection,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A clock an hour off, a read refused (403) or throttled (429), an issued invoice whose
    PDF Qonto no longer has, a database that cannot be read: each fails its own check with
    the troubleshooting guide's hint, and the other checks still run."""
    draft = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    issue(uow, gateway, clock, world.as_accountant, draft.id)
    remote_of = gateway.get_document

    def without_pdf(kind: DocumentType, qonto_id: str) -> RemoteDocument:
        return replace(remote_of(kind, qonto_id), pdf_url=None, attachment_id=None)

    def refused(resource: str) -> None:
        status = 429 if resource == sorted(diagnostics.READS)[0] else 403
        raise errors.QontoRejected("refusé", status=status)

    monkeypatch.setattr(gateway, "server_time", lambda: clock.now() - timedelta(hours=1))
    monkeypatch.setattr(gateway, "probe_read", refused)
    monkeypatch.setattr(gateway, "get_document", without_pdf)

    def unreadable() -> SchemaState:
        raise RuntimeError("connexion refusée")

    checks = by_key(diagnostics.diagnose(uow, gateway, clock, SETUP, unreadable))
    expected = {
        "clock": diagnostics.HINT_CLOCK,
        "scopes": diagnostics.HINT_FORBIDDEN,
        "rate_budget": diagnostics.HINT_RATE,
        "pdf": diagnostics.HINT_PDF,
        "database": diagnostics.HINT_DATABASE,
    }
    for key, hint in expected.items():
        assert checks[key].status is CheckStatus.FAILED, (key, checks[key])
        assert checks[key].hint == hint, key
    assert "écart de 3600 s" in checks["clock"].detail
    assert "(403)" in checks["scopes"].detail
    assert "ni pdf_url ni pièce jointe" in checks["pdf"].detail
    assert "RuntimeError : connexion refusée" in checks["database"].detail
    assert checks["credentials"].status is CheckStatus.OK
