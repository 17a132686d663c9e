"""Pure translation between back-office documents and Qonto's wire types (no I/O): request
params from domain objects, ``RemoteDocument`` from Qonto answers, and the content
fingerprint that finds a created document again after a write of unknown outcome
(docs/adr/0004-outbox-write.md: nothing technical is printed on the customer's document).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.parties import Customer, CustomerKind
from verone.backoffice.domain.statuses import DocumentType, QontoStatus
from verone.backoffice.ports import RemoteDocument
from verone.money import from_cents, quantize
from verone.qonto.types._base import Amount, AmountParam
from verone.qonto.types.client_invoices import ClientInvoice
from verone.qonto.types.clients import AddressParams, ClientCreateParams, ClientKind
from verone.qonto.types.credit_notes import CreditNote
from verone.qonto.types.documents import DiscountParams, InvoiceItem, InvoiceItemParams
from verone.qonto.types.quotes import Quote

TITLE_MAX = 40


def _money(amount: Amount | None, cents: int | None) -> Decimal:
    if cents is not None:
        return from_cents(cents)
    return quantize(amount.value) if amount is not None else Decimal("0.00")


def _epoch() -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC)


def _remote(
    document_type: DocumentType,
    document: ClientInvoice | Quote | CreditNote,
    *,
    qonto_status: str,
    number: str | None,
    updated_at: datetime | None,
    finalized_at: datetime | None,
) -> RemoteDocument:
    """What the three kinds' answers say alike: id, totals, currency, attachment (dated at
    creation when Qonto gives no ``updated_at``)."""
    return RemoteDocument(
        document_type=document_type,
        qonto_id=document.id,
        qonto_status=qonto_status,
        number=number,
        total_amount=_money(document.total_amount, document.total_amount_cents),
        total_vat=_money(document.vat_amount, document.vat_amount_cents),
        currency=document.currency or "EUR",
        updated_at=updated_at or document.created_at or _epoch(),
        attachment_id=document.attachment_id,
        finalized_at=finalized_at,
    )


def remote_invoice(invoice: ClientInvoice) -> RemoteDocument:
    return _remote(
        DocumentType.INVOICE,
        invoice,
        qonto_status=str(invoice.status),
        number=invoice.number if invoice.is_finalized else None,
        updated_at=invoice.updated_at,
        finalized_at=invoice.finalized_at,
    )


def remote_quote(quote: Quote) -> RemoteDocument:
    return _remote(
        DocumentType.QUOTE,
        quote,
        qonto_status=str(quote.status or QontoStatus.PENDING_APPROVAL),
        number=quote.number,
        updated_at=quote.updated_at,
        finalized_at=quote.created_at,
    )


def remote_credit_note(note: CreditNote) -> RemoteDocument:
    return _remote(
        DocumentType.CREDIT_NOTE,
        note,
        qonto_status=QontoStatus.FINALIZED,
        number=note.number,
        updated_at=note.finalized_at,
        finalized_at=note.finalized_at or note.created_at,
    )


def canonical(value: Decimal, places: int = 0) -> Decimal:
    """One spelling per number whatever the storage gave back (``4.000`` → ``4``), with at
    least ``places`` decimals: the same document always makes the same request body."""
    plain = Decimal(format(value.normalize(), "f"))
    exponent = plain.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -places:
        return plain.quantize(Decimal(1).scaleb(-places))
    return plain


def discount_params(document_kind: object, value: Decimal | None) -> DiscountParams | None:
    if document_kind is None or value is None:
        return None
    return DiscountParams.model_validate({"type": document_kind, "value": canonical(value)})


def invoice_items(document: FinancialDocument) -> list[InvoiceItemParams]:
    """The document's lines as Qonto params (titles cut to Qonto's 40 characters)."""
    lines = []
    for item in sorted(document.items, key=lambda i: i.position):
        description = item.description
        if len(item.title) > TITLE_MAX and not description:
            description = item.title
        lines.append(
            InvoiceItemParams(
                title=item.title[:TITLE_MAX],
                description=description,
                quantity=canonical(item.quantity),
                unit=item.unit,
                unit_price=AmountParam(
                    value=canonical(item.unit_price, 2), currency=document.currency
                ),
                vat_rate=canonical(item.vat_rate),
                discount=discount_params(item.discount_kind, item.discount_value),
            )
        )
    return lines


def required_date(value: date | None, what: str) -> date:
    if value is None:
        raise errors.InvalidDocument(f"La date {what} est obligatoire pour Qonto.")
    return value


def client_params(customer: Customer) -> ClientCreateParams:
    address = customer.billing_address
    company = customer.kind is CustomerKind.COMPANY
    return ClientCreateParams(
        kind=ClientKind.COMPANY if company else ClientKind.INDIVIDUAL,
        name=customer.company_name if company else None,
        first_name=None if company else (customer.first_name or customer.last_name),
        last_name=None if company else customer.last_name,
        email=customer.email,
        vat_number=customer.vat_number,
        tax_identification_number=customer.siren or customer.siret,
        billing_address=None
        if address is None
        else AddressParams(
            street_address=address.street,
            city=address.city,
            zip_code=address.postal_code,
            country_code=address.country,
        ),
        currency=customer.currency,
        locale=customer.locale,
    )


Fingerprint = tuple[object, ...]


def _line_key(
    title: str | None, quantity: Decimal | None, unit_price: Decimal | None, vat: Decimal | None
) -> tuple[object, ...]:
    return (
        title,
        None if quantity is None else canonical(quantity),
        None if unit_price is None else canonical(unit_price, 2),
        None if vat is None else canonical(vat),
    )


def document_fingerprint(document: FinancialDocument, text: str | None) -> Fingerprint:
    """What identifies the Qonto document a create for ``document`` made: its dates, its
    printed text (purchase order and header, or reason) and its lines, as sent."""
    lines = tuple(
        _line_key(p.title, p.quantity, p.unit_price.value, p.vat_rate)
        for p in invoice_items(document)
    )
    return (document.currency, document.issue_date, text or None, lines)


def wire_fingerprint(
    currency: str | None, issue_date: date | None, text: str | None, items: Sequence[InvoiceItem]
) -> Fingerprint:
    """The same fingerprint, read from Qonto's answer."""
    lines = tuple(
        _line_key(
            i.title, i.quantity, None if i.unit_price is None else i.unit_price.value, i.vat_rate
        )
        for i in items
    )
    return (currency or "EUR", issue_date, text or None, lines)


def invoice_text(purchase_order: str | None, header: str | None) -> str:
    """The printed text of an invoice that its fingerprint compares."""
    return f"{purchase_order or ''}\n{header or ''}"


def credit_note_reason(document: FinancialDocument) -> str:
    """The reason printed on a credit note (the user's, or « Avoir »)."""
    return (document.notes or "Avoir")[:400]
