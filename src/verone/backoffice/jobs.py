"""Background work: outbox recovery, PDF waits, transaction polling and housekeeping, one
thread per process.

Jobs keep their state in the database, so they survive restarts; each run holds a lease
(a PostgreSQL advisory lock, or SQLite's write lock through a process lock) so that across
several workers only one runs a given job at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine

from verone.backoffice.config import Settings
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.db.upkeep import tidy_database
from verone.backoffice.domain.errors import DomainError
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.ports import Clock, QontoGateway, QontoSyncReader
from verone.backoffice.services.auth import purge_ended_logins
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.backoffice.services.pdfs import PdfWait, wait_for_final_pdf
from verone.backoffice.services.sync_transactions import sync_transactions
from verone.qonto import QontoClient

logger = logging.getLogger(__name__)

#: Housekeeping deletes only what no longer counts, so once an hour is plenty.
HOUSEKEEPING_INTERVAL_SECONDS = 3600.0


class JobContext(Protocol):
    """What jobs need from the container (``bootstrap.Container`` satisfies it)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def engine(self) -> Engine: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def gateway(self) -> QontoGateway: ...

    @property
    def qonto_client(self) -> QontoClient: ...

    @property
    def sync_reader(self) -> QontoSyncReader: ...

    def unit_of_work(self) -> SqlAlchemyUnitOfWork: ...


JobFunction = Callable[[JobContext], object]


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    interval_seconds: float
    run: JobFunction


@dataclass(slots=True)
class JobOutcome:
    name: str
    ran: bool
    result: object = None
    error: str | None = None


PDF_WAIT_HORIZON = timedelta(days=1)
PDF_WAIT_BATCH = 50
PDF_STATUSES = frozenset({DocumentStatus.FINALIZED, DocumentStatus.PAID, DocumentStatus.ACCEPTED})


def settle_outbox_job(context: JobContext) -> object:
    """Settle pending and ambiguous Qonto writes (``services.outbox.settle_outbox``)."""
    min_age = timedelta(seconds=context.settings.outbox_settle_after_seconds)
    return settle_outbox(context.unit_of_work(), context.gateway, context.clock, min_age=min_age)


def pdf_waits_job(context: JobContext) -> object:
    """One look at each recently issued document still without its final PDF.

    ``finalize`` waits for the PDF itself; this catches the ones whose wait timed out or
    whose process stopped (``services.pdfs.wait_for_final_pdf`` with a single attempt).
    """
    since = context.clock.now() - PDF_WAIT_HORIZON
    with context.unit_of_work() as uow:
        page = uow.documents.list(
            DocumentFilter(statuses=PDF_STATUSES), PageRequest(page=1, per_page=PDF_WAIT_BATCH)
        )
        waiting = [
            d.id
            for d in page.items
            if d.pdf_sha256 is None
            and d.qonto_id is not None
            and d.finalized_at is not None
            and d.finalized_at >= since
        ]
    once = PdfWait(timeout=0.0)
    stored = 0
    for document_id in waiting:
        if wait_for_final_pdf(
            context.unit_of_work(), context.gateway, context.clock, document_id, once
        ):
            stored += 1
    return stored


def sync_transactions_job(context: JobContext) -> object:
    """Polling, the safety net behind webhooks: new bank transactions of every account."""
    reader = context.sync_reader
    return sync_transactions(context.unit_of_work(), reader, context.clock)


def housekeeping_job(context: JobContext) -> object:
    """Expired login-throttling buckets and long-ended sessions (``auth.purge_ended_logins``),
    then the database's tidying (the document tallies folded, the query planner's statistics,
    which the hour's writes may have outgrown)."""
    purged = purge_ended_logins(context.unit_of_work(), context.clock)
    tidy_database(context.engine)
    return purged


def default_jobs(settings: Settings) -> list[Job]:
    return [
        Job("outbox", settings.outbox_job_interval_seconds, settle_outbox_job),
        Job("pdf-waits", settings.pdf_job_interval_seconds, pdf_waits_job),
        Job("sync-transactions", settings.sync_job_interval_seconds, sync_transactions_job),
        Job("housekeeping", HOUSEKEEPING_INTERVAL_SECONDS, housekeeping_job),
    ]


_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()


def _process_lock(name: str) -> threading.Lock:
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(name, threading.Lock())


def run_job(context: JobContext, job: Job) -> JobOutcome:
    """Run ``job`` once under its lease; errors are logged and reported, never raised."""
    lease = f"job:{job.name}"
    try:
        if context.engine.dialect.name == "postgresql":
            # the lease: a transaction holding the advisory lock while the job runs in its own
            with context.unit_of_work() as holder:
                holder.lock(lease)
                result = job.run(context)
        else:
            with _process_lock(lease):
                result = job.run(context)
    except DomainError as exc:
        logger.warning("job %s: %s", job.name, exc.message)
        return JobOutcome(job.name, ran=True, error=exc.message)
    except Exception as exc:
        logger.exception("job %s failed", job.name)
        return JobOutcome(job.name, ran=True, error=type(exc).__name__)
    return JobOutcome(job.name, ran=True, result=result)


@dataclass
class JobRunner:
    """A daemon thread that runs each job every ``interval_seconds`` until ``stop()``."""

    context: JobContext
    jobs: list[Job]
    tick_seconds: float = 1.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _next: dict[str, float] = field(default_factory=dict)
    runs: int = 0

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="verone-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_due(self, now: float) -> list[JobOutcome]:
        """Run every job whose time has come (``now`` in monotonic seconds)."""
        outcomes = []
        for job in self.jobs:
            if self._stop.is_set():
                break
            if now >= self._next.get(job.name, 0.0):
                self._next[job.name] = now + job.interval_seconds
                outcomes.append(run_job(self.context, job))
        self.runs += 1
        return outcomes

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_due(time.monotonic())
            self._stop.wait(self.tick_seconds)  # returns at once when stop() is called
