"""End to end: ``verone sync transactions --full`` and ``verone sync documents --full`` run as
processes (the product's CLI) against a sandbox process, each beside a bare fetch of the same
pages.

``python -m bench.sync_e2e [--db sqlite|postgres] [--transactions N ...] [--invoices M]
[--skip-documents] [--skip-transactions] [--lift-rate-limits]``.

- **Transactions.** A sandbox seeded with N transactions (``verone sandbox --transactions N``,
  its wire cache warmed first); a fresh, migrated database; ``verone sync transactions --full
  --json`` in its own process, timed from its start to its exit. The bare fetch asks the same
  pages (every account, ``GET /v2/transactions``, the client's query and ``per_page``, the
  same 8 requests in flight) with plain httpx on a thread pool and ``response.json()``: no
  models, no database. Target (docs/performance.md): the sync within 1.3x of the bare fetch.
  The last size given is timed; with two sizes or more, the sync's peak RSS at each is its
  process's own (``os.wait4``), and the growth between the first and the last is the memory
  target (<= 50 MB, 100 000 -> 1 000 000 in the issue).
- **Documents.** A sandbox seeded with M invoices (and the quotes and credit notes the seed
  adds, M/3 and M/10); ``verone sync documents --full --json`` in its own process; documents
  per second against >= 2 000, and the bare fetch of the same three lists (one request at a
  time, as the client reads them).

The bare fetch runs before and after the sync; the faster of the two is the reference (the
sandbox caches a listing's filtered rows after its first read). ``--lift-rate-limits`` raises
both the sandbox's and the client's budgets (``QONTO_RATE_LIMITS``): 1 000 000 transactions
are 10 001 requests, one more than Qonto's 10 000 per 10 minutes allows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
from pydantic import SecretStr

from bench._sandbox_process import LOGIN, SECRET, sandbox_process, wait_until_serialized
from bench._support import DATABASES, migrated_database, peak_rss_mb, target_line
from verone.backoffice.bootstrap import build_container
from verone.backoffice.config import Settings
from verone.backoffice.domain.users import Role, User
from verone.qonto import ClientInvoiceFilters, CreditNoteFilters, QuoteFilters, TransactionFilters
from verone.qonto._encoding import QueryParams, encode_query
from verone.qonto._pagination import MAX_PER_PAGE, MAX_PER_PAGE_INVOICING

TARGET_RATIO = 1.3
TARGET_DOCUMENTS_PER_SECOND = 2_000.0
TARGET_GROWTH_MB = 50.0
CONCURRENCY = 8  # QontoSyncClient's default: the pages after the first, 8 at a time
PER_PAGE = 100  # QontoSyncClient's transactions page
ADMIN = "admin@bench.test"
AUTH = {"Authorization": f"{LOGIN}:{SECRET}"}
LIFTED = "1000000/10s"


@dataclass(frozen=True, slots=True)
class Finished:
    """One product process: wall seconds, CPU seconds (user + system), peak RSS, its output."""

    seconds: float
    cpu: float
    peak_rss_mb: float
    output: str


#: ``--profile DIR``: each sync process runs under cProfile and writes ``DIR/<command>.prof``.
PROFILE: dict[str, Path] = {}


def _cli(arguments: list[str]) -> list[str]:
    """The product's command: the ``verone`` script of this environment (``uv run verone``)."""
    script = Path(sys.executable).with_name("verone")
    if "dir" in PROFILE and script.exists() and "--help" not in arguments:
        out = PROFILE["dir"] / f"{'-'.join(arguments[:2])}.prof"
        return [sys.executable, "-m", "cProfile", "-o", str(out), str(script), *arguments]
    if script.exists():
        return [str(script), *arguments]
    return [sys.executable, "-c", "from verone.cli import main; main()", *arguments]


