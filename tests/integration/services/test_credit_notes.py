"""Credit notes: local draft with copied lines, caps, full credit cancels, the 404 path."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    issue,
    make_order,
    recorded,
    service_items,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.credit_notes import copy_items
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import credit_notes, invoicing, numbering, pdfs
from verone.money import DiscountKind, format_money_fr


def issued_invoice(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> FinancialDocument:
    invoice = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    return issue(uow, gateway, clock, world.as_accountant, invoice.id).document


def status_of(uow: SqlAlchemyUnitOfWork, document: FinancialDocument) -> DocumentStatus:
    with uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        return stored.status


def one_line(price: str) -> list[DocumentItem]:
    return [
        DocumentItem(
            title="Geste commercial",
            quantity=Decimal(1),
            unit_price=Decimal(price),
            vat_rate=Decimal("0.2"),
        )
    ]


def test_a_partial_credit_is_issued_and_the_cap_holds(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    invoice = issued_invoice(uow, gateway, clock, world)
    note = credit_notes.create_credit_note(
        uow, clock, world.as_accountant, invoice.id, items=one_line("100.00")
    )
    assert note.status is DocumentStatus.DRAFT
    assert note.qonto_id is None
    issued = issue(uow, gateway, clock, world.as_accountant, note.id)

    assert issued.document.number == f"AV-{clock.today().year}-001"
    assert issued.document.total_amount == Decimal("120.00")
    with uow:
        assert uow.documents.credited_total(invoice.id) == Decimal("120.00")
        stored = uow.documents.get(invoice.id)
        assert stored is not None
        assert stored.status is DocumentStatus.FINALIZED
    with pytest.raises(errors.CreditExceedsInvoice):
        credit_notes.create_credit_note(
            uow, clock, world.as_accountant, invoice.id, items=one_line("300.00")
        )
    pdf = pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, note.id)
    assert pdf.content.startswith(b"%PDF")
    assert numbering.check_numbering(uow).ok


def test_a_full_credit_copies_the_lines_and_cancels_the_invoice(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    invoice = issued_invoice(uow, gateway, clock, world)
    note = credit_notes.create_credit_note(uow, clock, world.as_accountant, invoice.id)
    assert [i.title for i in note.items] == [i.title for i in invoice.items]
    assert note.total_amount == invoice.total_amount

    issue(uow, gateway, clock, world.as_accountant, note.id)

    assert status_of(uow, invoice) is DocumentStatus.CANCELLED


def test_given_lines_carry_their_discounts_and_the_document_discount_given(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    """What the web dialog sends: the invoice's lines, each with its discount, and the
    invoice's document discount. Without that discount the same lines credit more than the
    invoice, refused with French amounts."""
    order = make_order(world.customer, clock.now())
    order.items[0].discount_kind, order.items[0].discount_value = (
        DiscountKind.ABSOLUTE,
        Decimal("50"),
    )
    order.discount_kind, order.discount_value = DiscountKind.PERCENTAGE, Decimal("0.1")
    with uow:
        uow.orders.add(order)
        uow.commit()
    draft = invoicing.create_invoice_from_order(uow, gateway, clock, world.as_accountant, order.id)
    invoice = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    lines = copy_items(invoice)
    assert lines[0].discount_kind is DiscountKind.ABSOLUTE

    with pytest.raises(errors.CreditExceedsInvoice) as refused:
        credit_notes.create_credit_note(uow, clock, world.as_accountant, invoice.id, items=lines)
    total = format_money_fr(invoice.total_amount)
    assert refused.value.message.endswith(f"facture : {total}."), refused.value.message

    note = credit_notes.create_credit_note(
        uow, clock, world.as_accountant, invoice.id, items=lines, discount=invoice.discount
    )
    assert note.discount == invoice.discount
    assert note.total_amount == invoice.total_amount
    issue(uow, gateway, clock, world.as_accountant, note.id)
    assert status_of(uow, invoice) is DocumentStatus.CANCELLED


def test_a_draft_credit_note_is_editable_and_deletable(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    invoice = issued_invoice(uow, gateway, clock, world)
    note = credit_notes.create_credit_note(uow, clock, world.as_accountant, invoice.id)
    edited = credit_notes.update_credit_note(
        uow, clock, world.as_accountant, note.id, items=one_line("10.00"), reason="Rayure"
    )
    assert edited.total_amount == Decimal("12.00")
    with pytest.raises(errors.CreditExceedsInvoice):
        credit_notes.update_credit_note(
            uow, clock, world.as_accountant, note.id, items=one_line("1000.00")
        )
    credit_notes.delete_credit_note(uow, clock, world.as_accountant, note.id)
    with uow:
        assert uow.documents.get(note.id) is None


def test_no_credit_note_on_a_draft_invoice(
    uow: SqlAlchemyUnitOfWork, gateway: QontoApiGateway, clock: SandboxClock, world: World
) -> None:
    invoice = invoicing.create_service_invoice(
        uow, gateway, clock, world.as_accountant, world.customer.id, service_items()
    )
    with pytest.raises(errors.CreditNoteRequiresFinalizedInvoice):
        credit_notes.create_credit_note(uow, clock, world.as_accountant, invoice.id)


def test_qonto_404_keeps_the_draft_intact_and_says_to_use_the_dashboard(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoice = issued_invoice(uow, gateway, clock, world)
    note = credit_notes.create_credit_note(
        uow, clock, world.as_accountant, invoice.id, items=one_line("50.00")
    )
    http.put("/_sandbox/features", json={"credit_notes_create": False}).raise_for_status()

    with pytest.raises(errors.CreditNoteUnsupported) as caught:
        issue(uow, gateway, clock, world.as_accountant, note.id)

    assert "tableau de bord Qonto" in caught.value.message
    assert caught.value.trace_id
    with uow:
        kept = uow.documents.get(note.id)
        assert kept is not None
        assert kept.status is DocumentStatus.DRAFT
        assert kept.number is None
        assert kept.total_amount == Decimal("60.00")
        assert uow.outbox.list_unsettled() == []
        assert uow.documents.credited_total(invoice.id) == Decimal("0.00")


def test_the_credit_note_pdf_falls_back_to_its_file_endpoint(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoice = issued_invoice(uow, gateway, clock, world)
    note = credit_notes.create_credit_note(
        uow, clock, world.as_accountant, invoice.id, items=one_line("20.00")
    )
    issue(uow, gateway, clock, world.as_accountant, note.id)
    clock.advance(31 * 60)  # the stored URL expired
    rule = {"method": "GET", "path": "/v2/attachments/{id}", "error_status": 404}
    http.put("/_sandbox/faults", json={"rules": [rule]}).raise_for_status()

    pdf = pdfs.get_document_pdf(uow, gateway, clock, world.as_accountant, note.id)

    assert pdf.source == "credit_note_file"
    assert pdf.content.startswith(b"%PDF")
    with uow:
        stored = uow.documents.get(note.id)
        assert stored is not None
        assert f"/v2/credit_notes/{stored.qonto_id}/file" in [
            str(r["path"]) for r in recorded(http)
        ]
