"""The « Factures Qonto » page (``GET /factures``, HTML) at 100 000 documents.

``python -m bench.documents_page [--documents N] [--repeat R]``. A SQLite file is filled with
N invoices (statuses mixed, 1 000 customers) straight through SQL; the real app then renders
the page in-process for a logged-in session (authentication, the list, the totals of the
filtered set, the customers filter, the template): first, middle and last page, each status
chip, a search, a customer and an amount range, and the htmx partial. Each is asked R times
after one warm-up; p50 and p95 server times are printed next to the target (p95 <= 50 ms),
and the JSON API's list of the same page side by side as a ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import insert

from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import Container, build_container
from verone.backoffice.config import Settings
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.tables import customers, financial_documents
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import auth
from verone.money import from_cents

TARGET_P95_MS = 50.0
PASSWORD = "bench password 123"  # noqa: S105 - a throw-away bench user
STATUSES = ("draft", "finalized", "finalized", "finalized", "paid", "paid", "paid", "cancelled")


def fill(container: Container, documents: int, seed: int = 5) -> tuple[User, uuid.UUID]:
    """N invoices for 1 000 customers; returns the user and one customer's id."""
    rng = random.Random(seed)
    user = User(
        email="bench@verone.test",
        display_name="Bench",
        role=Role.ACCOUNTANT,
        password_hash=container.password_hasher.hash(PASSWORD),
        created_at=datetime.now(UTC),
    )
    with container.unit_of_work() as uow:
        uow.users.add(user)
        uow.commit()
    now = datetime(2024, 1, 1, tzinfo=UTC)
    people = [
        {"id": uuid.uuid4(), "kind": "company", "company_name": f"Maison {i:04d} SARL",
         "currency": "EUR", "locale": "fr", "created_at": now}
        for i in range(1_000)
    ]  # fmt: skip
    rows = []
    for i in range(documents):
        status = rng.choice(STATUSES)
        issued = status != "draft"
        customer = rng.choice(people)
        total = rng.randrange(1_000, 500_000)
        paid = total + total // 5 if status == "paid" else rng.choice((0, 0, 0, total // 3))
        rows.append(
            {
                "id": uuid.uuid4(), "document_type": "invoice", "status": status,
                "origin": "order", "number": f"F-2026-{i + 1:06d}" if issued else None,
                "customer_id": customer["id"], "customer_name": customer["company_name"],
                "currency": "EUR", "total_ht_cents": from_cents(total),
                "total_vat_cents": from_cents(total // 5),
                "total_amount_cents": from_cents(total + total // 5),
                "amount_paid_cents": from_cents(paid if issued else 0),
                "issue_date": (now + timedelta(minutes=i)).date() if issued else None,
                "due_date": date(2026, 1, 1) + timedelta(days=i % 700) if issued else None,
                "created_by": user.id, "created_at": now + timedelta(minutes=i), "version": 1,
            }
        )  # fmt: skip
    with container.engine.begin() as conn:
        conn.execute(insert(customers), people)
        for chunk in range(0, len(rows), 5_000):
            conn.execute(insert(financial_documents), rows[chunk : chunk + 5_000])
    chosen = people[42]["id"]
    assert isinstance(chosen, uuid.UUID)
    return user, chosen


PAGE, TOTALS = "/factures", "/factures/totaux"


def cases(documents: int, customer: uuid.UUID) -> list[tuple[str, str, dict[str, str], bool]]:
    """(name, path, query, htmx): the page's cases, then the totals bars that a page of a set
    past ``INLINE_TOTALS`` loads once shown (an htmx request of their own)."""
    last = max(1, -(-documents // 25))
    chips = ("brouillons", "a-payer", "en-retard", "partiellement-payees", "payees", "annulees")
    return [
        ("first page", PAGE, {}, False),
        ("middle page", PAGE, {"page": str(last // 2)}, False),
        ("last page", PAGE, {"page": str(last)}, False),
        *((f"chip {chip}", PAGE, {"statut": chip}, False) for chip in chips),
        ("search by number", PAGE, {"q": "F-2026-0421"}, False),
        ("customer", PAGE, {"client": str(customer)}, False),
        ("amount range", PAGE, {"min": "100", "max": "1000"}, False),
        ("sorted by amount", PAGE, {"tri": "montant", "ordre": "asc"}, False),
        ("htmx partial", PAGE, {"statut": "a-payer"}, True),
        ("totals bar, all", TOTALS, {}, True),
        ("totals bar, chip payees", TOTALS, {"statut": "payees"}, True),
    ]


def _times(call: object, repeat: int) -> list[float]:
    assert callable(call)
    call()  # warm-up
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        found.append((time.perf_counter() - started) * 1000)
    return found


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient asks for another httpx
        from starlette.testclient import TestClient
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        upgrade_database(url)
        settings = Settings(
            environment="embedded", database_url=url, var_dir=Path(tmp) / "var",
            secret_key=SecretStr("bench-" + "k" * 60), jobs_enabled=False, demo_data=False,
        )  # fmt: skip
        with build_container(settings) as container:
            started = time.perf_counter()
            user, customer = fill(container, args.documents)
            print(f"{args.documents} documents written in {time.perf_counter() - started:.1f} s")
            session = auth.login(
                container.unit_of_work(), container.password_hasher, container.clock,
                container.secret_key, email=user.email, password=PASSWORD,
                client_address="bench",
            )  # fmt: skip
            app = create_app(container, run_jobs=False)
            with TestClient(app) as http:
                http.cookies.set("verone_session", session.cookie)
                print(f"{'case':<28}{'p50 ms':>9}{'p95 ms':>9}{'target':>9}{'ratio':>8}")
                worst = 0.0
                for name, path, params, partial in cases(args.documents, customer):
                    headers = {"HX-Request": "true"} if partial else {}
                    answer = http.get(path, params=params, headers=headers)
                    assert answer.status_code == 200, (name, answer.status_code)
                    times = _times(
                        lambda u=path, p=params, h=headers: http.get(u, params=p, headers=h),
                        args.repeat,
                    )
                    p95 = _p95(times)
                    worst = max(worst, p95)
                    print(
                        f"{name:<28}{statistics.median(times):>9.1f}{p95:>9.1f}"
                        f"{TARGET_P95_MS:>9.0f}{p95 / TARGET_P95_MS:>8.2f}"
                    )
                api = _times(lambda: http.get("/api/qonto/invoices", params={"perPage": 25}), 10)
                page = _times(lambda: http.get("/factures"), 10)
                print(
                    f"worst p95 {worst:.1f} ms (target {TARGET_P95_MS:.0f} ms, ratio "
                    f"{worst / TARGET_P95_MS:.2f}); first page HTML / JSON API: "
                    f"{statistics.median(page):.1f} / {statistics.median(api):.1f} ms"
                )


if __name__ == "__main__":
    main()
