"""Bulk paging: ``transactions.list_all`` (sync and async) against the true lower bound and
against bare httpx at the same concurrency, at 300 000 and 80 000 transactions.

Run with ``python -m bench.bulk_paging``. The server is ``bench._qonto_model`` (the sandbox's
wire JSON, rate limiter and latency, without its per-page CPU cost): ``--latency-ms`` per answer
and Qonto's limits, 1 000 requests / 10 s and 10 000 / 10 min, both sliding windows, each run
starting from a fresh budget (so a burst of 1 000 requests is allowed at once).

The bound (``lower_bound``) is the earliest schedule these rules allow: page 1 alone (it tells
the page count), then at most ``concurrency`` requests in flight, each taking the latency, and
never more than a window's limit in any window. At 3 000 pages the 1 000 / 10 s window bites
twice; 800 pages fit in the burst, so only latency and concurrency bound them.

Targets: ``list_all`` sync and async <= 1.15x the bound and <= 1.1x bare httpx (same style,
same concurrency) at both sizes; async <= 1.0x sync.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx

from bench._qonto_model import PER_PAGE, model_process, reset
from verone.qonto import AsyncQontoClient, QontoClient, RateBudget, RateLimit
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY

LIMITS = (RateLimit(1_000, 10.0), RateLimit(10_000, 600.0))
MARGIN = 0.05  # the client's budget margin (docs/client.md), given to the bare loops as well
SIZES = (300_000, 80_000)
BOUND_TARGET = 1.15
BARE_TARGET = 1.10


def lower_bound(
    pages: int, concurrency: int, latency: float, limits: Sequence[RateLimit] = LIMITS
) -> float:
    """Seconds to fetch ``pages`` pages at best: earliest start of each request under every
    rule (all rules only push starts later, so the greedy schedule is the optimum)."""
    starts: list[float] = []
    for k in range(pages):
        at = 0.0 if k == 0 else latency  # the others wait for page 1 and its total_pages
        if k >= 1 + concurrency:
            at = max(at, starts[k - concurrency] + latency)
        for limit in limits:
            if k >= limit.requests:
                at = max(at, starts[k - limit.requests] + limit.per_seconds)
        starts.append(at)
    return starts[-1] + latency


@dataclass(frozen=True)
class Run:
    mode: str
    items: int
    seconds: float
    cpu_seconds: float
    refused: int


class Pacer:
    """The least a correct bare loop must do: keep every window (sleeps instead of a 429)."""

    def __init__(self, limits: Sequence[RateLimit] = LIMITS) -> None:
        self._queues = [(limit, deque[float](maxlen=limit.requests)) for limit in limits]
        self._lock = threading.Lock()

    def delay(self) -> float:
        now = time.monotonic()
        with self._lock:
            at = now
            for limit, sent in self._queues:
                if len(sent) == limit.requests:
                    at = max(at, sent[0] + limit.per_seconds + MARGIN)
            for _, sent in self._queues:
                sent.append(at)
        return at - now


HEADERS = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}


def _query(account: str, page: int) -> dict[str, str | int]:
    return {"bank_account_id": account, "per_page": PER_PAGE, "page": page}


def bare_sync(base_url: str, account: str, concurrency: int) -> int:
    """``httpx.Client`` on a thread pool: page 1, then the others; ``response.json()``."""
    pacer = Pacer()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base_url, headers=HEADERS, limits=limits) as http:

        def page(number: int) -> list[object]:
            while True:
                time.sleep(pacer.delay())
                response = http.get("/v2/transactions", params=_query(account, number))
                if response.status_code != 429:
                    response.raise_for_status()
                    body = response.json()
                    assert body["meta"]["current_page"] == number
                    items: list[object] = body["transactions"]
                    return items
                time.sleep(float(response.headers["retry-after"]))

        time.sleep(pacer.delay())  # page 1 counts in the budget too
        first = http.get("/v2/transactions", params=_query(account, 1)).json()
        total = first["meta"]["total_pages"]
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            rest = list(pool.map(page, range(2, total + 1)))
    return len(first["transactions"]) + sum(len(items) for items in rest)


def bare_async(base_url: str, account: str, concurrency: int) -> int:
    """``httpx.AsyncClient`` with a semaphore: page 1, then the others; ``response.json()``."""

    async def main() -> int:
        pacer = Pacer()
        semaphore = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=base_url, headers=HEADERS) as http:

            async def page(number: int) -> list[object]:
                async with semaphore:
                    while True:
                        await asyncio.sleep(pacer.delay())
                        response = await http.get(
                            "/v2/transactions", params=_query(account, number)
                        )
                        if response.status_code != 429:
                            response.raise_for_status()
                            body = response.json()
                            assert body["meta"]["current_page"] == number
                            items: list[object] = body["transactions"]
                            return items
                        await asyncio.sleep(float(response.headers["retry-after"]))

            pacer.delay()
            first = (await http.get("/v2/transactions", params=_query(account, 1))).json()
            total = first["meta"]["total_pages"]
            rest = await asyncio.gather(*(page(n) for n in range(2, total + 1)))
        return len(first["transactions"]) + sum(len(items) for items in rest)

    return asyncio.run(main())


def client_sync(base_url: str, account: str, concurrency: int) -> int:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with (
        httpx.Client(limits=limits) as http,
        QontoClient(
            login=DEFAULT_LOGIN,
            secret_key=DEFAULT_SECRET_KEY,
            base_url=base_url,
            http_client=http,
            rate_budget=RateBudget(LIMITS),
        ) as qonto,
    ):
        found = qonto.transactions.list_all(
            bank_account_id=account, per_page=PER_PAGE, concurrency=concurrency
        )
    return len(found)


def client_async(base_url: str, account: str, concurrency: int) -> int:
    async def main() -> int:
        async with AsyncQontoClient(
            login=DEFAULT_LOGIN,
            secret_key=DEFAULT_SECRET_KEY,
            base_url=base_url,
            rate_budget=RateBudget(LIMITS),
        ) as qonto:
            found = await qonto.transactions.list_all(
                bank_account_id=account, per_page=PER_PAGE, concurrency=concurrency
            )
            return len(found)

    return asyncio.run(main())


MODES: tuple[tuple[str, Callable[[str, str, int], int]], ...] = (
    ("bare httpx sync (threads)", bare_sync),
    ("list_all sync (threads)", client_sync),
    ("bare httpx async", bare_async),
    ("list_all async", client_async),
)


def measure(base_url: str, account: str, concurrency: int) -> dict[str, Run]:
    runs = {}
    for mode, fetch in MODES:
        reset(base_url)
        started, cpu = time.perf_counter(), time.process_time()
        items = fetch(base_url, account, concurrency)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        runs[mode] = Run(mode, items, seconds, cpu, reset(base_url)["refused"])
    return runs


def _verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "NOT met"


def report(results: dict[int, tuple[float, dict[str, Run]]], args: argparse.Namespace) -> None:
    print(
        f"{PER_PAGE} per page, {args.latency_ms:g} ms latency, concurrency {args.concurrency}, "
        "limits 1 000 / 10 s + 10 000 / 10 min (fresh budget: burst of 1 000)"
    )
    print(
        f"{'transactions':>12}{'pages':>7}{'bound s':>9}  {'mode':<27}"
        f"{'items':>9}{'seconds':>9}{'vs bound':>10}{'vs bare':>9}{'429s':>6}{'CPU ms/page':>13}"
    )
    for size, (bound, runs) in results.items():
        for mode, run in runs.items():
            bare = runs["bare httpx " + ("async" if "async" in mode else "sync (threads)")]
            print(
                f"{size:>12,}{-(-size // PER_PAGE):>7}{bound:>9.2f}  {mode:<27}{run.items:>9,}"
                f"{run.seconds:>9.2f}{run.seconds / bound:>9.2f}x"
                f"{run.seconds / bare.seconds:>8.2f}x{run.refused:>6}"
                f"{run.cpu_seconds * 1000 * PER_PAGE / max(run.items, 1):>13.2f}"
            )
    print("targets:")
    for size, (bound, runs) in results.items():
        sync, aio = runs["list_all sync (threads)"], runs["list_all async"]
        for run, bare in (
            (sync, runs["bare httpx sync (threads)"]),
            (aio, runs["bare httpx async"]),
        ):
            ratio = run.seconds / bound
            print(
                f"  {size:>7,} {run.mode:<24} <= {BOUND_TARGET}x bound: {ratio:.2f}x "
                f"{_verdict(ratio, BOUND_TARGET)}"
            )
            ratio = run.seconds / bare.seconds
            print(
                f"  {size:>7,} {run.mode:<24} <= {BARE_TARGET}x bare:  {ratio:.2f}x "
                f"{_verdict(ratio, BARE_TARGET)}"
            )
        ratio = aio.seconds / sync.seconds
        print(
            f"  {size:>7,} async vs sync            <= 1.00x:       {ratio:.2f}x "
            f"{_verdict(ratio, 1.0)}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    accounts = {f"acct-{size}": size for size in args.sizes}
    results = {}
    with model_process(args.latency_ms, accounts) as base_url:
        for size in args.sizes:
            pages = -(-size // PER_PAGE)
            bound = lower_bound(pages, args.concurrency, args.latency_ms / 1000)
            results[size] = (bound, measure(base_url, f"acct-{size}", args.concurrency))
    report(results, args)
    print(
        "CPU ms/page: the client process's CPU per page (the model server runs apart); a run "
        "reaches the bound only if the machine gives it that CPU at the bound's page rate"
    )


if __name__ == "__main__":
    main()
