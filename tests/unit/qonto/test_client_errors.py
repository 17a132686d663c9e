"""Every error class of the Qonto client, built from crafted answers."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from verone.qonto import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    QontoAPIError,
    QontoInvalidResponse,
    RateLimited,
    RetryPolicy,
    ServerError,
    Unauthorized,
    Unprocessable,
)
from verone.qonto.types.credit_notes import CreditNoteCreateParams

from ._client_support import Script, error_reply, json_reply, make_client

NO_RETRY = RetryPolicy(max_retries=0)


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "bad_request", BadRequest),
        (401, "unauthorized", Unauthorized),
        (403, "forbidden", Forbidden),
        (404, "not_found", NotFound),
        (409, "invoice_number_already_exists", Conflict),
        (422, "invalid_iban", Unprocessable),
        (429, "too_many_requests", RateLimited),
        (500, "unknown", ServerError),
        (503, "unavailable", ServerError),
        (412, "quote_has_no_attachment", QontoAPIError),
    ],
)
def test_status_maps_to_its_class(status: int, code: str, cls: type[QontoAPIError]) -> None:
    client, _ = make_client(Script([error_reply(status, code, "Something")]), retry=NO_RETRY)
    with pytest.raises(cls) as caught:
        client.client_invoices.get("inv-1")
    error = caught.value
    assert type(error) is cls
    assert (error.status, error.code, error.detail) == (status, code, "Something")
    assert (error.trace_id, error.request_id) == ("trace-123", "req-456")
    assert (error.method, error.path) == ("GET", "/v2/client_invoices/inv-1")
    assert "req-456" in str(error)


def test_unauthorized_hints_at_the_dashboard_and_login() -> None:
    client, _ = make_client(Script([error_reply(401, "unauthorized", "Bad")]))
    with pytest.raises(Unauthorized, match="regenerate it in the Qonto dashboard") as caught:
        client.organization.get()
    assert "QONTO_ORGANIZATION_ID" in str(caught.value)


def test_unprocessable_carries_field_pointers() -> None:
    reply = error_reply(422, "invalid", "must be a currency", pointer="/data/attributes/currency")
    client, _ = make_client(Script([reply]))
    with pytest.raises(Unprocessable) as caught:
        client.client_invoices.get("inv-1")
    assert caught.value.pointer == "/data/attributes/currency"
    assert caught.value.field_errors == {"/data/attributes/currency": "must be a currency"}


def test_rate_limited_exposes_retry_after() -> None:
    reply = error_reply(429, "too_many_requests", "Slow down", headers={"Retry-After": "7"})
    client, _ = make_client(Script([reply]), retry=NO_RETRY)
    with pytest.raises(RateLimited) as caught:
        client.organization.get()
    assert caught.value.retry_after == 7.0


def test_credit_note_create_404_hints_at_the_dashboard() -> None:
    client, _ = make_client(Script([error_reply(404, "not_found", "Not found")]))
    params = CreditNoteCreateParams(
        invoice_id="inv-1", issue_date=date(2026, 11, 24), reason="Retour", currency="EUR", items=[]
    )
    with pytest.raises(NotFound, match="create it in the Qonto dashboard"):
        client.credit_notes.create(params)


class TestMalformedAnswers:
    def test_html_gate_says_staging_token(self) -> None:
        page = httpx.Response(
            403, content=b"<html>OneLogin</html>", headers={"content-type": "text/html"}
        )
        client, _ = make_client(Script([page]))
        with pytest.raises(Forbidden, match="QONTO_STAGING_TOKEN"):
            client.organization.get()

    def test_plain_text_gateway_404(self) -> None:
        reply = httpx.Response(
            404, content=b"Not Found", headers={"content-type": "text/plain", "x-tyk-trace-id": "t"}
        )
        client, _ = make_client(Script([reply]))
        with pytest.raises(NotFound, match="non-JSON error body") as caught:
            client.organization.get()
        assert caught.value.trace_id == "t"

    def test_legacy_flat_error_body(self) -> None:
        reply = json_reply(422, {"code": "sca_not_enrolled", "message": "Enroll first"})
        client, _ = make_client(Script([reply]))
        with pytest.raises(Unprocessable) as caught:
            client.organization.get()
        assert (caught.value.code, caught.value.detail) == ("sca_not_enrolled", "Enroll first")

    def test_success_with_invalid_json(self) -> None:
        reply = httpx.Response(200, content=b"{not json", headers={"content-type": "text/html"})
        client, _ = make_client(Script([reply]))
        with pytest.raises(QontoInvalidResponse, match="not JSON"):
            client.organization.get()

    def test_success_without_the_envelope_key(self) -> None:
        client, _ = make_client(Script([json_reply(200, {"something": {}})]))
        with pytest.raises(QontoInvalidResponse, match="'client_invoice'"):
            client.client_invoices.get("inv-1")

    def test_success_with_a_wrong_shape_does_not_echo_values(self) -> None:
        body = {"client_invoice": {"id": "inv-1", "status": "draft", "total_amount": "secret-ish"}}
        client, _ = make_client(Script([json_reply(200, body)]))
        with pytest.raises(QontoInvalidResponse, match="total_amount") as caught:
            client.client_invoices.get("inv-1")
        assert "secret-ish" not in str(caught.value)

    def test_a_float_in_an_invoicing_amount_is_fine_as_decimal(self) -> None:
        body = {
            "client_invoice": {
                "id": "i",
                "status": "draft",
                "total_amount": {"value": 1.1, "currency": "EUR"},
            }
        }
        client, _ = make_client(Script([json_reply(200, body)]))
        invoice = client.client_invoices.get("i")
        assert invoice.total_amount is not None
        assert str(invoice.total_amount.value) == "1.1"
