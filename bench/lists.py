"""``GET /api/qonto/invoices`` at 100 000 documents, on SQLite and PostgreSQL.

``python -m bench.lists [--db sqlite|postgres] [--documents N] [--repeat R]``. The database is
filled with N invoices (statuses mixed, 1 000 customers, numbers ``F-2026-000001`` …, two
lines each) straight through SQL, then the real app (its container, routes, authentication by
API token and rendering) answers in-process: first, middle and last page, each status, a
search by number and by customer, and a search that matches nothing. Each query is asked R
times after one warm-up; p50 and p95 are printed. Target (docs/performance.md): p95 <= 25 ms.
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
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import insert

from bench._support import DATABASES, migrated_database, target_line
from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import build_container
from verone.backoffice.config import Settings
from verone.backoffice.db.tables import financial_document_items, financial_documents
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor
from verone.money import from_cents

TARGET_P95_MS = 25.0
PER_PAGE = 25
_STATUSES = (("draft", 1), ("finalized", 4), ("paid", 4), ("cancelled", 1))


def _fill(container: object, documents: int, seed: int = 3) -> User:
    from verone.backoffice.bootstrap import Container

    assert isinstance(container, Container)
    rng = random.Random(seed)
    user = User(
        email="bench@verone.test",
        display_name="Bench",
        role=Role.ADMIN,
        password_hash=container.password_hasher.hash(uuid.uuid4().hex),
        created_at=datetime.now(UTC),
    )
    with container.unit_of_work() as uow:
        uow.users.add(user)
        uow.commit()
    customers = [f"Maison {rng.choice('ABCDEFGH')}{i:04d} SARL" for i in range(1_000)]
    statuses = [s for s, weight in _STATUSES for _ in range(weight)]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    number = 0
    docs, items = [], []
    for i in range(documents):
        status = rng.choice(statuses)
        issued = status != "draft"
        number += issued
        doc_id = uuid.uuid4()
        total = rng.randrange(1_000, 500_000)
        docs.append(
            {
                "id": doc_id, "document_type": "invoice", "status": status, "origin": "order",
                "number": f"F-2026-{number:06d}" if issued else None,
                "customer_name": rng.choice(customers), "currency": "EUR",
                "total_ht_cents": from_cents(total), "total_vat_cents": from_cents(total // 5),
                "total_amount_cents": from_cents(total + total // 5),
                "amount_paid_cents": from_cents(total + total // 5 if status == "paid" else 0),
                "issue_date": (start + timedelta(minutes=i)).date() if issued else None,
                "due_date": date(2026, 12, 31) if issued else None,
                "created_by": user.id, "created_at": start + timedelta(minutes=i),
                "version": 1,
                "finalized_at": start + timedelta(minutes=i) if issued else None,
            }
        )  # fmt: skip
        for position in range(2):
            items.append(
                {
                    "id": uuid.uuid4(), "document_id": doc_id, "position": position,
                    "title": f"Article {position}", "quantity": Decimal(1),
                    "unit_price": from_cents(total // 2), "vat_rate": Decimal("0.2"),
                    "subtotal_cents": from_cents(total // 2), "vat_cents": from_cents(total // 10),
                    "total_cents": from_cents(total // 2 + total // 10),
                }
            )  # fmt: skip
    with container.engine.begin() as conn:
        for chunk in range(0, len(docs), 5_000):
            conn.execute(insert(financial_documents), docs[chunk : chunk + 5_000])
        for chunk in range(0, len(items), 10_000):
            conn.execute(insert(financial_document_items), items[chunk : chunk + 10_000])
    # what autovacuum / a periodic ANALYZE would have done after such a load: statistics, and
    # on PostgreSQL the visibility map that lets a count stay on the index
    with container.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        if conn.dialect.name == "postgresql":
            # what autovacuum does after a bulk insert, done now (items too: without their
            # statistics a page's 25 documents read their lines by a sequential scan)
            conn.exec_driver_sql("VACUUM ANALYZE financial_documents, financial_document_items")
        else:
            conn.exec_driver_sql("ANALYZE")
    return user


def queries(documents: int) -> list[tuple[str, dict[str, str | int]]]:
    last = max(1, -(-documents // PER_PAGE))
    statuses: list[tuple[str, dict[str, str | int]]] = [
        (f"status={s}", {"status": s}) for s, _ in _STATUSES
    ]
    return [
        ("first page", {}),
        ("middle page", {"page": last // 2}),
        ("last page", {"page": last}),
        *statuses,
        ("search by number", {"search": "F-2026-0421"}),
        ("search by customer", {"search": "0042 sarl"}),
        ("search matching nothing", {"search": "zzz-aucun"}),
    ]


def run(kind: str, documents: int, repeat: int) -> list[tuple[str, float, float, int]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient asks for another httpx
        from starlette.testclient import TestClient
    results = []
    with tempfile.TemporaryDirectory() as tmp, migrated_database(kind, Path(tmp)) as url:
        settings = Settings(
            environment="embedded", database_url=url, var_dir=Path(tmp) / "var",
            secret_key=SecretStr("bench-" + "k" * 60), jobs_enabled=False, demo_data=False,
        )  # fmt: skip
        with build_container(settings) as container:
            user = _fill(container, documents)
            token = auth.create_api_token(
                container.unit_of_work(),
                container.clock,
                Actor.cli(),
                name="bench",
                user_id=user.id,
            ).secret
            app = create_app(container, run_jobs=False)
            headers = {"Authorization": f"Bearer {token}"}
            with TestClient(app) as http:
                for name, params in queries(documents):
                    params = {"perPage": PER_PAGE, **params}
                    answer = http.get("/api/qonto/invoices", params=params, headers=headers)
                    answer.raise_for_status()
                    total = int(answer.json()["total"])
                    times = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        http.get("/api/qonto/invoices", params=params, headers=headers)
                        times.append((time.perf_counter() - started) * 1000)
                    times.sort()
                    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                    results.append((name, statistics.median(times), p95, total))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=DATABASES, default=None)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    for kind in (args.db,) if args.db else DATABASES:
        for name, p50, p95, total in run(kind, args.documents, args.repeat):
            print(
                target_line(
                    f"GET /api/qonto/invoices, {kind}, {name} ({total} found)",
                    f"p95 {p95:.1f} ms, p50 {p50:.1f} ms",
                    f"p95 <= {TARGET_P95_MS:.0f} ms",
                    p95 / TARGET_P95_MS,
                    met=p95 <= TARGET_P95_MS,
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
