"""``/v2/quotes``: list, retrieve, create, update (items replaced), delete, send."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from verone.qonto.types.quotes import QuoteEnvelope, QuoteList
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.params import QuoteIn, QuotePatch, SendIn, prepare_quote
from verone.sandbox.invoicing.pdf_delivery import ensure_pdf
from verone.sandbox.invoicing.quotes import create_quote, delete_quote, send_quote, update_quote
from verone.sandbox.invoicing.records import QuoteRecord
from verone.sandbox.invoicing.routes.common import (
    JSON,
    in_range,
    page_of,
    parse_body,
    query_datetime,
    query_list,
    sort_spec,
)
from verone.sandbox.invoicing.rules import QuoteStatus
from verone.sandbox.invoicing.wire import quote_wire
from verone.sandbox.pagination import MAX_PER_PAGE_INVOICING
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import build, dump

router = APIRouter()


def render_quote(state: SandboxState, quote: QuoteRecord) -> JSON:
    return dump(build(QuoteEnvelope, quote=quote_wire(state, quote)))


@router.get("/v2/quotes")
def list_quotes(request: Request, state: StateDep) -> JSON:
    statuses = query_list(request, "filter[status]")
    unknown = set(statuses) - {s.value for s in QuoteStatus}
    if unknown:
        raise QontoHTTPError(
            422, "not_in_list", f"unknown status {sorted(unknown)[0]!r}", parameter="filter[status]"
        )
    low = query_datetime(request, "filter[created_at_from]")
    high = query_datetime(request, "filter[created_at_to]")
    _, descending = sort_spec(request, {"created_at"}, "created_at:desc")
    with state.lock:
        found = [
            q
            for q in state.invoicing.quotes.values()
            if (not statuses or q.status in statuses) and in_range(q.created_at, low, high)
        ]
        found.sort(key=lambda q: (q.created_at, q.id), reverse=descending)
        chunk, meta = page_of(request, found, max_per_page=MAX_PER_PAGE_INVOICING)
        return dump(build(QuoteList, quotes=[quote_wire(state, q) for q in chunk], meta=meta))


@router.get("/v2/quotes/{quote_id}")
def get_quote(quote_id: str, state: StateDep) -> JSON:
    with state.lock:
        quote = state.invoicing.quote(quote_id)
        ensure_pdf(state, quote)
        return render_quote(state, quote)


@router.post("/v2/quotes", status_code=201)
async def create(request: Request, state: StateDep) -> JSON:
    body = await parse_body(request, QuoteIn, prepare_quote)
    with state.lock:
        return render_quote(state, create_quote(state, body))


@router.patch("/v2/quotes/{quote_id}")
async def update(quote_id: str, request: Request, state: StateDep) -> JSON:
    body = await parse_body(request, QuotePatch, prepare_quote)
    with state.lock:
        quote = state.invoicing.quote(quote_id)
        update_quote(state, quote, body)
        return render_quote(state, quote)


@router.delete("/v2/quotes/{quote_id}", status_code=204)
def delete(quote_id: str, state: StateDep) -> Response:
    with state.lock:
        delete_quote(state, state.invoicing.quote(quote_id))
    return Response(status_code=204)


@router.post("/v2/quotes/{quote_id}/send", status_code=204)
async def send(quote_id: str, request: Request, state: StateDep) -> Response:
    body = await parse_body(request, SendIn)
    with state.lock:
        send_quote(state, state.invoicing.quote(quote_id), body)
    return Response(status_code=204)
