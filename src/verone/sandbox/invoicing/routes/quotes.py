"""``/v2/quotes``: list, retrieve, create, update (items replaced), delete, send."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request, Response

from verone.qonto.types.quotes import QuoteEnvelope, QuoteList
from verone.sandbox.deps import StateDep
from verone.sandbox.invoicing.params import QuoteIn, QuotePatch, SendIn, prepare_quote
from verone.sandbox.invoicing.quotes import create_quote, delete_quote, send_quote, update_quote
from verone.sandbox.invoicing.records import QuoteRecord
from verone.sandbox.invoicing.routes.common import (
    JSON,
    in_range,
    parse_body,
    query_period,
    query_statuses,
)
from verone.sandbox.invoicing.routes.documents import DocumentKind, newest_first
from verone.sandbox.invoicing.rules import QuoteStatus
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.invoicing.wire import quote_wire
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import build, dump

router = APIRouter()


def render_quote(state: SandboxState, quote: QuoteRecord) -> JSON:
    return dump(build(QuoteEnvelope, quote=quote_wire(state, quote)))


QUOTES = DocumentKind("/v2/quotes", InvoicingStore.quote, render_quote)


@router.get("/v2/quotes")
def list_quotes(request: Request, state: StateDep) -> JSON:
    statuses = query_statuses(request, QuoteStatus)
    created = query_period(request, "created_at")
    with state.lock:
        found = [
            q
            for q in state.invoicing.quotes.values()
            if (not statuses or q.status in statuses) and in_range(q.created_at, *created)
        ]
        chunk, meta = newest_first(request, found)
        return dump(build(QuoteList, quotes=[quote_wire(state, q) for q in chunk], meta=meta))


QUOTES.add_routes(
    router,
    create=(create_quote, QuoteIn, prepare_quote),
    update=(update_quote, QuotePatch, prepare_quote),
    delete=delete_quote,
)


@router.post("/v2/quotes/{quote_id}/send", status_code=204)
async def send(quote_id: str, request: Request, state: StateDep) -> Response:
    body = await parse_body(request, SendIn)
    return QUOTES.quietly(state, quote_id, partial(send_quote, body=body))
