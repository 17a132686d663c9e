"""The Qonto client under the sandbox's faults and rate limits: retries, one key per write,
exactly-once creation after a timeout, and a budget that never meets a 429."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.contract._client_helpers import (
    BASE_URL,
    SandboxTime,
    TestClient,
    client_params,
    invoice_params,
)
from verone.qonto import (
    QontoAmbiguousOutcome,
    QontoClient,
    RateBudget,
    RateLimit,
    RetryPolicy,
    ServerError,
)
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY
from verone.sandbox.state import SandboxState

pytest_plugins = ["tests.contract._client_fixtures"]

INVOICES = "/v2/client_invoices"


def _faults(http: TestClient, *rules: dict[str, object]) -> None:
    response = http.put("/_sandbox/faults", json={"seed": 1, "rules": list(rules)})
    assert response.status_code == 200, response.text


def _clear_faults_on_first_sleep(http: TestClient, time_: SandboxTime) -> None:
    original = time_.sleep

    def sleep(seconds: float) -> None:
        _faults(http)
        original(seconds)

    time_.sleep = sleep  # type: ignore[method-assign]  # the client holds the bound method


def _recorded(http: TestClient, method: str, path: str) -> list[dict[str, object]]:
    rows = http.get("/_sandbox/requests").json()
    items = rows["requests"] if isinstance(rows, dict) else rows
    return [r for r in items if r["method"] == method and r["path"] == path]


def _client(http: TestClient, time_: SandboxTime, **kwargs: object) -> QontoClient:
    return QontoClient(
        login=DEFAULT_LOGIN,
        secret_key=DEFAULT_SECRET_KEY,
        base_url=BASE_URL,
        http_client=http,
        sleep=lambda s: time_.sleep(s),
        clock=time_.clock,
        **kwargs,  # type: ignore[arg-type]  # retry / rate_budget in these tests
    )


def test_5xx_is_retried_with_the_same_key_and_creates_once(
    sandbox_http: TestClient, sandbox_time: SandboxTime, qonto_state: SandboxState
) -> None:
    client = _client(sandbox_http, sandbox_time, rate_budget=RateBudget([]))
    customer = client.clients.create(client_params())
    _faults(sandbox_http, {"method": "POST", "path": INVOICES, "error_status": 503})
    _clear_faults_on_first_sleep(sandbox_http, sandbox_time)
    invoice = client.client_invoices.create(
        invoice_params(customer.id, qonto_state.banking.main_account.iban)
    )
    calls = _recorded(sandbox_http, "POST", INVOICES)
    assert [c["status"] for c in calls] == [503, 201]
    assert len({c["idempotency_key"] for c in calls}) == 1
    assert invoice.status == "draft"


def test_persistent_5xx_raises_server_error(
    sandbox_http: TestClient, sandbox_time: SandboxTime
) -> None:
    client = _client(
        sandbox_http, sandbox_time, retry=RetryPolicy(max_retries=2), rate_budget=RateBudget([])
    )
    _faults(sandbox_http, {"path": "/v2/organization", "error_status": 500})
    with pytest.raises(ServerError):
        client.organization.get()
    assert len(_recorded(sandbox_http, "GET", "/v2/organization")) == 3


def test_timeout_after_commit_then_retry_gives_exactly_one_invoice(
    sandbox_http: TestClient, sandbox_time: SandboxTime, qonto_state: SandboxState
) -> None:
    client = _client(sandbox_http, sandbox_time, rate_budget=RateBudget([]))
    customer = client.clients.create(client_params())
    before = len(list(client.client_invoices.iter()))
    _faults(sandbox_http, {"method": "POST", "path": INVOICES, "timeout_after_commit_rate": 1.0})
    _clear_faults_on_first_sleep(sandbox_http, sandbox_time)
    invoice = client.client_invoices.create(
        invoice_params(customer.id, qonto_state.banking.main_account.iban)
    )
    assert len(list(client.client_invoices.iter())) == before + 1
    assert client.client_invoices.get(invoice.id).id == invoice.id
    keys = {c["idempotency_key"] for c in _recorded(sandbox_http, "POST", INVOICES)}
    assert len(keys) == 1


def test_timeout_after_commit_every_time_is_ambiguous(
    sandbox_http: TestClient, sandbox_time: SandboxTime, qonto_state: SandboxState
) -> None:
    client = _client(
        sandbox_http, sandbox_time, retry=RetryPolicy(max_retries=2), rate_budget=RateBudget([])
    )
    customer = client.clients.create(client_params())
    _faults(sandbox_http, {"method": "POST", "path": INVOICES, "timeout_after_commit_rate": 1.0})
    params = invoice_params(customer.id, qonto_state.banking.main_account.iban)
    with pytest.raises(QontoAmbiguousOutcome) as caught:
        client.client_invoices.create(params)
    _faults(sandbox_http)
    from verone.qonto import RequestOptions

    replayed = client.client_invoices.create(
        params, options=RequestOptions(idempotency_key=caught.value.idempotency_key)
    )
    drafts = [i for i in client.client_invoices.iter() if i.id == replayed.id]
    assert len(drafts) == 1
    assert len(list(client.client_invoices.iter())) == 1


def test_429_with_retry_after_from_the_sandbox_limit(
    sandbox_http: TestClient, sandbox_time: SandboxTime
) -> None:
    sandbox_http.put(
        "/_sandbox/rate-limits", json={"limits": [{"requests": 3, "window_seconds": 10}]}
    )
    client = _client(sandbox_http, sandbox_time, rate_budget=RateBudget([]))
    for _ in range(5):
        assert client.organization.get().id
    statuses = [c["status"] for c in _recorded(sandbox_http, "GET", "/v2/organization")]
    assert statuses.count(429) >= 1
    assert statuses.count(200) == 5
    assert sandbox_time.slept
    assert all(1 <= s <= 10 for s in sandbox_time.slept)


def test_injected_429_without_retry_after_backs_off(
    sandbox_http: TestClient, sandbox_time: SandboxTime
) -> None:
    client = _client(sandbox_http, sandbox_time, rate_budget=RateBudget([]))
    _faults(sandbox_http, {"path": "/v2/organization", "error_status": 429})
    _clear_faults_on_first_sleep(sandbox_http, sandbox_time)
    assert client.organization.get().id
    assert 0.25 <= sandbox_time.slept[0] <= 0.5


def test_budget_at_the_sandbox_limit_never_meets_a_429(
    sandbox_http: TestClient, sandbox_time: SandboxTime
) -> None:
    # Frozen: only the client's sleeps move time, so the recorded times below are exact (real
    # time spent handling a request under load would otherwise shift them by a few hundredths).
    sandbox_time.state.clock.freeze()
    sandbox_http.put(
        "/_sandbox/rate-limits", json={"limits": [{"requests": 5, "window_seconds": 10}]}
    )
    budget = RateBudget([RateLimit(5, 10.0)], clock=sandbox_time.clock)
    client = _client(sandbox_http, sandbox_time, rate_budget=budget)
    for _ in range(23):
        client.organization.get()
    calls = _recorded(sandbox_http, "GET", "/v2/organization")
    assert [c["status"] for c in calls] == [200] * 23
    times = [datetime.fromisoformat(str(c["time"]).replace("Z", "+00:00")) for c in calls]
    assert (times[-1] - times[0]).total_seconds() >= 40  # 23 calls at 5 per 10 s
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if (t - start).total_seconds() < 10) <= 5
