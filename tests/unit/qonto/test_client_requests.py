"""Request building of the Qonto client: URL, query, auth and staging headers, bodies."""

from __future__ import annotations

import inspect
import json
from datetime import date
from decimal import Decimal

import httpx
import pytest

from verone.qonto import (
    ClientInvoiceFilters,
    FileUpload,
    QontoClient,
    QontoInvalidId,
    RateBudget,
    RequestOptions,
    TransactionFilters,
)
from verone.qonto.resources.client_invoices import ClientInvoices
from verone.qonto.types._base import AmountParam
from verone.qonto.types.client_invoices import ClientInvoiceCreateParams, PaymentMethodsParams
from verone.qonto.types.documents import InvoiceItemParams

from ._client_support import (
    BASE,
    LOGIN,
    SECRET,
    Script,
    error_reply,
    invoice_json,
    json_reply,
    make_client,
    meta,
)


def _invoice_params() -> ClientInvoiceCreateParams:
    return ClientInvoiceCreateParams(
        client_id="c-1",
        issue_date=date(2026, 11, 24),
        due_date=date(2026, 12, 24),
        currency="EUR",
        payment_methods=PaymentMethodsParams(iban="FR7616958000010000000000001"),
        items=[
            InvoiceItemParams(
                title="Chaise",
                quantity=Decimal("2"),
                unit_price=AmountParam(value=Decimal("49.90"), currency="EUR"),
                vat_rate=Decimal("0.2"),
            )
        ],
    )


class TestHeaders:
    def test_api_key_header_has_no_prefix(self) -> None:
        script = Script([json_reply(200, {"client_invoice": invoice_json()})])
        client, _ = make_client(script)
        client.client_invoices.get("inv-1")
        sent = script.requests[0]
        assert sent.headers["Authorization"] == f"{LOGIN}:{SECRET}"
        assert sent.url == httpx.URL(f"{BASE}/v2/client_invoices/inv-1")
        assert "X-Qonto-Idempotency-Key" not in sent.headers

    def test_staging_token_is_sent_on_every_call(self) -> None:
        script = Script([json_reply(200, {"client_invoice": invoice_json()})])
        client = QontoClient(
            login=LOGIN,
            secret_key=SECRET,
            staging_token="stg-tok",
            http_client=httpx.Client(transport=script.transport()),
            rate_budget=RateBudget([]),
        )
        client.client_invoices.get("inv-1")
        client.client_invoices.get("inv-2")
        assert [r.headers["X-Qonto-Staging-Token"] for r in script.requests] == ["stg-tok"] * 2

    def test_extra_headers_and_path_ids_are_escaped(self) -> None:
        script = Script([json_reply(200, {"client_invoice": invoice_json()})])
        client, _ = make_client(script)
        client.client_invoices.get("a-b_1", options=RequestOptions(extra_headers={"X-Trace": "1"}))
        assert script.requests[0].url.raw_path == b"/v2/client_invoices/a-b_1"
        assert script.requests[0].headers["X-Trace"] == "1"
        for bad in ("a/b", "..", "%2e", "a b", ""):
            with pytest.raises(QontoInvalidId):
                client.client_invoices.get(bad)
        assert len(script.requests) == 1  # refused before anything was sent


class TestBodies:
    def test_create_invoice_always_sends_draft_with_decimal_strings(self) -> None:
        script = Script([json_reply(201, {"client_invoice": invoice_json()})])
        client, _ = make_client(script)
        client.client_invoices.create(_invoice_params())
        body = json.loads(script.requests[0].content)
        assert body["status"] == "draft"
        assert body["items"][0]["unit_price"] == {"value": "49.90", "currency": "EUR"}
        assert body["items"][0]["quantity"] == "2"
        assert script.requests[0].headers["content-type"] == "application/json"

    def test_finalize_is_a_separate_post(self) -> None:
        script = Script([json_reply(200, {"client_invoice": invoice_json(status="unpaid")})])
        client, _ = make_client(script)
        invoice = client.client_invoices.finalize("inv-1")
        assert script.requests[0].method == "POST"
        assert script.requests[0].url.path == "/v2/client_invoices/inv-1/finalize"
        assert invoice.status == "unpaid"

    @pytest.mark.parametrize("action", ["finalize", "unmark_as_paid", "mark_as_canceled"])
    def test_status_changes_post_without_a_body(self, action: str) -> None:
        script = Script([json_reply(200, {"client_invoice": invoice_json(status="unpaid")})])
        client, _ = make_client(script)
        invoice = getattr(client.client_invoices, action)("inv-1")
        assert script.requests[0].method == "POST"
        assert script.requests[0].url.path == f"/v2/client_invoices/inv-1/{action}"
        assert script.requests[0].content == b""
        assert invoice.status == "unpaid"

    @pytest.mark.parametrize("action", ["finalize", "unmark_as_paid", "mark_as_canceled"])
    def test_status_changes_read_as_plain_methods(self, action: str) -> None:
        client, _ = make_client(Script([]))
        for method in (getattr(ClientInvoices, action), getattr(client.client_invoices, action)):
            assert method.__name__ == action
            assert method.__doc__.startswith(f"``POST …/{action}``")
        signature = inspect.signature(getattr(client.client_invoices, action))
        assert str(signature) == (
            "(invoice_id: 'str', *, options: 'RequestOptions | None' = None) -> 'ClientInvoice'"
        )

    def test_writes_carry_a_uuid4_idempotency_key(self) -> None:
        script = Script([json_reply(201, {"client_invoice": invoice_json()})])
        client, _ = make_client(script)
        client.client_invoices.create(_invoice_params())
        key = script.requests[0].headers["X-Qonto-Idempotency-Key"]
        assert len(key) == 36
        assert key[14] == "4"

    def test_upload_is_multipart_with_the_documented_field(self) -> None:
        reply = {"client_invoice_upload": {"id": "up-1", "file_size": 8}}
        script = Script([json_reply(201, reply)])
        client, _ = make_client(script)
        upload = client.client_invoices.upload(FileUpload("f.pdf", b"%PDF-1.4"))
        content = script.requests[0].content
        assert b'name="client_invoices_upload"; filename="f.pdf"' in content
        assert upload.id == "up-1"