def _environment(url: str, sandbox_url: str, workdir: Path, lifted: bool) -> dict[str, str]:
    # bytecode is written and read as on an installed system (this machine's shells set
    # PYTHONDONTWRITEBYTECODE, which makes every process compile its ~1 500 modules again:
    # ~7 s of CPU at each start, measured)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VERONE_", "QONTO_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        VERONE_ENVIRONMENT="embedded",
        VERONE_DATABASE_URL=url,
        VERONE_SANDBOX_PORT=str(urlparse(sandbox_url).port),
        VERONE_VAR_DIR=str(workdir / "var"),
        VERONE_DEMO_DATA="false",
        VERONE_JOBS_ENABLED="false",
        VERONE_BOOTSTRAP_ADMIN_EMAIL=ADMIN,
        PYTHONUNBUFFERED="1",
    )
    if lifted:
        env["QONTO_RATE_LIMITS"] = LIFTED
    return env


def run_cli(arguments: list[str], env: dict[str, str], workdir: Path) -> Finished:
    """Run the CLI to its exit; its own rusage from ``wait4`` (not the sandbox's, another
    child of this process, which ``RUSAGE_CHILDREN`` would mix in), and its own peak memory
    from ``/proc`` (``ru_maxrss`` would carry this process's own peak into it)."""
    out_path, err_path = workdir / "cli.out", workdir / "cli.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603  # our own CLI, fixed arguments
            _cli(arguments), stdout=out, stderr=err, env=env, cwd=workdir
        )
        peak = 0.0
        while True:  # its own peak (VmHWM) read while it runs, its rusage once it exits
            done, status, usage = os.wait4(process.pid, os.WNOHANG)
            if done:
                break
            with contextlib.suppress(OSError, RuntimeError):  # exited meanwhile (a zombie)
                peak = max(peak, peak_rss_mb(process.pid))
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(
            f"verone {' '.join(arguments)} exited {process.returncode}: "
            f"{err_path.read_text()[-2000:]}{out_path.read_text()[-2000:]}"
        )
    return Finished(
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=peak,
        output=out_path.read_text(),
    )


def fresh_windows(sandbox_url: str, *, lifted: bool) -> None:
    """Empty rate windows before each timed run (Qonto's two, or one no run reaches)."""
    limits = (
        [{"requests": 1_000_000, "window_seconds": 10}]
        if lifted
        else [
            {"requests": 1_000, "window_seconds": 10},
            {"requests": 10_000, "window_seconds": 600},
        ]
    )
    httpx.put(f"{sandbox_url}/_sandbox/rate-limits", json={"limits": limits}).raise_for_status()


def _get(http: httpx.Client, path: str, params: QueryParams) -> dict[str, Any]:
    """One page; a 429 waits its ``Retry-After`` (past 1 000 requests in 10 s) and asks again."""
    while True:
        answer = http.get(path, params=tuple(encode_query(params)))  # as the client encodes
        if answer.status_code != 429:
            break
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def bare_transactions(sandbox_url: str) -> tuple[float, int]:
    """Every account's transactions, page 1 then the rest ``CONCURRENCY`` at a time."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    count = 0
    started = time.perf_counter()
    with (
        httpx.Client(base_url=sandbox_url, headers=AUTH, timeout=60, limits=limits) as http,
        ThreadPoolExecutor(max_workers=CONCURRENCY) as pool,
    ):
        accounts = _get(http, "/v2/bank_accounts", {"per_page": MAX_PER_PAGE})["bank_accounts"]
        for account in accounts:
            filters = TransactionFilters(
                bank_account_id=account["id"], sort_by="settled_at:asc", per_page=PER_PAGE
            )

            def fetch(number: int, filters: TransactionFilters = filters) -> int:
                return len(_get(http, "/v2/transactions", filters.query(number))["transactions"])

            first = _get(http, "/v2/transactions", filters.query(1))
            count += len(first["transactions"])
            count += sum(pool.map(fetch, range(2, first["meta"]["total_pages"] + 1)))
    return time.perf_counter() - started, count


def bare_documents(sandbox_url: str) -> tuple[float, int]:
    """Invoices, quotes and credit notes, page after page, as the sync's reader asks them."""
    lists: tuple[tuple[str, str, Any], ...] = (
        ("/v2/client_invoices", "client_invoices", ClientInvoiceFilters(per_page=500)),
        ("/v2/quotes", "quotes", QuoteFilters(per_page=MAX_PER_PAGE_INVOICING)),
        ("/v2/credit_notes", "credit_notes", CreditNoteFilters(per_page=MAX_PER_PAGE)),
    )
    count = 0
    started = time.perf_counter()
    with httpx.Client(base_url=sandbox_url, headers=AUTH, timeout=60) as http:
        for path, key, filters in lists:
            number: int | None = 1
            while number is not None:
                body = _get(http, path, filters.query(number))
                count += len(body[key])
                meta = body["meta"]
                number = number + 1 if meta["current_page"] < meta["total_pages"] else None
    return time.perf_counter() - started, count


