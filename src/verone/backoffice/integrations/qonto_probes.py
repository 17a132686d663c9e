"""Read-only probes of Qonto for the diagnostics (``services.diagnostics``, docs/operations.md
« Troubleshooting »): who the credentials are, what Qonto's clock says, which resources the
credentials may read, the webhook subscriptions, and whether credit notes can be created.

Part of the one adapter: ``QontoApiGateway`` inherits them, so the diagnostics go through the
gateway like every other use case, and Qonto's errors are mapped by ``qonto_errors``.
"""

from __future__ import annotations

import time
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from verone.backoffice.domain import errors
from verone.backoffice.integrations.qonto_errors import qonto_errors
from verone.backoffice.ports import QontoReachability, RemoteWebhook
from verone.qonto import (
    ClientFilters,
    ClientInvoiceFilters,
    CreditNoteFilters,
    NotFound,
    QontoAPIError,
    QontoClient,
    QontoError,
    QuoteFilters,
    RequestOptions,
)

#: Qonto's write endpoint of credit notes is undocumented; it is probed with an empty body,
#: which Qonto refuses before creating anything (4xx when the endpoint exists, 404 when not).
CREDIT_NOTE_PATH = "/v2/credit_notes"
READ_PROBES = ("clients", "client_invoices", "quotes", "credit_notes")
NO_RETRY = RequestOptions(max_retries=0)


def _ignore(_body: object) -> None:
    return None


class QontoProbes:
    """The diagnostics' reads; mixed into ``QontoApiGateway`` (which sets ``_client``)."""

    _client: QontoClient

    def probe_organization(self) -> QontoReachability:
        """``GET /v2/organization`` with the configured credentials, timed."""
        started = time.perf_counter()
        with qonto_errors():
            organization = self._client.organization.get(options=NO_RETRY)
        elapsed = (time.perf_counter() - started) * 1000
        return QontoReachability(
            organization_slug=organization.slug or organization.id,
            bank_accounts=len(organization.bank_accounts or []),
            latency_ms=elapsed,
        )

    def server_time(self) -> datetime | None:
        """The ``Date`` header of Qonto's answer to an unauthenticated request, if it sends one."""
        url = self._client.core.base_url + "/v2/organization"
        try:
            answer = self._client.http_client.head(url)
        except httpx.HTTPError as exc:
            raise errors.QontoUnavailable(f"Qonto injoignable : {exc}") from exc
        stamp = answer.headers.get("date")
        return parsedate_to_datetime(stamp) if stamp else None

    def probe_read(self, resource: str) -> None:
        """One small page of ``resource`` (one of ``READ_PROBES``): refused if out of scope."""
        client = self._client
        with qonto_errors():
            if resource == "clients":
                client.clients.list(ClientFilters(per_page=1), options=NO_RETRY)
            elif resource == "client_invoices":
                client.client_invoices.list(ClientInvoiceFilters(per_page=1), options=NO_RETRY)
            elif resource == "quotes":
                client.quotes.list(QuoteFilters(per_page=1), options=NO_RETRY)
            elif resource == "credit_notes":
                client.credit_notes.list(CreditNoteFilters(per_page=1), options=NO_RETRY)
            else:
                raise ValueError(f"unknown probe {resource!r}")

    def webhook_subscriptions(self) -> list[RemoteWebhook]:
        with qonto_errors():
            found = self._client.webhook_subscriptions.list(options=NO_RETRY)
        return [
            RemoteWebhook(url=s.callback_url or "", event_types=tuple(s.types or ()))
            for s in found.items
        ]

    def credit_note_creation_available(self) -> bool:
        """False when Qonto answers 404 on its credit-note write endpoint (use the dashboard)."""
        client = self._client
        call = client.core.prepare("POST", CREDIT_NOTE_PATH, _ignore, json_body={})
        try:
            client.execute(call)
        except NotFound:
            return False
        except QontoAPIError as exc:
            if exc.status in {401, 403} or exc.status >= 500 or exc.status == 429:
                with qonto_errors():
                    raise
            return True  # the endpoint exists: it refused the empty body
        except QontoError:
            with qonto_errors():
                raise
        return True
