"""Request shapes → domain values (document lines, order quantities) and the keyword arguments
of the services that the API and the web forms both call; a value the domain refuses becomes a
422 in the error envelope, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict

from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.domain.documents import DocumentItem
from verone.backoffice.domain.errors import InvalidDocument
from verone.backoffice.domain.users import Role
from verone.backoffice.edge.errors import EdgeError
from verone.money import Discount, DiscountKind, MoneyError


def _invalid(message: str, location: str) -> EdgeError:
    return EdgeError(
        422,
        "validation_error",
        message,
        details={"fields": [{"location": location, "message": message, "type": "value_error"}]},
    )


def items(lines: Sequence[s.ItemIn], location: str = "body.items") -> list[DocumentItem]:
    """Document lines; the domain checks quantities, rates and discounts."""
    parsed = []
    for index, line in enumerate(lines):
        try:
            parsed.append(
                DocumentItem(
                    title=line.title,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    unit=line.unit,
                    description=line.description,
                    discount_kind=line.discount_kind,
                    discount_value=line.discount_value,
                )
            )
        except (MoneyError, ValueError, InvalidDocument) as exc:
            raise _invalid(str(exc) or "Ligne invalide.", f"{location}.{index}") from None
    return parsed


def discount(
    kind: DiscountKind | None, value: Decimal | None, location: str = "body.discountValue"
) -> Discount | None:
    """A document discount: both its kind and its value, or neither."""
    if kind is None and value is None:
        return None
    if kind is None or value is None:
        raise _invalid("Une remise a un type et une valeur.", location)
    try:
        return Discount(kind, value)
    except MoneyError as exc:
        raise _invalid(f"Remise invalide : {exc}.", location) from None


class CreditNoteFields(TypedDict):
    items: list[DocumentItem] | None
    discount: Discount | None
    reason: str | None


def credit_note(body: s.CreditNoteIn) -> CreditNoteFields:
    """A credit-note creation body (API or web form) as ``create_credit_note``'s arguments."""
    return CreditNoteFields(
        items=None if body.items is None else items(body.items),
        discount=discount(body.discount_kind, body.discount_value),
        reason=body.reason,
    )


def quantities(lines: Sequence[s.OrderLineIn] | None) -> dict[uuid.UUID, Decimal] | None:
    """Order line id → quantity to invoice; each line at most once."""
    if lines is None:
        return None
    found: dict[uuid.UUID, Decimal] = {}
    for index, line in enumerate(lines):
        if line.sales_order_item_id in found:
            raise _invalid("Ligne de commande en double.", f"body.lines.{index}")
        found[line.sales_order_item_id] = line.quantity
    return found


class DraftChanges(TypedDict, total=False):
    """The keyword changes of ``invoicing.update_draft``."""

    items: list[DocumentItem] | None
    issue_date: date | None
    due_date: date | None
    notes: str | None
    purchase_order: str | None


def draft_changes(body: s.InvoicePatchIn | s.QuotePatchIn) -> DraftChanges:
    """A draft's PATCH body (API or web form) as ``update_draft``'s changes; a quote has no
    due date nor purchase order."""
    changes = DraftChanges(
        items=None if body.items is None else items(body.items),
        issue_date=body.issue_date,
        notes=body.notes,
    )
    if isinstance(body, s.InvoicePatchIn):
        changes["due_date"] = body.due_date
        changes["purchase_order"] = body.purchase_order
    return changes


class InvoiceFromOrderFields(TypedDict):
    quantities: dict[uuid.UUID, Decimal] | None
    issue_date: date | None
    notes: str | None


def invoice_from_order(body: s.InvoiceFromOrderIn) -> InvoiceFromOrderFields:
    """An invoice-from-order body (API or web form) as ``create_invoice_from_order``'s
    arguments after the order; the purchase order is the API's alone (the form has none)."""
    return InvoiceFromOrderFields(
        quantities=quantities(body.lines), issue_date=body.issue_date, notes=body.notes
    )


class ServiceInvoiceFields(TypedDict):
    items: list[DocumentItem]
    issue_date: date | None
    due_date: date | None
    notes: str | None


def service_invoice(body: s.ServiceInvoiceIn) -> ServiceInvoiceFields:
    """A service invoice's body (API or web form) as ``create_service_invoice``'s arguments
    after the customer; the purchase order is the API's alone (the form has none)."""
    return ServiceInvoiceFields(
        items=items(body.items),
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
    )


class ServiceQuoteFields(TypedDict):
    items: list[DocumentItem]
    expiry_date: date | None


def service_quote(body: s.ServiceQuoteIn) -> ServiceQuoteFields:
    """A service quote's body (API or web form) as ``create_service_quote``'s arguments after
    the customer."""
    return ServiceQuoteFields(items=items(body.items), expiry_date=body.expiry_date)


class NewUserFields(TypedDict):
    email: str
    password: str
    role: Role
    display_name: str | None


def new_user(body: sa.UserIn) -> NewUserFields:
    """A user's creation body (API or web form) as ``user_admin.add_user``'s arguments."""
    return NewUserFields(
        email=body.email, password=body.password, role=body.role, display_name=body.display_name
    )


class NewTokenFields(TypedDict):
    name: str
    user_id: uuid.UUID | None
    expires_at: datetime | None


def new_token(body: sa.TokenIn) -> NewTokenFields:
    """An API token's creation body (API or web form) as ``auth.create_api_token``'s arguments."""
    return NewTokenFields(name=body.name, user_id=body.user_id, expires_at=body.expires_at)
