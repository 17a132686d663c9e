"""Financial documents (invoices, quotes, credit notes) and their lines.

A document is born ``pending`` or ``draft``; ``finalize`` is the only way to a finalized
document, and a finalized document's content never changes again. What differs per kind is
its ``kind`` (``domain/kinds.py``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import compute_content_hash
from verone.backoffice.domain.kinds import DocumentKind, RemoteMove, kind_of
from verone.backoffice.domain.numbering import parse_number
from verone.backoffice.domain.statuses import (
    EDITABLE_STATUSES,
    DocumentOrigin,
    DocumentStatus,
    DocumentType,
)
from verone.money import (
    ZERO,
    Discount,
    DiscountKind,
    LineInput,
    document_totals,
    quantize,
    to_decimal,
)

if TYPE_CHECKING:
    from verone.backoffice.domain.orders import SalesOrderItem

#: The largest line amount (quantity x unit price): 500 such lines still fit the database's
#: BIGINT cents with a wide margin.
MAX_LINE_AMOUNT = Decimal(10) ** 12

#: What a line says (not its id, position, totals or order link): what a copy carries over.
LINE_CONTENT = (
    "title",
    "description",
    "unit",
    "quantity",
    "unit_price",
    "vat_rate",
    "discount_kind",
    "discount_value",
    "product_id",
)


@dataclass(eq=False)
class DocumentItem:
    """One line of a document; its totals are computed by the document, never typed in."""

    title: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    description: str | None = None
    unit: str | None = None
    discount_kind: DiscountKind | None = None
    discount_value: Decimal | None = None
    sales_order_item_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    position: int = 0
    subtotal: Decimal = ZERO
    vat: Decimal = ZERO
    total: Decimal = ZERO
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.quantity = to_decimal(self.quantity)
        self.unit_price = to_decimal(self.unit_price)
        self.vat_rate = to_decimal(self.vat_rate)
        if not self.title.strip():
            raise errors.InvalidDocument("Chaque ligne doit avoir un intitulé.")
        if self.quantity <= 0:
            raise errors.InvalidDocument("La quantité d'une ligne doit être positive.")
        if self.vat_rate < 0 or self.vat_rate > 1:
            raise errors.InvalidDocument("Le taux de TVA est une fraction entre 0 et 1.")
        if (self.discount_kind is None) != (self.discount_value is None):
            raise errors.InvalidDocument("Une remise a un type et une valeur.")
        gross = self.quantity * self.unit_price
        if abs(gross) >= MAX_LINE_AMOUNT:
            raise errors.InvalidDocument(
                f"Le montant d'une ligne (quantité x prix) doit rester sous {MAX_LINE_AMOUNT:,} €."
            )
        discount = self.discount  # validates the discount's value
        if (
            discount is not None
            and discount.kind is DiscountKind.ABSOLUTE
            and gross >= 0
            and discount.value > quantize(gross)
        ):
            raise errors.InvalidDocument(
                "La remise d'une ligne ne peut pas dépasser son montant (quantité x prix)."
            )

    @property
    def discount(self) -> Discount | None:
        if self.discount_kind is None or self.discount_value is None:
            return None
        return Discount(self.discount_kind, self.discount_value)

    def as_line_input(self) -> LineInput:
        return LineInput(self.quantity, self.unit_price, self.vat_rate, self.discount)

    @classmethod
    def copy_of(cls, line: DocumentItem | SalesOrderItem, **changes: object) -> DocumentItem:
        """A fresh line (new id, validated) with the content (``LINE_CONTENT``) of a
        document's or an order's ``line``, as ``changes`` amend it."""
        values: dict[str, Any] = {name: getattr(line, name) for name in LINE_CONTENT}
        return cls(**(values | changes))


@dataclass(eq=False)
class FinancialDocument:
    """An invoice, quote or credit note mirrored locally (the seed's ``financial_documents``)."""

    document_type: DocumentType
    origin: DocumentOrigin
    customer_id: uuid.UUID | None
    customer_name: str
    currency: str
    created_by: uuid.UUID
    created_at: datetime
    status: DocumentStatus = DocumentStatus.DRAFT
    items: list[DocumentItem] = field(default_factory=list)
    issue_date: date | None = None
    due_date: date | None = None
    expiry_date: date | None = None
    sales_order_id: uuid.UUID | None = None
    parent_document_id: uuid.UUID | None = None
    discount_kind: DiscountKind | None = None
    discount_value: Decimal | None = None
    notes: str | None = None
    purchase_order: str | None = None  # the customer's reference, printed on the invoice
    qonto_id: str | None = None
    number: str | None = None
    total_ht: Decimal = ZERO
    total_vat: Decimal = ZERO
    total_amount: Decimal = ZERO
    amount_paid: Decimal = ZERO
    qonto_attachment_id: str | None = None
    pdf_url: str | None = None
    pdf_url_expires_at: datetime | None = None
    pdf_sha256: str | None = None
    finalized_by: uuid.UUID | None = None
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    qonto_updated_at: datetime | None = None
    content_hash: str | None = None
    updated_at: datetime | None = None
    version: int = 1
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.status not in self.kind.initial_statuses:
            raise errors.IllegalTransition(
                "Un document est toujours créé en brouillon ou en attente."
            )
        if self.number is not None or self.finalized_at is not None:
            raise errors.IllegalTransition(
                "Le numéro n'est attribué par Qonto qu'à la finalisation."
            )
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        self._check_discount()
        self.recompute_totals()

    # ------------------------------------------------------------------ reading

    @property
    def kind(self) -> DocumentKind:
        """The policy of this document's kind (statuses, issue call, sending, …)."""
        return kind_of(self.document_type)

    @property
    def discount(self) -> Discount | None:
        if self.discount_kind is None or self.discount_value is None:
            return None
        return Discount(self.discount_kind, self.discount_value)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_issued(self) -> bool:
        """Finalized at some point: it has a number and its content is frozen."""
        return self.number is not None

    @property
    def amount_due(self) -> Decimal:
        return self.total_amount - self.amount_paid

    def is_overdue(self, today: date) -> bool:
        """Payable kinds (invoices) only: finalized, unpaid and past the due date."""
        return self.kind.payable and self._waiting_after(self.due_date, today)

    def is_expired(self, today: date) -> bool:
        """Answerable kinds (quotes) only: sent, not answered, past the expiry date."""
        return self.kind.answerable and self._waiting_after(self.expiry_date, today)

    def _waiting_after(self, end: date | None, today: date) -> bool:
        """Still finalized (not paid, answered or cancelled) with ``end`` passed."""
        return self.status is DocumentStatus.FINALIZED and end is not None and today > end

    # ------------------------------------------------------------------ editing

    def ensure_editable(self) -> None:
        if not self.is_editable:
            raise errors.DocumentNotEditable()

    def ensure_deletable(self) -> None:
        if not self.is_editable:
            raise errors.DocumentNotDeletable()

    def replace_items(self, items: list[DocumentItem]) -> None:
        self.ensure_editable()
        self.items = list(items)
        self.recompute_totals()

    def update_header(
        self,
        *,
        customer_id: uuid.UUID | None,
        customer_name: str,
        issue_date: date | None,
        due_date: date | None = None,
        expiry_date: date | None = None,
        notes: str | None = None,
    ) -> None:
        self.ensure_editable()
        self.customer_id = customer_id
        self.customer_name = customer_name
        self.issue_date = issue_date
        self.due_date = due_date
        self.expiry_date = expiry_date
        self.notes = notes

    def set_discount(self, kind: DiscountKind | None, value: Decimal | None) -> None:
        self.ensure_editable()
        self.discount_kind, self.discount_value = kind, value
        self._check_discount()
        self.recompute_totals()

    def recompute_totals(self) -> None:
        """Totals from the lines with the product's one rounding rule (``document_totals``)."""
        self.ensure_editable()
        for position, item in enumerate(self.items):
            item.position = position
        totals = document_totals([item.as_line_input() for item in self.items], self.discount)
        for item, line in zip(self.items, totals.lines, strict=True):
            item.subtotal, item.vat, item.total = line.subtotal, line.vat, line.total
        self.total_ht, self.total_vat = totals.subtotal, totals.vat
        self.total_amount = totals.total

    def _check_discount(self) -> None:
        if (self.discount_kind is None) != (self.discount_value is None):
            raise errors.InvalidDocument("Une remise a un type et une valeur.")
        _ = self.discount

    def validate_for_qonto(self) -> None:
        """What Qonto needs before a draft can exist there (``validate-to-draft``)."""
        if not self.items:
            raise errors.EmptyDocument()
        if self.customer_id is None or not self.customer_name.strip():
            raise errors.InvalidDocument("Le client est obligatoire.")
        if self.issue_date is None:
            raise errors.InvalidDocument("La date d'émission est obligatoire.")
        required = self.kind.end_date_field
        if required is not None and getattr(self, required) is None:
            raise errors.InvalidDocument(self.kind.end_date_label)
        end = self.due_date or self.expiry_date
        if end is not None and end < self.issue_date:
            raise errors.InvalidDocument("L'échéance précède la date d'émission.")
        if self.total_amount < 0:
            raise errors.InvalidDocument("Le total ne peut pas être négatif.")

    # ------------------------------------------------------------------ lifecycle

    def _move(self, target: DocumentStatus) -> None:
        self.kind.check_transition(self.status, target)
        self.status = target

    def link_qonto_draft(self, qonto_id: str) -> None:
        """Record the id of the Qonto draft created for this document (pending → draft)."""
        self.ensure_editable()
        if not qonto_id:
            raise errors.InvalidDocument("Identifiant Qonto manquant.")
        if self.status is DocumentStatus.PENDING:
            self.validate_for_qonto()
            self._move(DocumentStatus.DRAFT)
        self.qonto_id = qonto_id

    def finalize(self, number: str, at: datetime, by: uuid.UUID, content_hash: str) -> None:
        """The single transition to a finalized document, after a confirmed user action.

        ``number`` is the one Qonto assigned; ``content_hash`` is the hash the user confirmed,
        which must still match the document's content.
        """
        if self.status is not DocumentStatus.DRAFT:
            raise self.kind.not_draft()
        if not self.items:
            raise errors.EmptyDocument()
        if at.tzinfo is None:
            raise ValueError("finalized_at must be timezone-aware")
        parsed = parse_number(number)
        if parsed is None or parsed.document_type is not self.document_type:
            raise errors.InvalidNumber(f"Numéro inattendu pour ce document : {number!r}.")
        if compute_content_hash(self) != content_hash:
            raise errors.ContentChanged()
        self._move(DocumentStatus.FINALIZED)
        self.number, self.finalized_at, self.finalized_by = number, at, by
        self.content_hash = content_hash

    @classmethod
    def import_from_qonto(
        cls,
        *,
        document_type: DocumentType,
        qonto_id: str,
        status: DocumentStatus,
        number: str | None,
        items: list[DocumentItem],
        customer_id: uuid.UUID | None,
        customer_name: str,
        currency: str,
        imported_by: uuid.UUID,
        imported_at: datetime,
        finalized_at: datetime | None = None,
        issue_date: date | None = None,
        due_date: date | None = None,
        parent_document_id: uuid.UUID | None = None,
        qonto_attachment_id: str | None = None,
    ) -> FinancialDocument:
        """Mirror a document Qonto already holds (used only by the document sync).

        This is not a finalization: the number and status are Qonto's, the origin says
        ``qonto_import``, and the document is frozen from birth like any issued one.
        """
        if not qonto_id:
            raise errors.InvalidDocument("Un document importé a un identifiant Qonto.")
        kind = kind_of(document_type)
        expires = kind.end_date_field == "expiry_date"  # Qonto's one end date is the expiry
        document = cls(
            document_type=document_type,
            origin=DocumentOrigin.QONTO_IMPORT,
            customer_id=customer_id,
            customer_name=customer_name,
            currency=currency,
            created_by=imported_by,
            created_at=imported_at,
            items=items,
            issue_date=issue_date,
            due_date=None if expires else due_date,
            expiry_date=due_date if expires else None,
            parent_document_id=parent_document_id,
            qonto_id=qonto_id,
        )
        if status is DocumentStatus.DRAFT:
            return document
        if status not in kind.statuses or status is DocumentStatus.PENDING:
            raise errors.IllegalTransition("Statut Qonto inattendu pour ce document.")
        document._adopt_number(number)
        document.status = status
        document.finalized_at = finalized_at or imported_at
        document.qonto_attachment_id = qonto_attachment_id
        if status is DocumentStatus.PAID:
            document.paid_at, document.amount_paid = imported_at, document.total_amount
        elif status is DocumentStatus.CANCELLED:
            document.cancelled_at = imported_at
        return document

    def link_dashboard_credit_note(
        self, qonto_id: str, number: str | None, finalized_at: datetime
    ) -> None:
        """A local draft credit note that Qonto refused (404) was made in the dashboard:
        adopt that one's id and number (the sync found it for the same invoice)."""
        if not self.kind.credits_parent:
            raise errors.IllegalTransition("Action réservée aux avoirs.")
        if self.status is not DocumentStatus.DRAFT or self.qonto_id is not None:
            raise errors.DocumentNotDraft()
        if not qonto_id:
            raise errors.InvalidDocument("Identifiant Qonto manquant.")
        self._adopt_number(number)
        self.qonto_id = qonto_id
        self._move(DocumentStatus.FINALIZED)
        self.finalized_at = finalized_at

    def _adopt_number(self, number: str | None) -> None:
        parsed = None if number is None else parse_number(number)
        if number is None or parsed is None or parsed.document_type is not self.document_type:
            raise errors.InvalidNumber(f"Numéro inattendu pour ce document : {number!r}.")
        self.number = number

    def mark_paid(self, at: datetime, amount: Decimal | None = None) -> None:
        self._require_invoice()
        self._move(DocumentStatus.PAID)
        self.paid_at = at
        self.amount_paid = self.total_amount if amount is None else to_decimal(amount)

    def record_allocated(self, allocated: Decimal) -> None:
        """What bank payments matched to this unpaid invoice cover so far (« Partiellement
        payée » while below the total; reaching it goes through ``mark_paid``)."""
        self._require_invoice()
        total = to_decimal(allocated)
        if self.status is not DocumentStatus.FINALIZED or not ZERO <= total < self.total_amount:
            raise errors.InvalidDocument("Paiement partiel impossible pour ce document.")
        self.amount_paid = total

    def unmark_paid(self) -> None:
        self._require_invoice()
        self._move(DocumentStatus.FINALIZED)
        self.paid_at, self.amount_paid = None, ZERO

    def cancel(self, at: datetime) -> None:
        """Qonto ``mark_as_canceled`` of a finalized, unpaid invoice."""
        self._require_invoice()
        self._move(DocumentStatus.CANCELLED)
        self.cancelled_at = at

    def accept(self) -> None:
        self._require_quote()
        self._move(DocumentStatus.ACCEPTED)

    def decline(self) -> None:
        self._require_quote()
        self._move(DocumentStatus.DECLINED)

    def mark_converted(self) -> None:
        self._require_quote()
        self._move(DocumentStatus.CONVERTED)

    def adopt_remote_status(
        self, target: DocumentStatus, *, paid_at: datetime, now: datetime
    ) -> RemoteMove | None:
        """Follow Qonto where it is authoritative (payment, cancellation, the customer's
        answer): the kind's ``remote_moves``; ``None`` when this change is not one of them."""
        move = self.kind.remote_moves.get((self.status, target))
        match move:
            case RemoteMove.MARK_PAID:
                self.mark_paid(paid_at)
            case RemoteMove.CANCEL:
                self.cancel(now)
            case RemoteMove.UNMARK_PAID:
                self.unmark_paid()
            case RemoteMove.ACCEPT:
                self.accept()
            case RemoteMove.DECLINE:
                self.decline()
        return move

    def record_pdf(
        self,
        *,
        attachment_id: str | None,
        url: str | None,
        url_expires_at: datetime | None,
        sha256: str | None = None,
    ) -> None:
        """Rule 4: only an issued document has a PDF."""
        if not self.is_issued:
            raise errors.PdfNotAvailable()
        self.qonto_attachment_id = attachment_id or self.qonto_attachment_id
        self.pdf_url, self.pdf_url_expires_at = url, url_expires_at
        if sha256 is not None:
            self.pdf_sha256 = sha256

    def _require_invoice(self) -> None:
        if not self.kind.payable:
            raise errors.IllegalTransition("Action réservée aux factures.")

    def _require_quote(self) -> None:
        if not self.kind.answerable:
            raise errors.IllegalTransition("Action réservée aux devis.")
