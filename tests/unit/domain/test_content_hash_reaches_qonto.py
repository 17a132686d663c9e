"""The confirmation's content hash covers everything that reaches Qonto: each field of a
document and of its lines is changed in turn; whenever the change alters what the gateway
sends to Qonto (invoice draft, quote, credit note), the hash must change too, so a change
after the preview is refused. The fields come from the dataclasses, so a new field is
covered the day it is added."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from verone.backoffice.domain.confirmation import compute_content_hash
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.money import DiscountKind


class _Sent(Exception):
    pass


class _Resource:
    def __init__(self, sent: list[Any]) -> None:
        self.sent = sent

    def create(self, params: Any, **_: object) -> object:
        self.sent.append(params.model_dump(mode="json", exclude_none=True))
        raise _Sent


class _RecordingClient:
    """Stands in for the Qonto client: records the params of a create and stops there."""

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.client_invoices = self.quotes = self.credit_notes = _Resource(self.sent)


def _document(kind: DocumentType) -> FinancialDocument:
    document = FinancialDocument(
        document_type=kind,
        origin=DocumentOrigin.SERVICE,
        customer_id=uuid.uuid4(),
        customer_name="Maison Rotin",
        currency="EUR",
        created_by=uuid.uuid4(),
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        expiry_date=date(2026, 4, 1),
        notes="Merci de votre confiance",
        purchase_order="BC-2026-17",
        discount_kind=DiscountKind.PERCENTAGE,
        discount_value=Decimal("0.05"),
    )
    document.replace_items(
        [
            DocumentItem(
                title="Fauteuil rotin",
                quantity=Decimal(2),
                unit_price=Decimal("245.00"),
                vat_rate=Decimal("0.2"),
                description="Rotin naturel, coussin lin",
                unit="pièce",
                discount_kind=DiscountKind.ABSOLUTE,
                discount_value=Decimal("10"),
                position=0,
            ),
            DocumentItem(
                title="Livraison",
                quantity=Decimal(1),
                unit_price=Decimal("30"),
                vat_rate=Decimal("0.2"),
                position=1,
            ),
        ]
    )
    return document


def _wire(document: FinancialDocument) -> Any:
    client = _RecordingClient()
    gateway = QontoApiGateway(client, now=lambda: datetime.now(UTC))  # type: ignore[arg-type]  # a recorder
    gateway._iban = "FR7616958000010000000000000"
    send: Callable[[], object] = {
        DocumentType.INVOICE: lambda: gateway.create_draft(document, "client-1", "key"),
        DocumentType.QUOTE: lambda: gateway.issue_quote(document, "client-1", "key"),
        DocumentType.CREDIT_NOTE: lambda: gateway.create_credit_note(document, "inv-1", "key"),
    }[document.document_type]
    with pytest.raises(_Sent):
        send()
    return client.sent[0]


def _other(value: object) -> object:
    """A different value of the same kind, or None when the field cannot be varied."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, Enum):
        others = [member for member in type(value) if member is not value]
        return others[0] if others else None
    if isinstance(value, str):
        return value + " modifié"
    if isinstance(value, Decimal):
        return value / 2 if value > 0 else Decimal("0.1")
    if isinstance(value, datetime):
        return value + timedelta(days=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    return None


def _variants(document: FinancialDocument) -> list[tuple[str, FinancialDocument]]:
    variants: list[tuple[str, FinancialDocument]] = []
    for field in dataclasses.fields(FinancialDocument):
        value = getattr(document, field.name)
        if isinstance(value, list):
            continue  # the lines: each of their fields is varied below
        for changed in (_other(value), None):
            if changed is None and value is None:
                continue
            variant = copy.deepcopy(document)
            object.__setattr__(variant, field.name, changed)
            variants.append((f"{field.name}={changed!r}", variant))
    for index, item in enumerate(document.items):
        for field in dataclasses.fields(DocumentItem):
            value = getattr(item, field.name)
            for changed in (_other(value), None):
                if changed is None and value is None:
                    continue
                variant = copy.deepcopy(document)
                object.__setattr__(variant.items[index], field.name, changed)
                try:
                    variant.recompute_totals()
                except Exception:  # noqa: S112  # a value the domain refuses cannot be sent
                    continue
                variants.append((f"items[{index}].{field.name}={changed!r}", variant))
    return variants


@pytest.mark.parametrize("kind", list(DocumentType))
def test_every_field_that_reaches_qonto_is_in_the_content_hash(kind: DocumentType) -> None:
    base = _document(kind)
    sent, digest = _wire(base), compute_content_hash(base)
    reaching = []
    for name, variant in _variants(base):
        try:
            changed = _wire(variant) != sent
        except Exception:  # noqa: S112  # the gateway refuses to send it at all
            continue
        if changed:
            reaching.append(name.split("=")[0])
            assert compute_content_hash(variant) != digest, f"{kind}: {name} reaches Qonto"
    # the proof is not vacuous: the printed texts and every line field were among them
    expected = {"items[0].title", "items[0].quantity", "items[0].unit_price", "items[0].vat_rate"}
    expected |= {"items[0].description", "items[0].unit", "items[0].discount_value"}
    expected |= {"issue_date", "currency", "discount_value"}
    expected.add("notes")  # the header of an invoice or quote, the reason of a credit note
    assert expected <= set(reaching), sorted(expected - set(reaching))


@pytest.mark.parametrize("kind", list(DocumentType))
@pytest.mark.parametrize("field_name", ["customer_id", "customer_name", "parent_document_id"])
def test_who_the_document_is_for_is_in_the_content_hash(
    kind: DocumentType, field_name: str
) -> None:
    """The customer reaches Qonto as the Qonto client the gateway is handed (looked up from the
    document's customer at issue time), a credit note's invoice as the invoice id: outside the
    wire payload compared above, so each is checked here."""
    base = _document(kind)
    variant = copy.deepcopy(base)
    changed: object = "Autre client" if field_name == "customer_name" else uuid.uuid4()
    object.__setattr__(variant, field_name, changed)
    assert compute_content_hash(variant) != compute_content_hash(base), field_name
