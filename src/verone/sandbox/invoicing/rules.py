"""Rules of the simulated invoicing: status machines, totals, credit caps and validation.

Refusals are raised as Qonto-shaped ``QontoHTTPError`` so routes stay thin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from verone.money import (
    Discount,
    DiscountKind,
    DocumentTotals,
    LineInput,
    MoneyError,
    document_totals,
    quantize,
)

# The statuses are the client's own enums: the sandbox speaks the vocabulary the client reads.
from verone.qonto.types.client_invoices import InvoiceStatus as InvoiceStatus
from verone.qonto.types.quotes import QuoteStatus as QuoteStatus
from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.invoicing.records import ClientRecord, DiscountRecord, ItemRecord

INVALID_TRANSITION = "invalid_status_transition"

# The 28 document currencies Qonto accepts on invoices (reference §15).
SUPPORTED_CURRENCIES = frozenset(
    "EUR AED AUD BGN CAD CHF CNY CZK DKK GBP GHS HKD HUF ILS MXN NOK NZD PEN PLN RON RSD "
    "SAR SEK SGD TRY USD ZAR ZMW".split()
)


class InvoiceAction(StrEnum):
    UPDATE = "update"
    DELETE = "delete"
    FINALIZE = "finalize"
    MARK_AS_PAID = "mark_as_paid"
    UNMARK_AS_PAID = "unmark_as_paid"
    MARK_AS_CANCELED = "mark_as_canceled"
    SEND = "send"
    SEND_BY_EINVOICE = "send_by_einvoice"
    CREDIT = "credit"
    PAY = "pay"


_D, _U, _P, _C = (
    InvoiceStatus.DRAFT,
    InvoiceStatus.UNPAID,
    InvoiceStatus.PAID,
    InvoiceStatus.CANCELED,
)

# action -> (statuses it is allowed from, status after; None = unchanged)
INVOICE_TRANSITIONS: dict[InvoiceAction, tuple[frozenset[InvoiceStatus], InvoiceStatus | None]] = {
    InvoiceAction.UPDATE: (frozenset({_D}), None),
    InvoiceAction.DELETE: (frozenset({_D}), None),
    InvoiceAction.FINALIZE: (frozenset({_D}), _U),
    InvoiceAction.MARK_AS_PAID: (frozenset({_U, _P}), _P),
    InvoiceAction.UNMARK_AS_PAID: (frozenset({_P}), _U),
    InvoiceAction.MARK_AS_CANCELED: (frozenset({_U}), _C),
    InvoiceAction.SEND: (frozenset({_U, _P}), None),
    InvoiceAction.SEND_BY_EINVOICE: (frozenset({_U, _P}), None),
    InvoiceAction.CREDIT: (frozenset({_U, _P}), None),
    InvoiceAction.PAY: (frozenset({_U}), _P),
}

_REFUSALS: dict[InvoiceAction, str] = {
    InvoiceAction.UPDATE: "Only draft invoices can be updated",
    InvoiceAction.DELETE: "Only draft invoices can be deleted; validated or paid ones cannot",
    InvoiceAction.FINALIZE: "Only draft invoices can be finalized",
    InvoiceAction.MARK_AS_PAID: "Only unpaid or paid invoices can be marked as paid",
    InvoiceAction.UNMARK_AS_PAID: "Only paid invoices can be unmarked as paid",
    InvoiceAction.MARK_AS_CANCELED: "Only unpaid invoices can be canceled; delete drafts instead",
    InvoiceAction.SEND: "Only finalized (unpaid or paid) invoices can be sent",
    InvoiceAction.SEND_BY_EINVOICE: "Only unpaid or paid invoices can be sent by e-invoice",
    InvoiceAction.CREDIT: "Credit notes can only be issued on unpaid or paid invoices",
    InvoiceAction.PAY: "Only unpaid invoices can be paid",
}


def invoice_transition(status: str, action: InvoiceAction) -> InvoiceStatus:
    """The status after ``action`` on an invoice in ``status``; 422 if the move is illegal."""
    allowed, after = INVOICE_TRANSITIONS[action]
    current = InvoiceStatus(status)
    if current not in allowed:
        raise QontoHTTPError(
            422, INVALID_TRANSITION, f"{_REFUSALS[action]} (invoice is {current.value})"
        )
    return after or current


def e_invoicing_reachable(client: ClientRecord) -> bool:
    """A client is on the e-invoicing network when it has an e-invoicing address (a choice:
    docs/sandbox/invoicing.md, "Send by e-invoice")."""
    return bool(client.e_invoicing_address)


QUOTE_DECISIONS: dict[str, QuoteStatus] = {
    "approve": QuoteStatus.APPROVED,
    "decline": QuoteStatus.CANCELED,
}


def quote_decision(status: str, decision: str) -> QuoteStatus:
    """Approve or decline a pending quote; anything else is an illegal transition."""
    if QuoteStatus(status) is not QuoteStatus.PENDING_APPROVAL:
        raise QontoHTTPError(
            422, INVALID_TRANSITION, f"Only pending quotes can be decided (quote is {status})"
        )
    return QUOTE_DECISIONS[decision]


# --------------------------------------------------------------------------- totals


def to_discount(record: DiscountRecord | None) -> Discount | None:
    if record is None:
        return None
    kind = DiscountKind.PERCENTAGE if record.type == "percentage" else DiscountKind.ABSOLUTE
    try:
        return Discount(kind, record.value)
    except MoneyError as exc:
        raise refused("discount", str(exc)) from None


def to_line(item: ItemRecord) -> LineInput:
    return LineInput(
        quantity=item.quantity,
        unit_price=item.unit_price,
        vat_rate=item.vat_rate,
        discount=to_discount(item.discount),
    )


def totals(items: Sequence[ItemRecord], discount: DiscountRecord | None) -> DocumentTotals:
    """Document totals by the product's one rounding rule (``verone.money``)."""
    return document_totals([to_line(item) for item in items], to_discount(discount))


