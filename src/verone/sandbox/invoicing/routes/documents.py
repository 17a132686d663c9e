"""What the routes of invoices, quotes and credit notes do alike, read from one description per
kind: how a document is found (404 when absent) and how it is answered.

``DocumentKind.add_routes`` adds a kind's retrieve, create, update and delete routes from its
use cases; any other route says only what it reads from the request and which use case runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Concatenate, Generic, ParamSpec, TypeVar

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from verone.qonto.types.pagination import PaginationMeta
from verone.sandbox.deps import StateDep
from verone.sandbox.invoicing.pdf_delivery import Document, ensure_pdf
from verone.sandbox.invoicing.routes.common import JSON, page_of, parse_body, sort_spec
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.pagination import MAX_PER_PAGE_INVOICING
from verone.sandbox.state import SandboxState

D = TypeVar("D", bound=Document)
P = ParamSpec("P")
C = TypeVar("C", bound=BaseModel)
U = TypeVar("U", bound=BaseModel)
Prepare = Callable[[JSON], JSON] | None
"""What ``parse_body`` applies to the raw object before the body model validates it."""


@dataclass(frozen=True, slots=True)
class DocumentKind(Generic[D]):
    """One kind of document as its routes see it.

    ``path`` is its collection (``/v2/quotes``); ``render`` is the envelope of a read;
    ``publish`` the envelope of a change (an invoice's also goes to the webhook subscribers),
    ``render`` when not given.
    """

    path: str
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

    def add_routes(
        self,
        router: APIRouter,
        *,
        create: tuple[Callable[[SandboxState, C], D], type[C], Prepare],
        update: tuple[Callable[[SandboxState, D, U], None], type[U], Prepare],
        delete: Callable[[SandboxState, D], None],
    ) -> None:
        """``GET path/{id}``, ``POST path`` (201), ``PATCH path/{id}`` and ``DELETE path/{id}``
        (204), each from its use case and body model (with its ``parse_body`` preparation)."""
        path, one = self.path, self.path + "/{document_id}"
        create_use, create_model, create_prepare = create
        update_use, update_model, update_prepare = update

        def retrieve(document_id: str, state: StateDep) -> JSON:
            return self.read(state, document_id)

        async def create_route(request: Request, state: StateDep) -> JSON:
            body = await parse_body(request, create_model, create_prepare)
            with state.lock:
                return (self.publish or self.render)(state, create_use(state, body))

        async def update_route(document_id: str, request: Request, state: StateDep) -> JSON:
            body = await parse_body(request, update_model, update_prepare)
            return self.act(state, document_id, update_use, body)

        def delete_route(document_id: str, state: StateDep) -> Response:
            return self.quietly(state, document_id, delete)

        router.get(one)(retrieve)
        router.post(path, status_code=201)(create_route)
        router.patch(one)(update_route)
        router.delete(one, status_code=204)(delete_route)

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
