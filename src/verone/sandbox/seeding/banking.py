"""Deterministic demo data: Verone SAS, its two accounts and a year of bank movements.

The same seed and size always give the same organization, ids, labels and amounts; dates
are laid out over the year that ends at the sandbox clock's "now".
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from verone.sandbox.banking.store import (
    Address,
    BankAccount,
    BankingStore,
    Organization,
    Transaction,
)

if TYPE_CHECKING:
    from verone.sandbox.state import SandboxState

YEAR_MS = 365 * 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000
OPENING_BALANCE_CENTS = 2_500_000
ORGANIZATION_CREATED_MS = 1_647_216_000_000  # 2022-03-14, the registration date

CLIENTS = (
    "Boulangerie Martin SARL",
    "Atelier Dupuis",
    "Cabinet Lefèvre & Associés",
    "SAS Moreau Bâtiment",
    "Librairie du Parc",
    "Garage Bernard",
    "Hôtel des Arts",
    "Pharmacie Centrale Lyon",
    "Studio Girard Design",
    "EURL Fontaine Conseil",
    "Les Jardins de Provence",
    "Transports Roux",
)
SUPPLIERS = (
    ("OVHcloud", "SEPA OVHCLOUD FACTURE"),
    ("Orange Business", "PRLV ORANGE BUSINESS"),
    ("URSSAF Île-de-France", "PRLV URSSAF"),
    ("DGFiP", "PRLV DGFIP TVA"),
    ("Bureau Vallée", "VIR BUREAU VALLEE"),
    ("Métro Cash & Carry", "VIR METRO FOURNITURES"),
    ("Foncia Gestion", "VIR LOYER FONCIA"),
    ("EDF Entreprises", "PRLV EDF ENTREPRISES"),
)
CARD_MERCHANTS = (
    ("Amazon.fr", "online_service"),
    ("SNCF Connect", "transport"),
    ("Total Energies", "gas_station"),
    ("Monoprix", "food_and_grocery"),
    ("Uber", "transport"),
    ("Le Petit Bistrot", "restaurant_and_bar"),
    ("Adobe", "online_service"),
    ("Free Pro", "utility"),
    ("Ikea Business", "office_supply"),
)

# (operation_type, side, weight)
KINDS = (
    ("income", "credit", 26),
    ("transfer", "debit", 16),
    ("card", "debit", 38),
    ("direct_debit", "debit", 12),
    ("qonto_fee", "debit", 8),
)
KIND_TOTAL = sum(weight for _, _, weight in KINDS)


def uuid7_at(millis: int, rng: random.Random) -> str:
    """A UUIDv7 whose time part is ``millis`` and random part comes from ``rng``."""
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= rng.getrandbits(12) << 64
    value |= 0b10 << 62
    value |= rng.getrandbits(62)
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def fake_iban(rng: random.Random, bank: str = "16958") -> str:
    """A French IBAN with a valid RIB key, hence always ``FR76`` and a valid check digit."""
    branch = f"{rng.randrange(10**5):05d}"
    account = f"{rng.randrange(10**11):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    digits = "".join(str(int(c, 36)) for c in bban + "FR00")
    check = 98 - int(digits) % 97
    return f"FR{check:02d}{bban}"


def build_organization(rng: random.Random, now_ms: int) -> Organization:
    """Ids and IBANs depend on the seed only, so they survive restarts."""
    org_id = uuid7_at(ORGANIZATION_CREATED_MS, rng)
    accounts = [
        BankAccount(
            id=uuid7_at(ORGANIZATION_CREATED_MS + i + 1, rng),
            slug=f"verone-4819-bank-account-{i + 1}",
            name=name,
            iban=fake_iban(rng),
            bic="QNTOFRP1XXX",
            currency="EUR",
            main=i == 0,
            status="active",
            updated_ms=now_ms,
        )
        for i, name in enumerate(("Compte principal", "Compte épargne projets"))
    ]
    return Organization(
        id=org_id,
        slug="verone-4819",
        name="Verone",
        legal_name="Verone SAS",
        legal_number="912345678",
        vat_number="FR32912345678",
        legal_form="SAS",
        legal_share_capital=10_000,
        legal_registration_date="2022-03-14",
        contract_signed_at_ms=ORGANIZATION_CREATED_MS,
        address=Address("12 rue de la Paix", "Paris", "75002", "FR"),
        membership_id=uuid7_at(ORGANIZATION_CREATED_MS + 7, rng),
        bank_accounts=accounts,
    )


@dataclass(frozen=True, slots=True)
class Counterparty:
    """Who is on the other side of a movement, and how such movements look."""

    operation_type: str
    side: str
    name: str
    label: str
    category: str
    min_cents: int
    max_cents: int
    iban: str | None = None
    bic: str | None = None
    vat_rate: str | None = None


def _counterparties(rng: random.Random) -> dict[str, list[Counterparty]]:
    """Each client and supplier gets one IBAN for the whole data set, as in real life."""
    table: dict[str, list[Counterparty]] = {
        "income": [
            Counterparty(
                "income",
                "credit",
                c,
                c,
                "sales",
                30_000,
                900_000,
                fake_iban(rng, "30004"),
                "BNPAFRPPXXX",
            )
            for c in CLIENTS
        ],
        "transfer": _suppliers(rng, "transfer", ("VIR", "SEPA")),
        "direct_debit": _suppliers(rng, "direct_debit", ("PRLV",)),
        "qonto_fee": [
            Counterparty(
                "qonto_fee", "debit", "Qonto", "Qonto", "fees", 900, 9_900, None, None, "0.2"
            )
        ],
        "card": [
            Counterparty("card", "debit", m, m, cat, 300, 60_000, vat_rate="0.2")
            for m, cat in CARD_MERCHANTS
        ],
    }
    return table


def _suppliers(
    rng: random.Random, operation_type: str, prefixes: tuple[str, ...]
) -> list[Counterparty]:
    """The suppliers whose label starts with one of ``prefixes``, paid by ``operation_type``."""
    return [
        Counterparty(
            operation_type,
            "debit",
            name,
            label,
            "other_expense",
            2_000,
            350_000,
            fake_iban(rng, "30003"),
            "SOGEFRPPXXX",
            "0.2",
        )
        for name, label in SUPPLIERS
        if label.startswith(prefixes)
    ]


def _pick_kind(rng: random.Random, balance: int) -> str:
    pick = rng.random() * KIND_TOTAL
    for op, side, weight in KINDS:
        if pick < weight:
            return "income" if side == "debit" and balance < 450_000 else op
        pick -= weight
    return "card"


def generate_transactions(
    rng: random.Random, account: BankAccount, count: int, now_ms: int, slug_prefix: str
) -> list[Transaction]:
    """``count`` movements over the year before ``now_ms``, the last few days partly pending."""
    start = now_ms - YEAR_MS
    random_ = rng.random
    times = sorted(start + int(random_() * YEAR_MS) for _ in range(count))
    table = _counterparties(rng)
    balance = OPENING_BALANCE_CENTS
    recent_from = now_ms - 3 * DAY_MS
    rows: list[Transaction] = []
    for n, emitted in enumerate(times):
        op = _pick_kind(rng, balance)
        options = table[op]
        cp = options[int(random_() * len(options))]
        amount = cp.min_cents + int(random_() * (cp.max_cents - cp.min_cents))
        if op == "qonto_fee":
            amount = (900, 2900, 4900, 9900)[int(random_() * 4)]
        status = "completed"
        if emitted >= recent_from and random_() < 0.5:
            status = "pending"
        elif op == "card" and random_() < 0.01:
            status = "declined"
        settled = None
        if status == "completed":
            settled = min(emitted + int(random_() * 7_200_000), now_ms)
            balance += amount if cp.side == "credit" else -amount
        txn = Transaction(
            id=uuid7_at(emitted, rng),
            slug=f"{slug_prefix}-{n + 1:06d}",
            bank_account_id=account.id,
            amount_cents=amount,
            side=cp.side,
            operation_type=op,
            status=status,
            label=cp.label,
            emitted_ms=emitted,
            settled_ms=settled,
            updated_ms=settled or emitted,
            created_ms=emitted,
            reference=_reference(op, cp, n),
            category=cp.category,
            vat_rate=cp.vat_rate,
            vat_amount_cents=None if cp.vat_rate is None else amount // 6,
            card_last_digits=f"{4000 + n % 17 * 331:04d}" if op == "card" else None,
            counterparty_name=cp.name,
            counterparty_iban=cp.iban,
            counterparty_bic=cp.bic,
        )
        rows.append(txn)
    if rows:
        _opening(rows[0])
    return rows


def _reference(op: str, cp: Counterparty, n: int) -> str | None:
    if op == "income":
        return f"F-{2025 + n % 2}-{n % 997 + 1:03d}"
    if op in ("transfer", "direct_debit"):
        return f"{cp.label.split()[-1]}-{n:06d}"
    return "Abonnement Qonto" if op == "qonto_fee" else None


def _opening(first: Transaction) -> None:
    """The first movement of an account is the capital contribution that funds it."""
    first.operation_type, first.side, first.amount_cents = "income", "credit", OPENING_BALANCE_CENTS
    first.label, first.reference = "Apport en capital", "Capital Verone SAS"
    first.category, first.counterparty_name = "treasury_and_interco", "Verone Holding"
    first.vat_rate = first.vat_amount_cents = first.card_last_digits = None
    first.status = "completed"
    if first.settled_ms is None:
        first.settled_ms = first.updated_ms = first.emitted_ms


def generate_banking(seed: int, now_ms: int, transactions: int) -> BankingStore:
    """The whole banking side for ``seed``: ``transactions`` split 4:1 over the two accounts.

    The year of movements ends at midnight (UTC) of ``now_ms``'s day, so a restart the same
    day regenerates exactly the same transactions.
    """
    now_ms -= now_ms % DAY_MS
    gc_was_enabled = gc.isenabled()
    gc.disable()  # 100 000 small records: the cyclic collector would only slow the build down
    try:
        return _build_banking(seed, now_ms, transactions)
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_banking(seed: int, now_ms: int, transactions: int) -> BankingStore:
    rng = random.Random(seed)
    store = BankingStore(build_organization(rng, now_ms))
    main, second = store.organization.bank_accounts
    second_count = transactions // 5
    rows = generate_transactions(rng, main, transactions - second_count, now_ms, "verone-4819")
    rows += generate_transactions(rng, second, second_count, now_ms, "verone-4819-epargne")
    store.load(rows)
    id_rng = random.Random(seed ^ 0x5EED)
    store.set_id_factory(lambda millis: uuid7_at(millis, id_rng))
    return store


def seed_state(
    state: SandboxState,
    *,
    seed: int | None = None,
    transactions: int | None = None,
    clients: int | None = None,
    invoices: int | None = None,
) -> None:
    """Replace the organization's data with a deterministic data set of the given sizes."""
    seed = state.config.seed if seed is None else seed
    count = state.config.transactions if transactions is None else transactions
    with state.lock:
        state.banking = generate_banking(seed, state.now_ms(), count)
        if clients or invoices:
            state.invoicing.seed(state, clients=clients or 0, invoices=invoices or 0)
