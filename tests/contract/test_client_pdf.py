"""PDF rules against the sandbox: wait for the regenerated PDF, then the fallback order."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.contract._client_helpers import SandboxTime, client_params, invoice_params
from verone.qonto import (
    PdfNotAvailable,
    QontoClient,
    fetch_document_pdf,
    wait_for_invoice_pdf,
)
from verone.qonto.types._base import AmountParam
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import InvoiceItemParams
from verone.sandbox.state import SandboxState

pytest_plugins = ["tests.contract._client_fixtures"]


def _finalized(qonto: QontoClient, state: SandboxState) -> str:
    customer = qonto.clients.create(client_params())
    invoice = qonto.client_invoices.create(
        invoice_params(customer.id, state.banking.main_account.iban)
    )
    qonto.client_invoices.finalize(invoice.id)
    return invoice.id


def test_a_draft_has_no_pdf(qonto: QontoClient, qonto_state: SandboxState) -> None:
    customer = qonto.clients.create(client_params())
    draft = qonto.client_invoices.create(
        invoice_params(customer.id, qonto_state.banking.main_account.iban)
    )
    with pytest.raises(PdfNotAvailable, match="draft has no PDF"):
        wait_for_invoice_pdf(qonto, draft.id)


def test_waits_for_the_pdf_newer_than_finalization(
    qonto: QontoClient, qonto_state: SandboxState, sandbox_time: SandboxTime
) -> None:
    invoice_id = _finalized(qonto, qonto_state)
    ready = wait_for_invoice_pdf(qonto, invoice_id, timeout=60, sleep=sandbox_time.sleep)
    assert ready.invoice.finalized_at is not None
    assert ready.attachment.created_at is not None
    assert ready.attachment.created_at > ready.invoice.finalized_at
    assert 9 <= sum(sandbox_time.slept) <= 20


def test_gives_up_after_its_timeout(
    qonto: QontoClient, qonto_state: SandboxState, sandbox_time: SandboxTime
) -> None:
    invoice_id = _finalized(qonto, qonto_state)
    with pytest.raises(PdfNotAvailable, match="not ready after 3"):
        wait_for_invoice_pdf(qonto, invoice_id, timeout=3, sleep=sandbox_time.sleep)
    assert sum(sandbox_time.slept) == pytest.approx(3)


def test_fallback_from_an_expired_url_to_a_fresh_one(
    qonto: QontoClient, qonto_state: SandboxState, sandbox_time: SandboxTime
) -> None:
    invoice_id = _finalized(qonto, qonto_state)
    ready = wait_for_invoice_pdf(qonto, invoice_id, sleep=sandbox_time.sleep)
    old_url = ready.attachment.url
    assert old_url
    qonto_state.clock.advance(31 * 60)
    now = qonto_state.clock.now()
    pdf = fetch_document_pdf(
        qonto,
        pdf_url=old_url,
        pdf_url_expires_at=now + timedelta(minutes=5),  # our record claims it is still valid
        attachment_id=ready.attachment.id,
        now=now,
    )
    assert pdf.source == "attachment"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.sha256 == hashlib.sha256(pdf.content).hexdigest()
    assert pdf.url_expires_at == now + timedelta(minutes=30)


def test_a_valid_url_is_used_first(
    qonto: QontoClient, qonto_state: SandboxState, sandbox_time: SandboxTime
) -> None:
    invoice_id = _finalized(qonto, qonto_state)
    ready = wait_for_invoice_pdf(qonto, invoice_id, sleep=sandbox_time.sleep)
    expires = datetime.now(UTC) + timedelta(minutes=20)
    pdf = fetch_document_pdf(qonto, pdf_url=ready.attachment.url, pdf_url_expires_at=expires)
    assert (pdf.source, pdf.url_expires_at) == ("pdf_url", expires)


def test_credit_note_falls_back_to_its_file(qonto: QontoClient, qonto_state: SandboxState) -> None:
    invoice_id = _finalized(qonto, qonto_state)
    note = qonto.credit_notes.create(
        CreditNoteCreateParams(
            invoice_id=invoice_id,
            issue_date=qonto_state.clock.today(),
            reason="Retour",
            currency="EUR",
            items=[
                InvoiceItemParams(
                    title="Chaise Lina",
                    quantity=Decimal("1"),
                    unit_price=AmountParam(value=Decimal("49.90"), currency="EUR"),
                    vat_rate=Decimal("0.2"),
                )
            ],
        )
    )
    pdf = fetch_document_pdf(qonto, attachment_id="missing", credit_note_id=note.id)
    assert pdf.source == "credit_note_file"
    assert pdf.content.startswith(b"%PDF")


def test_nothing_to_fetch(qonto: QontoClient) -> None:
    with pytest.raises(PdfNotAvailable, match="attachment: NotFound"):
        fetch_document_pdf(qonto, attachment_id="missing")