def _best(fetch: Callable[[str], tuple[float, int]], sandbox_url: str) -> tuple[float, int]:
    first, second = fetch(sandbox_url), fetch(sandbox_url)
    return min(first, second)


def _add_admin(url: str, sandbox_url: str, workdir: Path) -> None:
    settings = Settings(
        environment="embedded", database_url=url, var_dir=workdir / "var",
        secret_key=SecretStr("bench-" + "k" * 60), jobs_enabled=False, demo_data=False,
        sandbox_port=urlparse(sandbox_url).port or 8100,
    )  # fmt: skip
    with build_container(settings) as container, container.unit_of_work() as uow:
        uow.users.add(
            User(
                email=ADMIN,
                display_name="admin",
                role=Role.ADMIN,
                password_hash=container.password_hasher.hash(ADMIN),
                created_at=datetime.now(UTC),
            )
        )
        uow.commit()


def _figures(sync: Finished, bare_seconds: float, **more: float) -> dict[str, float]:
    return {
        "sync_seconds": sync.seconds,
        "sync_cpu": sync.cpu,
        "peak_rss_mb": sync.peak_rss_mb,
        "bare_seconds": bare_seconds,
        **more,
    }


def sync_transactions(kind: str, transactions: int, *, lifted: bool) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        migrated_database(kind, Path(tmp)) as url,
        sandbox_process("--transactions", str(transactions), startup_timeout=600) as sandbox_url,
    ):
        workdir = Path(tmp)
        wait_until_serialized(sandbox_url, timeout=900)
        fresh_windows(sandbox_url, lifted=lifted)
        before, fetched = bare_transactions(sandbox_url)
        env = _environment(url, sandbox_url, workdir, lifted)
        run_cli(["sync", "--help"], env, workdir)  # bytecode written once, as by an install
        started = run_cli(["sync", "--help"], env, workdir)
        fresh_windows(sandbox_url, lifted=lifted)
        sync = run_cli(["sync", "transactions", "--full", "--json"], env, workdir)
        fresh_windows(sandbox_url, lifted=lifted)
        after, _ = bare_transactions(sandbox_url)
    if fetched != transactions:
        raise RuntimeError(f"the bare fetch read {fetched} transactions of {transactions}")
    written = sum(account["written"] for account in json.loads(sync.output)["accounts"])
    if written != transactions:
        raise RuntimeError(f"the sync wrote {written} transactions of {transactions}")
    return _figures(
        sync, min(before, after), transactions=transactions, startup_seconds=started.seconds
    )


def sync_documents(kind: str, invoices: int) -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        migrated_database(kind, Path(tmp)) as url,
        sandbox_process("--transactions", "0") as sandbox_url,
    ):
        workdir = Path(tmp)
        clients = max(1, invoices // 10)
        httpx.post(
            f"{sandbox_url}/_sandbox/seed",
            json={"transactions": 0, "clients": clients, "invoices": invoices},
            timeout=600,
        ).raise_for_status()
        bare, fetched = _best(bare_documents, sandbox_url)
        _add_admin(url, sandbox_url, workdir)
        env = _environment(url, sandbox_url, workdir, lifted=False)
        run_cli(["sync", "--help"], env, workdir)  # bytecode written once, as by an install
        sync = run_cli(["sync", "documents", "--full", "--json"], env, workdir)
    seen = int(json.loads(sync.output)["seen"])
    if seen != fetched:
        raise RuntimeError(f"the sync saw {seen} documents, the bare fetch {fetched}")
    return _figures(sync, bare, documents=seen)


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} / {five:.2f}"