# --------------------------------------------------------------------------- credit caps


def check_credit_cap(invoice_total: Decimal, credited: Iterable[Decimal], new: Decimal) -> bool:
    """Refuse a credit note that would credit more than the invoice; ``True`` if it is now full."""
    already = sum((abs(amount) for amount in credited), Decimal("0"))
    if new <= 0:
        raise refused("items", "A credit note must have a positive total")
    if already + new > invoice_total:
        left = quantize(invoice_total - already)
        raise refused(
            "items",
            f"Credit notes cannot exceed the invoice total ({left} left to credit)",
            "credit_note_amount_exceeds_invoice",
        )
    return already + new == invoice_total


# --------------------------------------------------------------------------- validation


def check_due_date(issue_date: date, due_date: date) -> None:
    if due_date < issue_date:
        raise refused("due_date", "due_date must be on or after issue_date")


def check_iban(iban: str | None, organization_ibans: set[str]) -> str:
    """The invoice's payment IBAN: present and one of the organization's accounts."""
    normalized = (iban or "").replace(" ", "").upper()
    if not normalized:
        raise refused("payment_methods/iban", "IBAN is empty", "invalid_iban")
    if normalized not in {i.replace(" ", "").upper() for i in organization_ibans}:
        raise refused(
            "payment_methods/iban", "IBAN is not one of the organization's accounts", "invalid_iban"
        )
    return normalized


def check_currency(currency: str, client_currency: str | None) -> None:
    if currency not in SUPPORTED_CURRENCIES:
        raise refused("currency", "currency is not supported", "not_in_list")
    if client_currency is None:
        raise refused("currency", "the client has no currency", "blank")
    if currency != client_currency:
        raise refused("currency", f"currency must match the client's currency ({client_currency})")


def check_items(items: Sequence[ItemRecord], *, required: bool) -> None:
    """Positive quantities, fraction VAT rates, and at least one item when ``required``."""
    if required and not items:
        raise refused("items", "at least one item is required", "blank")
    for index, item in enumerate(items):
        where = f"items/{index}"
        if item.quantity <= 0:
            raise refused(f"{where}/quantity", "quantity must be positive")
        if not Decimal(0) <= item.vat_rate <= 1:
            raise refused(f"{where}/vat_rate", "vat_rate must be a fraction (0.2 = 20 %)")
        if item.unit_price < 0:
            raise refused(f"{where}/unit_price", "unit_price must not be negative")
        try:
            to_line(item)
        except QontoHTTPError as exc:
            exc.pointer = f"/data/attributes/{where}/discount"
            raise


def quote_rate(value: Decimal) -> Decimal:
    """A quote VAT rate or percentage: fractions are kept, values above 1 are read as percent."""
    return value / 100 if value > 1 else value


def check_client_kind(
    kind: str, name: str | None, first_name: str | None, last_name: str | None
) -> None:
    if kind not in {"company", "individual", "freelancer"}:
        raise refused("kind", "kind is not valid", "not_in_list")
    if kind == "company" and not name:
        raise refused("name", "name is required for a company", "blank")
    if kind != "company":
        for field, value in (("first_name", first_name), ("last_name", last_name)):
            if not value:
                raise refused(field, f"{field} is required for {kind} clients", "blank")
