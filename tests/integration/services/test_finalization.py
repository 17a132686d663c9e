"""Finalization (rules 2-4): preview → token → finalize, refusals, audit, numbers, PDF."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest

from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    TestClient,
    World,
    finalize_calls,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import finalization, invoicing, numbering, pdfs
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.audit import verify_audit_log

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}


def draft(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> FinancialDocument:
    return invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )


def waiting(clock: SandboxClock) -> pdfs.PdfWait:
    """Poll with back-off, the sandbox's clock moving instead of real sleeping."""
    return pdfs.PdfWait(timeout=60, initial_delay=1, max_delay=8, sleep=clock.advance)


def preview(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    actor: Actor,
    document: FinancialDocument,
) -> finalization.FinalizationPreview:
    return finalization.preview_finalization(
        uow, gateway, clock, actor, document.id, confirmation_key=CONFIRMATION_KEY
    )


def finalize(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    actor: Actor,
    document: FinancialDocument,
    token: str,
) -> finalization.FinalizationResult:
    return finalization.finalize_document(
        uow,
        gateway,
        clock,
        actor,
        document.id,
        token,
        confirmation_key=CONFIRMATION_KEY,
        pdf_wait=waiting(clock),
    )


def test_confirmed_finalization_issues_numbers_audits_and_stores_the_final_pdf(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = draft(uow, gateway, clock, world)
    shown = preview(uow, gateway, clock, world.as_accountant, document)
    assert shown.document.total_amount == document.total_amount
    assert shown.expires_at - clock.now() <= timedelta(minutes=10)

    result = finalize(uow, gateway, clock, world.as_accountant, document, shown.confirmation_token)

    issued = result.document
    assert issued.status is DocumentStatus.FINALIZED
    assert issued.number == f"F-{clock.today().year}-001"
    assert issued.finalized_by == world.accountant.id
    assert result.pdf_stored
    assert len(finalize_calls(http)) == 1
    with uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        assert stored.pdf_sha256 is not None
        assert stored.content_hash == shown.content_hash
        (entry,) = [
            e
            for e in uow.audit.for_entity("financial_document", str(document.id))
            if e.action == "document.finalized"
        ]
        assert entry.actor_id == world.accountant.id
        assert entry.details["content_hash"] == shown.content_hash
        assert entry.details["number"] == issued.number
        assert (DocumentType.INVOICE, issued.number) in uow.documents.assigned_numbers()
    assert verify_audit_log(uow).ok
    assert numbering.check_numbering(uow).ok
    pdf = pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, document.id)
    assert pdf.content.startswith(b"%PDF")
    assert pdf.sha256 == hashlib.sha256(pdf.content).hexdigest() == stored.pdf_sha256


@pytest.mark.parametrize("actor_kind", ["api_token", "job", "cli", "viewer", "no_user"])
def test_only_an_interactive_accountant_or_admin_can_finalize(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
    actor_kind: str,
) -> None:
    document = draft(uow, gateway, clock, world)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    actor = {
        "api_token": Actor.api_token(world.accountant.id),
        "job": Actor.job(),
        "cli": Actor.cli(world.admin.id),
        "viewer": Actor.interactive(world.viewer.id),
        "no_user": Actor.interactive(uuid.uuid4()),
    }[actor_kind]
    with pytest.raises(errors.PermissionDenied):
        finalize(uow, gateway, clock, actor, document, token)
    assert finalize_calls(http) == []


def test_the_token_is_bound_to_the_user_the_content_and_ten_minutes(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = draft(uow, gateway, clock, world)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    admin = Actor.interactive(world.admin.id)
    with pytest.raises(errors.ConfirmationInvalid):
        finalize(uow, gateway, clock, admin, document, token)  # someone else's token
    with pytest.raises(errors.ConfirmationInvalid):
        finalize(uow, gateway, clock, world.as_accountant, document, "")
    with pytest.raises(errors.ConfirmationInvalid):
        finalize(uow, gateway, clock, world.as_accountant, document, token[:-2] + "xx")
    clock.advance(601)
    with pytest.raises(errors.ConfirmationExpired):
        finalize(uow, gateway, clock, world.as_accountant, document, token)
    assert finalize_calls(http) == []


def test_a_draft_changed_locally_or_in_qonto_needs_a_fresh_preview(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    invoicing.update_draft(
        uow, gateway, clock, world.as_accountant, document.id, items=service_items()[:1]
    )
    with pytest.raises(errors.ContentChanged):
        finalize(uow, gateway, clock, world.as_accountant, document, token)

    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    clock.advance(2)
    http.patch(
        f"/v2/client_invoices/{document.qonto_id}", json={"header": "edited in Qonto"}, headers=AUTH
    ).raise_for_status()
    with pytest.raises(errors.ContentChanged):
        finalize(uow, gateway, clock, world.as_accountant, document, token)
    assert finalize_calls(http) == []


def test_finalized_documents_are_immutable_and_have_no_second_finalize(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = draft(uow, gateway, clock, world)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    finalize(uow, gateway, clock, world.as_accountant, document, token)

    with pytest.raises(errors.DocumentNotEditable):
        invoicing.update_draft(
            uow, gateway, clock, world.as_accountant, document.id, items=service_items()
        )
    with pytest.raises(errors.DocumentNotDeletable):
        invoicing.delete_document(uow, gateway, clock, world.as_accountant, document.id)
    with pytest.raises(errors.InvoiceNotDraft):
        finalize(uow, gateway, clock, world.as_accountant, document, token)
    assert len(finalize_calls(http)) == 1


def test_no_pdf_for_a_draft_and_the_fallback_after_the_url_expired(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = draft(uow, gateway, clock, world)
    with pytest.raises(errors.PdfNotAvailable):
        pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, document.id)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    first = finalize(uow, gateway, clock, world.as_accountant, document, token)
    assert first.pdf_stored
    assert (
        pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, document.id).source
        == "pdf_url"
    )

    clock.advance(31 * 60)  # the stored URL is no longer valid: a fresh one from attachment_id
    again = pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, document.id)

    assert again.source == "attachment"
    with uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        assert stored.pdf_url_expires_at is not None
        assert stored.pdf_url_expires_at > clock.now() + timedelta(minutes=29)
        assert stored.pdf_sha256 == again.sha256


def test_pdf_wait_is_bounded(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
) -> None:
    document = draft(uow, gateway, clock, world)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    slept: list[float] = []
    result = finalization.finalize_document(
        uow,
        gateway,
        clock,
        world.as_accountant,
        document.id,
        token,
        confirmation_key=CONFIRMATION_KEY,
        pdf_wait=pdfs.PdfWait(timeout=3, initial_delay=1, max_delay=8, sleep=slept.append),
    )
    assert not result.pdf_stored  # the sandbox needs 10 s; we gave it 3 (no clock advance)
    assert sum(slept) == 3
    assert result.document.status is DocumentStatus.FINALIZED
    assert pdfs.wait_for_final_pdf(uow, gateway, clock, document.id, waiting(clock))


def test_qonto_failing_during_the_pdf_wait_does_not_undo_the_finalization(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    document = draft(uow, gateway, clock, world)
    token = preview(uow, gateway, clock, world.as_accountant, document).confirmation_token
    rule = {"method": "GET", "path": "/v2/attachments/{id}", "error_status": 503}
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()

    result = finalize(uow, gateway, clock, world.as_accountant, document, token)

    assert result.document.status is DocumentStatus.FINALIZED
    assert not result.pdf_stored
    http.put("/_sandbox/faults", json={"rules": []}).raise_for_status()
    pdf = pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, document.id)
    assert pdf.source == "attachment"
