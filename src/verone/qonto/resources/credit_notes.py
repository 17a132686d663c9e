"""``credit_notes``: list, iterate, get, create, and the PDF file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Unpack

from verone.qonto._base import RequestOptions, raw_bytes
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page, aiter_items, iter_items
from verone.qonto.resources._filters import CreditNoteFilterArgs, CreditNoteFilters, with_keywords
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import one, page
from verone.qonto.types.credit_notes import CreditNote, CreditNoteCreateParams

PATH = "/v2/credit_notes"
ONE = PATH + "/{id}"
FILE = ONE + "/file"
CREATE_HINTS = {
    404: "credit-note creation is not available through the API for this organization: "
    "create it in the Qonto dashboard",
}

_page = page(CreditNote, "credit_notes")
_one = one(CreditNote, "credit_note")
NO_FILTERS = CreditNoteFilters()


class CreditNotes(SyncResource):
    def list(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> Page[CreditNote]:
        """One page of ``GET /v2/credit_notes``."""
        query = with_keywords(filters, where).query(page)
        return self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> Iterator[CreditNote]:
        """Every matching credit note, page after page."""
        chosen = with_keywords(filters, where)
        return iter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    def get(self, credit_note_id: str, *, options: RequestOptions | None = None) -> CreditNote:
        """``GET /v2/credit_notes/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": credit_note_id}, options=options)

    def create(
        self, params: CreditNoteCreateParams, *, options: RequestOptions | None = None
    ) -> CreditNote:
        """``POST /v2/credit_notes`` (final at creation; a 404 means: use the dashboard)."""
        return self._call("POST", PATH, _one, json_body=params, options=options, hints=CREATE_HINTS)

    def file(self, credit_note_id: str, *, options: RequestOptions | None = None) -> bytes:
        """``GET /v2/credit_notes/{id}/file``: the PDF bytes."""
        return self._call(
            "GET",
            FILE,
            raw_bytes,
            path_params={"id": credit_note_id},
            options=options,
            raw_body=True,
        )


class AsyncCreditNotes(AsyncResource):
    async def list(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> Page[CreditNote]:
        """One page of ``GET /v2/credit_notes``."""
        query = with_keywords(filters, where).query(page)
        return await self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> AsyncIterator[CreditNote]:
        """Every matching credit note, page after page."""
        chosen = with_keywords(filters, where)
        return aiter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    async def get(
        self, credit_note_id: str, *, options: RequestOptions | None = None
    ) -> CreditNote:
        """``GET /v2/credit_notes/{id}``."""
        return await self._call(
            "GET", ONE, _one, path_params={"id": credit_note_id}, options=options
        )

    async def create(
        self, params: CreditNoteCreateParams, *, options: RequestOptions | None = None
    ) -> CreditNote:
        """``POST /v2/credit_notes``."""
        return await self._call(
            "POST", PATH, _one, json_body=params, options=options, hints=CREATE_HINTS
        )

    async def file(self, credit_note_id: str, *, options: RequestOptions | None = None) -> bytes:
        """``GET /v2/credit_notes/{id}/file``: the PDF bytes."""
        return await self._call(
            "GET",
            FILE,
            raw_bytes,
            path_params={"id": credit_note_id},
            options=options,
            raw_body=True,
        )
