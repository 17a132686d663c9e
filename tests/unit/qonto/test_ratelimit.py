"""The client-side rate budget, with an injected clock (no real sleeping)."""

from __future__ import annotations

import pytest

from verone.qonto import InMemoryRateBudgetStore, RateBudget, RateLimit

from ._client_support import FakeTime, Script, json_reply, make_client


def test_parse_limits() -> None:
    assert RateLimit.parse("1000/10s") == RateLimit(1000, 10.0)
    assert RateLimit.parse("100/1min") == RateLimit(100, 60.0)
    assert RateLimit.parse("10000/600") == RateLimit(10000, 600.0)
    with pytest.raises(ValueError, match="not a rate limit"):
        RateLimit.parse("fast")


def test_burst_then_waits_exactly_one_window_after_the_oldest() -> None:
    fake = FakeTime(now=0.0)
    budget = RateBudget([RateLimit(3, 10.0)], clock=fake.clock, margin_seconds=0)
    assert [budget.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.reserve() == 10.0
    fake.now = 4.0
    assert budget.reserve() == 6.0  # booked at t=10, behind the previous reservation


def test_no_window_ever_holds_more_than_the_limit() -> None:
    fake = FakeTime(now=0.0)
    budget = RateBudget([RateLimit(5, 1.0), RateLimit(12, 10.0)], clock=fake.clock)
    sent: list[float] = []
    for _ in range(40):
        fake.sleep(budget.reserve())
        sent.append(fake.now)
    for i, start in enumerate(sent):
        assert sum(1 for t in sent[i:] if t < start + 1.0) <= 5
        assert sum(1 for t in sent[i:] if t < start + 10.0) <= 12


def test_a_shared_store_shares_the_budget() -> None:
    fake = FakeTime(now=0.0)
    store = InMemoryRateBudgetStore()
    one = RateBudget([RateLimit(2, 60.0)], store=store, clock=fake.clock, margin_seconds=0)
    two = RateBudget([RateLimit(2, 60.0)], store=store, clock=fake.clock, margin_seconds=0)
    assert (one.reserve(), two.reserve()) == (0.0, 0.0)
    assert one.reserve() == 60.0


def test_the_client_sleeps_instead_of_sending_too_fast() -> None:
    fake = FakeTime(now=0.0)
    body = {"organization": {"id": "o", "slug": "s"}}
    script = Script([json_reply(200, body)])
    budget = RateBudget([RateLimit(2, 10.0)], clock=fake.clock, margin_seconds=0)
    client, _ = make_client(script, fake, rate_budget=budget)
    for _ in range(5):
        client.organization.get()
    assert fake.sleeps == [10.0, 10.0]  # third and fifth calls wait; the fourth shares a slot
    assert len(script.requests) == 5
