"""Read models of the documents pages: the sums of a filtered list, and which actions a
document allows for a user (its kind's legal moves, ``domain/kinds.py``, and the role)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.orders import SalesOrderItem, invoiced_quantities
from verone.backoffice.domain.queries import DocumentFilter, DocumentTotals, Page, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.domain.users import Role, User
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services.queries import DocumentDetails, OrderNotFound
from verone.money import ZERO, document_totals, line_totals

S = DocumentStatus


class DocumentAction(StrEnum):
    DELETE = "delete"
    EDIT = "edit"
    PUSH_TO_QONTO = "push_to_qonto"
    FINALIZE = "finalize"
    SEND = "send"
    MARK_PAID = "mark_paid"
    UNMARK_PAID = "unmark_paid"
    CANCEL = "cancel"
    CREDIT = "credit"
    CONVERT = "convert"
    ACCEPT = "accept"
    DECLINE = "decline"
    DOWNLOAD_PDF = "download_pdf"


#: The largest filtered set whose totals the list page sums while it renders; a larger one's
#: totals are their own request (``filtered_totals``), loaded once the page is shown, so the
#: list never waits for a sum over the whole table (docs/performance.md).
INLINE_TOTALS = 10_000


@dataclass(frozen=True, slots=True)
class FilteredDocuments:
    """One page of a filtered list and, when the set is small enough to sum at once, the
    totals of the whole filtered set (None: ask ``filtered_totals``)."""

    page: Page[FinancialDocument]
    totals: DocumentTotals | None


def filtered_documents(
    uow: UnitOfWork, criteria: DocumentFilter, page: PageRequest
) -> FilteredDocuments:
    """The list page's read, in one transaction (the page and its totals agree)."""
    with uow:
        found = uow.documents.list(criteria, page)
        totals = uow.documents.totals(criteria) if found.total <= INLINE_TOTALS else None
    return FilteredDocuments(found, totals)


def filtered_totals(uow: UnitOfWork, criteria: DocumentFilter) -> DocumentTotals:
    """Count and sums of every document ``criteria`` selects (the totals bar)."""
    with uow:
        return uow.documents.totals(criteria)


def edit_refusal(document: FinancialDocument) -> str | None:
    """Why the lines editor may not change ``document``, or None when it may. The editor
    replaces the lines with what it shows: lines taken from an order (their link counts what
    the order has left to invoice) are not shown as such, so it would detach them."""
    if not document.is_editable or document.kind.credits_parent:
        return "Seul un brouillon de facture ou de devis se modifie."
    if any(item.sales_order_item_id is not None for item in document.items):
        return (
            "Ce brouillon reprend les lignes d'une commande : le modifier ici les détacherait "
            "de la commande. Supprimez-le et refaites-le depuis la commande."
        )
    return None


def available_actions(document: FinancialDocument, user: User) -> frozenset[DocumentAction]:
    """What ``user`` may do to ``document`` now; an action it may not take is absent."""
    A = DocumentAction
    found: set[DocumentAction] = set()
    if document.is_issued:
        found.add(A.DOWNLOAD_PDF)
    if not user.has_role(Role.ACCOUNTANT):
        return frozenset(found)
    kind, status = document.kind, document.status
    moves = kind.transitions.get(status, frozenset())
    if document.is_editable:
        found.add(A.DELETE)
    if edit_refusal(document) is None:
        found.add(A.EDIT)
    if status is S.PENDING:
        found.add(A.PUSH_TO_QONTO)
    if S.FINALIZED in moves and status is S.DRAFT and user.can_finalize:
        if not kind.drafts_in_qonto or document.qonto_id is not None:
            found.add(A.FINALIZE)
    if document.is_issued and status is not S.CANCELLED:
        found.add(A.SEND)
    if S.PAID in moves:
        found.add(A.MARK_PAID)
    if status is S.PAID and S.FINALIZED in moves:
        found.add(A.UNMARK_PAID)
    if S.CANCELLED in moves:
        found.add(A.CANCEL)
    if kind.creditable and status in {S.FINALIZED, S.PAID}:
        found.add(A.CREDIT)
    if S.CONVERTED in moves:
        found.add(A.CONVERT)
    if S.ACCEPTED in moves:
        found.add(A.ACCEPT)
    if S.DECLINED in moves:
        found.add(A.DECLINE)
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True, slots=True)
class LineRow:
    item: DocumentItem
    net: Decimal  # quantity x price less the line's own discount, before the document's


@dataclass(frozen=True, slots=True)
class LinesView:
    """What the lines table shows: each line after its own discount, the document discount
    taken off their sum (``Total HT``), and the VAT per rate."""

    rows: list[LineRow]
    line_discounts: bool
    discount: Decimal
    vat_rates: list[VatLine]


def lines_view(document: FinancialDocument) -> LinesView:
    """The lines table of a document page or a finalize preview, from the product's one
    totals rule (``document_totals``) and the lines' stored totals."""
    items = sorted(document.items, key=lambda i: i.position)
    inputs = [item.as_line_input() for item in items]
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in items:
        base, vat = by_rate.get(line.vat_rate, (ZERO, ZERO))
        by_rate[line.vat_rate] = (base + line.subtotal, vat + line.vat)
    return LinesView(
        rows=[
            LineRow(item, line_totals(line).subtotal)
            for item, line in zip(items, inputs, strict=True)
        ],
        line_discounts=any(item.discount is not None for item in items),
        discount=document_totals(inputs, document.discount).discount,
        vat_rates=[VatLine(rate, base, vat) for rate, (base, vat) in sorted(by_rate.items())],
    )


@dataclass(frozen=True, slots=True)
class OrderLineToInvoice:
    """An order line and what is left to invoice of it (the « invoice from order » dialog)."""

    item: SalesOrderItem
    remaining: Decimal


def order_lines_to_invoice(uow: UnitOfWork, order_id: uuid.UUID) -> list[OrderLineToInvoice]:
    with uow:
        order = uow.orders.get(order_id)
        if order is None:
            raise OrderNotFound()
        done = invoiced_quantities(uow.documents.by_order(order_id))
    return [
        OrderLineToInvoice(item, item.quantity - done.get(item.id, ZERO))
        for item in sorted(order.items, key=lambda i: i.position)
    ]


def creditable_amount(details: DocumentDetails) -> Decimal:
    """What credit notes may still take from an invoice (TTC minus issued credit notes)."""
    return max(ZERO, details.document.total_amount - details.credited_total)
