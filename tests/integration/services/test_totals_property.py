"""Local totals equal Qonto's to the cent, for random documents sent through the real gateway."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integration.services.support import (
    SandboxClock,
    in_process_sandbox,
    make_client,
    make_customer,
    sandbox_state,
)
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.money import DiscountKind

VAT_RATES = [Decimal(r) for r in ("0", "0.021", "0.055", "0.085", "0.1", "0.2")]
cents = st.integers(min_value=1, max_value=999_999).map(lambda c: Decimal(c) / 100)
quantities = st.integers(min_value=1, max_value=50_000).map(lambda q: Decimal(q) / 100)
fractions = st.integers(min_value=1, max_value=60).map(lambda p: Decimal(p) / 100)


@st.composite
def items(draw: st.DrawFn) -> DocumentItem:
    quantity, price = draw(quantities), draw(cents)
    kind = draw(st.sampled_from([None, DiscountKind.PERCENTAGE, DiscountKind.ABSOLUTE]))
    value = None
    if kind is DiscountKind.PERCENTAGE:
        value = draw(fractions)
    elif kind is DiscountKind.ABSOLUTE:
        value = min(draw(cents), (quantity * price).quantize(Decimal("0.01")))
    return DocumentItem(
        title=draw(st.sampled_from(["Chaise", "Table", "Lampe", "Livraison"])),
        quantity=quantity,
        unit_price=price,
        vat_rate=draw(st.sampled_from(VAT_RATES)),
        discount_kind=kind,
        discount_value=value,
    )


@st.composite
def documents(draw: st.DrawFn) -> FinancialDocument:
    percentage = draw(st.one_of(st.none(), fractions))
    return FinancialDocument(
        document_type=DocumentType.INVOICE,
        origin=DocumentOrigin.SERVICE,
        customer_id=uuid.uuid4(),
        customer_name="Atelier Dupont",
        currency="EUR",
        created_by=uuid.uuid4(),
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
        status=DocumentStatus.PENDING,
        items=draw(st.lists(items(), min_size=1, max_size=6)),
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        discount_kind=None if percentage is None else DiscountKind.PERCENTAGE,
        discount_value=percentage,
    )


def test_local_totals_equal_qonto_totals_to_the_cent() -> None:
    state = sandbox_state()
    try:
        with in_process_sandbox(state) as http:
            gateway = QontoApiGateway(make_client(http), now=SandboxClock(state).now)
            client_id = gateway.create_client(make_customer(), str(uuid.uuid4()))

            @settings(max_examples=60, deadline=None)
            @given(documents())
            def check(document: FinancialDocument) -> None:
                remote = gateway.create_draft(document, client_id, str(uuid.uuid4()))
                assert remote.total_amount == document.total_amount
                assert remote.total_vat == document.total_vat

            check()
    finally:
        state.close()
