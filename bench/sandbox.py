"""Sandbox benchmark: seeding 100 000 transactions, and GET throughput over loopback.

Run with ``python -m bench.sandbox``. The server is a real ``verone sandbox`` process on a
free loopback port (rate limits lifted through the control API); the load comes from a
concurrent ``httpx.AsyncClient`` ("httpx" rows, bound by the client's own CPU) and from a
minimal keep-alive HTTP/1.1 client ("raw" rows, the sandbox's throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from starlette.types import Message

from bench._sandbox_process import wait_until_serialized
from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, RateLimit, SandboxConfig
from verone.sandbox.seeding.banking import seed_state
from verone.sandbox.state import SandboxState

AUTH = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}


@dataclass(frozen=True)
class Result:
    name: str
    count: int
    seconds: float
    latencies_ms: tuple[float, ...] = ()

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p(self, quantile: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


def bench_seed(transactions: int) -> Result:
    state = SandboxState(SandboxConfig(transactions=0))
    started = time.perf_counter()
    seed_state(state, seed=42, transactions=transactions)
    elapsed = time.perf_counter() - started
    assert len(state.banking.all_transactions()) == transactions
    return Result(f"seed {transactions:,} transactions", transactions, elapsed)


def bench_in_process(transactions: int, count: int) -> list[Result]:
    """The app's own cost per request: ASGI calls without sockets or an HTTP client."""
    state = SandboxState(SandboxConfig(transactions=transactions))
    state.set_rate_limits((RateLimit(10**9, 10.0),))
    app = create_app(state)
    account = state.banking.main_account.id
    headers = [(b"host", b"bench"), (b"authorization", AUTH["Authorization"].encode())]

    async def call(path: str, query: bytes) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query,
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("bench", 80),
        }
        status: list[int] = []

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))

        await app(scope, receive, send)
        if status != [200]:
            raise RuntimeError(f"{path} answered {status}")

    async def run(path: str, query: bytes, n: int) -> float:
        await call(path, query)
        started = time.perf_counter()
        for _ in range(n):
            await call(path, query)
        return time.perf_counter() - started

    page = f"bank_account_id={account}&per_page=100".encode()
    return [
        Result(
            "in-process GET /v2/organization",
            count,
            asyncio.run(run("/v2/organization", b"", count)),
        ),
        Result(
            "in-process GET /v2/transactions (100 items)",
            count // 5,
            asyncio.run(run("/v2/transactions", page, count // 5)),
        ),
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def sandbox_process(transactions: int) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from verone.cli import main; main()",
        "sandbox",
        "--port",
        str(port),
        "--transactions",
        str(transactions),
    ]
    process = subprocess.Popen(  # noqa: S603  # our own CLI, fixed arguments
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/_sandbox/clock", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)
        wait_until_serialized(base)
        httpx.put(
            f"{base}/_sandbox/rate-limits",
            timeout=5,
            json={"limits": [{"requests": 10**9, "window_seconds": 10}]},
        )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


async def _hammer(
    base: str, path: str, params: dict[str, str | int], count: int, concurrency: int
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=AUTH, limits=limits, timeout=60) as client:
        await client.get(path, params=params)  # warm-up
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(count):
            queue.put_nowait(i)

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await client.get(path, params=params)
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - started, latencies


async def _raw_get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One keep-alive HTTP/1.1 exchange; returns the status (the body is read and dropped)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _hammer_raw(
    base: str, path: str, params: dict[str, str | int], count: int, concurrency: int
) -> tuple[float, list[float]]:
    """The same load as ``_hammer`` from a minimal HTTP/1.1 client (a few µs per request), so
    the sandbox's own throughput shows instead of the load generator's cost."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    target = str(httpx.URL(path, params=params))
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: {AUTH['Authorization']}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    remaining = [count]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        await _raw_get(reader, writer, request)  # warm-up
        await barrier.wait()
        while remaining[0] > 0:
            remaining[0] -= 1
            started = time.perf_counter()
            status = await _raw_get(reader, writer, request)
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        writer.close()

    barrier = asyncio.Barrier(concurrency + 1)
    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    await barrier.wait()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    return time.perf_counter() - started, latencies


def bench_gets(base: str, count: int, concurrency: int) -> list[Result]:
    account = httpx.get(f"{base}/v2/bank_accounts", headers=AUTH).json()["bank_accounts"][0]["id"]
    cases: list[tuple[str, str, dict[str, str | int]]] = [
        ("GET /v2/organization", "/v2/organization", {}),
        (
            "GET /v2/transactions (page 1, 100 items)",
            "/v2/transactions",
            {"bank_account_id": account, "per_page": 100},
        ),
        (
            "GET /v2/transactions (settled range, desc)",
            "/v2/transactions",
            {
                "bank_account_id": account,
                "per_page": 100,
                "sort_by": "settled_at:desc",
                "settled_at_from": "2000-01-01T00:00:00Z",
                "status[]": "completed",
            },
        ),
    ]
    results = []
    for name, path, params in cases:
        n = count if "organization" in path else max(200, count // 5)
        elapsed, latencies = asyncio.run(_hammer(base, path, params, n, concurrency))
        results.append(Result(f"{name} httpx", n, elapsed, tuple(latencies)))
    for name, path, params in cases:
        n = count if "organization" in path else max(200, count // 2)
        elapsed, latencies = asyncio.run(_hammer_raw(base, path, params, n, concurrency))
        results.append(Result(f"{name} raw", n, elapsed, tuple(latencies)))
    return results


def report(rows: list[Result]) -> None:
    print(f"{'measure':<52}{'count':>9}{'seconds':>10}{'per s':>11}{'p50 ms':>9}{'p95 ms':>9}")
    for r in rows:
        print(
            f"{r.name:<52}{r.count:>9,}{r.seconds:>10.2f}{r.per_second:>11,.0f}"
            f"{r.p(0.5):>9.1f}{r.p(0.95):>9.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    rows = [bench_seed(args.transactions)]
    rows += bench_in_process(args.transactions, args.requests)
    with sandbox_process(args.transactions) as base:
        rows += bench_gets(base, args.requests, args.concurrency)
    report(rows)
    for client in ("httpx", "raw"):
        mean = statistics.fmean(r.per_second for r in rows[3:] if r.name.endswith(client))
        print(f"mean loopback GET throughput, {client} client: {mean:,.0f} requests/s")


if __name__ == "__main__":
    main()
