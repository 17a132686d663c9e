"""How the sandbox builds answers: strict building, strict names, fields present only when set."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from verone.qonto.types.attachments import Attachment
from verone.qonto.types.client_invoices import ClientInvoice
from verone.qonto.types.documents import InvoiceItem
from verone.qonto.types.errors import ErrorObject
from verone.qonto.types.transactions import Transaction
from verone.sandbox.banking.wire import OrganizationEnvelopeAnswer, organization_wire
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import UnknownField, assemble, build, dump, to_millisecond


def _build_loosely(model: Any, **fields: object) -> object:
    """``build`` with names mypy cannot check: what a misspelt field would look like."""
    return build(model, **fields)


def test_build_refuses_a_misspelt_field() -> None:
    with pytest.raises(ValidationError, match="numbr"):
        _build_loosely(ClientInvoice, id="i", status="draft", numbr="F-2026-001")


def test_build_refuses_a_misspelt_field_in_a_nested_object() -> None:
    with pytest.raises(ValidationError, match="titel"):
        _build_loosely(ClientInvoice, id="i", status="draft", items=[{"titel": "Lampe"}])


def test_build_keeps_nested_models_built_before() -> None:
    item = build(InvoiceItem, title="Lampe", quantity=Decimal("2"))
    invoice = build(ClientInvoice, id="i", status="draft", items=[item])
    assert invoice.items is not None
    assert invoice.items[0] is item
    assert dump(invoice)["items"] == [dump(item)]


def test_assemble_refuses_an_unknown_name_without_validating_values() -> None:
    loose: Any = assemble
    with pytest.raises(UnknownField, match="amount_cent"):
        loose(Transaction, id="t", amount_cent=12)
    row = assemble(Transaction, id="t", amount=Decimal("12.50"), amount_cents=1250)
    assert dump(row)["amount"] == 12.5


def test_fields_added_on_request_are_absent_unless_set() -> None:
    row = build(Transaction, id="t", label_ids=[])
    assert "labels" not in dump(row)
    assert "attachments" not in dump(row)
    assert dump(row)["label_ids"] == []
    assert dump(row)["note"] is None  # an ordinary field is always written, null when empty
    row = build(Transaction, id="t", labels=[], attachments=None)
    assert dump(row)["labels"] == []
    assert dump(row)["attachments"] is None


def test_assignment_sets_an_on_request_field() -> None:
    row = assemble(Transaction, id="t")
    row.labels = []
    assert dump(row)["labels"] == []


def test_only_when_set_applies_inside_nested_objects() -> None:
    full = build(Attachment, id="a", file_name="f.pdf", url=None, probative_attachment=None)
    row = build(Transaction, id="t", attachments=[full, build(Attachment, id="b")])
    attachments = dump(row)["attachments"]
    assert attachments == [
        {"id": "a", "file_name": "f.pdf", "url": None, "probative_attachment": None},
        {"id": "b"},
    ]


def test_an_error_names_its_source_only_when_it_has_one() -> None:
    assert dump(build(ErrorObject, code="not_found", detail="Not found")) == {
        "code": "not_found",
        "detail": "Not found",
    }


def test_timestamps_are_cut_to_the_millisecond() -> None:
    value = datetime(2026, 11, 24, 4, 50, 0, 123456, tzinfo=UTC)
    assert to_millisecond(value).microsecond == 123000
    assert to_millisecond(None) is None
    invoice = build(ClientInvoice, id="i", status="draft", created_at=to_millisecond(value))
    assert dump(invoice)["created_at"] == "2026-11-24T04:50:00.123Z"


def test_a_sandbox_subclass_writes_the_field_the_client_lacks() -> None:
    state = SandboxState(SandboxConfig(transactions=0))
    try:
        answer = build(OrganizationEnvelopeAnswer, organization=organization_wire(state.banking))
        assert dump(answer)["organization"]["vat_number"] == "FR32912345678"  # type: ignore[index]
    finally:
        state.close()
