"""Seeded data: deterministic, plausible, sized as asked."""

from __future__ import annotations

from collections import Counter

from verone.sandbox.config import SandboxConfig
from verone.sandbox.seeding.banking import DAY_MS, YEAR_MS, fake_iban, generate_banking, seed_state
from verone.sandbox.state import SandboxState

NOW = 1_790_000_000_000


def _iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = generate_banking(42, NOW, 300).to_snapshot()
    assert first == generate_banking(42, NOW + 3600_000, 300).to_snapshot()  # same day
    assert first != generate_banking(43, NOW, 300).to_snapshot()


def test_ids_and_ibans_survive_a_new_day() -> None:
    today = generate_banking(42, NOW, 50).organization
    tomorrow = generate_banking(42, NOW + DAY_MS, 50).organization
    assert today.id == tomorrow.id
    assert [a.iban for a in today.bank_accounts] == [a.iban for a in tomorrow.bank_accounts]


def test_organization_identity() -> None:
    org = generate_banking(1, NOW, 10).organization
    assert (org.slug, org.legal_name, org.legal_number) == (
        "verone-4819",
        "Verone SAS",
        "912345678",
    )
    assert org.vat_number == "FR32912345678"
    assert [a.main for a in org.bank_accounts] == [True, False]
    for account in org.bank_accounts:
        assert account.iban.startswith("FR76")
        assert _iban_valid(account.iban)
        assert account.bic == "QNTOFRP1XXX"


def test_generated_ibans_are_valid() -> None:
    import random

    rng = random.Random(0)
    assert all(_iban_valid(fake_iban(rng)) for _ in range(200))


def test_a_year_of_varied_movements() -> None:
    store = generate_banking(7, NOW, 2000)
    rows = store.all_transactions()
    assert len(rows) == 2000
    assert Counter(t.bank_account_id for t in rows)[store.main_account.id] == 1600
    midnight = NOW - NOW % DAY_MS
    assert all(midnight - YEAR_MS <= t.emitted_ms <= midnight for t in rows)
    kinds = Counter(t.operation_type for t in rows)
    assert set(kinds) == {"income", "transfer", "card", "direct_debit", "qonto_fee"}
    statuses = Counter(t.status for t in rows)
    assert statuses["completed"] > 1800
    assert statuses["pending"] > 0
    incomes = [t for t in rows if t.operation_type == "income" and t.counterparty_iban]
    assert all(t.side == "credit" and t.reference for t in incomes)
    assert all(t.amount_cents > 0 for t in rows)


def test_seed_state_replaces_banking_and_fills_invoicing() -> None:
    state = SandboxState(SandboxConfig(transactions=10))
    seed_state(state, seed=5, transactions=100, clients=3, invoices=4)
    assert len(state.banking.all_transactions()) == 100
    assert len(state.invoicing.clients) == 3
    assert len(state.invoicing.invoices) == 4
