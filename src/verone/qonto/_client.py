"""``QontoClient``: the synchronous client (httpx.Client I/O around the shared core)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
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
from verone.qonto.resources.attachments import Attachments
from verone.qonto.resources.bank_accounts import BankAccounts
from verone.qonto.resources.client_invoices import ClientInvoices
from verone.qonto.resources.clients import Clients
from verone.qonto.resources.credit_notes import CreditNotes
from verone.qonto.resources.organization import OrganizationResource
from verone.qonto.resources.quotes import Quotes
from verone.qonto.resources.transactions import Transactions
from verone.qonto.resources.webhook_subscriptions import WebhookSubscriptions

T = TypeVar("T")


class QontoClient:
    """A client for Qonto's Business API; a context manager.

    Pass ``http_client`` to reuse (or, in tests, to inject) an ``httpx.Client``: it is not
    closed by this client. ``sleep`` and ``clock`` are injectable so retries and the rate
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
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
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
        self._http = http_client if http_client is not None else httpx.Client(timeout=timeout)
        self._sleep = sleep
        self.organization = OrganizationResource(self)
        self.bank_accounts = BankAccounts(self)
        self.transactions = Transactions(self)
        self.clients = Clients(self)
        self.client_invoices = ClientInvoices(self)
        self.quotes = Quotes(self)
        self.credit_notes = CreditNotes(self)
        self.attachments = Attachments(self)
        self.webhook_subscriptions = WebhookSubscriptions(self)

    @property
    def core(self) -> ClientCore:
        return self._core

    @property
    def http_client(self) -> httpx.Client:
        return self._http

    def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        core = self._core
        started = core.clock()
        attempt = 0
        may_refresh = core.oauth is not None and call.authenticated
        while True:
            attempt += 1
            wait = core.budget_wait() if call.authenticated else 0.0
            if wait > 0:
                self._sleep(wait)
            if call.authenticated:
                self._ensure_token()
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
                response = self._http.send(request)
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
                self._refresh_token(force=True)
                continue
            if decision.retry_in is not None:
                self._sleep(decision.retry_in)
                continue
            assert response is not None
            return core.parse(call, response)

    def _ensure_token(self) -> None:
        oauth = self._core.oauth
        if oauth is not None and oauth.needs_refresh():
            self._refresh_token(force=False)

    def _refresh_token(self, *, force: bool) -> None:
        oauth = self._core.oauth
        if oauth is None:
            return
        seen = oauth.generation
        with oauth.lock:
            if oauth.generation != seen or (not force and not oauth.needs_refresh()):
                return  # another thread refreshed meanwhile
            token = oauth.token_request()
            try:
                request = self._http.build_request(
                    "POST", token.url, data=token.form, timeout=self._core.timeout
                )
                response = self._http.send(request)
            except httpx.TransportError as exc:
                raise QontoAuthError(
                    f"OAuth token endpoint unreachable ({type(exc).__name__})"
                ) from None
            try:
                body = loads(response.content) if response.content else None
            except ValueError:
                body = None
            oauth.apply_token_response(response.status_code, body)

    def close(self) -> None:
        """Close the HTTP client if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        auth = describe_auth(self._core.auth)
        return f"QontoClient(base_url={self._core.base_url!r}, auth={auth!r})"
