"""Fault rules: template matching, seeded draws, latency."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from verone.sandbox.faults import NO_FAULT, FaultConfig, FaultInjector, FaultRule


def test_no_rules_means_no_fault() -> None:
    assert FaultInjector(1).decide("GET", "/v2/organization") is NO_FAULT


def test_templates_match_one_segment_and_star_matches_the_rest() -> None:
    injector = FaultInjector(1)
    injector.configure(
        FaultConfig(
            rules=[
                FaultRule(method="GET", path="/v2/clients/{id}", error_status=500),
                FaultRule(path="/v2/quotes*", latency_ms=15),
            ]
        )
    )
    assert injector.decide("GET", "/v2/clients/abc").error_status == 500
    assert injector.decide("GET", "/v2/clients").error_status is None
    assert injector.decide("GET", "/v2/clients/abc/extra").error_status is None
    assert injector.decide("POST", "/v2/clients/abc").error_status is None
    assert injector.decide("DELETE", "/v2/quotes/1").latency_ms == 15


def test_draws_are_reproducible_from_the_seed() -> None:
    rule = FaultRule(path="/v2/*", error_status=503, error_rate=0.3)

    def draws(seed: int) -> list[bool]:
        injector = FaultInjector(0)
        injector.configure(FaultConfig(seed=seed, rules=[rule]))
        return [injector.decide("GET", "/v2/x").error_status == 503 for _ in range(200)]

    assert draws(5) == draws(5)
    assert draws(5) != draws(6)
    assert 30 < sum(draws(5)) < 90


def test_global_latency_adds_to_rule_latency() -> None:
    injector = FaultInjector(0, latency_ms=20)
    assert injector.decide("GET", "/v2/a").latency_ms == 20
    injector.configure(FaultConfig(latency_ms=20, rules=[FaultRule(path="/v2/a", latency_ms=5)]))
    assert injector.decide("GET", "/v2/a").latency_ms == 25
    injector.clear()
    assert injector.decide("GET", "/v2/a").latency_ms == 20


def test_timeout_after_commit_and_drop_decisions() -> None:
    injector = FaultInjector(0)
    injector.configure(
        FaultConfig(
            rules=[
                FaultRule(path="/v2/a", timeout_after_commit_rate=1.0, timeout_delay_ms=300),
                FaultRule(path="/v2/b", drop_before_rate=1.0),
            ]
        )
    )
    a = injector.decide("POST", "/v2/a")
    assert a.timeout_after_commit
    assert a.timeout_delay_ms == 300
    assert not a.drop_before
    assert injector.decide("POST", "/v2/b").drop_before


def test_rules_are_validated() -> None:
    with pytest.raises(ValidationError):
        FaultRule(path="/v2/a", error_status=200)
    with pytest.raises(ValidationError):
        FaultRule(path="/v2/a", error_rate=1.5)
