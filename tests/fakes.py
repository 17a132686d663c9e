"""In-memory ports for fast service unit tests (docs/adr/0005-repository-ports.md).

``InMemoryUnitOfWork`` behaves like ``db.uow.SqlAlchemyUnitOfWork`` where the services can
tell: each ``with`` block works on its own copy of the committed state, ``commit()`` publishes
it, leaving the block without commit (or on an exception) drops it, and the block is not
re-entrant. The repositories behind the users, API tokens, customers, products and the audit
log are faked; the others raise ``NotFaked`` so that a test never runs on a hollow fake.
``mypy --strict`` checks every fake against its Protocol (see the bottom of this module).
"""

from __future__ import annotations

import builtins
import copy
import hashlib
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn, Self, TypeVar

from verone.backoffice import ports
from verone.backoffice.domain.audit import AuditEntry, AuditValue, next_entry
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.queries import AuditFilter, Page, PageRequest
from verone.backoffice.domain.users import ApiToken, User

T = TypeVar("T")


class NotFaked(AssertionError):
    """The service under test reached a repository that has no in-memory fake."""


class FixedClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class PrefixHasher:
    """A transparent ``PasswordHasher``: ``<scheme>$sha256(password)``; hashes made with an
    older scheme verify and ask to be rehashed (as argon2 parameters that changed do)."""

    def __init__(self, scheme: str = "v2") -> None:
        self.scheme = scheme

    def hash(self, password: str) -> str:
        return self._hash(self.scheme, password)

    def verify(self, password_hash: str, password: str) -> bool:
        scheme, _, _ = password_hash.partition("$")
        return password_hash == self._hash(scheme, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(self.scheme + "$")

    @staticmethod
    def _hash(scheme: str, password: str) -> str:
        return f"{scheme}${hashlib.sha256(password.encode()).hexdigest()}"


@dataclass
class Store:
    """The committed state: what a database would hold."""

    users: dict[uuid.UUID, User] = field(default_factory=dict)
    api_tokens: dict[uuid.UUID, ApiToken] = field(default_factory=dict)
    customers: dict[uuid.UUID, Customer] = field(default_factory=dict)
    products: dict[uuid.UUID, Product] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


def _page(rows: Iterable[T], page: PageRequest, key: Callable[[T], tuple[str, str]]) -> Page[T]:
    ordered = sorted(rows, key=key)
    items = ordered[page.offset : page.offset + page.per_page]
    return Page(items, len(ordered), page.page, page.per_page)


def _contains(term: str, *values: str | None) -> bool:
    return any(term in (value or "").lower() for value in values)


class InMemoryUsers:
    def __init__(self, rows: dict[uuid.UUID, User]) -> None:
        self._rows = rows

    def add(self, user: User) -> None:
        self._rows[user.id] = user

    def get(self, user_id: uuid.UUID) -> User | None:
        return self._rows.get(user_id)

    def by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self._rows.values() if u.email.lower() == wanted), None)

    def list(self) -> list[User]:
        return sorted(self._rows.values(), key=lambda u: u.email)


class InMemoryApiTokens:
    def __init__(self, rows: dict[uuid.UUID, ApiToken]) -> None:
        self._rows = rows

    def add(self, token: ApiToken) -> None:
        self._rows[token.id] = token

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self._rows.values() if t.token_hash == token_hash), None)

    def for_user(self, user_id: uuid.UUID) -> list[ApiToken]:
        mine = (t for t in self._rows.values() if t.user_id == user_id)
        return sorted(mine, key=lambda t: t.created_at)


class InMemoryCustomers:
    def __init__(self, rows: dict[uuid.UUID, Customer]) -> None:
        self._rows = rows

    def add(self, customer: Customer) -> None:
        self._rows[customer.id] = customer

    def get(self, customer_id: uuid.UUID) -> Customer | None:
        return self._rows.get(customer_id)

    def get_for_update(self, customer_id: uuid.UUID) -> Customer | None:
        return self._rows.get(customer_id)  # a block is alone with its copy: nothing to lock

    def by_qonto_client_id(self, qonto_client_id: str) -> Customer | None:
        return self._first(lambda c: c.qonto_client_id == qonto_client_id)

    def by_qonto_client_ids(self, qonto_client_ids: Collection[str]) -> dict[str, Customer]:
        wanted = set(qonto_client_ids)
        return {
            c.qonto_client_id: c
            for c in self._rows.values()
            if c.qonto_client_id is not None and c.qonto_client_id in wanted
        }

    def by_email(self, email: str) -> Customer | None:
        wanted = email.strip().lower()
        return self._first(lambda c: (c.email or "").lower() == wanted)

    def by_vat_number(self, vat_number: str) -> Customer | None:
        wanted = vat_number.replace(" ", "").upper()
        return self._first(lambda c: (c.vat_number or "").upper() == wanted)

    def list(self, page: PageRequest, search: str | None = None) -> Page[Customer]:
        term = (search or "").strip().lower()
        rows = [
            c
            for c in self._rows.values()
            if _contains(term, c.company_name, c.last_name, c.first_name, c.email)
        ]
        return _page(rows, page, lambda c: (c.company_name or c.last_name or "", str(c.id)))

    def _first(self, wanted: Callable[[Customer], bool]) -> Customer | None:
        found = sorted((c for c in self._rows.values() if wanted(c)), key=lambda c: c.created_at)
        return found[0] if found else None


