"""The organization, its bank accounts and their transactions, stored compactly.

Transactions are small slotted records kept per account in settlement order, so listing,
date-range filtering and the running ``settled_balance`` stay cheap at 100 000 records.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from verone.money import to_cents


@dataclass(slots=True)
class Address:
    street_address: str
    city: str
    zip_code: str
    country: str


@dataclass(slots=True)
class BankAccount:
    id: str
    slug: str
    name: str
    iban: str
    bic: str
    currency: str
    main: bool
    status: str
    updated_ms: int
    balance_cents: int = 0


@dataclass(slots=True)
class Organization:
    id: str
    slug: str
    name: str
    legal_name: str
    legal_number: str
    vat_number: str
    legal_form: str
    legal_share_capital: int
    legal_registration_date: str
    contract_signed_at_ms: int
    address: Address
    locale: str = "fr"
    legal_country: str = "FR"
    legal_sector: str = "Commerce de gros"
    membership_id: str = ""
    bank_accounts: list[BankAccount] = field(default_factory=list)


@dataclass(slots=True)
class Transaction:
    """One bank movement; ``amount_cents`` is always positive, ``side`` gives the sign."""

    id: str
    slug: str
    bank_account_id: str
    amount_cents: int
    side: str
    operation_type: str
    status: str
    label: str
    emitted_ms: int
    settled_ms: int | None
    updated_ms: int
    created_ms: int
    balance_cents: int | None = None
    reference: str | None = None
    note: str | None = None
    category: str = "other_expense"
    vat_rate: str | None = None
    vat_amount_cents: int | None = None
    card_last_digits: str | None = None
    counterparty_name: str = ""
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    attachment_required: bool = False
    attachment_ids: list[str] = field(default_factory=list)

    @property
    def signed_cents(self) -> int:
        return self.amount_cents if self.side == "credit" else -self.amount_cents


TxnFilter = Callable[[Transaction], bool]
RESULT_CACHE_SIZE = 16
WIRE_CACHE_SIZE = 200_000
"""At most this many rows keep their wire JSON (about 1 kB each); others are built per answer."""


class BankingStore:
    """The organization and its accounts; every balance derives from settled transactions."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        self._by_account: dict[str, list[Transaction]] = {
            a.id: [] for a in organization.bank_accounts
        }
        self._settled_keys: dict[str, list[int]] = {a.id: [] for a in organization.bank_accounts}
        self._by_id: dict[str, Transaction] = {}
        self._id_factory: Callable[[int], str] | None = None
        self.clock_ms: Callable[[], int] | None = None
        self.on_booked: Callable[[Transaction], None] | None = None
        self.version = 0
        self._results: OrderedDict[tuple[Hashable, int], list[Transaction]] = OrderedDict()
        self.wire_cache: dict[str, bytes] = {}
        """Each transaction's JSON on the wire, by id; an entry is dropped when its row changes."""
        self.bodies: dict[Hashable, bytes] = {}
        """Whole response bodies that depend only on this store; emptied on every write."""

    def cache_wire(self, transaction_id: str, body: bytes) -> None:
        """Keep one row's wire JSON, unless the cache is full."""
        if len(self.wire_cache) < WIRE_CACHE_SIZE:
            self.wire_cache[transaction_id] = body

    @property
    def wire_cache_full(self) -> bool:
        return len(self.wire_cache) >= WIRE_CACHE_SIZE

    def _changed(self) -> None:
        self.version += 1
        self.bodies.clear()

    # ------------------------------------------------------------------ loading

    def load(self, transactions: list[Transaction]) -> None:
        """Replace every transaction; sorts once and recomputes balances."""
        for account_id in self._by_account:
            self._by_account[account_id] = []
        for txn in transactions:
            self._by_account[txn.bank_account_id].append(txn)
        self._by_id = {t.id: t for t in transactions}
        for account in self.organization.bank_accounts:
            rows = self._by_account[account.id]
            rows.sort(key=_settlement_key)
            self._settled_keys[account.id] = [_settlement_key(t) for t in rows]
            self._recompute_balance(account)
        self.wire_cache.clear()
        self._changed()

    def _recompute_balance(self, account: BankAccount) -> None:
        balance = 0
        for txn in self._by_account[account.id]:
            if txn.status == "completed" and txn.settled_ms is not None:
                balance += txn.signed_cents
                txn.balance_cents = balance
            else:
                txn.balance_cents = None
        account.balance_cents = balance

    def set_id_factory(self, factory: Callable[[int], str]) -> None:
        self._id_factory = factory

    # ------------------------------------------------------------------ queries

    @property
    def main_account(self) -> BankAccount:
        return next(a for a in self.organization.bank_accounts if a.main)

    def account(self, account_id: str) -> BankAccount | None:
        return next((a for a in self.organization.bank_accounts if a.id == account_id), None)

    def account_by_iban(self, iban: str) -> BankAccount | None:
        wanted = iban.replace(" ", "").upper()
        return next((a for a in self.organization.bank_accounts if a.iban == wanted), None)

    def organization_ibans(self) -> set[str]:
        return {a.iban for a in self.organization.bank_accounts}

    def transaction(self, transaction_id: str) -> Transaction | None:
        return self._by_id.get(transaction_id)

    def all_transactions(self) -> list[Transaction]:
        return [t for rows in self._by_account.values() for t in rows]

    def authorized_balance_cents(self, account: BankAccount) -> int:
        """The balance net of pending debits (pending rows sort last: only the tail is read)."""
        keys = self._settled_keys[account.id]
        first_unsettled = bisect.bisect_left(keys, _NEVER)
        pending = sum(
            t.amount_cents
            for t in self._by_account[account.id][first_unsettled:]
            if t.status == "pending" and t.side == "debit"
        )
        return account.balance_cents - pending

    def query(
        self,
        account_id: str,
        *,
        settled_from: int | None = None,
        settled_to: int | None = None,
        predicates: list[TxnFilter] | None = None,
        sort_field: str = "settled_at",
        descending: bool = False,
        cache_key: Hashable | None = None,
    ) -> list[Transaction]:
        """Transactions of one account, filtered and sorted; settled ranges use bisection.

        With a ``cache_key`` (the normalized filters), the result is kept until the next write,
        so paging through one listing costs one scan, not one per page.
        """
        if cache_key is not None:
            key = (cache_key, self.version)
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
        rows = self._filtered(account_id, settled_from, settled_to, predicates)
        if sort_field == "updated_at":
            rows = sorted(rows, key=lambda t: (t.updated_ms, t.id), reverse=descending)
        elif descending:
            rows = rows[::-1]
        if cache_key is not None:
            self._results[(cache_key, self.version)] = rows
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return rows

    def _filtered(
        self,
        account_id: str,
        settled_from: int | None,
        settled_to: int | None,
        predicates: list[TxnFilter] | None,
    ) -> list[Transaction]:
        rows = self._by_account.get(account_id, [])
        if settled_from is not None or settled_to is not None:
            keys = self._settled_keys[account_id]
            lo = bisect.bisect_left(keys, settled_from) if settled_from is not None else 0
            hi = bisect.bisect_right(keys, settled_to) if settled_to is not None else len(rows)
            rows = [t for t in rows[lo:hi] if t.settled_ms is not None]
        if predicates:
            rows = [t for t in rows if all(p(t) for p in predicates)]
        return rows

    def touch(self, txn: Transaction, now_ms: int) -> None:
        """Record a change to ``txn`` (attachments, flags): new ``updated_at``, caches dropped."""
        txn.updated_ms = max(now_ms, txn.updated_ms)
        self.wire_cache.pop(txn.id, None)
        self._changed()

    # ------------------------------------------------------------------ writes

    def book_incoming_transfer(
        self,
        amount: Decimal,
        reference: str,
        counterparty_name: str,
        iban: str | None = None,
        *,
        now_ms: int | None = None,
        counterparty_iban: str | None = None,
    ) -> str:
        """Book a settled SEPA credit on the main account (or ``iban``); returns its id."""
        cents = to_cents(amount)
        if cents <= 0:
            raise ValueError("an incoming transfer is a positive amount")
        account = self.account_by_iban(iban) if iban else self.main_account
        if account is None:
            raise KeyError(f"no bank account with IBAN {iban}")
        keys = self._settled_keys[account.id]
        settled_count = bisect.bisect_left(keys, _NEVER)
        if now_ms is None:
            now_ms = self.clock_ms() if self.clock_ms else 0
        settled = max(now_ms, keys[settled_count - 1] if settled_count else 0)
        txn_id = self._id_factory(settled) if self._id_factory else f"txn-{len(self._by_id) + 1}"
        txn = Transaction(
            id=txn_id,
            slug=f"{self.organization.slug}-{len(self._by_id) + 1:06d}",
            bank_account_id=account.id,
            amount_cents=cents,
            side="credit",
            operation_type="income",
            status="completed",
            label=counterparty_name,
            emitted_ms=settled,
            settled_ms=settled,
            updated_ms=settled,
            created_ms=settled,
            reference=reference,
            category="other_income",
            counterparty_name=counterparty_name,
            counterparty_iban=counterparty_iban,
        )
        account.balance_cents += cents
        txn.balance_cents = account.balance_cents
        account.updated_ms = settled
        position = bisect.bisect_right(keys, settled)
        keys.insert(position, settled)
        self._by_account[account.id].insert(position, txn)
        self._by_id[txn.id] = txn
        self._changed()
        if self.on_booked is not None:
            self.on_booked(txn)
        return txn.id

    # ------------------------------------------------------------------ snapshot

    def to_snapshot(self) -> dict[str, object]:
        org = asdict(self.organization)
        return {"organization": org, "transactions": [asdict(t) for t in self.all_transactions()]}

    @classmethod
    def from_snapshot(cls, data: dict[str, object]) -> BankingStore:
        org_data = data["organization"]
        assert isinstance(org_data, dict)
        org_fields = dict(org_data)
        address = Address(**org_fields.pop("address"))
        accounts = [BankAccount(**a) for a in org_fields.pop("bank_accounts")]
        org = Organization(address=address, bank_accounts=accounts, **org_fields)
        store = cls(org)
        rows = data["transactions"]
        assert isinstance(rows, list)
        store.load([Transaction(**row) for row in rows])
        return store


_NEVER = 1 << 62


def _settlement_key(txn: Transaction) -> int:
    """Settled transactions first by date; unsettled ones (pending, declined) sort last."""
    return txn.settled_ms if txn.settled_ms is not None else _NEVER + txn.emitted_ms
