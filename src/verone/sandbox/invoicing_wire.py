"""JSON shapes of the invoicing resources as Qonto sends them (reference §7.5, §8, §9, §10).

Amounts are ``{value, currency}`` decimal strings plus integer ``*_cents`` twins.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from verone.money import LineTotals, quantize, to_cents
from verone.sandbox.invoicing_records import (
    AddressRecord,
    ClientRecord,
    CreditNoteRecord,
    DiscountRecord,
    InvoiceRecord,
    ItemRecord,
    QuoteRecord,
    UploadRecord,
)
from verone.sandbox.rules import totals
from verone.sandbox.state import SandboxState

JSON = dict[str, object]


def timestamp(value: datetime | None) -> str | None:
    """``2026-11-24T04:50:00.123Z``: millisecond UTC timestamps."""
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def amount(value: Decimal, currency: str) -> JSON:
    return {"value": str(quantize(value)), "currency": currency}


def _money(name: str, value: Decimal, currency: str) -> JSON:
    return {name: amount(value, currency), f"{name}_cents": to_cents(value)}


def address_wire(address: AddressRecord | None) -> JSON | None:
    if address is None:
        return None
    data = address.model_dump()
    data["country_code"] = (address.country_code or "").upper() or None
    return data


def client_wire(client: ClientRecord) -> JSON:
    billing = client.billing_address or AddressRecord()
    phone = client.phone.model_dump() if client.phone else None
    phone_number = (
        f"{client.phone.country_code or ''}{client.phone.number or ''}" if client.phone else None
    )
    return {
        "id": client.id,
        "kind": client.kind,
        "type": client.kind,
        "name": client.name if client.kind == "company" else client.display_name(),
        "first_name": client.first_name,
        "last_name": client.last_name,
        "email": client.email,
        "extra_emails": list(client.extra_emails),
        "phone": phone,
        "phone_number": phone_number,
        "vat_number": client.vat_number,
        "tax_identification_number": client.tax_identification_number,
        "e_invoicing_address": client.e_invoicing_address,
        "recipient_code": client.recipient_code,
        "address": billing.street_address,
        "city": billing.city,
        "zip_code": billing.zip_code,
        "province_code": billing.province_code,
        "country_code": (billing.country_code or "").lower() or None,
        "billing_address": address_wire(client.billing_address),
        "delivery_address": address_wire(client.delivery_address),
        "currency": client.currency,
        "locale": client.locale,
        "e_invoicing_reachable": False,
        "created_at": timestamp(client.created_at),
        "updated_at": timestamp(client.updated_at),
    }


def _discount_wire(discount: DiscountRecord | None, value: Decimal, currency: str) -> JSON | None:
    if discount is None:
        return None
    return {
        "type": discount.type,
        "value": str(discount.value),
        **_money("amount", value, currency),
    }


def item_wire(item: ItemRecord, line: LineTotals, currency: str, sign: int = 1) -> JSON:
    return {
        "title": item.title,
        "description": item.description,
        "quantity": str(item.quantity * sign),
        "unit": item.unit,
        "unit_price": {"value": str(item.unit_price), "currency": item.currency},
        "unit_price_cents": to_cents(item.unit_price),
        "vat_rate": str(item.vat_rate),
        "vat_exemption_reason": item.vat_exemption_reason,
        "discount": _discount_wire(item.discount, line.discount * sign, currency),
        **_money("subtotal", line.subtotal * sign, currency),
        **_money("total_vat", line.vat * sign, currency),
        **_money("total_amount", line.total * sign, currency),
    }


def _document_amounts(
    items: list[ItemRecord], discount: DiscountRecord | None, currency: str, sign: int = 1
) -> JSON:
    doc = totals(items, discount)
    return {
        "items": [item_wire(i, t, currency, sign) for i, t in zip(items, doc.lines, strict=True)],
        **_money("subtotal_amount", doc.subtotal * sign, currency),
        **_money("vat_amount", doc.vat * sign, currency),
        **_money("total_amount", doc.total * sign, currency),
        "discount": _discount_wire(discount, doc.discount * sign, currency),
    }


def organization_wire(state: SandboxState) -> JSON:
    org = state.banking.organization
    return {
        "id": org.id,
        "legal_name": org.legal_name,
        "legal_number": org.legal_number,
        "legal_country": org.legal_country,
        "address_line_1": org.address.street_address,
        "address_line_2": None,
        "address_zipcode": org.address.zip_code,
        "address_city": org.address.city,
        "address_country": org.address.country,
        "company_leadership": None,
        "district_court": None,
        "commercial_register_number": org.legal_number,
        "vat_number": org.vat_number,
        "tax_number": None,
        "legal_capital_share": amount(Decimal(org.legal_share_capital), "EUR"),
        "transaction_type": "goods",
        "vat_payment_condition": "compensated_for_sales",
    }


def public_url(state: SandboxState, kind: str, token: str) -> str:
    return f"{state.config.public_base_url.rstrip('/')}/public/{kind}/{token}"


def _payment_methods(state: SandboxState, iban: str) -> list[JSON]:
    org = state.banking.organization
    account = next((a for a in org.bank_accounts if a.iban == iban), None)
    return [
        {
            "type": "transfer",
            "iban": iban,
            "bic": account.bic if account else None,
            "beneficiary_name": org.legal_name,
        }
    ]


def invoice_wire(state: SandboxState, invoice: InvoiceRecord) -> JSON:
    data: JSON = {
        "id": invoice.id,
        "organization_id": state.banking.organization.id,
        "number": invoice.number,
        "invoice_number": invoice.number,
        "status": invoice.status,
        "invoice_type": "standard",
        "quote_id": invoice.quote_id,
        "upload_id": invoice.upload_id,
        "invoice_url": public_url(state, "invoices", invoice.token),
        "contact_email": invoice.contact_email,
        "purchase_order": invoice.purchase_order,
        "terms_and_conditions": invoice.terms_and_conditions,
        "header": invoice.header,
        "footer": invoice.footer,
        "currency": invoice.currency,
        **_document_amounts(invoice.items, invoice.discount, invoice.currency),
        "amount_paid": amount(invoice.amount_paid, invoice.currency),
        "issue_date": day(invoice.issue_date),
        "due_date": day(invoice.due_date),
        "performance_date": day(invoice.performance_date),
        "performance_start_date": day(invoice.performance_start_date),
        "performance_end_date": day(invoice.performance_end_date),
        "created_at": timestamp(invoice.created_at),
        "updated_at": timestamp(invoice.updated_at),
        "finalized_at": timestamp(invoice.finalized_at),
        "paid_at": timestamp(invoice.paid_at),
        "canceled_at": timestamp(invoice.canceled_at),
        "client": client_wire(invoice.client),
        "payment_methods": _payment_methods(state, invoice.iban),
        "credit_notes_ids": list(invoice.credit_note_ids),
        "organization": organization_wire(state),
        "einvoicing_status": None,
        "stamp_duty_amount": None,
    }
    if invoice.attachment_id is not None:
        data["attachment_id"] = invoice.attachment_id
    return data


def quote_wire(state: SandboxState, quote: QuoteRecord) -> JSON:
    data: JSON = {
        "id": quote.id,
        "organization_id": state.banking.organization.id,
        "number": quote.number,
        "status": quote.status,
        "quote_url": public_url(state, "quotes", quote.token),
        "contact_email": quote.contact_email,
        "terms_and_conditions": quote.terms_and_conditions,
        "header": quote.header,
        "footer": quote.footer,
        "currency": quote.currency,
        **_document_amounts(quote.items, quote.discount, quote.currency),
        "issue_date": day(quote.issue_date),
        "expiry_date": day(quote.expiry_date),
        "created_at": timestamp(quote.created_at),
        "updated_at": timestamp(quote.updated_at),
        "approved_at": timestamp(quote.approved_at),
        "canceled_at": timestamp(quote.canceled_at),
        "client": client_wire(quote.client),
        "invoice_ids": list(quote.invoice_ids),
        "organization": organization_wire(state),
        "upload_id": quote.upload_id,
    }
    if quote.attachment_id is not None:
        data["attachment_id"] = quote.attachment_id
    return data


def credit_note_wire(state: SandboxState, note: CreditNoteRecord) -> JSON:
    data: JSON = {
        "id": note.id,
        "invoice_id": note.invoice_id,
        "number": note.number,
        "reason": note.reason,
        "issue_date": day(note.issue_date),
        "invoice_issue_date": day(note.invoice_issue_date),
        "terms_and_conditions": note.terms_and_conditions,
        "header": note.header,
        "footer": note.footer,
        "currency": note.currency,
        **_document_amounts(note.items, note.discount, note.currency, sign=-1),
        "created_at": timestamp(note.created_at),
        "finalized_at": timestamp(note.finalized_at),
        "contact_email": note.contact_email,
        "invoice_url": public_url(state, "invoices", note.invoice_token),
        "einvoicing_status": None,
        "stamp_duty_amount": None,
        "client": client_wire(note.client),
    }
    if note.attachment_id is not None:
        data["attachment_id"] = note.attachment_id
    return data


def upload_wire(state: SandboxState, upload: UploadRecord) -> JSON:
    return {
        "id": upload.id,
        "organization_id": state.banking.organization.id,
        "filename": upload.filename,
        "content_type": upload.content_type,
        "file_size": upload.file_size,
        "url": f"{state.config.public_base_url.rstrip('/')}/v2/attachments/{upload.attachment_id}",
        "created_at": timestamp(upload.created_at),
        "updated_at": timestamp(upload.updated_at),
    }
