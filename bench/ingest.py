"""Ingest rate of the transactions sync (parse + check + upsert) and its memory, on SQLite and
PostgreSQL.

``python -m bench.ingest [--db sqlite|postgres] [--size N]``. The pages are the sandbox's own
``GET /v2/transactions`` bodies (100 per page) for a seeded account, recorded once; larger
sizes replay them with fresh ids (a bytes replace, outside the timed part), so memory is the
ingest's alone. Each page goes through exactly the sync's per-page path:
``parse_transaction_page`` (bytes → wire models in one pass), ``check_page`` (checks and
mapping, per-item isolation) and ``upsert_many`` (``executemany`` on SQLite, ``COPY`` into a
staging table and one ``INSERT … ON CONFLICT`` on PostgreSQL), one commit per page.

Targets (docs/performance.md): >= 10x the API's maximum delivery rate (1 000 requests / 10 s
x 100 per page = 10 000 transactions/s); RSS growth <= 50 MB from 100 000 to 1 000 000.
"""

from __future__ import annotations

import argparse
import gc
import json
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

from bench._support import DATABASES, current_rss_mb, migrated_database, peak_rss_mb, target_line
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.banking import BankAccount
from verone.backoffice.integrations.qonto_sync import parse_transaction_page
from verone.backoffice.services.sync_transactions import (
    AccountSyncResult,
    CursorTracker,
    check_page,
)
from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, RateLimit, SandboxConfig
from verone.sandbox.seeding.banking import seed_state
from verone.sandbox.state import SandboxState

API_RATE = 10_000  # transactions per second Qonto can deliver at most
TARGET_RATIO = 10.0
TARGET_GROWTH_MB = 50.0
PER_PAGE = 100
TEMPLATE_SIZE = 10_000
AUTH = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}


def _template_pages() -> list[bytes]:
    """The raw bodies of ``GET /v2/transactions`` for one seeded account, page after page."""
    state = SandboxState(SandboxConfig(transactions=0))
    seed_state(state, seed=5, transactions=TEMPLATE_SIZE)
    state.set_rate_limits((RateLimit(10**9, 1.0),))
    account = state.banking.main_account.id
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's TestClient asks for another httpx
        from starlette.testclient import TestClient
    bodies = []
    with TestClient(create_app(state)) as http:
        number, total = 1, 1
        while number <= total:
            answer = http.get(
                "/v2/transactions",
                params={"bank_account_id": account, "page": number, "per_page": PER_PAGE},
                headers=AUTH,
            )
            answer.raise_for_status()
            total = int(answer.json()["meta"]["total_pages"])
            bodies.append(answer.content)
            number += 1
    state.close()
    return bodies


def _replayed(templates: list[bytes], size: int) -> Iterator[bytes]:
    """``size`` transactions' worth of pages; every replay round gets fresh Qonto ids."""
    sent, round_number = 0, 0
    while sent < size:
        prefix = b'"id":"r%05d-' % round_number
        for body in templates:
            if sent >= size:
                return
            yield body if round_number == 0 else body.replace(b'"id":"', prefix)
            sent += PER_PAGE
        round_number += 1


def run(kind: str, size: int, checkpoint: int) -> dict[str, float]:
    templates = _template_pages()
    gc.collect()
    with tempfile.TemporaryDirectory() as tmp, migrated_database(kind, Path(tmp)) as url:
        engine = make_engine(url)
        uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
        with uow:
            stored = uow.bank_accounts.upsert(
                BankAccount("acc-bench", "Compte", "FR76", "EUR", Decimal(0), datetime.now(UTC))
            )
            uow.commit()
        account_id: uuid.UUID = stored.id
        result = AccountSyncResult("acc-bench", uuid.uuid4(), full=True)
        tracker = CursorTracker()
        elapsed = cpu = 0.0
        count = 0
        at_checkpoint = 0.0
        before = current_rss_mb()
        for body in _replayed(templates, size):  # the replace happens outside the timed part
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = check_page(parse_transaction_page(body), account_id, result, tracker)
            with uow:
                count += uow.bank_transactions.upsert_many(rows)
                uow.commit()
            elapsed += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
            if count == checkpoint:
                at_checkpoint = current_rss_mb()
        after = current_rss_mb()
        with uow:
            stored_count = uow.bank_transactions.count()
        engine.dispose()
    if stored_count != count or result.skipped:
        raise RuntimeError(f"ingested {count}, stored {stored_count}, skipped {result.skipped}")
    return {
        "size": count,
        "seconds": elapsed,
        "rate": count / elapsed,
        "cpu_rate": count / cpu,
        "rss_start_mb": before,
        "rss_checkpoint_mb": at_checkpoint,
        "rss_end_mb": after,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(kind: str, size: int, checkpoint: int) -> dict[str, float]:
    """One run in a fresh process (memory figures are that process's own)."""
    out = subprocess.run(  # noqa: S603 - this very module, fixed arguments
        [sys.executable, "-m", "bench.ingest", "--db", kind, "--size", str(size),
         "--checkpoint", str(checkpoint), "--one"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout)
    return result


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def report(kind: str, result: dict[str, float], checkpoint: int) -> list[str]:
    rate = result["rate"]
    size = int(result["size"])
    lines = [
        target_line(
            f"ingest, {kind}, {_n(size)} tx",
            f"{_n(rate)} tx/s wall, {_n(result['cpu_rate'])} tx/s of CPU",
            f">= {TARGET_RATIO:.0f}x the API's {_n(API_RATE)} tx/s",
            rate / API_RATE,
            met=rate / API_RATE >= TARGET_RATIO,
        )
    ]
    if result["rss_checkpoint_mb"]:
        growth = result["rss_end_mb"] - result["rss_checkpoint_mb"]
        lines.append(
            target_line(
                f"ingest, {kind}, RSS growth {_n(checkpoint)} -> {_n(size)} tx",
                f"{growth:.1f} MB (peak RSS {result['peak_rss_mb']:.0f} MB)",
                f"<= {TARGET_GROWTH_MB:.0f} MB",
                growth / TARGET_GROWTH_MB,
                met=growth <= TARGET_GROWTH_MB,
            )
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=DATABASES, default=None)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--checkpoint", type=int, default=100_000)
    parser.add_argument("--one", action="store_true", help="one run, JSON, in this process")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run(args.db or "sqlite", args.size, args.checkpoint)))
        return
    for kind in (args.db,) if args.db else DATABASES:
        for line in report(kind, measure(kind, args.size, args.checkpoint), args.checkpoint):
            print(line, flush=True)


if __name__ == "__main__":
    main()
