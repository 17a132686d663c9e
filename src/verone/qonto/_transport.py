"""The async client's default HTTP transport: httpx's API over aiohttp's connection pool.

httpx's own async pool (httpcore over anyio) costs about three times the CPU per request of
aiohttp's (measured in ``bench/bulk_paging.py``, see docs/performance.md), which made the
async bulk mode slower than the threaded one. openai-python makes the same choice
(``httpx-aiohttp``). The client still sees ``httpx`` requests, responses and errors.

One correction: ``httpx-aiohttp`` maps every aiohttp connection error, including a server
that hung up after the request was sent, to ``httpx.ConnectTimeout``. The client must tell
"never sent" (safe to report as a plain connection error) from "sent, no answer" (a write's
outcome is then unknown, docs/client.md), so errors are mapped again here by phase.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport


def _by_phase(cause: BaseException | None, message: str) -> httpx.TransportError | None:
    """The httpx error for an aiohttp failure, by the phase it happened in (None: unknown)."""
    if isinstance(cause, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)  # the connection was never established
    if isinstance(cause, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(cause, aiohttp.ServerTimeoutError | TimeoutError):
        return httpx.ReadTimeout(message)  # sent, no answer in time
    if isinstance(cause, aiohttp.ClientPayloadError):
        return httpx.ReadError(message)
    if isinstance(cause, aiohttp.ClientError):
        return httpx.RemoteProtocolError(message)  # e.g. the server hung up mid-exchange
    return None


def _remapped(exc: BaseException) -> httpx.TransportError | None:
    if isinstance(exc, httpx.TransportError):
        return _by_phase(exc.__cause__, str(exc))
    if isinstance(exc, aiohttp.ClientError | TimeoutError):
        return _by_phase(exc, str(exc) or type(exc).__name__)
    return None


class _BodyStream(httpx.AsyncByteStream):
    """The answer's body; a failure while reading it happened after the request was sent."""

    def __init__(self, inner: httpx.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._inner:
                yield chunk
        except (httpx.TransportError, aiohttp.ClientError, TimeoutError) as exc:
            mapped = _remapped(exc)
            if isinstance(mapped, httpx.ConnectError | httpx.ConnectTimeout) or mapped is None:
                mapped = httpx.ReadError(str(exc) or type(exc).__name__)
            raise mapped from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


class QontoAsyncTransport(AiohttpTransport):
    """``httpx-aiohttp``'s transport with errors mapped by phase (see the module doc)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await super().handle_async_request(request)
        except (httpx.TransportError, aiohttp.ClientError, TimeoutError) as exc:
            mapped = _remapped(exc)
            if mapped is None:
                raise
            raise mapped from exc
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _BodyStream(response.stream)
        return response


def default_async_http_client(timeout: float | httpx.Timeout) -> httpx.AsyncClient:
    """The ``httpx.AsyncClient`` an ``AsyncQontoClient`` builds when none is injected."""
    return httpx.AsyncClient(timeout=timeout, transport=QontoAsyncTransport())
