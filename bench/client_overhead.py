"""Per-call overhead of ``verone.qonto`` vs a bare ``httpx`` call, same sandbox endpoint.

Run with ``python -m bench.client_overhead``. The sandbox is a real ``verone sandbox`` process
on a free loopback port (its rate limits lifted through the control API); both sides use one
keep-alive ``httpx.Client`` and call ``GET /v2/organization`` in turn. Target: <= 1.3x.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import httpx

from bench._sandbox_process import LOGIN, SECRET, sandbox_process
from verone.qonto import QontoClient, RateBudget, RateLimit

PATH = "/v2/organization"


def _timed(call: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def measure(base_url: str, count: int, rounds: int) -> tuple[list[float], list[float]]:
    """Median seconds per call for each round: (bare httpx, Qonto client)."""
    headers = {"Authorization": f"{LOGIN}:{SECRET}", "Accept": "application/json"}
    bare_http = httpx.Client(base_url=base_url, headers=headers)
    lib_http = httpx.Client()
    client = QontoClient(
        login=LOGIN,
        secret_key=SECRET,
        base_url=base_url,
        http_client=lib_http,
        rate_budget=RateBudget([RateLimit(10**9, 10.0)]),  # bookkeeping included, never waits
    )

    def bare() -> object:
        response = bare_http.get(PATH)
        response.raise_for_status()
        return response.json()

    bare_medians, client_medians = [], []
    _timed(bare, 50)
    _timed(client.organization.get, 50)
    for _ in range(rounds):
        bare_medians.append(statistics.median(_timed(bare, count)))
        client_medians.append(statistics.median(_timed(client.organization.get, count)))
    bare_http.close()
    lib_http.close()
    return bare_medians, client_medians


def measure_in_process(count: int, rounds: int) -> tuple[list[float], list[float]]:
    """The same comparison against a canned answer (httpx.MockTransport): no server time."""
    payload = (
        b'{"organization":{"id":"org-1","slug":"verone-4819","legal_name":"Verone SAS",'
        b'"bank_accounts":[{"id":"acc-1","iban":"FR76","balance":1234.56,'
        b'"balance_cents":123456,"currency":"EUR","main":true}]}}'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=payload, headers={"content-type": "application/json"})

    base_url = "https://thirdparty.qonto.com"
    headers = {"Authorization": f"{LOGIN}:{SECRET}", "Accept": "application/json"}
    transport = httpx.MockTransport(handler)
    bare_http = httpx.Client(base_url=base_url, headers=headers, transport=transport)
    client = QontoClient(
        login="acme-1234",
        secret_key="bench-key",  # noqa: S106  # canned answer, no server
        base_url=base_url,
        http_client=httpx.Client(transport=transport),
        rate_budget=RateBudget([RateLimit(10**9, 10.0)]),
    )

    def bare() -> object:
        return bare_http.get(PATH).json()

    bare_medians, client_medians = [], []
    for _ in range(rounds):
        bare_medians.append(statistics.median(_timed(bare, count)))
        client_medians.append(statistics.median(_timed(client.organization.get, count)))
    return bare_medians, client_medians


def _report(title: str, bare: list[float], lib: list[float]) -> None:
    bare_ms = statistics.median(bare) * 1000
    lib_ms = statistics.median(lib) * 1000
    print(title)
    print(f"  {'bare httpx':<18}{bare_ms:>10.3f} ms/call")
    print(f"  {'verone.qonto':<18}{lib_ms:>10.3f} ms/call")
    print(f"  {'ratio':<18}{lib_ms / bare_ms:>10.2f} x")
    print(f"  {'overhead':<18}{lib_ms - bare_ms:>10.3f} ms/call")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=400, help="calls per round and side")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    with sandbox_process("--transactions", "10") as base_url:
        limits = {"limits": [{"requests": 1_000_000, "window_seconds": 10}]}
        httpx.put(f"{base_url}/_sandbox/rate-limits", json=limits).raise_for_status()
        bare, lib = measure(base_url, args.count, args.rounds)
    _report(
        f"GET {PATH} to a sandbox process on loopback ({args.rounds} x {args.count} calls, "
        "median; target <= 1.30 x)",
        bare,
        lib,
    )
    _report(
        "Same call on an in-process canned answer (client cost only, no server time)",
        *measure_in_process(args.count * 5, args.rounds),
    )


if __name__ == "__main__":
    main()
