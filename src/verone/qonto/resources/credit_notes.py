"""``credit_notes``: list, iterate, get, create, and the PDF file.

A credit note is final at creation; a 404 on ``create`` means: create it in the dashboard.
"""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions, raw_bytes
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._collection import Creates, collection
from verone.qonto.resources._filters import CreditNoteFilterArgs, CreditNoteFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.types.credit_notes import CreditNote, CreditNoteCreateParams

CREATE_HINTS = {
    404: "credit-note creation is not available through the API for this organization: "
    "create it in the Qonto dashboard",
}
NO_FILTERS = CreditNoteFilters()


class _CreditNotes(Creates[CreditNote, CreditNoteCreateParams]):
    _items = collection("/v2/credit_notes", CreditNote, "credit_note", "credit_notes")
    _create_hints = CREATE_HINTS

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
        return self._filtered(with_keywords(filters, where), page, options)

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
        return self._listing(with_keywords(filters, where), max_pages)

    @endpoint
    def file(
        self, credit_note_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[bytes]:
        """``GET /v2/credit_notes/{id}/file``: the PDF bytes."""
        return self._on_item(
            "GET", credit_note_id, raw_bytes, path="{}/file", options=options, raw_body=True
        )


class CreditNotes(SyncResource, _CreditNotes):
    pass


class AsyncCreditNotes(AsyncResource, _CreditNotes):
    pass
