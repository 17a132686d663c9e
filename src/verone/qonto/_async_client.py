"""``AsyncQontoClient``: the asynchronous client (httpx.AsyncClient I/O around the shared core)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Self, TypeVar

import httpx
from pydantic import SecretStr

from verone.qonto._auth import AuthStrategy
from verone.qonto._base import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientCore,
    ClientShell,
    Pause,
    PreparedCall,
    RefreshToken,
    Reply,
    resolve_auth,
)
from verone.qonto._ratelimit import RateBudget
from verone.qonto._retry import RetryPolicy
from verone.qonto._transport import default_async_http_client
from verone.qonto.resources.attachments import AsyncAttachments
from verone.qonto.resources.bank_accounts import AsyncBankAccounts
from verone.qonto.resources.client_invoices import AsyncClientInvoices
from verone.qonto.resources.clients import AsyncClients
from verone.qonto.resources.credit_notes import AsyncCreditNotes
from verone.qonto.resources.organization import AsyncOrganizationResource
from verone.qonto.resources.quotes import AsyncQuotes
from verone.qonto.resources.transactions import AsyncTransactions
from verone.qonto.resources.webhook_subscriptions import AsyncWebhookSubscriptions

T = TypeVar("T")


class AsyncQontoClient(ClientShell[httpx.AsyncClient]):
    """An async client for Qonto's Business API; an async context manager.

    Pass ``http_client`` to reuse an ``httpx.AsyncClient``: it is not closed by this client.
    ``sleep`` and ``clock`` are injectable so retries and the rate
    budget can be tested without waiting.
    """

    def __init__(
        self,
        *,
        auth: AuthStrategy | None = None,
        login: str | None = None,
        secret_key: SecretStr | str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        staging_token: SecretStr | str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        rate_budget: RateBudget | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        core = ClientCore(
            auth=resolve_auth(auth, login, secret_key),
            base_url=base_url,
            staging_token=staging_token,
            timeout=timeout,
            retry=retry,
            rate_budget=rate_budget,
            default_headers=default_headers,
            clock=clock,
        )
        self._attach(core, http_client, lambda: default_async_http_client(timeout))
        self._sleep = sleep
        self._refresh_lock = asyncio.Lock()
        self.organization = AsyncOrganizationResource(self)
        self.bank_accounts = AsyncBankAccounts(self)
        self.transactions = AsyncTransactions(self)
        self.clients = AsyncClients(self)
        self.client_invoices = AsyncClientInvoices(self)
        self.quotes = AsyncQuotes(self)
        self.credit_notes = AsyncCreditNotes(self)
        self.attachments = AsyncAttachments(self)
        self.webhook_subscriptions = AsyncWebhookSubscriptions(self)

    async def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        steps = self._core.run(call, self._http.build_request)
        reply: Reply = None
        try:
            while True:
                step = steps.send(reply)
                reply = None
                if isinstance(step, Pause):
                    await self._sleep(step.seconds)
                elif isinstance(step, RefreshToken):
                    await self._refresh_token(force=step.force)
                else:
                    reply = await self._send(step)
        except StopIteration as done:
            result: T = done.value  # the parsed answer, ClientCore.run's return value
            return result

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
