"""Bulk paging of 100 000 transactions: concurrent (``list_all``) vs page after page.

Run with ``python -m bench.bulk_paging``. The server is ``verone sandbox --latency-ms 50
--transactions 100000`` on a free loopback port with its real rate limits (1 000 / 10 s,
10 000 / 10 min); the client keeps to the same budget. Targets: concurrent >= 5x faster than
sequential, and within 1.25x of the rate-limit bound (requests / 100 per second).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass

import httpx

from bench._sandbox_process import LOGIN, SECRET, sandbox_process, wait_until_serialized
from verone.qonto import AsyncQontoClient, QontoClient, RateBudget, TransactionFilters

PER_PAGE = 100
BOUND_REQUESTS_PER_SECOND = 1_000 / 10
WINDOW_PAUSE = 10.5  # let the server's 10 s window empty between two runs


@dataclass(frozen=True)
class Run:
    name: str
    items: int
    pages: int
    seconds: float

    @property
    def bound_ratio(self) -> float:
        return self.seconds / (self.pages / BOUND_REQUESTS_PER_SECOND)


def _largest_account(base_url: str) -> tuple[str, int]:
    with QontoClient(login=LOGIN, secret_key=SECRET, base_url=base_url) as client:
        counts = {
            account.id: client.transactions.list(
                TransactionFilters(bank_account_id=account.id, per_page=1)
            ).total_count
            for account in client.bank_accounts.list()
        }
    account_id = max(counts, key=lambda key: counts[key])
    return account_id, counts[account_id]


def run_async_bulk(base_url: str, filters: TransactionFilters, concurrency: int) -> Run:
    async def main() -> int:
        async with AsyncQontoClient(
            login=LOGIN, secret_key=SECRET, base_url=base_url, rate_budget=RateBudget()
        ) as client:
            items = await client.transactions.list_all(filters, concurrency=concurrency)
            return len(items)

    started = time.perf_counter()
    count = asyncio.run(main())
    elapsed = time.perf_counter() - started
    return Run(f"async list_all (concurrency {concurrency})", count, -(-count // PER_PAGE), elapsed)


def run_sync_bulk(base_url: str, filters: TransactionFilters, concurrency: int) -> Run:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    http = httpx.Client(limits=limits)
    with QontoClient(
        login=LOGIN,
        secret_key=SECRET,
        base_url=base_url,
        http_client=http,
        rate_budget=RateBudget(),
    ) as client:
        started = time.perf_counter()
        count = len(client.transactions.list_all(filters, concurrency=concurrency))
        elapsed = time.perf_counter() - started
    http.close()
    return Run(f"sync list_all (threads {concurrency})", count, -(-count // PER_PAGE), elapsed)


def _count(items: object) -> int:
    assert isinstance(items, list)
    return len(items)


def run_bare_httpx(base_url: str, filters: TransactionFilters, concurrency: int) -> Run:
    """Baseline: raw ``httpx.AsyncClient`` pages (no typing, no budget), same concurrency."""
    headers = {"Authorization": f"{LOGIN}:{SECRET}"}
    account = filters.bank_account_id or ""

    async def main() -> int:
        semaphore = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:

            async def page(number: int) -> dict[str, object]:
                async with semaphore:
                    params: dict[str, str | int] = {
                        "bank_account_id": account,
                        "per_page": PER_PAGE,
                        "page": number,
                    }
                    response = await http.get("/v2/transactions", params=params)
                    response.raise_for_status()
                    body: dict[str, object] = response.json()
                    return body

            first = await page(1)
            meta = first["meta"]
            assert isinstance(meta, dict)
            total_pages = int(meta["total_pages"])
            rest = await asyncio.gather(*(page(n) for n in range(2, total_pages + 1)))
            return sum(_count(p["transactions"]) for p in [first, *rest])

    started = time.perf_counter()
    count = asyncio.run(main())
    elapsed = time.perf_counter() - started
    return Run(
        f"bare httpx async (concurrency {concurrency})", count, -(-count // PER_PAGE), elapsed
    )


def run_sequential(base_url: str, filters: TransactionFilters) -> Run:
    with QontoClient(login=LOGIN, secret_key=SECRET, base_url=base_url) as client:
        started = time.perf_counter()
        count = sum(1 for _ in client.transactions.iter(filters))
        elapsed = time.perf_counter() - started
    return Run("sequential iter (page after page)", count, -(-count // PER_PAGE), elapsed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    sandbox_args = ("--latency-ms", str(args.latency_ms), "--transactions", str(args.transactions))
    with sandbox_process(*sandbox_args) as base_url:
        wait_until_serialized(base_url)
        account_id, total = _largest_account(base_url)
        filters = TransactionFilters(bank_account_id=account_id, per_page=PER_PAGE)
        time.sleep(WINDOW_PAUSE)
        runs = [run_async_bulk(base_url, filters, args.concurrency)]
        time.sleep(WINDOW_PAUSE)
        runs.append(run_sync_bulk(base_url, filters, args.concurrency))
        time.sleep(WINDOW_PAUSE)
        runs.append(run_bare_httpx(base_url, filters, args.concurrency))
        time.sleep(WINDOW_PAUSE)
        runs.append(run_sequential(base_url, filters))
    sequential = runs[-1]
    print(
        f"{total:,} transactions on one account, {PER_PAGE} per page, "
        f"{args.latency_ms} ms sandbox latency, budget 1 000 / 10 s + 10 000 / 10 min"
    )
    print(f"{'mode':<40}{'items':>9}{'pages':>7}{'seconds':>9}{'vs seq':>9}{'vs bound':>10}")
    for run in runs:
        speedup = sequential.seconds / run.seconds
        print(
            f"{run.name:<40}{run.items:>9,}{run.pages:>7}{run.seconds:>9.2f}"
            f"{speedup:>8.1f}x{run.bound_ratio:>9.2f}x"
        )
    print("targets: bulk >= 5x faster than sequential; bulk <= 1.25x the rate-limit bound")
    print("(the bare httpx row is the ceiling this machine and sandbox allow, for reference)")


if __name__ == "__main__":
    main()
