"""Reconciliation of 10 000 bank credits against 10 000 open invoices (target: <= 1 s).

Run with ``python -m bench.reconciliation [--transactions N] [--invoices M]``. The data mix:
a third quote the invoice number, a third pay the exact amount only, a sixth are partial
payments from a customer named in the label, the rest are unrelated.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

from bench._support import target_line
from verone.backoffice.domain.reconciliation import OpenInvoice, TransactionFacts, propose_matches
from verone.money import from_cents

TARGET_SECONDS = 1.0
FIRST_NAMES = ("Élodie", "Jérôme", "Hélène", "Marc", "Zoé", "Loïc", "Anaïs", "Théo")
TRADES = ("Hôtel", "Atelier", "Maison", "Café", "Galerie", "Studio", "Boutique", "Domaine")


def make_data(
    transactions: int, invoices: int, seed: int = 1
) -> tuple[list[TransactionFacts], list[OpenInvoice]]:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    customers = [
        f"{rng.choice(TRADES)} {rng.choice(FIRST_NAMES)} {i:04d}"
        for i in range(max(1, invoices // 10))
    ]
    open_invoices = []
    for i in range(invoices):
        issued = start + timedelta(days=rng.randrange(300))
        open_invoices.append(
            OpenInvoice(
                id=uuid.uuid4(),
                number=f"F-2026-{i + 1:05d}",
                customer_name=rng.choice(customers),
                amount_due=from_cents(rng.randrange(1_000, 5_000_000)),
                currency="EUR",
                issue_date=issued,
                due_date=issued + timedelta(days=30),
            )
        )
    credits = []
    for i in range(transactions):
        inv = open_invoices[rng.randrange(invoices)]
        booked = (inv.due_date or start) + timedelta(days=rng.randrange(-10, 20))
        kind = i % 6
        amount, label, reference, name = inv.amount_due, "VIR SEPA", None, None
        if kind in (0, 1):
            reference = f"Facture {inv.number}"
        elif kind in (2, 3):
            name = inv.customer_name.upper()
        elif kind == 4:
            amount = (inv.amount_due / 2).quantize(Decimal("0.01"))
            label = f"VIR {inv.customer_name}"
        else:
            amount = from_cents(rng.randrange(100, 900_000))
            label = "PRLV SEPA FOURNISSEUR"
        credits.append(
            TransactionFacts(
                id=uuid.uuid4(),
                amount=amount,
                currency="EUR",
                booked_on=booked,
                label=label,
                reference=reference,
                counterparty_name=name,
            )
        )
    return credits, open_invoices


def _timed(
    transactions: int, invoices: int, rounds: int
) -> tuple[list[float], list[float], int, int]:
    """Wall and CPU seconds of each round, the proposals and how many are automatic."""
    credits, open_invoices = make_data(transactions, invoices)
    timings, cpu = [], []
    proposals = []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        proposals = propose_matches(credits, open_invoices)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return timings, cpu, len(proposals), sum(1 for p in proposals if p.automatic)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    timings, cpu, proposals, automatic = _timed(args.transactions, args.invoices, args.rounds)
    best = min(timings)
    what = f"reconciliation, {args.transactions} transactions x {args.invoices} open invoices"
    measured = (
        f"best {best:.3f} s wall (median {sorted(timings)[len(timings) // 2]:.3f} s, "
        f"CPU {min(cpu):.3f} s), {proposals} proposals, {automatic} automatic"
    )
    if (args.transactions, args.invoices) == (10_000, 10_000):
        print(
            target_line(
                what,
                measured,
                f"<= {TARGET_SECONDS:.1f} s",
                best / TARGET_SECONDS,
                met=best <= TARGET_SECONDS,
            ),
            flush=True,
        )
        return
    # another size: its growth from 10 000 x 10 000, in CPU, against the growth of the data
    base_cpu = min(_timed(10_000, 10_000, args.rounds)[1])
    grown = args.transactions * args.invoices / 1e8
    size = max(args.transactions, args.invoices) / 10_000  # near-linear: at most this
    ratio = min(cpu) / base_cpu
    print(
        target_line(
            what,
            f"{measured}; {ratio:.2f}x the CPU of 10 000 x 10 000 ({base_cpu:.3f} s) "
            f"for {grown:g}x the pairs",
            f"near-linear growth: <= {size:g}x",
            ratio / size,
            met=ratio <= size,
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
