"""Rule 1 over the work nobody clicks: every scheduled job (``jobs.default_jobs``) runs once as
the scheduler runs it, and every background task runs from its route (a signed webhook
delivery of each subscribed kind, « Synchroniser maintenant »); none of the Qonto requests
they make issues a document. The background tasks are the ones the call graph finds
(``tests/unit/architecture/test_issuing_paths.py``, ``BACKGROUND_TASKS``): a new one fails
here until it is driven."""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable

import httpx

from tests.e2e.conftest import WEBHOOK_SECRET, Stack
from tests.e2e.test_api_quotes_credit_notes import _issued_invoice as issued_invoice
from tests.e2e.test_five_rules import ISSUING_PATHS
from tests.unit.architecture.test_issuing_paths import BACKGROUND_TASKS
from verone.backoffice.jobs import default_jobs, run_job
from verone.backoffice.services.webhooks import SUBSCRIBED_EVENTS
from verone.qonto.webhooks import SIGNATURE_HEADER, sign

DRIVEN_TASKS = frozenset(
    {
        "verone.backoffice.services.webhooks.process_event",
        "verone.backoffice.web.routes.banking._run_sync",
    }
)


def _issued(stack: Stack) -> list[str]:
    with stack.sandbox() as sandbox:
        requests = sandbox.get("/_sandbox/requests").json()["requests"]
    return [
        f"{r['method']} {r['path']} {r.get('idempotency_key')}"
        for r in requests
        if r["method"] == "POST"
        and str(r["path"]).endswith(ISSUING_PATHS)
        and int(str(r["status"] or 0)) < 400
    ]


def _until(done: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"{what} did not end"
        time.sleep(0.1)


def _deliver(stack: Stack, anonymous: httpx.Client, kind: str, data: dict[str, str]) -> str:
    event_id = f"evt-{uuid.uuid4()}"
    body = json.dumps({"id": event_id, "type": kind, "data": data}).encode()
    now = int(stack.clock.now().timestamp())
    headers = {
        SIGNATURE_HEADER: sign(body, WEBHOOK_SECRET, now),
        "Content-Type": "application/json",
    }
    answer = anonymous.post("/api/qonto/webhooks", content=body, headers=headers)
    assert answer.status_code == 202, answer.text
    return event_id


def _processed(stack: Stack, event_id: str) -> bool:
    with stack.container.unit_of_work() as uow:
        event = uow.webhook_events.by_event_id(event_id)
        assert event is not None
        assert event.error is None, event.error
        return event.processed_at is not None


def _finished_runs(stack: Stack) -> int:
    with stack.container.unit_of_work() as uow:
        return sum(run.finished_at is not None for run in uow.sync.recent_runs(10_000))


def test_every_job_and_background_task_runs_and_none_issues_a_document(
    stack: Stack, accountant: httpx.Client, anonymous: httpx.Client
) -> None:
    assert DRIVEN_TASKS == BACKGROUND_TASKS, "a background task without a driver here"
    invoice = issued_invoice(accountant)  # what the invoice event is about (issued before)
    before = _issued(stack)

    jobs = default_jobs(stack.container.settings)
    assert {job.name for job in jobs} >= {"outbox", "pdf-waits", "sync-transactions"}
    for job in jobs:
        outcome = run_job(stack.container, job)
        assert outcome.ran, job.name
        assert outcome.error is None, (job.name, outcome.error)
        assert _issued(stack) == before, f"the job {job.name} issued a document"

    for kind in sorted(SUBSCRIBED_EVENTS):
        data = {"id": invoice["qontoId"]} if kind == "v1/client-invoices" else {}
        event_id = _deliver(stack, anonymous, kind, data)
        _until(functools.partial(_processed, stack, event_id), f"the {kind} event")
        assert _issued(stack) == before, f"processing a {kind} event issued a document"

    finished = _finished_runs(stack)
    started = accountant.post("/synchronisation")
    assert started.status_code == 200, started.text
    _until(lambda: _finished_runs(stack) > finished, "the sync started from the page")
    assert _issued(stack) == before, "« Synchroniser maintenant » issued a document"
