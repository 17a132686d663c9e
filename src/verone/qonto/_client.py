"""``QontoClient``: the synchronous client (httpx.Client I/O around the shared core)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
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


class QontoClient(ClientShell[httpx.Client]):
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
        self._attach(core, http_client, lambda: httpx.Client(timeout=timeout))
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

    def execute(self, call: PreparedCall[T]) -> T:
        """Send a prepared call with rate budget, auth refresh and retries; parse the answer."""
        steps = self._core.run(call, self._http.build_request)
        reply: Reply = None
        try:
            while True:
                step = steps.send(reply)
                reply = None
                if isinstance(step, Pause):
                    self._sleep(step.seconds)
                elif isinstance(step, RefreshToken):
                    self._refresh_token(force=step.force)
                else:
                    reply = self._send(step)
        except StopIteration as done:
            result: T = done.value  # the parsed answer, ClientCore.run's return value
            return result

    def _send(self, request: httpx.Request) -> Reply:
        try:
            return self._http.send(request)
        except httpx.TransportError as exc:
            return exc

    def _refresh_token(self, *, force: bool) -> None:
        core = self._core
        oauth = core.oauth
        if oauth is None:
            return
        seen = oauth.generation
        with oauth.lock:
            if core.token_refresh_due(oauth, seen, force=force):  # else refreshed meanwhile
                core.apply_token(
                    oauth, self._send(core.token_request(oauth, self._http.build_request))
                )

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
