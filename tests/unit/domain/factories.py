"""Plain builder functions for domain objects, shared by the domain and integration tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from verone.backoffice.domain.confirmation import compute_content_hash
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.operations import Email
from verone.backoffice.domain.orders import SalesOrder, SalesOrderItem
from verone.backoffice.domain.parties import Customer, CustomerKind
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.domain.users import Role, User

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def make_user(role: Role = Role.ACCOUNTANT, email: str | None = None) -> User:
    return User(
        email=email or f"{uuid.uuid4().hex[:8]}@verone.test",
        display_name="Camille Martin",
        role=role,
        password_hash="$argon2id$placeholder",
        created_at=NOW,
    )


def make_customer(name: str = "Atelier Dupont", email: str | None = None) -> Customer:
    return Customer(
        kind=CustomerKind.COMPANY,
        created_at=NOW,
        company_name=name,
        email=email or "compta@dupont.test",
        vat_number="FR12345678901",
        siren="123456789",
        billing_street="12 rue des Lilas",
        billing_postal_code="75011",
        billing_city="Paris",
        billing_country="FR",
    )


def make_item(
    title: str = "Chaise en chêne",
    quantity: str = "2",
    unit_price: str = "149.90",
    vat_rate: str = "0.2",
    sales_order_item_id: uuid.UUID | None = None,
) -> DocumentItem:
    return DocumentItem(
        title=title,
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        vat_rate=Decimal(vat_rate),
        sales_order_item_id=sales_order_item_id,
    )


def make_document(
    created_by: uuid.UUID,
    *,
    document_type: DocumentType = DocumentType.INVOICE,
    customer: Customer | None = None,
    items: list[DocumentItem] | None = None,
    status: DocumentStatus = DocumentStatus.DRAFT,
    sales_order_id: uuid.UUID | None = None,
    customer_name: str = "Atelier Dupont",
    customer_id: uuid.UUID | None = None,
) -> FinancialDocument:
    return FinancialDocument(
        document_type=document_type,
        origin=DocumentOrigin.SERVICE,
        customer_id=customer.id if customer else customer_id,
        customer_name=customer.display_name if customer else customer_name,
        currency="EUR",
        created_by=created_by,
        created_at=NOW,
        status=status,
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1) if document_type is DocumentType.INVOICE else None,
        expiry_date=date(2026, 4, 1) if document_type is DocumentType.QUOTE else None,
        sales_order_id=sales_order_id,
        items=items if items is not None else [make_item(), make_item("Table", "1", "420.00")],
    )


PREFIX = {DocumentType.INVOICE: "F", DocumentType.QUOTE: "D", DocumentType.CREDIT_NOTE: "AV"}


def finalize(document: FinancialDocument, by: uuid.UUID, sequence: int = 1) -> None:
    """Finalize as the finalize service would, with a Qonto-style number."""
    if document.qonto_id is None:
        document.link_qonto_draft(f"qonto-{uuid.uuid4()}")
    number = f"{PREFIX[document.document_type]}-2026-{sequence:03d}"
    document.finalize(number, NOW, by, compute_content_hash(document))


def make_order(customer_id: uuid.UUID, *quantities: str) -> SalesOrder:
    return SalesOrder(
        reference=f"CMD-{uuid.uuid4().hex[:6]}",
        customer_id=customer_id,
        order_date=date(2026, 3, 1),
        created_at=NOW,
        items=[
            SalesOrderItem(
                title=f"Article {i}",
                quantity=Decimal(q),
                unit_price=Decimal("10.00"),
                vat_rate=Decimal("0.2"),
                position=i,
            )
            for i, q in enumerate(quantities or ("3",))
        ],
    )


def current_status(record: FinancialDocument | Email) -> str:
    """The status as a plain string: reads it again after mypy narrowed the enum."""
    return str(record.status)
