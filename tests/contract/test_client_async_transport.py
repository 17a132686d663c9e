"""The async client's default transport (aiohttp under httpx) against a real uvicorn sandbox:
errors keep their phase, so a write that reached Qonto is never reported as "not sent"."""

from __future__ import annotations

import asyncio
import socket

import pytest

from tests.contract._client_helpers import LiveSandbox, client_params
from verone.qonto import (
    AsyncQontoClient,
    QontoAmbiguousOutcome,
    QontoConnectionError,
    QontoTimeout,
    RequestOptions,
    RetryPolicy,
)
from verone.qonto._transport import QontoAsyncTransport
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY
from verone.sandbox.faults import FaultConfig, FaultRule

pytest_plugins = ["tests.contract._client_fixtures"]

NO_RETRY = RetryPolicy(max_retries=0)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there any more


def _client(base_url: str) -> AsyncQontoClient:
    return AsyncQontoClient(
        login=DEFAULT_LOGIN, secret_key=DEFAULT_SECRET_KEY, base_url=base_url, retry=NO_RETRY
    )


def test_the_default_transport_is_aiohttp_under_httpx(live_sandbox: LiveSandbox) -> None:
    async def body() -> None:
        async with _client(live_sandbox.base_url) as client:
            assert isinstance(client.http_client._transport, QontoAsyncTransport)
            organization = await client.organization.get()
            assert organization.slug == DEFAULT_LOGIN

    asyncio.run(body())


def test_a_dropped_connection_after_the_write_was_sent_is_ambiguous(
    live_sandbox: LiveSandbox,
) -> None:
    rule = FaultRule(method="POST", path="/v2/clients", drop_before_rate=1.0)

    async def body() -> None:
        async with _client(live_sandbox.base_url) as client:
            live_sandbox.state.faults.configure(FaultConfig(rules=[rule]))
            try:
                with pytest.raises(QontoAmbiguousOutcome) as caught:
                    await client.clients.create(client_params())
            finally:
                live_sandbox.state.faults.clear()
            assert caught.value.idempotency_key

    asyncio.run(body())


def test_a_server_that_hangs_up_after_reading_the_write_makes_it_ambiguous() -> None:
    """No status line at all (aiohttp's ServerDisconnectedError): the request was sent."""
    received: list[bytes] = []

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()

    async def body() -> None:
        server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server, _client(f"http://127.0.0.1:{port}") as client:
            with pytest.raises(QontoAmbiguousOutcome) as caught:
                await client.clients.create(client_params())
            assert caught.value.idempotency_key
        assert received
        assert received[0].startswith(b"POST /v2/clients ")

    asyncio.run(body())


def test_a_read_timeout_is_a_timeout(live_sandbox: LiveSandbox) -> None:
    rule = FaultRule(method="GET", path="/v2/organization", latency_ms=800)

    async def body() -> None:
        async with _client(live_sandbox.base_url) as client:
            live_sandbox.state.faults.configure(FaultConfig(rules=[rule]))
            try:
                with pytest.raises(QontoTimeout):
                    await client.organization.get(options=RequestOptions(timeout=0.2))
            finally:
                live_sandbox.state.faults.clear()

    asyncio.run(body())


def test_a_refused_connection_is_a_plain_connection_error_even_for_a_write() -> None:
    async def body() -> None:
        async with _client(f"http://127.0.0.1:{_closed_port()}") as client:
            with pytest.raises(QontoConnectionError) as caught:
                await client.clients.create(client_params())
            assert not isinstance(caught.value, QontoAmbiguousOutcome)

    asyncio.run(body())
