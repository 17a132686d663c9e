"""Failing calls with a known key: the key is in no exception text, repr or log record."""

from __future__ import annotations

import logging

import httpx
import pytest

from verone.qonto import QontoError, RequestOptions, RetryPolicy
from verone.qonto._logging import ALLOWED_FIELDS, safe_extra
from verone.qonto.types.clients import ClientCreateParams, ClientKind

from ._client_support import SECRET, Script, error_reply, make_client


@pytest.mark.parametrize(
    "reply",
    [
        error_reply(401, "unauthorized", "bad key"),
        error_reply(500, "unknown", "boom"),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.Response(403, content=b"<html/>", headers={"content-type": "text/html"}),
    ],
)
def test_the_key_never_leaks(
    reply: httpx.Response | Exception, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="verone.qonto")
    client, _ = make_client(Script([reply]), retry=RetryPolicy(max_retries=1))
    errors: list[QontoError] = []
    for call in (
        lambda: client.organization.get(),
        lambda: client.clients.create(
            ClientCreateParams(kind=ClientKind.COMPANY, name="X"),
            options=RequestOptions(idempotency_key="k"),
        ),
    ):
        with pytest.raises(QontoError) as caught:
            call()
        errors.append(caught.value)
    texts = [str(e) for e in errors] + [repr(e) for e in errors] + [repr(client)]
    texts += [r.getMessage() + repr(r.__dict__) for r in caplog.records]
    assert caplog.records, "attempts are logged"
    assert all(SECRET not in text for text in texts)


def test_log_records_carry_only_allow_listed_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="verone.qonto")
    client, _ = make_client(Script([error_reply(503, "x", "y")]), retry=RetryPolicy(max_retries=1))
    with pytest.raises(QontoError):
        client.organization.get()
    record = caplog.records[0]
    fields = {k.removeprefix("qonto_") for k in record.__dict__ if k.startswith("qonto_")}
    assert fields <= ALLOWED_FIELDS
    assert record.__dict__["qonto_path"] == "/v2/organization"
    assert record.__dict__["qonto_status"] == 503
    assert record.__dict__["qonto_outcome"] == "retry"


def test_safe_extra_drops_unknown_and_non_scalar_fields() -> None:
    assert safe_extra({"method": "GET", "headers": {"a": 1}, "body": "x", "status": None}) == {
        "qonto_method": "GET",
        "qonto_status": None,
    }
