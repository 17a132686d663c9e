"""Several ``verone serve`` processes on one PostgreSQL schema and one ``verone sandbox``
process: ``--workers 2`` in one, a single worker in the other, all started at once.

What must happen once does, whichever worker the requests reach: a finalize of one draft
reaches Qonto once (the sandbox's request log says so), concurrent ``verone outbox settle``
runs act once per entry, concurrent syncs of one account never run side by side.
"""

from __future__ import annotations

import itertools
import json
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.e2e.processes import VERONE, Cluster, backoffice_env, cluster, verone
from verone.backoffice.db.session import make_engine

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

FAULTS = "/_sandbox/faults"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with cluster(
        tmp_path_factory.mktemp("multiprocess"),
        [2, 1],
        jobs=False,
        QONTO_MAX_RETRIES="0",
        QONTO_TIMEOUT_SECONDS="5",
    ) as started:
        yield started


def _clients(running: Cluster, count: int) -> list[httpx.Client]:
    """``count`` clients, each with its own connection, spread over the servers."""
    clients = []
    for index in range(count):
        logged = running.clients[index % len(running.clients)]
        clients.append(
            httpx.Client(
                base_url=str(logged.base_url),
                cookies=logged.cookies,
                headers=dict(logged.headers),
                timeout=120,
            )
        )
    return clients


def _all_at_once(
    clients: list[httpx.Client], call: Callable[[httpx.Client], httpx.Response]
) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(call, clients))
    for client in clients:
        client.close()
    return answers


def _open_order(client: httpx.Client, skip: int = 0) -> dict[str, object]:
    orders = client.get("/api/orders", params={"invoicingStatus": "not_invoiced", "perPage": 50})
    assert orders.status_code == 200, orders.text
    return dict(orders.json()["items"][skip])


def test_serve_runs_the_requested_worker_processes(running: Cluster) -> None:
    assert len(running.servers[0].worker_pids()) == 2
    assert running.servers[1].worker_pids() == []  # one worker: the process serves itself
    for served in running.servers:
        for _ in range(6):  # a new connection each time: any worker may answer
            assert httpx.get(served.url + "/healthz", timeout=30).status_code == 200


def test_workers_refuse_sqlite_with_a_clear_message(tmp_path: Path) -> None:
    env = backoffice_env(f"sqlite:///{tmp_path / 'v.sqlite3'}", 1, tmp_path / "var")
    done = verone(["serve", "--workers", "2"], env, timeout=120)
    assert done.returncode == 2
    message = " ".join(done.stdout.split() + done.stderr.split())
    assert "--workers 2 demande PostgreSQL" in message
    assert not (tmp_path / "v.sqlite3").exists()  # refused before anything was written


def test_concurrent_finalizes_of_one_draft_reach_qonto_once(running: Cluster) -> None:
    owner = running.clients[0]
    created = owner.post("/api/qonto/invoices", json={"salesOrderId": _open_order(owner)["id"]})
    assert created.status_code == 201, created.text
    document = created.json()["document"]
    url = f"/api/qonto/invoices/{document['id']}"
    token = owner.get(url + "/finalize-preview").json()["confirmationToken"]

    answers = _all_at_once(
        _clients(running, 6),
        lambda c: c.post(url + "/finalize", json={"confirmationToken": token}),
    )
    statuses = Counter(a.status_code for a in answers)
    assert statuses[200] == 1, [a.text for a in answers]
    assert set(statuses) <= {200, 409}, [a.text for a in answers]
    qonto_id = owner.get(url).json()["qontoId"]
    finalizes = [
        r
        for r in running.sandbox_requests()
        if r["method"] == "POST" and r["path"] == f"/v2/client_invoices/{qonto_id}/finalize"
    ]
    assert len(finalizes) == 1
    assert owner.get(url).json()["status"] == "finalized"


def test_concurrent_settles_act_once_per_entry(running: Cluster) -> None:
    owner = running.clients[0]
    rule = {
        "method": "POST",
        "path": "/v2/client_invoices",
        "timeout_after_commit_rate": 1.0,
        "timeout_delay_ms": 8_000,
    }
    assert httpx.put(running.sandbox.url + FAULTS, json={"rules": [rule]}).status_code == 200
    try:
        orders = [_open_order(owner, skip) for skip in range(3)]
        answers = _all_at_once(
            _clients(running, 3),
            lambda c: c.post("/api/qonto/invoices", json={"salesOrderId": orders.pop()["id"]}),
        )
    finally:
        httpx.put(running.sandbox.url + FAULTS, json={"rules": []})
    assert all(a.status_code >= 500 for a in answers), [a.text for a in answers]
    engine = make_engine(running.database_url)
    try:
        with engine.connect() as connection:
            keys = (
                connection.execute(
                    text("SELECT idempotency_key FROM outbox WHERE status <> 'succeeded'")
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert len(keys) == 3

    slow = {"method": "POST", "path": "/v2/client_invoices", "latency_ms": 3_000}
    assert httpx.put(running.sandbox.url + FAULTS, json={"rules": [slow]}).status_code == 200
    settles = [
        subprocess.Popen(  # noqa: S603  # our own CLI with fixed arguments
            [*VERONE, "outbox", "settle", "--min-age", "0", "--json"],
            env=running.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    reports = []
    try:
        for process in settles:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            reports.append(json.loads(out[out.index("{") :]))
    finally:
        httpx.put(running.sandbox.url + FAULTS, json={"rules": []})
    succeeded = [entry for report in reports for entry in report["succeeded"]]
    assert len(succeeded) == len(set(succeeded)) == 3  # each entry settled by one of them
    sent = Counter(r["idempotency_key"] for r in running.sandbox_requests())
    assert [sent[key] for key in keys] == [2, 2, 2]  # the timed-out call, then one re-send
    assert verone(["outbox", "list", "--json"], running.env).stdout.strip() == "[]"


def test_concurrent_syncs_of_one_account_run_once_at_a_time(running: Cluster) -> None:
    owner = running.clients[0]
    first = owner.post("/api/qonto/sync", json={})
    assert first.status_code == 200, first.text
    account = first.json()["accounts"][0]["accountId"]
    slow = {"method": "GET", "path": "/v2/transactions", "latency_ms": 400}
    assert httpx.put(running.sandbox.url + FAULTS, json={"rules": [slow]}).status_code == 200
    try:
        answers = _all_at_once(
            _clients(running, 6),
            lambda c: c.post("/api/qonto/sync", json={"accountId": account, "full": True}),
        )
    finally:
        httpx.put(running.sandbox.url + FAULTS, json={"rules": []})
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {200, 409}, [a.text for a in answers]
    assert statuses[200] >= 1
    refused = [a.json()["error"]["code"] for a in answers if a.status_code == 409]
    assert set(refused) <= {"sync_in_progress"}
    engine = make_engine(running.database_url)
    try:
        with engine.connect() as connection:
            runs = connection.execute(
                text(
                    "SELECT started_at, finished_at FROM sync_runs "
                    "WHERE scope = :scope ORDER BY started_at"
                ),
                {"scope": account},
            ).all()
    finally:
        engine.dispose()
    mine = runs[1:]  # the first, sequential sync ran before
    assert len(mine) == statuses[200]
    for earlier, later in itertools.pairwise(mine):
        assert earlier.finished_at is not None
        assert earlier.finished_at <= later.started_at, "two runs of one account overlapped"
