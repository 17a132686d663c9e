"""``client_invoices``: list, iterate, get, create (always a draft), update, delete, finalize,
mark as paid / unpaid / canceled, send, and external-file uploads.

Rule 1: ``create`` always sends ``status: "draft"``; only ``finalize`` finalizes.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, Unpack

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._encoding import FileUpload
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._collection import Creates, Deletes, Updates, collection
from verone.qonto.resources._filters import (
    ClientInvoiceFilterArgs,
    ClientInvoiceFilters,
    with_keywords,
)
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.resources._shared import nothing, one
from verone.qonto.types.client_invoices import (
    ClientInvoice,
    ClientInvoiceCreateParams,
    ClientInvoiceUpdateParams,
    ClientInvoiceUpload,
    MarkAsPaidParams,
)
from verone.qonto.types.documents import SendParams

PATH = "/v2/client_invoices"
UPLOADS = PATH + "/uploads"
UPLOAD = UPLOADS + "/{id}"
UPLOAD_FIELD = "client_invoices_upload"

_upload = one(ClientInvoiceUpload, "client_invoice_upload")
NO_FILTERS = ClientInvoiceFilters()


def _draft_body(params: ClientInvoiceCreateParams) -> dict[str, object]:
    """The create body, with ``status`` forced to ``draft`` whatever the model holds."""
    body = params.model_dump(mode="json", exclude_unset=True)
    body["status"] = "draft"
    return body


def _paid_body(paid_at: date | None) -> MarkAsPaidParams:
    return MarkAsPaidParams(paid_at=paid_at) if paid_at is not None else MarkAsPaidParams()


class _StatusChangeCall(Protocol):
    """How a status change is written: the invoice's id, the call's options."""

    def __call__(
        self,
        resource: _ClientInvoices,
        /,
        invoice_id: str,
        *,
        options: RequestOptions | None = None,
    ) -> PreparedCall[ClientInvoice]: ...


def _status_change(action: str, doc: str) -> _StatusChangeCall:
    """The call ``POST …/{action}`` that moves an invoice to another status (no body)."""

    def change(
        self: _ClientInvoices, invoice_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[ClientInvoice]:
        return self._action(invoice_id, action, None, options)

    change.__name__ = change.__qualname__ = action
    change.__doc__ = doc
    return change


class _ClientInvoices(
    Creates[ClientInvoice, ClientInvoiceCreateParams],
    Updates[ClientInvoice, ClientInvoiceUpdateParams],
    Deletes[ClientInvoice],
):
    """``create`` makes a **draft** (never finalized there); ``update`` and ``delete`` take
    drafts only."""

    _items = collection(PATH, ClientInvoice, "client_invoice", "client_invoices")

    @endpoint
    def list(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> PreparedCall[Page[ClientInvoice]]:
        """One page of ``GET /v2/client_invoices``."""
        return self._filtered(with_keywords(filters, where), page, options)

    @iterates
    def iter(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> Listing[ClientInvoice]:
        """Every matching invoice, page after page."""
        return self._listing(with_keywords(filters, where), max_pages)

    def _create_body(self, params: ClientInvoiceCreateParams) -> dict[str, object]:
        return _draft_body(params)

    def _action(
        self,
        invoice_id: str,
        action: str,
        body: MarkAsPaidParams | None,
        options: RequestOptions | None,
    ) -> PreparedCall[ClientInvoice]:
        path = "{}/" + action
        return self._on_item(
            "POST", invoice_id, self._items.one, path=path, json_body=body, options=options
        )

    finalize = endpoint(
        _status_change(
            "finalize", "``POST …/finalize``: draft → unpaid. Irreversible: the number is burned."
        )
    )

    @endpoint
    def mark_as_paid(
        self, invoice_id: str, *, paid_at: date | None = None, options: RequestOptions | None = None
    ) -> PreparedCall[ClientInvoice]:
        """``POST …/mark_as_paid`` (``paid_at`` defaults to today at Qonto)."""
        return self._action(invoice_id, "mark_as_paid", _paid_body(paid_at), options)

    unmark_as_paid = endpoint(
        _status_change("unmark_as_paid", "``POST …/unmark_as_paid``: paid → unpaid.")
    )
    mark_as_canceled = endpoint(
        _status_change(
            "mark_as_canceled", "``POST …/mark_as_canceled``: unpaid → canceled (irreversible)."
        )
    )

    @endpoint
    def send(
        self, invoice_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``POST …/send``: e-mail a finalized invoice (204)."""
        return self._on_item(
            "POST", invoice_id, nothing, path="{}/send", json_body=params, options=options
        )

    @endpoint
    def upload(
        self, file: FileUpload, *, options: RequestOptions | None = None
    ) -> PreparedCall[ClientInvoiceUpload]:
        """``POST /v2/client_invoices/uploads``: an external file for a later ``upload_id``."""
        return self._prepare("POST", UPLOADS, _upload, files={UPLOAD_FIELD: file}, options=options)

    @endpoint
    def get_upload(
        self, upload_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[ClientInvoiceUpload]:
        """``GET /v2/client_invoices/uploads/{id}``."""
        return self._prepare("GET", UPLOAD, _upload, path_params={"id": upload_id}, options=options)


class ClientInvoices(SyncResource, _ClientInvoices):
    pass


class AsyncClientInvoices(AsyncResource, _ClientInvoices):
    pass
