"""The sync never stops the back office: writes made while a slow sync runs succeed, and a
database that stays locked is a 503 with ``Retry-After``, never a 500 (docs/sync.md)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Stack, running_stack

#: Short, but with room for a page commit on a loaded machine; the sync lasts several times it.
BUSY_TIMEOUT_MS = 1_000
PAGE_LATENCY_MS = 500


@pytest.fixture(scope="module")
def slow_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("busy")
    url = f"sqlite:///{workdir / 'verone.sqlite3'}"
    with running_stack(workdir, url, busy_timeout_ms=BUSY_TIMEOUT_MS) as stack:
        yield stack


def _customer(number: int) -> dict[str, str]:
    return {"kind": "company", "companyName": f"Atelier Pendant la Synchro {number}"}


def test_writes_succeed_during_a_sync_longer_than_the_busy_timeout(slow_stack: Stack) -> None:
    with slow_stack.sandbox() as sandbox:
        assert sandbox.post("/_sandbox/seed", json={"seed": 4, "transactions": 4_000}).is_success
        rule = {"method": "GET", "path": "/v2/transactions", "latency_ms": PAGE_LATENCY_MS}
        assert sandbox.put("/_sandbox/faults", json={"rules": [rule]}).is_success
    outcome: dict[str, object] = {}
    with (
        slow_stack.login(slow_stack.users.accountant.email) as syncing,
        slow_stack.login(slow_stack.users.accountant.email) as writer,
    ):

        def sync() -> None:
            started = time.monotonic()
            outcome["answer"] = syncing.post("/api/qonto/sync", json={"full": True})
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=sync)
        thread.start()
        statuses, slowest, number = [], 0.0, 0
        while thread.is_alive():
            number += 1
            started = time.monotonic()
            statuses.append(writer.post("/api/customers", json=_customer(number)).status_code)
            slowest = max(slowest, time.monotonic() - started)
        thread.join()
    answer = outcome["answer"]
    assert isinstance(answer, httpx.Response)
    assert answer.status_code == 200, answer.text
    assert all(run["status"] == "succeeded" for run in answer.json()["accounts"])
    seconds = outcome["seconds"]
    assert isinstance(seconds, float)
    assert seconds > 2 * BUSY_TIMEOUT_MS / 1000  # the sync outlasted the busy timeout
    assert len(statuses) >= 3
    assert set(statuses) == {201}  # every write went through while the sync ran
    assert slowest < seconds  # and none waited for the whole sync


def test_a_locked_database_is_a_503_with_retry_after(slow_stack: Stack) -> None:
    path = slow_stack.container.settings.database_url.removeprefix("sqlite:///")
    with slow_stack.login(slow_stack.users.accountant.email) as writer:
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # someone keeps the write lock too long
            answer = writer.post("/api/customers", json=_customer(0))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "2"
        assert answer.json()["error"]["code"] == "database_busy"
        assert writer.post("/api/customers", json=_customer(0)).status_code == 201