def report_transactions(kind: str, runs: list[dict[str, float]]) -> list[str]:
    timed = runs[-1]
    ratio = timed["sync_seconds"] / timed["bare_seconds"]
    sync_only = max(0.0, timed["sync_seconds"] - timed["startup_seconds"])
    lines = [
        target_line(
            f"verone sync transactions --full within {TARGET_RATIO}x of the bare fetch, {kind}, "
            f"{_n(timed['transactions'])} tx",
            f"sync {timed['sync_seconds']:.2f} s ({timed['sync_cpu']:.2f} s CPU, "
            f"{_n(timed['transactions'] / timed['sync_seconds'])} tx/s, process start-up "
            f"{timed['startup_seconds']:.2f} s, so {sync_only / timed['bare_seconds']:.2f}x "
            f"without it), bare fetch {timed['bare_seconds']:.2f} s, "
            f"{_load()}",
            f"<= {TARGET_RATIO}x",
            ratio,
            met=ratio <= TARGET_RATIO,
        )
    ]
    for run in runs:
        lines.append(
            f"sync transactions, {kind}, {_n(run['transactions'])} tx: peak RSS "
            f"{run['peak_rss_mb']:.0f} MB, {run['sync_seconds']:.1f} s "
            f"({run['sync_cpu']:.1f} s CPU), bare fetch {run['bare_seconds']:.1f} s"
        )
    if len(runs) > 1:
        low, high = runs[0], runs[-1]
        growth = high["peak_rss_mb"] - low["peak_rss_mb"]
        lines.append(
            target_line(
                f"sync transactions peak RSS growth, {kind}, {_n(low['transactions'])} -> "
                f"{_n(high['transactions'])} tx",
                f"{growth:.1f} MB ({low['peak_rss_mb']:.0f} -> {high['peak_rss_mb']:.0f} MB)",
                f"<= {TARGET_GROWTH_MB:.0f} MB",
                growth / TARGET_GROWTH_MB,
                met=growth <= TARGET_GROWTH_MB,
            )
        )
    return lines


def report_documents(kind: str, run: dict[str, float]) -> str:
    rate = run["documents"] / run["sync_seconds"]
    return target_line(
        f"verone sync documents --full, {kind}, {_n(run['documents'])} documents",
        f"{_n(rate)} documents/s (sync {run['sync_seconds']:.2f} s, "
        f"{run['sync_cpu']:.2f} s CPU, peak RSS {run['peak_rss_mb']:.0f} MB; bare fetch "
        f"{run['bare_seconds']:.2f} s, {_n(run['documents'] / run['bare_seconds'])} "
        f"documents/s, ratio {run['sync_seconds'] / run['bare_seconds']:.1f}x), {_load()}",
        f">= {_n(TARGET_DOCUMENTS_PER_SECOND)} documents/s",
        rate / TARGET_DOCUMENTS_PER_SECOND,
        met=rate >= TARGET_DOCUMENTS_PER_SECOND,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=DATABASES, default="sqlite")
    parser.add_argument("--transactions", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--skip-transactions", action="store_true")
    parser.add_argument("--skip-documents", action="store_true")
    parser.add_argument(
        "--lift-rate-limits", action="store_true", help="no rate budget on either side"
    )
    parser.add_argument("--profile", type=Path, help="write each sync's cProfile there")
    args = parser.parse_args(argv)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        PROFILE["dir"] = args.profile.resolve()
    if not args.skip_transactions:
        runs = []
        for size in args.transactions:
            lifted = args.lift_rate_limits or size > 900_000
            runs.append(sync_transactions(args.db, size, lifted=lifted))
            print(f"   ({_n(size)} tx measured, {_load()})", flush=True)
        for line in report_transactions(args.db, runs):
            print(line, flush=True)
    if not args.skip_documents:
        print(report_documents(args.db, sync_documents(args.db, args.invoices)), flush=True)


if __name__ == "__main__":
    main()
