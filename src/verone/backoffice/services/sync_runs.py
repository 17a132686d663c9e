"""What both syncs share: the single-run lease and the run record.

A sync never holds a database transaction across a Qonto call (docs/sync.md): it takes a
lease (a row with an expiry, committed at once), logs its run, then commits each page or
batch in its own short transaction, renewing the lease there; the cursor moves in the last
transaction only. Writers of the back office therefore wait at most one batch.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import TracebackType
from typing import Self

from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import SyncRun
from verone.backoffice.ports import Clock, UnitOfWork

#: A lease not renewed for this long is free again (its holder died); renewed every batch.
LEASE_TTL = timedelta(minutes=5)


class SyncLease:
    """``with SyncLease(uow, clock, name):`` one run of ``name`` at a time, across processes.

    Raises ``SyncInProgress`` when another live holder has it. ``renew(uow)`` is called inside
    each batch's transaction: a lease lost meanwhile (expired and taken) aborts that batch.
    """

    def __init__(
        self, uow: UnitOfWork, clock: Clock, name: str, *, ttl: timedelta = LEASE_TTL
    ) -> None:
        self._uow, self._clock, self.name, self._ttl = uow, clock, name, ttl
        self.holder = uuid.uuid4().hex

    def _take(self, uow: UnitOfWork) -> bool:
        now = self._clock.now()
        return uow.sync.take_lease(self.name, self.holder, now=now, until=now + self._ttl)

    def renew(self, uow: UnitOfWork) -> None:
        if not self._take(uow):
            raise errors.SyncInProgress("Le verrou de synchronisation a été repris ailleurs.")

    def __enter__(self) -> Self:
        with self._uow as uow:
            taken = self._take(uow)
            uow.commit()
        if not taken:
            raise errors.SyncInProgress()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._uow as uow:
            uow.sync.release_lease(self.name, self.holder)
            uow.commit()


def start_run(uow: UnitOfWork, clock: Clock, kind: str, scope: str) -> uuid.UUID:
    """Log the run as running (its own commit, so it shows while the run goes on)."""
    with uow:
        run = SyncRun(kind=kind, started_at=clock.now(), scope=scope)
        uow.sync.add_run(run)
        uow.commit()
    return run.id


def record_progress(uow: UnitOfWork, run_id: uuid.UUID, seen: int, failed: int) -> None:
    """Inside a batch's transaction: how far the run has got (shown while it runs)."""
    run = uow.sync.get_run(run_id)
    if run is not None:
        run.items_seen, run.items_failed = seen, failed


def record_failure(
    uow: UnitOfWork, clock: Clock, run_id: uuid.UUID, error: str, seen: int, report: str
) -> None:
    with uow:
        run = uow.sync.get_run(run_id)
        if run is not None:
            run.fail(clock.now(), error)
            run.items_seen = seen
            run.report = report
        uow.commit()


def failure_message(exc: Exception) -> str:
    return exc.message if isinstance(exc, errors.DomainError) else type(exc).__name__
