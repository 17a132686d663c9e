"""Injected failures per route (method + path template), drawn from a seeded RNG.

A rule can answer an error status at a given rate, add latency, drop the connection before
the request is processed, or apply the write and then fail the answer ("timeout after
commit": the response is held back past the client's timeout, or the connection dropped).
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field


class FaultRule(BaseModel):
    """One route's faults; ``path`` is a template like ``/v2/clients/{id}`` or ``/v2/*``."""

    model_config = ConfigDict(extra="forbid")

    method: str = "*"
    path: str
    error_status: int | None = Field(default=None, ge=400, le=599)
    error_rate: float = Field(default=1.0, ge=0.0, le=1.0)
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    drop_before_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    timeout_after_commit_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    timeout_delay_ms: int = Field(default=0, ge=0, le=120_000)


class FaultConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = None
    latency_ms: int = Field(default=0, ge=0, le=120_000)
    rules: list[FaultRule] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """What to do with one request (all empty for the common case: nothing)."""

    latency_ms: int = 0
    error_status: int | None = None
    drop_before: bool = False
    timeout_after_commit: bool = False
    timeout_delay_ms: int = 0


NO_FAULT = FaultDecision()


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\{[^/{}]+\}|\*)", template):
        if piece == "*":
            parts.append(".*")
        elif piece.startswith("{") and piece.endswith("}"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(piece))
    return re.compile("^" + "".join(parts) + "/?$")


class FaultInjector:
    """The active rules; ``decide`` is cheap when none is configured."""

    def __init__(self, seed: int, latency_ms: int = 0) -> None:
        self._seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.config = FaultConfig(seed=seed, latency_ms=latency_ms)
        self.base_latency_ms = latency_ms
        self._compiled: list[tuple[FaultRule, re.Pattern[str]]] = []

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(self._seed if config.seed is None else config.seed)
            self._compiled = [(rule, _pattern(rule.path)) for rule in config.rules]

    def clear(self) -> None:
        self.configure(FaultConfig(seed=self._seed, latency_ms=self.base_latency_ms))

    def decide(self, method: str, path: str) -> FaultDecision:
        if not self._compiled and not self.config.latency_ms:
            return NO_FAULT
        with self._lock:
            latency = self.config.latency_ms
            for rule, pattern in self._compiled:
                if rule.method not in ("*", method.upper()) or not pattern.match(path):
                    continue
                latency += rule.latency_ms
                if rule.drop_before_rate and self._rng.random() < rule.drop_before_rate:
                    return FaultDecision(latency_ms=latency, drop_before=True)
                if rule.error_status and self._rng.random() < rule.error_rate:
                    return FaultDecision(latency_ms=latency, error_status=rule.error_status)
                rate = rule.timeout_after_commit_rate
                if rate and self._rng.random() < rate:
                    return FaultDecision(
                        latency_ms=latency,
                        timeout_after_commit=True,
                        timeout_delay_ms=rule.timeout_delay_ms,
                    )
            return FaultDecision(latency_ms=latency) if latency else NO_FAULT
