"""Invoicing answers as the client's wire models (clients, invoices, quotes, credit notes,
uploads): built with ``verone.sandbox.wire.build``, written with ``dump``.

Amounts are ``{value, currency}`` decimal strings plus integer ``*_cents`` twins; timestamps
are cut to the millisecond. See docs/sandbox/invoicing.md, "Conventions".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from verone.money import LineTotals, quantize, to_cents
from verone.qonto.types._base import Amount
from verone.qonto.types.client_invoices import (
    ClientInvoice,
    ClientInvoiceUpload,
    PaymentMethod,
)
from verone.qonto.types.clients import Address, Client, Phone
from verone.qonto.types.credit_notes import CreditNote
from verone.qonto.types.documents import (
    ClientSnapshot,
    DiscountDetails,
    InvoiceItem,
    OrganizationSnapshot,
)
from verone.qonto.types.quotes import Quote
from verone.sandbox.invoicing.records import (
    AddressRecord,
    ClientRecord,
    CreditNoteRecord,
    DiscountRecord,
    InvoiceRecord,
    ItemRecord,
    QuoteRecord,
    UploadRecord,
)
from verone.sandbox.invoicing.rules import e_invoicing_reachable, totals
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import attributes, build, to_millisecond


def amount(value: Decimal, currency: str) -> Amount:
    return build(Amount, value=quantize(value), currency=currency)


def address_wire(address: AddressRecord | None) -> Address | None:
    if address is None:
        return None
    return build(
        Address,
        **attributes(address, "street_address city zip_code province_code"),
        country_code=(address.country_code or "").upper() or None,
    )


def _client_fields(client: ClientRecord) -> dict[str, Any]:
    """What a client and the client embedded in a document both say."""
    billing = client.billing_address or AddressRecord()
    return {
        **attributes(client, _CLIENT_COPIED),
        **attributes(billing, "city zip_code province_code"),
        "type": client.kind,
        "name": client.name if client.kind == "company" else client.display_name(),
        "address": billing.street_address,
        "country_code": (billing.country_code or "").lower() or None,  # lower-case here
        "billing_address": address_wire(client.billing_address),
        "delivery_address": address_wire(client.delivery_address),
    }


_CLIENT_COPIED = (
    "id first_name last_name email vat_number tax_identification_number recipient_code locale"
)


def client_wire(client: ClientRecord) -> Client:
    phone = client.phone
    return build(
        Client,
        **_client_fields(client),
        **attributes(client, "kind e_invoicing_address currency"),
        extra_emails=list(client.extra_emails),
        phone=build(Phone, country_code=phone.country_code, number=phone.number) if phone else None,
        phone_number=f"{phone.country_code or ''}{phone.number or ''}" if phone else None,
        e_invoicing_reachable=e_invoicing_reachable(client),
        created_at=to_millisecond(client.created_at),
        updated_at=to_millisecond(client.updated_at),
    )


def client_snapshot(client: ClientRecord) -> ClientSnapshot:
    """The client as embedded in a document."""
    return build(ClientSnapshot, **_client_fields(client))


def _discount_wire(
    discount: DiscountRecord | None, value: Decimal, currency: str
) -> DiscountDetails | None:
    if discount is None:
        return None
    return build(
        DiscountDetails,
        type=discount.type,
        value=discount.value,
        amount=amount(value, currency),
        amount_cents=to_cents(value),
    )


def item_wire(item: ItemRecord, line: LineTotals, currency: str, sign: int = 1) -> InvoiceItem:
    return build(
        InvoiceItem,
        title=item.title,
        description=item.description,
        quantity=item.quantity * sign,
        unit=item.unit,
        unit_price=build(Amount, value=item.unit_price, currency=item.currency),
        unit_price_cents=to_cents(item.unit_price),
        vat_rate=item.vat_rate,
        vat_exemption_reason=item.vat_exemption_reason,
        discount=_discount_wire(item.discount, line.discount * sign, currency),
        subtotal=amount(line.subtotal * sign, currency),
        subtotal_cents=to_cents(line.subtotal * sign),
        total_vat=amount(line.vat * sign, currency),
        total_vat_cents=to_cents(line.vat * sign),
        total_amount=amount(line.total * sign, currency),
        total_amount_cents=to_cents(line.total * sign),
    )


class DocumentAmounts(TypedDict):
    """The computed part of a document, as keyword arguments of its wire model."""

    items: list[InvoiceItem]
    discount: DiscountDetails | None
    total_amount: Amount
    total_amount_cents: int
    vat_amount: Amount
    vat_amount_cents: int


def document_amounts(
    items: list[ItemRecord], discount: DiscountRecord | None, currency: str, sign: int = 1
) -> DocumentAmounts:
    """Lines and totals of a document (``sign=-1``: a credit note, stored negated)."""
    doc = totals(items, discount)
    total, vat = doc.total * sign, doc.vat * sign
    return DocumentAmounts(
        items=[item_wire(i, t, currency, sign) for i, t in zip(items, doc.lines, strict=True)],
        discount=_discount_wire(discount, doc.discount * sign, currency),
        total_amount=amount(total, currency),
        total_amount_cents=to_cents(total),
        vat_amount=amount(vat, currency),
        vat_amount_cents=to_cents(vat),
    )


def organization_snapshot(state: SandboxState) -> OrganizationSnapshot:
    org = state.banking.organization
    return build(
        OrganizationSnapshot,
        id=org.id,
        legal_name=org.legal_name,
        legal_number=org.legal_number,
        legal_country=org.legal_country,
        address_line_1=org.address.street_address,
        address_line_2=None,
        address_zipcode=org.address.zip_code,
        address_city=org.address.city,
        address_country=org.address.country,
        company_leadership=None,
        district_court=None,
        commercial_register_number=org.legal_number,
        vat_number=org.vat_number,
        tax_number=None,
        legal_capital_share=amount(Decimal(org.legal_share_capital), "EUR"),
        transaction_type="goods",
        vat_payment_condition="compensated_for_sales",
    )


def public_url(state: SandboxState, kind: str, token: str) -> str:
    return f"{state.config.public_base_url.rstrip('/')}/public/{kind}/{token}"


def _payment_methods(state: SandboxState, iban: str) -> list[PaymentMethod]:
    org = state.banking.organization
    account = next((a for a in org.bank_accounts if a.iban == iban), None)
    return [
        build(
            PaymentMethod,
            type="transfer",
            iban=iban,
            bic=account.bic if account else None,
            beneficiary_name=org.legal_name,
        )
    ]


def _times(source: object, names: str) -> dict[str, Any]:
    """The space-separated timestamps ``names`` of ``source``, cut to the millisecond."""
    return {name: to_millisecond(value) for name, value in attributes(source, names).items()}


def _document_fields(
    document: InvoiceRecord | QuoteRecord | CreditNoteRecord, sign: int = 1
) -> dict[str, Any]:
    """What an invoice, a quote and a credit note all say (``sign=-1``: a credit note)."""
    return {
        **document_amounts(document.items, document.discount, document.currency, sign),
        **attributes(document, _DOCUMENT_COPIED),
        "created_at": to_millisecond(document.created_at),
        "stamp_duty_amount": None,
        "client": client_snapshot(document.client),
    }


_DOCUMENT_COPIED = (
    "id number attachment_id contact_email terms_and_conditions header footer currency issue_date"
)


def _issuer(state: SandboxState) -> dict[str, Any]:
    """The issuer, named by an invoice and a quote (a credit note does not)."""
    organization = organization_snapshot(state)
    return {"organization_id": organization.id, "organization": organization}


def invoice_wire(state: SandboxState, invoice: InvoiceRecord) -> ClientInvoice:
    return build(
        ClientInvoice,
        **_document_fields(invoice),
        **_issuer(state),
        **attributes(invoice, "purchase_order status quote_id einvoicing_status due_date"),
        **attributes(invoice, "performance_date performance_start_date performance_end_date"),
        **_times(invoice, "updated_at finalized_at paid_at"),
        invoice_number=invoice.number,
        invoice_type="standard",
        invoice_url=public_url(state, "invoices", invoice.token),
        discount_conditions=None,
        late_payment_penalties=None,
        legal_fixed_compensation=None,
        amount_paid=amount(invoice.amount_paid, invoice.currency),
        payment_methods=_payment_methods(state, invoice.iban),
        credit_notes_ids=list(invoice.credit_note_ids),
        einvoicing_lifecycle_events=None,
    )


def quote_wire(state: SandboxState, quote: QuoteRecord) -> Quote:
    return build(
        Quote,
        **_document_fields(quote),
        **_issuer(state),
        **_times(quote, "updated_at approved_at canceled_at"),
        status=quote.status,
        quote_url=public_url(state, "quotes", quote.token),
        expiry_date=quote.expiry_date,
        invoice_ids=list(quote.invoice_ids),
    )


def credit_note_wire(state: SandboxState, note: CreditNoteRecord) -> CreditNote:
    return build(
        CreditNote,
        **_document_fields(note, -1),
        **attributes(note, "invoice_id reason invoice_issue_date"),
        finalized_at=to_millisecond(note.finalized_at),
        invoice_url=public_url(state, "invoices", note.invoice_token),
        einvoicing_status=None,
    )


def upload_wire(state: SandboxState, upload: UploadRecord) -> ClientInvoiceUpload:
    base = state.config.public_base_url.rstrip("/")
    return build(
        ClientInvoiceUpload,
        id=upload.id,
        organization_id=state.banking.organization.id,
        filename=upload.filename,
        content_type=upload.content_type,
        file_size=upload.file_size,
        url=f"{base}/v2/attachments/{upload.attachment_id}",
        created_at=to_millisecond(upload.created_at),
        updated_at=to_millisecond(upload.updated_at),
    )
