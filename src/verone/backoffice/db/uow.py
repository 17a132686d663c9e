"""The unit of work: one session, every repository, one commit per ``with`` block.

A use case that writes to Qonto commits once per step — the intent, then the outcome —
and never holds a transaction across the Qonto call (docs/adr/0004-outbox-write.md).
Leaving the ``with`` block without ``commit()`` (or on an exception) rolls everything back;
objects loaded inside stay readable afterwards (detached, eagerly loaded).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.db import repositories as r
from verone.backoffice.db.locks import advisory_xact_lock
from verone.backoffice.db.session import READ_ONLY


class SqlAlchemyUnitOfWork:
    """``with uow: … uow.commit()``; repositories are available inside the block only."""

    customers: r.CustomerRepository
    products: r.ProductRepository
    orders: r.OrderRepository
    documents: r.DocumentRepository
    users: r.UserRepository
    api_tokens: r.ApiTokenRepository
    user_sessions: r.UserSessionRepository
    audit: r.AuditRepository
    outbox: r.OutboxRepository
    emails: r.EmailRepository
    bank_accounts: r.BankAccountRepository
    bank_transactions: r.BankTransactionRepository
    allocations: r.AllocationRepository
    rejections: r.RejectionRepository
    sync: r.SyncRepository
    webhook_events: r.WebhookEventRepository
    rate_budget: r.RateBudgetRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        session = self._session = self._session_factory()
        self.customers = r.CustomerRepository(session)
        self.products = r.ProductRepository(session)
        self.orders = r.OrderRepository(session)
        self.documents = r.DocumentRepository(session)
        self.users = r.UserRepository(session)
        self.api_tokens = r.ApiTokenRepository(session)
        self.user_sessions = r.UserSessionRepository(session)
        self.audit = r.AuditRepository(session)
        self.outbox = r.OutboxRepository(session)
        self.emails = r.EmailRepository(session)
        self.bank_accounts = r.BankAccountRepository(session)
        self.bank_transactions = r.BankTransactionRepository(session)
        self.allocations = r.AllocationRepository(session)
        self.rejections = r.RejectionRepository(session)
        self.sync = r.SyncRepository(session)
        self.webhook_events = r.WebhookEventRepository(session)
        self.rate_budget = r.RateBudgetRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            # close() rolls back whatever was not committed, and (unlike rollback()) leaves
            # the objects already loaded readable once detached, e.g. a query's results
            session.close()
        finally:
            self._session = None

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()

    def reading(self) -> None:
        """Open this block's transaction as a reader: on SQLite a deferred ``BEGIN`` on a WAL
        snapshot, which neither waits for nor blocks writers (call it first, before any query)."""
        self.session.connection(execution_options={READ_ONLY: True})

    def lock(self, name: str) -> None:
        """Hold the lock ``name`` (e.g. ``"document:<id>"``) until commit or rollback."""
        advisory_xact_lock(self.session, name)
