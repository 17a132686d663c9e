"""``AsyncQontoClient``: the asynchronous client (httpx.AsyncClient I/O around the shared core)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar, Unpack

import httpx

from verone.qonto._base import ClientConfig, ClientShell, PreparedCall
from verone.qonto._steps import Pause, RefreshToken, Reply, Run
from verone.qonto._transport import default_async_http_client
from verone.qonto.resources._set import Resources

T = TypeVar("T")


class AsyncQontoClient(Resources, ClientShell[httpx.AsyncClient]):
    """An async client for Qonto's Business API; an async context manager.

    Pass ``http_client`` to reuse an ``httpx.AsyncClient``: it is not closed by this client.
    ``sleep`` and ``clock`` are injectable so retries and the rate
    budget can be tested without waiting.
    """

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **config: Unpack[ClientConfig],
    ) -> None:
        """``config``: the credentials and settings of ``ClientConfig``."""
        self._attach(http_client, default_async_http_client, **config)
        self._sleep = sleep
        self._refresh_lock = asyncio.Lock()
        self.make_resources()

    async def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        run = Run(self._core.run(call, self._http.build_request))
        for step in run:
            if isinstance(step, Pause):
                await self._sleep(step.seconds)
            elif isinstance(step, RefreshToken):
                await self._refresh_token(force=step.force)
            else:
                run.reply = await self._send(step)
        return run.result

    async def _send(self, request: httpx.Request) -> Reply:
        try:
            return await self._http.send(request)
        except httpx.TransportError as exc:
            return exc

    async def _refresh_token(self, *, force: bool) -> None:
        core = self._core
        oauth = core.oauth
        if oauth is None:
            return
        seen = oauth.generation
        async with self._refresh_lock:
            if core.token_refresh_due(oauth, seen, force=force):  # else refreshed meanwhile
                core.apply_token(
                    oauth, await self._send(core.token_request(oauth, self._http.build_request))
                )

    async def aclose(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
