"""A model of Qonto's transaction listing for the bulk-paging benchmark, as its own process.

It answers ``GET /v2/transactions`` for large accounts with the sandbox's own wire JSON (one
real page of 100 sandbox transactions, given a fresh id per row), counts every request in the
sandbox's ``RateLimiter`` (Qonto's two sliding windows, so a fresh budget allows a burst of
1 000 requests), waits ``--latency-ms`` before answering as the sandbox does, and answers a
429 with ``Retry-After`` past the budget. ``POST /_model/reset`` starts a fresh budget.

Why not the sandbox itself: at 300 000 rows it needs about a minute to seed and serialize,
and a page beyond its 200 000-row wire cache costs ~15 ms of its CPU (3 ms within it), so the
last 1 000 pages would measure the sandbox, not the client (docs/performance.md).

Run ``python -m bench._qonto_model --port 8123 --latency-ms 100 --account a=300000``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from bench._sandbox_process import free_port
from verone.sandbox.app import create_app
from verone.sandbox.clock import Clock
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, RateLimit, SandboxConfig
from verone.sandbox.ratelimit import RateLimiter
from verone.sandbox.state import SandboxState

PER_PAGE = 100
QONTO_LIMITS = (RateLimit(1_000, 10.0), RateLimit(10_000, 600.0))
AUTHORIZATION = f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}".encode()

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def sandbox_rows() -> list[bytes]:
    """The wire JSON of 100 sandbox transactions, each with ``{id}`` where its id goes."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    state = SandboxState(SandboxConfig(transactions=PER_PAGE * 2, seed=3))
    try:
        with TestClient(create_app(state), base_url="http://127.0.0.1:8100") as http:
            headers = {"Authorization": AUTHORIZATION.decode()}
            account = http.get("/v2/bank_accounts", headers=headers).json()["bank_accounts"][0]
            query = {"bank_account_id": account["id"], "per_page": PER_PAGE}
            body = http.get("/v2/transactions", params=query, headers=headers).json()
    finally:
        state.close()
    rows = []
    for item in body["transactions"][:PER_PAGE]:
        raw = json.dumps(item, separators=(",", ":")).encode()
        rows.append(raw.replace(f'"{item["id"]}"'.encode(), b'"{id}"', 1))
    return rows


class QontoModel:
    """The ASGI app: one listing per account, the limiter, the latency."""

    def __init__(self, accounts: dict[str, int], latency: float) -> None:
        self.accounts = accounts
        self.latency = latency
        self.rows = sandbox_rows()
        self.limiter = RateLimiter(Clock(), QONTO_LIMITS)
        self.answered = 0
        self.refused = 0

    def page(self, account: str, number: int) -> bytes:
        count = self.accounts[account]
        pages = max(1, -(-count // PER_PAGE))
        first = (number - 1) * PER_PAGE
        rows = [
            self.rows[index % PER_PAGE].replace(b"{id}", f"{account}-{index:09d}".encode())
            for index in range(first, min(first + PER_PAGE, count))
        ]
        meta = {
            "current_page": number,
            "next_page": number + 1 if number < pages else None,
            "prev_page": number - 1 if number > 1 else None,
            "total_pages": pages,
            "total_count": count,
            "per_page": PER_PAGE,
        }
        return (
            b'{"transactions":['
            + b",".join(rows)
            + b'],"meta":'
            + json.dumps(meta, separators=(",", ":")).encode()
            + b"}"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/_model/reset":
            self.limiter = RateLimiter(Clock(), QONTO_LIMITS)
            stats = {"answered": self.answered, "refused": self.refused}
            self.answered = self.refused = 0
            await _answer(send, 200, json.dumps(stats).encode())
            return
        await asyncio.sleep(self.latency)
        wait = self.limiter.retry_after(scope["client"][0])
        if wait is not None:
            self.refused += 1
            await _answer(send, 429, b'{"errors":[{"code":"too_many_requests"}]}', wait)
            return
        if dict(scope["headers"]).get(b"authorization") != AUTHORIZATION:
            await _answer(send, 401, b'{"errors":[{"code":"unauthorized"}]}')
            return
        query = dict(
            part.split("=", 1) for part in scope["query_string"].decode().split("&") if part
        )
        account = query.get("bank_account_id", "")
        if scope["path"] != "/v2/transactions" or account not in self.accounts:
            await _answer(send, 404, b'{"errors":[{"code":"not_found"}]}')
            return
        self.answered += 1
        await _answer(send, 200, self.page(account, int(query.get("page", "1"))))


async def _answer(send: Send, status: int, body: bytes, retry_after: int | None = None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if retry_after is not None:
        headers.append((b"retry-after", b"%d" % retry_after))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def model_process(latency_ms: float, accounts: dict[str, int]) -> Iterator[str]:
    """Run the model in its own process (its CPU is not the client's); yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "bench._qonto_model", "--port", str(port)]
    command += ["--latency-ms", str(latency_ms)]
    command += [arg for key, rows in accounts.items() for arg in ("--account", f"{key}={rows}")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603  # our own module
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("the Qonto model exited")
            try:
                httpx.post(f"{base_url}/_model/reset", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the Qonto model did not start in time") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reset(base_url: str) -> dict[str, int]:
    """A fresh rate budget on the model; returns what the previous run was answered."""
    stats: dict[str, int] = httpx.post(f"{base_url}/_model/reset", timeout=5.0).json()
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--account", action="append", default=[], help="id=row count")
    args = parser.parse_args()
    accounts = {key: int(value) for key, value in (a.split("=", 1) for a in args.account)}
    app = QontoModel(accounts, args.latency_ms / 1000)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        backlog=4096,
        timeout_keep_alive=120,  # idle through a 10 s window wait without a stale connection
    )


if __name__ == "__main__":
    main()
