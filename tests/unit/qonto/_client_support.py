"""Helpers of the Qonto client's unit tests: a scripted httpx transport and a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from verone.qonto import QontoClient, RateBudget, RetryPolicy

LOGIN = "acme-1234"
SECRET = "live-secret-7f3a9c"
BASE = "https://thirdparty.qonto.com"

Reply = httpx.Response | Exception


@dataclass
class FakeTime:
    """A clock that only moves when someone sleeps."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Script:
    """Answers requests with scripted replies, in order; records every request."""

    replies: list[Reply]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def json_reply(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
    )


def error_reply(
    status: int,
    code: str,
    detail: str,
    *,
    pointer: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    entry: dict[str, object] = {"code": code, "detail": detail}
    if pointer:
        entry["source"] = {"pointer": pointer}
    body = {"errors": [entry], "trace_id": "trace-123"}
    return json_reply(status, body, {"x-request-id": "req-456", **(headers or {})})


def make_client(
    script: Callable[[httpx.Request], httpx.Response],
    time_: FakeTime | None = None,
    *,
    retry: RetryPolicy | None = None,
    rate_budget: RateBudget | None = None,
) -> tuple[QontoClient, FakeTime]:
    fake = time_ or FakeTime()
    http = httpx.Client(transport=httpx.MockTransport(script))
    client = QontoClient(
        login=LOGIN,
        secret_key=SECRET,
        base_url=BASE,
        http_client=http,
        retry=retry or RetryPolicy(max_retries=3, deadline=120.0),
        rate_budget=rate_budget or RateBudget([], clock=fake.clock),
        sleep=fake.sleep,
        clock=fake.clock,
    )
    return client, fake


def invoice_json(invoice_id: str = "inv-1", status: str = "draft") -> dict[str, object]:
    return {
        "id": invoice_id,
        "status": status,
        "currency": "EUR",
        "total_amount": {"value": "120.00", "currency": "EUR"},
        "total_amount_cents": 12000,
    }


def meta(page: int, total_pages: int, per_page: int = 2) -> dict[str, int | None]:
    return {
        "current_page": page,
        "next_page": page + 1 if page < total_pages else None,
        "prev_page": page - 1 if page > 1 else None,
        "total_pages": total_pages,
        "total_count": total_pages * per_page,
        "per_page": per_page,
    }