class InMemoryProducts:
    def __init__(self, rows: dict[uuid.UUID, Product]) -> None:
        self._rows = rows

    def add(self, product: Product) -> None:
        self._rows[product.id] = product

    def get(self, product_id: uuid.UUID) -> Product | None:
        return self._rows.get(product_id)

    def by_sku(self, sku: str) -> Product | None:
        return next((p for p in self._rows.values() if p.sku == sku), None)

    def list(
        self, page: PageRequest, *, active_only: bool = True, search: str | None = None
    ) -> Page[Product]:
        term = (search or "").strip().lower()
        rows = [
            p
            for p in self._rows.values()
            if (p.active or not active_only) and _contains(term, p.name, p.sku)
        ]
        return _page(rows, page, lambda p: (p.name, str(p.id)))


class InMemoryAudit:
    """Append-only, hash-chained with the domain's own ``next_entry`` (as the database one)."""

    def __init__(self, rows: list[AuditEntry]) -> None:
        self._rows = rows

    def last(self) -> AuditEntry | None:
        return self._rows[-1] if self._rows else None

    def append(
        self,
        *,
        at: datetime,
        actor_id: uuid.UUID | None,
        action: str,
        entity_type: str,
        entity_id: str,
        details: Mapping[str, AuditValue] | None = None,
    ) -> AuditEntry:
        entry = next_entry(
            self.last(),
            at=at,
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )
        self._rows.append(entry)
        return entry

    def entries(self, batch_size: int = 500) -> Iterator[AuditEntry]:
        yield from sorted(self._rows, key=lambda e: e.seq)

    def for_entity(self, entity_type: str, entity_id: str) -> builtins.list[AuditEntry]:
        return [e for e in self._rows if (e.entity_type, e.entity_id) == (entity_type, entity_id)]

    def search(self, criteria: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        def kept(e: AuditEntry) -> bool:
            action = criteria.action
            return (
                (criteria.actor_id is None or e.actor_id == criteria.actor_id)
                and (
                    not action
                    or (e.action.startswith(action) if action.endswith(".") else e.action == action)
                )
                and (not criteria.entity_id or e.entity_id == criteria.entity_id)
                and (criteria.at_from is None or e.at >= criteria.at_from)
                and (criteria.at_to is None or e.at < criteria.at_to)
            )

        found = sorted((e for e in self._rows if kept(e)), key=lambda e: -e.seq)
        items = found[page.offset : page.offset + page.per_page]
        return Page(items, len(found), page.page, page.per_page)

    def actions(self) -> builtins.list[str]:
        return sorted({e.action for e in self._rows})


class InMemoryUnitOfWork:
    """``with uow: …; uow.commit()`` over a ``Store``; ``locks`` records what was locked."""

    def __init__(self, store: Store | None = None) -> None:
        self.store = store or Store()
        self.locks: list[str] = []
        self.commits = 0
        self._working: Store | None = None

    # ------------------------------------------------------------------ the block
    def __enter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("a unit of work is not re-entrant")
        self._working = copy.deepcopy(self.store)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None  # whatever was not committed is gone

    def commit(self) -> None:
        self.store = copy.deepcopy(self._state())
        self.commits += 1

    def rollback(self) -> None:
        self._working = copy.deepcopy(self.store)

    def reading(self) -> None:
        self._state()

    def lock(self, name: str) -> None:
        self._state()
        self.locks.append(name)

    def _state(self) -> Store:
        if self._working is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._working

    # ------------------------------------------------------------------ faked repositories
    @property
    def users(self) -> ports.UserRepository:
        return InMemoryUsers(self._state().users)

    @property
    def api_tokens(self) -> ports.ApiTokenRepository:
        return InMemoryApiTokens(self._state().api_tokens)

    @property
    def customers(self) -> ports.CustomerRepository:
        return InMemoryCustomers(self._state().customers)

    @property
    def products(self) -> ports.ProductRepository:
        return InMemoryProducts(self._state().products)

    @property
    def audit(self) -> ports.AuditRepository:
        return InMemoryAudit(self._state().audit)

    # ------------------------------------------------------------------ not faked
    # declared for the Protocol; reading one raises NotFaked (see ``__getattr__``)
    orders: ports.OrderRepository
    documents: ports.DocumentRepository
    outbox: ports.OutboxRepository
    emails: ports.EmailRepository
    bank_accounts: ports.BankAccountRepository
    bank_transactions: ports.BankTransactionRepository
    allocations: ports.AllocationRepository
    rejections: ports.RejectionRepository
    sync: ports.SyncRepository
    webhook_events: ports.WebhookEventRepository
    rate_budget: ports.RateBudgetRepository

    def __getattr__(self, name: str) -> NoReturn:
        if name in type(self).__annotations__:
            raise NotFaked(
                f"uow.{name} has no in-memory fake (docs/adr/0005-repository-ports.md); "
                "test this use case against the database (tests/integration/)"
            )
        raise AttributeError(name)


if TYPE_CHECKING:  # mypy --strict proves each fake satisfies its Protocol
    _uow: ports.UnitOfWork = InMemoryUnitOfWork()
    _users: ports.UserRepository = InMemoryUsers({})
    _tokens: ports.ApiTokenRepository = InMemoryApiTokens({})
    _customers: ports.CustomerRepository = InMemoryCustomers({})
    _products: ports.ProductRepository = InMemoryProducts({})
    _audit: ports.AuditRepository = InMemoryAudit([])
    _clock: ports.Clock = FixedClock()
    _hasher: ports.PasswordHasher = PrefixHasher()
