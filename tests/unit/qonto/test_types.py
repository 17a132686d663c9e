"""The wire types against the golden samples: parse, serialize back byte for byte, refuse floats,
tolerate what Qonto adds, and never let an invoice be created other than as a draft.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from verone.money import DiscountKind, Money, quantize, to_cents
from verone.qonto import types as qt
from verone.qonto.types.documents import DiscountKindValue

FIXTURES = Path(__file__).parents[2] / "contract" / "fixtures"

MODELS: dict[str, type[BaseModel]] = {
    "organization": qt.OrganizationEnvelope,
    "bank_accounts_list": qt.BankAccountList,
    "transactions_list": qt.TransactionList,
    "client": qt.ClientEnvelope,
    "client_invoice_draft": qt.ClientInvoiceEnvelope,
    "client_invoice_unpaid": qt.ClientInvoiceEnvelope,
    "client_invoices_list_page": qt.ClientInvoiceList,
    "client_invoice_upload": qt.ClientInvoiceUploadEnvelope,
    "quote": qt.QuoteEnvelope,
    "credit_note": qt.CreditNoteEnvelope,
    "attachment": qt.AttachmentEnvelope,
    "attachment_created": qt.AttachmentEnvelope,
    "webhook_subscription": qt.WebhookSubscription,
    "webhook_subscriptions_list": qt.WebhookSubscriptionList,
    "webhook_event_client_invoice": qt.WebhookEvent,
    "error_validation": qt.ErrorResponse,
    "error_not_found": qt.ErrorResponse,
    "oauth_token": qt.OAuthToken,
    "client_invoice_create_params": qt.ClientInvoiceCreateParams,
    "quote_create_params": qt.QuoteCreateParams,
    "credit_note_create_params": qt.CreditNoteCreateParams,
    "client_create_params": qt.ClientCreateParams,
    "send_params": qt.SendParams,
}


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def invoice_fixture(name: str) -> qt.ClientInvoice:
    return qt.from_wire_json(qt.ClientInvoiceEnvelope, fixture_text(name)).client_invoice


def test_every_fixture_has_a_model() -> None:
    on_disk = {path.stem for path in FIXTURES.glob("*.json")}
    assert on_disk == set(MODELS)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fixture_round_trips_exactly(name: str) -> None:
    text = fixture_text(name)
    model = qt.from_wire_json(MODELS[name], text)
    wire = qt.to_wire(model)
    assert wire == json.loads(text)
    assert json.dumps(wire, ensure_ascii=False, indent=2) + "\n" == text


def test_invoicing_money_is_decimal_strings_with_cents_twins() -> None:
    invoice = invoice_fixture("client_invoice_unpaid")
    assert invoice.total_amount is not None
    assert invoice.total_amount.value == Decimal("2607.83")
    assert isinstance(invoice.total_amount.value, Decimal)
    assert invoice.total_amount.as_money() == Money.of("2607.83", "EUR")
    assert invoice.total_amount_cents == 260783
    wire = qt.to_wire(invoice)
    assert wire["total_amount"] == {"value": "2607.83", "currency": "EUR"}
    assert wire["vat_amount_cents"] == 42047


@pytest.mark.parametrize("name", ["client_invoice_unpaid", "client_invoice_draft"])
def test_invoice_fixture_arithmetic_follows_the_rounding_rule(name: str) -> None:
    invoice = invoice_fixture(name)
    assert invoice.items is not None
    assert invoice.total_amount is not None
    assert invoice.vat_amount is not None
    subtotal = vat = Decimal(0)
    for item in invoice.items:
        assert item.quantity is not None
        assert item.unit_price is not None
        assert item.vat_rate is not None
        assert item.subtotal is not None
        assert item.total_vat is not None
        assert item.total_amount is not None
        gross = item.quantity * item.unit_price.value
        off = item.discount.amount.value if item.discount and item.discount.amount else Decimal(0)
        assert item.subtotal.value == quantize(gross - off)
        assert item.total_vat.value == quantize(item.subtotal.value * item.vat_rate)
        assert item.total_amount.value == item.subtotal.value + item.total_vat.value
        assert item.subtotal_cents == to_cents(item.subtotal.value)
        subtotal += item.subtotal.value
        vat += item.total_vat.value
    assert invoice.vat_amount.value == vat
    assert invoice.total_amount.value == subtotal + vat


def test_banking_money_is_json_numbers_parsed_as_decimal() -> None:
    text = fixture_text("transactions_list")
    listing = qt.from_wire_json(qt.TransactionList, text)
    first, second = listing.transactions
    assert first.amount == Decimal("2607.83")
    assert isinstance(first.amount, Decimal)
    assert second.amount == Decimal("0.43")
    assert second.vat_rate == Decimal("20")
    assert '"amount": 0.43,' in text
    wire = qt.to_wire(second)
    assert wire["amount"] == 0.43
    assert wire["vat_rate"] == 20
    assert isinstance(wire["vat_rate"], int)


def test_bank_account_balances_are_numbers() -> None:
    accounts = qt.from_wire_json(qt.BankAccountList, fixture_text("bank_accounts_list"))
    main, reserve = accounts.bank_accounts
    assert main.balance == Decimal("48213.57")
    assert main.main is True
    assert reserve.balance == Decimal("12000")
    assert qt.to_wire(reserve)["balance"] == 12000


def test_plain_json_floats_are_refused_for_banking_amounts() -> None:
    data = json.loads(fixture_text("transactions_list"))
    with pytest.raises(ValidationError, match="float"):
        qt.from_wire(qt.TransactionList, data)


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (qt.Amount, {"value": 12.5, "currency": "EUR"}),
        (qt.AmountParam, {"value": 12.5, "currency": "EUR"}),
        (qt.Transaction, {"id": "t", "amount": 0.43}),
        (qt.BankAccount, {"id": "b", "balance": 100.0}),
        (qt.DiscountParams, {"type": "percentage", "value": 0.1}),
        (
            qt.InvoiceItemParams,
            {
                "title": "x",
                "quantity": 1.5,
                "unit_price": {"value": "1", "currency": "EUR"},
                "vat_rate": "0.2",
            },
        ),
        (
            qt.InvoiceItemParams,
            {
                "title": "x",
                "quantity": "1",
                "unit_price": {"value": "1", "currency": "EUR"},
                "vat_rate": 0.2,
            },
        ),
    ],
)
def test_floats_are_refused_in_decimal_fields(model: type[BaseModel], data: object) -> None:
    with pytest.raises(ValidationError, match="float is not accepted"):
        qt.from_wire(model, data)


def test_decimal_strings_ints_and_decimals_are_accepted() -> None:
    assert qt.from_wire(qt.Amount, {"value": "10.0", "currency": "EUR"}).value == Decimal("10.0")
    assert qt.from_wire(qt.Amount, {"value": 120, "currency": "EUR"}).value == Decimal(120)
    param = qt.AmountParam(value=Decimal("49.90"), currency="EUR")
    assert qt.to_wire(param) == {"value": "49.90", "currency": "EUR"}


def test_unknown_fields_are_ignored_at_every_level() -> None:
    data = json.loads(fixture_text("client_invoice_unpaid"), parse_float=Decimal)
    data["client_invoice"]["welfare_fund"] = {"type": "TC01", "rate": "0.04"}
    data["client_invoice"]["items"][0]["it_only_field"] = "x"
    data["client_invoice"]["client"]["sdi_code"] = "ABC1234"
    data["server_time"] = "2026-03-02T10:00:00Z"
    parsed = qt.from_wire(qt.ClientInvoiceEnvelope, data)
    assert qt.to_wire(parsed) == json.loads(fixture_text("client_invoice_unpaid"))


def test_missing_optional_fields_do_not_fail() -> None:
    invoice = qt.from_wire(qt.ClientInvoice, {"id": "i", "status": "draft", "items": None})
    assert invoice.items is None
    assert invoice.total_amount is None
    transaction = qt.from_wire(qt.Transaction, {"id": "t"})
    assert transaction.amount is None
    assert qt.from_wire(qt.Attachment, {"id": "a"}).url is None


@pytest.mark.parametrize(
    ("value_type", "enum"),
    [
        (qt.InvoiceStatusValue, qt.InvoiceStatus),
        (qt.InvoiceTypeValue, qt.InvoiceType),
        (qt.EInvoicingStatusValue, qt.EInvoicingStatus),
        (qt.QuoteStatusValue, qt.QuoteStatus),
        (qt.ClientKindValue, qt.ClientKind),
        (qt.BankAccountStatusValue, qt.BankAccountStatus),
        (qt.TransactionStatusValue, qt.TransactionStatus),
        (qt.TransactionSideValue, qt.TransactionSide),
        (DiscountKindValue, DiscountKind),
    ],
)
def test_every_open_value_is_its_enum_or_the_string_sent(
    value_type: Any, enum: type[StrEnum]
) -> None:
    adapter: TypeAdapter[object] = TypeAdapter(value_type)
    member = next(iter(enum))
    assert adapter.validate_python(member.value) is member
    assert adapter.validate_python("added_by_qonto_later") == "added_by_qonto_later"
    assert adapter.dump_python(member, mode="json") == member.value
    with pytest.raises(ValidationError):
        adapter.validate_python(3)


def test_known_enum_values_become_enums_and_unknown_ones_are_kept() -> None:
    known = qt.from_wire(qt.ClientInvoice, {"id": "i", "status": "unpaid"})
    assert known.status is qt.InvoiceStatus.UNPAID
    assert known.is_finalized
    unknown = qt.from_wire(qt.ClientInvoice, {"id": "i", "status": "partially_paid"})
    assert unknown.status == "partially_paid"
    assert not isinstance(unknown.status, qt.InvoiceStatus)
    assert not unknown.is_finalized
    assert qt.to_wire(unknown)["status"] == "partially_paid"
    quote = qt.from_wire(qt.Quote, {"id": "q", "status": "expired"})
    assert quote.status == "expired"
    tx = qt.from_wire(qt.Transaction, {"id": "t", "status": "reversed", "side": "credit"})
    assert tx.status == "reversed"
    assert tx.side is qt.TransactionSide.CREDIT
    discount = qt.from_wire(qt.DiscountDetails, {"type": "amount", "value": "5"})
    assert discount.type == "amount"
    assert qt.from_wire(qt.DiscountDetails, {"type": "absolute"}).type is DiscountKind.ABSOLUTE


def test_draft_fixture_is_not_finalized() -> None:
    draft = invoice_fixture("client_invoice_draft")
    assert draft.status is qt.InvoiceStatus.DRAFT
    assert not draft.is_finalized
    assert draft.number is None
    assert invoice_fixture("client_invoice_unpaid").is_finalized


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (qt.ClientInvoiceCreateParams, "client_invoice_create_params"),
        (qt.QuoteCreateParams, "quote_create_params"),
        (qt.CreditNoteCreateParams, "credit_note_create_params"),
        (qt.ClientCreateParams, "client_create_params"),
        (qt.SendParams, "send_params"),
    ],
)
def test_params_forbid_unknown_fields(model: type[BaseModel], name: str) -> None:
    data = json.loads(fixture_text(name))
    data["finalize"] = True
    with pytest.raises(ValidationError, match=r"extra_forbidden|Extra inputs"):
        qt.from_wire(model, data)


def test_nested_params_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        qt.AddressParams.model_validate({"street": "1 rue"})
    with pytest.raises(ValidationError):
        qt.AmountParam.model_validate({"value": "1", "currency": "EUR", "cents": 100})


def _create_params() -> qt.ClientInvoiceCreateParams:
    return qt.ClientInvoiceCreateParams(
        client_id="c",
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 4, 1),
        currency="EUR",
        payment_methods=qt.PaymentMethodsParams(iban="FR7616958000016234567890123"),
        items=[
            qt.InvoiceItemParams(
                title="Conseil",
                quantity=Decimal("1.5"),
                unit_price=qt.AmountParam(value=Decimal("400.00"), currency="EUR"),
                vat_rate=Decimal("0.2"),
            )
        ],
    )


def test_invoice_create_params_always_carry_draft_status() -> None:
    params = _create_params()
    assert qt.to_wire(params)["status"] == "draft"
    assert params.model_dump(mode="json", exclude_unset=True)["status"] == "draft"
    assert params.model_dump(exclude_none=True, exclude_defaults=True)["status"] == "draft"
    assert params.model_dump(exclude={"status"})["status"] == "draft"
    assert json.loads(params.model_dump_json(exclude_unset=True))["status"] == "draft"


@pytest.mark.parametrize("status", ["unpaid", "paid", "finalized", "canceled", None])
def test_invoice_create_params_refuse_any_other_status(status: str | None) -> None:
    data = qt.to_wire(_create_params())
    data["status"] = status
    with pytest.raises(ValidationError):
        qt.from_wire(qt.ClientInvoiceCreateParams, data)
    params = _create_params()
    with pytest.raises(ValidationError):
        params.status = status  # type: ignore[assignment]  # the point: mypy and pydantic refuse
    assert qt.to_wire(params)["status"] == "draft"


def test_invoice_create_params_serialize_draft_even_when_built_without_validation() -> None:
    forged = _create_params().model_copy(update={"status": "unpaid"})
    assert forged.model_dump()["status"] == "draft"


def test_update_params_send_only_what_was_set() -> None:
    update = qt.ClientInvoiceUpdateParams(due_date=date(2026, 5, 1), header=None)
    assert qt.to_wire(update) == {"due_date": "2026-05-01", "header": None}
    assert "status" not in qt.ClientInvoiceUpdateParams.model_fields
    client = qt.ClientUpdateParams(email="a@b.fr")
    assert qt.to_wire(client) == {"email": "a@b.fr"}


def test_invoice_update_takes_the_create_fields_but_its_sources_optional_in_order() -> None:
    create = qt.ClientInvoiceCreateFields.model_fields
    update = qt.ClientInvoiceUpdateParams.model_fields
    assert list(update) == [name for name in create if name not in {"quote_id", "upload_id"}]
    assert list(create)[6:10] == ["number", "quote_id", "upload_id", "performance_date"]
    assert not any(field.is_required() for field in update.values())
    required = [name for name, field in create.items() if field.is_required()]
    assert required == [
        "client_id",
        "issue_date",
        "due_date",
        "currency",
        "payment_methods",
        "items",
    ]
    for name, field in update.items():
        assert field.metadata == create[name].metadata, name
    with pytest.raises(ValidationError):
        qt.ClientInvoiceUpdateParams(terms_and_conditions="x" * 526)


def test_params_write_quantities_and_rates_as_decimal_strings() -> None:
    wire = qt.to_wire(_create_params())
    items = wire["items"]
    assert isinstance(items, list)
    assert items[0] == {
        "title": "Conseil",
        "quantity": "1.5",
        "unit_price": {"value": "400.00", "currency": "EUR"},
        "vat_rate": "0.2",
    }
    assert wire["issue_date"] == "2026-03-02"


def test_params_enforce_documented_limits() -> None:
    with pytest.raises(ValidationError):
        qt.InvoiceItemParams(
            title="x" * 41,
            quantity=Decimal(1),
            unit_price=qt.AmountParam(value=Decimal(1), currency="EUR"),
            vat_rate=Decimal("0.2"),
        )
    with pytest.raises(ValidationError):
        qt.SendParams(send_to=[], email_title="Facture")
    assert qt.to_wire(qt.MarkAsPaidParams(paid_at=date(2024, 12, 15))) == {"paid_at": "2024-12-15"}


def test_timestamps_are_written_in_utc_with_z() -> None:
    paris = timezone(timedelta(hours=1))
    tx = qt.Transaction(id="t", settled_at=datetime(2026, 3, 2, 11, 0, tzinfo=paris))
    assert qt.to_wire(tx)["settled_at"] == "2026-03-02T10:00:00Z"
    parsed = qt.from_wire(qt.Transaction, {"id": "t", "emitted_at": "2026-03-02T10:00:00.250Z"})
    assert qt.to_wire(parsed)["emitted_at"] == "2026-03-02T10:00:00.250Z"


def test_banking_serializer_refuses_inexact_numbers() -> None:
    tx = qt.Transaction(id="t", amount=Decimal("12345678901234567.89"))
    with pytest.raises(ValueError, match="exact JSON number"):
        qt.to_wire(tx)


def test_envelopes_and_unwrapped_webhook_subscription() -> None:
    listing = qt.from_wire_json(qt.ClientInvoiceList, fixture_text("client_invoices_list_page"))
    assert listing.meta is not None
    assert (listing.meta.current_page, listing.meta.next_page, listing.meta.prev_page) == (
        1,
        2,
        None,
    )
    assert listing.meta.total_pages == 3
    subscription = qt.from_wire_json(qt.WebhookSubscription, fixture_text("webhook_subscription"))
    assert subscription.types == ["v1/client-invoices"]
    subs = qt.from_wire_json(qt.WebhookSubscriptionList, fixture_text("webhook_subscriptions_list"))
    assert subs.subscriptions[0].secret is None


def test_webhook_event_data_parses_as_a_client_invoice() -> None:
    event = qt.from_wire_json(qt.WebhookEvent, fixture_text("webhook_event_client_invoice"))
    assert event.type == qt.WebhookEventType.CLIENT_INVOICES
    invoice = qt.from_wire(qt.ClientInvoice, event.data)
    assert invoice.number == "F-2026-001"
    assert invoice.status is qt.InvoiceStatus.UNPAID


def test_error_envelope_carries_codes_pointers_and_trace() -> None:
    error = qt.from_wire_json(qt.ErrorResponse, fixture_text("error_validation"))
    assert error.trace_id == "5e0c9a1f2b3d4c6e8f7a9b0c1d2e3f4a"
    first = error.errors[0]
    assert first.code == "invalid_iban"
    assert first.source is not None
    assert first.source.pointer == "/data/attributes/payment_methods/iban"


def test_credit_note_amounts_are_negative_and_consistent() -> None:
    note = qt.from_wire_json(qt.CreditNoteEnvelope, fixture_text("credit_note")).credit_note
    assert note.total_amount is not None
    assert note.items is not None
    item = note.items[0]
    assert item.total_amount is not None
    assert note.total_amount.value == item.total_amount.value == Decimal("-80.83")
    assert note.total_amount_cents == -8083
