"""A bounded soak: mixed traffic (lists, creations, finalizes, syncs) from parallel clients
against ``verone serve --workers 2`` on PostgreSQL, with one worker SIGKILLed in the middle.

Afterwards: no 5xx at all (the killed worker's requests end as broken connections), the
supervisor has replaced the worker, ``verone outbox settle`` leaves nothing open, and
``verone numbering check`` and ``verone audit verify`` are clean.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import Cluster, cluster, verone

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CLIENTS = 4
TRAFFIC_SECONDS = 40.0
KILL_AFTER_SECONDS = 12.0
SERVICE_ITEM = {"title": "Conseil", "quantity": "1", "unitPrice": "120.00", "vatRate": "0.2"}


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    broken: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, answer: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[answer.status_code] += 1
            if answer.status_code >= 500:
                self.server_errors.append(f"{label} {answer.status_code} {answer.text[:300]}")
        return answer


def _round(client: httpx.Client, tally: Tally, customer_id: str, turn: int) -> None:
    """One round of an operator's work: read lists, create, finalize, sometimes sync."""
    for path in ("/api/orders", "/api/qonto/invoices", "/api/customers"):
        tally.record("GET " + path, client.get(path, params={"perPage": 20}))
    created = tally.record(
        "POST service invoice",
        client.post(
            "/api/qonto/invoices/service",
            json={"customerId": customer_id, "items": [SERVICE_ITEM]},
        ),
    )
    if created.status_code == 201:
        url = f"/api/qonto/invoices/{created.json()['document']['id']}"
        preview = tally.record("GET finalize-preview", client.get(url + "/finalize-preview"))
        if preview.status_code == 200:
            token = preview.json()["confirmationToken"]
            tally.record(
                "POST finalize", client.post(url + "/finalize", json={"confirmationToken": token})
            )
    if turn % 3 == 0:
        tally.record("POST sync", client.post("/api/qonto/sync", json={}))


def _operator(running: Cluster, tally: Tally, customer_id: str, until: float) -> None:
    logged = running.clients[0]
    turn = 0
    while time.monotonic() < until:
        # a fresh connection per round, as browsers behind a proxy do: any worker answers
        with httpx.Client(
            base_url=str(logged.base_url),
            cookies=logged.cookies,
            headers=dict(logged.headers),
            timeout=120,
        ) as client:
            try:
                _round(client, tally, customer_id, turn)
            except httpx.TransportError:
                with tally.lock:
                    tally.broken += 1  # a request the killed worker was serving
        turn += 1


def test_mixed_traffic_through_a_killed_worker_leaves_a_consistent_back_office(
    tmp_path: Path,
) -> None:
    with cluster(tmp_path, [2], jobs=True) as running:
        served = running.servers[0]
        workers = served.worker_pids()
        assert len(workers) == 2
        owner = running.clients[0]
        customer_id = owner.get("/api/customers", params={"perPage": 1}).json()["items"][0]["id"]
        tally = Tally()
        until = time.monotonic() + TRAFFIC_SECONDS
        threads = [
            threading.Thread(target=_operator, args=(running, tally, customer_id, until))
            for _ in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AFTER_SECONDS)
        os.kill(workers[0], signal.SIGKILL)
        for thread in threads:
            thread.join(timeout=TRAFFIC_SECONDS + 300)
        assert not any(thread.is_alive() for thread in threads)

        print(f"soak: answers {dict(tally.statuses)}, broken connections {tally.broken}")  # noqa: T201  # for the record
        assert tally.server_errors == []
        assert tally.statuses[200] + tally.statuses[201] > 50, tally.statuses
        deadline = time.monotonic() + 120  # the supervisor notices and starts a new worker
        while workers[0] in served.worker_pids() or len(served.worker_pids()) < 2:
            assert time.monotonic() < deadline, "the killed worker was not replaced"
            time.sleep(1)
        assert httpx.get(served.url + "/healthz", timeout=30).status_code == 200

        settled = verone(["outbox", "settle", "--min-age", "0", "--json"], running.env)
        assert settled.returncode == 0, settled.stdout + settled.stderr
        left = verone(["outbox", "list", "--json"], running.env)
        assert left.stdout.strip() == "[]", left.stdout
        numbering = verone(["numbering", "check"], running.env)
        assert numbering.returncode == 0, numbering.stdout + numbering.stderr
        audit = verone(["audit", "verify"], running.env)
        assert audit.returncode == 0, audit.stdout + audit.stderr
