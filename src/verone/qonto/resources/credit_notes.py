"""``credit_notes``: list, iterate, get, create, and the PDF file."""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions, raw_bytes
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._filters import CreditNoteFilterArgs, CreditNoteFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    Resource,
    SyncResource,
    endpoint,
    iterates,
)
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


class _CreditNotes(Resource):
    @endpoint
    def list(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> PreparedCall[Page[CreditNote]]:
        """One page of ``GET /v2/credit_notes``."""
        query = with_keywords(filters, where).query(page)
        return self._prepare("GET", PATH, _page, query=query, options=options)

    @iterates
    def iter(
        self,
        filters: CreditNoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[CreditNoteFilterArgs],
    ) -> Listing[CreditNote]:
        """Every matching credit note, page after page."""
        chosen = with_keywords(filters, where)
        return Listing(
            lambda n: self._prepare("GET", PATH, _page, query=chosen.query(n)), max_pages
        )

    @endpoint
    def get(
        self, credit_note_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[CreditNote]:
        """``GET /v2/credit_notes/{id}``."""
        return self._prepare("GET", ONE, _one, path_params={"id": credit_note_id}, options=options)

    @endpoint
    def create(
        self, params: CreditNoteCreateParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[CreditNote]:
        """``POST /v2/credit_notes`` (final at creation; a 404 means: use the dashboard)."""
        return self._prepare(
            "POST", PATH, _one, json_body=params, options=options, hints=CREATE_HINTS
        )

    @endpoint
    def file(
        self, credit_note_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[bytes]:
        """``GET /v2/credit_notes/{id}/file``: the PDF bytes."""
        return self._prepare(
            "GET",
            FILE,
            raw_bytes,
            path_params={"id": credit_note_id},
            options=options,
            raw_body=True,
        )


class CreditNotes(SyncResource, _CreditNotes):
    pass


class AsyncCreditNotes(AsyncResource, _CreditNotes):
    pass
