"""Local ingest rate of the transactions sync (parse + map + upsert) and its memory.

Run with ``python -m bench.ingest [--size N]``. Pages are the sandbox's own JSON for a seeded
account, parsed by the client's models, mapped and upserted into a fresh SQLite file exactly
as ``services.sync_transactions`` does, one page at a time. Target: >= 30x the API's maximum
delivery rate (1 000 requests / 10 s x 100 per page = 10 000 transactions/s). Peak RSS is
printed so two sizes can be compared (memory should stay flat: pages are streamed).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.banking import BankAccount
from verone.backoffice.integrations.qonto_sync import remote_transaction
from verone.backoffice.services.sync_transactions import to_bank_transaction
from verone.qonto._responses import loads
from verone.qonto.types.transactions import TransactionList
from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, RateLimit, SandboxConfig
from verone.sandbox.seeding.banking import seed_state
from verone.sandbox.state import SandboxState

API_RATE = 10_000  # transactions per second Qonto can deliver at most
PER_PAGE = 100
AUTH = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}


def current_rss_mb() -> float:
    """Resident memory now (Linux ``/proc/self/statm``), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def _pages(state: SandboxState, account_id: str) -> Iterator[bytes]:
    """The raw bodies of ``GET /v2/transactions`` for one account, page after page."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient asks for another httpx
        from starlette.testclient import TestClient
    with TestClient(create_app(state)) as http:
        number, total = 1, 1
        while number <= total:
            answer = http.get(
                "/v2/transactions",
                params={"bank_account_id": account_id, "page": number, "per_page": PER_PAGE},
                headers=AUTH,
            )
            answer.raise_for_status()
            total = int(answer.json()["meta"]["total_pages"])
            yield answer.content
            number += 1


def _record_pages(size: int, spool: Path) -> tuple[str, str, str]:
    """Seed a sandbox, write its pages (one JSON body per line) to ``spool``, drop it.

    Returns the account's id, name and IBAN. The sandbox is gone before ingest starts, so
    the memory measured afterwards is the sync's alone.
    """
    state = SandboxState(SandboxConfig(transactions=0))
    seed_state(state, seed=5, transactions=size)
    state.set_rate_limits((RateLimit(10**9, 1.0),))
    account = state.banking.main_account
    with spool.open("wb") as out:
        for body in _pages(state, account.id):
            out.write(body.replace(b"\n", b" ") + b"\n")
    state.close()
    return account.id, account.name, account.iban


def run(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        spool = Path(tmp) / "pages.jsonl"
        qonto_id, name, iban = _record_pages(size, spool)
        gc.collect()
        url = f"sqlite:///{Path(tmp) / 'ingest.db'}"
        upgrade_database(url)
        engine = make_engine(url)
        uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
        with uow:
            stored = uow.bank_accounts.upsert(
                BankAccount(qonto_id, name, iban, "EUR", Decimal(0), datetime.now(UTC))
            )
            uow.commit()
        account_id: uuid.UUID = stored.id
        elapsed, cpu, count = 0.0, 0.0, 0
        before = highest = current_rss_mb()
        with uow, spool.open("rb") as pages:
            for body in pages:  # read from the spool outside the timed part
                started, started_cpu = time.perf_counter(), time.process_time()
                parsed = TransactionList.model_validate(loads(body))
                batch = [
                    to_bank_transaction(remote_transaction(t), account_id)
                    for t in parsed.transactions
                ]
                count += uow.bank_transactions.upsert_many(batch)
                elapsed += time.perf_counter() - started
                cpu += time.process_time() - started_cpu
                highest = max(highest, current_rss_mb())
            started, started_cpu = time.perf_counter(), time.process_time()
            uow.commit()
            elapsed += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
        engine.dispose()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "size": count,
        "seconds": elapsed,
        "rate": count / elapsed,
        "cpu_rate": count / cpu,
        "peak_rss_mb": rss_mb,
        "ingest_growth_mb": highest - before,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=0, help="one size, in this process")
    args = parser.parse_args(argv)
    if args.size:
        print(json.dumps(run(args.size)))
        return
    for size in (25_000, 125_000):
        out = subprocess.run(  # noqa: S603 - this very module, fixed arguments
            [sys.executable, "-m", "bench.ingest", "--size", str(size)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        result = json.loads(out.stdout)
        print(
            f"{int(result['size'])} transactions: {result['rate']:.0f} tx/s "
            f"({result['rate'] / API_RATE:.2f}x the API's 10 000 tx/s, target 30x; "
            f"{result['cpu_rate']:.0f} tx/s of CPU time), "
            f"peak RSS {result['peak_rss_mb']:.0f} MB (seeded data included), "
            f"RSS growth while ingesting {result['ingest_growth_mb']:.1f} MB"
        )


if __name__ == "__main__":
    main()
