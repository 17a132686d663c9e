"""``client_invoices``: list, iterate, get, create (always a draft), update, delete, finalize,
mark as paid / unpaid / canceled, send, and external-file uploads.

Rule 1: ``create`` always sends ``status: "draft"``; only ``finalize`` finalizes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Unpack

from verone.qonto._base import RequestOptions
from verone.qonto._encoding import FileUpload
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page, aiter_items, iter_items
from verone.qonto.resources._filters import (
    ClientInvoiceFilterArgs,
    ClientInvoiceFilters,
    with_keywords,
)
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.client_invoices import (
    ClientInvoice,
    ClientInvoiceCreateParams,
    ClientInvoiceUpdateParams,
    ClientInvoiceUpload,
    MarkAsPaidParams,
)
from verone.qonto.types.documents import SendParams

PATH = "/v2/client_invoices"
ONE = PATH + "/{id}"
SEND = ONE + "/send"
UPLOADS = PATH + "/uploads"
UPLOAD = UPLOADS + "/{id}"
UPLOAD_FIELD = "client_invoices_upload"

_page = page(ClientInvoice, "client_invoices")
_one = one(ClientInvoice, "client_invoice")
_upload = one(ClientInvoiceUpload, "client_invoice_upload")
NO_FILTERS = ClientInvoiceFilters()


def _draft_body(params: ClientInvoiceCreateParams) -> dict[str, object]:
    """The create body, with ``status`` forced to ``draft`` whatever the model holds."""
    body = params.model_dump(mode="json", exclude_unset=True)
    body["status"] = "draft"
    return body


def _paid_body(paid_at: date | None) -> MarkAsPaidParams:
    return MarkAsPaidParams(paid_at=paid_at) if paid_at is not None else MarkAsPaidParams()


class ClientInvoices(SyncResource):
    def list(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> Page[ClientInvoice]:
        """One page of ``GET /v2/client_invoices``."""
        query = with_keywords(filters, where).query(page)
        return self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> Iterator[ClientInvoice]:
        """Every matching invoice, page after page."""
        chosen = with_keywords(filters, where)
        return iter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    def get(self, invoice_id: str, *, options: RequestOptions | None = None) -> ClientInvoice:
        """``GET /v2/client_invoices/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": invoice_id}, options=options)

    def create(
        self, params: ClientInvoiceCreateParams, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST /v2/client_invoices`` as a **draft** (never finalized here)."""
        return self._call("POST", PATH, _one, json_body=_draft_body(params), options=options)

    def update(
        self,
        invoice_id: str,
        params: ClientInvoiceUpdateParams,
        *,
        options: RequestOptions | None = None,
    ) -> ClientInvoice:
        """``PATCH /v2/client_invoices/{id}`` (drafts only)."""
        return self._call(
            "PATCH", ONE, _one, path_params={"id": invoice_id}, json_body=params, options=options
        )

    def delete(self, invoice_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/client_invoices/{id}`` (drafts only)."""
        self._call("DELETE", ONE, nothing, path_params={"id": invoice_id}, options=options)

    def _action(
        self,
        invoice_id: str,
        action: str,
        body: MarkAsPaidParams | None,
        options: RequestOptions | None,
    ) -> ClientInvoice:
        return self._call(
            "POST",
            f"{ONE}/{action}",
            _one,
            path_params={"id": invoice_id},
            json_body=body,
            options=options,
        )

    def finalize(self, invoice_id: str, *, options: RequestOptions | None = None) -> ClientInvoice:
        """``POST …/finalize``: draft → unpaid. Irreversible: the number is burned."""
        return self._action(invoice_id, "finalize", None, options)

    def mark_as_paid(
        self, invoice_id: str, *, paid_at: date | None = None, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/mark_as_paid`` (``paid_at`` defaults to today at Qonto)."""
        return self._action(invoice_id, "mark_as_paid", _paid_body(paid_at), options)

    def unmark_as_paid(
        self, invoice_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/unmark_as_paid``: paid → unpaid."""
        return self._action(invoice_id, "unmark_as_paid", None, options)

    def mark_as_canceled(
        self, invoice_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/mark_as_canceled``: unpaid → canceled (irreversible)."""
        return self._action(invoice_id, "mark_as_canceled", None, options)

    def send(
        self, invoice_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> None:
        """``POST …/send``: e-mail a finalized invoice (204)."""
        self._call(
            "POST",
            SEND,
            nothing,
            path_params={"id": invoice_id},
            json_body=params,
            options=options,
        )

    def upload(
        self, file: FileUpload, *, options: RequestOptions | None = None
    ) -> ClientInvoiceUpload:
        """``POST /v2/client_invoices/uploads``: an external file for a later ``upload_id``."""
        return self._call("POST", UPLOADS, _upload, files={UPLOAD_FIELD: file}, options=options)

    def get_upload(
        self, upload_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoiceUpload:
        """``GET /v2/client_invoices/uploads/{id}``."""
        return self._call("GET", UPLOAD, _upload, path_params={"id": upload_id}, options=options)


class AsyncClientInvoices(AsyncResource):
    async def list(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> Page[ClientInvoice]:
        """One page of ``GET /v2/client_invoices``."""
        query = with_keywords(filters, where).query(page)
        return await self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: ClientInvoiceFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientInvoiceFilterArgs],
    ) -> AsyncIterator[ClientInvoice]:
        """Every matching invoice, page after page."""
        chosen = with_keywords(filters, where)
        return aiter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    async def get(self, invoice_id: str, *, options: RequestOptions | None = None) -> ClientInvoice:
        """``GET /v2/client_invoices/{id}``."""
        return await self._call("GET", ONE, _one, path_params={"id": invoice_id}, options=options)

    async def create(
        self, params: ClientInvoiceCreateParams, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST /v2/client_invoices`` as a **draft** (never finalized here)."""
        return await self._call("POST", PATH, _one, json_body=_draft_body(params), options=options)

    async def update(
        self,
        invoice_id: str,
        params: ClientInvoiceUpdateParams,
        *,
        options: RequestOptions | None = None,
    ) -> ClientInvoice:
        """``PATCH /v2/client_invoices/{id}`` (drafts only)."""
        return await self._call(
            "PATCH", ONE, _one, path_params={"id": invoice_id}, json_body=params, options=options
        )

    async def delete(self, invoice_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/client_invoices/{id}`` (drafts only)."""
        await self._call("DELETE", ONE, nothing, path_params={"id": invoice_id}, options=options)

    async def _action(
        self,
        invoice_id: str,
        action: str,
        body: MarkAsPaidParams | None,
        options: RequestOptions | None,
    ) -> ClientInvoice:
        return await self._call(
            "POST",
            f"{ONE}/{action}",
            _one,
            path_params={"id": invoice_id},
            json_body=body,
            options=options,
        )

    async def finalize(
        self, invoice_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/finalize``: draft → unpaid. Irreversible: the number is burned."""
        return await self._action(invoice_id, "finalize", None, options)

    async def mark_as_paid(
        self, invoice_id: str, *, paid_at: date | None = None, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/mark_as_paid``."""
        return await self._action(invoice_id, "mark_as_paid", _paid_body(paid_at), options)

    async def unmark_as_paid(
        self, invoice_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/unmark_as_paid``."""
        return await self._action(invoice_id, "unmark_as_paid", None, options)

    async def mark_as_canceled(
        self, invoice_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoice:
        """``POST …/mark_as_canceled``."""
        return await self._action(invoice_id, "mark_as_canceled", None, options)

    async def send(
        self, invoice_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> None:
        """``POST …/send`` (204)."""
        await self._call(
            "POST",
            SEND,
            nothing,
            path_params={"id": invoice_id},
            json_body=params,
            options=options,
        )

    async def upload(
        self, file: FileUpload, *, options: RequestOptions | None = None
    ) -> ClientInvoiceUpload:
        """``POST /v2/client_invoices/uploads``."""
        return await self._call(
            "POST", UPLOADS, _upload, files={UPLOAD_FIELD: file}, options=options
        )

    async def get_upload(
        self, upload_id: str, *, options: RequestOptions | None = None
    ) -> ClientInvoiceUpload:
        """``GET /v2/client_invoices/uploads/{id}``."""
        return await self._call(
            "GET", UPLOAD, _upload, path_params={"id": upload_id}, options=options
        )
