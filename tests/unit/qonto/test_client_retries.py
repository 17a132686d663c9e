"""Retry policy of the Qonto client: what is retried, how long it waits, idempotency keys."""

from __future__ import annotations

import random

import httpx
import pytest

from verone.qonto import (
    QontoAmbiguousOutcome,
    QontoConnectionError,
    QontoIdempotencyError,
    QontoTimeout,
    RateLimited,
    RequestOptions,
    RetryPolicy,
    ServerError,
)
from verone.qonto._retry import parse_retry_after
from verone.qonto.types.clients import ClientCreateParams, ClientKind

from ._client_support import FakeTime, Script, error_reply, json_reply, make_client

ORG = {"organization": {"id": "org-1", "slug": "acme-1234"}}
CLIENT = {"client": {"id": "c-1", "kind": "company", "name": "Meubles SA"}}


def _params(name: str = "Meubles SA") -> ClientCreateParams:
    return ClientCreateParams(kind=ClientKind.COMPANY, name=name, currency="EUR")


class TestBackoff:
    def test_exponential_from_half_a_second_to_eight(self) -> None:
        policy = RetryPolicy(jitter=0.0)
        assert [policy.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]

    def test_jitter_only_shortens(self) -> None:
        policy = RetryPolicy(jitter=0.5)
        rng = random.Random(1)
        delays = [policy.backoff(3, rng) for _ in range(200)]
        assert all(1.0 <= d <= 2.0 for d in delays)
        assert len(set(delays)) > 100

    def test_retry_after_header_forms(self) -> None:
        assert parse_retry_after("3") == 3.0
        assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
        assert parse_retry_after("soon") is None
        assert parse_retry_after(None) is None


class TestRetriedAnswers:
    def test_429_honours_retry_after(self) -> None:
        limited = error_reply(429, "too_many_requests", "x", headers={"Retry-After": "3"})
        script = Script([limited, json_reply(200, ORG)])
        client, fake = make_client(script)
        assert client.organization.get().id == "org-1"
        assert fake.sleeps == [3.0]

    def test_429_without_retry_after_backs_off(self) -> None:
        limited = error_reply(429, "too_many_requests", "x")
        script = Script([limited, limited, json_reply(200, ORG)])
        client, fake = make_client(script)
        client.organization.get()
        assert len(fake.sleeps) == 2
        assert 0.25 <= fake.sleeps[0] <= 0.5
        assert 0.5 <= fake.sleeps[1] <= 1.0

    @pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
    def test_transient_statuses_are_retried(self, status: int) -> None:
        script = Script([error_reply(status, "unknown", "x"), json_reply(200, ORG)])
        client, _ = make_client(script)
        client.organization.get()
        assert len(script.requests) == 2

    def test_client_errors_are_not_retried(self) -> None:
        script = Script([error_reply(422, "invalid", "x")])
        client, fake = make_client(script)
        with pytest.raises(Exception, match="invalid"):
            client.organization.get()
        assert len(script.requests) == 1
        assert fake.sleeps == []

    def test_gives_up_after_max_retries(self) -> None:
        script = Script([error_reply(503, "unknown", "down")])
        client, _ = make_client(script, retry=RetryPolicy(max_retries=2))
        with pytest.raises(ServerError):
            client.organization.get()
        assert len(script.requests) == 3

    def test_total_deadline_stops_retrying(self) -> None:
        limited = error_reply(429, "too_many_requests", "x", headers={"Retry-After": "30"})
        script = Script([limited])
        client, fake = make_client(script, retry=RetryPolicy(max_retries=10, deadline=50.0))
        with pytest.raises(RateLimited):
            client.organization.get()
        assert fake.sleeps == [30.0]

    def test_per_call_max_retries(self) -> None:
        script = Script([error_reply(503, "unknown", "down")])
        client, _ = make_client(script)
        with pytest.raises(ServerError):
            client.organization.get(options=RequestOptions(max_retries=0))
        assert len(script.requests) == 1


class TestTransportErrors:
    def test_read_timeout_on_a_get_is_retried_then_raises_timeout(self) -> None:
        script = Script([httpx.ReadTimeout("slow")])
        client, _ = make_client(script, retry=RetryPolicy(max_retries=2))
        with pytest.raises(QontoTimeout, match="check the network"):
            client.organization.get()
        assert len(script.requests) == 3

    def test_connection_error_then_success(self) -> None:
        script = Script([httpx.ConnectError("refused"), json_reply(200, ORG)])
        client, _ = make_client(script)
        assert client.organization.get().slug == "acme-1234"

    def test_write_timeout_keeps_the_same_key_on_every_retry(self) -> None:
        script = Script(
            [httpx.ReadTimeout("lost"), error_reply(503, "x", "y"), json_reply(201, CLIENT)]
        )
        client, _ = make_client(script)
        client.clients.create(_params())
        keys = {r.headers["X-Qonto-Idempotency-Key"] for r in script.requests}
        assert len(script.requests) == 3
        assert len(keys) == 1

    def test_write_without_answer_is_ambiguous_and_carries_the_key(self) -> None:
        script = Script([httpx.ReadTimeout("lost")])
        client, _ = make_client(script, retry=RetryPolicy(max_retries=1))
        with pytest.raises(QontoAmbiguousOutcome) as caught:
            client.clients.create(_params(), options=RequestOptions(idempotency_key="k-1"))
        assert caught.value.idempotency_key == "k-1"
        assert "k-1" in str(caught.value)

    def test_write_refused_at_connect_is_not_ambiguous(self) -> None:
        script = Script([httpx.ConnectError("refused")])
        client, _ = make_client(script, retry=RetryPolicy(max_retries=1))
        with pytest.raises(QontoConnectionError) as caught:
            client.clients.create(_params())
        assert not isinstance(caught.value, QontoAmbiguousOutcome)


class TestIdempotencyKeys:
    def test_caller_key_is_reused_for_the_same_body(self) -> None:
        script = Script([json_reply(201, CLIENT)])
        client, _ = make_client(script)
        options = RequestOptions(idempotency_key="k-1")
        client.clients.create(_params(), options=options)
        client.clients.create(_params(), options=options)
        assert [r.headers["X-Qonto-Idempotency-Key"] for r in script.requests] == ["k-1", "k-1"]

    def test_a_key_is_refused_with_another_body(self) -> None:
        script = Script([json_reply(201, CLIENT)])
        client, _ = make_client(script)
        options = RequestOptions(idempotency_key="k-1")
        client.clients.create(_params("A"), options=options)
        with pytest.raises(QontoIdempotencyError, match="different body"):
            client.clients.create(_params("B"), options=options)
        assert len(script.requests) == 1

    def test_a_key_is_refused_after_the_30_minute_window(self) -> None:
        script = Script([json_reply(201, CLIENT)])
        client, fake = make_client(script)
        options = RequestOptions(idempotency_key="k-1")
        client.clients.create(_params(), options=options)
        fake.now += 29 * 60 + 30
        with pytest.raises(QontoIdempotencyError, match="30-minute"):
            client.clients.create(_params(), options=options)

    def test_retries_stop_before_the_key_window_ends(self) -> None:
        limited = error_reply(429, "too_many_requests", "x", headers={"Retry-After": "60"})
        script = Script([limited])
        retry = RetryPolicy(max_retries=100, deadline=3600.0, max_retry_after=600.0)
        client, fake = make_client(script, FakeTime(), retry=retry)
        with pytest.raises(RateLimited):
            client.clients.create(_params())
        assert sum(fake.sleeps) < 29 * 60
        assert len(script.requests) == 29