class TestQuery:
    def test_transaction_filters_become_qonto_query(self) -> None:
        script = Script([json_reply(200, {"transactions": [], "meta": meta(1, 1)})])
        client, _ = make_client(script)
        filters = TransactionFilters(
            bank_account_id="acc-1",
            status=["completed", "pending"],
            side="credit",
            with_attachments=False,
            per_page=50,
        )
        client.transactions.list(filters, page=2)
        params = script.requests[0].url.params
        assert params.get_list("status[]") == ["completed", "pending"]
        assert params["side"] == "credit"
        assert params["with_attachments"] == "false"
        assert params["page"] == "2"
        assert params["per_page"] == "50"
        assert "iban" not in params

    def test_a_page_can_be_handed_over_as_bytes_with_the_same_query(self) -> None:
        body = {"transactions": [], "meta": meta(3, 5)}
        script = Script([json_reply(200, body), error_reply(503, "x", "y"), json_reply(200, body)])
        client, _ = make_client(script)
        seen: list[bytes] = []

        def parse(raw: bytes) -> int:
            seen.append(raw)
            return len(raw)

        answer = client.transactions.list_parsed(
            parse=parse,
            page=3,
            bank_account_id="acc-1",
            per_page=100,
        )
        assert answer == len(seen[0])
        assert json.loads(seen[0]) == body
        params = script.requests[0].url.params
        assert (params["bank_account_id"], params["page"], params["per_page"]) == (
            "acc-1",
            "3",
            "100",
        )
        # the same road as ``list``: a 503 is retried, and the caller's parser runs once
        client.transactions.list_parsed(parse=seen.append, bank_account_id="acc-1")
        assert len(script.requests) == 3
        assert len(seen) == 2

    def test_transactions_need_an_account(self) -> None:
        client, _ = make_client(Script([json_reply(200, {})]))
        with pytest.raises(ValueError, match="bank_account_id or iban"):
            client.transactions.list(TransactionFilters())

    def test_invoice_filters_allow_500_per_page_and_comma_statuses(self) -> None:
        script = Script([json_reply(200, {"client_invoices": [], "meta": meta(1, 1)})])
        client, _ = make_client(script)
        client.client_invoices.list(ClientInvoiceFilters(status=["draft", "unpaid"], per_page=500))
        params = script.requests[0].url.params
        assert params["filter[status]"] == "draft,unpaid"
        assert params["per_page"] == "500"

    def test_per_page_maxima_are_checked_before_sending(self) -> None:
        script = Script([json_reply(200, {})])
        client, _ = make_client(script)
        with pytest.raises(ValueError, match="between 1 and 500"):
            client.client_invoices.list(ClientInvoiceFilters(per_page=501))
        with pytest.raises(ValueError, match="between 1 and 100"):
            client.transactions.list(TransactionFilters(iban="FR76", per_page=101))
        assert script.requests == []


class TestParsing:
    def test_money_never_becomes_a_float(self) -> None:
        txn = {"id": "t-1", "amount": 0.43, "amount_cents": 43, "side": "debit"}
        script = Script([json_reply(200, {"transaction": txn})])
        client, _ = make_client(script)
        transaction = client.transactions.get("t-1")
        assert transaction.amount == Decimal("0.43")
        assert isinstance(transaction.amount, Decimal)

    def test_unknown_fields_and_enum_values_are_accepted(self) -> None:
        body = {"client_invoice": {**invoice_json(status="archived"), "new_field": 1}}
        client, _ = make_client(Script([json_reply(200, body)]))
        assert client.client_invoices.get("inv-1").status == "archived"
