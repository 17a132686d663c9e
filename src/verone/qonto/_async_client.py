"""``AsyncQontoClient``: the asynchronous client (httpx.AsyncClient I/O around the shared core)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Self, TypeVar

import httpx
from pydantic import SecretStr

from verone.qonto._auth import ApiKeyAuth, AuthStrategy
from verone.qonto._base import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT,
    ClientCore,
    PreparedCall,
    describe_auth,
)
from verone.qonto._exceptions import QontoAuthError
from verone.qonto._ratelimit import RateBudget
from verone.qonto._responses import loads
from verone.qonto._retry import RetryPolicy
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


class AsyncQontoClient:
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
        if auth is None:
            if login is None or secret_key is None:
                raise ValueError("give auth=, or login= and secret_key= for API-key auth")
            auth = ApiKeyAuth(login, secret_key)
        self._core = ClientCore(
            auth=auth,
            base_url=base_url,
            staging_token=staging_token,
            timeout=timeout,
            retry=retry,
            rate_budget=rate_budget,
            default_headers=default_headers,
            clock=clock,
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)
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

    @property
    def core(self) -> ClientCore:
        return self._core

    @property
    def http_client(self) -> httpx.AsyncClient:
        return self._http

    async def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        core = self._core
        started = core.clock()
        attempt = 0
        may_refresh = core.oauth is not None and call.authenticated
        while True:
            attempt += 1
            wait = core.budget_wait() if call.authenticated else 0.0
            if wait > 0:
                await self._sleep(wait)
            if call.authenticated:
                await self._ensure_token()
            request = self._http.build_request(
                call.method,
                call.url,
                params=tuple(call.query) or None,
                content=call.body,
                files=core.multipart(call),
                headers=core.request_headers(call),
                timeout=call.timeout,
            )
            begun = time.perf_counter()
            response: httpx.Response | None = None
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                decision = core.after_transport_error(call, exc, attempt, started)
            else:
                decision = core.after_response(
                    call, response, attempt, started, may_refresh=may_refresh
                )
            core.log_attempt(call, attempt, response, time.perf_counter() - begun, decision)
            if decision.error is not None:
                raise decision.error
            if decision.refresh_auth:
                may_refresh = False
                await self._refresh_token(force=True)
                continue
            if decision.retry_in is not None:
                await self._sleep(decision.retry_in)
                continue
            assert response is not None
            return core.parse(call, response)

    async def _ensure_token(self) -> None:
        oauth = self._core.oauth
        if oauth is not None and oauth.needs_refresh():
            await self._refresh_token(force=False)

    async def _refresh_token(self, *, force: bool) -> None:
        oauth = self._core.oauth
        if oauth is None:
            return
        seen = oauth.generation
        async with self._refresh_lock:
            if oauth.generation != seen or (not force and not oauth.needs_refresh()):
                return  # another thread refreshed meanwhile
            token = oauth.token_request()
            try:
                request = self._http.build_request(
                    "POST", token.url, data=token.form, timeout=self._core.timeout
                )
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                raise QontoAuthError(
                    f"OAuth token endpoint unreachable ({type(exc).__name__})"
                ) from None
            try:
                body = loads(response.content) if response.content else None
            except ValueError:
                body = None
            oauth.apply_token_response(response.status_code, body)

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

    def __repr__(self) -> str:
        auth = describe_auth(self._core.auth)
        return f"AsyncQontoClient(base_url={self._core.base_url!r}, auth={auth!r})"
