"""What the routes of invoices, quotes and credit notes do alike, read from one description per
kind: how a document is found (404 when absent) and how it is answered.

A route then says only what it reads from the request and which use case it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Concatenate, Generic, ParamSpec, TypeVar

from fastapi import Request, Response

from verone.qonto.types.pagination import PaginationMeta
from verone.sandbox.invoicing.pdf_delivery import Document, ensure_pdf
from verone.sandbox.invoicing.routes.common import JSON, page_of, sort_spec
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.pagination import MAX_PER_PAGE_INVOICING
from verone.sandbox.state import SandboxState

D = TypeVar("D", bound=Document)
P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class DocumentKind(Generic[D]):
    """One kind of document as its routes see it.

    ``render`` is the envelope of a read; ``publish`` the envelope of a change (an invoice's
    also goes to the webhook subscribers), ``render`` when not given.
    """

    find: Callable[[InvoicingStore, str], D]
    render: Callable[[SandboxState, D], JSON]
    publish: Callable[[SandboxState, D], JSON] | None = None

    def read(self, state: SandboxState, document_id: str) -> JSON:
        """The document, its PDF attached first once it is due."""
        with state.lock:
            document = self.find(state.invoicing, document_id)
            ensure_pdf(state, document)
            return self.render(state, document)

    def act(
        self,
        state: SandboxState,
        document_id: str,
        use: Callable[Concatenate[SandboxState, D, P], object],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> JSON:
        """Run ``use(state, document, ...)`` under the lock and answer the changed document."""
        with state.lock:
            document = self.find(state.invoicing, document_id)
            use(state, document, *args, **kwargs)
            return (self.publish or self.render)(state, document)

    def quietly(
        self, state: SandboxState, document_id: str, use: Callable[[SandboxState, D], object]
    ) -> Response:
        """Run ``use(state, document)`` under the lock; the answer is an empty 204."""
        with state.lock:
            use(state, self.find(state.invoicing, document_id))
        return Response(status_code=204)


def newest_first(
    request: Request, found: list[D], *, max_per_page: int = MAX_PER_PAGE_INVOICING
) -> tuple[Sequence[D], PaginationMeta]:
    """``found`` sorted by creation (``sort_by=created_at:asc|desc``, newest first by default)
    and cut to the requested page, with Qonto's ``meta``."""
    _, descending = sort_spec(request, {"created_at"}, "created_at:desc")
    found.sort(key=lambda d: (d.created_at, d.id), reverse=descending)
    return page_of(request, found, max_per_page=max_per_page)
